"""Istio 1.23's *Accessing External Services* task (egress-control) pasted into `lab.sh` against the sandbox:
the sleep sample injected, ALLOW_ANY by default, REGISTRY_ONLY through `istioctl install --set meshConfig...`,
ServiceEntries for httpbin.org and www.google.com, a VirtualService timeout — each step's curl output and
the sidecar's access-log lines, parsed, field by field against the fact sheet's real lines."""

from __future__ import annotations

import base64
import json

import pytest

import ingresslab
from ingresslab.backends.sandbox.outside import SITES
from ingresslab.logs import parse_line

pytest.importorskip("ingresslab.commands.shell", reason="the lab's shell is not in this checkout yet")

SLEEP_URL = "https://raw.githubusercontent.com/istio/istio/release-1.23/samples/sleep/sleep.yaml"
CURL_URL = "https://raw.githubusercontent.com/istio/istio/release-1.24/samples/curl/curl.yaml"
SOURCE_POD = "export SOURCE_POD=$(kubectl get pod -l app=sleep -o jsonpath='{.items..metadata.name}')\n"
HTTPBIN_EXT = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: httpbin-ext
spec:
  hosts:
  - httpbin.org
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: DNS
  location: MESH_EXTERNAL
EOF
"""
GOOGLE = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: google
spec:
  hosts:
  - www.google.com
  ports:
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
  location: MESH_EXTERNAL
EOF
"""
HTTPBIN_TIMEOUT = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: httpbin-ext
spec:
  hosts:
  - httpbin.org
  http:
  - timeout: 3s
    route:
    - destination:
        host: httpbin.org
      weight: 100
EOF
"""
CHECK_HTTPS = (
    'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSI https://www.google.com | grep  "HTTP/"; '
    'kubectl exec "$SOURCE_POD" -c sleep -- curl -sI https://edition.cnn.com | grep "HTTP/"'
)
REGISTRY_ONLY = (
    "istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY -y"
)


@pytest.fixture
def lab():
    lab = ingresslab.connect("sandbox", state=None)
    lab.sh("istioctl install --set profile=demo -y").check()
    lab.sh("kubectl label namespace default istio-injection=enabled").check()
    lab.sh(f"kubectl apply -f {SLEEP_URL}").check()
    return lab


def _sh(lab, command: str):
    return lab.sh(SOURCE_POD + command)


def _proxy_lines(lab) -> list:
    out = _sh(lab, 'kubectl logs "$SOURCE_POD" -c istio-proxy | tail').check().stdout
    return [parse_line(line) for line in out.splitlines() if line.startswith("[")]


def _pod_ip(lab) -> str:
    return _sh(lab, "kubectl get pod $SOURCE_POD -o jsonpath='{.status.podIP}'").check().stdout.strip()


def test_client_samples_of_both_names_are_served(lab):
    pods = json.loads(lab.sh("kubectl get pods -l app=sleep -o json").check().stdout)["items"]
    assert [c["name"] for c in pods[0]["spec"]["containers"]] == ["sleep", "istio-proxy"]
    assert pods[0]["spec"]["containers"][0]["image"] == "curlimages/curl"
    assert lab.sh(f"kubectl apply -f {CURL_URL}").check().stdout == (
        "serviceaccount/curl created\nservice/curl created\ndeployment.apps/curl created\n"
    )
    head = lab.sh("kubectl exec deploy/curl -c curl -- curl -sSI https://www.google.com").check().stdout
    assert head.startswith("HTTP/2 200 \r\ncontent-type: text/html; charset=ISO-8859-1\r\n")


def test_default_mesh_config_has_no_outbound_policy_and_allows_any(lab):
    mesh = lab.sh("kubectl get configmap istio -n istio-system -o yaml").check().stdout
    assert "outboundTrafficPolicy" not in mesh
    result = _sh(lab, CHECK_HTTPS)
    assert [line.rstrip() for line in result.stdout.splitlines()] == ["HTTP/2 200", "HTTP/2 200"]
    tls = [r for r in _proxy_lines(lab) if r.method is None]
    assert len(tls) == 2
    google, cnn = tls
    pod_ip = _pod_ip(lab)
    # "- - -" 0 - - - "-" 789 6096 75 - "-" "-" "-" "-" "151.101.131.5:443" PassthroughCluster <pod>:<p> 151.101.131.5:443 <pod>:<p> - -
    assert (google.response_code, google.response_flags, google.response_code_details) == (0, [], None)
    assert google.upstream_cluster == "PassthroughCluster"
    assert google.upstream_host == "142.251.36.4:443" == google.downstream_local_address
    assert google.upstream_local_address.startswith(f"{pod_ip}:")
    assert google.downstream_remote_address.startswith(f"{pod_ip}:")
    assert (google.requested_server_name, google.route_name) == (None, None)
    assert google.bytes_received > 500 and google.bytes_sent > 4000
    assert cnn.upstream_host.removesuffix(":443") in SITES["edition.cnn.com"].addresses


def test_allow_any_plain_http_goes_through_passthrough_cluster(lab):
    out = _sh(
        lab,
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sS -o /dev/null -w "%{http_code}\\n" http://www.baidu.com',
    )
    assert out.check().stdout == "200\n"
    line = _proxy_lines(lab)[-1]
    # "GET / HTTP/1.1" 200 - via_upstream - "-" 0 2381 12 12 "-" "curl/8.8.0" "…" "www.baidu.com" "183.2.172.185:80"
    #   PassthroughCluster … 183.2.172.185:80 … - allow_any
    assert (line.method, line.path, line.protocol, line.response_code) == ("GET", "/", "HTTP/1.1", 200)
    assert (line.response_flags, line.response_code_details, line.bytes_sent) == ([], "via_upstream", 2381)
    assert (line.authority, line.upstream_host, line.upstream_cluster) == (
        "www.baidu.com",
        "183.2.172.185:80",
        "PassthroughCluster",
    )
    assert line.downstream_local_address == "183.2.172.185:80"
    assert (line.requested_server_name, line.route_name) == (None, "allow_any")


def test_registry_only_blocks_tls_with_exit_35_and_http_with_envoys_502(lab):
    lab.sh(REGISTRY_ONLY).check()
    mesh = lab.sh("kubectl get configmap istio -n istio-system -o jsonpath='{.data.mesh}'").check().stdout
    assert "outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n" in mesh
    result = _sh(
        lab,
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sI https://www.google.com | grep  "HTTP/"; '
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sI https://edition.cnn.com | grep "HTTP/"',
    )
    assert result.stdout == ""
    assert result.stderr == "command terminated with exit code 35\ncommand terminated with exit code 35\n"
    shown = _sh(lab, 'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSI https://www.google.com')
    assert shown.stderr == (
        "curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to www.google.com:443 \n"
        "command terminated with exit code 35\n"
    )
    blocked = _proxy_lines(lab)[-1]
    # "- - -" 0 UH - - "-" 0 0 0 - "-" "-" "-" "-" "-" BlackHoleCluster - 142.251.36.4:443 <pod>:<port> - -
    assert (blocked.method, blocked.response_code, blocked.response_flags) == (None, 0, ["UH"])
    assert (blocked.bytes_received, blocked.bytes_sent, blocked.duration) == (0, 0, 0)
    assert (blocked.upstream_host, blocked.upstream_cluster, blocked.upstream_local_address) == (
        None,
        "BlackHoleCluster",
        None,
    )
    assert blocked.downstream_local_address == "142.251.36.4:443"
    assert (blocked.requested_server_name, blocked.route_name) == (None, None)

    http = _sh(lab, 'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSI http://www.baidu.com').check()
    lines = http.stdout.split("\r\n")
    assert lines[0] == "HTTP/1.1 502 Bad Gateway"
    assert lines[1].startswith("date: ") and lines[2:] == ["server: envoy", "content-length: 0", "", ""]
    line = _proxy_lines(lab)[-1]
    # "GET / HTTP/1.1" 502 - direct_response - "-" 0 0 0 - "-" "curl/…" "…" "www.baidu.com" "-" - -
    #   183.2.172.185:80 <pod>:<port> - block_all
    assert (line.method, line.response_code, line.response_flags, line.response_code_details) == (
        "HEAD",
        502,
        [],
        "direct_response",
    )
    assert (line.bytes_sent, line.upstream_service_time, line.upstream_host, line.upstream_cluster) == (
        0,
        None,
        None,
        None,
    )
    assert line.upstream_local_address is None and line.downstream_local_address == "183.2.172.185:80"
    assert (line.authority, line.route_name) == ("www.baidu.com", "block_all")

    lab.sh(
        "istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=ALLOW_ANY -y"
    ).check()
    assert [x.rstrip() for x in _sh(lab, CHECK_HTTPS).stdout.splitlines()] == ["HTTP/2 200", "HTTP/2 200"]


def test_service_entries_open_httpbin_and_google_under_registry_only(lab):
    lab.sh(REGISTRY_ONLY).check()
    assert lab.sh(HTTPBIN_EXT).check().stdout == "serviceentry.networking.istio.io/httpbin-ext created\n"
    body = (
        _sh(lab, 'kubectl exec "$SOURCE_POD" -c sleep -- curl -sS http://httpbin.org/headers').check().stdout
    )
    headers = json.loads(body)["headers"]
    assert (headers["Accept"], headers["Host"]) == ("*/*", "httpbin.org")
    assert headers["X-Envoy-Decorator-Operation"] == "httpbin.org:80/*"
    assert headers["User-Agent"].startswith("curl/") and headers["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert "X-Request-Id" not in headers and "X-Forwarded-For" not in headers  # httpbin hides them
    pod, pod_ip = _sh(lab, "echo $SOURCE_POD").stdout.strip(), _pod_ip(lab)
    assert headers["X-Envoy-Peer-Metadata-Id"] == f"sidecar~{pod_ip}~{pod}.default~default.svc.cluster.local"
    assert pod_ip.encode() in base64.b64decode(headers["X-Envoy-Peer-Metadata"])
    assert (headers["X-B3-Sampled"], headers["X-Envoy-Attempt-Count"]) == ("1", "1")
    line = _proxy_lines(lab)[-1]
    # "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 1152 560 559 "-" "curl/8.4.0" "…" "httpbin.org"
    #   "54.204.25.77:80" outbound|80||httpbin.org … 54.204.25.77:80 … - default
    assert (line.method, line.path, line.response_code, line.response_code_details) == (
        "GET",
        "/headers",
        200,
        "via_upstream",
    )
    assert line.bytes_sent == len(body.encode())
    assert line.upstream_cluster == "outbound|80||httpbin.org" and line.route_name == "default"
    assert line.upstream_host.removesuffix(":80") in SITES["httpbin.org"].addresses
    assert line.downstream_local_address.removesuffix(":80") in SITES["httpbin.org"].addresses
    rows = lab.sh("kubectl get serviceentry").check().stdout.splitlines()
    assert rows[0].split() == ["NAME", "HOSTS", "LOCATION", "RESOLUTION", "AGE"]
    assert rows[1].split()[:4] == ["httpbin-ext", '["httpbin.org"]', "MESH_EXTERNAL", "DNS"]

    lab.sh(GOOGLE).check()
    out = _sh(lab, 'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSI https://www.google.com | grep  "HTTP/"')
    assert out.check().stdout.rstrip() == "HTTP/2 200"
    tls = _proxy_lines(lab)[-1]
    # "- - -" 0 - - - "-" 844 5875 101 - "-" "-" "-" "-" "142.251.36.4:443" outbound|443||www.google.com …
    #   142.251.36.4:443 … www.google.com -
    assert (tls.method, tls.response_code, tls.response_flags) == (None, 0, [])
    assert (tls.upstream_host, tls.upstream_cluster) == ("142.251.36.4:443", "outbound|443||www.google.com")
    assert (tls.requested_server_name, tls.route_name) == ("www.google.com", None)


def test_virtual_service_timeout_turns_a_slow_answer_into_504(lab):
    lab.sh(HTTPBIN_EXT).check()
    slow = 'kubectl exec "$SOURCE_POD" -c sleep -- curl -o /dev/null -sS -w "%{http_code}\\n" http://httpbin.org/delay/5'
    assert _sh(lab, slow).check().stdout == "200\n"
    first = _proxy_lines(lab)[-1]
    assert first.duration >= 5000 and first.route_name == "default"
    lab.sh(HTTPBIN_TIMEOUT).check()
    assert _sh(lab, slow).check().stdout == "504\n"
    line = _proxy_lines(lab)[-1]
    assert (line.response_code, line.response_flags, line.response_code_details) == (
        504,
        ["UT"],
        "response_timeout",
    )
    assert 3000 <= line.duration < 3100 and line.bytes_sent == len("upstream request timeout")
    assert line.upstream_cluster == "outbound|80||httpbin.org" and line.route_name is None
