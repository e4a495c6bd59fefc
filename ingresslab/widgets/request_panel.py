"""The request panel: pick an entry point, host, path and count, press Send, and see each request's hops.

A running summary counts status codes and which pod answered, so load balancing becomes visible. Without a
widget frontend (papermill, nbconvert), `panel.send()` works the same and `panel.report()` shows the results.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ingresslab.entrypoints import EntryPoint, default_entry_points
from ingresslab.lab import Lab
from ingresslab.widgets._html import figure_png, img_tag, table

__all__ = ["RequestPanel", "RequestReport"]


@dataclass
class RequestReport:
    """What the panel has sent so far; displays as HTML (notebooks) or text (terminals)."""

    results: list[tuple[Any, Any]] = field(default_factory=list)  # (Response, Trace)

    @property
    def statuses(self) -> Counter:
        return Counter(r.status if r.status is not None else "error" for r, _ in self.results)

    @property
    def answered_by(self) -> Counter:
        pods = Counter()
        for _, trace in self.results:
            hop = trace.hop("pod") if trace is not None else None
            if hop is not None and hop.pod:
                pods[hop.pod] += 1
        return pods

    def summary_rows(self) -> list[list[str]]:
        rows = [["status " + str(code), str(n)] for code, n in sorted(self.statuses.items(), key=str)]
        rows += [["answered by " + pod, str(n)] for pod, n in sorted(self.answered_by.items())]
        return rows

    def __repr__(self) -> str:
        lines = [f"{len(self.results)} request(s)"] + [f"  {k}: {v}" for k, v in self.summary_rows()]
        if self.results:
            lines += [
                "",
                "last request:",
                self.results[-1][1].to_text() if self.results[-1][1] else "(no trace)",
            ]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{len(self.results)} request(s)</b></p>", table(["", "count"], self.summary_rows())]
        if self.results:
            response, trace = self.results[-1]
            parts.append(f"<p>last: <code>{html.escape(repr(response))}</code></p>")
            if trace is not None:
                parts.append(trace._repr_html_())
        return "".join(parts)


class RequestPanel:
    """`RequestPanel(lab)`; display it, or call `send()` and `report()` from code."""

    def __init__(
        self,
        lab: Any,
        *,
        via: str = "nginx",
        host: str = "yuya.example.com",
        path: str = "/v1",
        service: str = "dest-svc-v1",
        diagram: bool = True,
    ) -> None:
        import ipywidgets as w

        self.lab = lab
        self.report_data = RequestReport()
        self.diagram = diagram
        self.entry_points = lab.entry_points if isinstance(lab, Lab) else default_entry_points()
        self.via = w.Dropdown(options=self.entry_points.vias(), value=via, description="via")
        self.host = w.Text(value=host, description="host")
        self.path = w.Text(value=path, description="path")
        needs_service = [e.via for e in self.entry_points if "service" in e.options]
        self.service = w.Text(
            value=service,
            description="service",
            tooltip=f"for via={' or '.join(needs_service) or 'nodeport'}",
        )
        self.count = w.BoundedIntText(value=1, min=1, max=50, description="count")
        self.button = w.Button(description="Send", button_style="primary", icon="paper-plane")
        self.status = w.HTML()
        self.summary = w.HTML()
        self.hops = w.HTML()
        self.picture = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.button.on_click(lambda _: self._clicked())
        controls = w.HBox([self.via, self.host, self.path])
        self.widget = w.VBox(
            [
                controls,
                w.HBox([self.service, self.count, self.button]),
                self.status,
                self.summary,
                self.hops,
                self.picture,
            ]
        )

    def _clicked(self) -> None:
        try:
            self.send(self.count.value)
        except Exception as exc:  # a widget callback has nowhere to raise to: show it in the panel
            self.status.value = f'<span style="color:#b00">{html.escape(str(exc))}</span>'

    def _entry(self) -> EntryPoint:
        return self.entry_points.get(self.via.value)

    def send(self, count: int = 1) -> RequestReport:
        """Send `count` requests with the panel's settings and trace each one."""
        self.status.value = f"sending {count} request(s) via {self.via.value} …"
        for _ in range(count):
            response = self.lab.request(
                host=self.host.value,
                path=self.path.value,
                via=self.via.value,
                **({"service": self.service.value} if "service" in self._entry().options else {}),
            )
            trace = self.lab.trace(response)
            self.report_data.results.append((response, trace))
        self._render()
        return self.report_data

    def _render(self) -> None:
        response, trace = self.report_data.results[-1]
        status = (
            response.status if response.status is not None else html.escape(response.error or "no answer")
        )
        sent = len(self.report_data.results)
        self.status.value = (
            f"<b>{status}</b> · {sent} request(s) sent from this panel"
            f"<pre style='margin:0'>{html.escape(response.body.rstrip())}</pre>"
        )
        self.summary.value = table(["", "count"], self.report_data.summary_rows())
        self.hops.value = trace._repr_html_()
        if self.diagram:
            self.picture.value = figure_png(trace.diagram())

    def report(self) -> RequestReport:
        return self.report_data

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = repr(self.report_data)
        return bundle

    def html_snapshot(self) -> str:
        """The panel's current content as plain HTML (for static renderings)."""
        out = self.report_data._repr_html_()
        if self.diagram and self.report_data.results:
            out += img_tag(figure_png(self.report_data.results[-1][1].diagram()), "hop diagram")
        return out
