"""Property: a record written by `format_line` parses back to the same fields, for awkward values too."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ingresslab.logs import CoreDNSQuery, EnvoyAccess, HttpEchoRequest, NginxAccess, format_line, parse_line
from ingresslab.logs.nginx import split_request

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UTC = timezone.utc

# Any text a header or variable can hold (no line breaks: a log line cannot contain one).
any_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30)
printable = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=25)
token = st.from_regex(r"[A-Za-z0-9._:/\[\]|{}-]{1,20}", fullmatch=True).filter(lambda s: s != "-")
ips = st.one_of(st.ip_addresses(v=4).map(str), st.ip_addresses(v=6).map(str))
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def not_dash(strategy):
    return strategy.filter(lambda s: s != "-")


def aware(tz=None, micro=False, ms=False):
    base = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1))
    if not micro:
        base = base.map(lambda d: d.replace(microsecond=(d.microsecond // 1000 * 1000) if ms else 0))
    tzs = st.just(UTC) if tz is None else tz
    return st.builds(lambda d, z: d.replace(tzinfo=z), base, tzs)


# --- ingress-nginx ------------------------------------------------------------------------------------------

# An upstream address starts with a host, `[` (IPv6) or `unix:`; a bare `:` would read as the ` : ` separator.
entry = st.from_regex(r"[A-Za-z0-9\[][A-Za-z0-9.:\[\]/_]{0,19}", fullmatch=True)
msec = st.integers(0, 10**7).map(lambda ms: ms / 1000)


@st.composite
def upstreams(draw):
    grouped = draw(st.booleans())
    if grouped:
        sizes = draw(st.lists(st.integers(1, 3), min_size=2, max_size=3))
        n = sum(sizes)
        lengths = [n] * 4
    else:
        sizes = []
        lengths = [draw(st.integers(0, 3)) for _ in range(4)]
    kinds = (entry, st.integers(0, 10**9), msec, st.integers(100, 599))
    lists = [
        draw(st.lists(st.one_of(st.none(), kind), min_size=k, max_size=k))
        for kind, k in zip(kinds, lengths, strict=True)
    ]
    assume(all(values != [None] for values in lists))
    return lists, sizes


@st.composite
def nginx_records(draw):
    layout = draw(st.sampled_from([None, "0.25"]))
    lists, groups = draw(upstreams())
    method = draw(st.one_of(st.none(), st.from_regex(r"[A-Z][A-Z_-]{0,7}", fullmatch=True)))
    if method is None:
        request_raw = draw(st.one_of(st.none(), any_text))
        assume(request_raw is None or (request_raw != "-" and split_request(request_raw)[0] is None))
        path = protocol = None
    else:
        request_raw = None
        protocol = draw(st.sampled_from([None, "HTTP/1.0", "HTTP/1.1", "HTTP/2.0"]))
        path = draw(any_text if protocol else st.one_of(st.none(), any_text))
        assume(path is None or protocol is not None or not path.rpartition(" ")[2].startswith("HTTP/"))
    no_brackets = any_text.filter(lambda s: "[" not in s and "]" not in s and s not in ("-", ""))
    return NginxAccess(
        remote_addr=draw(ips),
        remote_user=draw(st.one_of(st.none(), no_brackets)),
        time=draw(aware(offsets)),
        method=method,
        path=path,
        protocol=protocol,
        status=draw(st.integers(0, 999)),
        body_bytes_sent=draw(st.integers(0, 10**9)),
        http_referer=draw(st.one_of(st.none(), not_dash(any_text))),
        http_user_agent=draw(st.one_of(st.none(), not_dash(any_text))),
        request_length=draw(st.integers(0, 10**6)),
        request_time=draw(st.one_of(st.none(), msec)),
        proxy_upstream_name=draw(
            st.one_of(st.none(), st.just(""), not_dash(any_text.filter(lambda s: "]" not in s)))
        ),
        proxy_alternative_upstream_name=draw(st.one_of(st.none(), st.just(""), st.just("ns-canary-80"))),
        upstream_addr=lists[0],
        upstream_response_length=lists[1],
        upstream_response_time=lists[2],
        upstream_status=lists[3],
        req_id=draw(st.one_of(st.none(), not_dash(any_text))),
        the_real_ip=draw(st.one_of(st.none(), ips)) if layout else None,
        request_raw=request_raw,
        upstream_groups=groups,
        layout=layout,
    )


@SETTINGS
@given(nginx_records())
def test_nginx_line_parses_back_to_the_same_record(rec):
    line = format_line(rec)
    back = parse_line(line, format="ingress-nginx")
    assert back == rec, line
    assert back.time.utcoffset() == rec.time.utcoffset()
    assert parse_line(line) == rec  # auto-detection picks the same format


# --- Envoy / Istio --------------------------------------------------------------------------------------------

no_quote = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_characters='"'), max_size=25
)
flags = st.lists(st.from_regex(r"[A-Z]{2,5}", fullmatch=True), max_size=3)
user_agents = not_dash(any_text)  # quotes included: Envoy does not escape them


@st.composite
def envoy_records(draw, fmt):
    layout = draw(st.sampled_from([None, "1.8", "1.7"])) if fmt == "istio" else None
    istio = fmt != "envoy"
    optional = lambda s: st.one_of(st.none(), s)  # noqa: E731
    details = optional(st.from_regex(r"[a-z_{},:0-9]{1,30}", fullmatch=True))
    path = not_dash(printable.filter(lambda s: s and '"' not in s))
    return EnvoyAccess(
        start_time=draw(aware(ms=True)),
        method=draw(optional(st.sampled_from(["GET", "POST", "CONNECT"]))),
        path=draw(optional(path)),
        protocol=draw(optional(st.sampled_from(["HTTP/1.1", "HTTP/2", "HTTP/1.0"]))),
        response_code=draw(st.integers(0, 999)),
        response_flags=draw(flags),
        response_code_details=draw(details) if istio and layout is None else None,
        connection_termination_details=draw(details) if istio and layout is None else None,
        upstream_transport_failure_reason=draw(optional(not_dash(no_quote))) if istio else None,
        bytes_received=draw(st.integers(0, 10**12)),
        bytes_sent=draw(st.integers(0, 10**12)),
        duration=draw(optional(st.integers(0, 10**7))),
        upstream_service_time=draw(optional(st.integers(0, 10**7))),
        x_forwarded_for=draw(optional(not_dash(no_quote))),
        user_agent=draw(
            optional(user_agents if fmt != "istio-json" else any_text.filter(lambda s: s != "-"))
        ),
        request_id=draw(optional(not_dash(no_quote))),
        authority=draw(optional(not_dash(no_quote))),
        upstream_host=draw(optional(not_dash(no_quote))),
        upstream_cluster=draw(optional(token.filter(lambda s: not s.endswith(";")))) if istio else None,
        upstream_local_address=draw(optional(token)) if istio else None,
        downstream_local_address=draw(optional(token)) if istio else None,
        downstream_remote_address=draw(optional(token)) if istio else None,
        requested_server_name=draw(optional(token)) if istio else None,
        route_name=draw(optional(token)) if istio else None,
        istio_policy_status=draw(optional(not_dash(no_quote)))
        if layout == "1.7" or fmt == "istio-json"
        else None,
        layout=layout,
        format=fmt,
    )


@SETTINGS
@given(envoy_records("istio"))
def test_istio_text_line_parses_back_to_the_same_record(rec):
    line = format_line(rec)
    assert parse_line(line, format="istio") == rec, line
    assert parse_line(line) == rec


@SETTINGS
@given(envoy_records("envoy"))
def test_envoy_default_line_parses_back_to_the_same_record(rec):
    line = format_line(rec)
    assert parse_line(line, format="envoy") == rec, line
    assert parse_line(line) == rec


@SETTINGS
@given(envoy_records("istio-json"))
def test_istio_json_line_parses_back_to_the_same_record(rec):
    line = format_line(rec)
    assert parse_line(line, format="istio-json") == rec, line


# --- CoreDNS ----------------------------------------------------------------------------------------------------


@st.composite
def coredns_records(draw):
    layout = draw(st.sampled_from([None, "1.2.6", "1.1"]))
    time = None
    if layout == "1.2.6":
        time = draw(aware(ms=True))
    elif layout == "1.1":
        time = draw(aware(offsets))
    rflags = sorted(draw(st.sets(st.sampled_from(["qr", "aa", "tc", "rd", "ra", "z", "ad", "cd"]))))
    return CoreDNSQuery(
        remote=draw(ips),
        port=draw(st.integers(0, 65535))
        if layout is None
        else draw(st.one_of(st.none(), st.integers(0, 65535))),
        id=draw(st.integers(0, 65535)),
        type=draw(st.sampled_from(["A", "AAAA", "PTR", "SRV", "HTTPS", "TYPE65534"])),
        class_=draw(st.sampled_from(["IN", "CH", "CLASS254"])),
        name=draw(st.from_regex(r"([a-z0-9-]{1,10}\.){1,4}|\.", fullmatch=True)),
        proto=draw(st.sampled_from(["udp", "tcp"])),
        size=draw(st.integers(0, 65535)),
        do=draw(st.booleans()),
        bufsize=draw(st.integers(0, 65535)),
        rcode=draw(st.sampled_from(["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "NOTIMP"])),
        rflags=rflags,
        rsize=draw(st.integers(0, 65535)),
        duration=draw(st.floats(0, 1000, allow_nan=False)),
        opcode=draw(st.one_of(st.none(), st.sampled_from(["QUERY", "UPDATE", "NOTIFY"]))),
        time=time,
        layout=layout,
    )


@SETTINGS
@given(coredns_records())
def test_coredns_line_parses_back_to_the_same_record(rec):
    line = format_line(rec)
    assert parse_line(line, format="coredns") == rec, line
    assert parse_line(line) == rec


# --- http-echo --------------------------------------------------------------------------------------------------

_AMBIGUOUS = re.compile(r'" \d|HTTP/')


@st.composite
def http_echo_records(draw):
    path = draw(printable)
    user_agent = draw(printable)
    # http-echo escapes nothing, so a path holding `" 200 ` or ` HTTP/1.1"` is ambiguous for any reader.
    assume(not _AMBIGUOUS.search(path) and not _AMBIGUOUS.search(user_agent))
    return HttpEchoRequest(
        time=draw(aware()),
        host=draw(st.from_regex(r"[a-z0-9.:-]{0,20}", fullmatch=True)),
        remote_addr=draw(st.builds(lambda ip, port: f"{ip}:{port}", ips, st.integers(1, 65535))),
        method=draw(st.sampled_from(["GET", "POST", "HEAD", "DELETE"])),
        path=path,
        proto=draw(st.sampled_from(["HTTP/1.0", "HTTP/1.1", "HTTP/2.0"])),
        status=draw(st.integers(100, 999)),
        length=draw(st.integers(0, 10**9)),
        user_agent=user_agent,
        duration=draw(st.integers(0, 10**14)) / 1e9,
    )


@SETTINGS
@given(http_echo_records())
def test_http_echo_line_parses_back_to_the_same_record(rec):
    line = format_line(rec)
    assert parse_line(line, format="http-echo") == rec, line
    assert parse_line(line) == rec
