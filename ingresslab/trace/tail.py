"""The part of every trace that does not depend on the entry point: Service → endpoint pod → sidecar → app.

An entry point's strategy (see `ingresslab.entrypoints`) walks from its own log line to an upstream address,
then hands over to `Tail`, which joins the same way for every front end: the address to a pod, the request id
to the pod's sidecar inbound line, and path and time to the app's own line (http-echo logs no id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ingresslab.entrypoints.components import Component
from ingresslab.logs import IstioCluster, decode_istio_cluster
from ingresslab.trace.collect import ParsedLine
from ingresslab.trace.model import Evidence, Hop, Trace
from ingresslab.trace.topology import Topology

__all__ = ["APP_FIELDS", "SIDECAR_FIELDS", "RequestHint", "Tail", "evidence", "ip_of", "port_of"]

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


@dataclass(frozen=True, slots=True)
class RequestHint:
    """What the sender knows about a request besides its id: used when a proxy replaced the id."""

    path: str | None = None
    host: str | None = None
    after: datetime | None = None
    before: datetime | None = None

    @classmethod
    def of(cls, request: Any) -> tuple[str, RequestHint]:
        """(request id, hint) for what `lab.trace` takes: a Response (its id, path, host and time window) or an id."""
        if hasattr(request, "request_id"):
            return str(request.request_id), cls(
                path=request.path, host=request.host, after=request.sent_at, before=request.received_at
            )
        return str(request), cls()


def evidence(line: ParsedLine, names: Iterable[str]) -> Evidence:
    """The named fields of a parsed line that have a value, with the raw line they came from."""
    rec = line.record
    return Evidence(
        line.source.name,
        rec.raw or "",
        {n: getattr(rec, n) for n in names if getattr(rec, n, None) not in (None, [], "")},
    )


def pod_of(line: ParsedLine) -> str | None:
    """The pod a line came from: the collector knows it; a file written with `kubectl logs --prefix` says it."""
    envelope = getattr(line.record, "envelope", None)
    return line.source.pod or (envelope.pod if envelope is not None else None)


def time_of(rec: object) -> datetime | None:
    return getattr(rec, "start_time", None) or getattr(rec, "time", None)


def in_window(rec: object, hint: RequestHint, slack: float = 1.5) -> bool:
    """Whether a record was logged while the request was in flight (give or take `slack` seconds)."""
    t = time_of(rec)
    if t is None or hint.after is None:
        return True
    before = hint.before or hint.after
    return hint.after - timedelta(seconds=slack) <= t <= before + timedelta(seconds=slack)


def ip_of(addr: str | None) -> str | None:
    if not addr:
        return None
    if addr.startswith("["):
        return addr[1:].partition("]")[0]
    return addr.rpartition(":")[0] or addr


def port_of(addr: str | None) -> int | None:
    if not addr or ":" not in addr:
        return None
    tail = addr.rpartition(":")[2]
    return int(tail) if tail.isdigit() else None


@dataclass(frozen=True, slots=True)
class Tail:
    """What a strategy needs to finish a trace: the log index, the cluster objects and the sender's hint."""

    index: Any  # a correlate.TraceIndex: LogIndex, or logindex.FollowedLogs (not imported: they import this module)
    topology: Topology
    hint: RequestHint

    def service_hop(self, svc: dict, port: dict, *, bypassed: bool, note: str, evidence: Evidence) -> Hop:
        meta, spec = svc["metadata"], svc["spec"]
        return Hop(
            Component.SERVICE,
            f"Service {meta['name']}",
            namespace=meta.get("namespace"),
            dest_addr=f"{spec.get('clusterIP')}:{port.get('port')}",
            bypassed=bypassed,
            note=note,
            evidence=[evidence],
        )

    def cluster_service_hop(self, line: ParsedLine, note: Callable[[IstioCluster], str]) -> Hop | None:
        """The Service behind the Istio cluster an Envoy line names (bypassed: Envoy dials the endpoints it got
        over EDS), or None when the cluster names no Service of the cluster; `note` words why, per cluster."""
        rec = line.record
        cluster = getattr(rec, "upstream_cluster", None)
        decoded = decode_istio_cluster(cluster) if cluster else None
        if decoded is None or not decoded.host:
            return None
        found = self.topology.service_by_host(decoded.host, decoded.port)
        if found is None:
            return None
        svc, port = found
        return self.service_hop(
            svc,
            port or {"port": decoded.port},
            bypassed=True,
            note=note(decoded),
            evidence=Evidence(line.source.name, rec.raw or "", {"upstream_cluster": cluster}),
        )

    def into_pod(
        self,
        trace: Trace,
        target: str,
        request_id: str | None,
        status: int | None,
        *,
        path: str | None,
        at: datetime | None,
        evidence: Evidence,
    ) -> None:
        """Append the endpoint pod at `target`, its sidecar's inbound hop and the app's own hop."""
        pod = self.topology.pod_by_ip(ip_of(target))
        name = pod["metadata"]["name"] if pod else None
        ns = pod["metadata"]["namespace"] if pod else None
        trace.hops.append(
            Hop(
                Component.POD,
                f"pod {name or ip_of(target)}",
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
        self._sidecar(trace, pod, request_id)
        self._app(trace, pod, status, path, at)

    def _sidecar(self, trace: Trace, pod: dict, request_id: str | None) -> None:
        name, ns = pod["metadata"]["name"], pod["metadata"]["namespace"]
        pod_ip = pod.get("status", {}).get("podIP")
        sidecar = [
            ln
            for ln in self.index.inbound(request_id or "")
            if pod_of(ln) == name or ip_of(ln.record.downstream_local_address) == pod_ip
        ]
        if sidecar:
            rec = sidecar[-1].record
            trace.hops.append(
                Hop(
                    Component.SIDECAR,
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
                    evidence=[evidence(sidecar[-1], SIDECAR_FIELDS)],
                )
            )
        elif self.topology.has_sidecar(pod):
            trace.notes.append(
                f"pod {name} has an istio-proxy container but no line for this request id was found in its log"
            )
        else:
            trace.notes.append(
                f"pod {name} has no sidecar: it was created before istio-injection was enabled, or is not in the mesh"
            )

    def _app(
        self, trace: Trace, pod: dict, status: int | None, path: str | None, at: datetime | None
    ) -> None:
        name, ns = pod["metadata"]["name"], pod["metadata"]["namespace"]
        container = self.topology.app_container(pod)
        app_line = self.index.nearest_app(name, path, at)
        if app_line is not None and not in_window(app_line.record, self.hint):
            app_line = None
        where = {"namespace": ns, "pod": name, "container": container}
        title = f"app container {container}"
        if app_line is not None:
            rec = app_line.record
            trace.hops.append(
                Hop(
                    Component.APP,
                    title,
                    **where,
                    source_addr=rec.remote_addr,
                    status=rec.status,
                    start=rec.time,
                    duration_ms=rec.duration * 1000,
                    note="http-echo logs no request id: matched in this pod by path and time",
                    evidence=[evidence(app_line, APP_FIELDS)],
                )
            )
        elif status is not None and status < 500:
            note = "answered, but its own log line was not found"
            trace.hops.append(Hop(Component.APP, title, **where, status=status, inferred=True, note=note))
