"""The contract's backends: the sandbox always, a live cluster when INGRESSLAB_LIVE_CONTEXT names one.

Tests take the `lab` fixture and are written once; each backend gets its own module-scoped Lab, so a class of
ordered steps walks the seed's flow on one cluster. A step that fails skips the steps after it (for that
backend only), since they build on what it should have done.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from contract_support import NAMESPACE, live_setup, make_lab

from ingresslab.backends.live.kubeconfig import find_kubeconfig_files
from ingresslab.errors import NotFound
from ingresslab.lab import Lab

_LIVE = live_setup()
_failed_steps: dict[tuple[str, str], str] = {}  # (class node id, backend) -> the step that failed


def pytest_report_header(config: pytest.Config) -> list[str]:
    if _LIVE.context:
        return [f"contract backends: sandbox, live ({_LIVE.reason})"]
    return [f"contract backends: sandbox; live skipped: {_LIVE.reason}"]


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("lab") if callspec is not None else None


def _ordered_class(item: pytest.Item) -> str | None:
    cls = getattr(item, "cls", None)
    return item.parent.nodeid if cls is not None and getattr(cls, "ordered", False) else None


def pytest_runtest_setup(item: pytest.Item) -> None:
    cls, backend = _ordered_class(item), _backend_of(item)
    if cls and backend and (cls, backend) in _failed_steps:
        pytest.skip(f"{backend}: skipped because the earlier step {_failed_steps[cls, backend]} failed")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    report = yield
    cls, backend = _ordered_class(item), _backend_of(item)
    if cls and backend and report.failed and call.when in ("setup", "call"):
        _failed_steps.setdefault((cls, backend), item.name)
    return report


@pytest.fixture(
    scope="module",
    params=[
        "sandbox",
        pytest.param("live", marks=pytest.mark.skipif(_LIVE.context is None, reason=f"live: {_LIVE.reason}")),
    ],
)
def lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One Lab per backend for the whole module: the seed's steps share a cluster, as the learner's do."""
    if request.param == "sandbox":
        yield make_lab("sandbox")
        return
    try:
        live = make_lab("live", _LIVE.context)
    except (PermissionError, RuntimeError) as exc:
        pytest.fail(f"live: {exc}", pytrace=False)
    # The seed's `kubectl config set-context` writes to the kubeconfig: let the real CLIs use a copy instead.
    files = find_kubeconfig_files()
    if len(files) == 1:
        copy = tmp_path_factory.mktemp("kube") / "config"
        shutil.copyfile(files[0], copy)
        live.env["KUBECONFIG"] = str(copy)
    yield live
    # Leave the disposable cluster as the suite found it even when a step failed halfway.
    try:
        live.backend.get("namespaces", NAMESPACE)
    except NotFound:
        return
    live.sh(f"kubectl delete namespace {NAMESPACE} --ignore-not-found")


@pytest.fixture(scope="module")
def memo(lab: Lab) -> dict[str, Any]:
    """What one step hands to the next on the same backend (a response, a pod name)."""
    return {}
