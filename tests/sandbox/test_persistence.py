"""State persists across kernels (processes), survives crashes, and bad state files say how to recover."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.state import FORMAT_VERSION
from ingresslab.errors import StateFileError

_CHILD = """
import sys
from ingresslab.backends.sandbox import SandboxBackend
b = SandboxBackend(sys.argv[1])
if sys.argv[2] == "write":
    b.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "from-child"}})
    b.set_namespace("from-child")
else:
    print(b.current_namespace(), ",".join(n["metadata"]["name"] for n in b.list("namespaces")))
"""


def _child(path, action: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), action],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_two_processes_share_one_sandbox(tmp_path):
    path = tmp_path / "lab.json"
    _child(path, "write")
    mine = SandboxBackend(path)
    assert mine.current_namespace() == "from-child"
    assert "from-child" in [n["metadata"]["name"] for n in mine.list("namespaces")]
    mine.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "from-parent"}})
    namespace, names = _child(path, "read").split(" ")
    assert namespace == "from-child"
    assert "from-parent" in names.split(",")


def test_a_backend_sees_changes_made_by_another_instance(tmp_path):
    path = tmp_path / "lab.json"
    a, b = SandboxBackend(path), SandboxBackend(path)
    a.list("pods", "kube-system")
    b.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "late"}})
    assert a.get("namespaces", "late")["metadata"]["name"] == "late"


def test_state_file_is_replaced_atomically_without_leftovers(tmp_path):
    path = tmp_path / "lab.json"
    b = SandboxBackend(path)
    for i in range(3):
        b.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"n{i}"}})
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert json.loads(path.read_text())["format"] == "ingresslab-sandbox"


def test_corrupt_state_file_names_the_problem_and_the_way_out(tmp_path):
    path = tmp_path / "lab.json"
    path.write_text("{not json")
    with pytest.raises(StateFileError) as err:
        SandboxBackend(path).list("pods")
    assert str(path) in str(err.value) and "ingresslab sandbox reset" in str(err.value)


def test_newer_state_format_asks_for_an_upgrade_or_a_reset(tmp_path):
    path = tmp_path / "lab.json"
    SandboxBackend(path).list("pods")
    data = json.loads(path.read_text())
    data["version"] = FORMAT_VERSION + 1
    path.write_text(json.dumps(data))
    with pytest.raises(StateFileError, match="newer ingresslab"):
        SandboxBackend(path).list("pods")


def test_reset_repairs_a_damaged_state(tmp_path):
    path = tmp_path / "lab.json"
    path.write_text("garbage")
    b = SandboxBackend(path)
    b.reset()
    assert b.list("namespaces")[0]["metadata"]["name"] == "default"


def test_failed_write_keeps_the_last_good_state(tmp_path):
    path = tmp_path / "lab.json"
    b = SandboxBackend(path)
    b.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kept"}})
    before = path.read_text()
    with pytest.raises(Exception, match="already exists"):
        b.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kept"}})
    assert path.read_text() == before
    assert b.get("namespaces", "kept")


def test_sandbox_reset_command(tmp_path, capsys):
    from ingresslab.cli import main

    path = tmp_path / "cli.json"
    path.write_text("garbage")
    assert main(["sandbox", "reset", "--state", str(path)]) == 0
    assert "a fresh minikube" in capsys.readouterr().out
    assert json.loads(path.read_text())["version"] == FORMAT_VERSION
