"""What a kubelet-less cluster cannot do, against the fake API server: container logs, exec, debug containers.

The reference cluster (tests/reference) runs no containers — KWOK writes pod status, nothing runs — so the API
server has no kubelet to ask for a container's log, an exec stream or an ephemeral container's run. These
tests keep the hand-written fake (live_fakeapi.py) for exactly that; everything else runs on the real server
(test_live_backend.py, test_live_discovery.py).
"""

from __future__ import annotations

from live_fakeapi import FakeApiServer

from ingresslab.backends.live import LiveBackend


def pod(name: str, namespace: str = "application", ready: bool = True, labels: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {"app": "hw-v1"}},
        "spec": {"containers": [{"name": "app", "image": "hashicorp/http-echo"}]},
        "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]},
    }


def test_logs_pass_container_tail_and_timestamps(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put("", "pods", pod("gw"))
    api.logs[("application", "gw", "app")] = ['{"json": "line"}', "second", "third"]
    assert backend.logs("gw") == '{"json": "line"}\nsecond\nthird\n'  # JSON-looking logs stay text
    assert backend.logs("gw", tail=1) == "third\n"
    stamped = backend.logs("gw", container="app", tail=2, timestamps=True)
    assert stamped.splitlines()[0].startswith("2024-09-15T08:52:00.000000000Z second")
    query = api.requests[-1].query
    assert query["container"] == "app" and query["tailLines"] == "2" and query["timestamps"] == "true"


def test_debug_runs_an_ephemeral_container_and_returns_its_output(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    api.put("", "pods", pod("dest-v1-abc"))
    api.ephemeral_runs["cat"] = ("nameserver 10.96.0.10\nsearch application.svc.cluster.local\n", 0)
    api.ephemeral_runs["false"] = ("", 1)
    result = backend.debug("dest-v1-abc", ["cat", "/etc/resolv.conf"], timeout=5)
    assert result.stdout == "nameserver 10.96.0.10\nsearch application.svc.cluster.local\n"
    assert result.returncode == 0
    assert result.stderr.startswith("Defaulting debug container name to debugger-")
    patch = next(r for r in api.requests if r.path.endswith("/ephemeralcontainers"))
    container = patch.body["spec"]["ephemeralContainers"][0]
    assert container["image"] == "busybox" and container["command"] == ["cat", "/etc/resolv.conf"]
    failed = backend.debug("dest-v1-abc", ["false"], container_name="dbg", timeout=5)
    assert (failed.returncode, failed.stderr) == (1, "")


def test_exec_streams_output_and_reads_the_exit_code_from_the_error_channel(
    backend: LiveBackend, api: FakeApiServer
) -> None:
    api.put("", "pods", pod("dest-v1-abc"))
    api.exec_runs["nslookup"] = ("Server:  10.96.0.10\n", "", 0)
    api.exec_runs["wget"] = ("", "wget: server returned error: HTTP/1.1 404 Not Found\n", 1)
    ok = backend.exec("dest-v1-abc", ["nslookup", "dest-svc-v1"], container="app")
    assert (ok.stdout, ok.stderr, ok.returncode) == ("Server:  10.96.0.10\n", "", 0)
    failed = backend.exec("dest-v1-abc", ["wget", "-qO-", "http://x"])
    assert failed.returncode == 1
    assert (
        failed.stderr
        == "wget: server returned error: HTTP/1.1 404 Not Found\ncommand terminated with exit code 1\n"
    )
    request = next(r for r in api.requests if r.path.endswith("/exec"))
    assert request.query["container"] == "app" and request.query["stdout"] == "true"
