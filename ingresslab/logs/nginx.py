"""ingress-nginx controller access log: the `upstreaminfo` format (controller >= 0.26) and the 0.25 layout.

    $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
    "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name]
    $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id

Layout `0.25` (before 0.26.0) has ` - [$the_real_ip]` after `$remote_addr`; its oldest releases lack the
alternative upstream and `$req_id`, which parse as empty. nginx escapes `"`, `\\` and non-printable bytes as
`\\xXX`, so quoted fields never contain a quote; values are unescaped here and escaped again on output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ingresslab.logs._text import (
    TIME_LOCAL_CACHE,
    format_nginx_time,
    nginx_escape,
    nginx_unescape,
    parse_nginx_time,
)
from ingresslab.logs.envelope import Envelope

__all__ = ["NginxAccess", "detect_nginx", "format_nginx", "nginx_values", "parse_nginx", "split_request"]


@dataclass(slots=True)
class NginxAccess:
    """One ingress-nginx access line. Fields carry the nginx variable names.

    `method`/`path`/`protocol` come from `$request`; `request_raw` keeps `$request` only when it is not
    a request line at all (TLS bytes on the HTTP port, an empty request), so such lines re-emit exactly.
    The four `upstream_*` fields are lists, one entry per upstream tried (`None` for a `-` entry, `[]` for
    a lone `-`); `upstream_groups` holds the group sizes when an internal redirect split them with ` : `.
    `proxy_upstream_name` is `""` for `[]` and None for `[-]`.
    """

    remote_addr: str | None = None
    remote_user: str | None = None
    time: datetime | None = None
    method: str | None = None
    path: str | None = None
    protocol: str | None = None
    status: int = 200
    body_bytes_sent: int = 0
    http_referer: str | None = None
    http_user_agent: str | None = None
    request_length: int = 0
    request_time: float | None = 0.0
    proxy_upstream_name: str | None = ""
    proxy_alternative_upstream_name: str | None = ""
    upstream_addr: list[str | None] = field(default_factory=list)
    upstream_response_length: list[int | None] = field(default_factory=list)
    upstream_response_time: list[float | None] = field(default_factory=list)
    upstream_status: list[int | None] = field(default_factory=list)
    req_id: str | None = None
    the_real_ip: str | None = None  # 0.25 layout only
    request_raw: str | None = None
    upstream_groups: list[int] = field(default_factory=list)
    layout: str | None = None  # None: upstreaminfo (>= 0.26); "0.25": the older layout
    format: str = "ingress-nginx"
    envelope: Envelope | None = field(default=None, compare=False, repr=False)
    raw: str | None = field(default=None, compare=False, repr=False)


_Q = r'"([^"]*)"'  # nginx escapes quotes, so a quoted field is simply everything up to the next quote
_LIST = r"([^ ,]+(?:(?:, | : )[^ ,]+)*)"  # one upstream_* variable: entries joined by ", " or " : "
_TAIL = (
    rf' \[([^\]]*)\] "((?:[^"]*))" (\d+) (\d+) {_Q} {_Q} (\d+) (\d+(?:\.\d+)?|-) \[([^\]]*)\]'
    rf" \[([^\]]*)\] {_LIST} {_LIST} {_LIST} {_LIST} (.*)$"
)
_UPSTREAMINFO = re.compile(r"^(\S+) - (.+?)" + _TAIL)
# 0.25: `%v - [$the_real_ip] - ...` with the alternative upstream and $req_id optional (older releases).
_LEGACY = re.compile(
    r"^(\S+) - \[([^\]]*)\] - (.+?)"
    rf' \[([^\]]*)\] "((?:[^"]*))" (\d+) (\d+) {_Q} {_Q} (\d+) (\d+(?:\.\d+)?|-) \[([^\]]*)\]'
    rf"(?: \[([^\]]*)\])? {_LIST} {_LIST} {_LIST} {_LIST}(?: (.*))?$"
)
_METHOD = re.compile(r"[A-Z][A-Z0-9_-]*$")


def split_request(request: str) -> tuple[str | None, str | None, str | None]:
    """`GET /a b HTTP/1.1` -> (GET, /a b, HTTP/1.1). Spaces stay in the path; HTTP/0.9 has no protocol."""
    method, sep, rest = request.partition(" ")
    if not _METHOD.match(method):
        return None, None, None
    if not sep:
        return method, None, None
    head, sep, last = rest.rpartition(" ")
    if sep and last.startswith("HTTP/"):
        return method, head, last
    return method, rest, None


def _int_or_none(value: str) -> int | None:
    return None if value == "-" else int(value)


def _float_or_none(value: str) -> float | None:
    return None if value == "-" else float(value)


def _str_or_none(value: str) -> str | None:
    return None if value == "-" else value


def _split_list(value: str, convert) -> tuple[list, list[int]]:
    if value == "-":
        return [], []
    if "," not in value and " : " not in value:
        return [convert(value)], []  # the common case: exactly one upstream tried
    groups = value.split(" : ")
    entries = [convert(item) for group in groups for item in group.split(", ")]
    sizes = [group.count(", ") + 1 for group in groups] if len(groups) > 1 else []
    return entries, sizes


def parse_nginx(body: str) -> NginxAccess | None:
    """Parse one ingress-nginx access line (prefixes already stripped); None when it is not one."""
    values = nginx_values(body)
    return None if values is None else NginxAccess(*values)


def nginx_values(body: str) -> tuple | None:
    """The field values of an ingress-nginx line in `NginxAccess` order (up to `format`), or None."""
    # Written for speed (it runs once per line): inline `-` checks, one escape test for the whole line and
    # a single-upstream shortcut. (A split-based fast path measured no faster than this one regex.)
    match = _UPSTREAMINFO.match(body)
    if match is not None:
        ra, ru, tl, req, st, bbs, ref, ua, rl, rt, pun, paun, uad, url, urt, ust, rid = match.groups()
        real_ip = layout = None
        if ru[0] == "[" and "] - " in ru:  # a 0.25 line: `- [$the_real_ip] - $remote_user`
            match = None
    if match is None:
        match = _LEGACY.match(body)
        if match is None:
            return None
        ra, real_ip, ru, tl, req, st, bbs, ref, ua, rl, rt, pun, paun, uad, url, urt, ust, rid = (
            match.groups()
        )
        real_ip = None if real_ip == "-" else real_ip
        paun = "" if paun is None else paun
        rid = "-" if rid is None else rid
        layout = "0.25"
    try:
        return _build(
            body,
            ra,
            real_ip,
            ru,
            tl,
            req,
            st,
            bbs,
            ref,
            ua,
            rl,
            rt,
            pun,
            paun,
            uad,
            url,
            urt,
            ust,
            rid,
            layout,
        )
    except (ValueError, KeyError, IndexError):
        return None  # a field that looked right but is not a number or a time


def _build(
    body, ra, real_ip, ru, tl, req, st, bbs, ref, ua, rl, rt, pun, paun, uad, url, urt, ust, rid, layout
):
    when = TIME_LOCAL_CACHE.get(tl)
    if when is None:
        when = parse_nginx_time(tl)
    if "\\" in body:
        ru, req, ref, ua, pun, paun, rid = (nginx_unescape(v) for v in (ru, req, ref, ua, pun, paun, rid))
    parts = req.split(" ")
    if len(parts) == 3 and parts[2][:5] == "HTTP/" and parts[0].isupper() and parts[0].isascii():
        method, path, protocol = parts
        request_raw = None
    else:
        method, path, protocol = split_request(req)
        request_raw = req if method is None and req != "-" else None
    if " " in uad or "," in uad or " " in url or " " in urt or " " in ust:
        addrs, groups = _split_list(uad, _str_or_none)
        lengths = _split_list(url, _int_or_none)[0]
        times = _split_list(urt, _float_or_none)[0]
        statuses = _split_list(ust, _int_or_none)[0]
    else:
        groups = []
        addrs = [] if uad == "-" else [uad]
        lengths = [] if url == "-" else [int(url)]
        times = [] if urt == "-" else [float(urt)]
        statuses = [] if ust == "-" else [int(ust)]
    return (
        None if ra == "-" else ra,
        None if ru == "-" else ru,
        when,
        method,
        path,
        protocol,
        int(st),
        int(bbs),
        None if ref == "-" else ref,
        None if ua == "-" else ua,
        int(rl),
        None if rt == "-" else float(rt),
        None if pun == "-" else pun,
        None if paun == "-" else paun,
        addrs,
        lengths,
        times,
        statuses,
        None if rid == "-" else rid,
        real_ip,
        request_raw,
        groups,
        layout,
        "ingress-nginx",
    )


def _esc(value: str | None) -> str:
    return "-" if value is None else nginx_escape(value)


def _join(values: list, groups: list[int], render) -> str:
    if not values:
        return "-"
    items = ["-" if v is None else render(v) for v in values]
    if not groups or sum(groups) != len(items):
        return ", ".join(items)
    out: list[str] = []
    start = 0
    for size in groups:
        out.append(", ".join(items[start : start + size]))
        start += size
    return " : ".join(out)


def _request_line(rec: NginxAccess) -> str:
    if rec.method is None:
        return "-" if rec.request_raw is None else rec.request_raw
    return " ".join(part for part in (rec.method, rec.path, rec.protocol) if part is not None)


def format_nginx(rec: NginxAccess) -> str:
    """Write `rec` as ingress-nginx would (its `layout`), escaping values the way nginx does."""
    if rec.time is None:
        raise ValueError("an ingress-nginx line needs `time` (an aware datetime for $time_local)")
    head = f"{rec.remote_addr or '-'} - "
    if rec.layout == "0.25":
        head += f"[{rec.the_real_ip or '-'}] - "
    request_time = "-" if rec.request_time is None else f"{rec.request_time:.3f}"
    groups = rec.upstream_groups
    return (
        f'{head}{_esc(rec.remote_user)} [{format_nginx_time(rec.time)}] "{nginx_escape(_request_line(rec))}" '
        f'{rec.status:03d} {rec.body_bytes_sent} "{_esc(rec.http_referer)}" "{_esc(rec.http_user_agent)}" '
        f"{rec.request_length} {request_time} [{_bracket_out(rec.proxy_upstream_name)}] "
        f"[{_bracket_out(rec.proxy_alternative_upstream_name)}] "
        f"{_join(rec.upstream_addr, groups, str)} {_join(rec.upstream_response_length, groups, str)} "
        f"{_join(rec.upstream_response_time, groups, _msec)} {_join(rec.upstream_status, groups, str)} "
        f"{_esc(rec.req_id)}"
    )


def _bracket_out(value: str | None) -> str:
    return "-" if value is None else nginx_escape(value)


def _msec(value: float) -> str:
    return f"{value:.3f}"


def detect_nginx(body: str) -> bool:
    """Cheap check used by auto-detection before a full parse."""
    return " - " in body[:60] and '] "' in body
