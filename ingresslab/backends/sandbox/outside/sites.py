"""The sites of the emulated internet: the public hosts Istio's egress tasks and tutorials reach.

Each `Site` has its public IPv4 addresses (fixed: those seen in real logs where known), what its DNS
answers look like, how far away it is, and what it answers on :80 (plain HTTP/1.1) and :443 (after a
TLS handshake; HTTP/2 when the client offers `h2`, as curl does). Facts modelled:
- edition.cnn.com (Fastly/Varnish): :80 answers every path `301 Moved Permanently` to
  `https://edition.cnn.com<path>` with an empty body; :443 answers `200` `text/html; charset=utf-8`.
- httpbin.org (Python httpbin under gunicorn/19.9.0 behind an AWS load balancer): `/headers`, `/get`,
  `/ip`, `/user-agent`, `/status/N`, `/delay/N` (at most 10 s), `/anything`; JSON with 2-space indent and
  sorted keys; request headers shown in title case (`X-B3-Traceid`), with the balancer's `X-Amzn-Trace-Id`
  added and the environment headers httpbin hides (`X-Request-Id`, `X-Forwarded-*`, `Via`, ...) left out.
- www.google.com, developers.google.com (gws) and www.baidu.com (bfe, the 2381-byte home page that
  `curl www.baidu.com` has always shown).
Names are only those: anything else (google.com, example.com, ...) stays NXDOMAIN upstream.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse, http_date

__all__ = ["PUBLIC_SOURCE_IP", "SITES", "Exchange", "Site", "by_address", "by_name"]

PUBLIC_SOURCE_IP = "203.0.113.24"
"""The learner's public address, as sites see the cluster's traffic after the node's and the home router's NAT
(TEST-NET-3: an address reserved for documentation, never routed)."""


@dataclass(frozen=True)
class Exchange:
    """One request as a site receives it."""

    request: HttpRequest
    client_ip: str
    port: int
    tls: bool
    at: float
    rng: object


Handler = Callable[[Exchange], tuple[HttpResponse, float]]
"""-> (response, seconds the site took to answer)."""


@dataclass(frozen=True)
class Site:
    name: str
    addresses: tuple[str, ...]
    ttl: int  # the A records' TTL as the upstream resolver hands them out
    soa: tuple[str, str, str]  # (zone, primary name server, hostmaster) for NODATA answers
    rtt: tuple[float, float]  # round trip from the node, seconds
    http: Handler | None = None
    https: Handler | None = None
    tls_server_bytes: int = 4200  # ServerHello .. Finished with the certificate chain
    h2: bool = True


def _date(ex: Exchange) -> str:
    return http_date(ex.at)


def _body_fit(head: str, tail: str, size: int) -> str:
    pad = size - len(head.encode()) - len(tail.encode())
    return head + (" " * max(pad, 0)) + tail


# -- edition.cnn.com ------------------------------------------------------------------------------------
_CNN_POP = "cache-iad-kiad7000118-IAD"
_CNN_ALT_SVC = 'h3=":443";ma=86400,h3-29=":443";ma=86400,h3-27=":443";ma=86400'


def _cnn_http(ex: Exchange) -> tuple[HttpResponse, float]:
    location = f"https://edition.cnn.com{ex.request.target}"
    headers = [
        ("Content-Length", "0"),
        ("Server", "Varnish"),
        ("Retry-After", "0"),
        ("Cache-Control", "public, max-age=600"),
        ("Location", location),
        ("Accept-Ranges", "bytes"),
        ("Date", _date(ex)),
        ("Via", "1.1 varnish"),
        ("Set-Cookie", "countryCode=US; Domain=.cnn.com; Path=/; SameSite=None; Secure"),
        ("X-Served-By", _CNN_POP),
        ("X-Cache", "HIT"),
        ("X-Cache-Hits", "0"),
        ("alt-svc", _CNN_ALT_SVC),
    ]
    return HttpResponse(301, headers, ""), ex.rng.uniform(0.0002, 0.002)


_CNN_PAGE = (
    '<!DOCTYPE html><html lang="en" data-uri="cms.cnn.com/_pages/politics" data-layout-uri="cms.cnn.com/'
    '_layouts/layout-section/instances/politics-v1"><head><meta charset="utf-8"/><title>CNN Politics</title>'
    '<meta name="viewport" content="width=device-width,initial-scale=1,shrink-to-fit=no"/></head>'
    '<body class="layout layout-section"><header class="header"><a href="/">CNN</a></header>'
    "<main><h1>Politics</h1></main></body></html>\n"
)


def _cnn_https(ex: Exchange) -> tuple[HttpResponse, float]:
    body = _CNN_PAGE
    headers = [
        ("content-type", "text/html; charset=utf-8"),
        ("cache-control", "max-age=60"),
        ("x-content-type-options", "nosniff"),
        ("x-xss-protection", "1; mode=block"),
        ("via", "1.1 varnish, 1.1 varnish"),
        ("accept-ranges", "bytes"),
        ("date", _date(ex)),
        ("age", str(ex.rng.randint(1, 59))),
        ("set-cookie", "countryCode=US; Domain=.cnn.com; Path=/; SameSite=None; Secure"),
        ("x-served-by", f"cache-iad-kiad7000118-IAD, {_CNN_POP}"),
        ("x-cache", "HIT, HIT"),
        ("alt-svc", _CNN_ALT_SVC),
        ("content-length", str(len(body.encode()))),
    ]
    return HttpResponse(200, headers, "" if ex.request.method == "HEAD" else body), ex.rng.uniform(
        0.001, 0.02
    )


# -- httpbin.org ------------------------------------------------------------------------------------------
# httpbin's `get_headers(hide_env=True)`: headers its hosting environment adds are not echoed
_HTTPBIN_HIDDEN = frozenset(
    h.lower()
    for h in (
        "X-Varnish",
        "X-Request-Start",
        "X-Heroku-Queue-Depth",
        "X-Real-Ip",
        "X-Forwarded-Proto",
        "X-Forwarded-Protocol",
        "X-Forwarded-Ssl",
        "X-Heroku-Queue-Wait-Time",
        "X-Forwarded-For",
        "X-Heroku-Dynos-In-Use",
        "X-Forwarded-Port",
        "X-Request-Id",
        "Via",
        "Total-Route-Time",
        "Connect-Time",
    )
)
_NOT_FOUND_HTML = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n'
    "<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually "
    "please check your spelling and try again.</p>\n"
)


def _wsgi_title(name: str) -> str:
    """How a header name comes back out of a WSGI environ (Werkzeug): `X-B3-TraceId` → `X-B3-Traceid`."""
    return name.replace("_", "-").title()


def _httpbin_headers(ex: Exchange) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in ex.request.headers:
        if name.lower() in _HTTPBIN_HIDDEN or name.lower() in ("connection", "te"):
            continue
        key = _wsgi_title(name)
        out[key] = f"{out[key]},{value}" if key in out else value
    # the load balancer's trace header: Root=1-<epoch seconds, hex>-<96 random bits>
    out["X-Amzn-Trace-Id"] = f"Root=1-{int(ex.at):08x}-{ex.rng.hex(12)}"
    return out


def _json(obj: object) -> str:
    return json.dumps(obj, indent=2, sort_keys=True) + "\n"


def _httpbin_reply(ex: Exchange, status: int, body: str, content_type: str) -> HttpResponse:
    headers = [
        ("Date", _date(ex)),
        ("Content-Type", content_type),
        ("Content-Length", str(len(body.encode()))),
        ("Connection", "keep-alive"),
        ("Server", "gunicorn/19.9.0"),
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Credentials", "true"),
    ]
    return HttpResponse(status, headers, "" if ex.request.method == "HEAD" else body)


def _httpbin(ex: Exchange) -> tuple[HttpResponse, float]:
    from urllib.parse import parse_qsl

    req = ex.request
    path, _, query = req.target.partition("?")
    args: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
    scheme = "https" if ex.tls else "http"
    url = f"{scheme}://{req.host or 'httpbin.org'}{req.target}"
    think = ex.rng.uniform(0.0005, 0.003)
    headers = _httpbin_headers(ex)
    if path == "/headers":
        return _httpbin_reply(ex, 200, _json({"headers": headers}), "application/json"), think
    if path == "/ip":
        return _httpbin_reply(ex, 200, _json({"origin": ex.client_ip}), "application/json"), think
    if path == "/user-agent":
        body = _json({"user-agent": req.header("user-agent")})
        return _httpbin_reply(ex, 200, body, "application/json"), think
    if path == "/get":
        body = _json({"args": args, "headers": headers, "origin": ex.client_ip, "url": url})
        return _httpbin_reply(ex, 200, body, "application/json"), think
    if path.startswith("/status/"):
        code = path.split("/")[2]
        if code.isdigit() and 100 <= int(code) < 600:
            return _httpbin_reply(ex, int(code), "", "text/html; charset=utf-8"), think
        return _httpbin_reply(ex, 400, "Invalid status code", "text/html; charset=utf-8"), think
    if path.startswith("/delay/") or path == "/anything" or path.startswith("/anything/"):
        wait = 0.0
        if path.startswith("/delay/"):
            try:
                wait = min(max(float(path.split("/")[2]), 0.0), 10.0)
            except ValueError:
                return _httpbin_reply(ex, 404, _NOT_FOUND_HTML, "text/html"), think
        body = {
            "args": args,
            "data": req.body,
            "files": {},
            "form": {},
            "headers": headers,
            "origin": ex.client_ip,
            "url": url,
        }
        if path.startswith("/anything"):
            body.update(json=None, method=req.method)
        return _httpbin_reply(ex, 200, _json(body), "application/json"), think + wait
    return _httpbin_reply(ex, 404, _NOT_FOUND_HTML, "text/html"), think


# -- google ------------------------------------------------------------------------------------------------
_GOOGLE_PAGE = (
    '<!doctype html><html itemscope="" itemtype="http://schema.org/WebPage" lang="en"><head><meta content='
    '"text/html; charset=UTF-8" http-equiv="Content-Type"><title>Google</title></head><body></body></html>'
)


def _google(ex: Exchange) -> tuple[HttpResponse, float]:
    body = _GOOGLE_PAGE
    h2 = ex.tls
    headers = [
        ("content-type" if h2 else "Content-Type", "text/html; charset=ISO-8859-1"),
        (
            "content-security-policy-report-only" if h2 else "Content-Security-Policy-Report-Only",
            "object-src 'none';base-uri 'self';script-src 'nonce-' 'strict-dynamic' 'report-sample' "
            "'unsafe-eval' 'unsafe-inline' https: http:;report-uri https://csp.withgoogle.com/csp/gws/other-hp",
        ),
        ("p3p" if h2 else "P3P", 'CP="This is not a P3P policy! See g.co/p3phelp for more info."'),
        ("date" if h2 else "Date", _date(ex)),
        ("server" if h2 else "Server", "gws"),
        ("x-xss-protection" if h2 else "X-XSS-Protection", "0"),
        ("x-frame-options" if h2 else "X-Frame-Options", "SAMEORIGIN"),
        ("expires" if h2 else "Expires", "-1"),
        ("cache-control" if h2 else "Cache-Control", "private"),
        ("content-length" if h2 else "Content-Length", str(len(body.encode()))),
    ]
    if h2:
        headers.append(("alt-svc", 'h3=":443"; ma=2592000,h3-29=":443"; ma=2592000'))
    return HttpResponse(200, headers, "" if ex.request.method == "HEAD" else body), ex.rng.uniform(0.01, 0.04)


# -- baidu ------------------------------------------------------------------------------------------------
_BAIDU_PAGE = _body_fit(
    "<!DOCTYPE html>\r\n<!--STATUS OK--><html> <head><meta http-equiv=content-type content=text/html;charset"
    "=utf-8><meta http-equiv=X-UA-Compatible content=IE=Edge><meta content=always name=referrer><title>"
    "百度一下，你就知道</title></head> <body link=#0000cc> <div id=wrapper> <div id=head> </div> </div>",
    " </body> </html>\r\n",
    2381,
)


def _baidu(ex: Exchange) -> tuple[HttpResponse, float]:
    body = _BAIDU_PAGE
    headers = [
        ("Accept-Ranges", "bytes"),
        ("Cache-Control", "private, no-cache, no-store, proxy-revalidate, no-transform"),
        ("Connection", "keep-alive"),
        ("Content-Length", str(len(body.encode()))),
        ("Content-Type", "text/html"),
        ("Date", _date(ex)),
        ("Etag", '"588604c8-94d"'),
        ("Last-Modified", "Mon, 23 Jan 2017 13:27:36 GMT"),
        ("Pragma", "no-cache"),
        ("Server", "bfe/1.0.8.18"),
        ("Set-Cookie", "BDORZ=27315; max-age=86400; domain=.baidu.com; path=/"),
    ]
    if ex.tls:
        headers = [(k.lower(), v) for k, v in headers if k != "Connection"]
    return HttpResponse(200, headers, "" if ex.request.method == "HEAD" else body), ex.rng.uniform(
        0.001, 0.004
    )


SITES: dict[str, Site] = {
    site.name: site
    for site in (
        Site(
            "edition.cnn.com",
            ("151.101.3.5", "151.101.67.5", "151.101.131.5", "151.101.195.5"),
            60,
            ("cnn.com", "ns-1086.awsdns-07.org", "awsdns-hostmaster.amazon.com"),
            (0.004, 0.02),
            _cnn_http,
            _cnn_https,
            4630,
        ),
        Site(
            "httpbin.org",
            ("54.204.25.77", "35.173.6.94", "3.210.94.60", "52.5.103.206"),
            60,
            ("httpbin.org", "ns-1474.awsdns-56.org", "awsdns-hostmaster.amazon.com"),
            (0.08, 0.17),
            _httpbin,
            _httpbin,
            5120,
            h2=True,
        ),
        Site(
            "www.google.com",
            ("142.251.36.4",),
            300,
            ("google.com", "ns1.google.com", "dns-admin.google.com"),
            (0.003, 0.015),
            _google,
            _google,
            5780,
        ),
        Site(
            "developers.google.com",
            ("142.251.36.4",),
            300,
            ("google.com", "ns1.google.com", "dns-admin.google.com"),
            (0.003, 0.015),
            _google,
            _google,
            5780,
        ),
        Site(
            "www.baidu.com",
            ("183.2.172.185", "183.2.172.42"),
            600,
            ("baidu.com", "dns.baidu.com", "sa.baidu.com"),
            (0.006, 0.02),
            _baidu,
            _baidu,
            4890,
        ),
    )
}


def by_name(name: str) -> Site | None:
    """The site answering to `name` (case-insensitive, trailing dot ignored)."""
    return SITES.get(name.lower().rstrip("."))


def by_address(ip: str) -> Site | None:
    """The site at a public IPv4 address (several names may share one; the first registered wins)."""
    for site in SITES.values():
        if ip in site.addresses:
            return site
    return None
