"""kube-proxy (iptables mode) as the data plane sees it: which Service a NodePort or ClusterIP:port is,
which endpoint a connection goes to, and when the source address is rewritten.

- Endpoint choice: uniformly random among the Service's ready endpoints (iptables' `statistic --mode
  random` chain), drawn from the cluster's seeded generator.
- NodePort traffic (externalTrafficPolicy Cluster) is masqueraded: the pod sees the node's bridge address
  10.244.0.1 and a fresh source port. ClusterIP traffic keeps the client pod's address, except hairpin
  traffic (a pod reaching itself through its Service), which is masqueraded too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingresslab.backends.sandbox.topology import POD_GATEWAY

__all__ = [
    "Backend",
    "ServicePort",
    "by_cluster_ip",
    "by_node_port",
    "choose",
    "ephemeral_port",
    "ready_endpoints",
    "snat",
]


@dataclass(frozen=True)
class ServicePort:
    service: dict
    port: dict  # the entry of spec.ports

    @property
    def namespace(self) -> str:
        return self.service["metadata"]["namespace"]

    @property
    def name(self) -> str:
        return self.service["metadata"]["name"]


@dataclass(frozen=True)
class Backend:
    ip: str
    port: int
    pod: tuple[str, str] | None  # (namespace, name) from the endpoint's targetRef


def by_node_port(cluster, node_port: int, protocol: str = "TCP") -> ServicePort | None:
    for svc in cluster.store.service_using("nodePort", node_port):
        for p in svc["spec"].get("ports") or []:
            if p.get("nodePort") == node_port and p.get("protocol", "TCP") == protocol:
                return ServicePort(svc, p)
    return None


def by_cluster_ip(
    cluster, ip: str, port: int, protocol: str = "TCP"
) -> tuple[dict | None, ServicePort | None]:
    """(the Service owning the IP or None, its matching port or None)."""
    for svc in cluster.store.service_using("clusterIP", ip):
        for p in svc["spec"].get("ports") or []:
            if int(p["port"]) == port and p.get("protocol", "TCP") == protocol:
                return svc, ServicePort(svc, p)
        return svc, None
    return None, None


def ready_endpoints(cluster, svc: dict, port: dict) -> list[Backend]:
    """Ready endpoints of one Service port, in the Endpoints object's order."""
    ep = cluster.get("endpoints", svc["metadata"]["name"], svc["metadata"]["namespace"])
    out: list[Backend] = []
    for subset in (ep or {}).get("subsets") or []:
        ports = subset.get("ports") or []
        if port.get("name"):
            number = next((p["port"] for p in ports if p.get("name") == port["name"]), None)
        else:
            number = ports[0]["port"] if len(ports) == 1 else None
        if number is None:
            continue
        for addr in subset.get("addresses") or []:
            ref = addr.get("targetRef") or {}
            pod = (ref.get("namespace", ""), ref["name"]) if ref.get("kind") == "Pod" else None
            out.append(Backend(addr["ip"], int(number), pod))
    return out


def choose(cluster, backends: list[Backend]) -> Backend | None:
    return cluster.store.rng.choice(backends) if backends else None


def ephemeral_port(cluster) -> int:
    """A source port from Linux's default ip_local_port_range."""
    return cluster.store.rng.randint(32768, 60999)


def snat(cluster) -> tuple[str, int]:
    """kube-proxy's masquerade: the bridge address and a new source port."""
    return POD_GATEWAY, cluster.store.rng.randint(1024, 65535)
