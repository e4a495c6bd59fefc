from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from live_fakeapi import FakeApiServer
from live_support import TOKEN, write_kubeconfig

from ingresslab.backends.live import LiveBackend


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
    return LiveBackend(kubeconfig=kubeconfig, request_timeout=5.0)
