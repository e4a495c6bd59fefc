"""The compiled fast path gives exactly the records of the Python parser, only sooner.

Differential: every line the C check accepts must parse in Python to the same record (current layout, no
prefix), and `parse_lines` must yield equal records and reports with and without the fast path, on real
reference lines, awkward hand-made lines, hypothesis-made lines and mutations of them.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import pickle
import shutil
import subprocess
import sys
import sysconfig
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingresslab.logs import EnvoyAccess, NginxAccess, ParseReport, format_line, parse_line, parse_lines
from ingresslab.logs.envelope import split_envelope
from ingresslab.logs.fastpath import FAST_PATHS, accelerated

from .test_reference_lines import ALL_LINES, CLIENT_499, GATEWAY, RETRIES_504, SEED_NGINX, SIDECAR
from .test_robustness import ISTIO_OK, NOISE
from .test_roundtrip_properties import SETTINGS, envoy_records, nginx_records

needs_extension = pytest.mark.skipif(not accelerated(), reason="the C extension is not built (pure Python)")

ENVOY_DOCS = (
    '[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" '
    '"nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"'
)
AWKWARD = [
    SEED_NGINX + "\n",
    SEED_NGINX + "\r\n",
    SEED_NGINX + "\r",
    "2024-09-15T08:52:37.123456789Z " + SEED_NGINX,  # kubectl --timestamps
    "2024-09-15T08:52:37.123456789Z stdout F " + GATEWAY,  # CRI
    "[pod/gw-1/istio-proxy] " + GATEWAY,  # kubectl --prefix
    SEED_NGINX.replace("curl/7.81.0", "curl \\x22quoted\\x22 \\xC3\\xA9"),  # nginx escapes
    SEED_NGINX.replace("curl/7.81.0", "curl é"),  # not ASCII
    SEED_NGINX.replace("192.168.76.1", "::1"),
    SEED_NGINX.replace("192.168.76.1", "fe80::1"),
    SEED_NGINX.replace("10.244.0.10:5678", "unix:/tmp/app.sock"),
    SEED_NGINX.replace(
        "10.244.0.10:5678 33 0.000 200", "a:1, b:2 : c:3 0, - : 5 0.001, - : 0.5 502, - : 200"
    ),
    SEED_NGINX.replace("10.244.0.10:5678 33 0.000 200", "- - - -"),
    SEED_NGINX.replace("15/Sep/2024", "31/Sep/2024"),  # no such day: the Python parser says no too
    SEED_NGINX.replace("15/Sep/2024", "29/Feb/2024"),
    SEED_NGINX.replace("15/Sep/2024", "29/Feb/2023"),
    SEED_NGINX.replace("+0000", "-0530"),
    SEED_NGINX.replace("+0000", "+2400"),
    SEED_NGINX.replace(" - - [", " - [10.0.0.9] - - ["),  # 0.25 layout
    SEED_NGINX.replace(" - - [", " - user name ["),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"GET /a b c HTTP/1.1"'),
    SEED_NGINX.replace('"GET /v1 HTTP/1.1"', '"\\x16\\x03\\x01"'),
    SEED_NGINX.replace("0.001 [", "- ["),
    SEED_NGINX.replace(" 200 33 ", " 200 x3 "),
    *(  # numbers the upstream lists must hold, each not one
        SEED_NGINX.replace("10.244.0.10:5678 33 0.000 200", tail)
        for tail in (
            "10.244.0.10:5678 3x 0.000 200",
            "10.244.0.10:5678 33 0.0x0 200",
            "10.244.0.10:5678 33 0.000 2o0",
            "10.244.0.10:5678 -5 1e3 200",
            "10.244.0.10:5678 33, 4x 0.000, 0.1 200, 200",
            "10.244.0.10:5678 33 0.000, 0.0.1 200",
        )
    ),
    SEED_NGINX.replace(" 82 0.001 ", " 82 1e3 "),
    GATEWAY.replace(" 0 33 0 0 ", " 0 3x 0 0 "),
    GATEWAY.replace(" 0 33 0 0 ", " 0 33 x 0 "),
    SEED_NGINX.replace("5b0de41158eb9e86c19b0fc0174e4450", ""),
    SEED_NGINX.replace("5b0de41158eb9e86c19b0fc0174e4450", "a b\tc"),
    RETRIES_504,
    CLIENT_499,
    GATEWAY,
    SIDECAR,
    GATEWAY + "\n",
    GATEWAY.replace("12:35:56.471Z", "12:35:56.471123Z"),
    GATEWAY.replace("2024-09-15", "2024-02-30"),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"- - -"'),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"GET /a b HTTP/1.1"'),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"GET  HTTP/1.1"'),
    GATEWAY.replace('"GET /v1 HTTP/1.1"', '"GET /v1"'),
    GATEWAY.replace(" 0 33 0 0 ", " - - - - "),
    GATEWAY.replace("outbound|7777||dest", "outbound|7777||dest").replace(" - -", " - route;"),
    GATEWAY.replace("via_upstream -", "upstream_reset_before_response_started{connection_failure} -"),
    GATEWAY.replace(' "-" 0 33', ' "delayed connect error: 111" 0 33'),
    ISTIO_OK.replace("{UA}", 'Mozilla "quoted" end'),
    ISTIO_OK.replace("{UA}", "plain"),
    ENVOY_DOCS,
    ENVOY_DOCS + "\n",
    *ALL_LINES,
    *NOISE,
]
FORMATS = ("auto", "ingress-nginx", "istio", "envoy")


def both_ways(lines: list[str], fmt: str) -> tuple[list, ParseReport, list, ParseReport]:
    fast_report, slow_report = ParseReport(), ParseReport()
    fast = list(parse_lines(lines, format=fmt, report=fast_report))
    slow = list(parse_lines(lines, format=fmt, report=slow_report, fast=False))
    return fast, fast_report, slow, slow_report


def assert_same(fast: list, slow: list) -> None:
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        assert a == b and b == a
        assert a.raw == b.raw and a.envelope == b.envelope
        assert type(a) is type(b)  # reading a field turned the lazy record into a plain one


@needs_extension
@pytest.mark.parametrize("fmt", FORMATS)
def test_awkward_lines_give_the_same_records_and_report_both_ways(fmt):
    fast, fast_report, slow, slow_report = both_ways(AWKWARD * 3, fmt)
    assert_same(fast, slow)
    assert fast_report == slow_report
    assert fast_report.lines == len(AWKWARD) * 3


@needs_extension
def test_the_common_lines_take_the_fast_path():
    nginx, istio, envoy = FAST_PATHS["ingress-nginx"], FAST_PATHS["istio"], FAST_PATHS["envoy"]
    for line in (SEED_NGINX, RETRIES_504, CLIENT_499, SEED_NGINX + "\n", SEED_NGINX + "\r\n", AWKWARD[11]):
        assert nginx.accepts(line), line
    assert istio.accepts(GATEWAY) and istio.accepts(SIDECAR) and istio.accepts(GATEWAY + "\n")
    assert envoy.accepts(ENVOY_DOCS) and not envoy.accepts(GATEWAY) and not istio.accepts(ENVOY_DOCS)
    records = list(parse_lines([SEED_NGINX] * 5, format="ingress-nginx"))
    assert all(type(r) is not NginxAccess and isinstance(r, NginxAccess) for r in records)


@needs_extension
@pytest.mark.parametrize("line", AWKWARD)
def test_an_accepted_line_is_a_plain_current_layout_line_the_parser_takes(line):
    for name, path in FAST_PATHS.items():
        if path.accepts(line):
            assert split_envelope(line.rstrip("\r\n") if line.endswith("\n") else line)[0] is None
            record = parse_line(line, format=name)
            assert record is not None and record.layout is None, (name, line)


mutation_chars = st.sampled_from([*' "-[],:.0123456789aZ\t\\é/|', "\r", "+", "x"])


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


def check_line(line: str) -> None:
    """Differential: if a fast check takes the line, Python's parser gives the same record."""
    for name, path in FAST_PATHS.items():
        if not path.accepts(line):
            continue
        assert split_envelope(line)[0] is None
        eager = parse_line(line, format=name)
        assert eager is not None and eager.layout is None, (name, line)
        (lazy,) = parse_lines([line], format=name)
        assert lazy == eager, (name, line)


emitted = st.one_of(
    nginx_records().map(format_line),
    envoy_records("istio").map(format_line),
    envoy_records("envoy").map(format_line),
)
seeds = st.sampled_from([SEED_NGINX, RETRIES_504, CLIENT_499, GATEWAY, SIDECAR, ENVOY_DOCS])


@needs_extension
@SETTINGS
@given(emitted)
def test_emitted_lines_parse_the_same_both_ways(line):
    check_line(line)
    for fmt in FORMATS:
        fast, fast_report, slow, slow_report = both_ways([line, line + "\n", "noise", line], fmt)
        assert_same(fast, slow)
        assert fast_report == slow_report


@needs_extension
@SETTINGS
@given(st.one_of(mutated(seeds), mutated(emitted)))
def test_mutated_lines_are_taken_only_when_the_parser_agrees(line):
    check_line(line)


# --- lazy records behave as plain records ---------------------------------------------------------------------


def lazy(line: str, fmt: str = "ingress-nginx"):
    (record,) = parse_lines([line + "\n"], format=fmt)
    return record


@needs_extension
def test_a_lazy_record_fills_in_on_first_read_and_becomes_a_plain_record():
    record = lazy(SEED_NGINX)
    assert type(record).__name__ == "NginxAccess" and type(record) is not NginxAccess
    assert record.status == 200
    assert type(record) is NginxAccess
    assert record.raw == SEED_NGINX and record.envelope is None  # newline stripped, as eager parsing does
    assert record == parse_line(SEED_NGINX)
    assert repr(lazy(SEED_NGINX)) == repr(parse_line(SEED_NGINX))
    assert lazy(SEED_NGINX).raw == SEED_NGINX


@needs_extension
def test_a_write_before_any_read_is_kept():
    record = lazy(SEED_NGINX)
    record.status = 503
    assert record.status == 503 and record.path == "/v1"
    other = lazy(GATEWAY, "istio")
    del other.route_name
    with pytest.raises(AttributeError):
        _ = other.route_name
    assert other.upstream_host == "10.244.0.10:5678"


@needs_extension
def test_equality_both_ways_and_with_other_lazy_records():
    assert lazy(SEED_NGINX) == parse_line(SEED_NGINX)
    assert parse_line(SEED_NGINX) == lazy(SEED_NGINX)
    assert lazy(SEED_NGINX) == lazy(SEED_NGINX)
    assert lazy(SEED_NGINX) != lazy(CLIENT_499)
    assert lazy(GATEWAY, "istio") != lazy(SIDECAR, "istio")
    assert lazy(SEED_NGINX) != "a string"
    with pytest.raises(TypeError):
        hash(lazy(SEED_NGINX))


@needs_extension
def test_dataclass_helpers_copy_and_pickle_work_on_lazy_records():
    eager = parse_line(GATEWAY, format="istio")
    assert dataclasses.asdict(lazy(GATEWAY, "istio")) == dataclasses.asdict(eager)
    assert dataclasses.replace(lazy(GATEWAY, "istio"), response_code=503) == dataclasses.replace(
        eager, response_code=503
    )
    assert [f.name for f in dataclasses.fields(lazy(GATEWAY, "istio"))] == [
        f.name for f in dataclasses.fields(EnvoyAccess)
    ]
    assert copy.copy(lazy(GATEWAY, "istio")) == eager
    assert copy.deepcopy(lazy(GATEWAY, "istio")) == eager
    back = pickle.loads(pickle.dumps(lazy(GATEWAY, "istio")))
    assert back == eager and type(back) is EnvoyAccess
    assert lazy(GATEWAY, "istio").cluster.host == "dest-svc-v1.application.svc.cluster.local"


@needs_extension
def test_an_unknown_attribute_is_a_plain_attribute_error():
    with pytest.raises(AttributeError, match="'NginxAccess' object has no attribute 'stauts'"):
        _ = lazy(SEED_NGINX).stauts


# --- the runs: counting, stopping early, errors ---------------------------------------------------------------


@needs_extension
def test_stopping_early_counts_exactly_the_records_taken():
    report = ParseReport()
    records = parse_lines([SEED_NGINX] * 100, format="ingress-nginx", report=report)
    assert len(list(islice(records, 10))) == 10
    records.close()
    assert report.lines == 10 and report.records == {"ingress-nginx": 10}


@needs_extension
def test_runs_switch_formats_in_auto_mode_and_count_each():
    lines = [SEED_NGINX] * 3 + [GATEWAY] * 4 + ["noise"] + [ENVOY_DOCS] * 2 + [SEED_NGINX] * 2
    report = ParseReport()
    records = list(parse_lines(lines, report=report))
    assert [r.format for r in records] == ["ingress-nginx"] * 3 + ["istio"] * 4 + ["envoy"] * 2 + [
        "ingress-nginx"
    ] * 2
    assert report.records == {"ingress-nginx": 5, "istio": 4, "envoy": 2}
    assert report.lines == len(lines) and report.skipped == 1


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


@needs_extension
def test_the_run_type_refuses_what_it_cannot_fill():
    from ingresslab.logs import _scan

    record_type = FAST_PATHS["istio"].record_type
    with pytest.raises(ValueError, match="no fast check for the format 'coredns'"):
        _scan.Run([], "coredns", record_type, EnvoyAccess.__dict__["raw"])
    with pytest.raises(TypeError, match="is not an object slot of"):
        _scan.Run([], "istio", record_type, NginxAccess.__dict__["raw"])
    with pytest.raises(TypeError):
        _scan.Run(5, "istio", record_type, EnvoyAccess.__dict__["raw"])
    assert not _scan.nginx(b"bytes are not lines") and not _scan.istio(None)


# --- the extension is optional, and built where it can be -----------------------------------------------------


def test_without_the_extension_everything_parses_in_python():
    code = (
        "from ingresslab.logs import parse_lines, ParseReport\n"
        "from ingresslab.logs.fastpath import accelerated\n"
        "r = ParseReport()\n"
        f"records = list(parse_lines([{SEED_NGINX!r}, {GATEWAY!r}, 'noise'], report=r))\n"
        "assert not accelerated()\n"
        "assert all(type(x).__name__ == type(x).__mro__[0].__name__ for x in records)\n"
        "print(records[0].status, records[1].upstream_host, r.lines, r.skipped, type(records[0]).__module__)\n"
    )
    env = {**os.environ, "INGRESSLAB_PURE_PYTHON": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["200", "10.244.0.10:5678", "3", "1", "ingresslab.logs.nginx"]


def test_the_extension_is_built_where_a_compiler_and_headers_exist():
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if os.environ.get("INGRESSLAB_PURE_PYTHON"):
        pytest.skip("INGRESSLAB_PURE_PYTHON is set")
    if not (shutil.which("cc") or shutil.which("gcc")) or not headers.exists():
        pytest.skip("no C compiler or Python headers: the package installs pure Python")
    assert accelerated(), (
        "a compiler is present, yet ingresslab.logs._scan is missing: reinstall (pip install -e .)"
    )
