"""Every real line quoted in the log-format reference parses to the values it shows."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingresslab.logs import CoreDNSQuery, EnvoyAccess, NginxAccess, format_line, parse_line

UTC = timezone.utc
REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "log-formats.md"

SEED_NGINX = (
    '192.168.76.1 - - [15/Sep/2024:08:52:37 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0" 82 0.001 '
    "[application-dest-svc-v1-http-v1] [] 10.244.0.10:5678 33 0.000 200 5b0de41158eb9e86c19b0fc0174e4450"
)
RETRIES_504 = (
    '108.162.227.25 - - [08/Mar/2023:16:02:45 +0000] "GET / HTTP/1.1" 504 562 "-" "Mozilla/5.0 (X11; Linux '
    'x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36" 1100 14.998 '
    "[pc-dev-example-web-service-80] [] 192.168.215.1:80, 192.168.215.1:80, 192.168.215.1:80 0, 0, 0 "
    "5.000, 5.000, 5.000 504, 504, 504 a7c98d98ac870f64981a997cd2f373a1"
)
CLIENT_499 = (
    '172.21.0.224 - - [30/Apr/2024:19:37:13 +0000] "GET / HTTP/1.1" 499 0 "-" "curl/8.4.0" 81 0.000 '
    "[test-test0-80] [] 172.21.47.222:80 0 0.000 - 2889e565a82f4db8e58280450ad03e61"
)
GATEWAY = (
    '[2024-09-15T12:35:56.471Z] "GET /v1 HTTP/1.1" 200 - via_upstream - "-" 0 33 0 0 "10.244.0.1" '
    '"curl/7.81.0" "3170f1cf-61ea-9166-b63c-35273a31e6f5" "yuya.example.com" "10.244.0.10:5678" '
    "outbound|7777||dest-svc-v1.application.svc.cluster.local 10.244.0.8:52522 10.244.0.8:8080 "
    "10.244.0.1:6131 - -"
)
SIDECAR = (
    '[2024-09-15T12:35:56.471Z] "GET /v1 HTTP/1.1" 200 - via_upstream - "-" 0 33 0 0 "10.244.0.1" '
    '"curl/7.81.0" "3170f1cf-61ea-9166-b63c-35273a31e6f5" "yuya.example.com" "10.244.0.10:5678" '
    "inbound|5678|| 127.0.0.6:42109 10.244.0.10:5678 10.244.0.1:0 "
    "outbound_.7777_._.dest-svc-v1.application.svc.cluster.local default"
)
ISTIO_DOCS = (
    '[2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" '
    '"curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "10.44.1.27:80" '
    "outbound|8000||httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default"
)
DNS_A = (
    '[INFO] 10.244.0.10:54152 - 19147 "A IN dest-svc-v1.application.svc.cluster.local. udp 59 false 512" '
    "NOERROR qr,aa,rd 116 0.000088042s"
)
DNS_AAAA = (
    '[INFO] 10.244.0.10:54152 - 36587 "AAAA IN dest-svc-v1.application.svc.cluster.local. udp 59 false 512" '
    "NOERROR qr,aa,rd 152 0.000044833s"
)
DNS_15_NX = (
    '2019-07-19T08:24:57.565Z [INFO] 10.244.1.3:33509 - 51831 "A IN '
    'kubernetes.default.svc.cluster.local.default.svc.cluster.local. udp 80 false 512" NXDOMAIN qr,aa,rd 173 0.0002208s'
)
DNS_15_OK = (
    '2019-07-19T08:24:57.576Z [INFO] 10.244.1.3:40090 - 51243 "A IN kubernetes.default.svc.cluster.local. '
    'udp 54 false 512" NOERROR qr,aa,rd 106 0.0000988s'
)
ALL_LINES = [
    SEED_NGINX,
    RETRIES_504,
    CLIENT_499,
    GATEWAY,
    SIDECAR,
    ISTIO_DOCS,
    DNS_A,
    DNS_AAAA,
    DNS_15_NX,
    DNS_15_OK,
]


def test_seed_nginx_line_has_every_upstreaminfo_field():
    rec = parse_line(SEED_NGINX)
    assert rec == NginxAccess(
        remote_addr="192.168.76.1",
        remote_user=None,
        time=datetime(2024, 9, 15, 8, 52, 37, tzinfo=UTC),
        method="GET",
        path="/v1",
        protocol="HTTP/1.1",
        status=200,
        body_bytes_sent=33,
        http_referer=None,
        http_user_agent="curl/7.81.0",
        request_length=82,
        request_time=0.001,
        proxy_upstream_name="application-dest-svc-v1-http-v1",
        proxy_alternative_upstream_name="",
        upstream_addr=["10.244.0.10:5678"],
        upstream_response_length=[33],
        upstream_response_time=[0.0],
        upstream_status=[200],
        req_id="5b0de41158eb9e86c19b0fc0174e4450",
    )
    assert rec.time.utcoffset().total_seconds() == 0
    assert rec.raw == SEED_NGINX and rec.envelope is None


def test_retried_504_keeps_one_entry_per_upstream_try():
    rec = parse_line(RETRIES_504)
    assert rec.status == 504 and rec.request_time == 14.998
    assert rec.upstream_addr == ["192.168.215.1:80"] * 3
    assert rec.upstream_response_length == [0, 0, 0]
    assert rec.upstream_response_time == [5.0, 5.0, 5.0]
    assert rec.upstream_status == [504, 504, 504]
    assert rec.http_user_agent.endswith("Chrome/109.0.0.0 Safari/537.36")
    assert rec.proxy_upstream_name == "pc-dev-example-web-service-80"


def test_client_closed_499_has_no_upstream_status():
    rec = parse_line(CLIENT_499)
    assert rec.status == 499 and rec.body_bytes_sent == 0
    assert rec.upstream_addr == ["172.21.47.222:80"]
    assert rec.upstream_status == []
    assert rec.req_id == "2889e565a82f4db8e58280450ad03e61"


def test_gateway_line_is_istio_outbound_to_the_service_port():
    rec = parse_line(GATEWAY)
    assert isinstance(rec, EnvoyAccess) and rec.format == "istio" and rec.layout is None
    assert rec.start_time == datetime(2024, 9, 15, 12, 35, 56, 471000, tzinfo=UTC)
    assert (rec.method, rec.path, rec.protocol, rec.response_code) == ("GET", "/v1", "HTTP/1.1", 200)
    assert rec.response_flags == [] and rec.response_code_details == "via_upstream"
    assert rec.connection_termination_details is None and rec.upstream_transport_failure_reason is None
    assert (rec.bytes_received, rec.bytes_sent, rec.duration, rec.upstream_service_time) == (0, 33, 0, 0)
    assert rec.x_forwarded_for == "10.244.0.1" and rec.user_agent == "curl/7.81.0"
    assert rec.request_id == "3170f1cf-61ea-9166-b63c-35273a31e6f5"
    assert rec.authority == "yuya.example.com" and rec.upstream_host == "10.244.0.10:5678"
    assert rec.upstream_cluster == "outbound|7777||dest-svc-v1.application.svc.cluster.local"
    assert rec.upstream_local_address == "10.244.0.8:52522"
    assert rec.downstream_local_address == "10.244.0.8:8080"
    assert rec.downstream_remote_address == "10.244.0.1:6131"
    assert rec.requested_server_name is None and rec.route_name is None
    cluster = rec.cluster
    assert (cluster.direction, cluster.port, cluster.subset, cluster.host) == (
        "outbound",
        7777,
        None,
        "dest-svc-v1.application.svc.cluster.local",
    )


def test_sidecar_line_is_inbound_with_the_gateway_sni():
    rec = parse_line(SIDECAR)
    assert rec.upstream_cluster == "inbound|5678||"
    assert rec.cluster.direction == "inbound" and rec.cluster.port == 5678 and rec.cluster.host is None
    assert rec.upstream_local_address == "127.0.0.6:42109"
    assert rec.downstream_remote_address == "10.244.0.1:0"
    assert rec.requested_server_name == "outbound_.7777_._.dest-svc-v1.application.svc.cluster.local"
    assert rec.sni_cluster.port == 7777 and rec.sni_cluster.host.startswith("dest-svc-v1.")
    assert rec.route_name == "default"


def test_istio_docs_line_with_no_forwarded_for():
    rec = parse_line(ISTIO_DOCS)
    assert rec.response_code == 418 and rec.bytes_sent == 135
    assert rec.duration == 4 and rec.upstream_service_time == 4
    assert rec.x_forwarded_for is None and rec.user_agent == "curl/7.73.0-DEV"
    assert rec.cluster.host == "httpbin.foo.svc.cluster.local" and rec.cluster.port == 8000


def test_coredns_seed_lines_answered_by_the_kubernetes_plugin():
    a, aaaa = parse_line(DNS_A), parse_line(DNS_AAAA)
    assert a == CoreDNSQuery(
        remote="10.244.0.10",
        port=54152,
        id=19147,
        type="A",
        class_="IN",
        name="dest-svc-v1.application.svc.cluster.local.",
        proto="udp",
        size=59,
        do=False,
        bufsize=512,
        rcode="NOERROR",
        rflags=["qr", "aa", "rd"],
        rsize=116,
        duration=0.000088042,
    )
    assert aaaa.type == "AAAA" and aaaa.rsize == 152 and aaaa.duration == pytest.approx(4.4833e-05)
    assert "aa" in a.rflags and "ra" not in a.rflags


def test_coredns_15_lines_keep_their_own_timestamp():
    nx, ok = parse_line(DNS_15_NX), parse_line(DNS_15_OK)
    assert nx.layout == "1.2.6" and nx.rcode == "NXDOMAIN"
    assert nx.name == "kubernetes.default.svc.cluster.local.default.svc.cluster.local."
    assert nx.time == datetime(2019, 7, 19, 8, 24, 57, 565000, tzinfo=UTC)
    assert nx.envelope is None  # the time belongs to CoreDNS, not to a kubectl prefix
    assert ok.rcode == "NOERROR" and ok.duration == 0.0000988 and ok.id == 51243


@pytest.mark.parametrize("line", ALL_LINES)
def test_reference_lines_are_written_back_byte_for_byte(line):
    assert format_line(parse_line(line)) == line


def test_every_indented_log_line_in_the_reference_parses():
    if not REFERENCE.is_file():
        pytest.skip("the shared reference is not beside the project")
    candidates = [
        raw.strip()
        for raw in REFERENCE.read_text(encoding="utf-8").splitlines()
        if raw.startswith("    ")
        and not raw.strip().startswith(("$", "[%", "%", "nameserver", "search", "options"))
    ]
    real = [line for line in candidates if "{" not in line]  # format definitions use {placeholders}
    assert len(real) >= 10
    for line in real:
        rec = parse_line(line)
        assert rec is not None, line
        assert format_line(rec) == line
