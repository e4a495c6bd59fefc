"""ApiException → ingresslab errors, typed models → plain dicts, exec exit codes, and wait rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import urllib3
from kubernetes import client
from kubernetes.client.exceptions import ApiException
from live_support import TOKEN

from ingresslab.backends.live import ClusterUnreachable, WaitTimeout, to_plain
from ingresslab.backends.live.errors import describe_transport_error, redact, translate_api_exception
from ingresslab.backends.live.execution import collect_exec_output, exit_code_from_status
from ingresslab.backends.live.waits import (
    Evaluation,
    deployment_rollout_status,
    ingress_address_status,
    pods_ready_status,
    wait_for,
)
from ingresslab.errors import (
    AlreadyExists,
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Unauthorized,
)


def status_exception(code: int, reason: str, message: str, http_reason: str = "") -> ApiException:
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    exc = ApiException(status=code, reason=http_reason or reason, body=json.dumps(body))
    exc.headers = {"Authorization": f"Bearer {TOKEN}"}  # what a careless str(exc) would leak
    return exc


def translate(exc: ApiException):
    return translate_api_exception(exc, context="minikube", host="192.168.49.2:8443", secrets={TOKEN})


@pytest.mark.parametrize(
    ("code", "reason", "expected"),
    [
        (400, "BadRequest", BadRequest),
        (401, "Unauthorized", Unauthorized),
        (403, "Forbidden", Forbidden),
        (404, "NotFound", NotFound),
        (409, "AlreadyExists", AlreadyExists),
        (409, "Conflict", Conflict),
        (422, "Invalid", Invalid),
    ],
)
def test_api_statuses_map_to_ingresslab_error_types(code: int, reason: str, expected: type) -> None:
    error = translate(status_exception(code, reason, "something happened"))
    assert type(error) is expected
    assert error.code == code
    assert TOKEN not in str(error) and TOKEN not in repr(error)


def test_not_found_keeps_the_servers_message_for_kubectl_wording() -> None:
    error = translate(status_exception(404, "NotFound", 'pods "x" not found'))
    assert error.kubectl_text() == 'Error from server (NotFound): pods "x" not found'


def test_unauthorized_names_context_host_and_the_fix() -> None:
    message = str(translate(status_exception(401, "Unauthorized", "Unauthorized")))
    assert "context 'minikube'" in message and "192.168.49.2:8443" in message
    assert "minikube update-context" in message


def test_forbidden_keeps_the_rbac_message_and_names_the_context() -> None:
    text = 'pods is forbidden: User "dev" cannot list resource "pods" in API group "" in the namespace "kube-system"'
    message = str(translate(status_exception(403, "Forbidden", text)))
    assert message.startswith(text) and "context 'minikube'" in message


def test_invalid_prints_like_kubectl() -> None:
    error = translate(
        status_exception(422, "Invalid", 'Service "s" is invalid: spec.ports[0].port: Invalid value')
    )
    assert error.kubectl_text() == 'The Service "s" is invalid: spec.ports[0].port: Invalid value'


def test_other_statuses_keep_their_code_and_reason() -> None:
    error = translate(status_exception(503, "ServiceUnavailable", "etcd is down"))
    assert type(error) is ApiError and (error.code, error.reason) == (503, "ServiceUnavailable")
    assert error.message == "etcd is down"


def test_a_non_json_body_falls_back_to_the_http_reason() -> None:
    error = translate(ApiException(status=502, reason="Bad Gateway", body="<html>proxy error</html>"))
    assert error.message == "Bad Gateway" and error.code == 502


def test_secrets_echoed_by_the_server_are_redacted() -> None:
    error = translate(status_exception(400, "BadRequest", f"bad header Bearer {TOKEN}"))
    assert TOKEN not in error.message and "<redacted>" in error.message


def test_tls_failures_become_cluster_unreachable() -> None:
    error = translate(ApiException(status=0, reason="SSLError\ncertificate verify failed"))
    assert isinstance(error, ClusterUnreachable)
    assert "TLS handshake failed (certificate verify failed)" in str(error) and "minikube" in str(error)


def test_transport_errors_are_described_without_internals() -> None:
    refused = urllib3.exceptions.MaxRetryError(
        None, "/api", ConnectionRefusedError(111, "Connection refused")
    )
    timed_out = urllib3.exceptions.ConnectTimeoutError(None, "timed out")
    closed = urllib3.exceptions.ProtocolError("Connection aborted.")
    assert describe_transport_error(refused) == "connection refused"
    assert describe_transport_error(timed_out, 2.0) == "no answer after 2 s (timed out)"
    assert describe_transport_error(closed) == "the connection was closed before an answer arrived"


def test_redact_replaces_longest_secrets_first() -> None:
    assert redact("a abcdef b abcd", ["abcd", "abcdef"]) == "a <redacted> b <redacted>"
    assert redact("short ab stays", ["ab"]) == "short ab stays"  # too short to be a credential


def test_typed_pod_becomes_api_server_json() -> None:
    created = dt.datetime(2024, 9, 15, 8, 52, 37, tzinfo=dt.timezone.utc)
    pod = client.V1Pod(
        api_version="v1",
        kind="Pod",
        metadata=client.V1ObjectMeta(
            name="p", namespace="application", creation_timestamp=created, labels={"app": "hw-v1"}
        ),
        spec=client.V1PodSpec(
            containers=[
                client.V1Container(
                    name="app",
                    image="hashicorp/http-echo",
                    ports=[client.V1ContainerPort(container_port=5678)],
                )
            ]
        ),
        status=client.V1PodStatus(pod_ip="10.244.0.10", host_ip="192.168.76.2"),
    )
    plain = to_plain(pod)
    assert plain == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "p",
            "namespace": "application",
            "creationTimestamp": "2024-09-15T08:52:37Z",
            "labels": {"app": "hw-v1"},
        },
        "spec": {
            "containers": [
                {"name": "app", "image": "hashicorp/http-echo", "ports": [{"containerPort": 5678}]}
            ]
        },
        "status": {"podIP": "10.244.0.10", "hostIP": "192.168.76.2"},
    }
    json.dumps(plain)  # JSON-serialisable, like everything the backends exchange


def test_typed_lists_and_int_or_string_fields_translate() -> None:
    svc = client.V1Service(
        metadata=client.V1ObjectMeta(name="dest-svc-v1"),
        spec=client.V1ServiceSpec(
            cluster_ip="10.108.78.105",
            ports=[client.V1ServicePort(name="http-v1", port=7777, target_port=5678, node_port=30001)],
        ),
    )
    plain = to_plain([svc])
    assert plain[0]["spec"] == {
        "clusterIP": "10.108.78.105",
        "ports": [{"name": "http-v1", "port": 7777, "targetPort": 5678, "nodePort": 30001}],
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("", (0, "")),
        ('{"metadata":{},"status":"Success"}', (0, "")),
        (
            {
                "status": "Failure",
                "reason": "NonZeroExitCode",
                "message": "command terminated with non-zero exit code: exit status 3",
                "details": {"causes": [{"reason": "ExitCode", "message": "3"}]},
            },
            (3, "command terminated with exit code 3"),
        ),
        (
            '{"status":"Failure","message":"container not found (\\"nope\\")"}',
            (1, 'container not found ("nope")'),
        ),
        ("status: Failure\nmessage: plain yaml\n", (1, "plain yaml")),
    ],
)
def test_exit_code_is_read_from_the_error_channel_status(status, expected) -> None:
    assert exit_code_from_status(status) == expected


class FakeStream:
    """Frames queued per channel; `open_for` updates before the stream closes itself."""

    def __init__(self, frames: list[tuple[int, str]], status: str, open_for: int | None = 2) -> None:
        self.frames, self.status, self.open_for = list(frames), status, open_for
        self.buffers = {1: "", 2: ""}
        self.closed = False

    def is_open(self) -> bool:
        return not self.closed and (self.open_for is None or self.open_for > 0)

    def update(self, timeout: float = 0) -> None:
        if self.frames:
            channel, data = self.frames.pop(0)
            self.buffers[channel] += data
        if self.open_for is not None:
            self.open_for -= 1

    def peek_stdout(self, timeout: float = 0) -> bool:
        return bool(self.buffers[1])

    def read_stdout(self, timeout: float | None = None) -> str:
        data, self.buffers[1] = self.buffers[1], ""
        return data

    def peek_stderr(self, timeout: float = 0) -> bool:
        return bool(self.buffers[2])

    def read_stderr(self, timeout: float | None = None) -> str:
        data, self.buffers[2] = self.buffers[2], ""
        return data

    def read_channel(self, channel: int, timeout: float = 0) -> str:
        return self.status if channel == 3 else ""

    def close(self, **kwargs) -> None:
        self.closed = True


def test_exec_output_collects_both_streams_and_the_exit_code() -> None:
    failure = json.dumps(
        {
            "status": "Failure",
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": "2"}]},
        }
    )
    stream = FakeStream([(1, "Server:  10.96.0.10\n"), (2, "can't find x\n")], failure)
    result = collect_exec_output(stream, timeout=5)
    assert result.stdout == "Server:  10.96.0.10\n"
    assert result.stderr == "can't find x\ncommand terminated with exit code 2\n"
    assert result.returncode == 2 and stream.closed


def test_exec_that_outlives_its_timeout_is_abandoned_with_code_124() -> None:
    stream = FakeStream([(1, "partial\n")], "", open_for=None)
    result = collect_exec_output(stream, timeout=0.05, command=["sleep", "100"])
    assert result.returncode == 124 and result.stdout == "partial\n"
    assert "`sleep 100` was still running after 0.05 s" in result.stderr and stream.closed


def pod(name: str, ready: bool, waiting: str | None = None, deleting: bool = False) -> dict:
    status: dict = {"conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
    if waiting:
        status["containerStatuses"] = [{"name": "app", "state": {"waiting": {"reason": waiting}}}]
    meta: dict = {"name": name}
    if deleting:
        meta["deletionTimestamp"] = "2024-09-15T08:52:37Z"
    return {"metadata": meta, "status": status}


def test_pods_ready_needs_at_least_one_pod_and_ignores_terminating_ones() -> None:
    assert not pods_ready_status([]).done
    pending = pods_ready_status([pod("a", True), pod("b", False, waiting="ImagePullBackOff")])
    assert not pending.done and pending.status == "1/2 pods ready; waiting for b (ImagePullBackOff)"
    done = pods_ready_status([pod("a", True), pod("old", False, deleting=True)])
    assert done.done and [p["metadata"]["name"] for p in done.value] == ["a"]


def deployment(generation=1, observed=1, replicas=2, updated=2, total=2, available=2) -> dict:
    return {
        "metadata": {"name": "d", "generation": generation},
        "spec": {"replicas": replicas},
        "status": {
            "observedGeneration": observed,
            "updatedReplicas": updated,
            "replicas": total,
            "availableReplicas": available,
        },
    }


@pytest.mark.parametrize(
    ("dep", "status"),
    [
        (deployment(generation=2), "waiting for deployment spec update to be observed"),
        (deployment(updated=1), "1 out of 2 new replicas have been updated..."),
        (deployment(total=3), "1 old replicas are pending termination..."),
        (deployment(available=1), "1 of 2 updated replicas are available..."),
    ],
)
def test_rollout_waits_like_kubectl_rollout_status(dep: dict, status: str) -> None:
    evaluation = deployment_rollout_status([dep])
    assert not evaluation.done and evaluation.status.endswith(status)


def test_rollout_is_done_when_all_new_replicas_are_available() -> None:
    evaluation = deployment_rollout_status([deployment()])
    assert evaluation.done and evaluation.status == 'deployment "d" successfully rolled out'


def test_ingress_address_accepts_ip_or_hostname() -> None:
    assert not ingress_address_status([{"status": {"loadBalancer": {}}}]).done
    assert (
        ingress_address_status(
            [{"status": {"loadBalancer": {"ingress": [{"hostname": "lb.example"}]}}}]
        ).value
        == "lb.example"
    )


class ScriptedSource:
    """A Watchable whose watches replay scripted events; counts lists to show re-listing after 410 Gone."""

    def __init__(self, lists: list[list[dict]], watches: list[list[tuple[str, dict]]]) -> None:
        self.lists, self.watches, self.list_calls = lists, watches, 0

    def list_with_version(self, kind, namespace, *, label_selector=None, field_selector=None):
        items = self.lists[min(self.list_calls, len(self.lists) - 1)]
        self.list_calls += 1
        return items, str(self.list_calls)

    def watch(
        self,
        kind,
        namespace,
        *,
        label_selector=None,
        field_selector=None,
        resource_version=None,
        timeout=30.0,
    ):
        yield from (self.watches.pop(0) if self.watches else [])


def test_wait_relists_after_an_expired_watch() -> None:
    source = ScriptedSource(
        lists=[[pod("a", False)], [pod("a", True)]],
        watches=[[("ERROR", {"kind": "Status", "code": 410, "reason": "Expired"})]],
    )
    result = wait_for(source, "pods", "ns", pods_ready_status, what="pods", timeout=2)
    assert source.list_calls == 2 and [p["metadata"]["name"] for p in result] == ["a"]


def test_wait_applies_deletions_from_the_watch() -> None:
    source = ScriptedSource(
        lists=[[pod("a", True), pod("b", False)]],
        watches=[[("DELETED", pod("b", False))]],
    )
    assert [
        p["metadata"]["name"]
        for p in wait_for(source, "pods", "ns", pods_ready_status, what="pods", timeout=2)
    ] == ["a"]


def test_wait_gives_up_at_the_deadline_even_when_watches_end_at_once() -> None:
    source = ScriptedSource(lists=[[pod("a", False)]], watches=[])
    ticks = iter([0.0, 0.0, 0.1, 5.0, 5.0, 5.0])
    with pytest.raises(WaitTimeout, match="last seen: 0/1 pods ready"):
        wait_for(source, "pods", "ns", pods_ready_status, what="pods", timeout=1, clock=lambda: next(ticks))


def test_evaluation_value_is_what_wait_for_returns() -> None:
    source = ScriptedSource(lists=[[{"metadata": {"name": "x"}}]], watches=[])
    assert wait_for(source, "x", None, lambda objs: Evaluation(True, "ok", 42), what="x", timeout=1) == 42


def test_a_refused_websocket_handshake_is_translated_by_its_http_status() -> None:
    reason = (
        "Handshake status 403 Forbidden -+-+- {'content-type': 'application/json'} -+-+- "
        '{"kind":"Status","status":"Failure","message":"pods \\"p\\" is forbidden: cannot create pods/exec",'
        '"reason":"Forbidden","code":403}'
    )
    error = translate(ApiException(status=0, reason=reason))
    assert type(error) is Forbidden and error.message.startswith(
        'pods "p" is forbidden: cannot create pods/exec'
    )


def test_other_stream_failures_are_cluster_unreachable() -> None:
    error = translate(ApiException(status=0, reason="[Errno 111] Connection refused"))
    assert isinstance(error, ClusterUnreachable) and "could not be opened" in str(error)


def test_times_are_written_as_the_api_server_writes_them() -> None:
    from ingresslab.backends.live.convert import rfc3339

    cest = dt.timezone(dt.timedelta(hours=2))
    assert rfc3339(dt.datetime(2024, 9, 15, 10, 52, 37, tzinfo=cest)) == "2024-09-15T08:52:37Z"
    assert (
        rfc3339(dt.datetime(2024, 9, 15, 8, 52, 37, 471000, tzinfo=dt.timezone.utc))
        == "2024-09-15T08:52:37.471000Z"
    )
    event = client.CoreV1Event(
        involved_object=client.V1ObjectReference(kind="Pod", name="p"),
        metadata=client.V1ObjectMeta(name="e"),
        last_timestamp=dt.datetime(2024, 9, 15, 8, 52, 37, tzinfo=dt.timezone.utc),
    )
    assert to_plain(event)["lastTimestamp"] == "2024-09-15T08:52:37Z"
