"""Running host binaries: argument lists, timeouts, missing tools, and the argv builders."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from ingresslab.tools import (
    ToolNotFound,
    ToolTimeout,
    curl_argv,
    find_tool,
    istioctl_argv,
    istioctl_install_argv,
    istioctl_proxy_config_argv,
    istioctl_uninstall_argv,
    kubectl_argv,
    minikube_addons_argv,
    minikube_argv,
    minikube_ip_argv,
    minikube_service_url_argv,
    run_tool,
    version_argv,
)


def fake_tool(directory: Path, name: str, output: str) -> Path:
    """An executable that prints `output` and its arguments (a stand-in for kubectl & co.)."""
    path = directory / name
    path.write_text(
        f"#!{sys.executable}\nimport sys\nprint({output!r})\nprint(' '.join(sys.argv[1:]), file=sys.stderr)\n",
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


def test_run_tool_passes_arguments_verbatim_without_a_shell() -> None:
    hostile = "$(echo pwned); rm -rf / | cat `id`"
    result = run_tool([sys.executable, "-c", "import sys; print(sys.argv[1])", hostile], timeout=10)
    assert result.ok and result.stdout == f"{hostile}\n"


def test_run_tool_feeds_stdin_and_returns_the_exit_code() -> None:
    code = "import sys; data = sys.stdin.read(); print(data.upper()); sys.exit(3)"
    result = run_tool([sys.executable, "-c", code], timeout=10, stdin="kind: Service")
    assert (result.stdout, result.returncode) == ("KIND: SERVICE\n", 3)


def test_run_tool_lays_env_over_the_current_environment_and_honours_cwd(tmp_path: Path) -> None:
    code = "import os; print(os.environ['INGRESSLAB_T'], bool(os.environ.get('PATH')), os.getcwd())"
    result = run_tool([sys.executable, "-c", code], timeout=10, env={"INGRESSLAB_T": "x"}, cwd=tmp_path)
    assert result.stdout.split() == ["x", "True", str(tmp_path.resolve())]


def test_run_tool_stops_a_hung_command_with_a_clear_message() -> None:
    started = time.monotonic()
    with pytest.raises(ToolTimeout) as info:
        run_tool([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.3)
    assert time.monotonic() - started < 5
    assert "did not finish within 0.3 s" in str(info.value) and "ingresslab doctor" in str(info.value)


@pytest.mark.parametrize(
    ("tool", "hint"),
    [
        ("kubectl", "https://kubernetes.io/docs/tasks/tools/"),
        ("minikube", "https://minikube.sigs.k8s.io/docs/start/"),
        ("istioctl", "curl -L https://istio.io/downloadIstio | sh -"),
        ("curl", "sudo apt-get install curl"),
    ],
)
def test_missing_tools_say_how_to_install_them(
    tool: str, hint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolNotFound) as info:
        run_tool([tool, "version"], timeout=5)
    assert str(info.value).startswith(f"{tool} was not found on PATH; install")
    assert hint in str(info.value)
    with pytest.raises(ToolNotFound):
        find_tool(tool)


def test_a_missing_absolute_path_is_also_tool_not_found(tmp_path: Path) -> None:
    with pytest.raises(ToolNotFound, match="kubectl was not found"):
        run_tool([str(tmp_path / "kubectl"), "get", "pods"], timeout=5)


def test_find_tool_reports_path_and_version(tmp_path: Path) -> None:
    fake_tool(tmp_path, "kubectl", "Client Version: v1.31.2\nKustomize Version: v5.4.2")
    fake_tool(tmp_path, "istioctl", "client version: 1.23.2")
    fake_tool(tmp_path, "curl", "curl 8.5.0 (x86_64-pc-linux-gnu) libcurl/8.5.0")
    kubectl = find_tool("kubectl", path=str(tmp_path))
    assert (kubectl.path, kubectl.version) == (str(tmp_path / "kubectl"), "v1.31.2")
    assert find_tool("istioctl", path=str(tmp_path)).version == "1.23.2"
    assert find_tool("curl", path=str(tmp_path)).version == "8.5.0"


def test_find_tool_asks_each_tool_for_its_client_version_only() -> None:
    assert version_argv("kubectl") == ["kubectl", "version", "--client"]
    assert version_argv("istioctl") == ["istioctl", "version", "--remote=false"]
    assert version_argv("minikube") == ["minikube", "version", "--short"]


def test_kubectl_argv_pins_context_and_namespace() -> None:
    assert kubectl_argv("minikube", "get", "pods", "-owide") == [
        "kubectl",
        "--context",
        "minikube",
        "get",
        "pods",
        "-owide",
    ]
    assert kubectl_argv("kind-a", "logs", "p", namespace="ingress-nginx", kubeconfig="/k") == [
        "kubectl", "--kubeconfig", "/k", "--context", "kind-a", "--namespace", "ingress-nginx", "logs", "p",
    ]  # fmt: skip
    assert kubectl_argv(None, "version") == ["kubectl", "version"]


def test_istioctl_argvs() -> None:
    assert istioctl_argv("minikube", "version") == ["istioctl", "--context", "minikube", "version"]
    assert istioctl_install_argv("minikube") == [
        "istioctl",
        "--context",
        "minikube",
        "install",
        "--set",
        "profile=demo",
        "-y",
    ]
    assert istioctl_uninstall_argv(None) == ["istioctl", "uninstall", "--purge", "-y"]
    assert istioctl_proxy_config_argv("minikube", "cluster", "dest-v1-abc", "application", output="json") == [
        "istioctl", "--context", "minikube", "--namespace", "application",
        "proxy-config", "cluster", "dest-v1-abc", "-o", "json",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="unknown proxy-config section 'clusters'"):
        istioctl_proxy_config_argv(None, "clusters", "p", "ns")


def test_minikube_argvs() -> None:
    assert minikube_argv(None, "status") == ["minikube", "status"]
    assert minikube_ip_argv("lab") == ["minikube", "-p", "lab", "ip"]
    assert minikube_service_url_argv("minikube", "application", "dest-svc-v1") == [
        "minikube", "-p", "minikube", "-n", "application", "service", "dest-svc-v1", "--url",
    ]  # fmt: skip
    assert minikube_addons_argv(None, "enable", "ingress") == ["minikube", "addons", "enable", "ingress"]
    with pytest.raises(ValueError):
        minikube_addons_argv(None, "remove", "ingress")


def test_curl_argv_matches_the_tutorials_calls() -> None:
    assert curl_argv("http://yuya.example.com/v1", resolve="yuya.example.com:80:192.168.76.2", include=True) == [
        "curl", "--resolve", "yuya.example.com:80:192.168.76.2", "-i", "http://yuya.example.com/v1",
    ]  # fmt: skip
    assert curl_argv("http://192.168.76.2:30154/v1", headers=["Host:yuya.example.com"], silent=True, max_time=5) == [
        "curl", "-H", "Host:yuya.example.com", "-s", "--max-time", "5", "http://192.168.76.2:30154/v1",
    ]  # fmt: skip


def test_builders_output_runs_through_run_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_tool(tmp_path, "kubectl", "NAME READY")
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    result = run_tool(kubectl_argv("minikube", "get", "pods", "-l", "app=hw-v1"), timeout=10)
    assert result.stdout == "NAME READY\n"
    assert result.stderr == "--context minikube get pods -l app=hw-v1\n"
