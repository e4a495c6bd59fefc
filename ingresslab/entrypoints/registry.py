"""One record per front end a request can enter the cluster through, and the ordered registry that holds them.

An `EntryPoint` says everything the rest of the package needs to know about a front end: its `via` name, how
its pods are recognised, how a request reaches it, which log tells that it did and how to read that log, how a
trace walks on from that log line, which Ingresses it serves and which diagnose rules apply. Adding a front end
(Gateway API, an egress gateway) is registering one more record; nothing else lists front ends.

This module is neutral: it imports nothing from `backends/`, `trace/` or `troubleshoot/`. The strategies a record
points at live next to the code they belong to (trace strategies in `trace/`, diagnose rules in
`troubleshoot/`), and `EntryPoints` instances are built by their owner (a Lab), never filled at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ingresslab.entrypoints.components import Component
from ingresslab.errors import IngresslabError

if TYPE_CHECKING:
    from ingresslab.trace.collect import ParsedLine

__all__ = ["EntryPoint", "EntryPoints", "EntryRequest", "UnknownEntryPoint"]


@dataclass(frozen=True, slots=True)
class EntryRequest:
    """What a request through an entry point asks for; `node_ip` is the node's InternalIP."""

    backend: Any
    node_ip: str
    host: str
    path: str
    service: str | None = None
    namespace: str = "application"
    gateway: str | None = None
    """A Gateway API Gateway, `NAME` or `NAMESPACE/NAME` (for the Gateway API front ends)."""
    from_pod: str | None = None
    """The pod a request is sent from with `kubectl exec … curl` (`NAME` or `deploy/NAME` in `namespace`)."""
    scheme: str = "http"


Resolve = Callable[[EntryRequest], tuple[str, list[str]]]
"""(request) -> (URL, extra curl arguments) that reach this entry point."""

Strategy = Callable[[Any, "ParsedLine", Any], None]
"""(trace, the entry point's own log line, the shared tail) -> appends the entry point's hops to the trace."""


def _never(_line: ParsedLine) -> bool:
    return False


def _no_id(_record: object) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """One front end. Only `via`, `title` and `resolve` are required: a front end that writes no log of its own
    (a plain NodePort) has no `component`, classifier or strategy, and a trace says it reached no logging hop."""

    via: str
    title: str
    resolve: Resolve
    component: Component | str | None = None
    """The component name its log lines and hop carry (a `Component`, or a new front end's own name)."""
    selector: Mapping[str, str] = field(default_factory=dict)
    """Labels every pod of this front end carries (all must match); empty: it has no pods of its own."""
    pod_filter: Callable[[Mapping[str, Any]], bool] | None = None
    """Recognises this front end's pods when equal labels cannot (a label that must exist, a container name);
    used instead of `selector` when set."""
    log_format: str = "auto"
    log_container: str | None = None
    """The container whose log records requests; None or absent from the pod: the pod's first container."""
    classify: Callable[[ParsedLine], bool] = _never
    """Whether a parsed line is this front end's record of a request entering it."""
    request_id: Callable[[object], str | None] = _no_id
    """The request id in one of this front end's records."""
    matches_hint: Callable[[object, Any], bool] | None = None
    """For front ends that may mint their own request id: whether a record fits what the sender knows."""
    hops: Strategy | None = None
    serves: Callable[[Any, dict], bool] | None = None
    """(the diagnosis' view of the cluster, an Ingress) -> whether this front end routes that Ingress."""
    diagnose: Callable[[Any, Mapping[str, Any]], Any] | None = None
    """(a diagnose walk, the fields of this front end's log line) -> a Diagnosis, or None to go on."""
    unreached: Callable[[Any], Any] | None = None
    """(a diagnose walk) -> a Diagnosis when the request reached no logging hop, or None."""
    options: tuple[str, ...] = ()
    """`lab.request()` options this front end needs (e.g. "service" for a NodePort)."""

    def __post_init__(self) -> None:
        if not self.via or not self.via.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"an entry point's via must be a plain name, not {self.via!r}")

    def recognises(self, pod: Mapping[str, Any]) -> bool:
        """Whether `pod` is one of this front end's pods (by its labels, or by `pod_filter`)."""
        if self.pod_filter is not None:
            return self.pod_filter(pod)
        if not self.selector:
            return False
        labels = (pod.get("metadata") or {}).get("labels") or {}
        return all(labels.get(k) == v for k, v in self.selector.items())

    def container(self, pod: Mapping[str, Any]) -> str | None:
        names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
        if self.log_container in names:
            return self.log_container
        return names[0] if names else None


class UnknownEntryPoint(IngresslabError, KeyError):
    """A `via` no registered entry point has; the message lists the ones there are."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown entry point"


class EntryPoints:
    """An ordered registry of entry points, owned by whoever built it (a Lab builds one per lab).

    Order is the order of registration and it matters: the first record whose classifier claims a log line
    gets it, and a trace starts at the first entry point that logged the request id.
    """

    def __init__(self, records: tuple[EntryPoint, ...] | list[EntryPoint] = ()) -> None:
        self._records: dict[str, EntryPoint] = {}
        for record in records:
            self.register(record)

    def register(self, record: EntryPoint, *, before: str | None = None) -> EntryPoint:
        """Add `record` last, or just before the entry point `before` (to claim log lines ahead of it)."""
        if not isinstance(record, EntryPoint):
            raise TypeError(f"register() takes an EntryPoint, not {type(record).__name__}")
        if record.via in self._records:
            raise ValueError(f"an entry point named {record.via!r} is already registered")
        if before is None:
            self._records[record.via] = record
            return record
        self.get(before)  # a clear error for an unknown name
        items = list(self._records.items())
        at = [via for via, _ in items].index(before)
        self._records = dict([*items[:at], (record.via, record), *items[at:]])
        return record

    def get(self, via: str) -> EntryPoint:
        found = self._records.get(via)
        if found is None:
            if not self._records:
                raise UnknownEntryPoint(f"no entry points are registered (asked for {via!r})")
            *others, last = (f'"{n}"' for n in self._records)
            listed = f"{', '.join(others)} or {last}" if others else last
            raise UnknownEntryPoint(f"via must be {listed}, not {via!r}")
        return found

    def __contains__(self, via: object) -> bool:
        return via in self._records

    def __iter__(self) -> Iterator[EntryPoint]:
        return iter(tuple(self._records.values()))

    def __len__(self) -> int:
        return len(self._records)

    def vias(self) -> list[str]:
        return list(self._records)

    def logging(self) -> list[EntryPoint]:
        """The entry points that write a log of their own (the ones a trace can start from)."""
        return [r for r in self._records.values() if r.component is not None]

    def for_component(self, component: str) -> EntryPoint | None:
        return next((r for r in self._records.values() if r.component == component), None)

    def for_pod(self, pod: Mapping[str, Any]) -> EntryPoint | None:
        return next((r for r in self._records.values() if r.recognises(pod)), None)

    def classify(self, line: ParsedLine) -> EntryPoint | None:
        """The entry point whose own record this line is, if any."""
        return next((r for r in self._records.values() if r.classify(line)), None)

    def __repr__(self) -> str:
        return f"<EntryPoints {', '.join(self._records)}>"
