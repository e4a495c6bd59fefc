"""Traffic that leaves the cluster: the client's sidecar (outbound policy, ServiceEntries, VirtualServices),
the egress gateway (HTTP routes to external hosts, TLS passthrough by SNI), and pods without a sidecar.

    leave_cluster(cluster, conn, request, start, client_pod)   # net.connect's last case
    external_service(cluster, proxy, key)                      # a ServiceEntry cluster, for envoy._forward
    forward_external(cluster, proxy, ext, request, t)          # one request to it (DNS, TLS origination)
    gateway_tls(cluster, pod, conn, request, start)            # a gateway's PASSTHROUGH servers

Facts modelled (Istio 1.23, Envoy's access log in Istio's default format; see routing.egress):
- HTTP on a port with an HTTP listener (80 always): the Host picks a virtual host of route configuration
  "80". Unknown hosts: `allow_any` → PassthroughCluster (the address the app dialled) under ALLOW_ANY;
  `block_all` → Envoy's own `502` (`direct_response`, no upstream, `content-length: 0`) under REGISTRY_ONLY.
  A ServiceEntry host: `outbound|80||<host>` (route `default`, or the VirtualService's route name, `-`
  when unnamed), the host resolved by DNS (STRICT_DNS), requests carry Envoy's tracing headers,
  `x-envoy-attempt-count`, `x-envoy-decorator-operation: <host>:<port>/*` and the peer metadata headers.
  A route `timeout` ends a slower answer with `504 UT response_timeout` (`upstream request timeout`).
  Responses reach the app with `server: envoy` and `x-envoy-upstream-service-time`.
- TLS (the app's own, SNI visible): an SNI filter chain of a ServiceEntry (HTTPS/TLS port) or a
  VirtualService `tls` route proxies the bytes (`"- - -" 0 - - -`, REQUESTED_SERVER_NAME = the SNI, route
  `-`); otherwise the catch-all: PassthroughCluster (SNI `-`) or BlackHoleCluster (`0 UH`, the
  connection closed during the handshake: curl exit 35).
- Through the egress gateway the sidecar speaks HTTP/2 (the gateway's Service port is `http2`); the
  gateway logs `HTTP/2`, X-Forwarded-For = the client pod, and the same x-request-id as the sidecar.
- Envoy's own DNS lookups of STRICT_DNS hosts are not written to CoreDNS's log (a real sidecar refreshes
  them every 5 s in the background); the app's lookups are.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.dataplane import envoy, kubeproxy, net
from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse, http_date
from ingresslab.backends.sandbox.outside import internet, sites
from ingresslab.logs import EnvoyAccess
from ingresslab.routing import egress as model
from ingresslab.routing.model import ClusterKey, select

__all__ = [
    "external_service",
    "forward_external",
    "gateway_tls",
    "leave_cluster",
    "mesh_outbound_mode",
    "mesh_tls_sni",
    "sidecar_config",
]

SIDECAR_SERVER = "envoy"
_TIMEOUT_BODY = "upstream request timeout"


def mesh_outbound_mode(cluster) -> str:
    """`outboundTrafficPolicy.mode` from ConfigMap istio-system/istio (ALLOW_ANY when unset or absent)."""
    cm = cluster.get("configmaps", "istio", "istio-system")
    return model.outbound_mode(((cm or {}).get("data") or {}).get("mesh"))


def sidecar_config(cluster, pod: dict) -> model.SidecarOutbound:
    """The outbound configuration istiod pushes to the sidecar of `pod` now (per namespace)."""
    namespace = pod["metadata"].get("namespace") or "default"

    def build() -> model.SidecarOutbound:
        services = {(s["metadata"]["namespace"], s["metadata"]["name"]): s for s in cluster.list("services")}
        return model.sidecar_outbound(
            namespace,
            cluster.list("serviceentries"),
            cluster.list("virtualservices.networking.istio.io"),
            cluster.list("destinationrules"),
            services,
            mode=mesh_outbound_mode(cluster),
        )

    return net.cached(cluster, f"egress-sidecar:{namespace}", build)


def _external_services(cluster, namespace: str) -> list[model.ExternalService]:
    return net.cached(
        cluster,
        f"egress-se:{namespace}",
        lambda: model.external_services(cluster.list("serviceentries"), namespace),
    )


def external_service(cluster, proxy: dict, key: ClusterKey) -> model.ExternalService | None:
    """The ServiceEntry port behind cluster `key` as `proxy` sees it (None: not a ServiceEntry host)."""
    if key.subset or not cluster.state.extra.get("istio"):
        return None
    namespace = proxy["metadata"].get("namespace") or "default"
    return next((e for e in _external_services(cluster, namespace) if e.key == key), None)


def mesh_tls_sni(cluster, proxy: dict, key: ClusterKey) -> str | None:
    """The SNI a DestinationRule's ISTIO_MUTUAL settings send to `key` (its `sni`, else Istio's own);
    None when no rule asks for mesh TLS (workloads with sidecars get it anyway: auto mTLS)."""
    if not cluster.state.extra.get("istio"):
        return None
    rules = cluster.list("destinationrules")
    if not rules:
        return None
    namespace = proxy["metadata"].get("namespace") or "default"
    tls = model.origination(rules, key, namespace)
    if tls is None or tls.mode != "ISTIO_MUTUAL":
        return None
    return tls.sni or key.sni


# -- helpers ----------------------------------------------------------------------------------------------
def _ms(seconds: float) -> int:
    return max(0, int(seconds * 1000))


def _local_reply(status: int, body: str, at: float) -> HttpResponse:
    headers = []
    if body:
        headers += [("content-length", str(len(body))), ("content-type", "text/plain")]
    headers += [("date", http_date(at)), ("server", SIDECAR_SERVER)]
    if not body:
        headers.append(("content-length", "0"))
    return HttpResponse(status, headers, body)


def _as_sidecar_response(response: HttpResponse, service_time: int | None) -> HttpResponse:
    """Lowercased names, hop-by-hop headers dropped, `x-envoy-upstream-service-time` and `server: envoy` set."""
    headers = envoy._response_headers(response, service_time, server=True)
    headers = [(k, SIDECAR_SERVER if k == "server" else v) for k, v in headers]
    return HttpResponse(response.status, headers, response.body, response.reason)


def _tracing_headers(cluster, request: HttpRequest) -> HttpRequest:
    """Envoy's zipkin tracer (the demo profile samples 100 %): b3 headers on every outbound request."""
    rng = cluster.store.rng
    if request.header("x-b3-traceid") is None:
        request = request.with_header("x-b3-traceid", rng.hex(16))
        request = request.with_header("x-b3-spanid", rng.hex(8))
        request = request.with_header("x-b3-sampled", "1")
    return request


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _struct(fields: dict[str, str]) -> bytes:
    """A google.protobuf.Struct of string values, in wire format (map entries sorted by key)."""
    out = b""
    for key in sorted(fields):
        value = _field(3, fields[key].encode())  # Value.string_value
        out += _field(1, _field(1, key.encode()) + _field(2, value))
    return out


def _peer_headers(pod: dict, request: HttpRequest) -> HttpRequest:
    """The metadata exchange filter's headers on outbound HTTP: the proxy's node metadata as a base64
    protobuf Struct (a subset of its string fields), and its id `sidecar~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`."""
    import base64

    from ingresslab.backends.sandbox.addons.istio_manifests import ISTIO_VERSION

    meta = pod["metadata"]
    ns = meta.get("namespace") or "default"
    ip = pod["status"].get("podIP", "")
    apps = [c["name"] for c in pod["spec"].get("containers") or [] if c["name"] != "istio-proxy"]
    workload = meta["name"].rsplit("-", 2)[0] if meta.get("ownerReferences") else meta["name"]
    fields = {
        "APP_CONTAINERS": ",".join(apps),
        "CLUSTER_ID": "Kubernetes",
        "INSTANCE_IPS": ip,
        "ISTIO_VERSION": ISTIO_VERSION,
        "MESH_ID": "cluster.local",
        "NAME": meta["name"],
        "NAMESPACE": ns,
        "SERVICE_ACCOUNT": pod["spec"].get("serviceAccountName") or "default",
        "WORKLOAD_NAME": workload,
    }
    request = request.with_header("x-envoy-peer-metadata", base64.b64encode(_struct(fields)).decode())
    return request.with_header(
        "x-envoy-peer-metadata-id", f"sidecar~{ip}~{meta['name']}.{ns}~{ns}.svc.cluster.local"
    )


def _pick(cluster, destinations):
    if len(destinations) == 1:
        return destinations[0].cluster
    pick = cluster.store.rng.uniform(0, sum(d.weight for d in destinations))
    for d in destinations:
        pick -= d.weight
        if pick <= 0:
            return d.cluster
    return destinations[-1].cluster


def _addresses(ext: model.ExternalService, original_dst: str | None) -> list[str]:
    if ext.resolution in ("DNS", "DNS_ROUND_ROBIN"):
        site = sites.by_name(ext.host)
        return list(site.addresses) if site is not None else []
    if ext.resolution == "STATIC":
        return list(ext.endpoints)
    return [original_dst] if original_dst else []


def _tcp_record(**fields) -> EnvoyAccess:
    return EnvoyAccess(response_code=0, format="istio", **fields)


# -- a ServiceEntry cluster ----------------------------------------------------------------------------------
def forward_external(
    cluster,
    proxy: dict,
    ext: model.ExternalService,
    request: HttpRequest,
    t: float,
    *,
    original_dst: str | None = None,
):
    """Send one HTTP request to a ServiceEntry host from `proxy`; returns envoy's _Outcome."""
    rng = cluster.store.rng
    key = ext.key
    addresses = _addresses(ext, original_dst)
    if not addresses:
        body = "no healthy upstream"
        return envoy._Outcome(
            envoy._local_reply(503, body, t), ["UH"], "no_healthy_upstream", end=t, cluster=key.name
        )
    address = addresses[0] if len(addresses) == 1 else rng.choice(addresses)
    port = ext.upstream_port
    namespace = proxy["metadata"].get("namespace") or "default"
    tls = model.origination(cluster.list("destinationrules"), key, namespace)
    originate = tls is not None and tls.mode in ("SIMPLE", "MUTUAL")
    wire = HttpRequest(request.method, request.target, list(request.headers), request.body, "HTTP/1.1")
    got = internet.connect(
        cluster, address, port, wire, t, tls=originate, sni=(tls.sni if tls else None) or ext.host
    )
    local = f"{proxy['status']['podIP']}:{kubeproxy.ephemeral_port(cluster)}"
    out = envoy._Outcome(HttpResponse(503), cluster=key.name, upstream_host=f"{address}:{port}")
    out.end = got.end
    if got.response is None:
        if got.error == "timeout":
            out.response = envoy._local_reply(
                503,
                "upstream connect error or disconnect/reset before headers. reset reason: connection timeout",
                got.end,
            )
            out.flags, out.details = ["UF"], "upstream_reset_before_response_started{connection_timeout}"
            out.transport = None
        else:
            out.response = envoy._local_reply(
                503,
                "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
                got.end,
            )
            out.flags, out.details = ["UC"], "upstream_reset_before_response_started{connection_termination}"
            out.upstream_local = local
        return out
    out.upstream_local = local
    out.response = HttpResponse(
        got.response.status, got.response.headers, got.response.body, got.response.reason
    )
    out.service_time = _ms(got.end - t)
    return out


# -- the sidecar ----------------------------------------------------------------------------------------------
def leave_cluster(
    cluster, conn: net.Conn, request: HttpRequest, start: float, client_pod: dict | None
) -> net.Result:
    """A connection to an address outside the cluster's networks."""
    if client_pod is not None and net.is_injected(client_pod) and cluster.state.extra.get("istio"):
        return _sidecar(cluster, client_pod, conn, request, start)
    return _direct(cluster, conn, request, start)


def _direct(cluster, conn: net.Conn, request: HttpRequest, start: float) -> net.Result:
    got = internet.connect(
        cluster,
        conn.dst_ip,
        conn.dst_port,
        request,
        start,
        tls=conn.tls,
        sni=conn.sni,
        alpn_h2=request.version == "HTTP/2",
    )
    return _result(got)


def _result(got: internet.Outcome) -> net.Result:
    if got.response is not None:
        return net.Result(got.response, None, got.end)
    error = {"tls": "tls_version" if got.tls_detail == "wrong version number" else "tls_syscall"}.get(
        got.error or "", got.error
    )
    return net.Result(None, error, got.end)


def _sidecar(cluster, pod: dict, conn: net.Conn, request: HttpRequest, start: float) -> net.Result:
    config = sidecar_config(cluster, pod)
    if conn.tls:
        return _sidecar_tls(cluster, pod, conn, request, start, config)
    listener = config.http_listener(conn.dst_port)
    if listener is None:
        return _sidecar_tcp(cluster, pod, conn, request, start, config)
    return _sidecar_http(cluster, pod, conn, request, start, config, listener)


def _sidecar_http(cluster, pod, conn, request, start, config, listener) -> net.Result:
    rng = cluster.store.rng
    t = start + rng.uniform(0.00005, 0.0003)
    rid = request.header("x-request-id") or envoy.new_request_id(cluster)
    xff = request.header("x-forwarded-for")
    selection = select(listener.route_config, request.host, request.path, dict(request.headers))
    route = selection.route
    common = dict(
        downstream_local_address=f"{conn.dst_ip}:{conn.dst_port}",
        downstream_remote_address=f"{conn.src_ip}:{conn.src_port}",
        requested_server_name=None,
    )
    if route is None or route.direct_status:
        status = route.direct_status if route is not None else 404
        end = t + rng.uniform(0.00002, 0.0002)
        response = _local_reply(status, "", end)
        flags, details = ([], "direct_response") if route is not None else (["NR"], "route_not_found")
        rec = envoy._record(
            request,
            xff,
            rid,
            response_code=status,
            response_flags=flags,
            response_code_details=details,
            bytes_sent=0,
            route_name=route.name if route is not None else None,
            **common,
        )
        envoy._log(cluster, pod, "istio-proxy", rec, start, end)
        return net.Result(response, None, end)
    key = _pick(cluster, route.destinations)
    upstream = request.with_header("x-request-id", rid)
    upstream = _tracing_headers(cluster, upstream)
    upstream = upstream.with_header("x-envoy-attempt-count", "1")
    if key != model.PASSTHROUGH and selection.virtual_host is not None:
        upstream = upstream.with_header("x-envoy-decorator-operation", f"{key.host}:{key.port}/*")
    upstream = _peer_headers(pod, upstream)
    original = f"{conn.dst_ip}:{conn.dst_port}"
    if key == model.PASSTHROUGH:
        ext = model.ExternalService(conn.dst_ip, conn.dst_port, "HTTP", "", "NONE")
        outcome = forward_external(cluster, pod, ext, upstream, t, original_dst=conn.dst_ip)
        outcome.cluster = model.PASSTHROUGH.name
        outcome.upstream_host = original
    else:
        ext = config.service(key)
        if ext is not None:
            outcome = forward_external(cluster, pod, ext, upstream, t, original_dst=conn.dst_ip)
        else:
            upstream = _to_service_protocol(cluster, key, upstream)
            outcome = envoy._forward(cluster, pod, key, upstream, t, envoy._NUM_RETRIES)
    end = outcome.end
    response = outcome.response
    if route.timeout is not None and outcome.details == "via_upstream" and end - t > route.timeout:
        end = t + route.timeout + rng.uniform(0.0005, 0.003)
        response = _local_reply(504, _TIMEOUT_BODY, end)
        outcome.flags, outcome.details, outcome.service_time = ["UT"], "response_timeout", None
    elif outcome.details == "via_upstream":
        response = _as_sidecar_response(response, outcome.service_time)
    else:
        response = HttpResponse(
            response.status,
            [(k, SIDECAR_SERVER if k == "server" else v) for k, v in response.headers],
            response.body,
        )
    end += rng.uniform(0.00005, 0.0003)
    rec = envoy._record(
        request,
        xff,
        rid,
        **outcome.log_fields(response),
        route_name=route.name,
        **common,
    )
    envoy._log(cluster, pod, "istio-proxy", rec, start, end)
    return net.Result(response, None, end)


def _to_service_protocol(cluster, key: ClusterKey, request: HttpRequest) -> HttpRequest:
    """HTTP/2 to a Service port named `http2`/`grpc` (or with appProtocol h2c/http2/grpc), as istiod sets it."""
    name, _, rest = key.host.partition(".")
    svc = cluster.get("services", name, rest.split(".")[0]) if rest else None
    for sp in (svc or {}).get("spec", {}).get("ports") or []:
        if int(sp["port"]) != key.port:
            continue
        port_name = (sp.get("name") or "").lower()
        app = (sp.get("appProtocol") or "").lower()
        if port_name.split("-")[0] in ("http2", "grpc") or app in ("http2", "grpc", "kubernetes.io/h2c"):
            return HttpRequest(request.method, request.target, list(request.headers), request.body, "HTTP/2")
    return request


def _tcp_line(cluster, pod, conn, start, end, *, upstream, cluster_name, local, sni, flags=(), up=0, down=0):
    rec = _tcp_record(
        response_flags=list(flags),
        bytes_received=up,
        bytes_sent=down,
        upstream_host=upstream,
        upstream_cluster=cluster_name,
        upstream_local_address=local,
        downstream_local_address=f"{conn.dst_ip}:{conn.dst_port}",
        downstream_remote_address=f"{conn.src_ip}:{conn.src_port}",
        requested_server_name=sni,
    )
    envoy._log(cluster, pod, "istio-proxy", rec, start, end)


def _blackhole(cluster, pod, conn, start, *, tls: bool) -> net.Result:
    end = start + cluster.store.rng.uniform(0.00003, 0.0002)
    _tcp_line(
        cluster,
        pod,
        conn,
        start,
        end,
        upstream=None,
        cluster_name=model.BLACKHOLE.name,
        local=None,
        sni=None,
        flags=["UH"],
    )
    return net.Result(None, "tls_syscall" if tls else "reset", end)


def _sidecar_tls(cluster, pod, conn, request, start, config) -> net.Result:
    rng = cluster.store.rng
    t = start + rng.uniform(0.00005, 0.0003)
    chain = config.tls_route(conn.dst_port, conn.sni)
    if chain is None:
        if config.catch_all is model.BLACKHOLE:
            return _blackhole(cluster, pod, conn, start, tls=True)
        return _passthrough(cluster, pod, conn, request, start, t, tls=True)
    key = _pick(cluster, chain.destinations)
    ext = config.service(key)
    local = f"{pod['status']['podIP']}:{kubeproxy.ephemeral_port(cluster)}"
    if ext is not None:
        reached = _tls_to_site(cluster, pod, conn, request, start, t, key, ext, conn.dst_ip)
        if isinstance(reached, net.Result):
            return reached
        result, upstream, up, down = reached
    else:
        result, upstream, up, down = _to_gateway_tls(cluster, pod, conn, key, request, t, local)
        if upstream is None:
            _tcp_line(
                cluster,
                pod,
                conn,
                start,
                result.end,
                upstream=None,
                cluster_name=key.name,
                local=None,
                sni=conn.sni,
                flags=["UH"],
            )
            return result
    return _tls_done(cluster, pod, conn, start, result, upstream, key, local, up, down)


def _tls_to_site(cluster, pod, conn, request, start, t, key: ClusterKey, ext, original_dst):
    """A proxy's TLS bytes to an external site of cluster `key`: (result, upstream, bytes up, bytes down), or the
    failed Result (and its `UH` line) when the cluster has no address."""
    rng = cluster.store.rng
    addresses = _addresses(ext, original_dst)
    if not addresses:
        end = t + rng.uniform(0.00003, 0.0002)
        _tcp_line(
            cluster,
            pod,
            conn,
            start,
            end,
            upstream=None,
            cluster_name=key.name,
            local=None,
            sni=conn.sni,
            flags=["UH"],
        )
        return net.Result(None, "tls_syscall", end)
    address = addresses[0] if len(addresses) == 1 else rng.choice(addresses)
    got = internet.connect(
        cluster,
        address,
        ext.upstream_port,
        request,
        t,
        tls=True,
        sni=conn.sni,
        alpn_h2=request.version == "HTTP/2",
    )
    up, down = internet.tls_bytes(got.site, request, got.response)
    return _result(got), f"{address}:{ext.upstream_port}", up, down


def _tls_done(cluster, pod, conn, start, result, upstream, key: ClusterKey, local, up, down) -> net.Result:
    """The proxy's TCP line for a TLS connection it carried, written when the connection closes."""
    end = result.end + cluster.store.rng.uniform(0.00005, 0.0003)
    _tcp_line(
        cluster,
        pod,
        conn,
        start,
        end,
        upstream=upstream,
        cluster_name=key.name,
        local=local,
        sni=conn.sni,
        up=up,
        down=down,
    )
    result.end = end
    return result


def _to_gateway_tls(cluster, pod, conn, key: ClusterKey, request, t, local):
    """TLS bytes from a sidecar to a Kubernetes Service's endpoint (the egress gateway's 443 → 8443)."""
    name, _, rest = key.host.partition(".")
    svc = cluster.get("services", name, rest.split(".")[0]) if rest else None
    sp = next((p for p in (svc or {}).get("spec", {}).get("ports") or [] if int(p["port"]) == key.port), None)
    labels = envoy._subset_labels(cluster, key, pod)
    backends = (
        kubeproxy.ready_endpoints(cluster, svc, sp)
        if svc is not None and sp is not None and labels is not None
        else []
    )
    if not backends:
        return net.Result(None, "tls_syscall", t), None, 0, 0
    backend = kubeproxy.choose(cluster, backends)
    src_port = int(local.rsplit(":", 1)[1])
    inner = net.Conn(pod["status"]["podIP"], src_port, backend.ip, backend.port, conn.sni, True)
    result = net.connect(cluster, inner, request, t)
    up, down = internet.tls_bytes(sites.by_name(conn.sni or ""), request, result.response)
    return result, f"{backend.ip}:{backend.port}", up, down


def _passthrough(cluster, pod, conn, request, start, t, *, tls: bool) -> net.Result:
    got = internet.connect(
        cluster,
        conn.dst_ip,
        conn.dst_port,
        request,
        t,
        tls=tls,
        sni=conn.sni,
        alpn_h2=request.version == "HTTP/2",
    )
    local = f"{pod['status']['podIP']}:{kubeproxy.ephemeral_port(cluster)}"
    result = _result(got)
    if got.error == "timeout":
        # Envoy's connect timeout (10 s): the connection is closed with nothing sent
        result = net.Result(None, "reset", t + 10.0)
        _tcp_line(
            cluster,
            pod,
            conn,
            start,
            result.end,
            upstream=f"{conn.dst_ip}:{conn.dst_port}",
            cluster_name=model.PASSTHROUGH.name,
            local=None,
            sni=None,
            flags=["UF"],
        )
        return result
    if tls:
        up, down = internet.tls_bytes(got.site, request, got.response)
    else:
        up = request.wire_size()
        down = (
            0
            if got.response is None
            else len("".join(f"{k}: {v}\r\n" for k, v in got.response.headers).encode())
            + got.response.body_bytes
            + 19
        )
    end = result.end + cluster.store.rng.uniform(0.00005, 0.0003)
    _tcp_line(
        cluster,
        pod,
        conn,
        start,
        end,
        upstream=f"{conn.dst_ip}:{conn.dst_port}",
        cluster_name=model.PASSTHROUGH.name,
        local=local,
        sni=None,
        up=up,
        down=down,
    )
    result.end = end
    return result


def _sidecar_tcp(cluster, pod, conn, request, start, config) -> net.Result:
    """A port without an HTTP listener: the 15001 listener's catch-all takes the bytes."""
    if config.catch_all is model.BLACKHOLE:
        return _blackhole(cluster, pod, conn, start, tls=False)
    t = start + cluster.store.rng.uniform(0.00005, 0.0003)
    return _passthrough(cluster, pod, conn, request, start, t, tls=False)


# -- the egress gateway's TLS passthrough --------------------------------------------------------------------
def gateway_tls(cluster, pod: dict, conn: net.Conn, request: HttpRequest, start: float) -> net.Result | None:
    """A TLS connection at a gateway pod: the SNI chain of a PASSTHROUGH server; None when nothing listens."""
    from ingresslab.backends.sandbox.dataplane.envoy import _istio_objects, _services

    def build():
        gateways, vss, _sources = _istio_objects(cluster)
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
        return model.gateway_tls_routes(
            gateways, vss, pod["metadata"].get("labels") or {}, svc, _services(cluster)
        )

    routes = net.cached(cluster, f"gateway-tls:{pod['metadata']['name']}", build)
    on_port = [r for r in routes if r.port == conn.dst_port]
    if not on_port:
        return None
    rng = cluster.store.rng
    t = start + rng.uniform(0.00005, 0.0003)
    chain = next((r for r in on_port if r.matches(conn.sni)), None)
    if chain is None:
        end = t + rng.uniform(0.00003, 0.0002)
        return net.Result(None, "tls_syscall", end)
    key = _pick(cluster, chain.destinations)
    ext = external_service(cluster, pod, key)
    if ext is None:
        end = t + rng.uniform(0.00003, 0.0002)
        _tcp_line(
            cluster,
            pod,
            conn,
            start,
            end,
            upstream=None,
            cluster_name=None,
            local=None,
            sni=conn.sni,
            flags=["NC"],
        )
        return net.Result(None, "tls_syscall", end)
    reached = _tls_to_site(cluster, pod, conn, request, start, t, key, ext, None)
    if isinstance(reached, net.Result):
        return reached
    result, upstream, up, down = reached
    local = f"{pod['status']['podIP']}:{kubeproxy.ephemeral_port(cluster)}"
    return _tls_done(cluster, pod, conn, start, result, upstream, key, local, up, down)
