"""What a trace is: an ordered list of hops, each with the log evidence that placed it there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Evidence", "Hop", "Trace"]


@dataclass(slots=True)
class Evidence:
    """One log line that proves a hop: where it was read, the raw text, and the fields that mattered."""

    source: str  # "namespace/pod/container" or a file name
    raw: str
    fields: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "raw": self.raw,
            "fields": {k: _plain(v) for k, v in self.fields.items()},
        }


@dataclass(slots=True)
class Hop:
    """One place the request passed. `inferred` hops wrote no log (kube-proxy, hostPort); `bypassed` hops are
    objects the request did not physically cross although they decided where it went (a Service whose
    ClusterIP ingress-nginx skips)."""

    component: str  # an entrypoints.Component (a str): client, node, ingress-nginx, pod, sidecar, app…
    title: str
    namespace: str | None = None
    pod: str | None = None
    container: str | None = None
    source_addr: str | None = None
    dest_addr: str | None = None
    status: int | None = None
    start: datetime | None = None
    duration_ms: float | None = None
    inferred: bool = False
    bypassed: bool = False
    note: str = ""
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def where(self) -> str:
        if self.pod:
            return f"{self.namespace}/{self.pod}" + (f" [{self.container}]" if self.container else "")
        return self.namespace or ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": str(self.component),
            "title": self.title,
            "namespace": self.namespace,
            "pod": self.pod,
            "container": self.container,
            "source_addr": self.source_addr,
            "dest_addr": self.dest_addr,
            "status": self.status,
            "start": self.start.isoformat() if self.start else None,
            "duration_ms": self.duration_ms,
            "inferred": self.inferred,
            "bypassed": self.bypassed,
            "note": self.note,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(slots=True)
class Trace:
    """A request's path. `stopped` says where and why it ended early; None when it reached the app."""

    request_id: str | None
    via: str  # nginx, istio, nodeport, or unknown
    hops: list[Hop] = field(default_factory=list)
    stopped: str | None = None
    status: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.stopped is None and any(h.component == "app" for h in self.hops)

    @property
    def components(self) -> list[str]:
        """Components that wrote a log line for this request, in order."""
        return [str(h.component) for h in self.hops if h.evidence]

    @property
    def total_ms(self) -> float | None:
        timed = [
            h.duration_ms for h in self.hops if h.duration_ms is not None and h.component not in ("app",)
        ]
        return max(timed) if timed else None

    def hop(self, component: str) -> Hop | None:
        return next((h for h in self.hops if h.component == component), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "via": self.via,
            "status": self.status,
            "complete": self.complete,
            "stopped": self.stopped,
            "notes": list(self.notes),
            "hops": [h.to_dict() for h in self.hops],
        }

    def to_text(self) -> str:
        from ingresslab.trace.views import text_table

        return text_table(self)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        from ingresslab.trace.views import html_table

        return html_table(self)

    def diagram(self, ax: Any = None) -> Any:
        """A matplotlib figure: hops as boxes, arrows labelled with addresses and timings."""
        from ingresslab.trace.diagram import draw

        return draw(self, ax=ax)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
