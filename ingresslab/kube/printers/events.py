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

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ingresslab.kube.printers.gofmt import go_json
from ingresslab.kube.printers.tabwriter import KUBECTL_TABLE, tabulate
from ingresslab.kube.timefmt import human_duration, parse_time

__all__ = [
    "EventWatchPrinter",
    "event_interval",
    "event_list",
    "event_sort_time",
    "go_sort",
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


# -- Go's sort.Sort (pdqsort, Go 1.19+), so ties land where kubectl puts them --------------------------------
def go_sort(items: list, less: Callable[[Any, Any], bool]) -> None:
    """Sort `items` in place exactly as Go's `sort.Sort` orders a slice with this `Less`."""
    n = len(items)
    if n <= 1:
        return
    _Pdq(items, less).pdqsort(0, n, n.bit_length())


class _Pdq:
    def __init__(self, data: list, less: Callable[[Any, Any], bool]) -> None:
        self.d = data
        self.lt = less

    def less(self, i: int, j: int) -> bool:
        return self.lt(self.d[i], self.d[j])

    def swap(self, i: int, j: int) -> None:
        d = self.d
        d[i], d[j] = d[j], d[i]

    def insertion_sort(self, a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and self.less(j, j - 1):
                self.swap(j, j - 1)
                j -= 1

    def sift_down(self, lo: int, hi: int, first: int) -> None:
        root = lo
        while True:
            child = 2 * root + 1
            if child >= hi:
                return
            if child + 1 < hi and self.less(first + child, first + child + 1):
                child += 1
            if not self.less(first + root, first + child):
                return
            self.swap(first + root, first + child)
            root = child

    def heap_sort(self, a: int, b: int) -> None:
        first, lo, hi = a, 0, b - a
        for i in range((hi - 1) // 2, -1, -1):
            self.sift_down(i, hi, first)
        for i in range(hi - 1, -1, -1):
            self.swap(first, first + i)
            self.sift_down(lo, i, first)

    def pdqsort(self, a: int, b: int, limit: int) -> None:
        was_balanced = was_partitioned = True
        while True:
            length = b - a
            if length <= 12:
                self.insertion_sort(a, b)
                return
            if limit == 0:
                self.heap_sort(a, b)
                return
            if not was_balanced:
                self.break_patterns(a, b)
                limit -= 1
            pivot, hint = self.choose_pivot(a, b)
            if hint == "decreasing":
                self.reverse_range(a, b)
                pivot = (b - 1) - (pivot - a)
                hint = "increasing"
            if (
                was_balanced
                and was_partitioned
                and hint == "increasing"
                and self.partial_insertion_sort(a, b)
            ):
                return
            if a > 0 and not self.less(a - 1, pivot):
                a = self.partition_equal(a, b, pivot)
                continue
            mid, already = self.partition(a, b, pivot)
            was_partitioned = already
            left, right = mid - a, b - mid
            threshold = length // 8
            if left < right:
                was_balanced = left >= threshold
                self.pdqsort(a, mid, limit)
                a = mid + 1
            else:
                was_balanced = right >= threshold
                self.pdqsort(mid + 1, b, limit)
                b = mid

    def partition(self, a: int, b: int, pivot: int) -> tuple[int, bool]:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while i <= j and self.less(i, a):
            i += 1
        while i <= j and not self.less(j, a):
            j -= 1
        if i > j:
            self.swap(j, a)
            return j, True
        self.swap(i, j)
        i += 1
        j -= 1
        while True:
            while i <= j and self.less(i, a):
                i += 1
            while i <= j and not self.less(j, a):
                j -= 1
            if i > j:
                break
            self.swap(i, j)
            i += 1
            j -= 1
        self.swap(j, a)
        return j, False

    def partition_equal(self, a: int, b: int, pivot: int) -> int:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while True:
            while i <= j and not self.less(a, i):
                i += 1
            while i <= j and self.less(a, j):
                j -= 1
            if i > j:
                break
            self.swap(i, j)
            i += 1
            j -= 1
        return i

    def partial_insertion_sort(self, a: int, b: int) -> bool:
        i = a + 1
        for _ in range(5):
            while i < b and not self.less(i, i - 1):
                i += 1
            if i == b:
                return True
            if b - a < 50:
                return False
            self.swap(i, i - 1)
            if i - a >= 2:
                j = i - 1
                while j >= 1:
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
                    j -= 1
            if b - i >= 2:
                j = i + 1
                while j < b:
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
                    j += 1
        return False

    def break_patterns(self, a: int, b: int) -> None:
        length = b - a
        if length >= 8:
            mask = (1 << 64) - 1
            random = length
            modulus = 1 << length.bit_length()
            idx = a + (length // 4) * 2 - 1
            for i in range(3):
                random ^= (random << 13) & mask
                random ^= random >> 7
                random ^= (random << 17) & mask
                other = random & (modulus - 1)
                if other >= length:
                    other -= length
                self.swap(idx + i, a + other)

    def choose_pivot(self, a: int, b: int) -> tuple[int, str]:
        n = b - a
        swaps = [0]
        i, j, k = a + n // 4 * 1, a + n // 4 * 2, a + n // 4 * 3
        if n >= 8:
            if n >= 50:
                i = self.median_adjacent(i, swaps)
                j = self.median_adjacent(j, swaps)
                k = self.median_adjacent(k, swaps)
            j = self.median(i, j, k, swaps)
        if swaps[0] == 0:
            return j, "increasing"
        if swaps[0] == 12:
            return j, "decreasing"
        return j, "unknown"

    def order2(self, a: int, b: int, swaps: list[int]) -> tuple[int, int]:
        if self.less(b, a):
            swaps[0] += 1
            return b, a
        return a, b

    def median(self, a: int, b: int, c: int, swaps: list[int]) -> int:
        a, b = self.order2(a, b, swaps)
        b, c = self.order2(b, c, swaps)
        a, b = self.order2(a, b, swaps)
        return b

    def median_adjacent(self, a: int, swaps: list[int]) -> int:
        return self.median(a - 1, a, a + 1, swaps)

    def reverse_range(self, a: int, b: int) -> None:
        i, j = a, b - 1
        while i < j:
            self.swap(i, j)
            i += 1
            j -= 1


def sort_events(events: Sequence[dict]) -> list[dict]:
    """`sort.Sort(SortableEvents(items))` over the API server's order (namespace, then name)."""
    out = list(events)
    go_sort(out, lambda x, y: event_sort_time(x) < event_sort_time(y))
    return out


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


def _ordered_json(value: Any, indent: str, level: int = 0) -> str:
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "\n" + indent * (level + 1)
        body = ",".join(
            f"{pad}{go_json(str(k))}: {_ordered_json(v, indent, level + 1)}" for k, v in value.items()
        )
        return "{" + body + "\n" + indent * level + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        pad = "\n" + indent * (level + 1)
        return (
            "["
            + ",".join(f"{pad}{_ordered_json(v, indent, level + 1)}" for v in value)
            + "\n"
            + indent * level
            + "]"
        )
    return go_json(value)


def print_event_json(obj: dict) -> str:
    """json.MarshalIndent(obj, "", "    ") of a typed object (keys in the order given), with a newline.
    Maps inside (labels, annotations) are Go maps: sorted keys."""
    return _ordered_json(_sort_maps(obj), "    ") + "\n"


def _sort_maps(obj: dict) -> dict:
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        for key in ("labels", "annotations"):
            if isinstance(meta.get(key), dict):
                meta[key] = dict(sorted(meta[key].items()))
    for item in obj.get("items") or []:
        _sort_maps(item)
    return obj
