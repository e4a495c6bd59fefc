"""Prefixes from kubectl, the container runtime, journald and node-local-dns are stripped and kept."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ingresslab.logs import Envelope, ParseReport, format_line, parse_line, parse_lines, split_envelope

UTC = timezone.utc
DNS = '[INFO] 10.244.0.10:54152 - 19147 "A IN a.b.svc.cluster.local. udp 59 false 512" NOERROR qr,aa,rd 116 0.000088042s'
NGINX = (
    '192.168.76.1 - - [15/Sep/2024:08:52:37 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0" 82 0.001 '
    "[application-dest-svc-v1-http-v1] [] 10.244.0.10:5678 33 0.000 200 5b0de41158eb9e86c19b0fc0174e4450"
)


def test_line_without_prefix_has_no_envelope():
    assert split_envelope(NGINX) == (None, NGINX)


def test_cri_prefix_gives_time_with_offset_and_stream():
    line = "2024-03-26T16:21:04.076718973+01:00 stdout F " + NGINX
    rec = parse_line(line)
    env = rec.envelope
    assert env.sources == ("cri",) and env.stream == "stdout" and env.partial is False
    assert env.timestamp == datetime(2024, 3, 26, 16, 21, 4, 76718, tzinfo=timezone(timedelta(hours=1)))
    assert rec.raw == line and rec.status == 200
    assert format_line(rec, with_envelope=True) == line and format_line(rec) == NGINX


def test_kubectl_timestamps_and_prefix_stack():
    line = "[pod/coredns-7db6d8ff4d-x2x9z/coredns] 2024-09-15T08:52:37.123456789Z " + DNS
    rec = parse_line(line)
    assert rec.format == "coredns" and rec.remote == "10.244.0.10"
    env = rec.envelope
    assert env.sources == ("kubectl-prefix", "kubectl-timestamps")
    assert (env.pod, env.container) == ("coredns-7db6d8ff4d-x2x9z", "coredns")
    assert env.timestamp == datetime(2024, 9, 15, 8, 52, 37, 123456, tzinfo=UTC)


def test_kubectl_timestamp_before_a_coredns_15_line_is_not_confused_with_its_own_time():
    own = "2019-07-19T08:24:57.565Z " + DNS
    rec = parse_line("2019-07-19T08:24:57.565812345Z " + own)
    assert rec.envelope.sources == ("kubectl-timestamps",) and rec.layout == "1.2.6"
    assert rec.time == datetime(2019, 7, 19, 8, 24, 57, 565000, tzinfo=UTC)


def test_node_local_dns_and_journald_prefixes():
    rec = parse_line("node-cache " + DNS)
    assert rec.envelope.sources == ("node-cache",) and rec.rcode == "NOERROR"
    rec = parse_line("Mar 26 16:21:04 minikube nginx[1234]: " + NGINX)
    env = rec.envelope
    assert env.sources == ("journald",) and (env.host, env.unit, env.pid) == ("minikube", "nginx", 1234)
    assert env.timestamp is None  # the short format has no year


def test_cri_partial_lines_are_joined_before_parsing():
    first, rest = NGINX[:100], NGINX[100:]
    lines = [
        f"2024-03-26T16:21:04.000000001Z stdout P {first}\n",
        "2024-03-26T16:21:04.000000002Z stderr F I0825 16:19:13.160557 7 controller.go:190] reload\n",
        f"2024-03-26T16:21:04.000000003Z stdout F {rest}\n",
    ]
    report = ParseReport()
    records = list(parse_lines(lines, report=report))
    assert len(records) == 1 and records[0].req_id == "5b0de41158eb9e86c19b0fc0174e4450"
    assert report.joined_partials == 1 and report.skipped_kinds == {"klog": 1}
    assert records[0].raw.count("\n") == 1  # both runtime lines are kept as evidence


def test_envelope_built_from_fields_when_constructed():
    env = Envelope(
        sources=("cri",), timestamp=datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=UTC), stream="stdout"
    )
    rec = parse_line(DNS)
    rec.envelope = env
    line = format_line(rec, with_envelope=True)
    assert line == "2024-01-02T03:04:05.006000000Z stdout F " + DNS
    assert parse_line(line).envelope.timestamp == env.timestamp
