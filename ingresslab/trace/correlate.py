"""Rebuilding one request's path from parsed log lines and the cluster's objects — nothing else.

The joins are the ones an engineer makes by hand:
- the request id: `$req_id` (ingress-nginx, from X-Request-ID) and `%REQ(X-REQUEST-ID)%` (every Envoy) — one id
  follows the request from the controller or gateway into the pod's sidecar;
- the upstream address ↔ a pod IP ↔ the Service whose Endpoints list it;
- Istio's cluster name (`outbound|7777||svc.ns.svc.cluster.local`) and its SNI twin ↔ the Service;
- the app's own line has no id, so it is matched in the same pod by path and time.

This module is the index: which entry point logged the request (each registered `EntryPoint` classifies its
own lines and has its own strategy, see `trace/entries.py`), then the shared tail (`trace/tail.py`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from ingresslab.entrypoints.components import Component
from ingresslab.entrypoints.registry import EntryPoint, EntryPoints
from ingresslab.logs import EnvoyAccess, HttpEchoRequest
from ingresslab.trace.collect import ParsedLine
from ingresslab.trace.model import Hop, Trace
from ingresslab.trace.tail import RequestHint, Tail, pod_of, time_of
from ingresslab.trace.topology import Topology

__all__ = ["LogIndex", "RequestHint", "TraceIndex", "correlate", "correlate_all"]


def _default_entry_points() -> EntryPoints:
    # Imported here: the built-in records point at strategies in this package.
    from ingresslab.entrypoints.builtin import default_entry_points

    return default_entry_points()


@runtime_checkable
class TraceIndex(Protocol):
    """What a trace looks up in the logs. `LogIndex` builds it from a list of parsed lines; the followed logs
    of `ingresslab.trace.logindex` keep one up to date as the logs grow."""

    entry_points: EntryPoints

    def entry_for(self, request_id: str) -> tuple[EntryPoint, ParsedLine] | None: ...
    def find_by_hint(self, hint: RequestHint) -> tuple[EntryPoint, ParsedLine] | None: ...
    def inbound(self, request_id: str) -> Sequence[ParsedLine]: ...
    def nearest_app(self, pod: str | None, path: str | None, at: datetime | None) -> ParsedLine | None: ...


class LogIndex:
    """Parsed lines indexed once by what the joins look up, so tracing many requests stays linear."""

    def __init__(self, lines: Iterable[ParsedLine], entry_points: EntryPoints | None = None) -> None:
        self.entry_points = entry_points if entry_points is not None else _default_entry_points()
        self.entries: dict[str, list[ParsedLine]] = {ep.via: [] for ep in self.entry_points}
        self.entries_by_id: dict[str, dict[str, ParsedLine]] = {ep.via: {} for ep in self.entry_points}
        self.inbound_by_id: dict[str, list[ParsedLine]] = {}
        self.apps: dict[tuple[str | None, str], list[ParsedLine]] = {}
        self.order: list[str] = []  # request ids as the entry points logged them
        self._app_times: dict[tuple[str | None, str], list[tuple[float, int]]] = {}
        for ln in lines:
            rec = ln.record
            if isinstance(rec, EnvoyAccess) and (rec.upstream_cluster or "").startswith("inbound"):
                if rec.request_id:
                    self.inbound_by_id.setdefault(rec.request_id, []).append(ln)
            elif isinstance(rec, HttpEchoRequest):
                self.apps.setdefault((pod_of(ln), rec.path), []).append(ln)
            else:
                entry = self.entry_points.classify(ln)
                if entry is not None:
                    self._add_entry(entry, ln)

    def _add_entry(self, entry: EntryPoint, line: ParsedLine) -> None:
        self.entries[entry.via].append(line)
        request_id = entry.request_id(line.record)
        if request_id:
            by_id = self.entries_by_id[entry.via]
            if request_id not in by_id:
                self.order.append(request_id)
            by_id[request_id] = line

    def entry_for(self, request_id: str) -> tuple[EntryPoint, ParsedLine] | None:
        """The first entry point (in registry order) that logged this request id, with its line."""
        for entry in self.entry_points:
            line = self.entries_by_id[entry.via].get(request_id)
            if line is not None:
                return entry, line
        return None

    def inbound(self, request_id: str) -> Sequence[ParsedLine]:
        """Sidecar inbound lines that carry this request id, in reading order."""
        return self.inbound_by_id.get(request_id, ())

    def find_by_hint(self, hint: RequestHint) -> tuple[EntryPoint, ParsedLine] | None:
        """For front ends that mint their own request id: the latest line that fits what was sent."""
        for entry in self.entry_points:
            if entry.matches_hint is None:
                continue
            fits = [ln for ln in self.entries[entry.via] if entry.matches_hint(ln.record, hint)]
            if fits:
                return entry, fits[-1]
        return None

    def nearest_app(self, pod: str | None, path: str | None, at: datetime | None) -> ParsedLine | None:
        """The app's line for this pod and path logged closest to `at` (the app's own log has no id)."""
        candidates = self.apps.get((pod, path or ""))
        if not candidates:
            return None
        if at is None:
            return candidates[-1]
        times = self._app_times.get((pod, path or ""))
        if times is None:
            times = self._app_times[(pod, path or "")] = sorted(
                ((time_of(ln.record) or at).timestamp(), i) for i, ln in enumerate(candidates)
            )
        i = bisect.bisect_left(times, (at.timestamp(), -1))
        nearby = [times[j] for j in (i - 1, i) if 0 <= j < len(times)]
        best = min(nearby, key=lambda t: abs(t[0] - at.timestamp()))
        return candidates[best[1]]


def correlate(
    request_id: str | None,
    lines: Iterable[ParsedLine] | TraceIndex,
    topology: Topology,
    *,
    hint: RequestHint | None = None,
    client: str = "client",
    entry_points: EntryPoints | None = None,
) -> Trace:
    """The Trace of one request, from every parsed line available (any order, any components).

    `entry_points` defaults to the index's (or the built-in ones); pass a Lab's registry to trace through the
    front ends registered there.
    """
    hint = hint or RequestHint()
    index = lines if isinstance(lines, TraceIndex) else LogIndex(lines, entry_points)
    found = index.entry_for(request_id) if request_id else None
    if found is None and (hint.path or hint.after):
        found = index.find_by_hint(hint)
        if found is not None:
            # a front end that logs no id (nginx `combined`) keeps the sender's: sidecars still carry it
            request_id = found[0].request_id(found[1].record) or request_id

    trace = Trace(request_id=request_id, via="unknown")
    trace.hops.append(Hop(Component.CLIENT, client, note="the request starts here"))
    if found is not None and found[0].hops is not None:
        entry, line = found
        trace.via = entry.via
        entry.hops(trace, line, Tail(index, topology, hint))
    else:
        trace.stopped = (
            f"no ingress controller or gateway logged request id {request_id}: the request did not reach one "
            "(wrong host, port or URL?), or its log lines have been rotated away"
            if request_id
            else "no request id to follow"
        )
    return trace


def correlate_all(
    lines: Iterable[ParsedLine], topology: Topology, *, entry_points: EntryPoints | None = None
) -> dict[str, Trace]:
    """A Trace for every request id an ingress controller or gateway logged, in one linear pass."""
    index = LogIndex(lines, entry_points)
    return {rid: correlate(rid, index, topology) for rid in index.order}
