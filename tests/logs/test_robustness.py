"""Awkward but real-world lines: retries, failures, TCP, IPv6, sockets, quotes, spaces, older layouts."""

from __future__ import annotations

from datetime import datetime, timezone

from ingresslab.logs import (
    HttpEchoRequest,
    ParseReport,
    format_line,
    parse_line,
    parse_lines,
)

UTC = timezone.utc
NGINX_HEAD = '192.168.76.1 - - [15/Sep/2024:08:52:37 +0000] "GET /v1 HTTP/1.1"'


def nginx(tail: str, head: str = NGINX_HEAD) -> str:
    return head + tail


def roundtrip(line: str):
    rec = parse_line(line)
    assert rec is not None, line
    assert format_line(rec) == line
    return rec


# --- ingress-nginx ------------------------------------------------------------------------------------------


def test_nginx_escaped_quote_in_user_agent_is_unescaped_and_written_back():
    line = nginx(
        ' 200 33 "-" "evil \\x22agent\\x22 \\x5Cx" 82 0.001 [a-b-80] [] 10.0.0.1:80 33 0.001 200 abc'
    )
    rec = roundtrip(line)
    assert rec.http_user_agent == 'evil "agent" \\x'


def test_nginx_utf8_bytes_are_decoded_as_text():
    line = nginx(' 200 33 "-" "caf\\xC3\\xA9" 82 0.001 [a-b-80] [] 10.0.0.1:80 33 0.001 200 abc')
    assert roundtrip(line).http_user_agent == "café"


def test_nginx_ipv6_client_and_upstream_and_unix_socket():
    head = '2001:db8::1 - - [15/Sep/2024:08:52:37 +0000] "GET / HTTP/2.0"'
    rec = roundtrip(
        nginx(' 200 5 "-" "curl" 40 0.002 [ns-svc-80] [] [2a02:cf40::7]:5000 5 0.002 200 id1', head)
    )
    assert rec.remote_addr == "2001:db8::1" and rec.upstream_addr == ["[2a02:cf40::7]:5000"]
    rec = roundtrip(nginx(' 200 5 "-" "curl" 40 0.002 [ns-svc-80] [] unix:/tmp/app.sock 5 0.002 200 id2'))
    assert rec.upstream_addr == ["unix:/tmp/app.sock"]


def test_nginx_internal_redirect_groups_survive_a_round_trip():
    line = nginx(
        ' 200 10 "-" "curl" 82 0.010 [ns-a-80] [] 10.0.0.1:80, 10.0.0.2:80 : 10.0.0.9:8080 '
        "0, - : 10 0.004, - : 0.002 502, - : 200 rid"
    )
    rec = roundtrip(line)
    assert rec.upstream_addr == ["10.0.0.1:80", "10.0.0.2:80", "10.0.0.9:8080"]
    assert rec.upstream_response_length == [0, None, 10]
    assert rec.upstream_response_time == [0.004, None, 0.002]
    assert rec.upstream_status == [502, None, 200]
    assert rec.upstream_groups == [2, 1]


def test_nginx_503_without_endpoints_has_empty_upstream_lists():
    rec = roundtrip(
        nginx(' 503 190 "-" "curl/7.81.0" 82 0.000 [application-dest-svc-v1-7777] [] - - - - rid')
    )
    assert rec.status == 503
    assert rec.upstream_addr == rec.upstream_response_length == rec.upstream_response_time == []
    assert rec.upstream_status == []


def test_nginx_502_with_no_server_selected_logs_the_group_name():
    rec = roundtrip(nginx(' 502 150 "-" "curl" 82 0.000 [ns-svc-80] [] ns-svc-80 0 0.000 502 rid'))
    assert rec.upstream_addr == ["ns-svc-80"] and rec.upstream_status == [502]


def test_nginx_status_000_and_unparsed_request_line():
    line = (
        '10.0.0.5 - - [15/Sep/2024:08:52:37 +0000] "\\x16\\x03\\x01\\x02\\x00\\x01" 400 150 "-" "-" 0 0.001 '
        "[] [] - - - - 6c0b3a"
    )
    rec = roundtrip(line)
    assert rec.method is None and rec.path is None and rec.protocol is None
    assert rec.request_raw == "\x16\x03\x01\x02\x00\x01"
    assert rec.proxy_upstream_name == "" and rec.http_user_agent is None
    zero = roundtrip(nginx(' 000 0 "-" "curl" 148 30.932 [-] [] 10.0.0.1:5000 0 - - rid'))
    assert zero.status == 0 and zero.proxy_upstream_name is None and zero.upstream_response_time == []


def test_nginx_spaces_in_path_keep_method_and_protocol():
    line = nginx(
        ' 400 150 "-" "curl" 82 0.000 [] [] - - - - rid',
        '1.2.3.4 - - [15/Sep/2024:08:52:37 +0000] "GET /a b c HTTP/1.1"',
    )
    rec = roundtrip(line)
    assert (rec.method, rec.path, rec.protocol) == ("GET", "/a b c", "HTTP/1.1")
    http09 = roundtrip(
        nginx(' 400 0 "-" "-" 5 0.000 [] [] - - - - -', '1.2.3.4 - - [15/Sep/2024:08:52:37 +0000] "GET /"')
    )
    assert (http09.method, http09.path, http09.protocol) == ("GET", "/", None) and http09.req_id is None


def test_nginx_request_id_is_the_rest_of_the_line():
    rec = roundtrip(
        nginx(' 200 33 "-" "curl" 82 0.001 [a-b-80] [] 10.0.0.1:80 33 0.001 200 my id with spaces')
    )
    assert rec.req_id == "my id with spaces"


def test_nginx_timezone_offset_is_kept():
    line = '1.2.3.4 - bob [26/Mar/2024:16:21:04 +0100] "GET / HTTP/1.1" 200 1 "http://x/" "ua" 1 0.000 [a] [b] 1.1.1.1:80 1 0.000 200 r'
    rec = roundtrip(line)
    assert rec.time.utcoffset().total_seconds() == 3600 and rec.remote_user == "bob"
    assert rec.http_referer == "http://x/" and rec.proxy_alternative_upstream_name == "b"


def test_nginx_025_layout_with_the_real_ip():
    line = (
        '35.185.145.221 - [35.185.145.221] - - [26/Dec/2018:10:44:22 +0000] "GET / HTTP/1.1" 200 612 "-" '
        '"curl/7.29.0" 76 0.002 [default-web-80] [] 10.0.0.3:80 612 0.002 200 8f2d6b0e'
    )
    rec = roundtrip(line)
    assert rec.layout == "0.25" and rec.the_real_ip == "35.185.145.221" and rec.remote_user is None
    older = line.replace(" [] 10.0.0.3", " 10.0.0.3").replace(" 8f2d6b0e", "")
    rec = parse_line(older)
    assert rec.layout == "0.25" and rec.upstream_addr == ["10.0.0.3:80"] and rec.req_id is None


# --- Envoy and Istio --------------------------------------------------------------------------------------------

ISTIO_OK = (
    '[2024-09-15T12:35:56.471Z] "GET /v1 HTTP/1.1" 200 - via_upstream - "-" 0 33 0 0 "10.244.0.1" '
    '"{UA}" "3170f1cf" "yuya.example.com" "10.244.0.10:5678" outbound|7777||dest.ns.svc.cluster.local '
    "10.244.0.8:52522 10.244.0.8:8080 10.244.0.1:6131 - -"
)


def test_istio_unescaped_quotes_in_user_agent():
    line = ISTIO_OK.replace("{UA}", 'Mozilla "quoted" " tricky" end')
    rec = roundtrip(line)
    assert rec.user_agent == 'Mozilla "quoted" " tricky" end'
    assert rec.request_id == "3170f1cf" and rec.authority == "yuya.example.com"


def test_envoy_default_format_from_envoys_docs():
    line = (
        '[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" '
        '"nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"'
    )
    rec = roundtrip(line)
    assert rec.format == "envoy" and rec.response_code == 204 and rec.upstream_service_time == 100
    assert rec.upstream_host == "tcp://10.0.2.1:80" and rec.upstream_cluster is None


def test_istio_no_route_and_no_healthy_upstream():
    nr = roundtrip(
        '[2024-09-15T12:36:01.002Z] "GET /nope HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "10.244.0.1" '
        '"curl/7.81.0" "a1" "unknown.example.com" "-" - - 10.244.0.8:8080 10.244.0.1:6200 - -'
    )
    assert nr.response_flags == ["NR"] and nr.upstream_service_time is None and nr.upstream_cluster is None
    uh = roundtrip(
        '[2024-09-15T12:36:02.000Z] "GET /v1 HTTP/1.1" 503 UH,URX no_healthy_upstream - "-" 0 19 0 - "-" "curl" '
        '"a2" "yuya.example.com" "-" outbound|7777||dest.ns.svc.cluster.local - 10.244.0.8:8080 10.244.0.1:6201 - -'
    )
    assert uh.response_flags == ["UH", "URX"] and uh.response_code_details == "no_healthy_upstream"


def test_istio_connect_failure_details_and_transport_reason_with_spaces():
    rec = roundtrip(
        '[2024-09-15T12:36:03.000Z] "GET / HTTP/1.1" 503 UF,URX '
        "upstream_reset_before_response_started{remote_connection_failure,delayed_connect_error:_111} - "
        '"delayed connect error: 111" 0 91 30 - "-" "curl" "a3" "h" "10.244.0.10:5678" '
        "outbound|7777||d.ns.svc.cluster.local - 10.244.0.8:8080 10.244.0.1:6202 - default"
    )
    assert rec.response_code_details.endswith("delayed_connect_error:_111}")
    assert rec.upstream_transport_failure_reason == "delayed connect error: 111"


def test_istio_tcp_line_and_client_gone_code_0():
    rec = roundtrip(
        '[2024-09-15T12:40:00.000Z] "- - -" 0 - - - "-" 1342 4200 1503 - "-" "-" "-" "-" "10.244.0.20:3306" '
        "outbound|3306||mysql.db.svc.cluster.local 10.244.0.9:40100 10.96.5.5:3306 10.244.0.9:40098 - -"
    )
    assert rec.method is None and rec.path is None and rec.protocol is None
    assert rec.response_code == 0 and rec.bytes_received == 1342 and rec.duration == 1503
    dc = roundtrip(
        '[2024-09-15T12:40:01.000Z] "GET /slow HTTP/1.1" 0 DC downstream_remote_disconnect - "-" 0 0 5000 - "-" '
        '"curl" "a4" "h" "10.244.0.10:5678" outbound|7777||d.ns.svc.cluster.local 10.244.0.8:1 10.244.0.8:8080 '
        "10.244.0.1:2 - default"
    )
    assert dc.response_flags == ["DC"] and dc.response_code == 0


def test_istio_ipv6_envoy_internal_addresses_and_trailing_semicolon():
    line = (
        '[2024-09-15T12:41:00.000Z] "GET / HTTP/2" 200 - via_upstream - "-" 0 3 1 1 "-" "grpc" "a5" "svc" '
        '"[fd00::10]:8080" outbound|80||svc.ns.svc.cluster.local; [fd00::8]:4000 envoy://connect_originate/ '
        "[::1]:0 - default"
    )
    rec = parse_line(line)
    assert rec.upstream_cluster == "outbound|80||svc.ns.svc.cluster.local"
    assert (
        rec.upstream_host == "[fd00::10]:8080"
        and rec.downstream_local_address == "envoy://connect_originate/"
    )
    assert rec.downstream_remote_address == "[::1]:0"
    assert format_line(rec) == line.replace(".local;", ".local")


def test_istio_18_and_17_layouts():
    v18 = roundtrip(
        '[2020-11-01T10:00:00.000Z] "GET / HTTP/1.1" 200 - "-" 0 3 1 1 "-" "curl" "a" "h" "10.0.0.1:80" '
        "outbound|80||h.ns.svc.cluster.local 10.0.0.2:1 10.0.0.3:80 10.0.0.2:2 - default"
    )
    assert v18.layout == "1.8" and v18.response_code_details is None and v18.route_name == "default"
    v17 = roundtrip(
        '[2020-06-01T10:00:00.000Z] "GET / HTTP/1.1" 200 - "-" "-" 0 3 1 1 "-" "curl" "a" "h" "10.0.0.1:80" '
        "outbound|80||h.ns.svc.cluster.local 10.0.0.2:1 10.0.0.3:80 10.0.0.2:2 - default"
    )
    assert v17.layout == "1.7" and v17.istio_policy_status is None and v17.bytes_sent == 3


def test_istio_json_line_with_nulls_and_string_numbers():
    line = (
        '{"authority":"yuya.example.com","bytes_received":0,"bytes_sent":33,"connection_termination_details":null,'
        '"downstream_local_address":"10.244.0.8:8080","downstream_remote_address":"10.244.0.1:6131","duration":1,'
        '"method":"GET","path":"/v1","protocol":"HTTP/1.1","request_id":"abc","requested_server_name":null,'
        '"response_code":200,"response_code_details":"via_upstream","response_flags":"-","route_name":null,'
        '"start_time":"2024-09-15T12:35:56.471Z","upstream_cluster":"outbound|7777||d.ns.svc.cluster.local",'
        '"upstream_host":"10.244.0.10:5678","upstream_local_address":"10.244.0.8:52522",'
        '"upstream_service_time":"1","upstream_transport_failure_reason":null,"user_agent":"curl/7.81.0",'
        '"x_forwarded_for":"10.244.0.1"}'
    )
    rec = roundtrip(line)
    assert rec.format == "istio-json" and rec.response_code == 200 and rec.upstream_service_time == 1
    assert rec.response_flags == [] and rec.route_name is None and rec.cluster.port == 7777
    lenient = parse_line(
        '{"start_time":"2024-09-15T12:35:56.471Z","response_code":"503","upstream_cluster":"-","response_flags":"UH"}'
    )
    assert (
        lenient.response_code == 503 and lenient.upstream_cluster is None and lenient.response_flags == ["UH"]
    )


# --- CoreDNS ----------------------------------------------------------------------------------------------------


def test_coredns_ipv6_client_no_flags_and_combined_opcode():
    rec = roundtrip(
        '[INFO] [fd00::5]:40001 - 7 "AAAA IN example.com. tcp 40 true 65535" SERVFAIL - 0 1.5s "QUERY"'
    )
    assert rec.remote == "fd00::5" and rec.port == 40001 and rec.do is True and rec.bufsize == 65535
    assert rec.rflags == [] and rec.duration == 1.5 and rec.opcode == "QUERY"


def test_coredns_12_layout_with_when():
    rec = roundtrip(
        '172.17.0.1:36066 - [11/Jan/2019:19:59:01 +0000] 2 "A IN example.org. udp 29 false 512" NOERROR qr,rd,ra 45 0.000344s'
    )
    assert rec.layout == "1.1" and rec.time == datetime(2019, 1, 11, 19, 59, 1, tzinfo=UTC)
    assert rec.rflags == ["qr", "rd", "ra"] and rec.port == 36066
    no_port = roundtrip(
        '::1 - [11/Jan/2019:19:59:01 +0000] 3 "MX IN example.net. udp 46 false 512" NOERROR qr 45 0.0001s'
    )
    assert no_port.remote == "::1" and no_port.port is None


# --- http-echo --------------------------------------------------------------------------------------------------


def test_http_echo_request_line():
    line = '2024/09/15 08:52:37 yuya.example.com 10.244.0.9:52438 "GET /v1 HTTP/1.1" 200 33 "curl/7.81.0" 57.125µs'
    rec = roundtrip(line)
    assert rec == HttpEchoRequest(
        time=datetime(2024, 9, 15, 8, 52, 37, tzinfo=UTC),
        host="yuya.example.com",
        remote_addr="10.244.0.9:52438",
        method="GET",
        path="/v1",
        proto="HTTP/1.1",
        status=200,
        length=33,
        user_agent="curl/7.81.0",
        duration=57.125e-6,
    )


def test_http_echo_empty_host_quotes_and_spaces_and_long_durations():
    rec = roundtrip('2024/09/15 08:52:37  [::1]:4000 "GET /a "b" c HTTP/1.0" 200 10 "ua "x" y" 1m2.5s')
    assert rec.host == "" and rec.path == '/a "b" c' and rec.user_agent == 'ua "x" y'
    assert rec.remote_addr == "[::1]:4000" and rec.duration == 62.5
    assert roundtrip('2024/09/15 08:52:37 h 1.2.3.4:1 "POST / HTTP/2.0" 200 3 "" 0s').duration == 0.0
    assert (
        roundtrip('2024/09/15 08:52:37 h 1.2.3.4:1 "GET / HTTP/1.1" 200 3 "" 1.000002ms').duration
        == 0.000001000002 * 1000
    )


# --- lines that are not access lines ------------------------------------------------------------------------


NOISE = [
    "I0825 16:19:13.160557       7 controller.go:190] Configuration changes detected, backend reload required.",
    "2021/03/27 01:58:00 [error] 41#41: *1 connect() failed (111: Connection refused) while connecting to upstream",
    "2024/09/15 08:52:30 [INFO] server is listening on :5678",
    "[2021-11-03 17:22:43.361][1678][info][main] [source/server/server.cc:368] initializing epoch 0",
    "2024-09-15T12:35:50.000000Z\tinfo\tEnvoy proxy is ready",
    "[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc",
    ".:53",
    "",
    '{"level":"info","msg":"not an access line"}',
    "-------------------------------------------------------------------------------",
]


def test_noise_lines_are_counted_and_sampled_never_raised():
    report = ParseReport(max_samples=3)
    good = '[INFO] 10.0.0.1:1 - 1 "A IN a. udp 1 false 512" NOERROR qr 1 0.001s'
    records = list(parse_lines([*NOISE, good], report=report))
    assert [r.format for r in records] == ["coredns"]
    assert report.lines == len(NOISE) + 1 and report.skipped == len(NOISE)
    assert report.samples == NOISE[:3]
    kinds = report.skipped_kinds
    assert kinds["klog"] == 1 and kinds["nginx-error"] == 1 and kinds["go-log"] == 1
    assert kinds["envoy-log"] == 1 and kinds["istio-log"] == 1 and kinds["coredns-log"] == 1
    assert kinds["blank"] == 1 and kinds["json"] == 1 and kinds["other"] == 2
    assert all(parse_line(line) is None for line in NOISE)
    assert "1 records (coredns 1)" in report.summary()
