"""Helpers for the contract suite: which backends to run, a refusal for unsafe live contexts, kubectl tables,
and waiting that costs nothing on the sandbox (its controllers reconcile before a command returns).

Three backends: the sandbox; the reference cluster (tests/reference: a real kube-apiserver 1.31 with its
controllers and KWOK on 127.0.0.1, driven by the real kubectl 1.31), which has no data plane, so the steps
marked `needs_data_plane` stay sandbox-only there; and a live cluster named by INGRESSLAB_LIVE_CONTEXT."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from ingresslab.errors import NotFound
from ingresslab.lab import Lab
from ingresslab.manifests import DEMO_DIR
from ingresslab.safety import ALLOW_ENV_VAR, destructive_allowed_by_env

__all__ = [
    "DATA_PLANE",
    "LIVE_ENV_VAR",
    "NAMESPACE",
    "LiveSetup",
    "eventually",
    "live_setup",
    "make_lab",
    "make_reference_lab",
    "needs_data_plane",
    "node_ip",
    "parse_table",
    "wait_for",
]

LIVE_ENV_VAR = "INGRESSLAB_LIVE_CONTEXT"
NAMESPACE = "application"  # the tutorial's namespace, on every backend
DATA_PLANE = "needs a data plane (kubelet-less reference cluster)"


def needs_data_plane(what: str) -> pytest.MarkDecorator:
    """Mark a step the reference cluster cannot run, saying what it needs (kube-proxy, containers, istiod…)."""
    return pytest.mark.data_plane(what)


T = TypeVar("T")


@dataclass(frozen=True)
class LiveSetup:
    """Whether the live variant runs: `context` when it does, otherwise `reason` says why not."""

    context: str | None
    reason: str


def live_setup(environ: dict[str, str] | None = None) -> LiveSetup:
    env = os.environ if environ is None else environ
    context = (env.get(LIVE_ENV_VAR) or "").strip()
    if not context:
        return LiveSetup(
            None,
            f"{LIVE_ENV_VAR} is not set; set it to a disposable cluster's kube context (e.g. minikube) "
            "to run this contract against a real cluster",
        )
    return LiveSetup(context, f"live context {context!r} from {LIVE_ENV_VAR}")


def make_lab(backend_name: str, context: str | None = None) -> Lab:
    """A Lab whose shell runs in the folder holding `istio-deepdive/`, so the seed's `-f` paths resolve."""
    cwd = DEMO_DIR.parent
    if backend_name == "sandbox":
        from ingresslab.backends.sandbox import SandboxBackend

        return Lab(SandboxBackend(None, seed=5), cwd=cwd, why="contract suite: in-memory sandbox")
    from ingresslab.backends.live import LiveBackend, probe_context

    probe = probe_context(context, timeout=10.0)
    if not probe.reachable:
        raise RuntimeError(f"{LIVE_ENV_VAR}={context}: the context does not answer: {probe.reason}")
    backend = LiveBackend(context=probe.context, allow_destructive=destructive_allowed_by_env())
    if not backend.is_local and not backend.allow_destructive:
        raise PermissionError(
            f"refusing to run the contract suite on context {probe.context!r}: it is not a local, disposable "
            "cluster, and the suite creates and deletes the namespace 'application', installs and uninstalls "
            f"Istio and toggles the ingress addon. Point {LIVE_ENV_VAR} at minikube/kind, or set "
            f"{ALLOW_ENV_VAR}=1 if this cluster really is disposable."
        )
    _refuse_an_existing_namespace(backend)
    return Lab(backend, cwd=cwd, why=f"contract suite: live context {probe.context}")


def _refuse_an_existing_namespace(backend: Any) -> None:
    try:
        backend.get("namespaces", NAMESPACE)
    except NotFound:
        return
    raise RuntimeError(
        f"namespace {NAMESPACE!r} already exists on context {backend.context_name()!r}; the contract starts "
        f"from the seed's first step, so delete it first: kubectl delete namespace {NAMESPACE}"
    )


def make_reference_lab(cluster: Any, home: Path) -> Lab:
    """A Lab on the reference cluster whose shell runs the reference's own kubectl (1.31, the server's minor).

    The seed's `kubectl config set-context` writes to the kubeconfig, so the Lab works on a copy in `home`.
    The caller puts the reference's bin directory first on PATH, where run_tool looks kubectl up."""
    from ingresslab.backends.live import LiveBackend

    kubeconfig = home / "kubeconfig"
    shutil.copyfile(cluster.kubeconfig, kubeconfig)
    backend = LiveBackend(kubeconfig=kubeconfig)
    if not backend.is_local:  # a loopback server: the guard lets the seed's clean-up delete its namespace
        raise PermissionError(f"the reference cluster at {backend.server()} does not count as local")
    _refuse_an_existing_namespace(backend)
    lab = Lab(backend, cwd=DEMO_DIR.parent, why="contract suite: the reference cluster (tests/reference)")
    lab.env.update(KUBECONFIG=str(kubeconfig), HOME=str(home))
    return lab


def eventually(check: Callable[[], T], *, live: bool, timeout: float = 180.0, interval: float = 2.0) -> T:
    """`check()` until it stops raising AssertionError. On the sandbox it runs once: the state it asserts on
    must already hold when the command that caused it returned, as it does on no real cluster."""
    deadline = time.monotonic() + (timeout if live else 0.0)
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() >= deadline:
                raise
        time.sleep(interval)


def wait_for(lab: Lab, check: Callable[[], T], timeout: float = 180.0) -> T:
    return eventually(check, live=lab.mode != "sandbox", timeout=timeout)


def node_ip(lab: Lab) -> str:
    for node in lab.backend.list("nodes"):
        for address in (node.get("status") or {}).get("addresses") or []:
            if address.get("type") == "InternalIP":
                return str(address["address"])
    raise AssertionError("the cluster's node has no InternalIP")


_COLUMN = re.compile(r"\S+(?: \S+)*")  # header names may hold one space ("NOMINATED NODE"); columns 2+


def parse_table(text: str) -> list[dict[str, str]]:
    """Rows of a kubectl/istioctl table as {HEADER: cell}, cut at the header's column starts."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    columns = [(m.start(), m.group()) for m in _COLUMN.finditer(lines[0])]
    rows = []
    for line in lines[1:]:
        row: dict[str, Any] = {}
        for i, (start, name) in enumerate(columns):
            end = columns[i + 1][0] if i + 1 < len(columns) else None
            row[name] = line[start:end].strip()
        rows.append(row)
    return rows
