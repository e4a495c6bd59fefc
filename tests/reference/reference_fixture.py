"""The `reference_cluster` fixture: one real control plane per test run, shared by every xdist worker.

The first worker that asks starts it (under a file lock) in the run's shared temporary directory; the others
find it running. The controlling process stops it, by pid, when the run ends. Loaded as a pytest plugin by
tests/conftest.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from cluster import Cluster, ClusterError, down, up  # noqa: E402
from gobuild import BuildError, GoMissing  # noqa: E402
from oracles import missing  # noqa: E402

__all__ = ["reference_cluster", "reference_dir"]

_failure: str | None = None  # why this worker has no cluster (asked once, not per test)
_broken: str | None = None  # the cluster failed to build or start: a failure, never a skip


def reference_dir(config: pytest.Config) -> Path:
    """The run's shared directory: the controller's basetemp (each xdist worker's basetemp is inside it)."""
    base = config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    if hasattr(config, "workerinput"):
        base = base.parent
    return base / "reference-cluster"


@pytest.fixture(scope="session")
def reference_cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    global _failure, _broken
    if _failure is not None:
        missing(_failure)
    if _broken is not None:
        pytest.fail(_broken, pytrace=False)
    directory = reference_dir(request.config)
    directory.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(directory.parent / "reference-cluster.lock")):
            cluster = up(directory, quiet=True)
    except GoMissing as err:  # an oracle missing: skip locally, fail in CI
        _failure = f"reference cluster unavailable: {err}"
        missing(_failure)
    except (BuildError, ClusterError) as err:
        _broken = f"the reference cluster did not come up: {err}"
        pytest.fail(_broken, pytrace=False)
    yield cluster


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return  # workers share the cluster; the controller stops it once everyone is done
    directory = reference_dir(session.config)
    if (directory / "cluster.json").is_file():
        down(directory)
