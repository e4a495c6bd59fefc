"""Every shell line of the tutorial reaches the commands with exactly the argv bash would give them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.shell import Shell
from ingresslab.commands.textutils import default_commands

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "000_acf286d9f9a408ba.txt"
# Shell lines of the post: the tools, variable assignments and the comments between them (not prose, not
# the `/ # ` prompt of the debug container).
_SHELL_LINE = re.compile(r"^(kubectl|minikube|curl|istioctl|export|[A-Z_]+=\$\(|# )")
POD_NAME = "dest-deployment-v1-5c8c9f7d8-x2x7q"


class Recorder:
    """Fake kubectl/minikube/curl/istioctl: record argv; answer `minikube ip` and jsonpath names."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, inv: Invocation) -> CommandResult:
        self.calls.append(list(inv.argv))
        if inv.argv[:2] == ["minikube", "ip"]:
            return CommandResult("192.168.76.2\n")
        if any("jsonpath" in a for a in inv.argv):
            return CommandResult(POD_NAME)
        return CommandResult(json.dumps(inv.argv) + "\n")


def seed_lines() -> list[str]:
    if not SEED.is_file():
        pytest.skip("the tutorial seed is not beside the project")
    return [line for line in SEED.read_text().splitlines() if _SHELL_LINE.match(line)]


def run_seed(lines: list[str]) -> tuple[Recorder, Shell, CommandResult]:
    recorder = Recorder()
    names = ("kubectl", "minikube", "curl", "istioctl")
    shell = Shell({**default_commands(), **dict.fromkeys(names, recorder)})
    result = shell.run("\n".join(lines))
    return recorder, shell, result


def test_the_whole_seed_runs_as_one_script_without_errors():
    lines = seed_lines()
    recorder, shell, result = run_seed(lines)
    assert result.stderr == ""
    assert result.returncode == 0
    commands = [line for line in lines if not line.startswith("#")]
    # one call per tool name in the script (`&&` lines hold two, `| grep` is a text tool)
    expected = sum(len(re.findall(r"(?:^|&& |\$\()(?:kubectl|minikube|curl|istioctl) ", c)) for c in commands)
    assert len(recorder.calls) == expected
    assert shell.env["POD"] == POD_NAME
    assert shell.env["INGRESS_PORT"] == POD_NAME  # the fake answers every jsonpath query with a name


@pytest.mark.parametrize(
    ("line", "argv"),
    [
        (
            "NGINX_CONTROLLER=$(kubectl get -n ingress-nginx pod -l app.kubernetes.io/component=controller"
            " -ojsonpath='{.items[0].metadata.name}')",
            [
                "kubectl",
                "get",
                "-n",
                "ingress-nginx",
                "pod",
                "-l",
                "app.kubernetes.io/component=controller",
                "-ojsonpath={.items[0].metadata.name}",
            ],
        ),
        (
            "export INGRESS_PORT=$(kubectl -n istio-system get svc istio-ingressgateway"
            " -o jsonpath='{.spec.ports[?(@.name==\"http2\")].nodePort}')",
            [
                "kubectl",
                "-n",
                "istio-system",
                "get",
                "svc",
                "istio-ingressgateway",
                "-o",
                'jsonpath={.spec.ports[?(@.name=="http2")].nodePort}',
            ],
        ),
        (
            'curl --resolve "yuya.example.com:80:$CLUSTER_IP" -i http://yuya.example.com/v1',
            ["curl", "--resolve", "yuya.example.com:80:192.168.76.2", "-i", "http://yuya.example.com/v1"],
        ),
        (
            "curl -s -HHost:yuya.example.com http://$CLUSTER_IP:$INGRESS_PORT/v1",
            ["curl", "-s", "-HHost:yuya.example.com", "http://192.168.76.2:30154/v1"],
        ),
        (
            "kubectl get pod -l app=hw-v1  -owide",
            ["kubectl", "get", "pod", "-l", "app=hw-v1", "-owide"],
        ),
        (
            "kubectl get ingress -o jsonpath='{.items[0].status}'",
            ["kubectl", "get", "ingress", "-o", "jsonpath={.items[0].status}"],
        ),
        (
            "kubectl debug $POD -it --image=busybox -- cat /etc/resolv.conf",
            ["kubectl", "debug", POD_NAME, "-it", "--image=busybox", "--", "cat", "/etc/resolv.conf"],
        ),
    ],
)
def test_seed_line_argv(line, argv):
    recorder = Recorder()
    shell = Shell(dict.fromkeys(("kubectl", "curl"), recorder))
    shell.env.update({"CLUSTER_IP": "192.168.76.2", "INGRESS_PORT": "30154", "POD": POD_NAME})
    result = shell.run(line)
    assert result.returncode == 0, result.stderr
    assert recorder.calls == [argv]


def test_seed_assignment_keeps_the_substituted_name_for_later_runs():
    recorder = Recorder()
    shell = Shell({"kubectl": recorder})
    shell.run("POD=$(kubectl get pod -l app=hw-v1 -ojsonpath='{.items[].metadata.name}')")
    shell.run("kubectl logs -c istio-proxy $POD")
    assert recorder.calls[-1] == ["kubectl", "logs", "-c", "istio-proxy", POD_NAME]


BASH = shutil.which("bash")
# bash defines each tool as a function writing its argv to fd 3, NUL-separated, one record per call.
_BASH_PRELUDE = r"""
exec 3>"$ARGV_LOG"
_rec() { printf '%s\0' "$@" >&3; printf '\1' >&3; }
minikube() { _rec minikube "$@"; if [ "$1" = ip ]; then echo 192.168.76.2; fi; }
kubectl() { _rec kubectl "$@"; case "$*" in *jsonpath*) printf '%s' "$POD_NAME";; esac; }
curl() { _rec curl "$@"; }
istioctl() { _rec istioctl "$@"; }
grep() { cat >/dev/null; }
"""


def bash_argv(script: str, tmp_path: Path) -> list[list[str]]:
    log = tmp_path / "argv.log"
    subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", _BASH_PRELUDE + script],
        env={"ARGV_LOG": str(log), "POD_NAME": POD_NAME, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        timeout=20,
        check=False,
    )
    records = log.read_bytes().decode().split("\1")[:-1]
    return [record.split("\0")[:-1] for record in records]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_seed_argv_matches_bash(tmp_path):
    lines = seed_lines()
    recorder, _, _ = run_seed(lines)
    assert recorder.calls == bash_argv("\n".join(lines), tmp_path)
