"""Names Istio gives to services and clusters: FQDNs in the cluster domain, and the gateway's namespace."""

from __future__ import annotations

from ingresslab.routing.model import ClusterKey

__all__ = ["CLUSTER_DOMAIN", "INGRESS_NAMESPACE", "inbound_cluster", "resolve_host", "service_fqdn"]

CLUSTER_DOMAIN = "cluster.local"
INGRESS_NAMESPACE = "istio-system"


def service_fqdn(name: str, namespace: str, domain: str = CLUSTER_DOMAIN) -> str:
    return f"{name}.{namespace}.svc.{domain}"


def resolve_host(host: str, namespace: str, domain: str = CLUSTER_DOMAIN) -> str:
    """A host in Istio config as istiod resolves it: short names are relative to the object's namespace."""
    if "." not in host:
        return service_fqdn(host, namespace, domain)
    if host.count(".") == 1:
        return f"{host}.svc.{domain}"
    return host


def inbound_cluster(port: int) -> ClusterKey:
    """A sidecar's inbound cluster for a workload port (`inbound|5678||`, Istio 1.8.1 and later)."""
    return ClusterKey("inbound", port)
