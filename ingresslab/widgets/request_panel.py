"""The request panel: pick an entry point, host, path and count, press Send, and see each request's hops.

A running summary counts status codes and which pod answered, so load balancing becomes visible. Without a
widget frontend (papermill, nbconvert), `panel.send()` works the same and `panel.report()` shows the results.

Sending N requests moves a progress bar and the per-pod counts as each result arrives; Stop ends the run before
the next request. Traces read only what the logs gained since the last one (`ingresslab.trace.logindex`), so a
Send costs the same on a fresh cluster and after many thousands of requests.
"""

from __future__ import annotations

import asyncio
import html
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ingresslab.entrypoints import EntryPoint, default_entry_points
from ingresslab.lab import Lab
from ingresslab.trace.logindex import one_transaction, tracer_for
from ingresslab.widgets._html import table

__all__ = ["RequestPanel", "RequestReport"]


@dataclass
class RequestReport:
    """What the panel has sent so far; displays as HTML (notebooks) or text (terminals)."""

    results: list[tuple[Any, Any]] = field(default_factory=list)  # (Response, Trace)
    _counted: int = field(default=0, repr=False, compare=False)
    _statuses: Counter = field(default_factory=Counter, repr=False, compare=False)
    _pods: Counter = field(default_factory=Counter, repr=False, compare=False)

    def add(self, response: Any, trace: Any) -> None:
        self.results.append((response, trace))
        self._count()

    def _count(self) -> Counter:
        """Bring the running counts up to date with `results` (appended to, or replaced by a caller)."""
        if self._counted > len(self.results):
            self._counted, self._statuses, self._pods = 0, Counter(), Counter()
        for response, trace in self.results[self._counted :]:
            self._statuses[response.status if response.status is not None else "error"] += 1
            hop = trace.hop("pod") if trace is not None else None
            if hop is not None and hop.pod:
                self._pods[hop.pod] += 1
        self._counted = len(self.results)
        return self._statuses

    @property
    def statuses(self) -> Counter:
        return Counter(self._count())

    @property
    def answered_by(self) -> Counter:
        self._count()
        return Counter(self._pods)

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
        gateway: str = "",
        from_pod: str = "",
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
        needs_gateway = [e.via for e in self.entry_points if "gateway" in e.options]
        self.gateway = w.Text(
            value=gateway,
            description="gateway",
            placeholder="NAMESPACE/NAME",
            tooltip=f"for via={' or '.join(needs_gateway) or 'gateway-api'}",
        )
        self.from_pod = w.Text(
            value=from_pod,
            description="from pod",
            placeholder="deploy/NAME or a pod",
            tooltip="for via=egress: the pod curl runs in (kubectl exec), in the context's namespace",
        )
        self.count = w.BoundedIntText(value=1, min=1, max=1000, description="count")
        self.button = w.Button(description="Send", button_style="primary", icon="paper-plane")
        self.stop_button = w.Button(
            description="Stop", icon="stop", disabled=True, tooltip="stop after this request"
        )
        self.progress = w.IntProgress(value=0, min=0, max=1, description="sent", bar_style="info")
        self.status = w.HTML()
        self.summary = w.HTML()
        self.hops = w.HTML()
        # the hop diagram as inline SVG: crisp, text selectable, themed — and cheap enough to redraw on every Send
        self.picture = w.HTML()
        self.button.on_click(lambda _: self._clicked())
        self.stop_button.on_click(lambda _: self.stop())
        self._stopping = False
        self._task: asyncio.Task | None = None
        controls = w.HBox([self.via, self.host, self.path])
        self.widget = w.VBox(
            [
                controls,
                w.HBox([self.service, self.gateway, self.from_pod]),
                w.HBox([self.count, self.button, self.stop_button]),
                self.progress,
                self.status,
                self.summary,
                self.hops,
                self.picture,
            ]
        )

    def _clicked(self) -> None:
        count = self.count.value
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            # In a kernel: run between the kernel's own messages, so a click on Stop is seen between requests.
            self._task = loop.create_task(self._send_async_shown(count))
            return
        try:
            self.send(count)
        except Exception as exc:  # a widget callback has nowhere to raise to: show it in the panel
            self._failed(exc)

    async def _send_async_shown(self, count: int) -> None:
        try:
            await self.send_async(count)
        except Exception as exc:
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        self.status.value = f'<span style="color:#b00">{html.escape(str(exc))}</span>'

    def _entry(self) -> EntryPoint:
        return self.entry_points.get(self.via.value)

    def stop(self) -> None:
        """Stop a running Send before its next request (the Stop button)."""
        self._stopping = True

    def send(self, count: int = 1) -> RequestReport:
        """Send `count` requests with the panel's settings and trace each one; `stop()` ends the run early."""
        for _ in self._run(count):
            pass
        return self.report_data

    async def send_async(self, count: int = 1) -> RequestReport:
        """`send`, yielding to the event loop between requests (a Stop click is handled there)."""
        for _ in self._run(count):
            await asyncio.sleep(0)
        return self.report_data

    def _run(self, count: int) -> Iterator[None]:
        """One run of `count` Sends; it pauses (yields) before each, where a Stop takes effect."""
        self._begin(count)
        try:
            for _ in range(count):
                yield
                if self._stopping:
                    break
                self._send_one()
        finally:
            self._end()

    def _begin(self, count: int) -> None:
        self._stopping = False
        self._sent_now = 0
        self.button.disabled = True
        self.stop_button.disabled = False
        self.progress.max = max(count, 1)
        self.progress.value = 0
        self.progress.bar_style = "info"
        self.progress.description = f"0/{count}"
        self.status.value = f"sending {count} request(s) via {self.via.value} …"

    def _send_one(self) -> None:
        wanted = self._entry().options
        options = {"service": self.service.value} if "service" in wanted else {}
        if "gateway" in wanted:
            options["gateway"] = self.gateway.value
        if "from_pod" in wanted:
            options["from_pod"] = self.from_pod.value
        with one_transaction(self.lab.backend):  # the id, the clock and curl share one state save
            response = self.lab.request(
                host=self.host.value, path=self.path.value, via=self.via.value, **options
            )
        self.report_data.add(response, self._trace(response))
        self._sent_now += 1
        self.progress.value = self._sent_now
        self.progress.description = f"{self._sent_now}/{self.progress.max}"
        self.summary.value = table(["", "count"], self.report_data.summary_rows())

    def _trace(self, response: Any) -> Any:
        """The request's trace from the followed logs when the backend allows it, else `lab.trace`."""
        tracer = tracer_for(self.lab) if isinstance(self.lab, Lab) else None
        return tracer.trace(response) if tracer is not None else self.lab.trace(response)

    def _end(self) -> None:
        stopped = self._stopping and self._sent_now < self.progress.max
        self._stopping = False
        self.button.disabled = False
        self.stop_button.disabled = True
        self.progress.bar_style = "warning" if stopped else "success"
        if self._sent_now:
            self._render(stopped=stopped)

    def _render(self, *, stopped: bool = False) -> None:
        response, trace = self.report_data.results[-1]
        status = (
            response.status if response.status is not None else html.escape(response.error or "no answer")
        )
        sent = len(self.report_data.results)
        note = f" · stopped after {self._sent_now} of {self.progress.max}" if stopped else ""
        self.status.value = (
            f"<b>{status}</b> · {sent} request(s) sent from this panel{note}"
            f"<pre style='margin:0'>{html.escape(response.body.rstrip())}</pre>"
        )
        self.summary.value = table(["", "count"], self.report_data.summary_rows())
        self.hops.value = trace._repr_html_()
        if self.diagram:
            self.picture.value = trace.diagram()._repr_html_()

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
            out += self.report_data.results[-1][1].diagram()._repr_html_()
        return out
