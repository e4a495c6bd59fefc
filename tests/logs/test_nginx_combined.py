"""nginx's `combined` format (NGINX Gateway Fabric's default access log): parsed, written back, told apart."""

from __future__ import annotations

from datetime import datetime, timezone

from ingresslab.logs import NginxAccess, NginxCombined, detect_format, format_line, parse_line, parse_lines

LINE = '10.244.0.1 - - [15/Sep/2024:08:40:32 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0"'
UPSTREAMINFO = (
    '192.168.76.1 - - [15/Sep/2024:08:52:37 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0" 85 0.001 '
    "[application-dest-svc-v1-http-v1] [] 10.244.0.9:5678 33 0.001 200 0c1a"
)


def test_a_combined_line_reads_into_typed_fields_and_writes_back_byte_for_byte():
    rec = parse_line(LINE)
    assert isinstance(rec, NginxCombined)
    assert (rec.remote_addr, rec.method, rec.path, rec.protocol, rec.status, rec.body_bytes_sent) == (
        "10.244.0.1",
        "GET",
        "/v1",
        "HTTP/1.1",
        200,
        33,
    )
    assert rec.time == datetime(2024, 9, 15, 8, 40, 32, tzinfo=timezone.utc)
    assert rec.remote_user is None and rec.http_referer is None and rec.http_user_agent == "curl/7.81.0"
    assert format_line(rec) == LINE


def test_ingress_nginx_lines_stay_ingress_nginx_and_detection_tells_the_two_apart():
    assert isinstance(parse_line(UPSTREAMINFO), NginxAccess)
    assert parse_line(UPSTREAMINFO, format="nginx-combined") is None
    assert detect_format(LINE) == "nginx-combined"
    assert detect_format(UPSTREAMINFO) == "ingress-nginx"


def test_escaped_values_and_a_bad_request_line():
    line = (
        r'10.0.0.1 - bob [15/Sep/2024:08:40:32 +0000] "GET /a\x22b HTTP/1.1" 404 0 "http://x/" "a \x22b\x22"'
    )
    rec = parse_line(line, format="nginx-combined")
    assert rec.path == '/a"b' and rec.remote_user == "bob" and rec.http_user_agent == 'a "b"'
    assert format_line(rec) == line
    odd = parse_line('10.0.0.1 - - [15/Sep/2024:08:40:32 +0000] "\\x16\\x03" 400 150 "-" "-"')
    assert odd.status == 400 and odd.method == "" and odd.request == "\x16\x03"


def test_unparseable_lines_are_counted_not_raised():
    from ingresslab.logs import ParseReport

    report = ParseReport()
    got = list(
        parse_lines(
            [LINE, "garbage", LINE.replace("[15/Sep", "[15/Foo")], format="nginx-combined", report=report
        )
    )
    assert len(got) == 1 and report.skipped == 2
