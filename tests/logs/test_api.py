"""The public API: exports, registry, detection, streaming and the emitter's dispatch."""

from __future__ import annotations

import itertools

import pytest

import ingresslab.logs as logs
from ingresslab.logs import (
    FORMATS,
    CoreDNSQuery,
    EnvoyAccess,
    HttpEchoRequest,
    NginxAccess,
    UnknownLogFormat,
    detect_format,
    format_line,
    get_format,
    parse_line,
    parse_lines,
)

DNS = '[INFO] 10.0.0.1:1 - 1 "A IN a. udp 1 false 512" NOERROR qr 1 0.001s'


def test_public_names_are_exported_and_sorted():
    assert sorted(logs.__all__) == logs.__all__ or sorted(logs.__all__, key=str.lower)
    for name in logs.__all__:
        assert hasattr(logs, name)


def test_registry_has_one_entry_per_format_with_its_record_type():
    assert list(FORMATS) == [
        "ingress-nginx",
        "nginx-combined",
        "istio",
        "envoy",
        "istio-json",
        "coredns",
        "http-echo",
    ]
    assert get_format("coredns").record_type is CoreDNSQuery
    assert get_format("istio").record_type is EnvoyAccess
    with pytest.raises(UnknownLogFormat, match="choose one of: auto, ingress-nginx"):
        get_format("apache")
    with pytest.raises(UnknownLogFormat):
        parse_line(DNS, format="bogus")


def test_detect_format_on_a_line_and_on_a_stream():
    assert detect_format(DNS) == "coredns"
    assert detect_format(["I0825 16:19:13.160557 7 x.go:1] hi", "", DNS]) == "coredns"
    assert detect_format("hello") is None
    assert get_format("coredns").detect(DNS) and not get_format("istio").detect(DNS)


def test_forced_format_rejects_other_formats_lines():
    assert parse_line(DNS, format="ingress-nginx") is None
    assert parse_line(DNS + "\n", format="coredns").raw == DNS


def test_parse_lines_streams_lazily_from_an_endless_source():
    endless = itertools.repeat(DNS + "\n")
    first = list(itertools.islice(parse_lines(endless), 3))
    assert [r.id for r in first] == [1, 1, 1]


def test_parse_lines_reads_a_file(tmp_path):
    path = tmp_path / "dns.log"
    path.write_text(f"{DNS}\n{DNS}\n", encoding="utf-8")
    with path.open(encoding="utf-8") as handle:
        assert len(list(parse_lines(handle, format="coredns"))) == 2


def test_records_built_with_keywords_are_written_by_format_line():
    from datetime import datetime, timezone

    when = datetime(2024, 9, 15, 8, 52, 37, tzinfo=timezone.utc)
    line = format_line(
        NginxAccess(
            remote_addr="192.168.76.1",
            time=when,
            method="GET",
            path="/v1",
            protocol="HTTP/1.1",
            body_bytes_sent=33,
            http_user_agent="curl/7.81.0",
            request_length=82,
            request_time=0.001,
            proxy_upstream_name="application-dest-svc-v1-http-v1",
            upstream_addr=["10.244.0.10:5678"],
            upstream_response_length=[33],
            upstream_response_time=[0.0],
            upstream_status=[200],
            req_id="5b0de41158eb9e86c19b0fc0174e4450",
        )
    )
    assert line == (
        '192.168.76.1 - - [15/Sep/2024:08:52:37 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0" 82 0.001 '
        "[application-dest-svc-v1-http-v1] [] 10.244.0.10:5678 33 0.000 200 5b0de41158eb9e86c19b0fc0174e4450"
    )
    echo = format_line(
        HttpEchoRequest(
            time=when,
            host="yuya.example.com",
            remote_addr="10.244.0.9:1",
            path="/v1",
            length=33,
            user_agent="curl/7.81.0",
            duration=57.125e-6,
        )
    )
    assert (
        echo
        == '2024/09/15 08:52:37 yuya.example.com 10.244.0.9:1 "GET /v1 HTTP/1.1" 200 33 "curl/7.81.0" 57.125µs'
    )
    envoy = EnvoyAccess(start_time=when, method="GET", path="/", protocol="HTTP/1.1", format="envoy")
    assert format_line(envoy).startswith('[2024-09-15T08:52:37.000Z] "GET / HTTP/1.1" 200 - 0 0 0 - "-"')


def test_format_line_rejects_what_is_not_a_record():
    with pytest.raises(TypeError, match="needs a log record"):
        format_line("a string")
    with pytest.raises(TypeError, match="CoreDNSQuery"):
        format_line(EnvoyAccess(format="coredns"))
    with pytest.raises(ValueError, match="needs `time`"):
        format_line(NginxAccess())
