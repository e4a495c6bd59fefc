"""Build hooks for setuptools: ship the tutorial's notebooks inside the package, as `ingresslab/notebooks/`.

The notebooks live beside the package in a checkout (`notebooks/`), where package data cannot reach, so
pyproject.toml's `[tool.setuptools.cmdclass]` points here: the sdist gets `notebooks/` and every wheel gets
`ingresslab/notebooks/`, the manifests folder included as real files (it is a symlink in the checkout).
Editable installs skip the copy: they serve the checkout's own notebooks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

__all__ = ["BuildPy", "Sdist", "copy_tutorial"]

NOTEBOOKS = "notebooks"
MANIFESTS = "istio-deepdive"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def copy_tutorial(source: Path, target: Path) -> list[Path]:
    """Copy the numbered notebooks and the manifests folder from `source` to `target`; returns the copies."""
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no notebooks in {source}: the package would ship without its tutorial")
    files = notebooks + sorted(p for p in (source / MANIFESTS).rglob("*") if p.is_file())
    copies = []
    for path in files:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)  # follows symlinks: real files in the archive
        copies.append(destination)
    return copies


class BuildPy(build_py):
    """build_py that also places the notebooks under the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        copy_tutorial(PROJECT_ROOT / NOTEBOOKS, Path(self.build_lib) / "ingresslab" / NOTEBOOKS)


class Sdist(sdist):
    """sdist that carries `notebooks/`, so a wheel built from it has them too."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        copy_tutorial(PROJECT_ROOT / NOTEBOOKS, Path(base_dir) / NOTEBOOKS)
