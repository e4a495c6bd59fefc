"""Oracles — real programs that judge the sandbox — and the rule for when one is missing.

Locally a missing oracle skips its test with the reason (a user's fresh machine still passes); in CI
(`CI=true`) it fails the test, because a skipped oracle proves nothing.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

__all__ = ["in_ci", "kubectl_path", "missing", "require_binary"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason: str) -> NoReturn:
    """Skip (locally) or fail (in CI) the current test because an oracle is not available."""
    if in_ci():
        pytest.fail(f"oracle missing in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def kubectl_path() -> str | None:
    """The kubectl to judge with: the reference cluster's own v1.31 (the emulated release) once built,
    else whatever kubectl is on PATH, else None."""
    from gobuild import GoMissing, binaries_dir

    try:
        built = binaries_dir() / "kubectl"
    except GoMissing:
        built = None
    if built is not None and built.is_file():
        return str(built)
    return shutil.which("kubectl")


def require_binary(name: str, *, package: str) -> str:
    """The path of a program on PATH, or skip/fail naming the Debian package that provides it."""
    path = shutil.which(name)
    if path is None:
        missing(f"`{name}` is not installed (apt-get install {package})")
    return path
