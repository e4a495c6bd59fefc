"""The fast parse path, in pure Python: one strict expression per format, and lazy records.

For the common lines of ingress-nginx, istio (current layout), envoy and coredns (current layout),
`parse_lines` matches whole chunks of lines against the format's fast expression with `map` (no Python
code runs per line), and yields for each matching line a lazy record (`ingresslab.logs.lazy`) that holds
the match and converts fields on use. Any other line (prefixes, older layouts, escapes, odd values, other
formats, noise) takes the reference parser of the format module, so the records are the same either way.

Each expression is strict where the reference parser converts (numbers as plain digits, `-` for unset
values, no backslash on an nginx line since escapes are decoded, a time whose text is checked once, and
cached, when a chunk first shows it) and uses the reference's own classes (`\\S`, `[^"]`) where a value is
taken as it stands. So once a line matched, every conversion of its fields succeeds. The differential tests
(tests/logs/test_fast_path.py) hold each expression to the reference parser, field by field.

Where the time goes, per line (a 2-core machine, CPU time, ingress-nginx): the expression about 0.85 us, the
chunk's bookkeeping and the lazy record 0.6 us, one field 0.3 us; filling every field in (`values` and the
dataclass `__init__` of 26 slots) about 2 us more, which is why reading every field costs about 1.7x the naive
regex loop, whose `groupdict()` runs in C and converts three numbers.
"""

from __future__ import annotations

import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from ingresslab.logs._text import parse_nginx_time, parse_start_time
from ingresslab.logs.coredns import CoreDNSQuery
from ingresslab.logs.envoy import EnvoyAccess
from ingresslab.logs.lazy import Single, lazy_match, lazy_record_type
from ingresslab.logs.nginx import NginxAccess, _float_or_none, _int_or_none, _split_list, _str_or_none

__all__ = ["CHUNK", "FAST_PATHS", "FastPath", "KeyCache", "accelerated", "json_object", "match_json"]

CHUNK = 256  # lines matched per `map` call when the input allows reading ahead (lists, regular files)
_new = object.__new__


class KeyCache(dict):
    """Converted values of the key texts (times) that a fast expression only checks for shape.

    `accept(key)` converts a new key and keeps it (False when it does not convert); lookups of a known key
    are a dict hit. A full cache starts over; a key looked up after that is converted again, which cannot
    fail since only accepted keys are looked up.
    """

    def __init__(self, convert: Callable[[str], Any], limit: int = 4096) -> None:
        super().__init__()
        self.convert = convert
        self.limit = limit

    def accept(self, key: str) -> bool:
        if key in self:
            return True
        try:
            value = self.convert(key)
        except (ValueError, KeyError, IndexError, OverflowError):
            return False
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return True

    def __missing__(self, key: str) -> Any:
        value = self.convert(key)
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


@dataclass(frozen=True, slots=True)
class FastPath:
    """A format's fast expressions (tried in order), lazy record type, and checked key group (or None)."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    record_type: type
    key_group: int | None = None
    keys: KeyCache | None = None
    forbidden: str | None = None  # a character whose lines take the reference parser (nginx: `\\`)

    def match_line(self, line: str) -> re.Match[str] | None:
        """The match of one line, or None when it takes the reference parser."""
        if self.forbidden is not None and self.forbidden in line:
            return None
        for pattern in self.patterns:
            match = pattern.match(line)
            if match is not None:
                if self.keys is not None and not self.keys.accept(match[self.key_group]):
                    return None
                return match
        return None

    def match_chunk(self, lines: list[str]) -> deque[re.Match[str] | None]:
        """`match_line` of every line, with `map` for the first expression."""
        matches = deque(map(self.patterns[0].match, lines))
        if not all(matches):
            others = self.patterns[1:]
            at = -1
            while True:
                try:
                    at = matches.index(None, at + 1)
                except ValueError:
                    break
                for pattern in others:
                    match = pattern.match(lines[at])
                    if match is not None:
                        matches[at] = match
                        break
        forbidden = self.forbidden
        if forbidden is not None and forbidden in "".join(lines):
            matches = deque(None if forbidden in line else m for line, m in zip(lines, matches, strict=True))
        keys = self.keys
        if keys is not None:
            seen = set(map(itemgetter(self.key_group), filter(None, matches)))
            if not keys.keys() >= seen:
                bad = {key for key in seen if not keys.accept(key)}
                if bad:
                    group = self.key_group
                    matches = deque(None if m is None or m[group] in bad else m for m in matches)
        return matches

    def records(self, matches: Iterable[re.Match[str]], count: int) -> deque[Any]:
        """Lazy records for `count` matches (no None), made without Python code per record, in a deque: handed
        out with `map(deque.popleft, ...)`, a record is held no longer than its consumer holds it (so few
        records live long enough to be a garbage collector's work)."""
        records = deque(map(_new, repeat(self.record_type, count)))
        deque(map(self.record_type.__mro__[1].__dict__["raw"].__set__, records, matches), 0)
        return records

    def record(self, match: re.Match[str]) -> Any:
        record = _new(self.record_type)
        self.record_type.__mro__[1].__dict__["raw"].__set__(record, match)
        return record


def _optional_float(text: str | None) -> float | None:
    return None if text is None else float(text)


def _optional_int(text: str | None) -> int | None:
    return None if text is None else int(text)


def _zero_or_int(text: str | None) -> int:
    return 0 if text is None else int(text)


# The expressions use the reference parsers' own classes (`\S`, `[^"]`, ...) wherever a value is taken as
# it stands, since `re` scans those fastest; values that get converted are held to plain digits. Groups are
# named after the record's fields, so a match's `groupdict()` is most of a JSON object already.
_END = r"(?<!\r)(?=\n?\Z)"  # the line ends (a trailing `\n` allowed; `\r\n` takes the reference parser)
_DECIMAL = r"[0-9]++(?:\.[0-9]++)?+"


def _opt(name: str, pattern: str = r"\S++") -> str:
    """`-` (the group is None) or `pattern` in the group `name`."""
    return rf"(?:-|(?P<{name}>{pattern}))"


def _quoted(name: str) -> str:
    """A quoted value, None for "-"."""
    return rf'"(?:-"|(?P<{name}>[^"]*+)")'


def _indexes(pattern: re.Pattern[str], singles: dict[str, Single]) -> dict[str, Single]:
    """`singles` with group names replaced by group numbers (faster to read)."""
    out: dict[str, Single] = {}
    for name, single in singles.items():
        if single[0] in ("group", "call"):
            single = (single[0], pattern.groupindex[single[1]], *single[2:])
        out[name] = single
    return out


# --- ingress-nginx (upstreaminfo) ----------------------------------------------------------------------
# No backslash anywhere (nginx's `\xHH` escapes are decoded by the reference parser; the FastPath leaves such
# lines out), `$remote_user` one word, `$request` a plain request line, and every number plain digits.


_LINE_REST = r"[^\n]*+"


def _nginx(request_time: str, lists: str) -> re.Pattern[str]:
    return re.compile(
        rf"{_opt('remote_addr', '[0-9a-fA-F.:]++')} - {_opt('remote_user')} \[(?P<time>[^\]]++)\] "
        r'"(?P<method>[A-Z]++) (?P<path>[^ "]++) (?P<protocol>HTTP/[^ "]*+)" (?P<status>[0-9]++) '
        rf"(?P<body_bytes_sent>[0-9]++) {_quoted('http_referer')} {_quoted('http_user_agent')} "
        rf"(?P<request_length>[0-9]++) {request_time} "
        r"\[(?:-\]|(?P<proxy_upstream_name>[^\]]*+)\]) \[(?:-\]|(?P<proxy_alternative_upstream_name>[^\]]*+)\]) "
        rf"{lists} {_opt('req_id', _LINE_REST)}{_END}"
    )


def _many(entry: str) -> str:
    return rf"{entry}(?:, {entry})*+"


_UPSTREAMS = ("upstream_addr", "upstream_response_length", "upstream_response_time", "upstream_status")
# The common line first: a request time and one upstream tried, no `-` among them. Then the general shape:
# `-` for any of them, and `, `-separated tries (no ` : ` groups). Both have the same groups.
_NGINX_ONE = _nginx(
    f"(?P<request_time>{_DECIMAL})",
    " ".join(
        f"(?P<{n}>{p})" for n, p in zip(_UPSTREAMS, ("[^ ,]++", "[0-9]++", _DECIMAL, "[0-9]++"), strict=True)
    ),
)
_NGINX_MANY = _nginx(
    _opt("request_time", _DECIMAL),
    " ".join(
        _opt(n, _many(p))
        for n, p in zip(
            _UPSTREAMS, ("[^ ,]++", "(?:[0-9]++|-)", f"(?:{_DECIMAL}|-)", "(?:[0-9]++|-)"), strict=True
        )
    ),
)
_NGINX_TIMES = KeyCache(parse_nginx_time)


def _nginx_values(m: re.Match[str]) -> tuple:
    if m.re is not _NGINX_ONE:
        return _nginx_general(m)
    ra, ru, tl, method, path, protocol, st, bbs, ref, ua, rl, rt, pun, paun, uad, url, urt, ust, rid = (
        m.groups()
    )
    return (
        ra,
        ru,
        _NGINX_TIMES[tl],
        method,
        path,
        protocol,
        int(st),
        int(bbs),
        ref,
        ua,
        int(rl),
        float(rt),
        pun,
        paun,
        [uad],
        [int(url)],
        [float(urt)],
        [int(ust)],
        rid,
        None,
        None,
        [],
        None,
        "ingress-nginx",
        None,
        m[0],
    )


def _nginx_general(m: re.Match[str]) -> tuple:
    ra, ru, tl, method, path, protocol, st, bbs, ref, ua, rl, rt, pun, paun, uad, url, urt, ust, rid = (
        m.groups()
    )
    return (
        ra,
        ru,
        _NGINX_TIMES[tl],
        method,
        path,
        protocol,
        int(st),
        int(bbs),
        ref,
        ua,
        int(rl),
        None if rt is None else float(rt),
        pun,
        paun,
        _split_list(uad or "-", _str_or_none)[0],
        _split_list(url or "-", _int_or_none)[0],
        _split_list(urt or "-", _float_or_none)[0],
        _split_list(ust or "-", _int_or_none)[0],
        rid,
        None,
        None,
        [],
        None,
        "ingress-nginx",
        None,
        m[0],
    )


_NGINX_KEYS = tuple(f.name for f in fields(NginxAccess) if f.name not in ("layout", "envelope", "raw"))
_NO_GROUPS: list[int] = []  # shared by the JSON objects, which are encoded and dropped, never handed out


def _nginx_json(m: re.Match[str]) -> dict[str, Any]:
    if m.re is not _NGINX_ONE:
        row = _nginx_general(m)
        return dict(zip(_NGINX_KEYS, (*row[:21], _NO_GROUPS, "ingress-nginx"), strict=True))
    ra, ru, tl, method, path, protocol, st, bbs, ref, ua, rl, rt, pun, paun, uad, url, urt, ust, rid = (
        m.groups()
    )
    return {
        "remote_addr": ra,
        "remote_user": ru,
        "time": _NGINX_TIMES[tl],
        "method": method,
        "path": path,
        "protocol": protocol,
        "status": int(st),
        "body_bytes_sent": int(bbs),
        "http_referer": ref,
        "http_user_agent": ua,
        "request_length": int(rl),
        "request_time": float(rt),
        "proxy_upstream_name": pun,
        "proxy_alternative_upstream_name": paun,
        "upstream_addr": [uad],
        "upstream_response_length": [int(url)],
        "upstream_response_time": [float(urt)],
        "upstream_status": [int(ust)],
        "req_id": rid,
        "the_real_ip": None,
        "request_raw": None,
        "upstream_groups": _NO_GROUPS,
        "format": "ingress-nginx",
    }


_NGINX_SINGLES = _indexes(
    _NGINX_ONE,
    {
        "remote_addr": ("group", "remote_addr"),
        "remote_user": ("group", "remote_user"),
        "time": ("call", "time", _NGINX_TIMES.__getitem__),
        "method": ("group", "method"),
        "path": ("group", "path"),
        "protocol": ("group", "protocol"),
        "status": ("call", "status", int),
        "body_bytes_sent": ("call", "body_bytes_sent", int),
        "http_referer": ("group", "http_referer"),
        "http_user_agent": ("group", "http_user_agent"),
        "request_length": ("call", "request_length", int),
        "request_time": ("call", "request_time", _optional_float),
        "proxy_upstream_name": ("group", "proxy_upstream_name"),
        "proxy_alternative_upstream_name": ("group", "proxy_alternative_upstream_name"),
        "req_id": ("group", "req_id"),
        "the_real_ip": ("const", None),
        "request_raw": ("const", None),
        "layout": ("const", None),
        "format": ("const", "ingress-nginx"),
        "envelope": ("const", None),
        "raw": ("line",),
    },
)


# --- Envoy and Istio (TEXT) ----------------------------------------------------------------------------
if sys.version_info >= (3, 11):
    _start_time = datetime.fromisoformat  # `Z` included; the same value as parse_start_time
else:  # pragma: no cover - Python 3.10
    _start_time = parse_start_time
# `[2024-09-15T12:35:56.471Z]`: the time, and its second (the checked key) in group 2.
_ENVOY_TIME = r"\[(?P<start_time>([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})\.[0-9]{3}Z)\]"
_ENVOY_SECONDS = KeyCache(lambda text: datetime.fromisoformat(text + "+00:00"))
_REQUEST_WORD = r'[^\s"]++'
_DETAILS = r'[^"\s]\S*+'  # as the reference: never starting with a quote (Istio 1.7's fields do)
_ENVOY_HEAD = (
    rf'{_ENVOY_TIME} "{_opt("method", _REQUEST_WORD)} {_opt("path", _REQUEST_WORD)} '
    rf'{_opt("protocol", _REQUEST_WORD)}" (?P<response_code>[0-9]++) {_opt("response_flags")} '
)
_ENVOY_COUNTS = " ".join(
    _opt(name, "[0-9]++") for name in ("bytes_received", "bytes_sent", "duration", "upstream_service_time")
)
_ENVOY_HEADERS = " ".join(
    _quoted(name) for name in ("x_forwarded_for", "user_agent", "request_id", "authority", "upstream_host")
)
_ISTIO_TAIL = ("upstream_local_address", "downstream_local_address", "downstream_remote_address")
# Istio 1.9+: details, termination details and the transport failure after the flags; after the headers
# the cluster (Istio 1.23+ may end it with `;`), the addresses, the SNI and the route.
_ISTIO = re.compile(
    rf"{_ENVOY_HEAD}{_opt('response_code_details', _DETAILS)} "
    rf"{_opt('connection_termination_details', _DETAILS)} {_quoted('upstream_transport_failure_reason')} "
    rf"{_ENVOY_COUNTS} {_ENVOY_HEADERS} (?:-|(?P<upstream_cluster>[^\s;]++);?) "
    + " ".join(_opt(name) for name in (*_ISTIO_TAIL, "requested_server_name", "route_name"))
    + _END
)
_ENVOY = re.compile(f"{_ENVOY_HEAD}{_ENVOY_COUNTS} {_ENVOY_HEADERS}{_END}")


def _istio_values(m: re.Match[str]) -> tuple:
    (
        when,
        _second,
        method,
        path,
        protocol,
        code,
        flags,
        details,
        ctd,
        utfr,
        br,
        bs,
        dur,
        ust,
        xff,
        ua,
        rid,
        auth,
        uh,
        cl,
        ula,
        dla,
        dra,
        sni,
        route,
    ) = m.groups()
    return (
        _start_time(when),
        method,
        path,
        protocol,
        int(code),
        [] if flags is None else flags.split(","),
        details,
        ctd,
        utfr,
        0 if br is None else int(br),
        0 if bs is None else int(bs),
        None if dur is None else int(dur),
        None if ust is None else int(ust),
        xff,
        ua,
        rid,
        auth,
        uh,
        cl,
        ula,
        dla,
        dra,
        sni,
        route,
        None,
        None,
        "istio",
        None,
        m[0],
    )


def _envoy_values(m: re.Match[str]) -> tuple:
    when, _second, method, path, protocol, code, flags, br, bs, dur, ust, xff, ua, rid, auth, uh = m.groups()
    return (
        _start_time(when),
        method,
        path,
        protocol,
        int(code),
        [] if flags is None else flags.split(","),
        None,
        None,
        None,
        0 if br is None else int(br),
        0 if bs is None else int(bs),
        None if dur is None else int(dur),
        None if ust is None else int(ust),
        xff,
        ua,
        rid,
        auth,
        uh,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "envoy",
        None,
        m[0],
    )


_ENVOY_ONLY_NONE = (
    "response_code_details",
    "connection_termination_details",
    "upstream_transport_failure_reason",
)
_ISTIO_ONLY = ("upstream_cluster", *_ISTIO_TAIL, "requested_server_name", "route_name")


def _istio_json(m: re.Match[str]) -> dict[str, Any]:
    (
        when,
        _second,
        method,
        path,
        protocol,
        code,
        flags,
        details,
        ctd,
        utfr,
        br,
        bs,
        dur,
        ust,
        xff,
        ua,
        rid,
        auth,
        uh,
        cl,
        ula,
        dla,
        dra,
        sni,
        route,
    ) = m.groups()
    return {
        "start_time": _start_time(when),
        "method": method,
        "path": path,
        "protocol": protocol,
        "response_code": int(code),
        "response_flags": [] if flags is None else flags.split(","),
        "response_code_details": details,
        "connection_termination_details": ctd,
        "upstream_transport_failure_reason": utfr,
        "bytes_received": 0 if br is None else int(br),
        "bytes_sent": 0 if bs is None else int(bs),
        "duration": None if dur is None else int(dur),
        "upstream_service_time": None if ust is None else int(ust),
        "x_forwarded_for": xff,
        "user_agent": ua,
        "request_id": rid,
        "authority": auth,
        "upstream_host": uh,
        "upstream_cluster": cl,
        "upstream_local_address": ula,
        "downstream_local_address": dla,
        "downstream_remote_address": dra,
        "requested_server_name": sni,
        "route_name": route,
        "istio_policy_status": None,
        "format": "istio",
    }


def _envoy_json(m: re.Match[str]) -> dict[str, Any]:
    when, _second, method, path, protocol, code, flags, br, bs, dur, ust, xff, ua, rid, auth, uh = m.groups()
    return {
        "start_time": _start_time(when),
        "method": method,
        "path": path,
        "protocol": protocol,
        "response_code": int(code),
        "response_flags": [] if flags is None else flags.split(","),
        "response_code_details": None,
        "connection_termination_details": None,
        "upstream_transport_failure_reason": None,
        "bytes_received": 0 if br is None else int(br),
        "bytes_sent": 0 if bs is None else int(bs),
        "duration": None if dur is None else int(dur),
        "upstream_service_time": None if ust is None else int(ust),
        "x_forwarded_for": xff,
        "user_agent": ua,
        "request_id": rid,
        "authority": auth,
        "upstream_host": uh,
        "upstream_cluster": None,
        "upstream_local_address": None,
        "downstream_local_address": None,
        "downstream_remote_address": None,
        "requested_server_name": None,
        "route_name": None,
        "istio_policy_status": None,
        "format": "envoy",
    }


def _envoy_singles(pattern: re.Pattern[str], name: str) -> dict[str, Single]:
    singles: dict[str, Single] = {
        "start_time": ("call", "start_time", _start_time),
        "response_code": ("call", "response_code", int),
        "bytes_received": ("call", "bytes_received", _zero_or_int),
        "bytes_sent": ("call", "bytes_sent", _zero_or_int),
        "duration": ("call", "duration", _optional_int),
        "upstream_service_time": ("call", "upstream_service_time", _optional_int),
        "istio_policy_status": ("const", None),
        "layout": ("const", None),
        "format": ("const", name),
        "envelope": ("const", None),
        "raw": ("line",),
    }
    for group in pattern.groupindex:
        singles.setdefault(group, ("group", group))
    del singles["response_flags"]  # a list: filled in with the record
    for field in (*_ENVOY_ONLY_NONE, *_ISTIO_ONLY):
        singles.setdefault(field, ("const", None))
    return _indexes(pattern, singles)


_ISTIO_SINGLES = _envoy_singles(_ISTIO, "istio")
_ENVOY_SINGLES = _envoy_singles(_ENVOY, "envoy")


# --- CoreDNS (log plugin, 1.6.3+ layout, IPv4 clients) ----------------------------------------------------
_COREDNS = re.compile(
    r'\[INFO\] (?P<remote>[0-9.]++):(?P<port>[0-9]++) - (?P<id>[0-9]++) "(?P<type>\S++) (?P<class>\S++) '
    r'(?P<name>\S++) (?P<proto>\S++) (?P<size>[0-9]++) (?P<do>true|false) (?P<bufsize>[0-9]++)" '
    rf"(?P<rcode>\S++) {_opt('rflags')} (?P<rsize>[0-9]++) (?P<duration>{_DECIMAL})s"
    rf'(?: "(?P<opcode>[^"]*+)")?{_END}'
)


def _coredns_values(m: re.Match[str]) -> tuple:
    remote, port, qid, qtype, qclass, name, proto, size, do, bufsize, rcode, rflags, rsize, dur, opcode = (
        m.groups()
    )
    return (
        remote,
        int(port),
        int(qid),
        qtype,
        qclass,
        name,
        proto,
        int(size),
        do == "true",
        int(bufsize),
        rcode,
        [] if rflags is None else rflags.split(","),
        int(rsize),
        float(dur),
        opcode,
        None,
        None,
        "coredns",
        None,
        m[0],
    )


def _coredns_json(m: re.Match[str]) -> dict[str, Any]:
    remote, port, qid, qtype, qclass, name, proto, size, do, bufsize, rcode, rflags, rsize, dur, opcode = (
        m.groups()
    )
    return {
        "remote": remote,
        "port": int(port),
        "id": int(qid),
        "type": qtype,
        "class": qclass,
        "name": name,
        "proto": proto,
        "size": int(size),
        "do": do == "true",
        "bufsize": int(bufsize),
        "rcode": rcode,
        "rflags": [] if rflags is None else rflags.split(","),
        "rsize": int(rsize),
        "duration": float(dur),
        "opcode": opcode,
        "time": None,
        "format": "coredns",
    }


_COREDNS_SINGLES = _indexes(
    _COREDNS,
    {
        "remote": ("group", "remote"),
        "port": ("call", "port", int),
        "id": ("call", "id", int),
        "type": ("group", "type"),
        "class_": ("group", "class"),
        "name": ("group", "name"),
        "proto": ("group", "proto"),
        "size": ("call", "size", int),
        "do": ("call", "do", "true".__eq__),
        "bufsize": ("call", "bufsize", int),
        "rcode": ("group", "rcode"),
        "rsize": ("call", "rsize", int),
        "duration": ("call", "duration", float),
        "opcode": ("group", "opcode"),
        "time": ("const", None),
        "layout": ("const", None),
        "format": ("const", "coredns"),
        "envelope": ("const", None),
        "raw": ("line",),
    },
)


def _fast_path(
    name: str,
    patterns: tuple[re.Pattern[str], ...],
    base: type,
    values: Callable[[re.Match[str]], tuple],
    singles: Mapping[str, Single],
    key_group: int | None = None,
    keys: KeyCache | None = None,
    forbidden: str | None = None,
) -> FastPath:
    return FastPath(name, patterns, lazy_record_type(base, values, singles), key_group, keys, forbidden)


FAST_PATHS: Mapping[str, FastPath] = MappingProxyType(
    {
        "ingress-nginx": _fast_path(
            "ingress-nginx",
            (_NGINX_ONE, _NGINX_MANY),
            NginxAccess,
            _nginx_values,
            _NGINX_SINGLES,
            3,
            _NGINX_TIMES,
            "\\",
        ),
        "istio": _fast_path(
            "istio", (_ISTIO,), EnvoyAccess, _istio_values, _ISTIO_SINGLES, 2, _ENVOY_SECONDS
        ),
        "envoy": _fast_path(
            "envoy", (_ENVOY,), EnvoyAccess, _envoy_values, _ENVOY_SINGLES, 2, _ENVOY_SECONDS
        ),
        "coredns": _fast_path("coredns", (_COREDNS,), CoreDNSQuery, _coredns_values, _COREDNS_SINGLES),
    }
)


_JSON: dict[re.Pattern[str], Callable[[re.Match[str]], dict[str, Any]]] = {
    _NGINX_ONE: _nginx_json,
    _NGINX_MANY: _nginx_json,
    _ISTIO: _istio_json,
    _ENVOY: _envoy_json,
    _COREDNS: _coredns_json,
}


def json_object(record: Any) -> dict[str, Any] | None:
    """`record_to_dict(record)` of a lazy record, straight from its match (times left as datetimes, for a
    JSON encoder that writes them, such as orjson); None for any other record. See `match_json`."""
    match = lazy_match(record)
    return None if match is None else _JSON[match.re](match)


def match_json(match: re.Match[str]) -> dict[str, Any]:
    """The JSON object of a line from its fast-path match (what `parse_matches` yields): the record's
    `record_to_dict`, times as datetimes. Built to be encoded and dropped: it may share empty lists."""
    return _JSON[match.re](match)


def accelerated() -> bool:
    """Whether compiled code speeds up parsing: never since the fast path is pure Python (kept for callers)."""
    return False
