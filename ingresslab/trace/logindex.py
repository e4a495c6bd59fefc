"""Following the components' logs instead of re-reading them, so a trace costs the same after 100,000 requests
as after one.

`FollowedLogs` keeps a place in every container log a trace reads (the same containers as `collect`, see
`plan_sources`) and, on each `refresh()`, reads and parses only what was appended since: from the sandbox's
log store by line and byte offsets (`LogStore.read_from`, which notices truncation and rotation), from a live
cluster with `sinceTime` from the last line read, a little earlier, dropping the lines already seen. A log that
began again (truncated, rotated away, a pod replaced) is read again from its start; a pod that is gone is
forgotten, as `kubectl logs` would forget it.

Each parsed line is indexed once by what the joins look up (the entry point's request id, the sidecar's
inbound request id, the app's pod, path and time) and kept as its text; the few lines a trace uses are parsed
again when it asks for them. The answers are the ones `LogIndex` gives for the same lines read in full
(`correlate` takes either), in the same order, so a trace is the same either way.

    tracer = tracer_for(lab)          # one per Lab, shared by its panels; None if the backend cannot follow
    trace = tracer.trace(response)    # what lab.trace(response) returns, without re-reading every log
"""

from __future__ import annotations

import bisect
import math
import sys
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ingresslab.entrypoints.registry import EntryPoint, EntryPoints
from ingresslab.errors import IngresslabError
from ingresslab.logs import EnvoyAccess, HttpEchoRequest, ParseReport, parse_lines
from ingresslab.trace.collect import TAIL, LogSource, ParsedLine, plan_sources, source_format
from ingresslab.trace.correlate import correlate
from ingresslab.trace.model import Trace
from ingresslab.trace.tail import RequestHint, pod_of, time_of
from ingresslab.trace.topology import Topology

__all__ = [
    "Chunk",
    "FollowedLogs",
    "LiveLogReader",
    "SandboxLogReader",
    "Tracer",
    "one_transaction",
    "reader_for",
    "tracer_for",
]

_ENTRY, _INBOUND, _APP = 1, 2, 3
_HINT_REACH = timedelta(
    seconds=60
)  # a front end's hint only matches lines logged while the request was in flight
_INF = math.inf


@dataclass(frozen=True, slots=True)
class Chunk:
    """New lines of one log (stored form, `<RFC3339 time> <text>`), numbered from `start`; `first` is the
    oldest line the log still holds; `restarted` when the log began again."""

    lines: list[str]
    start: int
    first: int
    cursor: Any
    restarted: bool = False


class SandboxLogReader:
    """Reads the sandbox's log store from a cursor (line and byte offsets, rotation-aware).

    At most `first_tail` lines are taken at once, as `lab.trace` reads every log: a log read from its start
    (the first time, or after it began again), or one that gained more than that since the last read (many
    requests sent by code between two traces), is started over from its last `first_tail` lines, so a kernel
    that opens a long history does not parse all of it before its first trace."""

    def __init__(self, backend: Any, *, first_tail: int | None = TAIL) -> None:
        self.backend = backend
        self.first_tail = first_tail

    def read(self, namespace: str, pod: str, container: str, cursor: Any) -> Chunk:
        got = self.backend.logstore.read_from(namespace, pod, container, cursor)
        lines, start, restarted = got.lines, got.start, got.restarted
        if self.first_tail is not None and len(lines) > self.first_tail:
            skipped = len(lines) - self.first_tail
            lines, start, restarted = lines[skipped:], start + skipped, True
        return Chunk(lines, start, got.first, got.cursor, restarted)


@dataclass(slots=True)
class _LiveCursor:
    last: tuple[int, int] | None  # (seconds, nanoseconds) of the newest line read
    seen: Counter  # the lines read with exactly that time: the next read starts at or before it
    seq: int


class LiveLogReader:
    """Reads a live cluster's container logs from the last line read on (`sinceTime`), not a tail.

    `sinceTime` has whole seconds, so each read starts `overlap` before the newest line read (rounded down to
    the second) and drops what it saw already: every line older than that newest line, and at exactly its time
    as many copies of a line as were read before. A read takes at most `first_tail` lines (the first one, as a
    trace always did, and any later one: a read that fills it starts the log over from those lines); a source
    keeps at most `keep` lines."""

    def __init__(
        self, backend: Any, *, first_tail: int = TAIL, overlap: float = 1.0, keep: int = 50_000
    ) -> None:
        self.backend = backend
        self.first_tail = first_tail
        self.overlap = timedelta(seconds=overlap)
        self.keep = keep

    def read(self, namespace: str, pod: str, container: str, cursor: _LiveCursor | None) -> Chunk:
        try:
            if cursor is None or cursor.last is None:
                text = self.backend.logs(
                    pod, namespace, container=container, tail=self.first_tail, timestamps=True
                )
            else:
                since = datetime.fromtimestamp(cursor.last[0], tz=timezone.utc) - self.overlap
                text = self.backend.logs(
                    pod,
                    namespace,
                    container=container,
                    since_time=since,
                    tail=self.first_tail,
                    timestamps=True,
                )
        except IngresslabError:
            text = ""  # gone between list and logs: nothing new from it
        restarted = False
        lines = text.splitlines()
        if cursor is None:
            cursor = _LiveCursor(None, Counter(), 0)
        elif cursor.last is not None and len(lines) >= self.first_tail:
            # As many lines as asked for: more may have been logged since. Start over from these.
            restarted, cursor = True, _LiveCursor(None, Counter(), cursor.seq)
        boundary = Counter(cursor.seen)  # lines at the last read's newest time not yet met again
        new: list[str] = []
        for line in lines:
            at = _line_time(line) or cursor.last or (0, 0)
            if cursor.last is not None and at < cursor.last:
                continue
            if at == cursor.last and boundary[line] > 0:
                boundary[line] -= 1
                continue
            new.append(line)
        last, seen = cursor.last, Counter(cursor.seen)
        for line in new:
            at = _line_time(line) or last or (0, 0)
            if last is None or at > last:
                last, seen = at, Counter()
            if at == last:
                seen[line] += 1
        end = cursor.seq + len(new)
        return Chunk(new, cursor.seq, max(0, end - self.keep), _LiveCursor(last, seen, end), restarted)


def _line_time(line: str) -> tuple[int, int] | None:
    """A `--timestamps` line's time as (epoch seconds, nanoseconds); None when it has none."""
    stamp = line.partition(" ")[0]
    if len(stamp) < 20 or stamp[4:5] != "-" or stamp[10:11] != "T":
        return None
    try:
        whole = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    rest = stamp[19:]
    nanos = 0
    if rest.startswith("."):
        digits = rest[1:].rstrip("Z")
        digits = digits.split("+")[0].split("-")[0]
        if digits.isdigit():
            nanos = int(digits[:9].ljust(9, "0"))
    return (int(whole.timestamp()), nanos)


class _Source:
    """One container's log as read so far: its lines' texts and the indexes over them, numbered by record."""

    __slots__ = (
        "app_none",
        "app_order",
        "app_times",
        "base",
        "cursor",
        "entry_ids",
        "entry_max",
        "entry_order",
        "first",
        "fmt",
        "formats",
        "inbound",
        "last_raw",
        "meta",
        "next",
        "raws",
        "source",
        "stored",
    )

    def __init__(self, source: LogSource, fmt: str) -> None:
        self.source = source
        self.fmt = fmt
        self.cursor: Any = None
        self.reset()

    def reset(self) -> None:
        self.base = 0  # number of raws[0]
        self.next = 0  # number of the next record
        self.first = 0  # number of the oldest record the log still holds
        self.raws: list[str] = []
        self.formats: list[str] = []
        self.stored: list[int] = []  # the stored line each record came from
        self.meta: list[tuple] = []  # (kind, key, request id, time) per record
        self.last_raw: str | None = None
        self._clear_indexes()

    def _clear_indexes(self) -> None:
        self.entry_ids: dict[str, dict[str, list[int]]] = {}
        self.entry_order: dict[str, list[int]] = {}
        self.entry_max: dict[str, list[float]] = {}  # running maximum of the entry lines' times
        self.inbound: dict[str, list[int]] = {}
        self.app_order: dict[tuple, list[int]] = {}
        self.app_times: dict[tuple, list[tuple[float, int]]] = {}
        self.app_none: dict[tuple, list[int]] = {}

    # -- filling --------------------------------------------------------------------------------------
    def add(self, n: int, raw: str, fmt: str, stored: int, meta: tuple) -> None:
        self.raws.append(raw)
        self.formats.append(fmt)
        self.stored.append(stored)
        self.meta.append(meta)
        self._index(n, meta)

    def _index(self, n: int, meta: tuple) -> None:
        kind, key, rid, ts = meta
        if kind == _ENTRY:
            if rid:
                self.entry_ids.setdefault(key, {}).setdefault(rid, []).append(n)
            order = self.entry_order.setdefault(key, [])
            highs = self.entry_max.setdefault(key, [])
            t = _INF if ts is None else ts
            highs.append(max(highs[-1], t) if highs else t)
            order.append(n)
        elif kind == _INBOUND:
            self.inbound.setdefault(rid, []).append(n)
        elif kind == _APP:
            self.app_order.setdefault(key, []).append(n)
            if ts is None:
                self.app_none.setdefault(key, []).append(n)
            else:
                times = self.app_times.setdefault(key, [])
                if not times or times[-1] <= (ts, n):
                    times.append((ts, n))
                else:
                    bisect.insort(times, (ts, n))

    def forget_before(self, stored_first: int) -> None:
        """The store let go of its lines before `stored_first`: so do the indexes (dropped from the front
        now and then, skipped until then)."""
        k = bisect.bisect_left(self.stored, stored_first)
        self.first = max(self.first, self.base + k)
        dead = self.first - self.base
        if dead and dead >= max(4096, len(self.raws) - dead):
            self.raws = self.raws[dead:]
            self.formats = self.formats[dead:]
            self.stored = self.stored[dead:]
            self.meta = self.meta[dead:]
            self.base = self.first
            self._clear_indexes()
            for i, meta in enumerate(self.meta):
                self._index(self.base + i, meta)

    # -- reading back ----------------------------------------------------------------------------------
    def line(self, n: int) -> ParsedLine:
        i = n - self.base
        record = next(iter(parse_lines([self.raws[i]], format=self.formats[i])))
        return ParsedLine(self.source, record)

    def live(self, numbers: Sequence[int] | None) -> list[int]:
        return [n for n in numbers or () if n >= self.first]


@dataclass
class FollowedLogs:
    """Every traced container's log, followed: `refresh()` reads what is new; the lookups are `LogIndex`'s."""

    reader: Any
    entry_points: EntryPoints
    sources: list[_Source] = field(default_factory=list)
    parsed_lines: int = 0  # lines handed to the parsers so far (a refresh with nothing new parses none)
    _by_key: dict[tuple, _Source] = field(default_factory=dict)
    _registry: tuple = ()

    def refresh(self, pods: Iterable[dict]) -> None:
        registry = tuple(id(ep) for ep in self.entry_points)
        if registry != self._registry:  # an entry point was registered: classify every line again
            self._registry, self._by_key = registry, {}
        order: list[_Source] = []
        keep: dict[tuple, _Source] = {}
        for pod, component, container in plan_sources(pods, self.entry_points):
            meta = pod["metadata"]
            ns, name = meta.get("namespace"), meta["name"]
            status = pod.get("status", {})
            ip = status.get("podIP")
            key = (ns, name, meta.get("uid"), container, component, ip, _container_id(pod, container))
            src = self._by_key.get(key)
            if src is None:
                src = _Source(
                    LogSource(component, ns, name, container, "", ip),
                    source_format(component, self.entry_points),
                )
            self._read(src)
            keep[key] = src
            order.append(src)
        self._by_key, self.sources = keep, order

    def _read(self, src: _Source) -> None:
        s = src.source
        chunk: Chunk = self.reader.read(s.namespace, s.pod, s.container, src.cursor)
        if chunk.restarted:
            src.reset()
        src.cursor = chunk.cursor
        if chunk.lines:
            self._ingest(src, chunk.lines, chunk.start)
        src.forget_before(chunk.first)

    def _ingest(self, src: _Source, stored_lines: list[str], start: int) -> None:
        texts: list[str] = []
        numbers: list[int] = []
        for i, stored in enumerate(stored_lines):
            body = stored.partition(" ")[2]
            parts = body.splitlines() if body else None
            if not parts:  # an empty line stays one line, as in `kubectl logs` output
                texts.append(body)
                numbers.append(start + i)
            elif len(parts) == 1:
                texts.append(parts[0])
                numbers.append(start + i)
            else:
                texts += parts
                numbers += [start + i] * len(parts)
        self.parsed_lines += len(texts)
        feed: list[str] = texts
        primed = src.fmt == "auto" and src.last_raw is not None
        if primed:  # detection prefers the format of the line before: start from the last line read
            feed = [src.last_raw, *texts]
        j = 0
        source = src.source
        classify = self.entry_points.classify
        for record in parse_lines(feed, format=src.fmt, report=ParseReport()):
            raw = record.raw
            if primed:
                primed = False
                if raw is feed[0] or raw == feed[0]:  # the line read before, parsed again: not new
                    continue
            while j < len(texts) - 1 and texts[j] is not raw and texts[j] != raw:
                j += 1
            stored = numbers[j]
            line = ParsedLine(source, record)
            if isinstance(record, EnvoyAccess) and (record.upstream_cluster or "").startswith("inbound"):
                meta = (
                    (_INBOUND, None, record.request_id, None) if record.request_id else (0, None, None, None)
                )
            elif isinstance(record, HttpEchoRequest):
                at = time_of(record)
                meta = (_APP, (pod_of(line), record.path), None, None if at is None else at.timestamp())
            else:
                entry = classify(line)
                if entry is None:
                    meta = (0, None, None, None)
                else:
                    at = time_of(record)
                    rid = entry.request_id(record)
                    meta = (_ENTRY, entry.via, rid, None if at is None else at.timestamp())
            src.add(src.next, raw, record.format, stored, meta)
            src.next += 1
            src.last_raw = raw
            j += 1

    # -- the lookups a trace makes (see correlate.TraceIndex) ------------------------------------------------
    def entry_for(self, request_id: str) -> tuple[EntryPoint, ParsedLine] | None:
        for entry in self.entry_points:
            best = None
            for rank, src in enumerate(self.sources):
                numbers = src.entry_ids.get(entry.via, {}).get(request_id)
                live = src.live(numbers)
                if live:
                    best = (rank, live[-1], src)
            if best is not None:
                return entry, best[2].line(best[1])
        return None

    def find_by_hint(self, hint: RequestHint) -> tuple[EntryPoint, ParsedLine] | None:
        lowest = -_INF
        if hint.after is not None:
            lowest = (hint.after - _HINT_REACH).timestamp()
        for entry in self.entry_points:
            if entry.matches_hint is None:
                continue
            for src in reversed(self.sources):
                order = src.entry_order.get(entry.via) or []
                highs = src.entry_max.get(entry.via) or []
                stop = bisect.bisect_left(highs, lowest)  # every line before it was logged too early
                for k in range(len(order) - 1, stop - 1, -1):
                    n = order[k]
                    if n < src.first:
                        break
                    line = src.line(n)
                    if entry.matches_hint(line.record, hint):
                        return entry, line
        return None

    def inbound(self, request_id: str) -> list[ParsedLine]:
        return [src.line(n) for src in self.sources for n in src.live(src.inbound.get(request_id))]

    def nearest_app(self, pod: str | None, path: str | None, at: datetime | None) -> ParsedLine | None:
        key = (pod, path or "")
        ranked = []
        for rank, src in enumerate(self.sources):
            order = src.app_order.get(key)
            if order and order[-1] >= src.first:  # numbers only grow: any line kept means the last one is
                ranked.append((rank, src))
        if not ranked:
            return None
        if at is None:
            rank, src = ranked[-1]
            return src.line(src.app_order[key][-1])
        t = at.timestamp()
        below = above = None  # (time, rank, number, source): the neighbours of `at` in (time, order)
        for rank, src in ranked:
            times = src.app_times.get(key) or []
            i = bisect.bisect_left(times, (t, -1))
            k = i - 1
            while k >= 0 and times[k][1] < src.first:
                k -= 1
            if k >= 0:
                cand = (times[k][0], rank, times[k][1], src)
                if below is None or cand[:3] > below[:3]:
                    below = cand
            k = i
            while k < len(times) and times[k][1] < src.first:
                k += 1
            if k < len(times):
                cand = (times[k][0], rank, times[k][1], src)
                if above is None or cand[:3] < above[:3]:
                    above = cand
            undated = src.live(src.app_none.get(key))
            if undated:  # a line without a time counts as logged at `at`
                cand = (t, rank, undated[0], src)
                if above is None or cand[:3] < above[:3]:
                    above = cand
        nearby = [c for c in (below, above) if c is not None]
        best = min(nearby, key=lambda c: abs(c[0] - t))
        return best[3].line(best[2])


def _container_id(pod: dict, container: str) -> str | None:
    for status in pod.get("status", {}).get("containerStatuses") or []:
        if status.get("name") == container:
            return status.get("containerID")
    return None


# -- tracing with followed logs ------------------------------------------------------------------------------
class Tracer:
    """`lab.trace` over followed logs: the same Trace, reading only what the logs gained since the last one."""

    def __init__(
        self, backend: Any, reader: Any, entry_points: EntryPoints, *, client: str = "client (curl)"
    ):
        self.backend = backend
        self.logs = FollowedLogs(reader, entry_points)
        self.client = client

    @property
    def parsed_lines(self) -> int:
        return self.logs.parsed_lines

    def _snapshot(self) -> Topology:
        pods = self.backend.list("pods", "*")
        topology = Topology(pods, self.backend.list("services", "*"), self.backend.list("endpoints", "*"))
        self.logs.refresh(pods)
        return topology

    def refresh(self) -> Topology:
        """Read what the logs gained; the cluster's objects as they are now."""
        with one_transaction(self.backend, write=False):  # one lock and one state load for the whole look
            return self._snapshot()

    def trace(self, request: Any) -> Trace:
        """The Trace of a Response (or a request id), as `Lab.trace` builds it."""
        request_id, hint = RequestHint.of(request)
        topology = self.refresh()
        return correlate(
            request_id,
            self.logs,
            topology,
            hint=hint,
            client=self.client,
            entry_points=self.logs.entry_points,
        )


@contextmanager
def one_transaction(backend: Any, *, write: bool = True) -> Iterator[None]:
    """On the sandbox, one state transaction around several backend calls (they share it: one lock, one state
    load, and one save and clock step if `write`), as one kubectl command is one; elsewhere nothing."""
    if _is_sandbox(backend):
        with backend.transaction(write=write, tick=write):
            yield
    else:
        yield


def _is_sandbox(backend: Any) -> bool:
    module = sys.modules.get("ingresslab.backends.sandbox.backend")
    return module is not None and isinstance(backend, module.SandboxBackend)


def _is_live(backend: Any) -> bool:
    module = sys.modules.get("ingresslab.backends.live.backend")
    return module is not None and isinstance(backend, module.LiveBackend)


def reader_for(backend: Any) -> Any:
    """How to follow this backend's logs, or None when it can only be re-read (then trace with `lab.trace`)."""
    if _is_sandbox(backend):
        return SandboxLogReader(backend)
    if _is_live(backend):
        return LiveLogReader(backend)
    return None


_TRACERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def tracer_for(lab: Any) -> Tracer | None:
    """The Tracer that follows `lab`'s logs (one per Lab and backend), or None if its backend cannot be followed."""
    tracer = _TRACERS.get(lab)
    if tracer is not None and tracer.backend is lab.backend and tracer.logs.entry_points is lab.entry_points:
        return tracer
    reader = reader_for(lab.backend)
    if reader is None:
        return None
    tracer = _TRACERS[lab] = Tracer(lab.backend, reader, lab.entry_points)
    return tracer
