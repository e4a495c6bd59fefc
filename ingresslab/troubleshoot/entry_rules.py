"""The diagnose rules each built-in front end brings: what its own log line says went wrong, and why a request
may not have reached it at all. The records in `ingresslab.entrypoints.builtin` point here; `diagnose()` asks the
record of the entry point that logged the request (or that the request was sent to) and never names one.

Each rule takes the diagnose walk (its cluster view, trace and conclusions) and returns a Diagnosis, or None to
let the walk go on to its generic checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ingresslab.logs import decode_istio_cluster
from ingresslab.troubleshoot.findings import Diagnosis

__all__ = ["gateway_rules", "gateway_unreached", "nginx_rules", "nginx_unreached"]


def _default_backend(upstream: str) -> bool:
    return upstream == "upstream-default-backend" or upstream.startswith("custom-default-backend-")


def nginx_rules(walk: Any, fields: Mapping[str, Any]) -> Diagnosis | None:
    """ingress-nginx's access line: default backend (no rule), an upstream with no address (no endpoints), or
    an upstream status ≥ 500 with no app line (the pod refused)."""
    upstream = fields.get("proxy_upstream_name") or ""
    if _default_backend(upstream):
        return walk.no_rule("nginx")
    svc_hop = walk.trace.hop("service")
    svc = (
        walk.cluster.get("services", svc_hop.namespace, svc_hop.title.removeprefix("Service "))
        if svc_hop
        else None
    )
    addresses = [a for a in fields.get("upstream_addr") or [] if a and a != upstream]
    if svc is not None and not addresses:
        return walk.no_endpoints(svc)
    statuses = [s for s in fields.get("upstream_status") or [] if s is not None]
    if addresses and statuses and statuses[-1] >= 500 and walk.trace.hop("app") is None:
        return walk.refused(addresses[-1], svc)
    return None


def gateway_rules(walk: Any, fields: Mapping[str, Any]) -> Diagnosis | None:
    """Envoy's access line at the gateway: its response flags (NR, UH, UF/URX) name the broken link."""
    flags = fields.get("response_flags") or []
    cluster = decode_istio_cluster(fields["upstream_cluster"]) if fields.get("upstream_cluster") else None
    svc = None
    if cluster is not None and cluster.host:
        parts = cluster.host.split(".")
        svc = walk.cluster.get("services", parts[1], parts[0]) if len(parts) > 2 else None
    if "NR" in flags:
        return walk.no_rule("istio")
    if "UH" in flags and svc is not None:
        return walk.no_endpoints(svc)
    if ("UF" in flags or "URX" in flags) and fields.get("upstream_host"):
        return walk.refused(str(fields["upstream_host"]), svc)
    return None


def nginx_unreached(walk: Any) -> Diagnosis | None:
    if walk.cluster.nginx_installed:
        return None
    return walk.done(
        "ingress-controller-missing",
        "no ingress-nginx controller pod runs, so nothing listens on the node's port 80",
        "minikube addons enable ingress",
    )


def gateway_unreached(walk: Any) -> Diagnosis | None:
    entry = walk.entry_points.get("istio")
    istio_ings = [i for i in walk.cluster.ingresses if entry.serves(walk.cluster, i)]
    if istio_ings or walk.ingress_gateways():
        return None
    walk.clue("cluster", "no Ingress served by Istio and no Gateway selecting istio=ingressgateway")
    return walk.done(
        "no-gateway-listener",
        "the ingress gateway has no listener on port 8080: nothing (no Istio Ingress, no Gateway) "
        "asks it to open one, so the connection is refused",
        "kubectl apply -f istio-deepdive/istio-ingress.yaml   # or a Gateway + VirtualService",
    )
