"""The fast path gives exactly the records of the reference parsers, only sooner.

Differential: every line a fast expression takes must parse with the reference parser to the same record,
field by field and type by type (current layout, no prefix), and `parse_lines` must yield the same records
and reports with and without the fast path, read ahead in chunks or a line at a time: on real reference
lines, awkward hand-made lines, hypothesis-made lines and mutations of them. The CLI's JSON of a fast record
is `record_to_dict` of the reference record.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import io
import json
import pickle
from itertools import islice

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingresslab.logs import (
    CoreDNSQuery,
    EnvoyAccess,
    NginxAccess,
    ParseReport,
    format_line,
    parse_line,
    parse_lines,
    record_to_dict,
)
from ingresslab.logs.envelope import split_envelope
from ingresslab.logs.fastpath import CHUNK, FAST_PATHS, accelerated, json_object
from ingresslab.logs.lazy import lazy_match

from .test_reference_lines import (
    ALL_LINES,
    CLIENT_499,
    DNS_A,
    DNS_AAAA,
    GATEWAY,
    ISTIO_DOCS,
    RETRIES_504,
    SEED_NGINX,
    SIDECAR,
)
from .test_robustness import ISTIO_OK, NOISE
from .test_roundtrip_properties import SETTINGS, coredns_records, envoy_records, nginx_records

ENVOY_DOCS = (
    '[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" '
    '"nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"'
)
UPSTREAMS = "10.244.0.10:5678 33 0.000 200"
AWKWARD = [
    SEED_NGINX + "\n",
    SEED_NGINX + "\r\n",
    SEED_NGINX + "\r",
    SEED_NGINX + "\n\n",
    "2024-09-15T08:52:37.123456789Z " + SEED_NGINX,  # kubectl --timestamps
    "2024-09-15T08:52:37.123456789Z stdout F " + GATEWAY,  # CRI
    "[pod/gw-1/istio-proxy] " + GATEWAY,  # kubectl --prefix
    "[pod/dns-1/coredns] " + DNS_A,
    SEED_NGINX.replace("curl/7.81.0", "curl \\x22quoted\\x22 \\xC3\\xA9"),  # nginx escapes
    SEED_NGINX.replace("curl/7.81.0", "curl é"),  # not ASCII
    SEED_NGINX.replace("curl/7.81.0", "curl\tx"),
    SEED_NGINX.replace(" - - [", " - us\ter ["),
    SEED_NGINX.replace(" - - [", " - \u00e9 ["),
    SEED_NGINX.replace("192.168.76.1", "::1"),
    SEED_NGINX.replace("192.168.76.1", "fe80::1"),
    SEED_NGINX.replace("192.168.76.1", "-"),
    SEED_NGINX.replace("192.168.76.1", "unix:"),
    SEED_NGINX.replace("10.244.0.10:5678", "unix:/tmp/app.sock"),
    SEED_NGINX.replace(UPSTREAMS, "a:1, b:2 : c:3 0, - : 5 0.001, - : 0.5 502, - : 200"),
    SEED_NGINX.replace(UPSTREAMS, "a:1, b:2, c:3 0, -, 5 0.001, -, 0.5 502, -, 200"),
    SEED_NGINX.replace(UPSTREAMS, "a:1, b:2 0, 5 0.001 502, 200"),
    SEED_NGINX.replace(UPSTREAMS, "a:1, - 0, - 0.001, - 502, -"),
    SEED_NGINX.replace(UPSTREAMS, "- - - -"),
    SEED_NGINX.replace(UPSTREAMS, "ns-svc-80 - - 502"),
    SEED_NGINX.replace(UPSTREAMS, "a,b 1 0.1 200"),
    SEED_NGINX.replace("15/Sep/2024", "31/Sep/2024"),  # no such day: the reference parser says no too
    SEED_NGINX.replace("15/Sep/2024", "29/Feb/2024"),
    SEED_NGINX.replace("15/Sep/2024", "29/Feb/2023"),
    SEED_NGINX.replace("15/Sep/2024", "15/Foo/2024"),
    SEED_NGINX.replace("+0000", "-0530"),
    SEED_NGINX.replace("+0000", "+2400"),
    SEED_NGINX.replace("+0000", "+0099"),
    SEED_NGINX.replace("+0000", "+0000x"),
    SEED_NGINX.replace(" - - [", " - [10.0.0.9] - - ["),  # 0.25 layout
    SEED_NGINX.replace(" - - [", " - user name ["),
    SEED_NGINX.replace(" - - [", " - [x] ["),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"GET /a b c HTTP/1.1"'),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"\\x16\\x03\\x01"'),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"-"'),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"get /v1 HTTP/1.1"'),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"GET /v1 HTTP/"'),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"GET /v1 HTTPS/1.1"'),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"GET /v1"'),
    SEED_NGINX.replace('"-" "curl', '"" "curl'),
    SEED_NGINX.replace('"-" "curl', '"-x" "curl'),
    SEED_NGINX.replace("0.001 [", "- ["),
    SEED_NGINX.replace("[application-dest-svc-v1-http-v1] []", "[-] [-]"),
    SEED_NGINX.replace("[application-dest-svc-v1-http-v1] []", "[a b] [c]"),
    SEED_NGINX.replace(" 200 33 ", " 200 x3 "),
    SEED_NGINX.replace(" 200 33 ", " 0200 033 "),
    SEED_NGINX.replace(" 200 33 ", " \u0662\u0660\u0660 33 "),  # Arabic-Indic digits: \d takes them
    *(  # numbers the upstream lists must hold, each not one
        SEED_NGINX.replace(UPSTREAMS, tail)
        for tail in (
            "10.244.0.10:5678 3x 0.000 200",
            "10.244.0.10:5678 33 0.0x0 200",
            "10.244.0.10:5678 33 0.000 2o0",
            "10.244.0.10:5678 -5 1e3 200",
            "10.244.0.10:5678 33, 4x 0.000, 0.1 200, 200",
            "10.244.0.10:5678 33 0.000, 0.0.1 200",
            "10.244.0.10:5678 33 5 200",
            "10.244.0.10:5678 33 .5 200",
        )
    ),
    SEED_NGINX.replace(" 82 0.001 ", " 82 1e3 "),
    SEED_NGINX.replace(" 82 0.001 ", " 82 1 "),
    SEED_NGINX.replace("5b0de41158eb9e86c19b0fc0174e4450", ""),
    SEED_NGINX.replace("5b0de41158eb9e86c19b0fc0174e4450", "-"),
    SEED_NGINX.replace("5b0de41158eb9e86c19b0fc0174e4450", "a b\tc"),
    SEED_NGINX.replace("5b0de41158eb9e86c19b0fc0174e4450", "a\rb"),
    RETRIES_504,
    CLIENT_499,
    GATEWAY,
    SIDECAR,
    ISTIO_DOCS,
    GATEWAY + "\n",
    GATEWAY + "\r\n",
    GATEWAY.replace(" 0 33 0 0 ", " 0 3x 0 0 "),
    GATEWAY.replace(" 0 33 0 0 ", " 0 33 x 0 "),
    GATEWAY.replace(" 0 33 0 0 ", " 0 33 0 x "),
    GATEWAY.replace("12:35:56.471Z", "12:35:56.471123Z"),
    GATEWAY.replace("12:35:56.471Z", "12:35:56Z"),
    GATEWAY.replace("12:35:56.471Z", "12:35:60.471Z"),
    GATEWAY.replace("2024-09-15", "2024-02-30"),
    GATEWAY.replace("2024-09-15", "2024-02-29"),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"- - -"'),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"GET /a b HTTP/1.1"'),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"GET  HTTP/1.1"'),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"GET /v1"'),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"GE\tT /v1 HTTP/1.1"'),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"GET /ü HTTP/1.1"'),
    GATEWAY.replace(" 0 33 0 0 ", " - - - - "),
    GATEWAY.replace(" - -", " - route;"),
    GATEWAY.replace("outbound|7777||dest-svc-v1.application.svc.cluster.local", "x;"),
    GATEWAY.replace("outbound|7777||dest-svc-v1.application.svc.cluster.local", "-;"),
    GATEWAY.replace("outbound|7777||dest-svc-v1.application.svc.cluster.local", ";"),
    GATEWAY.replace("outbound|7777||dest-svc-v1.application.svc.cluster.local", "a;b"),
    GATEWAY.replace("via_upstream -", "upstream_reset_before_response_started{connection_failure} -"),
    GATEWAY.replace("via_upstream -", '"via_upstream" -'),
    GATEWAY.replace("via_upstream -", "via_upstream - UF,URX"),
    GATEWAY.replace(' "-" 0 33', ' "delayed connect error: 111" 0 33'),
    GATEWAY.replace(' "-" 0 33', ' "" 0 33'),
    ISTIO_OK.replace("{UA}", 'Mozilla "quoted" end'),
    ISTIO_OK.replace("{UA}", "plain"),
    ISTIO_OK.replace("{UA}", "caf\u00e9"),
    ENVOY_DOCS,
    ENVOY_DOCS + "\n",
    ENVOY_DOCS.replace(' 204 - 154 0 226 100 "', ' 204 UF,URX 154 0 226 - "'),
    ENVOY_DOCS.replace(' 204 - 154 0 226 100 "', ' 204 - - - - - "'),
    ENVOY_DOCS.replace(' 204 - 154 0 226 100 "', ' 204 - 154 0 226 abc "'),
    ENVOY_DOCS.replace('"nsq2http"', '"-"'),
    DNS_A,
    DNS_AAAA,
    DNS_A + "\n",
    DNS_A + "\r\n",
    DNS_A + ' "QUERY"',
    DNS_A.replace("10.244.0.10:54152", "[::1]:53"),
    DNS_A.replace("10.244.0.10:54152", "10.244.0.10"),
    DNS_A.replace("qr,aa,rd", "-"),
    DNS_A.replace("0.000088042s", "88.042µs"),
    DNS_A.replace("0.000088042s", "1e-05s"),
    DNS_A.replace("0.000088042s", "0.000088042"),
    DNS_A.replace("false 512", "true 4096"),
    DNS_A.replace("false 512", "maybe 512"),
    DNS_A.replace("[INFO]", "[ERROR]"),
    "2019-07-19T08:24:57.565Z " + DNS_A,
    *ALL_LINES,
    *NOISE,
]
FORMATS = ("auto", "ingress-nginx", "istio", "envoy", "coredns")
RECORD_TYPES = (NginxAccess, EnvoyAccess, CoreDNSQuery)


def all_fields(record) -> list:
    """Every field of a record (`raw` and `envelope` included) with the exact type of its value."""
    out = []
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        items = [(type(v), v) for v in value] if isinstance(value, list) else value
        out.append((field.name, type(value), items))
    return out


def assert_same(fast: list, slow: list) -> None:
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        assert all_fields(a) == all_fields(b)
        assert a == b and b == a
        assert type(a) is type(b)  # reading the fields turned a lazy record into a plain one


def both_ways(lines: list[str], fmt: str):
    """The records and report of `lines` with the fast path (read ahead), line by line, and without."""
    runs = []
    for source, fast in ((list(lines), True), (iter(lines), True), (list(lines), False)):
        report = ParseReport()
        runs.append((list(parse_lines(source, format=fmt, report=report, fast=fast)), report))
    return runs


def check_lines(lines: list[str]) -> None:
    for fmt in FORMATS:
        (chunked, chunked_report), (single, single_report), (slow, slow_report) = both_ways(lines, fmt)
        assert_same(chunked, slow)
        assert_same(single, slow)
        assert chunked_report == slow_report == single_report
        assert chunked_report.lines == len(lines)


@pytest.mark.parametrize("fmt", FORMATS)
def test_awkward_lines_give_the_same_records_and_report_every_way(fmt):
    (chunked, chunked_report), (single, single_report), (slow, slow_report) = both_ways(AWKWARD * 3, fmt)
    assert_same(chunked, slow)
    assert_same(single, slow)
    assert chunked_report == slow_report == single_report
    assert chunked_report.lines == len(AWKWARD) * 3


def test_more_lines_than_a_chunk_with_other_lines_between_runs():
    lines = [SEED_NGINX, RETRIES_504, "noise", SEED_NGINX + "\r\n"] * CHUNK + [CLIENT_499]
    check_lines(lines)


def test_the_common_lines_take_the_fast_path():
    nginx, istio, envoy, dns = (FAST_PATHS[n] for n in ("ingress-nginx", "istio", "envoy", "coredns"))
    for line in (SEED_NGINX, RETRIES_504, CLIENT_499, SEED_NGINX + "\n", AWKWARD[19], AWKWARD[20]):
        assert nginx.match_line(line), line
    assert istio.match_line(GATEWAY) and istio.match_line(SIDECAR) and istio.match_line(GATEWAY + "\n")
    assert envoy.match_line(ENVOY_DOCS) and not envoy.match_line(GATEWAY) and not istio.match_line(ENVOY_DOCS)
    assert dns.match_line(DNS_A) and dns.match_line(DNS_A + ' "QUERY"')
    for fmt, line in (("ingress-nginx", SEED_NGINX), ("istio", GATEWAY), ("coredns", DNS_A)):
        records = list(parse_lines([line] * 5, format=fmt))
        assert all(type(r) not in RECORD_TYPES and isinstance(r, RECORD_TYPES) for r in records)
        assert all(lazy_match(r) is not None for r in records)


@pytest.mark.parametrize("line", AWKWARD)
def test_a_taken_line_is_a_plain_current_layout_line_the_reference_parser_takes(line):
    check_line(line)


def check_line(line: str) -> None:
    """Differential: if a fast expression takes the line, the reference parser gives the same record."""
    for name, path in FAST_PATHS.items():
        match = path.match_line(line)
        if match is None:
            continue
        assert split_envelope(line.rstrip("\n"))[0] is None, (name, line)
        eager = parse_line(line, format=name)
        assert eager is not None and eager.layout is None, (name, line)
        (fresh,) = parse_lines([line], format=name)
        assert lazy_match(fresh) is not None
        assert json.loads(orjson.dumps(json_object(fresh))) == record_to_dict(eager), (name, line)
        assert_same([fresh], [eager])
        for field in dataclasses.fields(eager):  # each field read alone, from a fresh record
            (fresh,) = parse_lines([line], format=name)
            value = getattr(fresh, field.name)
            assert (type(value), value) == (type(getattr(eager, field.name)), getattr(eager, field.name))


mutation_chars = st.sampled_from([*' "-[],:;.0123456789aZ\t\\é/|', "\r", "\n", "+", "x", "\u0663"])


@st.composite
def mutated(draw, lines):
    line = draw(lines)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(line)))
        op = draw(st.sampled_from(["insert", "replace", "delete"]))
        c = draw(mutation_chars)
        if op == "insert":
            line = line[:i] + c + line[i:]
        elif op == "replace":
            line = line[:i] + c + line[i + 1 :]
        else:
            line = line[:i] + line[i + 1 :]
    return line


emitted = st.one_of(
    nginx_records().map(format_line),
    envoy_records("istio").map(format_line),
    envoy_records("envoy").map(format_line),
    coredns_records().map(format_line),
)
seeds = st.sampled_from(
    [SEED_NGINX, RETRIES_504, CLIENT_499, GATEWAY, SIDECAR, ISTIO_DOCS, ENVOY_DOCS, DNS_A, AWKWARD[19]]
)


@SETTINGS
@given(emitted)
def test_emitted_lines_parse_the_same_every_way(line):
    check_line(line)
    check_lines([line, line + "\n", "noise", line])


@SETTINGS
@given(st.one_of(mutated(seeds), mutated(emitted)))
def test_mutated_lines_are_taken_only_when_the_reference_parser_agrees(line):
    check_line(line)
    check_lines([line, SEED_NGINX, line])


# --- lazy records behave as plain records ---------------------------------------------------------------------


def lazy(line: str, fmt: str = "ingress-nginx"):
    (record,) = parse_lines([line + "\n"], format=fmt)
    return record


def test_a_lazy_record_converts_one_field_then_fills_in_and_becomes_a_plain_record():
    record = lazy(SEED_NGINX)
    assert type(record).__name__ == "NginxAccess" and type(record) is not NginxAccess
    assert record.format == "ingress-nginx" and record.raw == SEED_NGINX and record.envelope is None
    first = type(record)
    assert record.status == 200 and type(record) is not NginxAccess and type(record) is not first
    assert record.upstream_addr == ["10.244.0.10:5678"]
    assert type(record) is NginxAccess
    assert record.raw == SEED_NGINX and record.envelope is None  # newline stripped, as eager parsing does
    assert record == parse_line(SEED_NGINX)
    assert repr(lazy(SEED_NGINX)) == repr(parse_line(SEED_NGINX))
    assert lazy(SEED_NGINX).raw == SEED_NGINX
    record = lazy(SEED_NGINX)
    assert record.upstream_status == [200] and type(record) is NginxAccess  # a list fills in at once


def test_a_write_before_any_read_is_kept():
    record = lazy(SEED_NGINX)
    record.status = 503
    assert record.status == 503 and record.path == "/v1"
    other = lazy(GATEWAY, "istio")
    del other.route_name
    with pytest.raises(AttributeError):
        _ = other.route_name
    assert other.upstream_host == "10.244.0.10:5678"
    dns = lazy(DNS_A, "coredns")
    dns.rflags.append("ra")
    assert dns.rflags == ["qr", "aa", "rd", "ra"]


def test_equality_both_ways_and_with_other_lazy_records():
    assert lazy(SEED_NGINX) == parse_line(SEED_NGINX)
    assert parse_line(SEED_NGINX) == lazy(SEED_NGINX)
    assert lazy(SEED_NGINX) == lazy(SEED_NGINX)
    assert lazy(SEED_NGINX) != lazy(CLIENT_499)
    assert lazy(GATEWAY, "istio") != lazy(SIDECAR, "istio")
    assert lazy(DNS_A, "coredns") != lazy(DNS_AAAA, "coredns")
    assert lazy(SEED_NGINX) != "a string"
    with pytest.raises(TypeError):
        hash(lazy(SEED_NGINX))


@pytest.mark.parametrize("line, fmt", [(GATEWAY, "istio"), (SEED_NGINX, "ingress-nginx"), (DNS_A, "coredns")])
def test_dataclass_helpers_copy_and_pickle_work_on_lazy_records(line, fmt):
    eager = parse_line(line, format=fmt)
    base = type(eager)
    assert dataclasses.asdict(lazy(line, fmt)) == dataclasses.asdict(eager)
    assert dataclasses.astuple(lazy(line, fmt)) == dataclasses.astuple(eager)
    changed = dataclasses.replace(lazy(line, fmt), format="x")
    assert changed == dataclasses.replace(eager, format="x") and type(changed) is base
    assert [f.name for f in dataclasses.fields(lazy(line, fmt))] == [f.name for f in dataclasses.fields(base)]
    assert copy.copy(lazy(line, fmt)) == eager
    assert copy.deepcopy(lazy(line, fmt)) == eager
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):  # slots records need protocol 2 or later
        back = pickle.loads(pickle.dumps(lazy(line, fmt), protocol))
        assert back == eager and type(back) is base and back.raw == eager.raw
    touched = lazy(line, fmt)
    getattr(touched, dataclasses.fields(base)[0].name)  # one field read, not yet filled in
    assert pickle.loads(pickle.dumps(touched)) == eager and copy.copy(touched) == eager


def test_properties_of_the_record_type_work_on_lazy_records():
    assert lazy(GATEWAY, "istio").cluster.host == "dest-svc-v1.application.svc.cluster.local"


def test_an_unknown_attribute_is_a_plain_attribute_error():
    with pytest.raises(AttributeError, match="'NginxAccess' object has no attribute 'stauts'"):
        _ = lazy(SEED_NGINX).stauts
    with pytest.raises(AttributeError):
        lazy(SEED_NGINX).stauts = 1


def test_json_of_a_fast_record_is_its_record_to_dict():
    for line, fmt in ((SEED_NGINX, "ingress-nginx"), (RETRIES_504, "ingress-nginx"), (GATEWAY, "istio")):
        record = lazy(line, fmt)
        obj = json_object(record)
        assert list(obj) == list(record_to_dict(parse_line(line, format=fmt)))
        assert type(record) is not type(parse_line(line, format=fmt))  # writing JSON filled nothing in
    assert json_object(parse_line(SEED_NGINX)) is None


# --- the runs: counting, stopping early, errors, pipes ----------------------------------------------------------


@pytest.mark.parametrize("source", [list, iter])
def test_stopping_early_counts_exactly_the_records_taken(source):
    report = ParseReport()
    records = parse_lines(source([SEED_NGINX] * (CHUNK + 100)), format="ingress-nginx", report=report)
    assert len(list(islice(records, 10))) == 10
    records.close()
    assert report.lines == 10 and report.records == {"ingress-nginx": 10}
    report = ParseReport()
    records = parse_lines(source([SEED_NGINX, "noise"] * CHUNK), format="ingress-nginx", report=report)
    assert len(list(islice(records, 3))) == 3
    records.close()
    assert report.lines == 5 and report.records == {"ingress-nginx": 3} and report.skipped == 2


def test_runs_switch_formats_in_auto_mode_and_count_each():
    lines = [SEED_NGINX] * 3 + [GATEWAY] * 4 + ["noise"] + [ENVOY_DOCS] * 2 + [SEED_NGINX] * 2 + [DNS_A] * 2
    report = ParseReport()
    records = list(parse_lines(lines, report=report))
    assert [r.format for r in records] == ["ingress-nginx"] * 3 + ["istio"] * 4 + ["envoy"] * 2 + [
        "ingress-nginx"
    ] * 2 + ["coredns"] * 2
    assert report.records == {"ingress-nginx": 5, "istio": 4, "envoy": 2, "coredns": 2}
    assert report.lines == len(lines) and report.skipped == 1
    check_lines(lines)


def failing_lines():
    yield SEED_NGINX
    yield SEED_NGINX
    raise OSError("disk went away")


@pytest.mark.parametrize("fast", [True, False])
def test_an_error_of_the_line_source_reaches_the_caller(fast):
    records = parse_lines(failing_lines(), format="ingress-nginx", fast=fast)
    assert next(records).status == 200
    assert next(records).status == 200
    with pytest.raises(OSError, match="disk went away"):
        next(records)


def test_files_in_memory_and_on_disk_are_read_ahead_and_give_the_same(tmp_path):
    lines = [SEED_NGINX, GATEWAY, "noise", DNS_A, RETRIES_504] * 60
    path = tmp_path / "mixed.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = list(parse_lines(lines, fast=False))
    with path.open(encoding="utf-8") as handle:
        assert_same(list(parse_lines(handle)), expected)
    assert_same(list(parse_lines(io.StringIO("\n".join(lines)))), expected)


def test_a_cache_of_checked_times_starts_over_when_full():
    path = FAST_PATHS["ingress-nginx"]
    keys = path.keys
    limit, keys.limit = keys.limit, 2
    try:
        lines = [SEED_NGINX.replace("08:52:37", f"08:52:{s:02d}") for s in range(10)]
        check_lines(lines)
        assert len(keys) <= 2
    finally:
        keys.limit = limit


# --- no compiled code ----------------------------------------------------------------------------------------


def test_parsing_is_pure_python():
    assert not accelerated()
    assert importlib.util.find_spec("ingresslab.logs._scan") is None
