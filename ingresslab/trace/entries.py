"""How a trace walks from each built-in front end's own log line to the shared tail.

One strategy per entry point (the records in `ingresslab.entrypoints.builtin` point here), each with the line
classifier and request-id reader the log index uses:
- ingress-nginx: its access line names the upstream (`proxy_upstream_name` ↔ Service) and the pod it dialled
  (`upstream_addr`), with `$req_id` from X-Request-ID;
- Istio's ingress gateway: Envoy's line names the cluster (`outbound|port||host` ↔ Service) and the endpoint
  (`upstream_host`); the gateway may mint its own x-request-id, so a line can also be found by what was sent.
"""

from __future__ import annotations

from ingresslab.entrypoints.components import Component
from ingresslab.logs import EnvoyAccess, NginxAccess
from ingresslab.trace.collect import ParsedLine
from ingresslab.trace.model import Evidence, Hop, Trace
from ingresslab.trace.tail import RequestHint, Tail, evidence, in_window, port_of

__all__ = [
    "GATEWAY_FIELDS",
    "NGINX_FIELDS",
    "envoy_edge_hops",
    "gateway_hops",
    "gateway_line",
    "gateway_matches_hint",
    "gateway_request_id",
    "nginx_hops",
    "nginx_line",
    "nginx_request_id",
]

NGINX_FIELDS = (
    "remote_addr",
    "time",
    "method",
    "path",
    "status",
    "proxy_upstream_name",
    "upstream_addr",
    "upstream_status",
    "request_time",
    "req_id",
)
GATEWAY_FIELDS = (
    "start_time",
    "method",
    "path",
    "response_code",
    "response_flags",
    "response_code_details",
    "authority",
    "request_id",
    "upstream_host",
    "upstream_cluster",
    "downstream_local_address",
    "downstream_remote_address",
    "duration",
)

_REASONS = {
    "NR": "no route: the gateway has no route for this host and path",
    "UH": "no healthy upstream: the Service has no ready endpoints",
    "UF": "upstream connection failure: nothing listens on the endpoint's port",
    "UT": "upstream timeout",
    "UC": "the upstream closed the connection",
    "URX": "retry limit exceeded",
}


# -- ingress-nginx ----------------------------------------------------------------------------------
def nginx_line(line: ParsedLine) -> bool:
    return isinstance(line.record, NginxAccess)


def nginx_request_id(record: object) -> str | None:
    return getattr(record, "req_id", None)


def nginx_hops(trace: Trace, line: ParsedLine, tail: Tail) -> None:
    rec: NginxAccess = line.record  # type: ignore[assignment]
    topo, hint = tail.topology, tail.hint
    trace.status = rec.status
    pod = topo.pod_by_ip(line.source.pod_ip) if line.source.pod_ip else None
    controller_ip = line.source.pod_ip or "?"
    trace.hops.append(
        Hop(
            Component.NODE,
            "node hostPort 80 → controller pod",
            source_addr=rec.remote_addr,
            dest_addr=f"{controller_ip}:80",
            inferred=True,
            note="the controller binds hostPort 80/443 on the node: no kube-proxy, no SNAT (the client address "
            f"{rec.remote_addr} reaches nginx unchanged)",
        )
    )
    trace.hops.append(
        Hop(
            Component.INGRESS_NGINX,
            "ingress-nginx controller",
            namespace=line.source.namespace,
            pod=line.source.pod or (pod or {}).get("metadata", {}).get("name"),
            container=line.source.container,
            source_addr=rec.remote_addr,
            dest_addr=(rec.upstream_addr[-1] if rec.upstream_addr else None),
            status=rec.status,
            start=rec.time,
            duration_ms=None if rec.request_time is None else rec.request_time * 1000,
            evidence=[evidence(line, NGINX_FIELDS)],
        )
    )
    upstream = rec.proxy_upstream_name
    if upstream == "upstream-default-backend" or (upstream or "").startswith("custom-default-backend-"):
        trace.stopped = (
            f"no Ingress rule matched host {hint.host or '?'} and path {rec.path}: the controller's default backend "
            f"answered {rec.status}"
        )
        return
    found = topo.service_by_upstream_name(upstream)
    addresses = [a for a in rec.upstream_addr if a]
    if found is not None:
        svc, port = found
        trace.hops.append(
            tail.service_hop(
                svc,
                port,
                bypassed=True,
                note=(
                    "ingress-nginx reads the Service's Endpoints and connects to a pod directly: the ClusterIP "
                    f"{svc['spec'].get('clusterIP')}:{port.get('port')} is not on the path"
                ),
                evidence=Evidence(line.source.name, rec.raw or "", {"proxy_upstream_name": upstream}),
            )
        )
    if not addresses or all(a == upstream for a in addresses):
        where = f"Service {found[0]['metadata']['name']}" if found else f"upstream {upstream}"
        trace.stopped = (
            f"{where} has no ready endpoints: the controller answered {rec.status} without an upstream"
        )
        return
    target = addresses[-1]
    statuses = [s for s in rec.upstream_status if s is not None]
    tail.into_pod(
        trace,
        target,
        rec.req_id,
        statuses[-1] if statuses else None,
        path=rec.path,
        at=rec.time,
        evidence=Evidence(line.source.name, rec.raw or "", {"upstream_addr": rec.upstream_addr}),
    )
    if statuses and statuses[-1] >= 500 and trace.stopped is None and not trace.hop(Component.APP):
        trace.stopped = (
            f"the pod at {target} did not answer (upstream status {statuses[-1]}): is the targetPort right?"
        )


# -- Istio's ingress gateway ------------------------------------------------------------------------
def gateway_line(line: ParsedLine) -> bool:
    """An Envoy line for traffic entering at the gateway: outbound from the gateway pod, or — for a log read
    from a file, where the pod is unknown — outbound and received on the gateway's listener ports."""
    rec = line.record
    if not isinstance(rec, EnvoyAccess) or (rec.upstream_cluster or "").startswith("inbound"):
        return False
    if line.source.component == Component.ISTIO_INGRESSGATEWAY:
        return True
    return (
        line.source.component == Component.UNKNOWN
        and (rec.upstream_cluster or "").startswith("outbound")
        and port_of(rec.downstream_local_address) in (8080, 8443, 80, 443)
    )


def gateway_request_id(record: object) -> str | None:
    return getattr(record, "request_id", None)


def gateway_matches_hint(record: object, hint: RequestHint) -> bool:
    """Envoy at the edge may mint its own x-request-id: recognise the line by what was sent instead."""
    rec: EnvoyAccess = record  # type: ignore[assignment]
    authority = (rec.authority or "").split(":")[0]
    return (
        (hint.path is None or rec.path == hint.path)
        and (hint.host is None or authority == hint.host.split(":")[0])
        and in_window(rec, hint)
    )


def gateway_hops(trace: Trace, line: ParsedLine, tail: Tail) -> None:
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    trace.hops.append(
        Hop(
            Component.NODE,
            "node NodePort → gateway pod (kube-proxy)",
            dest_addr=rec.downstream_local_address,
            inferred=True,
            note="kube-proxy DNATs the NodePort to a gateway pod and SNATs the source: the gateway sees "
            f"{rec.downstream_remote_address} (X-Forwarded-For {rec.x_forwarded_for})",
        )
    )
    envoy_edge_hops(trace, line, tail, Component.ISTIO_INGRESSGATEWAY, "Istio ingress gateway (Envoy)")


def envoy_edge_hops(
    trace: Trace,
    line: ParsedLine,
    tail: Tail,
    component: str,
    title: str,
    *,
    fields: tuple[str, ...] = GATEWAY_FIELDS,
    note: str = "",
) -> None:
    """An edge Envoy's own hop, then where its line says it sent the request: the Service behind the cluster
    (bypassed: Envoy dials endpoints itself) and the endpoint pod. Shared by every gateway that is an Envoy."""
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    trace.status = rec.response_code
    trace.hops.append(
        Hop(
            component,
            title,
            namespace=line.source.namespace,
            pod=line.source.pod,
            container=line.source.container,
            source_addr=rec.downstream_remote_address,
            dest_addr=rec.upstream_host,
            status=rec.response_code,
            start=rec.start_time,
            duration_ms=rec.duration,
            note=note,
            evidence=[evidence(line, fields)],
        )
    )
    flags = rec.response_flags or []
    if flags:
        reason = "; ".join(_REASONS.get(f, f) for f in flags)
        cluster = f" (cluster {rec.upstream_cluster})" if rec.upstream_cluster else ""
        trace.stopped = f"the gateway answered {rec.response_code} {'/'.join(flags)}: {reason}{cluster}"
        if "UF" not in flags:
            return
    service = tail.cluster_service_hop(
        line,
        lambda decoded: (
            f"Envoy routes to cluster {decoded.name}, whose endpoints come from the Service's Endpoints "
            "(EDS): the ClusterIP is not on the path either"
        ),
    )
    if service is not None:
        trace.hops.append(service)
    if rec.upstream_host and "UF" not in flags:
        tail.into_pod(
            trace,
            rec.upstream_host,
            rec.request_id,
            rec.response_code,
            path=rec.path,
            at=rec.start_time,
            evidence=Evidence(line.source.name, rec.raw or "", {"upstream_host": rec.upstream_host}),
        )
