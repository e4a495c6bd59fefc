"""The contract's backends: the sandbox always; the reference cluster (tests/reference) for every step that needs
no data plane; a live cluster when INGRESSLAB_LIVE_CONTEXT names one.

Tests take the `lab` fixture and are written once; each backend gets its own module-scoped Lab, so a class of
ordered steps walks the seed's flow on one cluster. A step that fails skips the steps after it (for that
backend only), since they build on what it should have done. A step marked `needs_data_plane` is skipped on
the reference cluster, which runs no containers (KWOK writes pod status; no kube-proxy, no CoreDNS pods, no
istiod): the header lists those steps, and each skip says what it needed.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from contract_support import DATA_PLANE, NAMESPACE, live_setup, make_lab, make_reference_lab

from ingresslab.backends.live.kubeconfig import find_kubeconfig_files
from ingresslab.errors import NotFound
from ingresslab.lab import Lab

# tests/live/live_reference.py installs the upstream CRDs on the reference cluster for both suites.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "live"))
from live_reference import install_crds

_LIVE = live_setup()
_failed_steps: dict[tuple[str, str], str] = {}  # (class node id, backend) -> the step that failed
REFERENCE = "reference"
# Held while the seed's demo app (namespace `application`, NodePorts 30001-30003) is on the shared reference
# cluster; any other suite that applies the seed's manifests there takes the same lock.
SEED_LOCK = "seed-demo-app.lock"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"data_plane(what): a contract step that {DATA_PLANE}; sandbox-only on the reference cluster",
    )


def data_plane_steps() -> list[tuple[str, str]]:
    """(step, what it needs) for every step of the seed flow that the reference cluster cannot run."""
    module = importlib.import_module("test_seed_flow")
    steps = []
    for name, func in vars(module.TestSeedFlow).items():
        for mark in getattr(func, "pytestmark", []):
            if name.startswith("test_") and mark.name == "data_plane":
                steps.append((name, mark.args[0]))
    return steps


def pytest_report_header(config: pytest.Config) -> list[str]:
    live = f"live ({_LIVE.reason})" if _LIVE.context else f"live skipped: {_LIVE.reason}"
    steps = data_plane_steps()
    return [
        f"contract backends: sandbox, reference (tests/reference, kube-apiserver 1.31 on 127.0.0.1), {live}",
        f"contract steps sandbox-only on the reference cluster, each {DATA_PLANE} ({len(steps)}):",
        *(f"  {name}: {what}" for name, what in steps),
        "reference cluster, not judged there: pod readiness (KWOK marks a scheduled pod Running and Ready; no "
        "container runs and no probe is checked), Services' data path (no kube-proxy), container logs, exec and "
        "debug containers, sidecar injection (no istiod webhook)",
    ]


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("lab") if callspec is not None else None


def _ordered_class(item: pytest.Item) -> str | None:
    cls = getattr(item, "cls", None)
    return item.parent.nodeid if cls is not None and getattr(cls, "ordered", False) else None


def pytest_runtest_setup(item: pytest.Item) -> None:
    cls, backend = _ordered_class(item), _backend_of(item)
    mark = item.get_closest_marker("data_plane")
    if backend == REFERENCE and mark is not None:
        pytest.skip(f"reference: {DATA_PLANE}: {mark.args[0]}")
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
        REFERENCE,
        pytest.param("live", marks=pytest.mark.skipif(_LIVE.context is None, reason=f"live: {_LIVE.reason}")),
    ],
)
def lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One Lab per backend for the whole module: the seed's steps share a cluster, as the learner's do."""
    if request.param == "sandbox":
        yield make_lab("sandbox")
        return
    if request.param == REFERENCE:
        yield from _reference_lab(request, tmp_path_factory)
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


def _reference_lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    from filelock import FileLock

    cluster = request.getfixturevalue("reference_cluster")
    # What `istioctl install` registers with the API server: Istio's CRDs (istiod itself cannot run here).
    install_crds(cluster)
    bindir = str(Path(cluster.kubectl).parent)
    with FileLock(str(Path(cluster.directory) / SEED_LOCK)), pytest.MonkeyPatch.context() as patch:
        # The reference's kubectl first on PATH, for run_tool's lookup and for the process it starts.
        patch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
        try:
            lab = make_reference_lab(cluster, tmp_path_factory.mktemp("reference-home"))
        except (PermissionError, RuntimeError) as exc:
            pytest.fail(f"reference: {exc}", pytrace=False)
        lab.env["PATH"] = os.environ["PATH"]
        version = lab.sh("kubectl version --client -o json")
        if version.returncode != 0 or not version.stdout.strip().startswith("{"):
            pytest.fail(f"reference: the reference's kubectl did not run: {version.text}", pytrace=False)
        client = json.loads(version.stdout)["clientVersion"]["gitVersion"]
        server_version = json.loads(cluster.kubectl_run("version", "-o", "json").stdout)["serverVersion"]
        server = server_version["gitVersion"]
        if client.split(".")[:2] != server.split(".")[:2]:
            pytest.fail(f"reference: the shell runs kubectl {client}, not the server's minor ({server})")
        yield lab
        _delete_namespace_and_wait(lab)


def _delete_namespace_and_wait(lab: Lab, timeout: float = 120.0) -> None:
    """Leave the shared cluster without the seed's namespace, gone for good before the lock is released."""
    deadline = time.monotonic() + timeout
    try:
        lab.backend.delete("namespaces", NAMESPACE)
    except NotFound:
        return
    while time.monotonic() < deadline:
        try:
            lab.backend.get("namespaces", NAMESPACE)
        except NotFound:
            return
        time.sleep(1.0)


@pytest.fixture(scope="module")
def memo(lab: Lab) -> dict[str, Any]:
    """What one step hands to the next on the same backend (a response, a pod name)."""
    return {}
