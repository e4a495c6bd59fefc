"""Envoy and Istio proxy access logs, TEXT encoding.

Envoy's default format (`envoy`):

    [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
    %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
    "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"

Istio's (`istio`) inserts fields after RESPONSE_FLAGS and appends the cluster, addresses, SNI and route.
Layouts: None (1.9 and later: RESPONSE_CODE_DETAILS CONNECTION_TERMINATION_DETAILS "TRANSPORT_FAILURE"),
`1.8` ("TRANSPORT_FAILURE" only) and `1.7` (1.3–1.7: "MIXER_STATUS" "TRANSPORT_FAILURE").

Envoy does not escape header values, so a `"` inside a User-Agent breaks naive splitting. The fast
regex assumes no quotes; when it fails a second one lets the User-Agent absorb quotes, anchored on the
fields after it, and lets the path absorb them too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ingresslab.logs._text import format_start_time, parse_start_time
from ingresslab.logs.envelope import Envelope
from ingresslab.logs.istio_cluster import IstioCluster, decode_istio_cluster

__all__ = [
    "EnvoyAccess",
    "envoy_values",
    "format_envoy",
    "format_istio",
    "istio_values",
    "parse_envoy",
    "parse_istio",
]

ISTIO_LAYOUTS = (None, "1.8", "1.7")


@dataclass(slots=True)
class EnvoyAccess:
    """One Envoy/Istio access line; field names are the snake_case keys of Istio's JSON format.

    `format` is `envoy`, `istio` or `istio-json`; fields a format does not log stay None. `layout` is None
    for the current Istio text layout, or `1.8` / `1.7` for older ones (`istio_policy_status` is 1.7's
    mixer field). `response_flags` is a list (`[]` for `-`).
    """

    start_time: datetime | None = None
    method: str | None = None
    path: str | None = None
    protocol: str | None = None
    response_code: int = 200
    response_flags: list[str] = field(default_factory=list)
    response_code_details: str | None = None
    connection_termination_details: str | None = None
    upstream_transport_failure_reason: str | None = None
    bytes_received: int = 0
    bytes_sent: int = 0
    duration: int | None = 0
    upstream_service_time: int | None = None
    x_forwarded_for: str | None = None
    user_agent: str | None = None
    request_id: str | None = None
    authority: str | None = None
    upstream_host: str | None = None
    upstream_cluster: str | None = None
    upstream_local_address: str | None = None
    downstream_local_address: str | None = None
    downstream_remote_address: str | None = None
    requested_server_name: str | None = None
    route_name: str | None = None
    istio_policy_status: str | None = None
    layout: str | None = None
    format: str = "istio"
    envelope: Envelope | None = field(default=None, compare=False, repr=False)
    raw: str | None = field(default=None, compare=False, repr=False)

    @property
    def cluster(self) -> IstioCluster | None:
        """`upstream_cluster` decoded (direction, port, subset, host), or None if it is not a cluster key."""
        return decode_istio_cluster(self.upstream_cluster)

    @property
    def sni_cluster(self) -> IstioCluster | None:
        """`requested_server_name` decoded when it is an Istio mTLS SNI (`outbound_.7777_._.host`)."""
        return decode_istio_cluster(self.requested_server_name)


# --- regexes ----------------------------------------------------------------------------------------------
_HEAD_FAST = r'^\[([^\]]+)\] "(\S+) ([^"]*) (\S+)" (\d+) (\S+) '
_HEAD_SLOW = r'^\[([^\]]+)\] "(\S+) (.*?) (\S+)" (\d+) (\S+) '
_MIDDLE = {
    None: r'([^"\s]\S*) ([^"\s]\S*) "([^"]*)" ',  # details never start with a quote; 1.7's fields do
    "1.8": r'"([^"]*)" ',
    "1.7": r'"([^"]*)" "([^"]*)" ',
    "envoy": "",
}
_COUNTS = r"(\d+|-) (\d+|-) (\d+|-) (\S+) "
_HEADERS_FAST = r'"([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"'
_HEADERS_SLOW = r'"([^"]*)" "(.*)" "([^"]*)" "([^"]*)" "([^"]*)"'
_ISTIO_TAIL = r" (\S+) (\S+) (\S+) (\S+) (\S+) (\S+)$"


def _compile(layout: str | None, slow: bool) -> re.Pattern[str]:
    tail = "$" if layout == "envoy" else _ISTIO_TAIL
    return re.compile(
        (_HEAD_SLOW if slow else _HEAD_FAST)
        + _MIDDLE[layout]
        + _COUNTS
        + (_HEADERS_SLOW if slow else _HEADERS_FAST)
        + tail
    )


_ISTIO_ORDER = [(layout, _compile(layout, slow)) for slow in (False, True) for layout in ISTIO_LAYOUTS]
_ENVOY_FAST = _compile("envoy", False)
_ENVOY_SLOW = _compile("envoy", True)


def _s(value: str) -> str | None:
    return None if value == "-" else value


def _i(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _flags(value: str) -> list[str]:
    return [] if value == "-" else value.split(",")


def _start(value: str) -> datetime | None:
    try:
        return parse_start_time(value)
    except ValueError:
        return None


def parse_istio(body: str) -> EnvoyAccess | None:
    """Parse one Istio text access line (any supported layout); None when it is not one."""
    values = istio_values(body)
    return None if values is None else EnvoyAccess(*values)


def istio_values(body: str) -> tuple | None:
    """The field values of an Istio text line in `EnvoyAccess` order (up to `format`), or None."""
    if body[:1] != "[":
        return None
    # Every fast regex first: the slow ones only matter for lines with quotes inside header values.
    for candidate, pattern in _ISTIO_ORDER:
        match = pattern.match(body)
        if match is not None:
            layout = candidate
            break
    else:
        return None
    # One pass turns every `-` into None; the fields are then picked by position (this runs per line).
    g = [None if v == "-" else v for v in match.groups()]
    when = _start(g[0])
    if when is None:
        return None
    details = ctd = policy = None
    if layout is None:
        details, ctd, utfr = g[6], g[7], g[8]
        rest = 9
    elif layout == "1.8":
        utfr = g[6]
        rest = 7
    else:
        policy, utfr = g[6], g[7]
        rest = 8
    br, bs, dur, ust, xff, ua, rid, auth, uh, cl, ula, dla, dra, sni, route = g[rest:]
    flags = g[5]
    return (
        when,
        g[1],
        g[2],
        g[3],
        int(g[4]),
        [] if flags is None else flags.split(","),
        details,
        ctd,
        utfr,
        0 if br is None else int(br),
        0 if bs is None else int(bs),
        None if dur is None else int(dur),
        int(ust) if ust is not None and ust.isdigit() else None,
        xff,
        ua,
        rid,
        auth,
        uh,
        cl[:-1] if cl is not None and cl[-1] == ";" else cl,  # Istio 1.23+ non-RAW operator adds `;`
        ula,
        dla,
        dra,
        sni,
        route,
        policy,
        layout,
        "istio",
    )


def parse_envoy(body: str) -> EnvoyAccess | None:
    """Parse one line in Envoy's default access-log format; None when it is not one."""
    values = envoy_values(body)
    return None if values is None else EnvoyAccess(*values)


def envoy_values(body: str) -> tuple | None:
    """The field values of an Envoy default-format line in `EnvoyAccess` order (up to `format`), or None."""
    if body[:1] != "[":
        return None
    match = _ENVOY_FAST.match(body) or _ENVOY_SLOW.match(body)
    if match is None:
        return None
    st, m, p, proto, code, flags, br, bs, dur, ust, xff, ua, rid, auth, uh = match.groups()
    when = _start(st)
    if when is None:
        return None
    # Positional, in field order: the Istio-only fields (details, cluster, addresses, ...) stay None.
    return (
        when,
        _s(m),
        _s(p),
        _s(proto),
        int(code),
        _flags(flags),
        None,
        None,
        None,
        _i(br) or 0,
        _i(bs) or 0,
        _i(dur),
        _i(ust),
        _s(xff),
        _s(ua),
        _s(rid),
        _s(auth),
        _s(uh),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "envoy",
    )


# --- emitters -------------------------------------------------------------------------------------------


def _d(value: object) -> str:
    return "-" if value is None else str(value)


def _head(rec: EnvoyAccess) -> str:
    if rec.start_time is None:
        raise ValueError("an Envoy access line needs `start_time` (an aware datetime)")
    flags = ",".join(rec.response_flags) if rec.response_flags else "-"
    return (
        f'[{format_start_time(rec.start_time)}] "{_d(rec.method)} {_d(rec.path)} {_d(rec.protocol)}" '
        f"{rec.response_code} {flags} "
    )


def _counts_and_headers(rec: EnvoyAccess) -> str:
    return (
        f"{rec.bytes_received} {rec.bytes_sent} {_d(rec.duration)} {_d(rec.upstream_service_time)} "
        f'"{_d(rec.x_forwarded_for)}" "{_d(rec.user_agent)}" "{_d(rec.request_id)}" '
        f'"{_d(rec.authority)}" "{_d(rec.upstream_host)}"'
    )


def format_envoy(rec: EnvoyAccess) -> str:
    """Write `rec` in Envoy's default format (Istio-only fields are not part of it)."""
    return _head(rec) + _counts_and_headers(rec)


def format_istio(rec: EnvoyAccess) -> str:
    """Write `rec` in Istio's text format, using its `layout` (None = Istio 1.9 and later)."""
    utfr = f'"{_d(rec.upstream_transport_failure_reason)}" '
    if rec.layout is None:
        middle = f"{_d(rec.response_code_details)} {_d(rec.connection_termination_details)} {utfr}"
    elif rec.layout == "1.8":
        middle = utfr
    elif rec.layout == "1.7":
        middle = f'"{_d(rec.istio_policy_status)}" {utfr}'
    else:
        raise ValueError(f"unknown Istio text layout {rec.layout!r}; use one of None, '1.8', '1.7'")
    return (
        _head(rec)
        + middle
        + _counts_and_headers(rec)
        + f" {_d(rec.upstream_cluster)} {_d(rec.upstream_local_address)} {_d(rec.downstream_local_address)}"
        f" {_d(rec.downstream_remote_address)} {_d(rec.requested_server_name)} {_d(rec.route_name)}"
    )
