"""The log explorer: pick a component, filter, and see its log lines as parsed fields."""

from __future__ import annotations

import html
from typing import Any

from ingresslab.entrypoints import Component, default_entry_points
from ingresslab.lab import Lab
from ingresslab.logs import ParseReport, parse_lines, record_to_dict
from ingresslab.widgets._html import table

__all__ = ["LogExplorer"]


def _components(lab: Any) -> list[str]:
    """The logging entry points of the lab's registry, then the shared tail and CoreDNS."""
    entry_points = lab.entry_points if isinstance(lab, Lab) else default_entry_points()
    tail = (Component.SIDECAR, Component.APP, Component.COREDNS)
    return [str(e.component) for e in entry_points.logging()] + [str(c) for c in tail]


class LogExplorer:
    def __init__(self, lab: Any, *, component: str = "ingress-nginx", limit: int = 20) -> None:
        import ipywidgets as w

        self.lab = lab
        self.limit = limit
        self.component = w.Dropdown(options=_components(lab), value=component, description="component")
        self.filter = w.Text(placeholder="text the line must contain", description="filter")
        self.button = w.Button(description="Show", icon="search")
        self.output = w.HTML()
        self.button.on_click(lambda _: self.refresh())
        self.widget = w.VBox([w.HBox([self.component, self.filter, self.button]), self.output])
        self.rows: list[dict] = []
        self.report = ParseReport()

    def refresh(self) -> list[dict]:
        """Read the chosen component's logs now and show the newest matching records."""
        self.report = ParseReport()
        rows = []
        for source in self.lab.logs():
            if source.component != self.component.value:
                continue
            for rec in parse_lines(source.text.splitlines(), report=self.report):
                if self.filter.value and self.filter.value not in (rec.raw or ""):
                    continue
                row = {"source": source.name, **record_to_dict(rec)}
                rows.append(row)
        self.rows = rows[-self.limit :]
        self.output.value = self._html()
        return self.rows

    def _columns(self) -> list[str]:
        keys: list[str] = []
        for row in self.rows:
            keys += [k for k, v in row.items() if k not in keys and v not in (None, "", [])]
        return [k for k in keys if k not in ("raw", "format", "layout", "envelope")]

    def _html(self) -> str:
        if not self.rows:
            return f"<p>no {html.escape(self.component.value)} lines{' matching' if self.filter.value else ''}</p>"
        cols = self._columns()
        body = table(cols, [[_cell(row.get(c)) for c in cols] for row in self.rows])
        skipped = self.report.skipped
        return body + (
            f"<p><small>{skipped} other line(s) were not access lines</small></p>" if skipped else ""
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = f"LogExplorer({self.component.value}): {len(self.rows)} row(s)"
        return bundle


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join("-" if v is None else str(v) for v in value)
    return "" if value is None else str(value)
