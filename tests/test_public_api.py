"""The public API is pinned: what `import ingresslab` offers, and every module declaring a sorted `__all__`."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import ingresslab


def test_top_level_api():
    assert ingresslab.__all__ == ["Lab", "__version__", "connect", "load_ipython_extension"]
    assert callable(ingresslab.connect) and ingresslab.Lab.__name__ == "Lab"


def test_every_module_declares_all():
    """Sorting is ruff's job (RUF022); here every module must say what it exports."""
    missing = []
    for info in pkgutil.walk_packages(ingresslab.__path__, "ingresslab."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        names = getattr(module, "__all__", None)
        if names is None:
            missing.append(info.name)
    assert not missing, missing


def test_import_is_light():
    """`import ingresslab` must not pull in the kubernetes client, widgets or matplotlib."""
    code = "import sys, ingresslab; print(','.join(m for m in ('kubernetes', 'ipywidgets', 'matplotlib', 'papermill') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.strip() == ""
