"""Envoy as Istio 1.23 runs it: the ingress gateway, a sidecar's inbound listener and its outbound listener.

Each proxy appends one access line per request in Istio's default text format. Facts modelled:
- Gateway: listener on the target port (8080), `use_remote_address` (appends the peer to X-Forwarded-For),
  x-request-id generated when absent (a UUIDv4 whose 15th hex digit `9` marks it sampled, as the demo
  profile's 100 % tracing does), route by virtual host and path; no route → 404 `NR route_not_found`.
- Client side (gateway, sidecar outbound): cluster `outbound|port|subset|fqdn`, endpoints from the
  Service (subset labels from a DestinationRule the proxy sees: its namespace's, the service's or
  istio-system's, by exportTo; a subset defined elsewhere is a cluster it lacks), random choice, mTLS with SNI `outbound_.port_.subset_.fqdn`
  to injected endpoints; Istio's default retry policy (2 retries on connect-failure or a 503, other hosts
  first, 0–25 ms backoff). No endpoints → 503 `UH no_healthy_upstream`; no Service → 503 `NC`.
- Sidecar inbound: cluster `inbound|<port>||`, route `default`, to the app from 127.0.0.6, downstream remote
  taken from X-Forwarded-For (port 0) when present; app not listening → 503 `UF` with
  `upstream_reset_before_response_started{remote_connection_failure,delayed_connect_error:_111}`.
- Responses: header names lowercased, `x-envoy-upstream-service-time` and `server: istio-envoy` set.
- Clusters of ServiceEntry hosts and traffic leaving the cluster are `egress`'s (the gateway's TLS
  passthrough servers too).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ingresslab.backends.sandbox.dataplane import kubeproxy, net
from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse, http_date
from ingresslab.logs import EnvoyAccess, format_line
from ingresslab.routing.classes import ISTIO
from ingresslab.routing.ingress import served_ingresses
from ingresslab.routing.istio import convert_with_sources, gateway_listeners
from ingresslab.routing.model import ClusterKey, Listener, select
from ingresslab.routing.names import inbound_cluster, resolve_host, service_fqdn

__all__ = [
    "gateway",
    "gateway_config",
    "new_request_id",
    "sidecar_inbound",
    "sidecar_outbound",
    "visible_destination_rules",
]

SERVER = "istio-envoy"
_CONNECT_DETAILS = (
    "upstream_reset_before_response_started{remote_connection_failure,delayed_connect_error:_111}"
)
_CONNECT_REASON = "delayed connect error: 111"
_NUM_RETRIES = 2
_DROP = frozenset({"x-envoy-peer-metadata", "x-envoy-peer-metadata-id", "connection", "keep-alive"})


def new_request_id(cluster) -> str:
    u = cluster.store.rng.uuid()
    return u[:14] + "9" + u[15:]


def _ms(seconds: float) -> int:
    return max(0, int(seconds * 1000))


# -- configuration ------------------------------------------------------------------------------------
def _services(cluster) -> dict[tuple[str, str], dict]:
    return {(s["metadata"]["namespace"], s["metadata"]["name"]): s for s in cluster.list("services")}


def _istio_objects(cluster) -> tuple[list[dict], list[dict], Mapping]:
    """Gateways and VirtualServices as istiod sees them (the converted Ingresses' and Gateway API objects'
    included), with sources."""
    from ingresslab.backends.sandbox.addons import gateway_api

    ingresses = served_ingresses(ISTIO, cluster.list("ingresses"), cluster.list("ingressclasses"))
    conversion = convert_with_sources(ingresses, _services(cluster))
    gateways = cluster.list("gateways.networking.istio.io") + list(conversion.gateways)
    vss = cluster.list("virtualservices.networking.istio.io") + list(conversion.virtual_services)
    sources = dict(conversion.sources)
    converted = gateway_api.istio_conversion(cluster)
    if converted is not None:
        gateways += list(converted.gateways)
        vss += list(converted.virtual_services)
        sources.update(converted.sources)
    return gateways, vss, sources


def gateway_config(cluster, pod: dict) -> list[Listener]:
    """The listeners istiod would push to this gateway pod now."""

    def build() -> list[Listener]:
        if not cluster.state.extra.get("istio"):
            return []
        gateways, vss, sources = _istio_objects(cluster)
        svc = next(
            (
                s
                for s in cluster.list("services", pod["metadata"]["namespace"])
                if s["spec"].get("selector")
                and all(
                    (pod["metadata"].get("labels") or {}).get(k) == v
                    for k, v in s["spec"]["selector"].items()
                )
            ),
            None,
        )
        return gateway_listeners(
            gateways, vss, pod["metadata"].get("labels") or {}, svc, _services(cluster), sources
        )

    return net.cached(cluster, f"gateway:{pod['metadata']['name']}", build)


ROOT_NAMESPACE = "istio-system"


def _rule_namespace(rule: dict) -> str:
    return rule["metadata"].get("namespace") or "default"


def _rule_hosts(rule: dict) -> set[str]:
    """The hosts a rule's `host` may name: as written (istiod keeps a name with a dot, e.g. `httpbin.org`) and
    resolved as the sandbox resolves Istio hosts (`reviews` and `reviews.default` in its namespace)."""
    written = str((rule.get("spec") or {}).get("host", "")).lower()
    if written in ("", "*") or written.startswith("*."):
        return {written}
    return {written, resolve_host(written, _rule_namespace(rule))}


def _export_to(rule: dict) -> frozenset[str]:
    """A rule's exportTo; one with a workloadSelector is never exported (istiod treats it as `.`)."""
    spec = rule.get("spec") or {}
    if spec.get("workloadSelector"):
        return frozenset({"."})
    return frozenset(str(e) for e in spec.get("exportTo") or [])


def _most_specific(rules: list[dict], host: str) -> list[dict]:
    """MostSpecificHostMatch: the rules of the exact host, else of the longest wildcard host matching it."""
    exact = [r for r in rules if host in _rule_hosts(r)]
    if exact:
        return exact
    best = ""
    for rule in rules:
        for written in _rule_hosts(rule):
            if written.startswith("*") and host.endswith(written[1:]) and len(written) > len(best):
                best = written
    return [r for r in rules if best and best in _rule_hosts(r)]


def _selects(rule: dict, proxy_labels: Mapping | None) -> bool:
    selector = ((rule.get("spec") or {}).get("workloadSelector") or {}).get("matchLabels") or {}
    if not selector:
        return True
    return proxy_labels is not None and all(proxy_labels.get(k) == v for k, v in selector.items())


def visible_destination_rules(
    rules: list[dict],
    host: str,
    client_namespace: str,
    service_namespace: str | None,
    proxy_labels: Mapping | None = None,
) -> list[dict]:
    """The DestinationRules istiod merges for `host` for a proxy in `client_namespace`, oldest first ([] when
    none applies): PushContext.destinationRule of Istio 1.23.

    1. the client's own namespace (any exportTo that keeps the rule in its namespace: none, `.`, `*` or the
       namespace itself); for a proxy in the root namespace, only the root namespace's private rules;
    2. the service's namespace, 3. the root namespace `istio-system`: rules exported (exportTo empty, `*` or
       naming the client's namespace; a rule exported to its own namespace only is private).
    A rule elsewhere is invisible. Within a namespace the most specific host wins (exact, then the longest
    wildcard); a rule with a workloadSelector is private and applies to the proxies it selects only.
    """
    ordered = sorted(
        (r for r in rules if _selects(r, proxy_labels)),
        key=lambda r: (r["metadata"].get("creationTimestamp") or "", r["metadata"]["name"]),
    )

    def private(rule: dict) -> bool:
        export = _export_to(rule)
        return len(export) == 1 and ("." in export or _rule_namespace(rule) in export)

    def local(namespace: str) -> list[dict]:
        out = []
        for rule in ordered:
            export = _export_to(rule)
            if _rule_namespace(rule) == namespace and (
                not export or "*" in export or "." in export or namespace in export
            ):
                out.append(rule)
        return _most_specific(out, host)

    def exported(namespace: str) -> list[dict]:
        found = _most_specific(
            [r for r in ordered if _rule_namespace(r) == namespace and not private(r)], host
        )
        # the merged rule keeps the exportTo of the first rule that had one
        export = next((e for e in map(_export_to, found) if e), frozenset())
        if not export or "*" in export or client_namespace in export:
            return found
        return []

    if client_namespace != ROOT_NAMESPACE:
        found = local(client_namespace)
    else:
        found = _most_specific(
            [r for r in ordered if _rule_namespace(r) == ROOT_NAMESPACE and private(r)], host
        )
    if found:
        return found
    if service_namespace:
        found = exported(service_namespace)
        if found:
            return found
    return exported(ROOT_NAMESPACE)


def _service_namespace(cluster, host: str) -> str | None:
    """The namespace of the service behind `host`: a Kubernetes Service's from its name, else the first
    ServiceEntry's that lists it."""
    name, _, rest = host.partition(".")
    namespace, _, tail = rest.partition(".")
    if name and namespace and tail.startswith("svc."):
        return namespace
    for entry in cluster.list("serviceentries"):
        if host in [str(h).lower() for h in (entry.get("spec") or {}).get("hosts") or []]:
            return _rule_namespace(entry)
    return None


def _subset_labels(cluster, key: ClusterKey, proxy: dict | None = None) -> dict | None:
    """The labels of subset `key.subset` as the DestinationRules visible to `proxy` define it ({} for no subset,
    None when no visible rule has it: Envoy has no such cluster). Without a proxy every namespace's rules
    are read."""
    if not key.subset:
        return {}
    rules = cluster.list("destinationrules")
    if proxy is not None:
        rules = visible_destination_rules(
            rules,
            key.host,
            proxy["metadata"].get("namespace") or "default",
            _service_namespace(cluster, key.host),
            proxy["metadata"].get("labels") or {},
        )
    for dr in rules:
        if proxy is None and key.host not in _rule_hosts(dr):
            continue
        # merged rules: the first rule defining a subset name keeps it
        for subset in dr["spec"].get("subsets") or []:
            if subset.get("name") == key.subset:
                return subset.get("labels") or {}
    return None


# -- the client side: one cluster, its endpoints, retries ----------------------------------------------
@dataclass
class _Outcome:
    response: HttpResponse
    flags: list[str] = field(default_factory=list)
    details: str = "via_upstream"
    transport: str | None = None
    upstream_host: str | None = None
    upstream_local: str | None = None
    service_time: int | None = None
    end: float = 0.0
    cluster: str | None = None

    def log_fields(self, response: HttpResponse) -> dict:
        """The access-log fields this outcome fills, for the `response` the proxy sent back."""
        return {
            "response_code": response.status,
            "response_flags": self.flags,
            "response_code_details": self.details,
            "upstream_transport_failure_reason": self.transport,
            "bytes_sent": response.body_bytes,
            "upstream_service_time": self.service_time,
            "upstream_host": self.upstream_host,
            "upstream_cluster": self.cluster,
            "upstream_local_address": self.upstream_local,
        }


def _local_reply(status: int, body: str, end: float) -> HttpResponse:
    headers = []
    if body:
        headers += [("content-length", str(len(body))), ("content-type", "text/plain")]
    headers += [("date", http_date(end)), ("server", SERVER)]
    if not body:
        headers.append(("content-length", "0"))
    return HttpResponse(status, headers, body)


def _connect_failure_body(retried: bool) -> str:
    reason = "retried and the latest reset reason" if retried else "reset reason"
    return (
        f"upstream connect error or disconnect/reset before headers. {reason}: remote connection failure, "
        f"transport failure reason: {_CONNECT_REASON}"
    )


def _forward(cluster, proxy: dict, key: ClusterKey, request: HttpRequest, t: float, retries: int) -> _Outcome:
    from ingresslab.backends.sandbox.dataplane import egress

    external = egress.external_service(cluster, proxy, key)
    if external is not None:  # a ServiceEntry host: resolved by DNS, outside the cluster
        return egress.forward_external(cluster, proxy, external, request, t)
    rng = cluster.store.rng
    name, _, rest = key.host.partition(".")
    namespace = rest.split(".")[0]
    svc = cluster.get("services", name, namespace)
    sp = next((p for p in (svc or {}).get("spec", {}).get("ports") or [] if int(p["port"]) == key.port), None)
    labels = _subset_labels(cluster, key, proxy)
    if svc is None or sp is None or labels is None:
        # the route names a cluster Envoy does not have: no upstream cluster is logged (`-`)
        return _Outcome(_local_reply(503, "", t), ["NC"], "cluster_not_found", end=t, cluster=None)
    backends = kubeproxy.ready_endpoints(cluster, svc, sp)
    if labels:
        backends = [
            b
            for b in backends
            if (pod := net.pod_by_ip(cluster, b.ip)) is not None
            and all((pod["metadata"].get("labels") or {}).get(k) == v for k, v in labels.items())
        ]
    if not backends:
        body = "no healthy upstream"
        return _Outcome(_local_reply(503, body, t), ["UH"], "no_healthy_upstream", end=t, cluster=key.name)
    proxy_ip = proxy["status"]["podIP"]
    tried: list[kubeproxy.Backend] = []
    first = t
    last: net.Result | None = None
    out = _Outcome(HttpResponse(503), cluster=key.name)
    for attempt in range(retries + 1):
        if attempt:
            t += rng.uniform(0.0, 0.025)  # Envoy's retry back-off: base 25 ms, fully jittered
        fresh = [b for b in backends if b not in tried] or backends
        backend = rng.choice(fresh)
        tried.append(backend)
        target = net.pod_by_ip(cluster, backend.ip)
        sni = (
            key.sni
            if target is not None and net.is_injected(target)
            else egress.mesh_tls_sni(cluster, proxy, key)
        )
        local = f"{proxy_ip}:{kubeproxy.ephemeral_port(cluster)}"
        conn = net.Conn(proxy_ip, int(local.rsplit(":", 1)[1]), backend.ip, backend.port, sni)
        last = net.connect(cluster, conn, request, t)
        out.upstream_host = f"{backend.ip}:{backend.port}"
        if last.response is None:
            out.upstream_local = None
            t = last.end + net.hop(cluster)
            continue
        out.upstream_local = local
        t = last.end + net.hop(cluster)
        if last.response.status != 503 or attempt == retries:
            break
    out.end = t
    if last is not None and last.response is not None:
        out.response = last.response
        out.service_time = _ms(t - first)
        if len(tried) > 1 and last.response.status == 503:
            out.flags = ["URX"]
        return out
    body = _connect_failure_body(retries > 0)
    out.response = _local_reply(503, body, t)
    out.flags = ["UF", "URX"] if retries > 0 else ["UF"]
    out.details = _CONNECT_DETAILS
    out.transport = _CONNECT_REASON
    return out


def _response_headers(up: HttpResponse, service_time: int | None, *, server: bool) -> list[tuple[str, str]]:
    headers = [(k.lower(), v) for k, v in up.headers if k.lower() not in _DROP]
    sets = []
    if service_time is not None:
        sets.append(("x-envoy-upstream-service-time", str(service_time)))
    if server:
        sets.append(("server", SERVER))
    for name, value in sets:
        for i, (k, _) in enumerate(headers):
            if k == name:
                headers[i] = (name, value)
                break
        else:
            headers.append((name, value))
    return headers


def _log(cluster, pod: dict, container: str, rec: EnvoyAccess, start: float, end: float) -> None:
    rec.start_time = datetime.fromtimestamp(start, tz=timezone.utc)
    rec.duration = _ms(end - start)
    meta = pod["metadata"]
    cluster.log(meta["namespace"], meta["name"], container, format_line(rec), at=end)


def _record(request: HttpRequest, xff: str | None, rid: str, **fields) -> EnvoyAccess:
    return EnvoyAccess(
        method=request.method,
        path=request.target,
        protocol=request.version,
        bytes_received=len(request.body.encode()),
        x_forwarded_for=xff,
        user_agent=request.header("user-agent"),
        request_id=rid,
        authority=request.host or None,
        format="istio",
        **fields,
    )


def _client_side(
    cluster,
    pod: dict,
    container: str,
    conn: net.Conn,
    request: HttpRequest,
    start: float,
    t: float,
    key: ClusterKey | None,
    route_name: str | None,
    xff: str | None,
    rid: str,
    *,
    server: bool,
    local_status: int = 0,
    sni: str | None = None,
) -> net.Result:
    """Send to `key` (or answer locally with `local_status`), then log the proxy's line."""
    upstream = request.with_header("x-request-id", rid)
    if xff is not None:
        upstream = upstream.with_header("x-forwarded-for", xff)
    if key is None:
        if local_status == 404:
            outcome = _Outcome(_local_reply(404, "", t), ["NR"], "route_not_found", end=t)
        else:
            outcome = _Outcome(_local_reply(local_status, "", t), [], "direct_response", end=t)
    else:
        outcome = _forward(cluster, pod, key, upstream, t, _NUM_RETRIES)
    end = outcome.end + cluster.store.rng.uniform(0.00005, 0.0003)
    response = outcome.response
    if outcome.details == "via_upstream" and key is not None:
        response = HttpResponse(
            response.status, _response_headers(response, outcome.service_time, server=server), response.body
        )
    rec = _record(
        request,
        xff,
        rid,
        **outcome.log_fields(response),
        downstream_local_address=f"{conn.dst_ip}:{conn.dst_port}",
        downstream_remote_address=f"{conn.src_ip}:{conn.src_port}",
        requested_server_name=sni,
        route_name=route_name,
    )
    _log(cluster, pod, container, rec, start, end)
    return net.Result(response, None, end)


# -- the three proxies ------------------------------------------------------------------------------------
def gateway(cluster, pod: dict, conn: net.Conn, request: HttpRequest, start: float) -> net.Result | None:
    """The ingress gateway's Envoy on `conn.dst_port`; None when nothing listens there (refused)."""
    if conn.dst_port == 15021 and cluster.state.extra.get("istio"):
        if request.path == "/healthz/ready":
            return net.Result(
                HttpResponse(200, [("date", http_date(start)), ("content-length", "0")], ""), None, start
            )
        return net.Result(_local_reply(404, "", start), None, start)
    if conn.tls:  # the client's own TLS: only a PASSTHROUGH server can take it
        from ingresslab.backends.sandbox.dataplane import egress

        return egress.gateway_tls(cluster, pod, conn, request, start)
    listener = next((x for x in gateway_config(cluster, pod) if x.port == conn.dst_port), None)
    if listener is None:
        return None
    rng = cluster.store.rng
    t = start + rng.uniform(0.00008, 0.0004)
    prior = request.header("x-forwarded-for")
    xff = f"{prior},{conn.src_ip}" if prior else conn.src_ip
    rid = request.header("x-request-id") or new_request_id(cluster)
    route = select(listener.route_config, request.host, request.path, dict(request.headers)).route
    if route is None:
        return _client_side(
            cluster,
            pod,
            "istio-proxy",
            conn,
            request,
            start,
            t,
            None,
            None,
            xff,
            rid,
            server=True,
            local_status=404,
            sni=conn.sni,
        )
    if route.direct_status:
        return _client_side(
            cluster,
            pod,
            "istio-proxy",
            conn,
            request,
            start,
            t,
            None,
            route.name,
            xff,
            rid,
            server=True,
            local_status=route.direct_status,
            sni=conn.sni,
        )
    dests = route.destinations
    if len(dests) == 1:
        key = dests[0].cluster
    else:
        pick = rng.uniform(0, sum(d.weight for d in dests))
        key = dests[-1].cluster
        for d in dests:
            pick -= d.weight
            if pick <= 0:
                key = d.cluster
                break
    return _client_side(
        cluster,
        pod,
        "istio-proxy",
        conn,
        request,
        start,
        t,
        key,
        route.name,
        xff,
        rid,
        server=True,
        sni=conn.sni,
    )


def sidecar_outbound(
    cluster, pod: dict, conn: net.Conn, sp: kubeproxy.ServicePort, request: HttpRequest, start: float
) -> net.Result:
    """An injected client's outbound listener (15001) for a Service's ClusterIP:port."""
    t = start + cluster.store.rng.uniform(0.00005, 0.0003)
    key = ClusterKey("outbound", int(sp.port["port"]), "", service_fqdn(sp.name, sp.namespace))
    rid = request.header("x-request-id") or new_request_id(cluster)
    xff = request.header("x-forwarded-for")
    src = net.Conn(conn.src_ip, conn.src_port, conn.dst_ip, conn.dst_port)
    return _client_side(
        cluster, pod, "istio-proxy", src, request, start, t, key, "default", xff, rid, server=False
    )


def sidecar_inbound(cluster, pod: dict, conn: net.Conn, request: HttpRequest, start: float) -> net.Result:
    """An injected pod's inbound listener (15006): to the app on the same port, from 127.0.0.6."""
    rng = cluster.store.rng
    t = start + rng.uniform(0.00005, 0.0003)
    port = conn.dst_port
    key = inbound_cluster(port)
    xff = request.header("x-forwarded-for")
    remote = f"{xff.split(',')[-1].strip()}:0" if xff else f"{conn.src_ip}:{conn.src_port}"
    rid = request.header("x-request-id") or new_request_id(cluster)
    pod_ip = pod["status"]["podIP"]
    local_port = kubeproxy.ephemeral_port(cluster)
    app_conn = net.Conn("127.0.0.6", local_port, pod_ip, port)
    result = net.deliver_pod(
        cluster, pod, app_conn, request.with_header("x-request-id", rid), t, capture=False
    )
    end = result.end + rng.uniform(0.00002, 0.0001)
    if result.response is None:
        response = _local_reply(503, _connect_failure_body(False), end)
        flags, details, transport, local, service_time = ["UF"], _CONNECT_DETAILS, _CONNECT_REASON, None, None
    else:
        service_time = _ms(end - t)
        response = HttpResponse(
            result.response.status,
            _response_headers(result.response, service_time, server=True),
            result.response.body,
        )
        flags, details, transport, local = [], "via_upstream", None, f"127.0.0.6:{local_port}"
    end += rng.uniform(0.00003, 0.0002)
    rec = _record(
        request,
        xff,
        rid,
        response_code=response.status,
        response_flags=flags,
        response_code_details=details,
        upstream_transport_failure_reason=transport,
        bytes_sent=response.body_bytes,
        upstream_service_time=service_time,
        upstream_host=f"{pod_ip}:{port}",
        upstream_cluster=key.name,
        upstream_local_address=local,
        downstream_local_address=f"{pod_ip}:{port}",
        downstream_remote_address=remote,
        requested_server_name=conn.sni,
        route_name="default",
    )
    _log(cluster, pod, "istio-proxy", rec, start, end)
    return net.Result(response, None, end)
