"""The cluster objects a trace needs to name what the logs only address: pods by IP, Services by upstream name,
by Istio cluster host or by NodePort. Built from plain Kubernetes-shaped dicts, so any backend (or a JSON dump of
`kubectl get … -o json`) will do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ingresslab.kube.pods import default_container

__all__ = ["Topology"]


@dataclass
class Topology:
    pods: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    endpoints: list[dict] = field(default_factory=list)

    @classmethod
    def from_backend(cls, backend) -> Topology:
        return cls(backend.list("pods", "*"), backend.list("services", "*"), backend.list("endpoints", "*"))

    @classmethod
    def from_objects(cls, objects: Iterable[dict]) -> Topology:
        """From a mix of objects or Lists (e.g. `kubectl get pods,svc,ep -A -o json`)."""
        topo = cls()
        for obj in objects:
            items = obj.get("items") if obj.get("kind", "").endswith("List") else [obj]
            for item in items or []:
                kind = item.get("kind")
                if kind == "Pod":
                    topo.pods.append(item)
                elif kind == "Service":
                    topo.services.append(item)
                elif kind == "Endpoints":
                    topo.endpoints.append(item)
        return topo

    # -- pods -----------------------------------------------------------------------------------
    def pod_by_ip(self, ip: str | None) -> dict | None:
        if not ip:
            return None
        matches = [
            p
            for p in self.pods
            if p.get("status", {}).get("podIP") == ip and not p["spec"].get("hostNetwork")
        ]
        return matches[0] if matches else None

    @staticmethod
    def containers(pod: dict) -> list[str]:
        return [c["name"] for c in pod.get("spec", {}).get("containers") or []]

    def has_sidecar(self, pod: dict) -> bool:
        return "istio-proxy" in self.containers(pod)

    def app_container(self, pod: dict) -> str | None:
        return default_container(pod, skip=("istio-proxy",))

    # -- services -------------------------------------------------------------------------------
    def service(self, namespace: str, name: str) -> dict | None:
        return next(
            (
                s
                for s in self.services
                if s["metadata"]["name"] == name and s["metadata"].get("namespace") == namespace
            ),
            None,
        )

    def service_by_upstream_name(self, upstream: str | None) -> tuple[dict, dict] | None:
        """ingress-nginx's `<ns>-<svc>-<port name or number>`; dashes make it ambiguous, so match against real
        Services instead of splitting. Returns (service, port)."""
        if not upstream:
            return None
        for svc in self.services:
            prefix = f"{svc['metadata'].get('namespace')}-{svc['metadata']['name']}-"
            if upstream.startswith(prefix):
                rest = upstream[len(prefix) :]
                for port in svc.get("spec", {}).get("ports") or []:
                    if rest in (str(port.get("name")), str(port.get("port"))):
                        return svc, port
        return None

    def service_by_host(self, host: str | None, port: int | None) -> tuple[dict, dict | None] | None:
        """An Istio cluster's host `svc.ns.svc.cluster.local` and service port."""
        if not host:
            return None
        parts = host.split(".")
        if len(parts) < 3 or parts[2] != "svc":
            return None
        svc = self.service(parts[1], parts[0])
        if svc is None:
            return None
        match = next((p for p in svc["spec"].get("ports") or [] if p.get("port") == port), None)
        return svc, match

    def service_by_node_port(self, node_port: int) -> tuple[dict, dict] | None:
        for svc in self.services:
            for port in svc.get("spec", {}).get("ports") or []:
                if port.get("nodePort") == node_port:
                    return svc, port
        return None

    def services_with_endpoint(self, address: str) -> list[tuple[dict, int]]:
        """Services whose Endpoints list `ip:port`."""
        ip, _, port = address.rpartition(":")
        found = []
        for ep in self.endpoints:
            for subset in ep.get("subsets") or []:
                ips = {a["ip"] for a in subset.get("addresses") or []}
                ports = {p["port"] for p in subset.get("ports") or []}
                if ip in ips and port.isdigit() and int(port) in ports:
                    svc = self.service(ep["metadata"].get("namespace", ""), ep["metadata"]["name"])
                    if svc is not None:
                        found.append((svc, int(port)))
        return found

    def endpoint_addresses(self, namespace: str, name: str) -> list[str]:
        for ep in self.endpoints:
            if ep["metadata"]["name"] == name and ep["metadata"].get("namespace") == namespace:
                return [
                    f"{a['ip']}:{p['port']}"
                    for s in ep.get("subsets") or []
                    for a in s.get("addresses") or []
                    for p in s.get("ports") or []
                ]
        return []
