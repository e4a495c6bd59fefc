"""Rebuilding one request's path from parsed log lines and the cluster's objects — nothing else.

The joins are the ones an engineer makes by hand:
- the request id: `$req_id` (ingress-nginx, from X-Request-ID) and `%REQ(X-REQUEST-ID)%` (every Envoy) — one id
  follows the request from the controller or gateway into the pod's sidecar;
- the upstream address ↔ a pod IP ↔ the Service whose Endpoints list it;
- Istio's cluster name (`outbound|7777||svc.ns.svc.cluster.local`) and its SNI twin ↔ the Service;
- the app's own line has no id, so it is matched in the same pod by path and time.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ingresslab.logs import EnvoyAccess, HttpEchoRequest, NginxAccess, decode_istio_cluster
from ingresslab.trace.collect import ParsedLine
from ingresslab.trace.model import Evidence, Hop, Trace
from ingresslab.trace.topology import Topology

__all__ = ["LogIndex", "RequestHint", "correlate", "correlate_all"]

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
SIDECAR_FIELDS = (
    "start_time",
    "path",
    "response_code",
    "request_id",
    "upstream_host",
    "upstream_cluster",
    "upstream_local_address",
    "downstream_remote_address",
    "requested_server_name",
    "route_name",
)
APP_FIELDS = ("time", "host", "remote_addr", "method", "path", "status", "length")

_REASONS = {
    "NR": "no route: the gateway has no route for this host and path",
    "UH": "no healthy upstream: the Service has no ready endpoints",
    "UF": "upstream connection failure: nothing listens on the endpoint's port",
    "UT": "upstream timeout",
    "UC": "the upstream closed the connection",
    "URX": "retry limit exceeded",
}


@dataclass(frozen=True, slots=True)
class RequestHint:
    """What the sender knows about a request besides its id: used when a proxy replaced the id."""

    path: str | None = None
    host: str | None = None
    after: datetime | None = None
    before: datetime | None = None


def _evidence(line: ParsedLine, names: Iterable[str]) -> Evidence:
    rec = line.record
    return Evidence(
        line.source.name,
        rec.raw or "",
        {n: getattr(rec, n) for n in names if getattr(rec, n, None) not in (None, [], "")},
    )


def _pod_of(line: ParsedLine) -> str | None:
    """The pod a line came from: the collector knows it; a file written with `kubectl logs --prefix` says it."""
    envelope = getattr(line.record, "envelope", None)
    return line.source.pod or (envelope.pod if envelope is not None else None)


def _time(rec: object) -> datetime | None:
    return getattr(rec, "start_time", None) or getattr(rec, "time", None)


def _in_window(rec: object, hint: RequestHint, slack: float = 1.5) -> bool:
    t = _time(rec)
    if t is None or hint.after is None:
        return True
    before = hint.before or hint.after
    return hint.after - timedelta(seconds=slack) <= t <= before + timedelta(seconds=slack)


def _ip(addr: str | None) -> str | None:
    if not addr:
        return None
    if addr.startswith("["):
        return addr[1:].partition("]")[0]
    return addr.rpartition(":")[0] or addr


def _port(addr: str | None) -> int | None:
    if not addr or ":" not in addr:
        return None
    tail = addr.rpartition(":")[2]
    return int(tail) if tail.isdigit() else None


class LogIndex:
    """Parsed lines indexed once by what the joins look up, so tracing many requests stays linear."""

    def __init__(self, lines: Iterable[ParsedLine]) -> None:
        self.nginx_by_id: dict[str, ParsedLine] = {}
        self.gateway_by_id: dict[str, ParsedLine] = {}
        self.gateways: list[ParsedLine] = []
        self.inbound_by_id: dict[str, list[ParsedLine]] = {}
        self.apps: dict[tuple[str | None, str], list[ParsedLine]] = {}
        self.order: list[str] = []  # request ids as the entry points logged them
        self._app_times: dict[tuple[str | None, str], list[tuple[float, int]]] = {}
        for ln in lines:
            rec = ln.record
            if isinstance(rec, NginxAccess):
                if rec.req_id:
                    if rec.req_id not in self.nginx_by_id:
                        self.order.append(rec.req_id)
                    self.nginx_by_id[rec.req_id] = ln
            elif isinstance(rec, EnvoyAccess):
                if (rec.upstream_cluster or "").startswith("inbound"):
                    if rec.request_id:
                        self.inbound_by_id.setdefault(rec.request_id, []).append(ln)
                elif ln.source.component == "istio-ingressgateway" or _looks_like_gateway(ln):
                    self.gateways.append(ln)
                    if rec.request_id:
                        if rec.request_id not in self.gateway_by_id:
                            self.order.append(rec.request_id)
                        self.gateway_by_id[rec.request_id] = ln
            elif isinstance(rec, HttpEchoRequest):
                self.apps.setdefault((_pod_of(ln), rec.path), []).append(ln)

    def nearest_app(self, pod: str | None, path: str | None, at: datetime | None) -> ParsedLine | None:
        """The app's line for this pod and path logged closest to `at` (the app's own log has no id)."""
        candidates = self.apps.get((pod, path or ""))
        if not candidates:
            return None
        if at is None:
            return candidates[-1]
        times = self._app_times.get((pod, path or ""))
        if times is None:
            times = self._app_times[(pod, path or "")] = sorted(
                ((_time(ln.record) or at).timestamp(), i) for i, ln in enumerate(candidates)
            )
        i = bisect.bisect_left(times, (at.timestamp(), -1))
        nearby = [times[j] for j in (i - 1, i) if 0 <= j < len(times)]
        best = min(nearby, key=lambda t: abs(t[0] - at.timestamp()))
        return candidates[best[1]]

    def find_gateway(self, hint: RequestHint) -> ParsedLine | None:
        """Envoy at the edge may mint its own x-request-id: find the line by what was sent instead."""
        candidates = [
            ln
            for ln in self.gateways
            if (hint.path is None or ln.record.path == hint.path)
            and (hint.host is None or (ln.record.authority or "").split(":")[0] == hint.host.split(":")[0])
            and _in_window(ln.record, hint)
        ]
        return candidates[-1] if candidates else None


def correlate(
    request_id: str | None,
    lines: Iterable[ParsedLine] | LogIndex,
    topology: Topology,
    *,
    hint: RequestHint | None = None,
    client: str = "client",
) -> Trace:
    """The Trace of one request, from every parsed line available (any order, any components)."""
    hint = hint or RequestHint()
    index = lines if isinstance(lines, LogIndex) else LogIndex(lines)
    nginx = index.nginx_by_id.get(request_id) if request_id else None
    gateway = index.gateway_by_id.get(request_id) if request_id else None
    if nginx is None and gateway is None and (hint.path or hint.after):
        gateway = index.find_gateway(hint)
        if gateway is not None:
            request_id = gateway.record.request_id

    trace = Trace(request_id=request_id, via="unknown")
    trace.hops.append(Hop("client", client, note="the request starts here"))
    if nginx is not None:
        _through_nginx(trace, nginx, index, topology, hint)
    elif gateway is not None:
        _through_gateway(trace, gateway, index, topology, hint)
    else:
        trace.stopped = (
            f"no ingress controller or gateway logged request id {request_id}: the request did not reach one "
            "(wrong host, port or URL?), or its log lines have been rotated away"
            if request_id
            else "no request id to follow"
        )
    return trace


def correlate_all(lines: Iterable[ParsedLine], topology: Topology) -> dict[str, Trace]:
    """A Trace for every request id an ingress controller or gateway logged, in one linear pass."""
    index = LogIndex(lines)
    return {rid: correlate(rid, index, topology) for rid in index.order}


def _looks_like_gateway(line: ParsedLine) -> bool:
    """A log from a file (no pod known): a gateway line goes outbound and was received on 8080/8443."""
    rec = line.record
    return (
        line.source.component == "unknown"
        and (rec.upstream_cluster or "").startswith("outbound")
        and _port(rec.downstream_local_address) in (8080, 8443, 80, 443)
    )


# -- NGINX ------------------------------------------------------------------------------------------
def _through_nginx(
    trace: Trace, line: ParsedLine, index: LogIndex, topo: Topology, hint: RequestHint
) -> None:
    rec: NginxAccess = line.record  # type: ignore[assignment]
    trace.via = "nginx"
    trace.status = rec.status
    pod = topo.pod_by_ip(line.source.pod_ip) if line.source.pod_ip else None
    controller_ip = line.source.pod_ip or "?"
    trace.hops.append(
        Hop(
            "node",
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
            "ingress-nginx",
            "ingress-nginx controller",
            namespace=line.source.namespace,
            pod=line.source.pod or (pod or {}).get("metadata", {}).get("name"),
            container=line.source.container,
            source_addr=rec.remote_addr,
            dest_addr=(rec.upstream_addr[-1] if rec.upstream_addr else None),
            status=rec.status,
            start=rec.time,
            duration_ms=None if rec.request_time is None else rec.request_time * 1000,
            evidence=[_evidence(line, NGINX_FIELDS)],
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
            _service_hop(
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
    _into_pod(
        trace,
        target,
        rec.req_id,
        statuses[-1] if statuses else None,
        index,
        topo,
        hint,
        path=rec.path,
        at=rec.time,
        evidence=Evidence(line.source.name, rec.raw or "", {"upstream_addr": rec.upstream_addr}),
    )
    if statuses and statuses[-1] >= 500 and trace.stopped is None and not trace.hop("app"):
        trace.stopped = (
            f"the pod at {target} did not answer (upstream status {statuses[-1]}): is the targetPort right?"
        )


# -- Istio gateway ----------------------------------------------------------------------------------
def _through_gateway(
    trace: Trace, line: ParsedLine, index: LogIndex, topo: Topology, hint: RequestHint
) -> None:
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    trace.via = "istio"
    trace.status = rec.response_code
    gw_addr = rec.downstream_local_address
    trace.hops.append(
        Hop(
            "node",
            "node NodePort → gateway pod (kube-proxy)",
            dest_addr=gw_addr,
            inferred=True,
            note="kube-proxy DNATs the NodePort to a gateway pod and SNATs the source: the gateway sees "
            f"{rec.downstream_remote_address} (X-Forwarded-For {rec.x_forwarded_for})",
        )
    )
    trace.hops.append(
        Hop(
            "istio-ingressgateway",
            "Istio ingress gateway (Envoy)",
            namespace=line.source.namespace,
            pod=line.source.pod,
            container=line.source.container,
            source_addr=rec.downstream_remote_address,
            dest_addr=rec.upstream_host,
            status=rec.response_code,
            start=rec.start_time,
            duration_ms=rec.duration,
            evidence=[_evidence(line, GATEWAY_FIELDS)],
        )
    )
    flags = rec.response_flags or []
    if flags:
        reason = "; ".join(_REASONS.get(f, f) for f in flags)
        cluster = f" (cluster {rec.upstream_cluster})" if rec.upstream_cluster else ""
        trace.stopped = f"the gateway answered {rec.response_code} {'/'.join(flags)}: {reason}{cluster}"
        if "UF" not in flags:
            return
    decoded = decode_istio_cluster(rec.upstream_cluster) if rec.upstream_cluster else None
    if decoded is not None and decoded.host:
        found = topo.service_by_host(decoded.host, decoded.port)
        if found is not None:
            svc, port = found
            trace.hops.append(
                _service_hop(
                    svc,
                    port or {"port": decoded.port},
                    bypassed=True,
                    note=(
                        f"Envoy routes to cluster {decoded.name}, whose endpoints come from the Service's Endpoints (EDS): "
                        "the ClusterIP is not on the path either"
                    ),
                    evidence=Evidence(
                        line.source.name, rec.raw or "", {"upstream_cluster": rec.upstream_cluster}
                    ),
                )
            )
    if rec.upstream_host and "UF" not in flags:
        _into_pod(
            trace,
            rec.upstream_host,
            rec.request_id,
            rec.response_code,
            index,
            topo,
            hint,
            path=rec.path,
            at=rec.start_time,
            evidence=Evidence(line.source.name, rec.raw or "", {"upstream_host": rec.upstream_host}),
        )


# -- the shared tail: endpoint pod → sidecar → app ---------------------------------------------------
def _service_hop(svc: dict, port: dict, *, bypassed: bool, note: str, evidence: Evidence) -> Hop:
    meta, spec = svc["metadata"], svc["spec"]
    return Hop(
        "service",
        f"Service {meta['name']}",
        namespace=meta.get("namespace"),
        dest_addr=f"{spec.get('clusterIP')}:{port.get('port')}",
        bypassed=bypassed,
        note=note,
        evidence=[evidence],
    )


def _into_pod(
    trace: Trace,
    target: str,
    request_id: str | None,
    status: int | None,
    index: LogIndex,
    topo: Topology,
    hint: RequestHint,
    *,
    path: str | None,
    at: datetime | None,
    evidence: Evidence,
) -> None:
    pod = topo.pod_by_ip(_ip(target))
    name = pod["metadata"]["name"] if pod else None
    ns = pod["metadata"]["namespace"] if pod else None
    trace.hops.append(
        Hop(
            "pod",
            f"pod {name or _ip(target)}",
            namespace=ns,
            pod=name,
            dest_addr=target,
            status=status,
            evidence=[evidence],
            note="" if pod else "no pod has this IP any more",
        )
    )
    if pod is None:
        return
    pod_ip = pod.get("status", {}).get("podIP")
    sidecar = [
        ln
        for ln in index.inbound_by_id.get(request_id or "", ())
        if _pod_of(ln) == name or _ip(ln.record.downstream_local_address) == pod_ip
    ]
    if sidecar:
        rec = sidecar[-1].record
        trace.hops.append(
            Hop(
                "sidecar",
                "sidecar inbound (istio-proxy)",
                namespace=ns,
                pod=name,
                container="istio-proxy",
                source_addr=rec.downstream_remote_address,
                dest_addr=rec.upstream_host,
                status=rec.response_code,
                start=rec.start_time,
                duration_ms=rec.duration,
                note="the sidecar forwards to the app from 127.0.0.6, Istio's inbound passthrough source"
                + (
                    f"; mTLS SNI {rec.requested_server_name}"
                    if rec.requested_server_name
                    else "; plaintext, no SNI"
                ),
                evidence=[_evidence(sidecar[-1], SIDECAR_FIELDS)],
            )
        )
    elif topo.has_sidecar(pod):
        trace.notes.append(
            f"pod {name} has an istio-proxy container but no line for this request id was found in its log"
        )
    else:
        trace.notes.append(
            f"pod {name} has no sidecar: it was created before istio-injection was enabled, or is not in the mesh"
        )
    container = topo.app_container(pod)
    app_line = index.nearest_app(name, path, at)
    if app_line is not None and not _in_window(app_line.record, hint):
        app_line = None
    if app_line is not None:
        rec = app_line.record
        trace.hops.append(
            Hop(
                "app",
                f"app container {container}",
                namespace=ns,
                pod=name,
                container=container,
                source_addr=rec.remote_addr,
                status=rec.status,
                start=rec.time,
                duration_ms=rec.duration * 1000,
                note="http-echo logs no request id: matched in this pod by path and time",
                evidence=[_evidence(app_line, APP_FIELDS)],
            )
        )
    elif status is not None and status < 500:
        trace.hops.append(
            Hop(
                "app",
                f"app container {container}",
                namespace=ns,
                pod=name,
                container=container,
                status=status,
                inferred=True,
                note="answered, but its own log line was not found",
            )
        )
