"""Shared fixtures: a fresh in-memory sandbox per test, and the path to ../shared when it is present."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The reference cluster's fixture (tests/reference): a real control plane, shared by the whole run.
sys.path.insert(0, str(Path(__file__).resolve().parent / "reference"))
pytest_plugins = ("reference_fixture",)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
MANIFESTS = REPO / "ingresslab" / "manifests" / "istio-deepdive"


@pytest.fixture(autouse=True)
def _isolated_state_dir(tmp_path_factory, monkeypatch):
    """No test touches the user's real sandbox state."""
    monkeypatch.setenv("INGRESSLAB_STATE_DIR", str(tmp_path_factory.mktemp("state")))


@pytest.fixture
def sandbox():
    from ingresslab.backends.sandbox import SandboxBackend

    return SandboxBackend(None, seed=7)


@pytest.fixture
def kubectl_oracle() -> str:
    """A real kubectl to compare with (skipped locally without one; a failure in CI)."""
    from oracles import kubectl_path, missing

    path = kubectl_path()
    if path is None:
        missing("no real kubectl: build the reference cluster (python tests/reference/gobuild.py)")
    return path


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED
