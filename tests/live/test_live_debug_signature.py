"""The kubectl `debug` verb drives LiveBackend with the same call it makes on the sandbox."""

from __future__ import annotations

import re

import pytest
from live_fakeapi import FakeApiServer

from ingresslab.backends.base import ExecResult
from ingresslab.backends.live import LiveBackend
from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.errors import Invalid

RESOLV = "nameserver 10.96.0.10\nsearch application.svc.cluster.local svc.cluster.local cluster.local\n"


def app_pod(name: str = "dest-v1-abc") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "application", "labels": {"app": "hw-v1"}},
        "spec": {"containers": [{"name": "app", "image": "hashicorp/http-echo"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }


def kubectl(backend: LiveBackend, line: str, stdin: str = "") -> CommandResult:
    return Kubectl(backend)(Invocation(["kubectl", *line.split()], stdin=stdin))


def ephemeral_specs(api: FakeApiServer) -> list[dict]:
    patches = [r for r in api.requests if r.path.endswith("/ephemeralcontainers")]
    return [r.body["spec"]["ephemeralContainers"][0] for r in patches]


@pytest.fixture
def cluster(api: FakeApiServer) -> FakeApiServer:
    api.put("", "pods", app_pod())
    api.ephemeral_runs["cat"] = (RESOLV, 0)
    api.ephemeral_runs["/bin/sh"] = ("Server:\t\t10.96.0.10\n", 0)
    return api


def test_kubectl_debug_verb_prints_the_default_name_notice_exactly_once(
    backend: LiveBackend, cluster: FakeApiServer
) -> None:
    result = kubectl(backend, "debug dest-v1-abc -it --image=busybox -- cat /etc/resolv.conf")
    assert result.returncode == 0, result.stderr
    assert result.stdout == RESOLV
    assert result.stderr.count("Defaulting debug container name to") == 1
    named = re.fullmatch(r"Defaulting debug container name to (debugger-[a-z0-9]{5})\.\n", result.stderr)
    assert named is not None, result.stderr
    [spec] = ephemeral_specs(cluster)
    assert spec["name"] == named.group(1)
    assert (spec["image"], spec["command"]) == ("busybox", ["cat", "/etc/resolv.conf"])


def test_kubectl_debug_with_a_container_name_prints_no_notice(
    backend: LiveBackend, cluster: FakeApiServer
) -> None:
    result = kubectl(backend, "debug dest-v1-abc -c dbg --image=busybox -- cat /etc/resolv.conf")
    assert (result.stdout, result.stderr, result.returncode) == (RESOLV, "", 0)
    assert [s["name"] for s in ephemeral_specs(cluster)] == ["dbg"]


def test_sandbox_call_shape_returns_result_and_container_name_without_notice(
    backend: LiveBackend, cluster: FakeApiServer
) -> None:
    result, container = backend.debug(
        "dest-v1-abc", "busybox", ["cat", "/etc/resolv.conf"], "application", name=None, stdin=""
    )
    assert isinstance(result, ExecResult)
    assert (result.stdout, result.stderr) == (RESOLV, "")
    assert container.startswith("debugger-") and ephemeral_specs(cluster)[0]["name"] == container


def test_typed_lines_for_a_shell_run_as_its_script(backend: LiveBackend, cluster: FakeApiServer) -> None:
    result = kubectl(
        backend, "debug dest-v1-abc -i --image=busybox -- /bin/sh", stdin="nslookup dest-svc-v1\n"
    )
    assert result.returncode == 0 and result.stdout.startswith("Server:")
    assert ephemeral_specs(cluster)[0]["command"] == ["/bin/sh", "-c", "nslookup dest-svc-v1\n"]


def test_stdin_for_a_non_shell_command_is_a_clear_error(backend: LiveBackend, cluster: FakeApiServer) -> None:
    with pytest.raises(Invalid, match="cannot read stdin"):
        backend.debug("dest-v1-abc", "busybox", ["cat"], "application", stdin="hello\n")
    assert ephemeral_specs(cluster) == []  # refused before any container was added


def test_image_first_call_without_a_command_list_names_the_fix(backend: LiveBackend) -> None:
    with pytest.raises(Invalid, match=r"must be a list such as \['cat', '/etc/resolv.conf'\]"):
        backend.debug("dest-v1-abc", "busybox", "cat /etc/resolv.conf")
