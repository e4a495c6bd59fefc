"""`kubectl events` (kubectl 1.31, pkg/cmd/events): its table, its order and its typed JSON.

Unlike `kubectl get events` (the API server's table, in name order), `kubectl events` prints on the client:

- rows sorted by time with Go's `sort.Sort` (pdqsort: not stable beyond 12 rows, so ties keep the order this
  port of it gives, the same as Go's), the time being the series' last observation, else `lastTimestamp`,
  else `eventTime` (second precision for the first two, microseconds for the last);
- columns `LAST SEEN  TYPE  REASON  OBJECT  MESSAGE` (`NAMESPACE` first with `-A`), OBJECT as `Kind/name`
  (the kind as the API spells it, not lower-cased), LAST SEEN as `3m (x4 over 10m)` for repeats;
- `-o json` / `-o yaml` of a typed `EventList` (empty ListMeta, `metadata: {}`): JSON keys in the Go
  structs' field order, YAML (via JSON) with sorted keys;
- `--watch`: one row per event as it arrives, flushed each time through a tabwriter that remembers column
  widths (liggitt/tabwriter's RememberWidths), so columns only ever widen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ingresslab.kube.printers.gofmt import struct_json
from ingresslab.kube.printers.tabwriter import KUBECTL_TABLE, tabulate
from ingresslab.kube.timefmt import human_duration, parse_time
from ingresslab.proxyconfig.gosort import go_sort_slice

__all__ = [
    "EventWatchPrinter",
    "event_interval",
    "event_list",
    "event_sort_time",
    "print_event_json",
    "print_events_table",
    "sort_events",
    "typed_event",
]

_NEVER = float("-inf")  # Go's zero time.Time sorts before every real one


# -- time ------------------------------------------------------------------------------------------------
def _stamp(value: Any) -> float | None:
    if not value:
        return None
    return parse_time(str(value)).timestamp()


def event_sort_time(ev: dict) -> float:
    """events.go `eventTime`: series.lastObservedTime, else lastTimestamp, else eventTime."""
    series = ev.get("series")
    if series:
        t = _stamp(series.get("lastObservedTime"))
        return _NEVER if t is None else t
    last = _stamp(ev.get("lastTimestamp"))
    if last is not None:
        return last
    t = _stamp(ev.get("eventTime"))
    return _NEVER if t is None else t


def _since(value: Any, now: datetime) -> str:
    """translateTimestampSince / translateMicroTimestampSince: `<unknown>` for a zero time."""
    if not value:
        return "<unknown>"
    return human_duration(now - parse_time(str(value)))


def event_interval(ev: dict, now: datetime) -> str:
    """event_printer.go `getInterval`: the LAST SEEN cell."""
    first = _since(ev.get("eventTime"), now) if ev.get("eventTime") else _since(ev.get("firstTimestamp"), now)
    series = ev.get("series")
    if series:
        return (
            f"{_since(series.get('lastObservedTime'), now)} (x{int(series.get('count') or 0)} over {first})"
        )
    count = int(ev.get("count") or 0)
    if count > 1:
        return f"{_since(ev.get('lastTimestamp'), now)} (x{count} over {first})"
    return first


def sort_events(events: Sequence[dict]) -> list[dict]:
    """`sort.Sort(SortableEvents(items))` over the API server's order (namespace, then name)."""
    # Go's sort.Sort and sort.Slice are the same pdqsort: ties land where kubectl puts them
    return go_sort_slice(list(events), lambda x, y: event_sort_time(x) < event_sort_time(y))


# -- the table ---------------------------------------------------------------------------------------------
def _escape_cell(text: str) -> str:
    """event_printer.go `escapeCell`: cut at a line break (`...`), then printers.EscapeTerminal."""
    for i, ch in enumerate(text):
        if ch in "\f\n\r":
            text = text[:i] + "..."
            break
    return text.replace("\x1b", "^[").replace("\r", "\\r")


def _header(all_namespaces: bool) -> list[str]:
    return (["NAMESPACE"] if all_namespaces else []) + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]


def _row(ev: dict, now: datetime, all_namespaces: bool) -> list[str]:
    involved = ev.get("involvedObject") or {}
    cells = [] if not all_namespaces else [str((ev.get("metadata") or {}).get("namespace", ""))]
    return [
        *cells,
        event_interval(ev, now),
        _escape_cell(str(ev.get("type") or "")),
        _escape_cell(str(ev.get("reason") or "")),
        f"{_escape_cell(str(involved.get('kind') or ''))}/{_escape_cell(str(involved.get('name') or ''))}",
        _escape_cell(str(ev.get("message") or "").strip()),
    ]


def print_events_table(
    events: Sequence[dict], now: datetime, *, all_namespaces: bool = False, no_headers: bool = False
) -> str:
    """The EventPrinter over a whole (already sorted) list: one tabwriter flush."""
    rows = [] if no_headers else [_header(all_namespaces)]
    rows += [_row(ev, now, all_namespaces) for ev in events]
    return tabulate(rows)


class EventWatchPrinter:
    """`kubectl events --watch`: the header with the first event, then one flush per event; the tabwriter
    remembers the widest cell of each column across flushes."""

    def __init__(self, now: datetime, *, all_namespaces: bool = False, no_headers: bool = False) -> None:
        self.now = now
        self.all_namespaces = all_namespaces
        self.no_headers = no_headers
        self.headers_printed = False
        self.widths: list[int] = []

    def _flush(self, rows: list[list[str]]) -> str:
        minwidth, padding = KUBECTL_TABLE["minwidth"], KUBECTL_TABLE["padding"]
        for row in rows:
            for j, cell in enumerate(row[:-1]):
                width = max(minwidth, len(cell) + padding)
                if j < len(self.widths):
                    self.widths[j] = max(self.widths[j], width)
                else:
                    self.widths.append(width)
        return "".join(
            "".join(cell.ljust(self.widths[j]) for j, cell in enumerate(row[:-1])) + row[-1] + "\n"
            for row in rows
        )

    def print(self, ev: dict) -> str:
        rows = []
        if not self.no_headers and not self.headers_printed:
            rows.append(_header(self.all_namespaces))
            self.headers_printed = True
        rows.append(_row(ev, self.now, self.all_namespaces))
        return self._flush(rows)


# -- typed objects ----------------------------------------------------------------------------------------
_META_ORDER = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
_REF_ORDER = ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")


def _ordered(src: dict | None, order: Sequence[str]) -> dict:
    src = src or {}
    out = {k: src[k] for k in order if src.get(k) not in (None, "", 0, [], {})}
    out.update({k: v for k, v in src.items() if k not in order and v not in (None, "", [], {})})
    return out


def typed_event(ev: dict) -> dict:
    """A stored Event as the client's corev1.Event marshals it: struct field order, Go's omitempty (timestamps
    are structs, so a zero one is `null`; reportingComponent/reportingInstance have no omitempty)."""
    out: dict[str, Any] = {"kind": "Event", "apiVersion": "v1"}
    out["metadata"] = _ordered(ev.get("metadata"), _META_ORDER)
    out["involvedObject"] = _ordered(ev.get("involvedObject"), _REF_ORDER)
    for key in ("reason", "message"):
        if ev.get(key):
            out[key] = ev[key]
    out["source"] = _ordered(ev.get("source"), ("component", "host"))
    out["firstTimestamp"] = ev.get("firstTimestamp") or None
    out["lastTimestamp"] = ev.get("lastTimestamp") or None
    if ev.get("count"):
        out["count"] = ev["count"]
    if ev.get("type"):
        out["type"] = ev["type"]
    out["eventTime"] = ev.get("eventTime") or None
    series = ev.get("series")
    if series:
        out["series"] = {"count": series.get("count"), "lastObservedTime": series.get("lastObservedTime")}
    if ev.get("action"):
        out["action"] = ev["action"]
    if ev.get("related"):
        out["related"] = _ordered(ev["related"], _REF_ORDER)
    out["reportingComponent"] = ev.get("reportingComponent") or ev.get("reportingController") or ""
    out["reportingInstance"] = ev.get("reportingInstance") or ""
    return out


def event_list(events: Sequence[dict]) -> dict:
    """The EventList kubectl events builds: TypeMeta set, ListMeta left empty."""
    return {
        "kind": "EventList",
        "apiVersion": "v1",
        "metadata": {},
        "items": [typed_event(e) for e in events],
    }


def print_event_json(obj: dict) -> str:
    """json.MarshalIndent(obj, "", "    ") of a typed object (keys in the order given), with a newline.
    Maps inside (labels, annotations) are Go maps: sorted keys."""
    return struct_json(_sort_maps(obj)) + "\n"


def _sort_maps(obj: dict) -> dict:
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        for key in ("labels", "annotations"):
            if isinstance(meta.get(key), dict):
                meta[key] = dict(sorted(meta[key].items()))
    for item in obj.get("items") or []:
        _sort_maps(item)
    return obj
