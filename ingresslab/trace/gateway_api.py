"""How a trace walks from a Gateway API gateway's own log line, for the two implementations the tutorial runs.

- Istio: the Gateway's `<gw>-istio` pod is an Envoy like the ingress gateway, so its line names the cluster and
  the endpoint it chose; `%ROUTE_NAME%` is `<routeNs>.<route>.<rule>`, which names the HTTPRoute rule that
  decided.
- NGINX Gateway Fabric: the `<gw>-nginx` pod logs nginx's default `combined` format, which names neither the
  upstream nor a request id. The line is found by what was sent (path and time), and the pod that answered
  by the request id its sidecar logged — nginx passes the client's X-Request-ID on. Without a sidecar the
  trace says so: the log alone cannot tell which pod answered.
"""

from __future__ import annotations

from ingresslab.entrypoints.components import Component
from ingresslab.logs import EnvoyAccess
from ingresslab.trace.collect import ParsedLine
from ingresslab.trace.entries import GATEWAY_FIELDS, envoy_edge_hops
from ingresslab.trace.model import Evidence, Hop, Trace
from ingresslab.trace.tail import RequestHint, Tail, evidence, in_window, pod_of

__all__ = [
    "ISTIO_GATEWAY_API_FIELDS",
    "NGF_FIELDS",
    "istio_gateway_api_hops",
    "istio_gateway_api_line",
    "ngf_hops",
    "ngf_line",
    "ngf_matches_hint",
    "route_of",
]

ISTIO_GATEWAY_API_FIELDS = (*GATEWAY_FIELDS, "route_name")
NGF_FIELDS = ("remote_addr", "time", "method", "path", "status", "body_bytes_sent", "http_user_agent")


def route_of(route_name: str | None) -> str | None:
    """`default.http.0` → `HTTPRoute default/http, rule 0` (Istio's %ROUTE_NAME% for a Gateway API rule)."""
    parts = (route_name or "").split(".")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    return f"HTTPRoute {parts[0]}/{parts[1]}, rule {parts[2]}"


def _entered(trace: Trace, line: ParsedLine, remote: str | None, what: str) -> None:
    trace.hops.append(
        Hop(
            Component.NODE,
            f"Gateway Service → {what} pod (kube-proxy)",
            dest_addr=None,
            inferred=True,
            note=f"the Gateway's own Service (LoadBalancer IP with `minikube tunnel`, else a NodePort) is "
            f"load-balanced by kube-proxy to {line.source.pod or 'a gateway pod'}; the pod sees {remote or '?'}",
        )
    )


# -- Istio --------------------------------------------------------------------------------------------
def istio_gateway_api_line(line: ParsedLine) -> bool:
    rec = line.record
    return (
        isinstance(rec, EnvoyAccess)
        and line.source.component == Component.ISTIO_GATEWAY_API
        and not (rec.upstream_cluster or "").startswith("inbound")
    )


def istio_gateway_api_hops(trace: Trace, line: ParsedLine, tail: Tail) -> None:
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    _entered(trace, line, rec.downstream_remote_address, "Envoy")
    rule = route_of(rec.route_name)
    gateway = (line.source.pod or "").rsplit("-istio-", 1)[0]
    envoy_edge_hops(
        trace,
        line,
        tail,
        Component.ISTIO_GATEWAY_API,
        f"Gateway {gateway} (Istio, Envoy)" if gateway else "Gateway API gateway (Istio, Envoy)",
        fields=ISTIO_GATEWAY_API_FIELDS,
        note=f"route {rec.route_name}: {rule}" if rule else "",
    )


# -- NGINX Gateway Fabric ---------------------------------------------------------------------------
def ngf_line(line: ParsedLine) -> bool:
    return line.source.component == Component.NGINX_GATEWAY_FABRIC and hasattr(line.record, "body_bytes_sent")


def ngf_matches_hint(record: object, hint: RequestHint) -> bool:
    """nginx's `combined` line has no host and no id: the request is recognised by its path and time."""
    return (hint.path is None or getattr(record, "path", None) == hint.path) and in_window(record, hint)


def ngf_hops(trace: Trace, line: ParsedLine, tail: Tail) -> None:
    rec = line.record
    status = getattr(rec, "status", None)
    trace.status = status
    _entered(trace, line, getattr(rec, "remote_addr", None), "NGINX")
    gateway = (line.source.pod or "").rsplit("-nginx-", 1)[0]
    trace.hops.append(
        Hop(
            Component.NGINX_GATEWAY_FABRIC,
            f"Gateway {gateway} (NGINX Gateway Fabric)" if gateway else "NGINX Gateway Fabric",
            namespace=line.source.namespace,
            pod=line.source.pod,
            container=line.source.container,
            source_addr=getattr(rec, "remote_addr", None),
            status=status,
            start=getattr(rec, "time", None),
            note="nginx's default `combined` log names no upstream and no request id: matched by path and time",
            evidence=[evidence(line, NGF_FIELDS)],
        )
    )
    inbound = [ln for ln in tail.index.inbound(trace.request_id or "") if ln.record.downstream_local_address]
    if not inbound:
        if status is not None and status >= 400:
            trace.stopped = f"NGINX Gateway Fabric answered {status} itself (no pod logged this request)"
        else:
            trace.stopped = (
                "NGINX Gateway Fabric's `combined` log does not say which pod answered and no sidecar logged "
                "this request id: inject sidecars, or set an NginxProxy access-log format with $upstream_addr"
            )
        return
    sidecar = inbound[-1]
    srec: EnvoyAccess = sidecar.record  # type: ignore[assignment]
    target = srec.downstream_local_address
    tail.into_pod(
        trace,
        target,
        trace.request_id,
        srec.response_code,
        path=getattr(rec, "path", None),
        at=getattr(rec, "time", None),
        evidence=Evidence(
            sidecar.source.name or pod_of(sidecar) or "sidecar",
            srec.raw or "",
            {"request_id": srec.request_id, "downstream_local_address": target},
        ),
    )
