"""CoreDNS `log` plugin lines (its default, "common" format, optionally "combined").

    [INFO] {remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}

Layouts: None (1.6.3 and later), `1.2.6` (1.2.6–1.6.2: a `2019-07-19T08:24:57.565Z ` time first) and `1.1`
(1.1–1.2.5: no level, `[{when}]` between `-` and the id, and `{remote}` alone in the oldest releases).
The combined format appends ` "{>opcode}"`. `remote` is the bare IP: IPv6 loses its brackets here and gets
them back on output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ingresslab.logs._text import (
    format_nginx_time,
    format_positional,
    format_start_time,
    parse_go_duration,
    parse_nginx_time,
    parse_rfc3339,
)
from ingresslab.logs.envelope import Envelope

__all__ = ["LAYOUTS", "CoreDNSQuery", "format_coredns", "parse_coredns"]

LAYOUTS = (None, "1.2.6", "1.1")
RFLAG_ORDER = ("qr", "aa", "tc", "rd", "ra", "z", "ad", "cd")


@dataclass(slots=True)
class CoreDNSQuery:
    """One query CoreDNS answered. `class_` is the `{class}` placeholder (`class` is a Python keyword);
    `to_dict` output and the CLI call it `class`. `duration` is in seconds; `rflags` is a list in CoreDNS's
    order (`qr,aa,tc,rd,ra,z,ad,cd`). `time` is the line's own timestamp in the older layouts."""

    remote: str | None = None
    port: int | None = None
    id: int = 0
    type: str = "A"
    class_: str = "IN"
    name: str = "."
    proto: str = "udp"
    size: int = 0
    do: bool = False
    bufsize: int = 512
    rcode: str = "NOERROR"
    rflags: list[str] = field(default_factory=list)
    rsize: int = 0
    duration: float = 0.0
    opcode: str | None = None  # the combined format's extra field
    time: datetime | None = None
    layout: str | None = None
    format: str = "coredns"
    envelope: Envelope | None = field(default=None, compare=False, repr=False)
    raw: str | None = field(default=None, compare=False, repr=False)


_QUERY = r'(\d+) "(\S+) (\S+) (\S+) (\S+) (\d+) (true|false) (\d+)" (\S+) (\S+) (\d+) (\S+?)(?: "([^"]*)")?$'
_CURRENT = re.compile(r"^\[INFO\] (\S+) - " + _QUERY)
_TIMED = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) \[INFO\] (\S+) - " + _QUERY)
_WHEN = re.compile(r"^(\S+) - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4})\] " + _QUERY)


def _address(text: str) -> tuple[str, int | None] | None:
    """`10.0.0.1:53`, `[::1]:53`, `10.0.0.1`, `::1` -> (ip, port)."""
    if text.startswith("["):
        ip, sep, port = text[1:].partition("]")
        if not sep:
            return None
        if not port:
            return ip, None
        return (ip, int(port[1:])) if port[:1] == ":" and port[1:].isdigit() else None
    if text.count(":") == 1:
        ip, _, port = text.partition(":")
        return (ip, int(port)) if port.isdigit() else None
    return text, None


def _duration(text: str) -> float | None:
    if not text.endswith("s"):
        return None
    try:
        return float(text[:-1])
    except ValueError:
        try:
            return parse_go_duration(text)  # very old releases printed a Go duration (`344.5µs`)
        except ValueError:
            return None


def parse_coredns(body: str) -> CoreDNSQuery | None:
    """Parse one CoreDNS query line (any supported layout); None when it is not one."""
    when: datetime | None = None
    layout: str | None = None
    match = _CURRENT.match(body)
    if match is not None:
        address, *rest = match.groups()
    elif (match := _TIMED.match(body)) is not None:
        stamp, address, *rest = match.groups()
        when, layout = parse_rfc3339(stamp), "1.2.6"
    elif (match := _WHEN.match(body)) is not None:
        address, stamp, *rest = match.groups()
        try:
            when = parse_nginx_time(stamp)
        except (KeyError, ValueError):
            return None
        layout = "1.1"
    else:
        return None
    where = _address(address)
    if where is None:
        return None
    qid, qtype, qclass, name, proto, size, do, bufsize, rcode, rflags, rsize, duration, opcode = rest
    seconds = _duration(duration)
    if seconds is None:
        return None
    return CoreDNSQuery(
        where[0],
        where[1],
        int(qid),
        qtype,
        qclass,
        name,
        proto,
        int(size),
        do == "true",
        int(bufsize),
        rcode,
        [] if rflags == "-" else rflags.split(","),
        int(rsize),
        seconds,
        opcode,
        when,
        layout,
    )


def _remote(rec: CoreDNSQuery) -> str:
    ip = rec.remote or "-"
    if rec.port is None:
        return ip
    return f"[{ip}]:{rec.port}" if ":" in ip else f"{ip}:{rec.port}"


def format_coredns(rec: CoreDNSQuery) -> str:
    """Write `rec` as the CoreDNS `log` plugin does, in the record's `layout`."""
    flags = ",".join(rec.rflags) if rec.rflags else "-"
    query = (
        f'{rec.id} "{rec.type} {rec.class_} {rec.name} {rec.proto} {rec.size} {"true" if rec.do else "false"} '
        f'{rec.bufsize}" {rec.rcode} {flags} {rec.rsize} {format_positional(rec.duration)}s'
    )
    if rec.opcode is not None:
        query += f' "{rec.opcode}"'
    if rec.layout is None:
        return f"[INFO] {_remote(rec)} - {query}"
    if rec.time is None:
        raise ValueError(f"CoreDNS layout {rec.layout} needs `time` (an aware datetime)")
    if rec.layout == "1.2.6":
        return f"{format_start_time(rec.time)} [INFO] {_remote(rec)} - {query}"
    if rec.layout == "1.1":
        return f"{_remote(rec)} - [{format_nginx_time(rec.time)}] {query}"
    raise ValueError(f"unknown CoreDNS layout {rec.layout!r}; use one of None, '1.2.6', '1.1'")
