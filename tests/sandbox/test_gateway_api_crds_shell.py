"""The shell constructs Istio's Gateway API docs install the CRDs with: `&>`, `||` and a `{ …; }` group.

The lab's shell runs lists of pipelines; a group is spliced into that shape where bash's meaning is kept and
refused (before anything runs) where it would not be."""

from __future__ import annotations

import pytest

from ingresslab import Lab
from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.commands.shell import parser


@pytest.fixture
def lab(tmp_path):
    return Lab(SandboxBackend(None, seed=3), cwd=tmp_path)


@pytest.mark.parametrize(
    ("script", "stdout", "rc"),
    [
        ("{ echo a; echo b; }", "a\nb\n", 0),
        ("{ echo a; }; echo c", "a\nc\n", 0),
        ("{\n  echo a\n  echo b\n}", "a\nb\n", 0),
        ("{ false || echo x; } && echo y", "x\ny\n", 0),
        ("true || { echo no | cat; }", "", 0),
        ("false || { echo yes | cat; }", "yes\n", 0),
        ("false && { echo no; } || echo after", "after\n", 0),
        ("echo } {", "} {\n", 0),
        ("echo {a,b}", "{a,b}\n", 0),
    ],
)
def test_groups_run_as_bash_runs_them(lab, script, stdout, rc):
    result = lab.sh(script)
    assert (result.stdout, result.returncode) == (stdout, rc), result.stderr


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("true && { echo a; echo b; }", "after `&&` or `||` a group may hold one pipeline"),
        ("true || { echo a && echo b; }", "after `&&` or `||` a group may hold one pipeline"),
        ("echo a | { cat; }", "groups inside a pipeline are not supported"),
        ("{ echo a; } | cat", "piping or redirecting a `{ …; }` group is not supported"),
        ("{ echo a; } >/dev/null", "piping or redirecting a `{ …; }` group is not supported"),
        ("{ echo a", "`{` is not closed"),
        ("echo a; }", "unexpected `}`"),
        ("{ }", "needs at least one command"),
    ],
)
def test_other_groups_are_refused_before_anything_runs(lab, script, message):
    result = lab.sh(script)
    assert result.returncode == 2 and result.stdout == ""
    assert message in result.stderr


def test_the_docs_line_parses_into_one_and_or_list():
    script = parser.parse(
        "kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || "
        '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0" | kubectl apply -f -; }'
    )
    (item,) = script.items
    assert [r.op for r in item.first.commands[0].redirects] == ["&>"]
    ((op, pipeline),) = item.rest
    assert op == "||" and [c.words[1].literal for c in pipeline.commands] == ["kustomize", "apply"]
