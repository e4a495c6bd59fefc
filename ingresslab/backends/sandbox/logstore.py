"""Container logs, kept the way the kubelet keeps them: one file per container, appended, rotated by size.

Each stored line is `<RFC3339Nano time> <text>`, like the CRI log the kubelet reads `kubectl logs` from, so
`--timestamps` and `--since` work. Retention mirrors the kubelet's defaults: a file rotates at 10 MiB
(containerLogMaxSize) and one rotated file is kept, so memory and disk stay bounded however many requests
a lesson sends. Logs live beside the state file, not in it, so an append never rewrites the cluster's state.

`read_from(…, cursor)` reads only what was appended since the cursor was taken, the way a log shipper follows
a file: it keeps its place across one rotation, and starts the log over when the log was truncated, rotated
more than once, dropped or replaced (a new pod under the same name). Line numbers in a `LogChunk` count every
line the log ever held, so a reader can tell which of its lines the store has let go.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FileLogStore",
    "LogChunk",
    "LogCursor",
    "LogStore",
    "MemoryLogStore",
    "stamp",
]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def stamp(ts: float) -> str:
    """RFC 3339 with nanoseconds, as the container runtime writes it."""
    whole = int(ts)
    nanos = round((ts - whole) * 1e9)
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    return datetime.fromtimestamp(whole, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"


@dataclass(frozen=True, slots=True)
class LogCursor:
    """Where a reader stopped in one container's log: which log (`identity`), the byte offset in its current
    file (`offset`, files only), the number of the next line (`seq`) and of the current file's first line."""

    identity: Any
    seq: int = 0
    offset: int = 0
    file_start: int = 0
    first: int = 0


@dataclass(frozen=True, slots=True)
class LogChunk:
    """What `read_from` found: `lines` (stored form, `<timestamp> <text>`) numbered from `start`; `first` is
    the number of the oldest line the store still holds; `restarted` says the log began again (truncated,
    rotated away, dropped or replaced) so everything read from it before is gone."""

    lines: list[str]
    start: int
    first: int
    cursor: LogCursor
    restarted: bool = False


class LogStore:
    """Append and read container logs keyed by (namespace, pod, container)."""

    def append(self, namespace: str, pod: str, container: str, text: str, ts: float) -> None:
        raise NotImplementedError

    def read(self, namespace: str, pod: str, container: str) -> list[str]:
        """Stored lines, oldest first, each `<timestamp> <text>`."""
        raise NotImplementedError

    def read_from(self, namespace: str, pod: str, container: str, cursor: LogCursor | None) -> LogChunk:
        """The lines appended since `cursor` (all stored lines for None) and the cursor to continue from."""
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
        self._first: dict[tuple[str, str, str], int] = {}  # number of each log's oldest kept line
        self._generation: dict[tuple[str, str, str], int] = {}  # a log made again after a drop is a new log
        self._generations = itertools.count(1)

    def append(self, namespace: str, pod: str, container: str, text: str, ts: float) -> None:
        key = (namespace, pod, container)
        lines = self._logs.get(key)
        if lines is None:
            lines = self._logs[key] = deque()
            self._first[key] = 0
            self._generation[key] = next(self._generations)
        for part in text.split("\n"):
            line = f"{stamp(ts)} {part}"
            lines.append(line)
            self._sizes[key] = self._sizes.get(key, 0) + len(line) + 1
        # Keep at most two files' worth, like one live file plus one rotated file.
        while self._sizes[key] > 2 * self.max_bytes and lines:
            self._sizes[key] -= len(lines.popleft()) + 1
            self._first[key] += 1

    def read(self, namespace: str, pod: str, container: str) -> list[str]:
        return list(self._logs.get((namespace, pod, container), ()))

    def read_from(self, namespace: str, pod: str, container: str, cursor: LogCursor | None) -> LogChunk:
        key = (namespace, pod, container)
        lines = self._logs.get(key)
        if lines is None:
            gone = cursor is not None and cursor.identity is not None
            return LogChunk([], 0, 0, LogCursor(None), restarted=gone)
        generation, first = self._generation[key], self._first[key]
        end = first + len(lines)
        followed = cursor is not None and cursor.identity is not None
        restarted = followed and (cursor.identity != generation or cursor.seq > end)
        start = max(cursor.seq, first) if followed and not restarted else first
        # From the right: a deque indexes its ends in constant time, its middle in linear time.
        new = list(itertools.islice(reversed(lines), end - start))
        new.reverse()
        return LogChunk(new, start, first, LogCursor(generation, end), restarted)

    def drop(self, namespace: str, pod: str) -> None:
        for key in [k for k in self._logs if k[:2] == (namespace, pod)]:
            del self._logs[key]
            self._sizes.pop(key, None)
            self._first.pop(key, None)
            self._generation.pop(key, None)

    def clear(self) -> None:
        self._logs.clear()
        self._sizes.clear()
        self._first.clear()
        self._generation.clear()


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

    def read_from(self, namespace: str, pod: str, container: str, cursor: LogCursor | None) -> LogChunk:
        path = self._path(namespace, pod, container)
        rotated = path.with_name(path.name + ".1")
        if cursor is not None and cursor.identity is not None:
            current = _open(path)
            try:
                if current is not None and _same_file(current, cursor.identity, cursor.offset):
                    data, offset = _read_lines(current, cursor.offset)
                    lines = _split(data)
                    return LogChunk(
                        lines,
                        cursor.seq,
                        cursor.first,
                        LogCursor(
                            cursor.identity, cursor.seq + len(lines), offset, cursor.file_start, cursor.first
                        ),
                    )
                old = _open(rotated)
                try:
                    if old is not None and _same_file(old, cursor.identity, cursor.offset):
                        # Rotated once since the last read: finish the old file, then the new one.
                        rest, _ = _read_lines(old, cursor.offset)
                        lines = _split(rest)
                        file_start = cursor.seq + len(lines)
                        data, offset = (b"", 0) if current is None else _read_lines(current, 0)
                        new = _split(data)
                        identity = None if current is None else _identity(current)
                        kept = cursor.file_start  # the file rotated out before that one is gone now
                        return LogChunk(
                            lines + new,
                            cursor.seq,
                            kept,
                            LogCursor(identity, file_start + len(new), offset, file_start, kept),
                        )
                finally:
                    if old is not None:
                        old.close()
            finally:
                if current is not None:
                    current.close()
        # A first read, or the log began again: everything the store holds, rotated file first.
        lines = []
        old = _open(rotated)
        if old is not None:
            with old:
                lines = _split(_read_lines(old, 0)[0])
        file_start = len(lines)
        current = _open(path)
        identity, offset = None, 0
        if current is not None:
            with current:
                identity = _identity(current)
                data, offset = _read_lines(current, 0)
                lines += _split(data)
        restarted = cursor is not None and cursor.identity is not None
        return LogChunk(lines, 0, 0, LogCursor(identity, len(lines), offset, file_start), restarted)

    def drop(self, namespace: str, pod: str) -> None:
        prefix = "_".join(_UNSAFE.sub("-", part) for part in (namespace, pod)) + "_"
        if self.directory.is_dir():
            for path in self.directory.glob(prefix + "*.log*"):
                path.unlink(missing_ok=True)

    def clear(self) -> None:
        if self.directory.is_dir():
            for path in self.directory.glob("*.log*"):
                path.unlink(missing_ok=True)


# -- following a log file ----------------------------------------------------------------------------------
_HEAD = 64  # bytes of a file's start kept to recognise it (an inode number alone can be reused)


def _open(path: Path) -> Any:
    try:
        return path.open("rb")
    except FileNotFoundError:
        return None


def _identity(fh: Any) -> tuple[int, int, bytes]:
    st = os.fstat(fh.fileno())
    fh.seek(0)
    return (st.st_dev, st.st_ino, fh.read(_HEAD))


def _same_file(fh: Any, identity: tuple[int, int, bytes], offset: int) -> bool:
    """Whether `fh` is the file `identity` names, still holding at least `offset` bytes (not truncated)."""
    dev, ino, head = identity
    st = os.fstat(fh.fileno())
    if (st.st_dev, st.st_ino) != (dev, ino) or st.st_size < offset:
        return False
    fh.seek(0)
    return fh.read(len(head)) == head


def _read_lines(fh: Any, offset: int) -> tuple[bytes, int]:
    """The complete lines from `offset` on (a line still being written waits for the next read)."""
    fh.seek(offset)
    data = fh.read()
    end = data.rfind(b"\n") + 1
    return data[:end], offset + end


def _split(data: bytes) -> list[str]:
    return data.decode("utf-8").splitlines() if data else []
