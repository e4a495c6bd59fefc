"""Send one HTTP request into the sandbox and get back only what a client would see.

    from ingresslab.backends.sandbox.dataplane.walk import send_request
    with backend.transaction() as cluster:
        r = send_request(cluster, url="http://192.168.76.2:30001/v1")
        r.status, r.headers, r.body, r.request_id, r.started, r.ended

The path the request takes is not returned on purpose: hop views are rebuilt from the components' logs,
exactly as on a real cluster. The virtual clock moves to the moment the response ended.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ingresslab.backends.sandbox import portforward
from ingresslab.backends.sandbox.dataplane import kubeproxy, net
from ingresslab.backends.sandbox.dataplane.http import HttpRequest
from ingresslab.backends.sandbox.topology import HOST_IP, NODE_IP, SERVICE_CIDR

__all__ = ["USER_AGENT", "Response", "send_request"]

USER_AGENT = "curl/7.81.0"
SYN_GIVE_UP = 127.0  # Linux tcp_syn_retries=6: 1+2+4+8+16+32+64 s before connect() fails


@dataclass
class Response:
    """What the client saw. `status` is None when no response came (`error` says why)."""

    status: int | None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    request_id: str | None = None
    started: float = 0.0
    ended: float = 0.0
    remote_ip: str = ""
    remote_port: int = 0
    error: str | None = None  # "refused", "timeout", "reset", "empty", "tls_syscall" or "tls_version"
    version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        low = name.lower()
        return next((v for k, v in self.headers if k.lower() == low), None)


def _reachable_from_host(cluster, ip: str) -> str | None:
    """Why the learner's machine cannot reach `ip` (None when it can): only the node is routed, and the
    Service CIDR while `minikube tunnel` runs (its route sends 10.96.0.0/12 via the node)."""
    addr = ipaddress.ip_address(ip)
    if addr.is_loopback:
        return "refused"  # nothing of the sandbox listens on the learner's own machine
    if ip == NODE_IP:
        return None
    if addr in SERVICE_CIDR and cluster.state.extra.get("minikubeTunnel"):
        return None
    return "timeout"


def send_request(
    cluster,
    *,
    method: str = "GET",
    url: str | None = None,
    dest: tuple[str, int] | None = None,
    host_header: str | None = None,
    path: str | None = None,
    headers: list[tuple[str, str]] | dict[str, str] | None = None,
    body: str = "",
    client_ip: str = HOST_IP,
    client_port: int | None = None,
    client_pod: dict | None = None,
    user_agent: str | None = USER_AGENT,
    accept: str | None = "*/*",
    connect_timeout: float | None = None,
    tls_sni: str | None = None,
) -> Response:
    """Send a request to `dest` (ip, port) or to the IP literal in `url`; returns what the client sees.

    Names are not resolved here (the caller — curl, wget — resolves them its own way). Headers are sent in
    the order curl sends them: Host, User-Agent, Accept, then `headers`. With `tls_sni` the client opens
    TLS with that SNI and offers HTTP/2 (curl's default for https://); the response's `version` says what
    was spoken, and `error` is "tls_syscall"/"tls_version"/"reset" when the connection failed after connect.
    """
    if url is not None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", ""):
            raise ValueError(f"only http:// URLs are emulated, not {parts.scheme}://")
        host, port = parts.hostname or "", parts.port or 80
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default_host = parts.netloc.rsplit("@", 1)[-1]
        if port == 80 and default_host.endswith(":80"):
            default_host = default_host[:-3]
    elif dest is not None:
        host, port, target, default_host = (
            dest[0],
            dest[1],
            "/",
            dest[0] if dest[1] == 80 else f"{dest[0]}:{dest[1]}",
        )
    else:
        raise ValueError("send_request needs url= or dest=(ip, port)")
    if dest is not None:
        ip, port = dest
    else:
        try:
            ip = str(ipaddress.ip_address(host))
        except ValueError:
            raise ValueError(
                f"{host!r} is not an IP address: resolve names first, or pass dest=(ip, port)"
            ) from None
    target = path if path is not None else target
    extra = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    names = {k.lower() for k, _ in extra}
    hdrs = [("Host", host_header or default_host)]
    if user_agent and "user-agent" not in names:
        hdrs.append(("User-Agent", user_agent))
    if accept and "accept" not in names:
        hdrs.append(("Accept", accept))
    hdrs += [(k, v) for k, v in extra if k.lower() != "host"]
    if body and "content-length" not in names:
        hdrs.append(("Content-Length", str(len(body.encode()))))
    request = HttpRequest(method, target, hdrs, body, "HTTP/2" if tls_sni is not None else "HTTP/1.1")
    start = cluster.store.now
    sent_id = request.header("x-request-id")
    blocked = _reachable_from_host(cluster, ip) if client_pod is None else None
    src_port = client_port or kubeproxy.ephemeral_port(cluster)
    forward = portforward.lookup(cluster, ip, int(port)) if client_pod is None else None
    if forward is not None:
        result = portforward.deliver(cluster, forward, request, start, src_port)
    elif blocked is not None:
        result = net.Result(None, blocked, start)
    else:
        conn = net.Conn(client_ip, src_port, ip, int(port), tls_sni, tls_sni is not None)
        result = net.connect(cluster, conn, request, start, client_pod=client_pod)
    if result.error == "timeout":
        wait = connect_timeout if connect_timeout is not None else SYN_GIVE_UP
        end = start + wait + cluster.store.rng.uniform(0.001, 0.0019)
    else:
        end = max(result.end, start) + (net.hop(cluster) if result.response is not None else 0.0)
    cluster.store.advance(end - cluster.store.now)
    out = Response(
        None,
        request_id=sent_id,
        started=start,
        ended=end,
        remote_ip=ip,
        remote_port=int(port),
        error=result.error,
    )
    if result.response is not None:
        r = result.response
        out.status, out.reason, out.headers, out.body = r.status, r.reason_phrase, list(r.headers), r.body
        out.version = r.version
    return out
