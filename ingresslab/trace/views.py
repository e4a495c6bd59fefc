"""A trace as text (terminals, executed notebooks), as HTML with the evidence fields highlighted, and two
traces side by side."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingresslab.trace.model import Hop, Trace

__all__ = ["JOIN_FIELDS", "compare_table", "html_table", "text_table"]


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


# Fields that join a log line to the request or to the next hop: the request id, the upstream it names, and for
# the app (which logs no id) path and time. They are the ones the hop table shows and highlights first.
JOIN_FIELDS = (
    "req_id",
    "request_id",
    "proxy_upstream_name",
    "upstream_cluster",
    "upstream_addr",
    "upstream_host",
    "path",
    "time",
    "start_time",
)

# Theme variables only, so the table reads the same in JupyterLab's light and dark themes. `table.hops` outranks
# JupyterLab's own rules for tables in HTML output (right-aligned cells, half-em padding).
_CSS = """
.ingresslab-trace{color:var(--jp-ui-font-color1);font-size:var(--jp-ui-font-size1,13px)}
.ingresslab-trace table.hops{border-collapse:collapse;width:100%;table-layout:auto;margin:4px 0}
.ingresslab-trace table.hops th{text-align:left;font-weight:600;color:var(--jp-ui-font-color1);
  background:var(--jp-layout-color2);border-bottom:1px solid var(--jp-border-color1);padding:2px 6px}
.ingresslab-trace table.hops td{vertical-align:top;text-align:left;padding:2px 6px;line-height:1.35;
  border-bottom:1px solid var(--jp-border-color2);color:var(--jp-ui-font-color1)}
.ingresslab-trace table.hops tr.unlogged td{color:var(--jp-ui-font-color2);font-style:italic}
.ingresslab-trace .note{color:var(--jp-ui-font-color2);font-size:var(--jp-ui-font-size0,11px);max-width:32em}
.ingresslab-trace .where{font-family:var(--jp-code-font-family);font-size:var(--jp-ui-font-size0,11px);
  color:var(--jp-ui-font-color2);overflow-wrap:anywhere}
.ingresslab-trace .addr{font-family:var(--jp-code-font-family);white-space:nowrap;display:block}
.ingresslab-trace .field{margin:0 8px 0 0;font-family:var(--jp-code-font-family);
  font-size:var(--jp-code-font-size,12px)}
.ingresslab-trace .field mark{overflow-wrap:anywhere}
.ingresslab-trace .field .name{color:var(--jp-ui-font-color2)}
.ingresslab-trace mark{color:var(--jp-ui-font-color0);background:var(--jp-layout-color3);padding:0 2px;
  border-radius:2px}
.ingresslab-trace .join mark{background:transparent;box-shadow:inset 0 -2px 0 var(--jp-warn-color1)}
.ingresslab-trace .cite{color:var(--jp-ui-font-color2);font-size:var(--jp-ui-font-size0,11px)}
.ingresslab-trace details{margin:0}
.ingresslab-trace summary{cursor:pointer;color:var(--jp-ui-font-color2);font-size:var(--jp-ui-font-size0,11px)}
.ingresslab-trace pre.raw{margin:2px 0;padding:4px;white-space:pre-wrap;overflow-wrap:anywhere;
  background:var(--jp-layout-color2);color:var(--jp-content-font-color1);font-size:var(--jp-code-font-size,12px)}
.ingresslab-trace .ok{color:var(--jp-success-color1)}
.ingresslab-trace .bad{color:var(--jp-error-color1)}
"""


def _highlight(raw: str, fields: dict, join: tuple[str, ...] = JOIN_FIELDS) -> str:
    """Escape the raw line and mark every evidence value that appears in it (joining fields more strongly)."""
    marks: list[tuple[int, int, bool]] = []
    for name, value in fields.items():
        for text in _texts(value):
            start = raw.find(text)
            if text and start >= 0:
                marks.append((start, start + len(text), name in join))
    out, pos = [], 0
    for start, end, joins in sorted(marks):
        if start < pos:
            continue
        marked = f"<mark>{html.escape(raw[start:end])}</mark>"
        out += [html.escape(raw[pos:start]), f'<b class="join">{marked}</b>' if joins else marked]
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


def _shown(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) for v in value)
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M:%S.%f")[:-3]
    return str(value)


def _joining(fields: dict) -> list[str]:
    """The fields to show in the row: the joining ones, else (a line that joins nothing) the first three."""
    names = [n for n in JOIN_FIELDS if n in fields]
    return names or list(fields)[:3]


def _field_chips(fields: dict) -> str:
    return "".join(
        f'<span class="field"><span class="name">{html.escape(n)}</span> '
        f'<b class="join"><mark>{html.escape(_shown(fields[n]))}</mark></b></span>'
        for n in _joining(fields)
    )


def _evidence_cell(hop: Hop, shown_at: dict[str, int], index: int) -> str:
    """The joining fields; the raw line behind a disclosure the first time, a reference to it afterwards."""
    parts = []
    for e in hop.evidence:
        chips = _field_chips(e.fields)
        first = shown_at.get(e.raw)
        if e.raw and first is not None and first != index:
            parts.append(f'<div>{chips}<span class="cite">from the line shown at hop {first}</span></div>')
            continue
        if e.raw:
            shown_at.setdefault(e.raw, index)
            parts.append(
                f"<div>{chips}<details><summary>log line · {html.escape(e.source)}</summary>"
                f'<pre class="raw">{_highlight(e.raw, e.fields)}</pre></details></div>'
            )
        else:
            parts.append(f"<div>{chips}</div>")
    return "".join(parts) or html.escape(_kind(hop) or "")


def _addresses(hop: Hop) -> str:
    """The address pair, one per line: `from` the source, `→` the destination (either may be unknown)."""
    out = ""
    if hop.source_addr:
        out += f'<span class="addr">{html.escape(hop.source_addr)}</span>'
    if hop.dest_addr:
        out += f'<span class="addr">→ {html.escape(hop.dest_addr)}</span>'
    return out


def html_table(trace: Trace) -> str:
    """One row per hop: what and where, the address pair, status and time, and the fields that joined it.

    A raw log line sits behind a disclosure on the first hop that it proves; later hops that only cite the same
    line show the fields they took from it and point back to that hop."""
    rows, shown_at = [], {}
    for i, hop in enumerate(trace.hops):
        unlogged = hop.inferred or hop.bypassed
        status = _status(hop)
        status_class = "" if hop.status is None else ("ok" if hop.status < 400 else "bad")
        note = f'<div class="note">{html.escape(hop.note)}</div>' if hop.note else ""
        where = f'<div class="where">{html.escape(hop.where)}</div>' if hop.where else ""
        rows.append(
            f'<tr class="hop{" unlogged" if unlogged else ""}" data-component="{html.escape(str(hop.component))}">'
            f"<td>{i}</td><td><b>{html.escape(hop.title)}</b>{where}{note}</td><td>{_addresses(hop)}</td>"
            f'<td class="{status_class}">{status}</td><td style="white-space:nowrap">{_timing(hop)}</td>'
            f'<td class="evidence">{_evidence_cell(hop, shown_at, i)}</td></tr>'
        )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in trace.notes)
    verdict = "ok" if trace.complete else "bad"
    return (
        f'<div class="ingresslab-trace"><style>{_CSS}</style>'
        f'<p class="{verdict}"><b>{html.escape(_summary(trace))}</b></p>'
        '<table class="hops"><thead><tr><th>#</th><th>hop · where</th><th>from → to</th><th>status</th>'
        f"<th>time</th><th>joined by</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
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
