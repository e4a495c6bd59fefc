"""The kubelet over time, as `kubectl get pods`, `kubectl events` and `kubectl logs` show it.

The sandbox's clock steps a few seconds on each call that writes (a learner's next command); the kubelet
catches up on every step, not only when some object changes, so a crash loop's RESTARTS and an image's
pull retries grow between two `kubectl get pods` even when nothing else happened in between.
`kubectl logs` of a container that never started answers what the kubelet answers (1.31
validateContainerLogStatus), through the API server as a BadRequest.
"""

from __future__ import annotations

import pytest

import ingresslab


@pytest.fixture
def lab():
    return ingresslab.connect("sandbox", state=None)


def _step(lab) -> None:
    """A command that moves the clock and changes no object (the kubeconfig's namespace, unchanged)."""
    assert lab.kubectl("config set-context --current --namespace=default").returncode == 0


def _row(lab, name: str) -> list[str]:
    return lab.kubectl(f"get pod {name}").stdout.splitlines()[1].split()


def test_a_crash_loop_restarts_as_the_clock_steps(lab):
    assert lab.kubectl("run crash --image=busybox:1.36 -- sh -c 'echo boom; exit 3'").returncode == 0
    first = int(_row(lab, "crash")[3])
    seen = []
    for _ in range(10):
        _step(lab)
        row = _row(lab, "crash")
        seen.append(int(row[3]))
    assert seen == sorted(seen) and seen[-1] >= first + 2
    assert _row(lab, "crash")[2] == "CrashLoopBackOff"
    started = next(
        line for line in lab.kubectl("events --for pod/crash").stdout.splitlines() if " Started " in line
    )
    assert f"(x{seen[-1] + 1} over" in started


def test_an_image_pull_is_retried_as_the_clock_steps(lab):
    assert lab.kubectl("run bad --image=nosuch:1").returncode == 0
    assert _row(lab, "bad")[2] == "ErrImagePull"
    for _ in range(8):
        _step(lab)
    assert _row(lab, "bad")[2] == "ImagePullBackOff"
    rows = lab.kubectl("events --for pod/bad --types=Normal").stdout.splitlines()
    pulling = next(line for line in rows if " Pulling " in line)
    assert " (x" in pulling.split("Normal")[0]  # pulled again after each back-off


@pytest.mark.parametrize(
    ("image", "text"),
    [("nosuch:1", "image can't be pulled")],
)
def test_logs_of_a_container_that_never_started(lab, image, text):
    assert lab.kubectl(f"run bad --image={image}").returncode == 0
    r = lab.kubectl("logs bad")
    assert (r.stdout, r.stderr, r.returncode) == (
        "",
        f'Error from server (BadRequest): container "bad" in pod "bad" is waiting to start: {text}\n',
        1,
    )
    for _ in range(8):
        _step(lab)
    r = lab.kubectl("logs pod/bad -c bad")
    assert r.stderr == (
        'Error from server (BadRequest): container "bad" in pod "bad" is waiting to start: trying and failing '
        "to pull image\n"
    )
    assert r.returncode == 1


def test_logs_of_a_creating_container_and_of_a_missing_previous_run(lab):
    from ingresslab.commands.kubectl.inspect import log_status_error

    pod = {
        "metadata": {"name": "web"},
        "spec": {"nodeName": "minikube", "containers": [{"name": "web"}]},
        "status": {
            "containerStatuses": [{"name": "web", "state": {"waiting": {"reason": "ContainerCreating"}}}]
        },
    }
    err = log_status_error(pod, "web")
    assert err is not None and err.kubectl_text() == (
        'Error from server (BadRequest): container "web" in pod "web" is waiting to start: ContainerCreating'
    )
    prev = log_status_error(pod, "web", previous=True)
    assert prev is not None and str(prev) == 'previous terminated container "web" in pod "web" not found'
    pod["spec"].pop("nodeName")
    assert log_status_error(pod, "web") is None  # not on a node yet: the API server returns no log at all
    assert lab.kubectl("run ok --image=nginx").returncode == 0
    r = lab.kubectl("logs ok -p")
    assert r.stderr == (
        'Error from server (BadRequest): previous terminated container "ok" in pod "ok" not found\n'
    )


def test_logs_of_a_crash_loop_still_read_the_last_run(lab):
    assert lab.kubectl("run crash --image=busybox:1.36 -- sh -c 'echo boom; exit 3'").returncode == 0
    for _ in range(3):
        _step(lab)
    r = lab.kubectl("logs crash")
    assert r.returncode == 0 and "boom" in r.stdout
    assert lab.kubectl("logs crash --previous").returncode == 0
