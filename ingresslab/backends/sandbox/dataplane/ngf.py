"""An NGINX Gateway Fabric (v2.6.7) data-plane pod answering on a listener port: route, balance, proxy, log.

What the nginx NGF configures does, as its templates write it (internal/controller/nginx/config):
- servers per hostname of the Gateway's listeners on that port (`routing.gatewayapi.ngf`); a Host none takes
  reaches the `default_server`, `default_type text/html; return 404;` — nginx's own 404 page;
- a request no location takes: nginx's 404 page as well;
- an invalid backendRef (or a rule without any): upstream `invalid-backend-ref` →
  `unix:/var/run/nginx/nginx-500-server.sock` → 500; an upstream without ready endpoints: the 503 server;
- otherwise one ready endpoint (pod IP:targetPort from the EndpointSlices, never the ClusterIP) chosen by
  `random two least_conn` — here a seeded random pick — with weights across several backendRefs; a refused
  connection is a 502 with an `[error]` line;
- proxied headers: Host as the client sent it, X-Forwarded-For ($proxy_add_x_forwarded_for), X-Real-IP,
  X-Forwarded-Proto/Host/Port; upstream keep-alive (no Connection: close);
- `server_tokens off` (the default unless an NginxProxy sets `serverTokens`): `Server: nginx`, and error pages
  end in a bare `nginx`;
- the access log is nginx's `combined` format on stdout of container `nginx`
  (`$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
  "$http_user_agent"`), unless the NginxProxy sets `logging.accessLog.format` (`ngf_user_defined_log_format`)
  or `disable`.

    is_ngf_pod(pod)                               # an NGF NGINX data-plane pod
    handle(cluster, pod, conn, request, start)    # -> net.Result, like dataplane.nginx.handle
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ingresslab.backends.sandbox.addons import ngf as addon
from ingresslab.backends.sandbox.addons.ngf_manifests import NAMESPACE, PROXY_CONFIG
from ingresslab.backends.sandbox.dataplane import kubeproxy, net
from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse, http_date, request_length
from ingresslab.backends.sandbox.dataplane.nginx import error_page
from ingresslab.logs._text import format_nginx_time, nginx_escape
from ingresslab.routing.gatewayapi.ngf import NgfUpstream, ngf_route_configs
from ingresslab.routing.model import select

__all__ = ["COMBINED", "combined_line", "handle", "is_ngf_pod"]

COMBINED = (
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" '
    '"$http_user_agent"'
)
CONTAINER = "nginx"
_GATEWAY_LABEL = "gateway.networking.k8s.io/gateway-name"
_HIDDEN = frozenset(
    {"date", "server", "connection", "keep-alive", "transfer-encoding", "content-length", "content-type"}
)
_VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)\}")


def is_ngf_pod(pod: dict) -> bool:
    """An NGINX pod NGF provisioned for a Gateway (its `nginx` container runs NGF's nginx image)."""
    labels = pod["metadata"].get("labels") or {}
    return (
        _GATEWAY_LABEL in labels
        and labels.get("app.kubernetes.io/instance") == "nginx-gateway"
        and any(
            c.get("name") == CONTAINER and "nginx-gateway-fabric/nginx" in c.get("image", "")
            for c in pod["spec"].get("containers") or []
        )
    )


def _gateway(cluster, pod: dict) -> dict | None:
    meta = pod["metadata"]
    return cluster.get(addon.GATEWAYS, meta["labels"][_GATEWAY_LABEL], meta.get("namespace"))


def _proxy_settings(cluster) -> dict:
    proxy = cluster.get(addon.NGINX_PROXIES, PROXY_CONFIG, NAMESPACE) or {}
    return proxy.get("spec") or {}


def _when(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def _q(value: str | None) -> str:
    return "-" if value is None or value == "" else nginx_escape(value)


def combined_line(values: dict, fmt: str = COMBINED) -> str:
    """A log line of an nginx `log_format` from variable values (missing or empty: `-`, escaped as nginx does)."""

    def sub(m: re.Match) -> str:
        return _q(values.get(m.group(1) or m.group(2)))

    return _VARIABLE.sub(sub, fmt)


def _local(status: int, end: float, server: str) -> HttpResponse:
    reason = HttpResponse(status).reason_phrase
    body = error_page(status, reason).replace("<center>nginx</center>", f"<center>{server}</center>")
    return HttpResponse(
        status,
        [
            ("Server", server),
            ("Date", http_date(end)),
            ("Content-Type", "text/html"),
            ("Content-Length", str(len(body))),
            ("Connection", "keep-alive"),
        ],
        body,
        reason,
    )


def _server_header(settings: dict) -> str:
    tokens = settings.get("serverTokens") or "off"
    if tokens in ("on", "build"):
        return "nginx/1.31.3"  # NGF v2.6.7's NGINX OSS
    return "nginx" if tokens == "off" else tokens


def _state(cluster, pod: dict) -> dict:
    st = cluster.state.extra.setdefault("dataplane", {}).setdefault("ngf", {})
    per = st.setdefault(pod["metadata"]["name"], {})
    if not per:
        per.update(pid=cluster.store.rng.randint(20, 40), conn=0)
    return per


def _endpoints(cluster, upstream: NgfUpstream) -> list[kubeproxy.Backend]:
    svc = cluster.get("services", upstream.service, upstream.namespace)
    if svc is None:
        return []
    for sp in svc["spec"].get("ports") or []:
        if int(sp["port"]) == upstream.port:
            return kubeproxy.ready_endpoints(cluster, svc, sp)
    return []


def _upstream_request(request: HttpRequest, conn: net.Conn) -> HttpRequest:
    forwarded = request.header("x-forwarded-for")
    skip = {
        "x-forwarded-for",
        "x-real-ip",
        "x-forwarded-proto",
        "x-forwarded-host",
        "x-forwarded-port",
        "connection",
    }
    headers = [(k, v) for k, v in request.headers if k.lower() not in skip]
    headers += [
        ("X-Forwarded-For", f"{forwarded}, {conn.src_ip}" if forwarded else conn.src_ip),
        ("X-Real-IP", conn.src_ip),
        ("X-Forwarded-Proto", "http"),
        (
            "X-Forwarded-Host",
            request.host.rsplit(":", 1)[0] if request.host.count(":") == 1 else request.host,
        ),
        ("X-Forwarded-Port", str(conn.dst_port)),
    ]
    return HttpRequest(request.method, request.target, headers, request.body, "HTTP/1.1")


def _pick(cluster, destinations) -> NgfUpstream:
    weighted = [d for d in destinations if d.weight > 0]
    if not weighted:
        return NgfUpstream("", "", None, invalid=True)
    if len(weighted) == 1:
        return weighted[0].cluster
    total = sum(d.weight for d in weighted)
    roll = cluster.store.rng.uniform(0, total)
    for d in weighted:
        roll -= d.weight
        if roll <= 0:
            return d.cluster
    return weighted[-1].cluster


def handle(cluster, pod: dict, conn: net.Conn, request: HttpRequest, start: float) -> net.Result:
    """The NGF nginx of `pod` answers `request` that arrived on `conn` (a listener port of its Gateway)."""
    rng = cluster.store.rng
    st = _state(cluster, pod)
    st["conn"] += 1
    settings = _proxy_settings(cluster)
    server = _server_header(settings)
    t = start + rng.uniform(0.00015, 0.0006)
    gateway = _gateway(cluster, pod)
    if gateway is None:
        return net.Result(None, "refused", t)
    configs = net.cached(
        cluster,
        f"ngf_servers:{gateway['metadata'].get('namespace')}/{gateway['metadata']['name']}",
        lambda: ngf_route_configs(addon.resolution(cluster, gateway)),
    )
    ports = {int(lst.get("port", 80)) for lst in (gateway.get("spec") or {}).get("listeners") or []}
    if conn.dst_port not in ports:
        return net.Result(None, "refused", t)
    config = configs.get(conn.dst_port)
    match = select(config, request.host, request.target, method=request.method) if config else None
    if match is None or match.route is None:
        return _finish(cluster, pod, conn, request, settings, _local(404, t, server), t, start)
    upstream = _pick(cluster, match.route.destinations)
    if upstream.invalid:
        t_up = t + rng.uniform(0.00002, 0.0002)  # through the 500 server's unix socket
        return _finish(cluster, pod, conn, request, settings, _local(500, t_up, server), t_up, start)
    backends = _endpoints(cluster, upstream)
    if not backends:
        t_up = t + rng.uniform(0.00002, 0.0002)
        return _finish(cluster, pod, conn, request, settings, _local(503, t_up, server), t_up, start)
    backend = backends[rng.randint(0, len(backends) - 1)]
    out = net.Conn(pod["status"]["podIP"], kubeproxy.ephemeral_port(cluster), backend.ip, backend.port)
    result = net.connect(cluster, out, _upstream_request(request, conn), t, client_pod=None)
    end = result.end + net.hop(cluster)
    if result.response is None:
        when = _when(end).strftime("%Y/%m/%d %H:%M:%S")
        line = (
            f"{when} [error] {st['pid']}#{st['pid']}: *{st['conn']} connect() failed (111: Connection refused) "
            f"while connecting to upstream, client: {conn.src_ip}, server: {match.virtual_host.name}, request: "
            f'"{request.method} {request.target} {request.version}", upstream: '
            f'"http://{backend.ip}:{backend.port}{request.target}", host: "{request.host}"'
        )
        meta = pod["metadata"]
        cluster.log(meta["namespace"], meta["name"], CONTAINER, line, at=end)
        return _finish(cluster, pod, conn, request, settings, _local(502, end, server), end, start)
    up = result.response
    headers = [("Server", server), ("Date", http_date(end))]
    if up.header("content-type") is not None:
        headers.append(("Content-Type", up.header("content-type")))
    headers += [("Content-Length", str(up.body_bytes)), ("Connection", "keep-alive")]
    headers += [(k, v) for k, v in up.headers if k.lower() not in _HIDDEN]
    response = HttpResponse(up.status, headers, up.body, up.reason)
    return _finish(cluster, pod, conn, request, settings, response, end, start)


def _finish(
    cluster,
    pod: dict,
    conn: net.Conn,
    request: HttpRequest,
    settings: dict,
    response: HttpResponse,
    t: float,
    start: float,
) -> net.Result:
    end = t + cluster.store.rng.uniform(0.00008, 0.0004)
    access = ((settings.get("logging") or {}).get("accessLog")) or {}
    if not access.get("disable"):
        values = {
            "remote_addr": conn.src_ip,
            "remote_user": None,
            "time_local": format_nginx_time(_when(end)),
            "request": f"{request.method} {request.target} {request.version}",
            "status": str(response.status),
            "body_bytes_sent": str(response.body_bytes),
            "http_referer": request.header("referer"),
            "http_user_agent": request.header("user-agent"),
            "request_length": str(request_length(request)),
            "request_time": f"{end - start:.3f}",
            "host": request.host,
            "server_port": str(conn.dst_port),
            "request_method": request.method,
            "request_uri": request.target,
            "uri": request.path,
            "server_protocol": request.version,
        }
        fmt = access.get("format") or COMBINED
        line = combined_line(values, fmt)
        meta = pod["metadata"]
        cluster.log(meta["namespace"], meta["name"], CONTAINER, line, at=end)
    return net.Result(response, None, end)
