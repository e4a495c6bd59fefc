"""`%load_ext ingresslab`: line magics for the CLIs and the %%lab cell, all going to the current lab."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab.magics import current_lab
from ingresslab.manifests import DEMO_DIR


@pytest.fixture
def ipython():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "ingresslab")
    yield shell
    InteractiveShell.clear_instance()


def test_magics_go_to_the_lab_connect_returned_last(ipython):
    lab = ingresslab.connect("sandbox", state=None, cwd=DEMO_DIR.parent)
    assert current_lab() is lab
    nodes = ipython.run_line_magic("kubectl", "get nodes -o name")
    assert nodes.stdout == "node/minikube\n"
    assert ipython.run_line_magic("minikube", "ip").stdout == "192.168.76.2\n"


def test_lab_cell_runs_shell_text_and_keeps_variables(ipython):
    lab = ingresslab.connect("sandbox", state=None, cwd=DEMO_DIR.parent)
    first = ipython.run_cell_magic(
        "lab", "", "NODE=$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')\necho $NODE"
    )
    assert first.stdout == "minikube\n"
    again = ipython.run_cell_magic("lab", "", "echo node is $NODE")
    assert again.stdout == "node is minikube\n" and lab.env["NODE"] == "minikube"


def test_lab_cell_check_raises_on_failure(ipython):
    ingresslab.connect("sandbox", state=None)
    from ingresslab.commands.result import CommandFailed

    with pytest.raises(CommandFailed, match="doesn't have a resource type"):
        ipython.run_cell_magic("lab", "--check", "kubectl get nothing")
    assert ipython.run_cell_magic("lab", "", "kubectl get nothing").returncode == 1
