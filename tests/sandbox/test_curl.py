"""The sandbox's curl: output layout, options and curl's own errors and exit codes (pinned against
/usr/bin/curl on a throwaway local server where the layout does not depend on the version)."""

from __future__ import annotations

import http.server
import subprocess
import threading

import pytest
from dataplane_fixtures import with_nginx
from oracles import require_binary

from ingresslab.backends.sandbox.tools.curl import factory, parse_args
from ingresslab.commands.result import Invocation


def _lines(text: str) -> list[str]:
    """Lines split on LF only, so the CRLF curl writes for protocol lines stays visible as a trailing CR."""
    return text.rstrip("\n").split("\n")


@pytest.fixture(scope="module")
def curl():
    run = factory(with_nginx(), ".")
    return lambda *argv: run(Invocation(["curl", *argv]))


def test_seed_resolve_form_prints_status_headers_and_body(curl):
    r = curl("--resolve", "yuya.example.com:80:192.168.76.2", "-i", "http://yuya.example.com/v1")
    head, _, body = r.stdout.partition("\r\n\r\n")
    assert r.returncode == 0 and body == "Hello World V1 from dest-depl-v1\n"
    lines = head.split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    assert lines[2:5] == [
        "Content-Type: text/plain; charset=utf-8",
        "Content-Length: 33",
        "Connection: keep-alive",
    ]


def test_host_header_attached_to_the_flag(curl):
    r = curl("-s", "-HHost:yuya.example.com", "http://192.168.76.2/v2")
    assert (r.returncode, r.stdout) == (0, "Hello World V2 from dest-depl-v2\n")


def test_verbose_shows_curl_7_81_request_and_response_lines(curl):
    r = curl("-sv", "http://192.168.76.2:30001/v1")
    lines = _lines(r.stderr)
    assert lines[:3] == [
        "*   Trying 192.168.76.2:30001...",
        "* Connected to 192.168.76.2 (192.168.76.2) port 30001 (#0)",
        "> GET /v1 HTTP/1.1\r",
    ]
    assert "> User-Agent: curl/7.81.0\r" in lines and "* Mark bundle as not supporting multiuse" in lines
    assert lines[-1] == "* Connection #0 to host 192.168.76.2 left intact"


def test_resolve_is_announced_in_verbose_output(curl):
    r = curl("-sv", "--resolve", "yuya.example.com:80:192.168.76.2", "http://yuya.example.com/v1")
    lines = _lines(r.stderr)
    assert lines[:4] == [
        "* Added yuya.example.com:80:192.168.76.2 to DNS cache",
        "* Hostname yuya.example.com was found in DNS cache",
        "*   Trying 192.168.76.2:80...",
        "* Connected to yuya.example.com (192.168.76.2) port 80 (#0)",
    ]


def test_write_out_and_output_to_dev_null(curl):
    r = curl("-s", "-o", "/dev/null", "-w", "%{http_code} %{remote_ip}\\n", "http://192.168.76.2:30001/")
    assert r.stdout == "200 192.168.76.2\n"
    t = curl("-s", "-o", "/dev/null", "-w", "%{time_total}", "http://192.168.76.2:30001/")
    assert 0 < float(t.stdout) < 0.05 and len(t.stdout.split(".")[1]) == 6


def test_curl_errors_and_exit_codes(curl):
    refused = curl("http://192.168.76.2:1234/")
    assert refused.returncode == 7
    assert (
        refused.stderr
        == "curl: (7) Failed to connect to 192.168.76.2 port 1234 after 0 ms: Connection refused\n"
    )
    unresolved = curl("http://yuya.example.com/v1")
    assert (unresolved.returncode, unresolved.stderr) == (
        6,
        "curl: (6) Could not resolve host: yuya.example.com\n",
    )
    assert curl("-s", "http://nowhere.invalid/").stderr == ""  # -s hides the message, -S brings it back
    assert curl("-sS", "http://nowhere.invalid/").returncode == 6
    timed = curl("--connect-timeout", "2", "http://10.108.0.1/")
    assert (
        timed.returncode == 28 and timed.stderr == "curl: (28) Connection timed out after 2001 milliseconds\n"
    )
    assert curl("-f", "-s", "-H", "Host: nomatch.org", "http://192.168.76.2/").returncode == 22
    assert curl("--bogus").returncode == 2 and curl().stderr.startswith("curl: no URL specified!")


def test_method_and_data(curl):
    r = curl("-s", "-X", "POST", "-d", "a=1", "-HHost:yuya.example.com", "http://192.168.76.2/v1")
    assert r.stdout == "Hello World V1 from dest-depl-v1\n"
    opts = parse_args(["-XPUT", "-d", "x", "-fsSL", "u"])
    assert (opts.method, opts.data, opts.fail, opts.silent, opts.show_error, opts.location, opts.urls) == (
        "PUT",
        ["x"],
        True,
        True,
        True,
        True,
        ["u"],
    )


class _Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"Hello World V1 from dest-depl-v1\n"
        self.send_response_only(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_layout_matches_the_real_curl(curl):
    require_binary("curl", package="curl")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        real = subprocess.run(
            ["curl", "-sv", "-i", "-A", "curl/7.81.0", f"http://127.0.0.1:{port}/v1"],
            capture_output=True,
            timeout=10,
            check=False,
        )
    finally:
        server.shutdown()
    ours = curl("-sv", "-i", "http://192.168.76.2:30001/v1")
    real_out, real_err = real.stdout.decode(), real.stderr.decode()  # bytes: keep curl's CRLFs
    real_lines, our_lines = _lines(real_err), _lines(ours.stderr)
    real_req = [ln for ln in real_lines if ln.startswith("> ")]
    our_req = [ln for ln in our_lines if ln.startswith("> ")]
    assert real_req[0] == our_req[0] == "> GET /v1 HTTP/1.1\r"
    assert [ln.split(":")[0] for ln in real_req[1:]] == [ln.split(":")[0] for ln in our_req[1:]]
    assert real_lines[0].startswith("*   Trying 127.0.0.1:") and our_lines[0].startswith("*   Trying ")
    assert real_lines[1].startswith("* Connected to 127.0.0.1 (127.0.0.1) port ")
    assert real_lines[-1].startswith("* Connection #0 to host 127.0.0.1 left intact")
    assert real_out.split("\r\n")[0] == ours.stdout.split("\r\n")[0] == "HTTP/1.1 200 OK"
    tail = "\r\n\r\nHello World V1 from dest-depl-v1\n"
    assert real_out.endswith(tail) and ours.stdout.endswith(tail)
