"""The sandbox cluster's whole state, and its state file.

State persists between kernels like a real cluster: one JSON file per sandbox, replaced atomically
(write to a temporary file, then rename) and guarded by a file lock so two notebooks can share it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from filelock import FileLock

from ingresslab.errors import StateFileError

__all__ = ["FORMAT_VERSION", "START_TIME", "ClusterState", "StateFile", "default_state_path"]

FORMAT_VERSION = 1
# The virtual clock starts on the morning the tutorial's logs were recorded.
START_TIME = datetime(2024, 9, 15, 8, 40, 0, tzinfo=timezone.utc).timestamp()

_RESET_HINT = "Start a fresh sandbox with `ingresslab sandbox reset` (or `lab.reset()`)."


@dataclass
class ClusterState:
    seed: int = 0
    counter: int = 0
    clock: float = START_TIME
    resource_version: int = 1000
    # objects[type key]["namespace/name" or "name"] = object dict
    objects: dict[str, dict[str, dict]] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=lambda: {"name": "minikube", "namespace": "default"})
    # allocators and add-on state that are not API objects (node ports in use are derived from Services)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "format": "ingresslab-sandbox",
            "version": FORMAT_VERSION,
            "seed": self.seed,
            "counter": self.counter,
            "clock": self.clock,
            "resourceVersion": self.resource_version,
            "context": self.context,
            "objects": self.objects,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: Any, *, source: str) -> ClusterState:
        if not isinstance(data, dict) or data.get("format") != "ingresslab-sandbox":
            raise StateFileError(f"{source} is not an ingresslab sandbox state file. {_RESET_HINT}")
        version = data.get("version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise StateFileError(
                f"{source} was written by a newer ingresslab (state format {version!r}, this one reads "
                f"{FORMAT_VERSION}). Upgrade ingresslab, or {_RESET_HINT[0].lower()}{_RESET_HINT[1:]}"
            )
        try:
            return cls(
                seed=int(data["seed"]),
                counter=int(data["counter"]),
                clock=float(data["clock"]),
                resource_version=int(data["resourceVersion"]),
                objects=dict(data["objects"]),
                context=dict(data["context"]),
                extra=dict(data.get("extra") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise StateFileError(
                f"{source} is damaged (missing or wrong field: {exc}). {_RESET_HINT}"
            ) from None


def default_state_path(name: str = "default") -> Path:
    """Where a named sandbox lives unless told otherwise: the user's data dir, or $INGRESSLAB_STATE_DIR."""
    base = os.environ.get("INGRESSLAB_STATE_DIR")
    if base:
        return Path(base) / f"{name}.json"
    from platformdirs import user_data_path

    return user_data_path("ingresslab") / "sandboxes" / f"{name}.json"


class StateFile:
    """Load and atomically save one sandbox's state; `lock` serialises processes sharing it."""

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = FileLock(str(self.path) + ".lock", timeout=lock_timeout)

    def exists(self) -> bool:
        return self.path.exists()

    def stamp(self) -> tuple[int, int] | None:
        """(mtime_ns, size) of the file, to skip re-reading an unchanged state."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def load(self) -> ClusterState:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise StateFileError(f"cannot read {self.path}: {exc.strerror}. {_RESET_HINT}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StateFileError(
                f"{self.path} is corrupt (invalid JSON at line {exc.lineno}, column {exc.colno}). {_RESET_HINT}"
            ) from None
        return ClusterState.from_json(data, source=str(self.path))

    def save(self, state: ClusterState) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                # dumps, not dump: only the former uses the C encoder (several times faster on big states)
                fh.write(json.dumps(state.to_json(), separators=(",", ":")))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
