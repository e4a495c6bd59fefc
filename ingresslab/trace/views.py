"""A trace as text (terminals, executed notebooks), as HTML with the evidence fields highlighted, and two
traces side by side."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingresslab.trace.model import Hop, Trace

__all__ = ["compare_table", "html_table", "text_table"]


def _status(hop: Hop) -> str:
    return "" if hop.status is None else str(hop.status)


def _timing(hop: Hop) -> str:
    return "" if hop.duration_ms is None else f"{hop.duration_ms:.1f} ms"


def _kind(hop: Hop) -> str:
    return "inferred" if hop.inferred else "bypassed" if hop.bypassed else "logged" if hop.evidence else ""


def _rows(trace: Trace) -> list[list[str]]:
    rows = [["#", "HOP", "WHERE", "FROM", "TO", "STATUS", "TIME", "EVIDENCE"]]
    for i, hop in enumerate(trace.hops):
        rows.append(
            [
                str(i),
                hop.title,
                hop.where or "-",
                hop.source_addr or "-",
                hop.dest_addr or "-",
                _status(hop) or "-",
                _timing(hop) or "-",
                _kind(hop) or "-",
            ]
        )
    return rows


def _columns(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _summary(trace: Trace) -> str:
    head = f"request {trace.request_id or '?'} via {trace.via}: "
    if trace.complete:
        return head + f"reached the app, status {trace.status}"
    return head + f"stopped — {trace.stopped or 'the app logged nothing for it'}"


def text_table(trace: Trace) -> str:
    lines = [_summary(trace), "", _columns(_rows(trace))]
    notes = [f"  {i}. {h.note}" for i, h in enumerate(trace.hops) if h.note]
    if notes:
        lines += ["", "notes:", *notes]
    lines += [f"  * {n}" for n in trace.notes]
    return "\n".join(lines) + "\n"


def _highlight(raw: str, fields: dict) -> str:
    """Escape the raw line and mark every evidence value that appears in it."""
    marks: list[tuple[int, int]] = []
    for value in fields.values():
        for text in _texts(value):
            start = raw.find(text)
            if text and start >= 0:
                marks.append((start, start + len(text)))
    out, pos = [], 0
    for start, end in sorted(marks):
        if start < pos:
            continue
        out += [html.escape(raw[pos:start]), f"<mark>{html.escape(raw[start:end])}</mark>"]
        pos = end
    out.append(html.escape(raw[pos:]))
    return "".join(out)


def _texts(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _texts(v)]
    if value is None or isinstance(value, bool):
        return []
    if hasattr(value, "strftime"):
        return []
    return [str(value)]


def html_table(trace: Trace) -> str:
    rows = []
    for i, hop in enumerate(trace.hops):
        evidence = "".join(
            f'<div><small>{html.escape(e.source)}</small><br><code style="white-space:pre-wrap">'
            f"{_highlight(e.raw, e.fields)}</code></div>"
            for e in hop.evidence
        )
        style = ' style="color:#777;font-style:italic"' if hop.inferred or hop.bypassed else ""
        rows.append(
            f"<tr{style}><td>{i}</td><td><b>{html.escape(hop.title)}</b><br><small>{html.escape(hop.note)}</small></td>"
            f"<td>{html.escape(hop.where or '')}</td><td>{html.escape(hop.source_addr or '')}</td>"
            f"<td>{html.escape(hop.dest_addr or '')}</td><td>{_status(hop)}</td><td>{_timing(hop)}</td>"
            f"<td>{evidence or html.escape(_kind(hop))}</td></tr>"
        )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in trace.notes)
    colour = "#1a7f37" if trace.complete else "#b00"
    return (
        f'<div class="ingresslab-trace"><p style="color:{colour}"><b>{html.escape(_summary(trace))}</b></p>'
        "<table><thead><tr><th>#</th><th>hop</th><th>where</th><th>from</th><th>to</th><th>status</th>"
        f"<th>time</th><th>evidence</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + "</div>"
    )


def compare_table(left: Trace, right: Trace) -> str:
    """Two traces side by side: hops, components that logged, latency."""
    length = max(len(left.hops), len(right.hops))
    rows = [["#", f"VIA {left.via.upper()}", f"VIA {right.via.upper()}"]]
    for i in range(length):
        cells = []
        for trace in (left, right):
            hop = trace.hops[i] if i < len(trace.hops) else None
            cells.append("" if hop is None else f"{hop.title} ({_kind(hop) or 'no log'})")
        rows.append([str(i), *cells])
    rows.append(["", "", ""])
    rows.append(["hops", str(len(left.hops)), str(len(right.hops))])
    rows.append(["logged by", ", ".join(left.components) or "-", ", ".join(right.components) or "-"])
    for label, getter in (("status", lambda t: t.status), ("latency", lambda t: t.total_ms)):
        values = [getter(t) for t in (left, right)]
        rows.append(
            [
                label,
                *("-" if v is None else (f"{v:.1f} ms" if label == "latency" else str(v)) for v in values),
            ]
        )
    return _columns(rows) + "\n"
