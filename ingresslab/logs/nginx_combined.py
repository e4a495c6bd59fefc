"""nginx's predefined `combined` access-log format, what NGINX Gateway Fabric's data plane writes by default.

    log_format combined '$remote_addr - $remote_user [$time_local] '
                        '"$request" $status $body_bytes_sent '
                        '"$http_referer" "$http_user_agent"';

for example `10.244.0.1 - - [15/Sep/2024:08:40:32 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0"`.
ingress-nginx's `upstreaminfo` starts with the same fields and goes on, so a `combined` line must end right
after the quoted User-Agent. Values are escaped as nginx escapes them (`\\xHH` for quotes, backslashes and
non-printable bytes); `-` stands for an empty value. The line names no Host, no upstream and no request id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ingresslab.logs._text import format_nginx_time, nginx_escape, nginx_unescape, parse_nginx_time
from ingresslab.logs.envelope import Envelope

__all__ = ["NginxCombined", "format_nginx_combined", "parse_nginx_combined"]


@dataclass(slots=True)
class NginxCombined:
    """One `combined` line; names follow the nginx variables (`$body_bytes_sent` -> `body_bytes_sent`).
    `method`, `path` and `protocol` split `$request`; a request line nginx could not read keeps them empty
    and `request` holds it as logged."""

    remote_addr: str = ""
    remote_user: str | None = None
    time: datetime | None = None
    method: str = ""
    path: str = ""
    protocol: str = ""
    status: int = 0
    body_bytes_sent: int = 0
    http_referer: str | None = None
    http_user_agent: str | None = None
    request: str = ""
    layout: str | None = None
    format: str = "nginx-combined"
    envelope: Envelope | None = field(default=None, compare=False, repr=False)
    raw: str | None = field(default=None, compare=False, repr=False)


_LINE = re.compile(r'^(\S+) - (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$')


def _value(text: str) -> str | None:
    return None if text == "-" else nginx_unescape(text)


def parse_nginx_combined(body: str) -> NginxCombined | None:
    """Parse one `combined` line; None for anything else (including ingress-nginx's longer lines)."""
    match = _LINE.match(body)
    if match is None:
        return None
    remote, user, when, request, status, sent, referer, agent = match.groups()
    try:
        time = parse_nginx_time(when)
    except (ValueError, KeyError):
        return None
    request = nginx_unescape(request)
    parts = request.split(" ")
    method, path, protocol = (parts[0], " ".join(parts[1:-1]), parts[-1]) if len(parts) >= 3 else ("", "", "")
    return NginxCombined(
        remote,
        _value(user),
        time,
        method,
        path,
        protocol,
        int(status),
        int(sent),
        _value(referer),
        _value(agent),
        request,
    )


def format_nginx_combined(rec: NginxCombined) -> str:
    """Write `rec` exactly as nginx's `combined` format does."""
    if rec.time is None:
        raise ValueError("a combined line needs `time` ($time_local)")
    request = rec.request or f"{rec.method} {rec.path} {rec.protocol}"

    def dash(value: str | None) -> str:
        return nginx_escape(value) if value else "-"

    return (
        f"{rec.remote_addr or '-'} - {dash(rec.remote_user)} [{format_nginx_time(rec.time)}] "
        f'"{nginx_escape(request)}" {rec.status} {rec.body_bytes_sent} '
        f'"{dash(rec.http_referer)}" "{dash(rec.http_user_agent)}"'
    )
