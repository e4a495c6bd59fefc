"""A paused Deployment over the sandbox (`kubectl rollout pause`): a template change rolls nothing until
`rollout resume`, scaling still applies, and `rollout status` waits as kubectl's does (the differential case
rollout-paused-template-change judges it against the reference cluster's DeploymentController)."""

from __future__ import annotations

import json
import shlex

import pytest

from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation

PROGRESSING = """get deploy web -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}'"""


@pytest.fixture
def kubectl(sandbox):
    tool = Kubectl(sandbox)

    def run(line: str):
        return tool(Invocation(["kubectl", *shlex.split(line)]))

    run("create deployment web --image=nginx:1.25 --replicas=2")
    return run


def _replicasets(kubectl) -> list[tuple[str, int]]:
    items = json.loads(kubectl("get rs -o json").stdout)["items"]
    return sorted(
        (rs["spec"]["template"]["spec"]["containers"][0]["image"], rs["spec"]["replicas"]) for rs in items
    )


def test_paused_deployment_holds_its_rollout_until_resumed(kubectl):
    assert kubectl("rollout pause deployment/web").stdout == "deployment.apps/web paused\n"
    kubectl("set image deployment/web nginx=nginx:1.26")
    assert _replicasets(kubectl) == [("nginx:1.25", 2)]  # no new ReplicaSet while paused
    status = kubectl("rollout status deployment/web --timeout=2s")
    assert (status.stdout, status.stderr, status.returncode) == (
        'Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...\n',
        "error: timed out waiting for the condition\n",
        1,
    )
    progressing = kubectl(PROGRESSING).stdout
    assert progressing == "DeploymentPaused"
    assert kubectl("get deploy web -o jsonpath={.status.updatedReplicas}").stdout == ""

    kubectl("scale deployment/web --replicas=3")  # a paused Deployment is still scaled
    assert _replicasets(kubectl) == [("nginx:1.25", 3)]

    assert kubectl("rollout resume deployment/web").stdout == "deployment.apps/web resumed\n"
    assert _replicasets(kubectl) == [("nginx:1.25", 0), ("nginx:1.26", 3)]
    assert kubectl("rollout status deployment/web").stdout == 'deployment "web" successfully rolled out\n'
    assert kubectl(PROGRESSING).stdout == "NewReplicaSetAvailable"


def test_pause_without_a_template_change_keeps_everything_updated(kubectl):
    kubectl("rollout pause deployment/web")
    assert kubectl("get deploy web -o jsonpath={.status.updatedReplicas}").stdout == "2"
    assert kubectl("rollout status deployment/web").stdout == 'deployment "web" successfully rolled out\n'
