"""Connections from the cluster to the emulated internet: TCP to a site's address, TLS as far as logs and
clients see it, then one HTTP exchange.

    result = connect(cluster, conn, request, start)   # conn.dst_ip a public address; conn.tls for TLS

Facts modelled (not cryptography): a TCP connect takes one round trip, a TLS 1.3 handshake one more; a site
answers only on :80 (HTTP) and :443 (TLS); an address no site owns never answers (the SYN times out, as a
firewall's DROP does). TLS to :80 fails the handshake (`wrong version number`), plain HTTP to :443 gets the
connection closed. After TLS the client speaks HTTP/2 when it offered `h2` (curl does, Envoy's TLS
origination does not) and the site supports it. Traffic leaves the node masqueraded, so sites see the
learner's public address (`sites.PUBLIC_SOURCE_IP`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse
from ingresslab.backends.sandbox.outside import sites

__all__ = ["TLS_CLIENT_BYTES", "Outcome", "connect", "is_public", "tls_bytes"]

TLS_CLIENT_BYTES = (
    517 + 80
)  # ClientHello (curl/OpenSSL pads to 512+) and the client's Finished/ChangeCipherSpec


@dataclass
class Outcome:
    """What the client side of one connection to the internet got."""

    response: HttpResponse | None
    error: str | None  # None, "timeout", "reset" (closed after connect), "tls" (handshake failed)
    end: float
    site: sites.Site | None = None
    tls_detail: str = ""


def is_public(ip: str) -> bool:
    import ipaddress

    addr = ipaddress.ip_address(ip)
    return addr.is_global


def _rtt(cluster, site: sites.Site) -> float:
    return cluster.store.rng.uniform(*site.rtt)


def connect(
    cluster,
    dst_ip: str,
    dst_port: int,
    request: HttpRequest,
    start: float,
    *,
    tls: bool = False,
    sni: str | None = None,
    alpn_h2: bool = False,
) -> Outcome:
    """One connection from the node to `dst_ip:dst_port`, with TLS when `tls`, carrying `request`."""
    site = sites.by_address(dst_ip)
    if site is None or dst_port not in (80, 443):
        return Outcome(None, "timeout", start)
    rng = cluster.store.rng
    t = start + _rtt(cluster, site)  # SYN, SYN-ACK
    if tls and dst_port == 80:
        return Outcome(None, "tls", t + _rtt(cluster, site) / 2, site, "wrong version number")
    if not tls and dst_port == 443:
        # the site reads a ClientHello that is not one and closes
        return Outcome(None, "reset", t + _rtt(cluster, site), site)
    h2 = False
    if tls:
        t += _rtt(cluster, site)  # TLS 1.3: ClientHello → ServerHello..Finished
        h2 = alpn_h2 and site.h2
    handler = site.https if tls else site.http
    if handler is None:
        return Outcome(None, "reset", t, site)
    wire = HttpRequest(
        request.method, request.target, list(request.headers), request.body, "HTTP/2" if h2 else "HTTP/1.1"
    )
    ex = sites.Exchange(wire, sites.PUBLIC_SOURCE_IP, dst_port, tls, t, rng)
    response, think = handler(ex)
    if h2:
        response = HttpResponse(
            response.status,
            [(k.lower(), v) for k, v in response.headers if k.lower() not in ("connection", "keep-alive")],
            response.body,
            None,
            "HTTP/2",
        )
    end = t + _rtt(cluster, site) + think
    return Outcome(response, None, end, site)


def tls_bytes(
    site: sites.Site | None, request: HttpRequest, response: HttpResponse | None
) -> tuple[int, int]:
    """(bytes from the client, bytes to the client) of a TLS connection carrying one exchange."""
    up = TLS_CLIENT_BYTES + request.wire_size() + 22  # record headers and the AEAD tag per record
    down = (site.tls_server_bytes if site is not None else 0) + (
        len("".join(f"{k}: {v}\r\n" for k, v in response.headers).encode()) + response.body_bytes + 40
        if response is not None
        else 0
    )
    return up, down
