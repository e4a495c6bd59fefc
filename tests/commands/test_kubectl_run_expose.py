"""`kubectl run` and `kubectl expose`: errors real kubectl prints without a cluster, and what they do in the
sandbox (their server-side output is judged by the differential corpus)."""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation

ORACLE_CASES = [
    "run web --dry-run=client -o yaml",
    "run --image=nginx --dry-run=client -o yaml",
    "run tmp --rm -it --image=busybox --restart=Never --dry-run=client -o yaml -- wget -qO- web",
    "run tmp -i --image=busybox --dry-run=server",
]


@pytest.fixture
def kubectl(sandbox):
    tool = Kubectl(sandbox)

    def run(line: str, stdin: str = ""):
        return tool(Invocation(["kubectl", *shlex.split(line)], stdin=stdin))

    return run


@pytest.mark.parametrize("line", ORACLE_CASES)
def test_run_errors_equal_real_kubectl(line, kubectl_oracle, kubectl, tmp_path):
    env = {**os.environ, "KUBECONFIG": os.devnull}
    real = subprocess.run(
        [kubectl_oracle, *shlex.split(line)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    ours = kubectl(line)
    assert (ours.stdout, ours.stderr, ours.returncode) == (real.stdout, real.stderr, real.returncode)


def test_run_builds_the_pod_kubectl_builds(kubectl):
    text = kubectl(
        "run web --image=nginx --port=80 --labels=app=web,tier=front --env=MODE=demo --restart=Never "
        "--dry-run=client -o yaml -- sleep 10"
    ).stdout
    assert text == (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n"
        '    tier: front\n  name: web\nspec:\n  containers:\n  - args:\n    - sleep\n    - "10"\n    env:\n'
        "    - name: MODE\n      value: demo\n    image: nginx\n    name: web\n    ports:\n    - containerPort: 80\n"
        "    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Never\nstatus: {}\n"
    )
    assert kubectl("run web --image=nginx").stdout == "pod/web created\n"
    pod = kubectl("get pod web -o jsonpath={.metadata.labels.run}/{.status.phase}")
    assert pod.stdout == "web/Running"
    assert "<unknown>" not in kubectl("get pod web").stdout


def test_run_it_rm_attaches_runs_and_deletes(kubectl):
    result = kubectl("run tmp --rm -it --image=busybox --restart=Never -- echo hello from busybox")
    assert result.stderr == "If you don't see a command prompt, try pressing enter.\n"
    assert result.stdout == 'hello from busybox\npod "tmp" deleted\n'
    assert result.returncode == 0
    assert kubectl("get pod tmp").returncode == 1
    failed = kubectl("run tmp --rm -it --image=busybox --restart=Never -- false")
    assert failed.returncode == 1
    assert failed.stdout == 'pod "tmp" deleted\n'
    assert failed.stderr.endswith("pod default/tmp terminated (Error)\n")


def test_expose_builds_the_service_from_the_deployment(kubectl):
    kubectl("create deployment web --image=nginx --port=80")
    dry = kubectl("expose deployment web --target-port=8080 --type=NodePort --dry-run=client -o yaml")
    assert dry.stdout == (
        "apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n"
        "  name: web\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 8080\n  selector:\n"
        "    app: web\n  type: NodePort\nstatus:\n  loadBalancer: {}\n"
    )
    assert kubectl("expose deployment web --port=80").stdout == "service/web exposed\n"
    assert (
        kubectl("get svc web -o jsonpath={.spec.selector.app}:{.spec.ports[0].targetPort}").stdout == "web:80"
    )
    again = kubectl("expose deploy/web --port=80")
    assert again.stderr == 'Error from server (AlreadyExists): services "web" already exists\n'
    assert kubectl("expose svc web --name=web2 --port=8080").stdout == "service/web2 exposed\n"
    missing = kubectl("expose deployment nope --port=80")
    assert missing.stderr == 'Error from server (NotFound): deployments.apps "nope" not found\n'
