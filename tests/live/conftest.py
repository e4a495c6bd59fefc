"""Fixtures for the live backend's tests.

`live` is a LiveBackend on the reference cluster (tests/reference: a real kube-apiserver 1.31 with etcd,
controllers, scheduler and KWOK), in a namespace of its own per test. `backend`/`api` are the fake API server,
kept only for what a kubelet-less cluster cannot do: container logs, exec and ephemeral debug containers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_fakeapi import FakeApiServer
from live_reference import Crds, install_crds, scratch_namespace
from live_support import TOKEN, write_kubeconfig

from ingresslab.backends.live import LiveBackend


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        "live backend: tested on the reference cluster's real API server; container logs, exec and ephemeral "
        "debug containers on the fake API server (tests/live/live_fakeapi.py), since the reference runs no kubelet"
    ]


@pytest.fixture
def api() -> Iterator[FakeApiServer]:
    server = FakeApiServer(token=TOKEN)
    yield server
    server.close()


@pytest.fixture
def kubeconfig(api: FakeApiServer, tmp_path: Path) -> Path:
    return write_kubeconfig(tmp_path / "config", api.url, namespace="application")


@pytest.fixture
def backend(kubeconfig: Path) -> LiveBackend:
    """A LiveBackend on the fake API server (logs, exec, debug containers only)."""
    return LiveBackend(kubeconfig=kubeconfig, request_timeout=5.0)


@pytest.fixture
def namespace(reference_cluster: Any) -> Iterator[str]:
    """A namespace of this test's own on the reference cluster."""
    yield from scratch_namespace(reference_cluster)


@pytest.fixture
def live(reference_cluster: Any, namespace: str) -> LiveBackend:
    """A LiveBackend on the reference cluster, defaulting to this test's namespace."""
    return LiveBackend(kubeconfig=reference_cluster.kubeconfig, namespace=namespace, request_timeout=15.0)


@pytest.fixture(scope="session")
def crds(reference_cluster: Any) -> Crds:
    """Istio's and the Gateway API's upstream CRDs, installed on the reference cluster."""
    return install_crds(reference_cluster)
