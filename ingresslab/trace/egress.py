"""How a trace walks a request that leaves the cluster: the client pod's app container, its sidecar's outbound
line, the egress gateway's line when the route goes through it, and the external host (inferred: it writes
no log we can read).

The joins (Istio 1.23, Envoy's default access log format):
- the client's sidecar keeps the app's X-Request-ID (curl's `-H X-Request-ID`), and so does the egress
  gateway, whose line also carries X-Forwarded-For = the client pod's IP and DOWNSTREAM_REMOTE = the sidecar's
  upstream local address;
- the sidecar's line says where the request went: `outbound|80|cnn|istio-egressgateway…` (the gateway),
  `outbound|80||edition.cnn.com` (a ServiceEntry, resolved by DNS), `PassthroughCluster` (ALLOW_ANY, the
  address the app dialled), `BlackHoleCluster` or route `block_all` (REGISTRY_ONLY), `-` with `NC` (a route to
  a cluster the proxy lacks);
- TLS the app originates is opaque to the sidecar (`"- - -"`, no request id): such a line is found by its SNI
  and time instead.

A sidecar line is told apart from the gateway's by DOWNSTREAM_LOCAL_ADDRESS: the sidecar records the external
address the app dialled (iptables' original destination), the gateway its own pod address on 8080/8443. The
gateway's line is indexed under `<request id>@istio-egressgateway`, so a trace that starts from the sidecar
finds it through the index's own lookup.
"""

from __future__ import annotations

import ipaddress

from ingresslab.entrypoints.components import Component
from ingresslab.logs import EnvoyAccess, decode_istio_cluster
from ingresslab.trace.collect import ParsedLine
from ingresslab.trace.model import Evidence, Hop, Trace
from ingresslab.trace.tail import RequestHint, Tail, evidence, in_window, ip_of, pod_of, port_of

__all__ = [
    "EGRESS_FIELDS",
    "GATEWAY_KEY",
    "egress_hops",
    "egress_line",
    "egress_matches_hint",
    "egress_request_id",
    "is_egress_gateway_record",
    "leaves_cluster",
]

GATEWAY_KEY = "@istio-egressgateway"
EGRESS_FIELDS = (
    "start_time",
    "method",
    "path",
    "protocol",
    "response_code",
    "response_flags",
    "response_code_details",
    "authority",
    "x_forwarded_for",
    "request_id",
    "upstream_host",
    "upstream_cluster",
    "upstream_local_address",
    "downstream_local_address",
    "downstream_remote_address",
    "requested_server_name",
    "route_name",
    "duration",
)
_EGRESS_GATEWAY_HOST = "istio-egressgateway."
_CATCH_ALL = ("PassthroughCluster", "BlackHoleCluster")


def _private(ip: str | None) -> bool:
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return address.is_private or address.is_loopback


def _external_host(host: str | None) -> bool:
    return bool(host) and "." in host and not host.endswith(".cluster.local")  # type: ignore[operator]


def leaves_cluster(rec: EnvoyAccess) -> bool:
    """Whether an Envoy line records traffic bound outside the cluster (or to the egress gateway)."""
    cluster = rec.upstream_cluster or ""
    if cluster.startswith("inbound"):
        return False
    if cluster in _CATCH_ALL or rec.route_name in ("allow_any", "block_all"):
        return True
    decoded = decode_istio_cluster(cluster) if cluster else None
    if decoded is not None and decoded.host:
        return decoded.host.startswith(_EGRESS_GATEWAY_HOST) or _external_host(decoded.host)
    # no cluster (NC, NR): the address the app dialled is a public one
    local = ip_of(rec.downstream_local_address)
    return bool(local) and not _private(local)


def is_egress_gateway_record(rec: object) -> bool:
    """A line the egress gateway wrote: received on its own pod address (8080/8443), not on an external one."""
    if not isinstance(rec, EnvoyAccess):
        return False
    local = rec.downstream_local_address
    return _private(ip_of(local)) and port_of(local) in (8080, 8443, 80, 443)


def egress_line(line: ParsedLine) -> bool:
    """The egress gateway's lines, and sidecar lines for traffic leaving the cluster."""
    rec = line.record
    if not isinstance(rec, EnvoyAccess) or (rec.upstream_cluster or "").startswith("inbound"):
        return False
    component = line.source.component
    if component == Component.ISTIO_EGRESSGATEWAY:
        return True
    if component == Component.SIDECAR:
        return leaves_cluster(rec) and not is_egress_gateway_record(rec)
    if component == Component.UNKNOWN:  # a saved file: by the pod prefix, else by what the line says
        pod = pod_of(line) or ""
        if pod.startswith("istio-egressgateway-"):
            return True
        if pod.startswith("istio-ingressgateway-"):
            return False
        if is_egress_gateway_record(rec):
            decoded = decode_istio_cluster(rec.upstream_cluster) if rec.upstream_cluster else None
            return decoded is not None and _external_host(decoded.host)
        return leaves_cluster(rec)
    return False


def egress_request_id(record: object) -> str | None:
    """The request id; the egress gateway's lines are keyed `<id>@istio-egressgateway`, and its TLS lines (no
    id: the bytes are opaque) `<client address>@istio-egressgateway`, the address the sidecar connected from."""
    rid = getattr(record, "request_id", None)
    gateway = is_egress_gateway_record(record)
    if not rid:
        remote = getattr(record, "downstream_remote_address", None)
        if gateway and getattr(record, "method", None) is None and remote:
            return remote + GATEWAY_KEY
        return None
    return rid + GATEWAY_KEY if gateway else rid


def egress_matches_hint(record: object, hint: RequestHint) -> bool:
    """A client sidecar's line that fits what was sent: its Host (or SNI) and time; a TLS connection the
    sidecar black-holed names neither, so any such line in the window fits."""
    if not isinstance(record, EnvoyAccess) or is_egress_gateway_record(record):
        return False
    if not in_window(record, hint):
        return False
    name = (record.authority or "").split(":")[0] or (record.requested_server_name or "")
    if hint.host is None:
        return True
    if not name:  # `"- - -"` on 443: TLS the sidecar black-holed before it saw an SNI route
        return record.method is None and port_of(record.downstream_local_address) == 443
    return name == hint.host.split(":")[0] and (
        hint.path is None or record.path is None or record.path == hint.path
    )


def _cluster_note(rec: EnvoyAccess) -> str:
    cluster = rec.upstream_cluster
    if cluster == "PassthroughCluster":
        return "PassthroughCluster (outboundTrafficPolicy ALLOW_ANY): no ServiceEntry, sent to the address the app dialled"
    if cluster == "BlackHoleCluster":
        return "BlackHoleCluster (outboundTrafficPolicy REGISTRY_ONLY): no ServiceEntry for this host, connection dropped"
    if rec.route_name == "block_all":
        return "route block_all (outboundTrafficPolicy REGISTRY_ONLY): Envoy answered 502 itself"
    if not cluster:
        return "no upstream cluster"
    decoded = decode_istio_cluster(cluster)
    if decoded is not None and decoded.host and decoded.host.startswith(_EGRESS_GATEWAY_HOST):
        subset = f", subset {decoded.subset}" if decoded.subset else ""
        return f"cluster {cluster}: to the egress gateway{subset} (a VirtualService bound to mesh sends it there)"
    return f"cluster {cluster}: a ServiceEntry host, resolved by DNS"


def _route_note(rec: EnvoyAccess) -> str:
    route = rec.route_name
    if rec.method is None:
        return "TCP proxy (no HTTP route): the bytes pass as they are"
    if route in ("block_all", "allow_any"):
        return f"route {route}: the outbound policy's catch-all"
    if route is None:
        return "route -: an unnamed VirtualService route"
    if route == "default":
        return "route default: no VirtualService for this host"
    return f"route {route}"


def _stop_reason(rec: EnvoyAccess, where: str) -> str | None:
    flags = rec.response_flags or []
    if rec.route_name == "block_all" or rec.response_code_details == "direct_response":
        return (
            f"the {where} answered {rec.response_code} itself (route {rec.route_name or '-'}, direct_response): "
            "outboundTrafficPolicy REGISTRY_ONLY and no ServiceEntry for this host"
        )
    if rec.upstream_cluster == "BlackHoleCluster":
        return (
            f"the {where} dropped the connection (BlackHoleCluster, {'/'.join(flags) or 'UH'}): "
            "outboundTrafficPolicy REGISTRY_ONLY and no ServiceEntry for this host or SNI"
        )
    if "NC" in flags:
        return (
            f"the {where} answered {rec.response_code} NC (cluster_not_found): its route names a cluster it "
            "does not have — a DestinationRule subset that is missing, misspelt or not visible from this namespace"
        )
    if "NR" in flags:
        return (
            f"the {where} answered {rec.response_code} NR (route_not_found): no route for host "
            f"{rec.authority or '?'} on this port — the Gateway's hosts or the VirtualService's gateway match"
        )
    if flags:
        return (
            f"the {where} answered {rec.response_code} {'/'.join(flags)} ({rec.response_code_details or '-'})"
        )
    return None


def _client_hop(trace: Trace, line: ParsedLine, tail: Tail) -> None:
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    pod = (
        tail.topology.pod_by_ip(ip_of(rec.downstream_remote_address))
        if rec.downstream_remote_address
        else None
    )
    name = pod["metadata"]["name"] if pod else (pod_of(line) or line.source.pod)
    ns = pod["metadata"]["namespace"] if pod else line.source.namespace
    container = tail.topology.app_container(pod) if pod else None
    title = f"client container {container}" if container else "client (in the pod)"
    hop = Hop(
        Component.CLIENT,
        title,
        namespace=ns,
        pod=name,
        container=container,
        source_addr=rec.downstream_remote_address,
        dest_addr=rec.downstream_local_address,
        inferred=True,
        note="the app connects to the external address it resolved; iptables redirects it to the sidecar (15001)",
    )
    if trace.hops and trace.hops[0].component == Component.CLIENT:
        trace.hops[0] = hop
    else:
        trace.hops.insert(0, hop)


def _envoy_hop(line: ParsedLine, component: str, title: str, note: str) -> Hop:
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    return Hop(
        component,
        title,
        namespace=line.source.namespace,
        pod=line.source.pod or pod_of(line),
        container=line.source.container or "istio-proxy",
        source_addr=rec.downstream_remote_address,
        dest_addr=rec.upstream_host,
        status=rec.response_code or None,
        start=rec.start_time,
        duration_ms=rec.duration,
        note=note,
        evidence=[evidence(line, EGRESS_FIELDS)],
    )


def _external_hop(trace: Trace, line: ParsedLine, sent_to: str | None = None) -> None:
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    name = (
        rec.requested_server_name
        or (rec.authority or "").split(":")[0]
        or sent_to
        or ip_of(rec.upstream_host)
        or "?"
    )
    if rec.requested_server_name:
        tls = "TLS, SNI " + rec.requested_server_name
    elif rec.method is None:
        tls = "bytes passed through as they came: TLS or TCP, no SNI logged"
    else:
        tls = "plain text"
    trace.hops.append(
        Hop(
            Component.APP,
            f"external host {name}",
            dest_addr=rec.upstream_host,
            status=rec.response_code or None,
            inferred=True,
            note=f"outside the cluster ({tls}); it writes no log we can read: its answer is the "
            f"{'status' if rec.method else 'byte count'} Envoy logged",
            evidence=[Evidence(line.source.name, rec.raw or "", {"upstream_host": rec.upstream_host})],
        )
    )


def egress_hops(trace: Trace, line: ParsedLine, tail: Tail) -> None:
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    trace.status = rec.response_code or None
    if is_egress_gateway_record(rec):
        # no client sidecar line: the trace starts at the gateway (a request sent to it directly)
        _gateway_hops(trace, line, tail.hint.host)
        return
    _client_hop(trace, line, tail)
    trace.hops.append(
        _envoy_hop(
            line,
            Component.SIDECAR,
            "sidecar outbound (istio-proxy)",
            f"{_cluster_note(rec)}; {_route_note(rec)}",
        )
    )
    stopped = _stop_reason(rec, "client's sidecar")
    if stopped:
        trace.stopped = stopped
        return
    decoded = decode_istio_cluster(rec.upstream_cluster) if rec.upstream_cluster else None
    if decoded is not None and (decoded.host or "").startswith(_EGRESS_GATEWAY_HOST):
        service = tail.cluster_service_hop(
            line,
            lambda d: (
                f"the sidecar dials a gateway pod from cluster {d.name} (EDS): the ClusterIP is not on the path"
            ),
        )
        if service is not None:
            trace.hops.append(service)
        key = rec.request_id or rec.upstream_local_address  # TLS: the connection, by the sidecar's address
        hit = tail.index.entry_for(key + GATEWAY_KEY) if key else None
        gateway = hit[1] if hit is not None else None
        if gateway is None:
            trace.stopped = (
                f"the sidecar sent the request to the egress gateway ({rec.upstream_host}) but no egress gateway "
                "line carries this request id"
                if rec.request_id
                else "the sidecar sent the connection to the egress gateway; TLS hides the request id, so its line "
                "cannot be joined"
            )
            return
        _gateway_hops(trace, gateway, tail.hint.host)
        return
    _external_hop(trace, line, tail.hint.host)


def _gateway_hops(trace: Trace, line: ParsedLine, sent_to: str | None = None) -> None:
    rec: EnvoyAccess = line.record  # type: ignore[assignment]
    trace.status = rec.response_code or trace.status
    xff = f"; X-Forwarded-For {rec.x_forwarded_for} (the client pod)" if rec.x_forwarded_for else ""
    trace.hops.append(
        _envoy_hop(
            line,
            Component.ISTIO_EGRESSGATEWAY,
            "Istio egress gateway (Envoy)",
            f"listener {port_of(rec.downstream_local_address)} ({rec.protocol or 'TLS'}){xff}; "
            f"{_cluster_note(rec) if rec.upstream_cluster else 'no upstream cluster'}; {_route_note(rec)}",
        )
    )
    stopped = _stop_reason(rec, "egress gateway")
    if stopped:
        trace.stopped = stopped
        return
    _external_hop(trace, line, sent_to)
