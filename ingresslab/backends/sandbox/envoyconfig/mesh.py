"""The mesh as istiod's service registry sees it: every Service port with its protocol, cluster name and
ready endpoints, read from the sandbox's objects.

Facts modelled (Istio 1.23, `pilot/pkg/serviceregistry/kube/conversion.go` and `pkg/config/protocol`):
- A port's protocol comes from `appProtocol`, else the port name's prefix before `-` (`http-v1` → HTTP,
  `grpc-xds` → GRPC, `https-webhook` → HTTPS, `tcp` → TCP); anything else is sniffed at runtime (AUTO),
  except well-known port 53, which is TCP. UDP ports get no cluster and no listener.
- Cluster names are `outbound|<port>|<subset>|<fqdn>` (subsets from DestinationRules); a headless
  Service's cluster is ORIGINAL_DST, an ExternalName one STRICT_DNS, every other one EDS.
- Endpoints come from the Endpoints object (ready addresses, the port matched by name), the same lookup
  kube-proxy and the data plane use, so the dump lists exactly the hosts a request can reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingresslab.backends.sandbox.dataplane import kubeproxy
from ingresslab.routing.model import ClusterKey
from ingresslab.routing.names import resolve_host, service_fqdn

__all__ = [
    "HTTP_PROTOCOLS",
    "MeshPort",
    "destination_rule_for",
    "endpoints_for",
    "mesh_ports",
    "port_protocol",
    "services_by_key",
]

HTTP_PROTOCOLS = frozenset({"HTTP", "HTTP2", "GRPC", "GRPC-WEB"})
_NAMED = {
    "http": "HTTP",
    "http2": "HTTP2",
    "grpc": "GRPC",
    "grpc-web": "GRPC-WEB",
    "https": "HTTPS",
    "tls": "TLS",
    "tcp": "TCP",
    "mongo": "Mongo",
    "redis": "Redis",
    "mysql": "MySQL",
}
_WELL_KNOWN_TCP = frozenset({53})


def port_protocol(port: dict) -> str:
    """Istio's protocol for a Service port: HTTP, HTTP2, GRPC, HTTPS, TLS, TCP, ..., AUTO or UDP."""
    if str(port.get("protocol", "TCP")).upper() == "UDP":
        return "UDP"
    for candidate in (port.get("appProtocol"), port.get("name")):
        if not candidate:
            continue
        text = str(candidate).lower()
        if text.startswith("grpc-web"):
            return "GRPC-WEB"
        found = _NAMED.get(text.split("-", 1)[0])
        if found:
            return found
    return "TCP" if int(port.get("port", 0)) in _WELL_KNOWN_TCP else "AUTO"


@dataclass(frozen=True)
class MeshPort:
    """One Service port as a cluster: `outbound|7777||dest-svc-v1.application.svc.cluster.local`."""

    service: dict
    port: dict
    protocol: str

    @property
    def name(self) -> str:
        return self.service["metadata"]["name"]

    @property
    def namespace(self) -> str:
        return self.service["metadata"].get("namespace") or "default"

    @property
    def fqdn(self) -> str:
        return service_fqdn(self.name, self.namespace)

    @property
    def number(self) -> int:
        return int(self.port["port"])

    @property
    def cluster_ip(self) -> str:
        return str(self.service.get("spec", {}).get("clusterIP") or "")

    @property
    def headless(self) -> bool:
        return self.cluster_ip == "None"

    @property
    def discovery_type(self) -> str:
        if self.service.get("spec", {}).get("type") == "ExternalName":
            return "STRICT_DNS"
        return "ORIGINAL_DST" if self.headless else "EDS"

    def key(self, subset: str = "") -> ClusterKey:
        return ClusterKey("outbound", self.number, subset, self.fqdn)


def services_by_key(cluster) -> dict[tuple[str, str], dict]:
    return {(s["metadata"]["namespace"], s["metadata"]["name"]): s for s in cluster.list("services")}


def mesh_ports(cluster) -> list[MeshPort]:
    """Every non-UDP port of every Service, sorted by fqdn then port (istiod's push order)."""
    out = []
    for svc in cluster.list("services"):
        for port in svc.get("spec", {}).get("ports") or []:
            protocol = port_protocol(port)
            if protocol != "UDP":
                out.append(MeshPort(svc, port, protocol))
    out.sort(key=lambda p: (p.fqdn, p.number))
    return out


def destination_rule_for(cluster, fqdn: str, proxy: dict | None = None) -> dict | None:
    """The DestinationRule whose host is this Service (oldest first, as istiod merges them); with `proxy`, only
    among the rules istiod shows that proxy (`dataplane.envoy.visible_destination_rules`)."""
    rules = sorted(
        cluster.list("destinationrules"),
        key=lambda r: (r["metadata"].get("creationTimestamp") or "", r["metadata"]["name"]),
    )
    if proxy is not None:
        from ingresslab.backends.sandbox.dataplane.envoy import visible_destination_rules

        rest = fqdn.partition(".")[2]
        rules = visible_destination_rules(
            rules,
            fqdn,
            proxy["metadata"].get("namespace") or "default",
            rest.partition(".")[0] or None,
            proxy["metadata"].get("labels") or {},
        )
    for rule in rules:
        host = (rule.get("spec") or {}).get("host", "")
        if resolve_host(host, rule["metadata"].get("namespace") or "default") == fqdn:
            return rule
    return None


def endpoints_for(cluster, port: MeshPort, subset_labels: dict | None = None) -> list[kubeproxy.Backend]:
    """Ready endpoints of a Service port, narrowed to pods carrying `subset_labels`."""
    backends = kubeproxy.ready_endpoints(cluster, port.service, port.port)
    if not subset_labels:
        return backends
    kept = []
    for backend in backends:
        if backend.pod is None:
            continue
        pod = cluster.get("pods", backend.pod[1], backend.pod[0])
        labels = (pod or {}).get("metadata", {}).get("labels") or {}
        if all(labels.get(k) == v for k, v in subset_labels.items()):
            kept.append(backend)
    return kept
