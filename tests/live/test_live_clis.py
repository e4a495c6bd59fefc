"""Live mode's CLIs: pinned context, the destructive-step guard before any process starts, and fallbacks."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest
from live_support import write_kubeconfig

from ingresslab.backends.live import LiveBackend
from ingresslab.backends.live.clis import _with_context, live_tools, python_curl, tutorial_objects
from ingresslab.commands.result import Invocation


@pytest.fixture
def remote(tmp_path, monkeypatch):
    monkeypatch.delenv("INGRESSLAB_ALLOW_DESTRUCTIVE", raising=False)
    cfg = write_kubeconfig(tmp_path / "config", "https://k8s.prod.example.invalid:6443", context="prod-eu")
    backend = LiveBackend(kubeconfig=cfg, request_timeout=1.0)
    return live_tools(backend, SimpleNamespace(cwd=str(tmp_path)))


def test_deleting_a_namespace_on_a_remote_context_is_refused_before_any_process_runs(remote):
    result = remote["kubectl"](Invocation(["kubectl", "delete", "namespace", "application"]))
    assert result.returncode == 1
    assert "prod-eu" in result.stderr and "INGRESSLAB_ALLOW_DESTRUCTIVE" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [["istioctl", "uninstall", "--purge", "-y"], ["minikube", "addons", "disable", "ingress"]],
)
def test_other_destructive_tools_are_refused_too(remote, argv):
    result = remote[argv[0]](Invocation(argv))
    assert result.returncode == 1 and "prod-eu" in result.stderr


REGISTRY_ONLY_INSTALL = [
    "istioctl",
    "install",
    "--set",
    "profile=demo",
    "--set",
    "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY",
    "-y",
]


def test_switching_a_remote_mesh_to_registry_only_is_refused_before_istioctl_runs(remote):
    result = remote["istioctl"](Invocation(REGISTRY_ONLY_INSTALL))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(
        "ingresslab: refusing to switch the mesh's outbound policy to REGISTRY_ONLY on context 'prod-eu'"
    )
    assert "allow_destructive=True" in result.stderr and "INGRESSLAB_ALLOW_DESTRUCTIVE=1" in result.stderr


def test_registry_only_passes_the_guard_when_allowed(remote, monkeypatch, tmp_path):
    monkeypatch.setenv("INGRESSLAB_ALLOW_DESTRUCTIVE", "1")
    monkeypatch.setenv("PATH", str(tmp_path))  # no istioctl here: getting that far shows the guard let it by
    result = remote["istioctl"](Invocation(REGISTRY_ONLY_INSTALL))
    assert result.returncode == 127 and "refusing" not in result.stderr


def test_tutorial_objects_are_owned_so_their_cleanup_is_not_destructive():
    owned = tutorial_objects()
    assert "services/application/dest-svc-v1" in owned
    assert "ingresses.networking.k8s.io/application/my-nginx-ingress" in owned


def test_context_is_pinned_for_kubectl_and_istioctl():
    assert _with_context("kubectl", ["kubectl", "get", "pods"], "minikube") == [
        "kubectl",
        "--context",
        "minikube",
        "get",
        "pods",
    ]
    assert _with_context("kubectl", ["kubectl", "--context=kind-x", "get"], "minikube") == [
        "kubectl",
        "--context=kind-x",
        "get",
    ]
    assert _with_context("curl", ["curl", "http://x"], "minikube") == ["curl", "http://x"]


def test_missing_kubectl_falls_back_to_the_emulation(remote, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = remote["kubectl"](Invocation(["kubectl", "version"]))
    assert result.returncode == 0 and "Client Version" in result.stdout


def test_missing_istioctl_names_the_install_hint(remote, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = remote["istioctl"](Invocation(["istioctl", "version"]))
    assert result.returncode == 127 and "istioctl" in result.stderr


class _Echo(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"{self.headers['Host']} {self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_python_curl_fallback_speaks_http_with_resolve_and_headers():
    server = HTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        result = python_curl(
            Invocation(
                [
                    "curl",
                    "-s",
                    "-i",
                    "--resolve",
                    f"yuya.example.com:{port}:127.0.0.1",
                    f"http://yuya.example.com:{port}/v1",
                ]
            )
        )
        assert result.returncode == 0
        assert result.stdout.startswith("HTTP/1.1 200 OK\r\n")
        assert result.stdout.endswith(f"yuya.example.com:{port} /v1\n")
        code = python_curl(
            Invocation(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{port}/"])
        )
        assert code.stdout == "200"
    finally:
        server.shutdown()
        server.server_close()
    refused = python_curl(Invocation(["curl", f"http://127.0.0.1:{port}/"]))
    assert refused.returncode == 7


class _ProxyOnlyBackend:
    """A live backend stand-in whose istio-proxy answers `pilot-agent request GET …` with a real-shaped dump."""

    def __init__(self, dump: str) -> None:
        self.dump = dump
        self.calls: list[tuple] = []

    def current_namespace(self) -> str:
        return "application"

    def exec(self, pod, command, namespace=None, *, container=None):
        from ingresslab.backends.base import ExecResult

        self.calls.append((pod, tuple(command), namespace, container))
        if pod == "missing":
            return ExecResult("", 'pods "missing" not found\n', 1)
        return ExecResult(self.dump)


@pytest.fixture(scope="module")
def gateway_dump() -> str:
    import json

    import ingresslab
    from ingresslab import tutorial
    from ingresslab.backends.sandbox.envoyconfig import config_dump
    from ingresslab.manifests import DEMO_DIR

    lab = ingresslab.connect("sandbox", state=None, cwd=DEMO_DIR.parent)
    tutorial.ensure_istio(lab)
    pod = lab.backend.list("pods", "istio-system", label_selector="istio=ingressgateway")[0]
    with lab.backend.transaction(write=False, tick=False) as cluster:
        return json.dumps(config_dump(cluster, pod))


def test_proxy_config_without_istioctl_asks_pilot_agent_in_the_proxy(gateway_dump):
    from ingresslab.backends.live.clis import proxy_config_without_istioctl

    backend = _ProxyOnlyBackend(gateway_dump)
    run = proxy_config_without_istioctl(backend)
    result = run(
        Invocation(
            ["istioctl", "proxy-config", "listener", "istio-ingressgateway-x.istio-system", "--port", "8080"]
        )
    )
    assert result.returncode == 0, result.stderr
    assert "Route: http.8080" in result.stdout
    assert backend.calls == [
        (
            "istio-ingressgateway-x",
            ("pilot-agent", "request", "GET", "config_dump"),
            "istio-system",
            "istio-proxy",
        )
    ]
    routes = run(
        Invocation(
            ["istioctl", "pc", "route", "istio-ingressgateway-x", "-n", "istio-system", "--name", "http.8080"]
        )
    )
    assert "/v1" in routes.stdout and "istio-autogenerated-k8s-ingress" in routes.stdout


def test_proxy_config_without_istioctl_reports_failures_clearly(gateway_dump):
    from ingresslab.backends.live.clis import proxy_config_without_istioctl

    run = proxy_config_without_istioctl(_ProxyOnlyBackend(gateway_dump))
    failed = run(Invocation(["istioctl", "proxy-config", "cluster", "missing"]))
    assert failed.returncode == 1 and "through pilot-agent" in failed.stderr and "not found" in failed.stderr
    bad = run(Invocation(["istioctl", "proxy-config", "routes", "x", "--fqdn", "y"]))
    assert bad.returncode == 1 and "unknown flag: --fqdn" in bad.stderr
    other = run(Invocation(["istioctl", "version"]))
    assert other.returncode == 127 and "istioctl" in other.stderr
    garbage = proxy_config_without_istioctl(_ProxyOnlyBackend("not json"))(
        Invocation(["istioctl", "pc", "cluster", "p"])
    )
    assert garbage.returncode == 1 and garbage.stderr.startswith("Error: ")
