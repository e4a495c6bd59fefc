"""`ingresslab.routing` is neutral ground: no module in it imports anything from `ingresslab.backends`."""

from __future__ import annotations

import ast
from pathlib import Path

import ingresslab.routing

ROUTING = Path(ingresslab.routing.__file__).parent


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def test_routing_imports_nothing_from_backends():
    modules = sorted(ROUTING.glob("*.py"))
    assert len(modules) >= 6  # the walk really reads the package
    offenders = {
        p.name: name for p in modules for name in _imports(p) if name.startswith("ingresslab.backends")
    }
    assert offenders == {}


def test_the_import_walk_sees_a_backends_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ingresslab.backends.sandbox import topology\n")
    assert any(name.startswith("ingresslab.backends") for name in _imports(bad))
