"""Followed logs (trace.logindex) give the traces a full re-read gives, read each line once, and start a log
over when it was truncated, rotated away or its pod replaced."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.backends.sandbox.logstore import FileLogStore, MemoryLogStore
from ingresslab.manifests import DEMO_DIR
from ingresslab.trace.logindex import SandboxLogReader, Tracer, tracer_for


def _lab(state=None):
    lab = ingresslab.connect("sandbox", state=state, seed=11, cwd=DEMO_DIR.parent)
    tutorial.ensure_istio(lab)
    tutorial.ensure_nginx_ingress(lab)
    return lab


def _fresh(lab) -> Tracer:
    """A tracer that has read nothing yet: its first trace reads every log in full."""
    return Tracer(lab.backend, SandboxLogReader(lab.backend), lab.entry_points)


def _stored_lines(lab, tracer=None) -> int:
    tracer = tracer or tracer_for(lab)
    store = lab.backend.logstore
    return sum(
        len(store.read(s.source.namespace, s.source.pod, s.source.container)) for s in tracer.logs.sources
    )


@pytest.fixture(scope="module")
def lab():
    return _lab()


REQUESTS = [
    {"via": "nginx", "path": "/v1"},
    {"via": "istio", "path": "/v1"},
    {"via": "nginx", "path": "/v2"},
    {"via": "istio", "path": "/v2"},
    {"via": "nginx", "host": "example.com"},  # the default backend answers
    {"via": "istio", "host": "example.com"},  # no route at the gateway
]


def test_followed_traces_equal_lab_trace_and_a_full_read(lab):
    tracer = tracer_for(lab)
    for _ in range(3):
        for kwargs in REQUESTS:
            response = lab.request(**kwargs)
            followed = tracer.trace(response)
            assert followed.to_dict() == lab.trace(response).to_dict()
            assert followed.to_dict() == _fresh(lab).trace(response).to_dict()
    # Older requests and unknown ids too.
    assert tracer.trace("0" * 32).to_dict() == lab.trace("0" * 32).to_dict()


def test_a_second_send_parses_only_the_new_lines(lab):
    tracer = tracer_for(lab)
    tracer.trace(lab.request(via="istio"))
    before_lines, before_parsed = _stored_lines(lab), tracer.parsed_lines
    response = lab.request(via="istio")  # gateway, sidecar and app each log one line
    trace = tracer.trace(response)
    assert trace.complete
    added = _stored_lines(lab) - before_lines
    assert added == 3
    assert tracer.parsed_lines - before_parsed == added
    tracer.trace(response)  # nothing new: nothing parsed
    assert tracer.parsed_lines - before_parsed == added


def test_the_panel_and_the_lab_share_one_tracer(lab):
    assert tracer_for(lab) is tracer_for(lab)


@pytest.mark.parametrize("state", ["memory", "file"])
def test_rotation_keeps_traces_equal_and_the_index_bounded(tmp_path, state):
    lab = _lab(None if state == "memory" else tmp_path / "s.json")
    lab.backend.logstore.max_bytes = 2500  # rotate every few requests
    tracer = tracer_for(lab)
    for i in range(40):
        response = lab.request(via=("nginx", "istio")[i % 2], path=("/v1", "/v2")[i % 3 == 0])
        followed = tracer.trace(response).to_dict()
        assert followed == _fresh(lab).trace(response).to_dict()
        assert followed == lab.trace(response).to_dict()
    # What the tracer still holds is what the store still holds.
    store = lab.backend.logstore
    for src in tracer.logs.sources:
        held = len(src.raws) - (src.first - src.base)
        stored = store.read(src.source.namespace, src.source.pod, src.source.container)
        assert held <= len(stored)
    assert tracer.trace(REQUEST_GONE).stopped


REQUEST_GONE = "f" * 32


def test_a_truncated_log_is_read_again_from_its_start(tmp_path):
    lab = _lab(tmp_path / "s.json")
    tracer = tracer_for(lab)
    first = lab.request(via="nginx")
    assert tracer.trace(first).complete
    for path in (tmp_path / "s.logs").glob("ingress-nginx_*controller.log"):
        path.write_text("")  # truncated under the reader
    second = lab.request(via="nginx")
    followed = tracer.trace(second)
    assert followed.complete and followed.to_dict() == lab.trace(second).to_dict()
    lost = tracer.trace(first)  # its controller line went with the truncation
    assert lost.to_dict() == lab.trace(first).to_dict() and "did not reach one" in lost.stopped


def test_a_replaced_pod_is_read_from_its_own_log(lab):
    tracer = tracer_for(lab)
    tracer.trace(lab.request(via="nginx"))
    lab.sh("kubectl delete pod -l app=hw-v1")  # the Deployment makes new pods, with new logs
    for _ in range(4):
        response = lab.request(via="nginx")
        followed = tracer.trace(response)
        assert followed.complete and followed.to_dict() == lab.trace(response).to_dict()
    names = {p["metadata"]["name"] for p in lab.backend.list("pods", "application")}
    assert {s.source.pod for s in tracer.logs.sources if s.source.namespace == "application"} <= names


# -- the log store's cursor ---------------------------------------------------------------------------------
def _texts(lines):
    return [ln.split(" ", 1)[1] for ln in lines]


@pytest.fixture(params=["memory", "file"])
def store(request, tmp_path):
    return (
        MemoryLogStore(max_bytes=200) if request.param == "memory" else FileLogStore(tmp_path, max_bytes=200)
    )


def test_read_from_returns_only_what_was_appended(store):
    store.append("ns", "p", "c", "a\nb", 1.0)
    chunk = store.read_from("ns", "p", "c", None)
    assert _texts(chunk.lines) == ["a", "b"] and chunk.start == 0 and not chunk.restarted
    store.append("ns", "p", "c", "c", 2.0)
    again = store.read_from("ns", "p", "c", chunk.cursor)
    assert _texts(again.lines) == ["c"] and again.start == 2 and not again.restarted
    assert store.read_from("ns", "p", "c", again.cursor).lines == []


def test_read_from_follows_across_one_rotation_and_numbers_what_was_let_go(store):
    chunk = store.read_from("ns", "p", "c", None)
    seen: list[str] = []
    for i in range(30):
        store.append("ns", "p", "c", f"line {i:02d}", float(i))
        chunk = store.read_from("ns", "p", "c", chunk.cursor)
        assert not chunk.restarted
        seen += _texts(chunk.lines)
        kept = _texts(store.read("ns", "p", "c"))
        assert seen[chunk.first :] == kept  # what the reader keeps is exactly what the store keeps
    assert seen == [f"line {i:02d}" for i in range(30)]


def test_read_from_starts_over_after_two_rotations_unseen(store):
    store.append("ns", "p", "c", "first", 0.0)
    chunk = store.read_from("ns", "p", "c", None)
    for i in range(40):  # several rotations while nobody reads
        store.append("ns", "p", "c", f"line {i:02d}", float(i))
    again = store.read_from("ns", "p", "c", chunk.cursor)
    if isinstance(store, FileLogStore):
        assert again.restarted and again.start == 0
    kept = _texts(store.read("ns", "p", "c"))
    assert _texts(again.lines)[-len(kept) :] == kept


def test_read_from_starts_over_when_the_pod_is_replaced(store):
    store.append("ns", "p", "c", "old pod", 0.0)
    chunk = store.read_from("ns", "p", "c", None)
    store.drop("ns", "p")
    gone = store.read_from("ns", "p", "c", chunk.cursor)
    assert gone.restarted and gone.lines == []
    store.append("ns", "p", "c", "new pod", 1.0)
    chunk = store.read_from("ns", "p", "c", chunk.cursor)
    assert chunk.restarted and _texts(chunk.lines) == ["new pod"]


def test_read_from_starts_over_after_truncation(tmp_path):
    store = FileLogStore(tmp_path)
    store.append("ns", "p", "c", "one\ntwo", 0.0)
    chunk = store.read_from("ns", "p", "c", None)
    path = next(tmp_path.glob("*.log"))
    path.write_text("")
    store.append("ns", "p", "c", "three, and longer than what was there before", 1.0)
    again = store.read_from("ns", "p", "c", chunk.cursor)
    assert again.restarted and _texts(again.lines) == ["three, and longer than what was there before"]


def test_read_from_leaves_a_half_written_line_for_the_next_read(tmp_path):
    store = FileLogStore(tmp_path)
    store.append("ns", "p", "c", "whole", 0.0)
    path = next(tmp_path.glob("*.log"))
    with path.open("a") as fh:
        fh.write("2024-09-15T08:52:00.000000000Z hal")
    chunk = store.read_from("ns", "p", "c", None)
    assert _texts(chunk.lines) == ["whole"]
    with path.open("a") as fh:
        fh.write("f\n")
    assert _texts(store.read_from("ns", "p", "c", chunk.cursor).lines) == ["half"]


def test_a_log_read_from_its_start_is_read_from_its_last_lines_as_lab_trace_does(lab):
    for i in range(12):
        lab.request(via=("nginx", "istio")[i % 2])
    response = lab.request(via="istio")
    tracer = Tracer(lab.backend, SandboxLogReader(lab.backend, first_tail=5), lab.entry_points)
    trace = tracer.trace(response)
    assert tracer.parsed_lines <= 5 * len(tracer.logs.sources)
    assert trace.complete and trace.to_dict() == lab.trace(response, tail=5).to_dict()
    before, stored = tracer.parsed_lines, _stored_lines(lab, tracer)
    later = lab.request(via="nginx")  # from here on, everything new is read
    assert tracer.trace(later).to_dict() == lab.trace(later).to_dict()
    assert tracer.parsed_lines - before == _stored_lines(lab, tracer) - stored > 0


def test_a_backlog_longer_than_a_tail_is_read_from_its_last_lines(lab):
    tracer = Tracer(lab.backend, SandboxLogReader(lab.backend, first_tail=5), lab.entry_points)
    tracer.trace(lab.request(via="nginx"))
    for _ in range(10):  # sent by code, not traced
        lab.request(via="nginx")
    response = lab.request(via="nginx")
    before = tracer.parsed_lines
    trace = tracer.trace(response)
    assert tracer.parsed_lines - before <= 5 * len(tracer.logs.sources)
    assert trace.complete and trace.to_dict() == lab.trace(response, tail=5).to_dict()


def test_stopped_traces_are_the_same_too():
    lab = _lab()
    tracer = tracer_for(lab)
    lab.sh("kubectl scale deployment dest-depl-v1 --replicas=0")  # 503 on both paths
    for via in ("nginx", "istio"):
        response = lab.request(path="/v1", via=via)
        assert response.status == 503
        assert tracer.trace(response).to_dict() == lab.trace(response).to_dict()
    lab.sh("kubectl delete ingress my-istio-ingress")  # the gateway has no listener: nothing logged at all
    response = lab.request(path="/v2", via="istio")
    assert response.status is None
    assert tracer.trace(response).to_dict() == lab.trace(response).to_dict()
