"""cluster-info, auth can-i, edit and get -w in the sandbox."""

from __future__ import annotations

import shlex

import pytest

from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation


@pytest.fixture
def kubectl(sandbox):
    tool = Kubectl(sandbox)
    return lambda line: tool(Invocation(["kubectl", *shlex.split(line)]))


def test_cluster_info_names_the_control_plane_and_coredns_without_colours(kubectl):
    assert kubectl("cluster-info").stdout == (
        "Kubernetes control plane is running at https://192.168.76.2:8443\n"
        "CoreDNS is running at https://192.168.76.2:8443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n"
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    )


def test_auth_can_i_answers_yes_for_the_admin(kubectl):
    assert kubectl("auth can-i create deployments").stdout == "yes\n"
    assert kubectl("auth can-i '*' '*' -A").stdout == "yes\n"
    unknown = kubectl("auth can-i get widgets")
    assert (unknown.stdout, unknown.stderr) == (
        "yes\n",
        "Warning: the server doesn't have a resource type 'widgets'\n\n",
    )
    assert kubectl("auth can-i create").returncode == 1


def test_edit_explains_the_missing_terminal(kubectl):
    result = kubectl("edit deployment/web")
    assert result.returncode == 1
    assert "terminal editor" in result.stderr
    assert "kubectl patch deployment/web" in result.stderr
    assert "kubectl apply -f" in result.stderr


def test_get_watch_prints_the_current_state_then_ends_with_a_note(kubectl):
    plain = kubectl("get ns")
    watched = kubectl("get ns -w")
    assert watched.returncode == 0
    assert watched.stdout == plain.stdout
    assert watched.stderr.startswith("(the watch stopped after 5s")
    assert "after 2s" in kubectl("get ns --watch --request-timeout=2s").stderr
    assert kubectl("get ns --watch-only").stdout == ""
    missing = kubectl("get deploy nope -w")
    assert missing.returncode == 1
    assert missing.stderr == 'Error from server (NotFound): deployments.apps "nope" not found\n'
