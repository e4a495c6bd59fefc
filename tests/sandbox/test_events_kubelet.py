"""The kubelet's and the scheduler's Events (1.31 wording) and the pod statuses that go with them.

The wording comes from the kubelet's source (pkg/kubelet/images/image_manager.go,
kuberuntime/kuberuntime_container.go, pkg/kubelet/events): the reference cluster's KWOK runs no kubelet, so it
only vouches for the controllers' and the scheduler's Events (tests/differential).
"""

from __future__ import annotations

import re

import pytest
import yaml

import ingresslab
from ingresslab.backends.sandbox.controllers.kubelet import go_duration
from ingresslab.manifests import DEMO_DIR
from ingresslab.tutorial import ensure_demo_app

_PULLED = re.compile(
    r'Successfully pulled image "(?P<image>[^"]+)" in (?P<took>[\d.]+m?s) '
    r"\((?P<total>[\d.]+m?s) including waiting\)\. Image size: (?P<size>\d+) bytes\."
)


def _rows(text: str) -> list[list[str]]:
    lines = text.split("Events:\n", 1)[1].splitlines()
    assert lines[0].split() == ["Type", "Reason", "Age", "From", "Message"]
    return [re.split(r"\s{2,}", line.strip()) for line in lines[2:] if line.strip()]


@pytest.fixture
def lab():
    return ingresslab.connect("sandbox", state=None)


def _pod(lab, name: str, container: dict, **spec) -> dict:
    lab.backend.apply_many(
        [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "labels": {"run": name}},
                "spec": {"containers": [{"name": name, **container}], **spec},
            }
        ],
        namespace="default",
    )
    return lab.backend.get("pods", name, "default")


def _later(lab, times: int = 1) -> None:
    """Let the clock move: each write is a learner's next command, a few seconds later."""
    for i in range(times):
        assert lab.kubectl(f"label namespace default tick={i} --overwrite").returncode == 0


def _status_row(lab, name: str) -> list[str]:
    return lab.kubectl(f"get pod {name}").stdout.splitlines()[1].split()


# -- the demo app -------------------------------------------------------------------------------------
def test_the_demo_apps_events_follow_a_real_minikubes_sequence():
    lab = ingresslab.connect("sandbox", state=None, cwd=str(DEMO_DIR.parent))
    ensure_demo_app(lab)
    lines = lab.kubectl("get events -n application").stdout.splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    rows = [re.split(r"\s{2,}", line.strip(), maxsplit=4) for line in lines[1:]]
    by_object: dict[str, list[str]] = {}
    for row in rows:
        by_object.setdefault(row[3], []).append(row[2])
    pods = [o for o in by_object if o.startswith("pod/")]
    assert len(pods) == 4  # dest-depl-v1 ×2, dest-depl-v2, dest-error-depl
    for pod in pods:
        assert by_object[pod] == ["Scheduled", "Pulling", "Pulled", "Created", "Started"], pod
    deployments = {o: r for o, r in by_object.items() if o.startswith("deployment/")}
    assert deployments and all(r == ["ScalingReplicaSet"] for r in deployments.values())
    sets = {o: r for o, r in by_object.items() if o.startswith("replicaset/")}
    assert sets and all(set(r) == {"SuccessfulCreate"} for r in sets.values())

    name = lab.backend.list("pods", "application", label_selector="app=hw-v2")[0]["metadata"]["name"]
    table = _rows(lab.kubectl(f"describe pod -n application {name}").stdout)
    assert [(r[0], r[1], r[3]) for r in table] == [
        ("Normal", "Scheduled", "default-scheduler"),
        ("Normal", "Pulling", "kubelet"),
        ("Normal", "Pulled", "kubelet"),
        ("Normal", "Created", "kubelet"),
        ("Normal", "Started", "kubelet"),
    ]
    assert table[0][4] == f"Successfully assigned application/{name} to minikube"
    assert table[1][4] == 'Pulling image "hashicorp/http-echo"'
    pulled = _PULLED.fullmatch(table[2][4])
    assert pulled and pulled["image"] == "hashicorp/http-echo"
    assert table[3][4] == "Created container dest-countainer-v1"
    assert table[4][4] == "Started container dest-countainer-v1"


def test_kubelet_events_name_the_node_and_the_container(lab):
    pod = _pod(lab, "web", {"image": "nginx:1.27"})
    events = lab.backend.list("events", "default", field_selector="involvedObject.name=web")
    kubelet = [e for e in events if e["source"].get("component") == "kubelet"]
    assert [e["reason"] for e in kubelet] == ["Pulling", "Pulled", "Created", "Started"]
    for event in kubelet:
        assert event["source"] == {"component": "kubelet", "host": "minikube"}
        assert (event["reportingComponent"], event["reportingInstance"]) == ("kubelet", "minikube")
        assert event["involvedObject"]["fieldPath"] == "spec.containers{web}"
        assert event["involvedObject"]["uid"] == pod["metadata"]["uid"]
        assert event["count"] == 1 and event["type"] == "Normal"
    (scheduled,) = [e for e in events if e["reason"] == "Scheduled"]
    assert scheduled["reportingInstance"] == "default-scheduler-minikube" and scheduled["action"] == "Binding"


def test_a_cached_image_is_already_present_and_the_preload_needs_no_pull(lab):
    _pod(lab, "one", {"image": "gcr.io/google-samples/hello-app:1.0"})
    _later(lab, 3)
    _pod(lab, "two", {"image": "gcr.io/google-samples/hello-app:1.0"})
    rows = _rows(lab.kubectl("describe pod two").stdout)
    assert [r[1] for r in rows] == ["Scheduled", "Pulled", "Created", "Started"]
    assert rows[1][4] == 'Container image "gcr.io/google-samples/hello-app:1.0" already present on machine'
    coredns = lab.backend.list("pods", "kube-system", label_selector="k8s-app=kube-dns")[0]["metadata"][
        "name"
    ]
    rows = _rows(lab.kubectl(f"describe pod -n kube-system {coredns}").stdout)
    assert [
        "Pulled",
        'Container image "registry.k8s.io/coredns/coredns:v1.11.1" already present on machine',
    ] in [[r[1], r[4]] for r in rows]


def test_pulls_of_one_moment_wait_for_each_other(lab):
    lab.backend.apply_many(
        [
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "web"},
                "spec": {
                    "replicas": 2,
                    "selector": {"matchLabels": {"app": "web"}},
                    "template": {
                        "metadata": {"labels": {"app": "web"}},
                        "spec": {"containers": [{"name": "web", "image": "nginx"}]},
                    },
                },
            }
        ],
        namespace="default",
    )
    pulled = [
        _PULLED.fullmatch(e["message"])
        for e in lab.backend.list("events", "default", field_selector="reason=Pulled")
    ]
    assert len(pulled) == 2 and all(pulled)
    first, second = sorted(pulled, key=lambda m: m["total"].endswith("ms"))
    assert {m["size"] for m in pulled} == {"187694648"}
    assert first["took"] == first["total"] or second["took"] == second["total"]
    assert first["total"] != first["took"] or second["total"] != second["took"]  # one of them waited


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.0421, "42ms"), (0.9999, "999ms"), (1.2, "1.2s"), (2.0, "2s"), (64.5, "1m4.5s")]
)
def test_durations_print_as_go_prints_them(seconds, text):
    assert go_duration(seconds) == text


# -- failures -----------------------------------------------------------------------------------------
def test_a_missing_image_fails_to_pull_then_backs_off(lab):
    _pod(lab, "bad", {"image": "nosuch:1"})
    row = _status_row(lab, "bad")
    assert row[:3] == ["bad", "0/1", "ErrImagePull"]
    status = lab.backend.get("pods", "bad", "default")["status"]
    assert status["phase"] == "Pending"
    waiting = status["containerStatuses"][0]["state"]["waiting"]
    denied = (
        "rpc error: code = Unknown desc = Error response from daemon: pull access denied for nosuch, repository "
        "does not exist or may require 'docker login': denied: requested access to the resource is denied"
    )
    assert waiting == {"reason": "ErrImagePull", "message": denied}
    _later(lab, 8)
    assert _status_row(lab, "bad")[:3] == ["bad", "0/1", "ImagePullBackOff"]
    waiting = lab.backend.get("pods", "bad", "default")["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting == {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "nosuch:1"'}
    rows = _rows(lab.kubectl("describe pod bad").stdout)
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("Normal", "Scheduled", "Successfully assigned default/bad to minikube"),
        ("Normal", "Pulling", 'Pulling image "nosuch:1"'),
        ("Warning", "Failed", f'Failed to pull image "nosuch:1": {denied}'),
        ("Warning", "Failed", "Error: ErrImagePull"),
        ("Normal", "BackOff", 'Back-off pulling image "nosuch:1"'),
        ("Warning", "Failed", "Error: ImagePullBackOff"),
    ]
    assert re.fullmatch(r"\d+s \(x[2-9] over \d+s\)", rows[1][2])  # retried after the 10 s back-off
    assert re.fullmatch(r"\d+s \(x\d+ over \d+s\)", rows[4][2])


def test_a_missing_tag_is_a_missing_manifest(lab):
    _pod(lab, "old", {"image": "gcr.io/google-samples/hello-app:3.0"})
    (failed,) = [
        e["message"]
        for e in lab.backend.list("events", "default", field_selector="reason=Failed")
        if e["message"].startswith("Failed to pull")
    ]
    assert failed.startswith(
        'Failed to pull image "gcr.io/google-samples/hello-app:3.0": rpc error: code = Unknown desc = Error '
        "response from daemon: manifest for gcr.io/google-samples/hello-app:3.0 not found: manifest unknown"
    )


def test_a_crashing_command_restarts_with_back_off(lab):
    pod = _pod(lab, "crash", {"image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 3"]})
    row = _status_row(lab, "crash")
    assert row[:4] == ["crash", "0/1", "Error", "0"]
    _later(lab, 10)
    row = _status_row(lab, "crash")
    assert row[:3] == ["crash", "0/1", "CrashLoopBackOff"] and int(row[3]) >= 2
    cs = lab.backend.get("pods", "crash", "default")["status"]["containerStatuses"][0]
    assert cs["lastState"]["terminated"]["exitCode"] == 3
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    key = f"crash_default({pod['metadata']['uid']})"
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert re.fullmatch(
        rf"back-off (?:10|20|40|1m20)s restarting failed container=crash pod={re.escape(key)}",
        cs["state"]["waiting"]["message"],
    )
    rows = _rows(lab.kubectl("describe pod crash").stdout)
    reasons = {r[1]: r for r in rows}
    assert reasons["Pulled"][4] == 'Container image "busybox:1.36" already present on machine'
    assert re.fullmatch(r"\d+s \(x\d+ over \d+s\)", reasons["Started"][2])
    assert reasons["BackOff"][0] == "Warning"
    assert reasons["BackOff"][4] == f"Back-off restarting failed container crash in pod {key}"
    # Each run's output (the sandbox keeps one log per container; a node would show the last run's alone).
    assert set(lab.kubectl("logs crash").stdout.splitlines()) == {"boom"}


@pytest.mark.parametrize(
    ("script", "policy", "status", "phase"),
    [("exit 0", "Never", "Completed", "Succeeded"), ("false", "Never", "Error", "Failed")],
)
def test_a_command_that_ends_under_restart_never(lab, script, policy, status, phase):
    _pod(lab, "once", {"image": "busybox", "command": ["sh", "-c", script]}, restartPolicy=policy)
    assert _status_row(lab, "once")[:4] == ["once", "0/1", status, "0"]
    assert lab.backend.get("pods", "once", "default")["status"]["phase"] == phase


def test_long_running_commands_and_a_bare_shell_image_keep_running(lab):
    _pod(lab, "loop", {"image": "curlimages/curl", "command": ["sh", "-c", "while true; do sleep 1; done"]})
    _pod(lab, "sleeper", {"image": "busybox", "command": ["sleep", "3600"]})
    _pod(lab, "bare", {"image": "busybox"})
    _later(lab, 3)
    for name in ("loop", "sleeper", "bare"):
        assert _status_row(lab, name)[:4] == [name, "1/1", "Running", "0"]


def test_a_pod_the_node_cannot_take_stays_pending(lab):
    _pod(lab, "picky", {"image": "nginx"}, nodeSelector={"disktype": "ssd"})
    _pod(lab, "greedy", {"image": "nginx", "resources": {"requests": {"cpu": "3"}}})
    for name, why in (
        (
            "picky",
            "1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: "
            "1 Preemption is not helpful for scheduling.",
        ),
        (
            "greedy",
            "1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found "
            "for incoming pod.",
        ),
    ):
        assert _status_row(lab, name)[:3] == [name, "0/1", "Pending"]
        rows = _rows(lab.kubectl(f"describe pod {name}").stdout)
        assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
            ("Warning", "FailedScheduling", "default-scheduler", f"0/1 nodes are available: {why}")
        ]
        (cond,) = lab.backend.get("pods", name, "default")["status"]["conditions"]
        assert (cond["type"], cond["status"], cond["reason"]) == ("PodScheduled", "False", "Unschedulable")


def test_a_failing_readiness_probe_keeps_the_pod_unready(lab):
    _pod(lab, "probed", {"image": "nginx", "readinessProbe": {"httpGet": {"path": "/healthz", "port": 80}}})
    _pod(lab, "refused", {"image": "nginx", "readinessProbe": {"httpGet": {"path": "/", "port": 8080}}})
    _later(lab, 6)
    assert _status_row(lab, "probed")[:3] == ["probed", "0/1", "Running"]
    rows = _rows(lab.kubectl("describe pod probed").stdout)
    assert rows[-1][:2] == ["Warning", "Unhealthy"]
    assert rows[-1][4] == "Readiness probe failed: HTTP probe failed with statuscode: 404"
    assert re.fullmatch(r"\d+s \(x\d+ over \d+s\)", rows[-1][2])
    ip = lab.backend.get("pods", "refused", "default")["status"]["podIP"]
    rows = _rows(lab.kubectl("describe pod refused").stdout)
    assert rows[-1][4] == (
        f'Readiness probe failed: Get "http://{ip}:8080/": dial tcp {ip}:8080: connect: connection refused'
    )


def test_deleting_a_pod_stops_its_containers(lab):
    _pod(lab, "gone", {"image": "nginx"})
    assert lab.kubectl("delete pod gone").returncode == 0
    lines = [line for line in lab.kubectl("get events").stdout.splitlines() if "pod/gone" in line]
    assert re.split(r"\s{2,}", lines[-1].strip()) == [
        lines[-1].split()[0],
        "Normal",
        "Killing",
        "pod/gone",
        "Stopping container gone",
    ]


def test_ephemeral_debug_containers_get_their_events():
    lab = ingresslab.connect("sandbox", state=None, cwd=str(DEMO_DIR.parent))
    ensure_demo_app(lab)
    pod = lab.backend.list("pods", "application", label_selector="app=hw-v2")[0]["metadata"]["name"]
    assert lab.sh(f"kubectl debug {pod} -it --image=busybox -- cat /etc/hostname").returncode == 0
    events = lab.backend.list("events", "application", field_selector=f"involvedObject.name={pod}")
    debug = [e for e in events if "ephemeralContainers" in e["involvedObject"].get("fieldPath", "")]
    assert [e["reason"] for e in debug][-3:] == ["Pulled", "Created", "Started"] or [
        e["reason"] for e in debug
    ] == ["Pulling", "Pulled", "Created", "Started"]
    assert re.fullmatch(
        r"spec\.ephemeralContainers\{debugger-[a-z0-9]{5}\}", debug[0]["involvedObject"]["fieldPath"]
    )


def test_event_writes_leave_the_seeded_names_alone():
    def names(seed: int) -> list[str]:
        backend = ingresslab.connect("sandbox", state=None, seed=seed).backend
        backend.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
        docs = list(yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text()))
        backend.apply_many(docs, namespace="application")
        return sorted(
            p["metadata"]["name"] + " " + p["status"]["podIP"] for p in backend.list("pods", "application")
        )

    assert names(7) == names(7)


def test_the_scheduler_retries_and_binds_once_the_node_fits(lab):
    _pod(lab, "picky", {"image": "nginx"}, nodeSelector={"disktype": "ssd"})
    with lab.backend.transaction() as cluster:
        cluster.store.advance(301)  # past the scheduler's five-minute flush of unschedulable pods
    _later(lab)
    (failed,) = lab.backend.list("events", "default", field_selector="reason=FailedScheduling")
    assert failed["series"]["count"] == 2 and failed["eventTime"] < failed["series"]["lastObservedTime"]
    rows = _rows(lab.kubectl("describe pod picky").stdout)
    assert re.fullmatch(r"\d+s \(x2 over 5m\d+s\)", rows[0][2])
    assert lab.kubectl("label node minikube disktype=ssd").returncode == 0
    assert _status_row(lab, "picky")[:3] == ["picky", "1/1", "Running"]
    rows = _rows(lab.kubectl("describe pod picky").stdout)
    assert [r[1] for r in rows] == [
        "FailedScheduling",
        "Scheduled",
        "Pulling",
        "Pulled",
        "Created",
        "Started",
    ]
    assert rows[1][4] == "Successfully assigned default/picky to minikube"
