"""Egress: a request sent from inside a pod to a host outside the cluster, through the pod's sidecar and — when
a VirtualService routes it there — the demo profile's `istio-egressgateway`.

    lab.request(host="edition.cnn.com", path="/politics", via="egress", from_pod="curl")
    lab.request(host="edition.cnn.com", path="/politics", via="egress", from_pod="deploy/sleep",
                namespace="default", scheme="https")

The request is curl in `from_pod` (`kubectl exec`), with its own X-Request-ID, which the client's sidecar and
the egress gateway both log. The record recognises the egress gateway's pods (`istio: egressgateway`) and
claims their lines and the sidecar lines of traffic leaving the cluster (see `trace.egress`).
"""

from __future__ import annotations

from ingresslab.entrypoints.components import Component
from ingresslab.entrypoints.registry import EntryPoint, EntryRequest
from ingresslab.errors import IngresslabError

__all__ = ["egress"]


def _resolve(req: EntryRequest) -> tuple[str, list[str]]:
    if not req.from_pod:
        raise IngresslabError(
            'via="egress" sends the request from inside a pod: pass from_pod="curl" (a pod name, or deploy/NAME) '
            'and namespace="default" where it runs'
        )
    scheme = req.scheme or "http"
    path = req.path if req.path.startswith("/") else "/" + req.path
    return f"{scheme}://{req.host}{path}", []


def egress() -> EntryPoint:
    from ingresslab.trace.egress import egress_hops, egress_line, egress_matches_hint, egress_request_id
    from ingresslab.troubleshoot.egress_rules import egress_rules, egress_unreached

    return EntryPoint(
        via="egress",
        title="from a pod to an external host (its sidecar, the istio-egressgateway when routed there)",
        resolve=_resolve,
        component=Component.ISTIO_EGRESSGATEWAY,
        selector={"istio": "egressgateway"},
        log_format="auto",
        log_container="istio-proxy",
        classify=egress_line,
        request_id=egress_request_id,
        matches_hint=egress_matches_hint,
        hops=egress_hops,
        diagnose=egress_rules,
        unreached=egress_unreached,
        options=("from_pod",),
    )
