"""Events: the sandbox's controllers record them as client-go's recorder does, and `kubectl describe` and
`kubectl get events` show them in kubectl's layout."""

from __future__ import annotations

import re

import pytest
import yaml

import ingresslab
from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.errors import BadRequest
from ingresslab.manifests import DEMO_DIR

_UNDERLINE = "  ----    ------"


def _demo_docs() -> list[dict]:
    return list(yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text()))


@pytest.fixture
def lab():
    lab = ingresslab.connect("sandbox", state=None, cwd=str(DEMO_DIR.parent))
    lab.sh(
        "kubectl create namespace application && kubectl config set-context --current --namespace=application"
    )
    lab.backend.apply_many(_demo_docs())
    return lab


def _events_table(text: str) -> list[list[str]]:
    """The rows under the `Events:` table's underline, split on runs of 2+ spaces."""
    lines = text.split("Events:\n", 1)[1].splitlines()
    assert lines[0].split() == ["Type", "Reason", "Age", "From", "Message"]
    assert lines[1].startswith(_UNDERLINE)
    return [re.split(r"\s{2,}", line.strip()) for line in lines[2:] if line.strip()]


def test_describe_deployment_shows_the_deployment_controllers_events(lab):
    rs = lab.backend.list("replicasets", label_selector="app=hw-v1")[0]["metadata"]["name"]
    text = lab.kubectl("describe deployment dest-depl-v1").stdout
    rows = _events_table(text)
    assert rows == [
        [
            "Normal",
            "ScalingReplicaSet",
            rows[0][2],
            "deployment-controller",
            f"Scaled up replica set {rs} to 2",
        ]
    ]
    assert re.fullmatch(r"\d+s", rows[0][2])


def test_repeats_aggregate_into_one_event_with_a_count(lab):
    rs = lab.backend.list("replicasets", label_selector="app=hw-v1")[0]["metadata"]["name"]
    for replicas in (3, 1, 3, 1):
        assert lab.kubectl(f"scale deployment dest-depl-v1 --replicas={replicas}").returncode == 0
    rows = _events_table(lab.kubectl("describe deployment dest-depl-v1").stdout)
    messages = [row[4] for row in rows]
    assert messages == [
        f"Scaled up replica set {rs} to 2",
        f"Scaled up replica set {rs} to 3 from 2",
        f"Scaled up replica set {rs} to 3 from 1",
        f"Scaled down replica set {rs} to 1 from 3",
    ]
    assert re.fullmatch(r"\d+s \(x2 over \d+s\)", rows[3][2])
    stored = [
        e
        for e in lab.backend.list(
            "events", field_selector="involvedObject.kind=Deployment,reason=ScalingReplicaSet"
        )
        if e["message"].startswith("Scaled down")
    ]
    assert len(stored) == 1 and stored[0]["count"] == 2
    assert stored[0]["firstTimestamp"] < stored[0]["lastTimestamp"]


def test_describe_pod_shows_scheduled_and_describe_rs_shows_created_pods(lab):
    pods = sorted(p["metadata"]["name"] for p in lab.backend.list("pods", label_selector="app=hw-v1"))
    pod_rows = _events_table(lab.kubectl(f"describe pod {pods[0]}").stdout)
    assert [r[1] for r in pod_rows] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert [r[3] for r in pod_rows] == ["default-scheduler"] + ["kubelet"] * 4
    assert pod_rows[0][4] == f"Successfully assigned application/{pods[0]} to minikube"
    assert pod_rows[1][4] == 'Pulling image "hashicorp/http-echo"'
    assert pod_rows[3][4] == "Created container dest-countainer-v1"
    assert pod_rows[4][4] == "Started container dest-countainer-v1"
    rs_rows = _events_table(lab.kubectl("describe rs -l app=hw-v1").stdout)
    assert sorted(r[4] for r in rs_rows) == [f"Created pod: {p}" for p in pods]
    assert {(r[0], r[1], r[3]) for r in rs_rows} == {("Normal", "SuccessfulCreate", "replicaset-controller")}


def test_objects_without_events_still_say_none(lab):
    assert re.search(r"\nEvents:\s+<none>\n$", lab.kubectl("describe service dest-svc-v1").stdout)


def test_get_events_uses_kubectls_columns(lab):
    out = lab.kubectl("get events").stdout.splitlines()
    assert out[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert any("deployment/dest-depl-v1" in line and "ScalingReplicaSet" in line for line in out[1:])


def test_the_recorder_names_events_and_spends_no_random_numbers():
    backend = SandboxBackend(None, seed=3)
    with backend.transaction() as cluster:
        before = cluster.store.rng.counter
        ns = cluster.get("namespaces", "default")
        first = cluster.events.recorder("test-controller").event(ns, "Warning", "Testing", "one")
        second = cluster.events.recorder("test-controller").event(ns, "Warning", "Testing", "two")
        assert cluster.store.rng.counter == before
    assert re.fullmatch(r"default\.[0-9a-f]{16}", first["metadata"]["name"])
    assert second["metadata"]["name"] != first["metadata"]["name"]  # same instant, one nanosecond apart
    assert first["involvedObject"] == {
        "kind": "Namespace",
        "name": "default",
        "uid": ns["metadata"]["uid"],
        "apiVersion": "v1",
        "resourceVersion": ns["metadata"]["resourceVersion"],
    }
    assert first["source"] == {"component": "test-controller"} and first["count"] == 1
    with backend.transaction() as cluster, pytest.raises(ValueError, match="Normal or Warning"):
        cluster.events.recorder("x").event(ns, "Info", "Bad", "type")


def test_event_field_selectors_are_the_api_servers(lab):
    scheduled = lab.backend.list("events", field_selector="reason=Scheduled,involvedObject.kind=Pod")
    assert scheduled and all(e["reason"] == "Scheduled" for e in scheduled)
    with pytest.raises(BadRequest):
        lab.backend.list("pods", field_selector="involvedObject.name=x")


def test_the_same_seed_gives_the_same_events():
    def names() -> list[str]:
        backend = SandboxBackend(None, seed=11)
        backend.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
        backend.apply_many(_demo_docs(), namespace="application")
        return [e["metadata"]["name"] + " " + e["message"] for e in backend.list("events", "application")]

    assert names() == names()


def test_a_reloaded_cluster_keeps_counting_the_same_event(tmp_path):
    state = tmp_path / "lab.json"
    SandboxBackend(state).create(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}}
    )
    SandboxBackend(state).apply_many(_demo_docs(), namespace="application")
    for replicas in (3, 1, 3, 1):  # a new backend (a new kernel) for every command
        SandboxBackend(state).patch(
            "deployments", "dest-depl-v1", {"spec": {"replicas": replicas}}, "application"
        )
    down = [
        e
        for e in SandboxBackend(state).list(
            "events", "application", field_selector="reason=ScalingReplicaSet"
        )
        if e["message"].startswith("Scaled down")
    ]
    assert [e["count"] for e in down] == [2]
