"""`--dry-run=client|server` on apply, create -f, label and scale over the sandbox: kubectl's messages, nothing
stored, and `-o` printing what kubectl prints (the differential cases dry-run-* judge them against real kubectl)."""

from __future__ import annotations

import shlex

import pytest

from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation

SETTINGS = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app: settings
data:
  a: "1"
"""


@pytest.fixture
def kubectl(sandbox, tmp_path):
    (tmp_path / "settings.yaml").write_text(SETTINGS)
    (tmp_path / "settings-b.yaml").write_text(SETTINGS + "  b: two\n")
    tool = Kubectl(sandbox, cwd=str(tmp_path))

    def run(line: str):
        return tool(Invocation(["kubectl", *shlex.split(line)], cwd=str(tmp_path)))

    run("create deployment web --image=nginx --replicas=2")
    return run


def test_scale_dry_runs_store_nothing(kubectl):
    assert kubectl("scale deploy web --replicas=5 --dry-run=client").stdout == (
        "deployment.apps/web scaled (dry run)\n"
    )
    assert kubectl("scale deployment/web --replicas=5 --dry-run=server").stdout == (
        "deployment.apps/web scaled (server dry run)\n"
    )
    assert kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "2"
    assert kubectl("scale deploy web --replicas=5 --dry-run=client -o name").stdout == "deployment.apps/web\n"
    bad = kubectl("scale deploy web --replicas=5 --dry-run=maybe")
    assert bad.stderr == 'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n'
    assert kubectl("scale deploy web --replicas=3").stdout == "deployment.apps/web scaled\n"
    assert kubectl("get deploy web -o jsonpath={.spec.replicas}").stdout == "3"


def test_scale_output_prints_the_object_as_fetched(kubectl):
    out = kubectl("scale deploy web --replicas=5 --dry-run=client -o yaml").stdout
    assert out.startswith("apiVersion: apps/v1\nkind: Deployment\n")
    assert "  replicas: 2\n" in out  # kubectl prints what it fetched, not the scaled object


def test_label_dry_runs(kubectl):
    assert kubectl("label deploy web tier=gold --dry-run=client").stdout == (
        "deployment.apps/web labeled (dry run)\n"
    )
    assert kubectl("label deploy web tier=gold --dry-run=server").stdout == (
        "deployment.apps/web labeled (server dry run)\n"
    )
    assert (
        kubectl("label deploy web app- --dry-run=client").stdout
        == "deployment.apps/web unlabeled (dry run)\n"
    )
    assert kubectl("label deploy web nope- --dry-run=server").stdout == (
        'label "nope" not found.\ndeployment.apps/web not labeled (server dry run)\n'
    )
    clash = kubectl("label deploy web app=other --dry-run=client")
    assert clash.stderr == "error: 'app' already has a value (web), and --overwrite is false\n"
    assert kubectl("get deploy web --show-labels").stdout.split()[-1] == "app=web"
    shown = kubectl("label deploy web tier=gold --dry-run=client -o yaml").stdout
    assert "  labels:\n    app: web\n    tier: gold\n" in shown


def test_apply_and_create_dry_runs(kubectl):
    assert (
        kubectl("apply -f settings.yaml --dry-run=client").stdout == "configmap/settings created (dry run)\n"
    )
    assert kubectl("apply -f settings.yaml --dry-run=server").stdout == (
        "configmap/settings created (server dry run)\n"
    )
    assert kubectl("get cm settings").returncode == 1
    kubectl("apply -f settings.yaml")
    assert kubectl("apply -f settings.yaml --dry-run=client").stdout == (
        "configmap/settings configured (dry run)\n"
    )
    assert kubectl("apply -f settings.yaml --dry-run=server").stdout == (
        "configmap/settings unchanged (server dry run)\n"
    )
    assert kubectl("apply -f settings-b.yaml --dry-run=server").stdout == (
        "configmap/settings configured (server dry run)\n"
    )
    assert kubectl("get cm settings -o jsonpath={.data}").stdout == '{"a":"1"}'
    assert (
        kubectl("create -f settings.yaml --dry-run=client").stdout == "configmap/settings created (dry run)\n"
    )
    exists = kubectl("create -f settings.yaml --dry-run=server")
    assert exists.stderr == (
        'Error from server (AlreadyExists): error when creating "settings.yaml": '
        'configmaps "settings" already exists\n'
    )


def test_apply_dry_run_output(kubectl):
    created = kubectl("apply -f settings.yaml --dry-run=client -o yaml").stdout
    assert created.startswith('apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n  annotations:\n')
    assert (
        '"metadata":{"annotations":{},"labels":{"app":"settings"},"name":"settings","namespace":"default"}'
        in (created)
    )
    assert kubectl("apply -f settings.yaml --dry-run=client -o name").stdout == "configmap/settings\n"
    both = kubectl("apply -f settings.yaml -f settings-b.yaml --dry-run=client -o yaml").stdout
    assert both.startswith("apiVersion: v1\nitems:\n") and both.endswith("kind: List\nmetadata: {}\n")
    assert kubectl("get cm settings").returncode == 1
    kubectl("apply -f settings.yaml")
    patched = kubectl("apply -f settings-b.yaml --dry-run=server -o json").stdout
    assert '"b": "two"' in patched
    assert kubectl("get cm settings -o jsonpath={.data}").stdout == '{"a":"1"}'
    bad = kubectl("apply -f settings.yaml -o wide")
    assert bad.stderr.startswith('error: unable to match a printer suitable for the output format "wide"')
