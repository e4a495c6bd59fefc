"""Fixtures for the Binder and packaging tests: a copy of the repository as a builder would receive it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Never part of what a builder receives: local environments, caches, build output.
_IGNORED = (".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "build", "dist",
            "test-artifacts", "bench", "tests", "*.egg-info", ".ipynb_checkpoints", "*.so")  # fmt: skip


def _listed_files(repo: Path) -> list[str] | None:
    """Tracked and not-ignored files, as `git ls-files` sees them; None outside a git checkout."""
    if not (repo / ".git").exists() or shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        timeout=60,
    )
    if result.returncode != 0:
        return None
    return [name for name in result.stdout.decode().split("\0") if name]


def copy_repository(target: Path) -> Path:
    """Copy the project's files to `target`, keeping symlinks as symlinks (as a git clone has them)."""
    names = _listed_files(REPO)
    if names is None:
        shutil.copytree(REPO, target, symlinks=True, ignore=shutil.ignore_patterns(*_IGNORED))
        return target
    for name in names:
        source = REPO / name
        skipped = name.startswith(("bench/", "tests/")) and not name.startswith("tests/reference/")
        if not os.path.lexists(source) or skipped:
            # deleted in the work tree, or not needed to build and run the package (the reference cluster's
            # files are kept: the wheel test checks that none of them ships)
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
    return target


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")
