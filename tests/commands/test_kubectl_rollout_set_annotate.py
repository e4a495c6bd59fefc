"""`kubectl set image|env`, `rollout …` and `annotate` over the sandbox: a Deployment rolls like a real one (new
ReplicaSet per template, revisions, undo), with kubectl's messages (judged against the reference cluster by the
differential corpus)."""

from __future__ import annotations

import shlex

import pytest

from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation


@pytest.fixture
def kubectl(sandbox):
    tool = Kubectl(sandbox)

    def run(line: str):
        return tool(Invocation(["kubectl", *shlex.split(line)]))

    run("create deployment web --image=nginx:1.25 --replicas=2")
    return run


def _replicasets(kubectl) -> dict[str, tuple[str, str]]:
    """revision -> (image, replicas) of the Deployment's ReplicaSets."""
    text = kubectl(
        "get rs -o jsonpath='{range .items[*]}{.spec.template.spec.containers[0].image},{.spec.replicas},"
        "{.metadata.annotations.deployment\\.kubernetes\\.io/revision};{end}'"
    ).stdout
    rows = [item.split(",") for item in text.split(";") if item]
    return {revision: (image, replicas) for image, replicas, revision in rows}


def test_set_image_rolls_to_a_new_replicaset_and_undo_rolls_back(kubectl):
    assert (
        kubectl("set image deployment/web nginx=nginx:1.26").stdout == "deployment.apps/web image updated\n"
    )
    assert kubectl("set image deployment/web nginx=nginx:1.26").stdout == ""  # no change, nothing printed
    assert (
        kubectl("set image deployment/web foo=bar").stderr == 'error: unable to find container named "foo"\n'
    )
    assert _replicasets(kubectl) == {"1": ("nginx:1.25", "0"), "2": ("nginx:1.26", "2")}
    assert kubectl("rollout status deployment/web").stdout == 'deployment "web" successfully rolled out\n'
    assert kubectl("rollout history deployment/web").stdout == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    )
    assert kubectl("rollout undo deployment/web").stdout == "deployment.apps/web rolled back\n"
    assert _replicasets(kubectl) == {"3": ("nginx:1.25", "2"), "2": ("nginx:1.26", "0")}
    assert (
        kubectl("get deploy web -o jsonpath={.spec.template.spec.containers[0].image}").stdout == "nginx:1.25"
    )
    assert kubectl("rollout undo deployment/web --to-revision=9").stderr == (
        "error: unable to find specified revision 9 in history\n"
    )
    assert kubectl("rollout undo deployment/web --to-revision=3").stdout == (
        "deployment.apps/web skipped rollback (current template already matches revision 3)\n"
    )


def test_set_env_adds_and_removes_variables(kubectl):
    assert kubectl("set env deployment/web MODE=blue LEVEL=2").stdout == "deployment.apps/web env updated\n"
    env = "get deploy web -o jsonpath={.spec.template.spec.containers[0].env}"
    assert kubectl(env).stdout == '[{"name":"MODE","value":"blue"},{"name":"LEVEL","value":"2"}]'
    assert kubectl("set env deployment/web MODE-").stdout == "deployment.apps/web env updated\n"
    assert kubectl(env).stdout == '[{"name":"LEVEL","value":"2"}]'
    assert len(_replicasets(kubectl)) == 3


def test_pause_resume_restart(kubectl):
    assert kubectl("rollout pause deployment/web").stdout == "deployment.apps/web paused\n"
    assert (
        kubectl("rollout pause deployment/web").stderr == 'error: deployments.apps "web" is already paused\n'
    )
    assert kubectl("rollout restart deployment/web").stderr == (
        'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n'
    )
    assert kubectl("rollout resume deploy web").stdout == "deployment.apps/web resumed\n"
    assert kubectl("rollout resume deploy web").stderr == 'error: deployments.apps "web" is not paused\n'
    assert kubectl("rollout restart deployment/web").stdout == "deployment.apps/web restarted\n"
    stamp = kubectl(
        "get deploy web -o jsonpath='{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}'"
    ).stdout
    assert stamp.startswith("20") and "T" in stamp
    assert len(_replicasets(kubectl)) == 2


def test_annotate_sets_overwrites_and_removes(kubectl):
    assert kubectl("annotate deployment web team=blue").stdout == "deployment.apps/web annotated\n"
    clash = kubectl("annotate deployment web team=green")
    assert clash.returncode == 1
    assert clash.stderr == (
        "error: --overwrite is false but found the following declared annotation(s): 'team' already has a value (blue)\n"
    )
    assert kubectl("annotate deployment web team=green --overwrite").returncode == 0
    assert kubectl("get deploy web -o jsonpath={.metadata.annotations.team}").stdout == "green"
    assert kubectl("annotate deploy/web team-").stdout == "deployment.apps/web annotated\n"
    assert kubectl("get deploy web -o jsonpath={.metadata.annotations.team}").stdout == ""
    assert kubectl("annotate deployment web").stderr == "error: at least one annotation update is required\n"
    dry = kubectl("annotate deployment web note=hi --dry-run=client")
    assert dry.stdout == "deployment.apps/web annotated (dry run)\n"
    assert kubectl("get deploy web -o jsonpath={.metadata.annotations.note}").stdout == ""


def test_patch_and_delete_dry_runs_change_nothing(kubectl):
    patch = 'patch deploy web -p \'{"spec":{"replicas":3}}\''
    assert kubectl(f"{patch} --dry-run=client").stdout == "deployment.apps/web patched\n"
    assert kubectl(f"{patch} --dry-run=server").stdout == "deployment.apps/web patched\n"
    assert "replicas: 3" in kubectl(f"{patch} --dry-run=client -o yaml").stdout
    assert kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "2"
    assert kubectl("delete deploy web --dry-run=client").stdout == 'deployment.apps "web" deleted (dry run)\n'
    assert (
        kubectl("delete deploy web --dry-run=server").stdout
        == 'deployment.apps "web" deleted (server dry run)\n'
    )
    assert kubectl("get deploy web -o name").stdout == "deployment.apps/web\n"
