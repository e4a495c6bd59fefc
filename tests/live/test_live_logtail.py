"""Following a live cluster's logs: after the first read, each read asks for `sinceTime` from the newest line
read, a second early, and drops the lines it already has, so a trace stays flat on a busy cluster.

The fake API server (live_fakeapi.py) serves logs without times; here a subclass serves them the way a kubelet
does: each line with its own RFC 3339 time, `sinceTime` in whole seconds, `tailLines` and `timestamps`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from live_fakeapi import FakeApiServer
from live_support import TOKEN, write_kubeconfig

from ingresslab.backends.live import LiveBackend
from ingresslab.entrypoints import default_entry_points
from ingresslab.logs import NginxAccess, format_line
from ingresslab.trace.logindex import FollowedLogs, LiveLogReader, reader_for

CONTROLLER = "ingress-nginx-controller-5d88495688-abcde"


class KubeletLogsApi(FakeApiServer):
    """The fake API server, with container logs that carry times (`timed[(ns, pod, container)]`)."""

    def _logs(self, h, namespace, pod, query) -> None:
        lines = list(self.timed.get((namespace, pod, query.get("container") or ""), []))
        if "sinceTime" in query:
            since = datetime.strptime(query["sinceTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            lines = [(at, text) for at, text in lines if at >= since]
        if "tailLines" in query:
            lines = lines[-int(query["tailLines"]) :] if int(query["tailLines"]) else []
        stamped = query.get("timestamps") == "true"
        body = "".join(
            (f"{at.strftime('%Y-%m-%dT%H:%M:%S.%f')}000Z {text}\n" if stamped else f"{text}\n")
            for at, text in lines
        )
        self._send(h, 200, body, "text/plain")


@pytest.fixture
def kubelet() -> Iterator[KubeletLogsApi]:
    server = KubeletLogsApi(token=TOKEN)
    server.timed = {}
    yield server
    server.close()


@pytest.fixture
def backend(kubelet: KubeletLogsApi, tmp_path: Path) -> LiveBackend:
    return LiveBackend(kubeconfig=write_kubeconfig(tmp_path / "config", kubelet.url), request_timeout=5.0)


def _at(second: int, micro: int = 0) -> datetime:
    return datetime(2024, 9, 15, 8, 52, second, micro, tzinfo=timezone.utc)


def _nginx(i: int, at: datetime) -> str:
    return format_line(
        NginxAccess(
            remote_addr="192.168.49.1",
            time=at,
            method="GET",
            path="/v1",
            protocol="HTTP/1.1",
            status=200,
            body_bytes_sent=33,
            http_user_agent="curl/8.5.0",
            request_length=80,
            request_time=0.002,
            proxy_upstream_name="application-dest-svc-v1-http-v1",
            upstream_addr=["10.244.0.10:5678"],
            upstream_response_length=[33],
            upstream_response_time=[0.002],
            upstream_status=[200],
            req_id=f"{i:032x}",
        )
    )


def _controller_pod() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": CONTROLLER,
            "namespace": "ingress-nginx",
            "uid": "u-1",
            "labels": {
                "app.kubernetes.io/name": "ingress-nginx",
                "app.kubernetes.io/component": "controller",
            },
        },
        "spec": {"containers": [{"name": "controller", "image": "registry.k8s.io/ingress-nginx/controller"}]},
        "status": {"podIP": "10.244.0.5"},
    }


def _log(kubelet: KubeletLogsApi) -> list:
    return kubelet.timed.setdefault(("ingress-nginx", CONTROLLER, "controller"), [])


def test_since_time_is_sent_in_whole_seconds(backend: LiveBackend, kubelet: KubeletLogsApi) -> None:
    kubelet.put("", "pods", _controller_pod())
    _log(kubelet).extend([(_at(1), "one"), (_at(3, 500), "two")])
    text = backend.logs(CONTROLLER, "ingress-nginx", container="controller", since_time=_at(3, 900))
    assert text == "two\n"
    assert kubelet.requests[-1].query["sinceTime"] == "2024-09-15T08:52:03Z"


def test_followed_live_logs_read_only_new_lines_without_duplicates(
    backend: LiveBackend, kubelet: KubeletLogsApi
) -> None:
    kubelet.put("", "pods", _controller_pod())
    log = _log(kubelet)
    log += [(_at(1, 100), _nginx(0, _at(1))), (_at(2, 200), _nginx(1, _at(2)))]
    assert isinstance(reader_for(backend), LiveLogReader)
    logs = FollowedLogs(reader_for(backend), default_entry_points())
    pods = [_controller_pod()]

    logs.refresh(pods)
    assert logs.parsed_lines == 2 and "tailLines" in kubelet.requests[-1].query
    # Two more in the same second as the newest line read (one of them a byte-for-byte twin of it), one later.
    log += [(_at(2, 200), _nginx(1, _at(2))), (_at(2, 700), _nginx(2, _at(2))), (_at(5), _nginx(3, _at(5)))]
    logs.refresh(pods)
    query = kubelet.requests[-1].query
    assert query["sinceTime"] == "2024-09-15T08:52:01Z"  # a second early, and never more than a tail
    assert query["tailLines"] == "2000"
    assert logs.parsed_lines == 5  # the overlap was dropped, the twin kept: 3 new lines
    logs.refresh(pods)
    assert logs.parsed_lines == 5  # nothing new, nothing parsed
    for i in range(4):
        entry, line = logs.entry_for(f"{i:032x}")
        assert entry.via == "nginx" and line.record.req_id == f"{i:032x}"
        assert line.source.pod == CONTROLLER and line.source.pod_ip == "10.244.0.5"
    src = logs.sources[0]
    assert len(src.entry_ids["nginx"][f"{1:032x}"]) == 2  # the twin is a line of its own


def test_a_restarted_container_is_read_from_its_start(backend: LiveBackend, kubelet: KubeletLogsApi) -> None:
    pod = _controller_pod()
    pod["status"]["containerStatuses"] = [{"name": "controller", "containerID": "containerd://aaa"}]
    kubelet.put("", "pods", pod)
    _log(kubelet).append((_at(1), _nginx(0, _at(1))))
    logs = FollowedLogs(reader_for(backend), default_entry_points())
    logs.refresh([pod])
    kubelet.timed[("ingress-nginx", CONTROLLER, "controller")] = [(_at(0), _nginx(7, _at(0)))]
    pod["status"]["containerStatuses"][0]["containerID"] = "containerd://bbb"
    logs.refresh([pod])  # an older time than the last line read: only a new container makes it count
    assert logs.entry_for(f"{7:032x}") is not None and logs.entry_for(f"{0:032x}") is None


def test_a_backlog_longer_than_a_tail_starts_the_log_over(
    backend: LiveBackend, kubelet: KubeletLogsApi
) -> None:
    kubelet.put("", "pods", _controller_pod())
    log = _log(kubelet)
    log.append((_at(1), _nginx(0, _at(1))))
    logs = FollowedLogs(LiveLogReader(backend, first_tail=3), default_entry_points())
    logs.refresh([_controller_pod()])
    log += [(_at(10 + i), _nginx(1 + i, _at(10 + i))) for i in range(5)]  # more than a tail since
    logs.refresh([_controller_pod()])
    assert kubelet.requests[-1].query["tailLines"] == "3"
    assert logs.entry_for(f"{0:032x}") is None  # started over: only the last three are held
    assert [logs.entry_for(f"{i:032x}") is not None for i in range(1, 6)] == [False, False, True, True, True]
