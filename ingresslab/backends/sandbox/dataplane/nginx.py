"""The ingress-nginx controller (v1.11) answering on its pod's port 80: route, balance, proxy, log.

What it does, as its nginx.tmpl and Lua balancer do:
- `$req_id` is the client's X-Request-ID or a fresh 32-hex `$request_id`; it is forwarded as X-Request-ID,
  with X-Real-IP/X-Forwarded-For set to `$remote_addr` (no full forwarded-for by default).
- A Host no server takes lands in the catch-all `_` server, and a server whose paths do not match has no
  location for it: both proxy to `upstream-default-backend` (`127.0.0.1:8181`, the built-in 404 server) and
  log it from the port-80 server (only the 8181 server itself has its access log off).
- A backend Service that is missing or has no ready endpoints: 503 with every upstream field `-`.
- Otherwise the Lua balancer picks endpoints round-robin (pod IP:targetPort, never the ClusterIP); a
  connection error moves on to the next one, up to `proxy-next-upstream-tries` 3, then 502, with one error
  log line per failed attempt.
- The Server header is cleared (`server-tokens: false`), so error pages end in a bare `nginx`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ingresslab.backends.sandbox.dataplane import kubeproxy, net
from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse, http_date, request_length
from ingresslab.logs import NginxAccess, format_line
from ingresslab.routing.classes import nginx_class
from ingresslab.routing.model import DefaultBackend, Upstream, select
from ingresslab.routing.nginx import nginx_route_config

__all__ = ["error_page", "handle", "served_ingresses"]

_NGINX_REASONS = {503: "Service Temporarily Unavailable"}
_TRIES = 3
_HIDDEN = frozenset(
    {"date", "server", "connection", "keep-alive", "transfer-encoding", "content-length", "content-type"}
)


def error_page(status: int, reason: str, extra: str = "") -> str:
    """nginx's built-in error page with server_tokens off (CRLF line ends, as nginx writes them)."""
    lines = [
        "<html>",
        f"<head><title>{status} {reason}</title></head>",
        "<body>",
        f"<center><h1>{status} {reason}</h1></center>",
    ]
    if extra:
        lines.append(f"<center>{extra}</center>")
    lines += ["<hr><center>nginx</center>", "</body>", "</html>", ""]
    return "\r\n".join(lines)


def _local(status: int, end: float) -> HttpResponse:
    reason = _NGINX_REASONS.get(status) or HttpResponse(status).reason_phrase
    body = error_page(status, reason)
    return HttpResponse(
        status,
        [
            ("Date", http_date(end)),
            ("Content-Type", "text/html"),
            ("Content-Length", str(len(body))),
            ("Connection", "keep-alive"),
        ],
        body,
        reason,
    )


def served_ingresses(cluster) -> list[dict]:
    """The Ingresses the controller files under a class (minikube runs it with --watch-ingress-without-class)."""
    classes = cluster.list("ingressclasses")
    return [i for i in cluster.list("ingresses") if nginx_class(i, classes).served]


def _state(cluster, pod: dict) -> dict:
    dp = cluster.state.extra.setdefault("dataplane", {})
    st = dp.setdefault("nginx", {})
    if st.get("pod") != pod["metadata"]["name"]:
        # a new controller pod starts with fresh workers, counters and balancer positions
        st.clear()
        st.update(pod=pod["metadata"]["name"], pid=cluster.store.rng.randint(24, 40), conn=0, rr={})
    return st


def _service_backends(cluster, loc: Upstream) -> list[kubeproxy.Backend]:
    svc = cluster.get("services", loc.service, loc.namespace)
    if svc is None:
        return []
    want = loc.port
    for sp in svc["spec"].get("ports") or []:
        if (want.get("name") and sp.get("name") == want["name"]) or (
            want.get("number") and int(sp["port"]) == int(want["number"])
        ):
            return kubeproxy.ready_endpoints(cluster, svc, sp)
    return []


def _log(cluster, pod: dict, rec: NginxAccess, at: float) -> None:
    meta = pod["metadata"]
    cluster.log(meta["namespace"], meta["name"], "controller", format_line(rec), at=at)


def _when(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def _upstream_request(request: HttpRequest, conn: net.Conn, req_id: str) -> HttpRequest:
    host = request.host
    skip = {
        "host",
        "x-request-id",
        "x-real-ip",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-port",
        "x-forwarded-proto",
        "x-forwarded-scheme",
        "x-scheme",
        "connection",
        "proxy",
    }
    headers = [
        ("Host", host),
        ("X-Request-ID", req_id),
        ("X-Real-IP", conn.src_ip),
        ("X-Forwarded-For", conn.src_ip),
        ("X-Forwarded-Host", host),
        ("X-Forwarded-Port", str(conn.dst_port)),
        ("X-Forwarded-Proto", "http"),
        ("X-Forwarded-Scheme", "http"),
        ("X-Scheme", "http"),
    ]
    headers += [(k, v) for k, v in request.headers if k.lower() not in skip]
    return HttpRequest(request.method, request.target, headers, request.body, "HTTP/1.1")


def _error_log(
    cluster, pod: dict, st: dict, at: float, conn: net.Conn, request: HttpRequest, server: str, upstream: str
) -> None:
    when = _when(at).strftime("%Y/%m/%d %H:%M:%S")
    line = (
        f"{when} [error] {st['pid']}#{st['pid']}: *{st['conn']} connect() failed (111: Connection refused) while "
        f'connecting to upstream, client: {conn.src_ip}, server: {server}, request: "{request.method} '
        f'{request.target} {request.version}", upstream: "http://{upstream}{request.target}", host: "{request.host}"'
    )
    meta = pod["metadata"]
    cluster.log(meta["namespace"], meta["name"], "controller", line, at=at)


def handle(cluster, pod: dict, conn: net.Conn, request: HttpRequest, start: float) -> net.Result:
    rng = cluster.store.rng
    st = _state(cluster, pod)
    st["conn"] += 1
    t = start + rng.uniform(0.00015, 0.0006)
    req_id = request.header("x-request-id") or rng.hex(16)
    rec = NginxAccess(
        remote_addr=conn.src_ip,
        method=request.method,
        path=request.target,
        protocol=request.version,
        http_referer=request.header("referer"),
        http_user_agent=request.header("user-agent"),
        request_length=request_length(request),
        req_id=req_id,
    )
    if conn.dst_port == 443:
        # plain HTTP on the TLS port: rejected before routing, logged with an empty upstream
        body = error_page(400, "The plain HTTP request was sent to HTTPS port").replace(
            "<center><h1>400 The plain HTTP request was sent to HTTPS port</h1></center>",
            "<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>",
        )
        response = HttpResponse(
            400,
            [
                ("Date", http_date(t)),
                ("Content-Type", "text/html"),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),
            ],
            body,
        )
        return _finish(cluster, pod, rec, response, t, start, log=True)
    config = net.cached(cluster, "nginx_servers", lambda: nginx_route_config(served_ingresses(cluster)))
    match = select(config, request.host, request.path)
    if match.route is None or match.route.default_backend is not None:
        # No server or no location for the request: the catch-all `_` server's `location /` proxies to the
        # controller's own default backend (127.0.0.1:8181), and nginx's access_log is on for it too.
        default = (match.route and match.route.default_backend) or DefaultBackend()
        rec.proxy_upstream_name = default.upstream
        t_up = t + rng.uniform(0.00002, 0.0002)
        response = _local(default.status, t_up)
        rec.upstream_addr = [default.address]
        rec.upstream_response_length = [response.body_bytes]
        rec.upstream_response_time = [round(t_up - t, 3)]
        rec.upstream_status = [default.status]
        return _finish(cluster, pod, rec, response, t_up, start, log=True)
    loc = match.route.destinations[0].cluster
    assert isinstance(loc, Upstream)
    rec.proxy_upstream_name = loc.name
    backends = _service_backends(cluster, loc)
    if not backends:
        return _finish(cluster, pod, rec, _local(503, t), t, start, log=True)
    rr = st["rr"]
    if loc.name not in rr:
        rr[loc.name] = rng.randint(0, len(backends) - 1)
    upstream_req = _upstream_request(request, conn, req_id)
    server_name = match.virtual_host.name
    for _ in range(_TRIES):
        backend = backends[rr[loc.name] % len(backends)]
        rr[loc.name] = (rr[loc.name] + 1) % len(backends)
        addr = f"{backend.ip}:{backend.port}"
        out = net.Conn(pod["status"]["podIP"], kubeproxy.ephemeral_port(cluster), backend.ip, backend.port)
        result = net.connect(cluster, out, upstream_req, t, client_pod=None)
        end = result.end + net.hop(cluster)
        rec.upstream_addr.append(addr)
        rec.upstream_response_time.append(round(end - t, 3))
        if result.response is None:
            rec.upstream_response_length.append(0)
            rec.upstream_status.append(502)
            _error_log(cluster, pod, st, end, conn, request, server_name, addr)
            t = end
            continue
        up = result.response
        rec.upstream_response_length.append(up.body_bytes)
        rec.upstream_status.append(up.status)
        headers = [
            ("Date", http_date(end)),
            ("Content-Type", up.header("content-type") or "text/plain"),
            ("Content-Length", str(up.body_bytes)),
            ("Connection", "keep-alive"),
        ]
        if up.header("content-type") is None:
            headers.pop(1)
        headers += [(k, v) for k, v in up.headers if k.lower() not in _HIDDEN]
        response = HttpResponse(up.status, headers, up.body, up.reason)
        return _finish(cluster, pod, rec, response, end, start, log=True)
    return _finish(cluster, pod, rec, _local(502, t), t, start, log=True)


def _finish(
    cluster, pod: dict, rec: NginxAccess, response: HttpResponse, t: float, start: float, *, log: bool
) -> net.Result:
    end = t + cluster.store.rng.uniform(0.00008, 0.0004)
    if log:
        rec.time = _when(end)
        rec.status = response.status
        rec.body_bytes_sent = response.body_bytes
        rec.request_time = round(end - start, 3)
        _log(cluster, pod, rec, end)
    return net.Result(response, None, end)
