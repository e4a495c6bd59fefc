"""Container logs, kept the way the kubelet keeps them: one file per container, appended, rotated by size.

Each stored line is `<RFC3339Nano time> <text>`, like the CRI log the kubelet reads `kubectl logs` from, so
`--timestamps` and `--since` work. Retention mirrors the kubelet's defaults: a file rotates at 10 MiB
(containerLogMaxSize) and one rotated file is kept, so memory and disk stay bounded however many requests
a lesson sends. Logs live beside the state file, not in it, so an append never rewrites the cluster's state.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["DEFAULT_MAX_BYTES", "FileLogStore", "LogStore", "MemoryLogStore", "stamp"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def stamp(ts: float) -> str:
    """RFC 3339 with nanoseconds, as the container runtime writes it."""
    whole = int(ts)
    nanos = round((ts - whole) * 1e9)
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    return datetime.fromtimestamp(whole, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"


class LogStore:
    """Append and read container logs keyed by (namespace, pod, container)."""

    def append(self, namespace: str, pod: str, container: str, text: str, ts: float) -> None:
        raise NotImplementedError

    def read(self, namespace: str, pod: str, container: str) -> list[str]:
        """Stored lines, oldest first, each `<timestamp> <text>`."""
        raise NotImplementedError

    def drop(self, namespace: str, pod: str) -> None:
        """Forget a deleted pod's logs."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError


class MemoryLogStore(LogStore):
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._logs: dict[tuple[str, str, str], deque[str]] = {}
        self._sizes: dict[tuple[str, str, str], int] = {}

    def append(self, namespace: str, pod: str, container: str, text: str, ts: float) -> None:
        key = (namespace, pod, container)
        lines = self._logs.setdefault(key, deque())
        for part in text.split("\n"):
            line = f"{stamp(ts)} {part}"
            lines.append(line)
            self._sizes[key] = self._sizes.get(key, 0) + len(line) + 1
        # Keep at most two files' worth, like one live file plus one rotated file.
        while self._sizes[key] > 2 * self.max_bytes and lines:
            self._sizes[key] -= len(lines.popleft()) + 1

    def read(self, namespace: str, pod: str, container: str) -> list[str]:
        return list(self._logs.get((namespace, pod, container), ()))

    def drop(self, namespace: str, pod: str) -> None:
        for key in [k for k in self._logs if k[:2] == (namespace, pod)]:
            del self._logs[key]
            self._sizes.pop(key, None)

    def clear(self) -> None:
        self._logs.clear()
        self._sizes.clear()


class FileLogStore(LogStore):
    """`<dir>/<namespace>_<pod>_<container>.log` plus `.log.1` after rotation."""

    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes

    def _path(self, namespace: str, pod: str, container: str) -> Path:
        name = "_".join(_UNSAFE.sub("-", part) for part in (namespace, pod, container))
        return self.directory / f"{name}.log"

    def append(self, namespace: str, pod: str, container: str, text: str, ts: float) -> None:
        path = self._path(namespace, pod, container)
        self.directory.mkdir(parents=True, exist_ok=True)
        data = "".join(f"{stamp(ts)} {part}\n" for part in text.split("\n"))
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(data) > self.max_bytes:
            path.replace(path.with_name(path.name + ".1"))
        with path.open("a", encoding="utf-8") as fh:
            fh.write(data)

    def read(self, namespace: str, pod: str, container: str) -> list[str]:
        path = self._path(namespace, pod, container)
        lines: list[str] = []
        for candidate in (path.with_name(path.name + ".1"), path):
            try:
                lines += candidate.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError:
                continue
        return lines

    def drop(self, namespace: str, pod: str) -> None:
        prefix = "_".join(_UNSAFE.sub("-", part) for part in (namespace, pod)) + "_"
        if self.directory.is_dir():
            for path in self.directory.glob(prefix + "*.log*"):
                path.unlink(missing_ok=True)

    def clear(self) -> None:
        if self.directory.is_dir():
            for path in self.directory.glob("*.log*"):
                path.unlink(missing_ok=True)
