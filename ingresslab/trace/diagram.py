"""A trace as a picture: one box per hop, in reading order, readable at a notebook's width without zooming.

Notebooks get SVG written here (crisp at any zoom, its text selectable); files get a PNG drawn with matplotlib
(`Diagram.savefig("trace.png")`), or the same SVG (`Diagram.savefig("trace.svg")`).

- `draw(trace)`: the hops left to right, wrapped into rows when more hops than fit the width;
- `compare(left, right)`: two traces as one figure, hop for hop: each row is one role (client, node, the entry
  point, Service, pod, sidecar, app) on both paths, a blank where a path has no such hop.

Boxes with a dashed border are hops that logged nothing (kube-proxy, a hostPort) or objects the request did not
cross (a Service's ClusterIP).
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingresslab.trace.model import Hop, Trace

__all__ = ["MIN_FONT_PX", "Diagram", "compare", "draw"]

# The smallest text the SVG draws, in CSS px at 100% zoom (the figure is shown at its own size, never scaled).
MIN_FONT_PX = 11.5
_TITLE_PX = 13.0
_TEXT_PX = 12.0
_LINE = 16.0  # line height
_PAD = 8.0
_GAP = 34.0  # between boxes, room for an arrow
_WIDTH = 880.0  # fits a 1000-px output area, and one beside an open file browser
_BOX_WIDTH = 190.0
_CHAR = 0.62  # a generous average glyph width, in em, to cut text before it overflows a box

_COLOURS = {
    "client": "#e8eef7",
    "node": "#f2f2f2",
    "ingress-nginx": "#d9f0d3",
    "istio-ingressgateway": "#d6e4f5",
    "service": "#fff4d6",
    "pod": "#f5e1f0",
    "sidecar": "#d6e4f5",
    "app": "#fde0d0",
}
_INK = "#1f1f1f"  # text inside boxes: their fills are light in every theme
_FAINT = "#555555"
_OK, _BAD = "#1a7f37", "#b00020"
_TAIL_ROLES = ("client", "node", "service", "pod", "sidecar", "app")


@dataclass(frozen=True, slots=True)
class _Text:
    x: float
    y: float
    text: str
    size: float
    weight: str = "normal"
    colour: str = _INK
    anchor: str = "start"
    mono: bool = False
    cls: str = ""


class Diagram:
    """A drawn trace (or two): SVG in notebooks, PNG or SVG in files.

    `svg` is the markup; `savefig(path)` writes a PNG (or an SVG for a .svg path); `png()` returns PNG bytes.
    """

    def __init__(
        self,
        size: tuple[float, float],
        shapes: list[Any],
        texts: list[_Text],
        title: str,
        traces: Sequence[Trace],
    ) -> None:
        self.size = size  # CSS px
        self.shapes, self.texts = shapes, texts
        self.traces = list(traces)
        self.title = title
        self.svg = _svg(size, shapes, texts, title)

    def _repr_html_(self) -> str:
        # Inline (not an <img>): text stays selectable, and the page's theme variables reach the SVG. Never
        # scaled down (that would shrink the text): a narrower output area scrolls sideways instead.
        return f'<div class="ingresslab-diagram" style="overflow-x:auto;max-width:100%">{self.svg}</div>'

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        return f"<Diagram: {self.title}>"

    def figure(self) -> Any:
        """The same layout as a matplotlib Figure, 1 px of the SVG to 1/100 inch: at dpi=100 a PNG pixel is a CSS
        pixel, so the PNG's text is as large as the SVG's wherever it is shown at its natural size."""
        return _figure(self.size, self.shapes, self.texts)

    def png(self, dpi: int = 200) -> bytes:
        """PNG bytes (dpi 200: twice the CSS size, crisp on high-density screens)."""
        import io

        buf = io.BytesIO()
        self.figure().savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def savefig(self, path: Any, format: str | None = None, dpi: int = 200, **kwargs: Any) -> None:
        """Write the diagram: SVG when `format` (or the file's suffix) says svg, else a PNG through matplotlib."""
        name = str(getattr(path, "name", path))
        kind = (format or name.rpartition(".")[2] or "png").lower()
        if kind == "svg":
            data = self.svg.encode()
            if hasattr(path, "write"):
                path.write(data)
            else:
                with open(path, "wb") as out:
                    out.write(data)
            return
        self.figure().savefig(path, format=format, dpi=dpi, **kwargs)


# -- one trace ------------------------------------------------------------------------------------------------
def draw(trace: Trace, ax: Any = None, *, width: float = _WIDTH) -> Any:
    """The trace as a Diagram (SVG in notebooks); with `ax`, drawn on that matplotlib axes instead."""
    if ax is not None:
        return _draw_matplotlib(trace, ax)
    hops = trace.hops
    per_row = max(1, int((width + _GAP) // (_BOX_WIDTH + _GAP)))
    box_w = min(
        _BOX_WIDTH + 40, (width - _GAP * (min(per_row, len(hops)) - 1)) / max(1, min(per_row, len(hops)))
    )
    box_h = _PAD * 2 + _LINE * 6
    top = 34.0
    row_gap = 30.0
    parts: list[Any] = []
    texts: list[_Text] = [
        _Text(0, 18, _headline(trace), _TITLE_PX, "bold", "var(--jp-ui-font-color1, #1f1f1f)")
    ]
    positions = []
    for i, hop in enumerate(hops):
        row, col = divmod(i, per_row)
        x, y = col * (box_w + _GAP), top + row * (box_h + row_gap)
        positions.append((x, y))
        parts.append(_Box(x, y, box_w, box_h, hop, i))
        texts += _box_texts_tall(x, y, box_w, hop)
    for i in range(1, len(hops)):
        (x0, y0), (x1, y1) = positions[i - 1], positions[i]
        if y0 == y1:
            parts.append(_Arrow([(x0 + box_w, y0 + box_h / 2), (x1, y1 + box_h / 2)]))
        else:  # to the next row: down, back left, down into the next box
            mid = y0 + box_h + row_gap / 2
            parts.append(
                _Arrow(
                    [
                        (x0 + box_w / 2, y0 + box_h),
                        (x0 + box_w / 2, mid),
                        (x1 + box_w / 2, mid),
                        (x1 + box_w / 2, y1),
                    ]
                )
            )
    rows = (len(hops) + per_row - 1) // per_row
    height = top + rows * box_h + (rows - 1) * row_gap + 6
    used = min(per_row, len(hops)) * (box_w + _GAP) - _GAP
    return Diagram((max(used, 320.0), height), parts, texts, _headline(trace), [trace])


def _headline(trace: Trace) -> str:
    verdict = (
        f"reached the app, status {trace.status}"
        if trace.complete
        else f"stopped — {trace.stopped or 'no app log'}"
    )
    line = f"via {trace.via}: {verdict}"
    return line if len(line) <= 130 else line[:129] + "…"


# -- two traces, hop for hop ----------------------------------------------------------------------------------
def _role(hop: Hop) -> str:
    component = str(hop.component)
    return component if component in _TAIL_ROLES else "entry"


def _align(left: list[Hop], right: list[Hop]) -> list[tuple[Hop | None, Hop | None]]:
    """Pair the hops of two traces by role (the longest common subsequence), blanks where one path has none."""
    a, b = [_role(h) for h in left], [_role(h) for h in right]
    best = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            best[i][j] = best[i + 1][j + 1] + 1 if a[i] == b[j] else max(best[i + 1][j], best[i][j + 1])
    pairs: list[tuple[Hop | None, Hop | None]] = []
    i = j = 0
    while i < len(a) or j < len(b):
        if i < len(a) and j < len(b) and a[i] == b[j]:
            pairs.append((left[i], right[j]))
            i, j = i + 1, j + 1
        elif j >= len(b) or (i < len(a) and best[i + 1][j] >= best[i][j + 1]):
            pairs.append((left[i], None))
            i += 1
        else:
            pairs.append((None, right[j]))
            j += 1
    return pairs


_ROLE_NAMES = {
    "client": "client",
    "node": "node",
    "entry": "entry point",
    "service": "Service",
    "pod": "pod",
    "sidecar": "sidecar",
    "app": "app",
}


def compare(left: Trace, right: Trace, *, width: float = _WIDTH) -> Diagram:
    """Two traces as one figure, hop for hop: a column per trace, a row per role, arrows down each path."""
    pairs = _align(left.hops, right.hops)
    label_w, gap = 92.0, 24.0
    box_w = (width - label_w - gap * 2) / 2
    box_h = _PAD * 2 + _LINE * 3
    row_gap = 22.0
    top = 56.0
    parts: list[Any] = []
    columns = [label_w + gap, label_w + gap * 2 + box_w]
    texts: list[_Text] = []
    for col, trace in zip(columns, (left, right), strict=True):
        texts.append(
            _Text(col, 18, f"via {trace.via}", _TITLE_PX, "bold", "var(--jp-ui-font-color1, #1f1f1f)")
        )
        verdict = _headline(trace).partition(": ")[2]
        texts.append(_Text(col, 38, _fit(verdict, box_w, _TEXT_PX), _TEXT_PX, colour=_verdict_colour(trace)))
    last_y: list[float | None] = [None, None]
    for row, pair in enumerate(pairs):
        y = top + row * (box_h + row_gap)
        role = _role(next(h for h in pair if h is not None))
        texts.append(
            _Text(
                label_w,
                y + box_h / 2 + 4,
                _ROLE_NAMES.get(role, role),
                _TEXT_PX,
                "bold",
                "var(--jp-ui-font-color2, #555)",
                anchor="end",
            )
        )
        for side, hop in enumerate(pair):
            x = columns[side]
            if hop is None:
                texts.append(
                    _Text(
                        x + box_w / 2,
                        y + box_h / 2 + 4,
                        "— no such hop on this path —",
                        _TEXT_PX,
                        colour="var(--jp-ui-font-color2, #555)",
                        anchor="middle",
                    )
                )
                continue
            parts.append(_Box(x, y, box_w, box_h, hop, row))
            texts += _box_texts_wide(x, y, box_w, hop)
            if last_y[side] is not None:
                parts.append(_Arrow([(x + box_w / 2, last_y[side]), (x + box_w / 2, y)]))
            last_y[side] = y + box_h
    height = top + len(pairs) * (box_h + row_gap) - row_gap + 6
    title = f"{left.via} and {right.via}, hop for hop"
    return Diagram((width, height), parts, texts, title, [left, right])


# -- SVG pieces ---------------------------------------------------------------------------------------------
def _verdict_colour(trace: Trace) -> str:
    return _OK if trace.complete else _BAD


def _fit(text: str, width: float, size: float, *, keep_tail: bool = False) -> str:
    """Cut `text` to what fits `width` px at `size` px, with an ellipsis; pod names keep their distinctive tail."""
    room = max(4, int(width / (size * _CHAR)))
    if len(text) <= room:
        return text
    return "…" + text[-(room - 1) :] if keep_tail else text[: room - 1] + "…"


@dataclass(frozen=True, slots=True)
class _Box:
    """One hop's box; dashed when the hop logged nothing."""

    x: float
    y: float
    w: float
    h: float
    hop: Hop
    index: int

    @property
    def dashed(self) -> bool:
        return self.hop.inferred or self.hop.bypassed

    @property
    def fill(self) -> str:
        return _COLOURS.get(str(self.hop.component), "#eeeeee")

    @property
    def stroke(self) -> str:
        return "#8a8a8a" if self.dashed else "#3a3a3a"

    def svg(self) -> str:
        hop = self.hop
        dash = ' stroke-dasharray="6 4"' if self.dashed else ""
        kind = (
            "inferred" if hop.inferred else "bypassed" if hop.bypassed else "logged" if hop.evidence else ""
        )
        tip = html.escape(f"{self.index}. {hop.title}" + (f" — {hop.note}" if hop.note else ""))
        return (
            f'<g class="hop {kind}" data-component="{html.escape(str(hop.component))}"><title>{tip}</title>'
            f'<rect x="{self.x:.1f}" y="{self.y:.1f}" width="{self.w:.1f}" height="{self.h:.1f}" rx="7" '
            f'fill="{self.fill}" stroke="{self.stroke}" stroke-width="1.4"{dash}/></g>'
        )

    def draw(self, ax: Any) -> None:
        from matplotlib.patches import FancyBboxPatch

        ax.add_patch(
            FancyBboxPatch(
                (self.x, self.y),
                self.w,
                self.h,
                boxstyle="round,pad=0,rounding_size=7",
                facecolor=self.fill,
                edgecolor=self.stroke,
                linewidth=1.0,
                linestyle=(0, (4, 3)) if self.dashed else "-",
            )
        )


def _status_line(hop: Hop) -> tuple[str, str]:
    bits = []
    if hop.status is not None:
        bits.append(f"status {hop.status}")
    if hop.duration_ms is not None:
        bits.append(f"{hop.duration_ms:.1f} ms")
    if hop.inferred:
        bits.append("no log")
    elif hop.bypassed:
        bits.append("not crossed")
    colour = _INK if hop.status is None else (_OK if hop.status < 400 else _BAD)
    return " · ".join(bits), colour


def _where(hop: Hop) -> str:
    if hop.pod and hop.pod not in hop.title:  # a pod hop's title already names it
        return hop.pod
    return hop.namespace or ""


def _box_texts_tall(x: float, y: float, w: float, hop: Hop) -> list[_Text]:
    """A narrow box: title on up to two lines, pod, from, to, status and time."""
    inner = w - 2 * _PAD
    room = max(8, int(inner / (_TITLE_PX * _CHAR)))
    title = textwrap.wrap(hop.title, room, max_lines=2, placeholder="…") or [""]
    cx = x + _PAD
    line = y + _PAD + _TITLE_PX
    out = []
    for part in title:
        out.append(_Text(cx, line, part, _TITLE_PX, "bold", cls="title"))
        line += _LINE
    where = _where(hop)
    if where:
        out.append(
            _Text(cx, line, _fit(where, inner, _TEXT_PX, keep_tail=True), _TEXT_PX, colour=_FAINT, cls="pod")
        )
    line += _LINE
    for label, addr in (("from", hop.source_addr), ("to", hop.dest_addr)):
        if addr:
            out.append(
                _Text(
                    cx, line, _fit(f"{label} {addr}", inner, MIN_FONT_PX), MIN_FONT_PX, mono=True, cls="addr"
                )
            )
            line += _LINE
    text, colour = _status_line(hop)
    if text:
        out.append(_Text(cx, y + _PAD * 2 + _LINE * 5 + 4, text, _TEXT_PX, "bold", colour, cls="status"))
    return out


def _box_texts_wide(x: float, y: float, w: float, hop: Hop) -> list[_Text]:
    """A wide box: title and status on one line, pod below, the address pair last."""
    inner = w - 2 * _PAD
    status, colour = _status_line(hop)
    status_w = len(status) * _TEXT_PX * _CHAR
    line = y + _PAD + _TITLE_PX
    out = [
        _Text(
            x + _PAD, line, _fit(hop.title, inner - status_w - 8, _TITLE_PX), _TITLE_PX, "bold", cls="title"
        )
    ]
    if status:
        out.append(_Text(x + w - _PAD, line, status, _TEXT_PX, "bold", colour, anchor="end", cls="status"))
    where = _where(hop)
    if where:
        out.append(
            _Text(
                x + _PAD,
                line + _LINE,
                _fit(where, inner, _TEXT_PX, keep_tail=True),
                _TEXT_PX,
                colour=_FAINT,
                cls="pod",
            )
        )
    if hop.source_addr or hop.dest_addr:
        pair = f"{hop.source_addr or '·'} → {hop.dest_addr or '·'}"
        out.append(
            _Text(
                x + _PAD, line + 2 * _LINE, _fit(pair, inner, MIN_FONT_PX), MIN_FONT_PX, mono=True, cls="addr"
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class _Arrow:
    """A polyline from one box to the next, with an arrowhead at its end."""

    points: list[tuple[float, float]]

    def svg(self) -> str:
        d = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(self.points))
        return (
            f'<path d="{d}" fill="none" stroke="var(--jp-ui-font-color1, #333)" stroke-width="1.6" '
            'marker-end="url(#ingresslab-arrow)"/>'
        )

    def draw(self, ax: Any) -> None:
        from matplotlib.patches import FancyArrowPatch

        xs, ys = zip(*self.points, strict=True)
        if len(self.points) > 2:
            ax.plot(xs[:-1], ys[:-1], color="#333333", linewidth=1.2, solid_capstyle="butt")
        ax.add_patch(
            FancyArrowPatch(
                self.points[-2], self.points[-1], arrowstyle="-|>", mutation_scale=12, color="#333333", lw=1.2
            )
        )


def _text_svg(t: _Text) -> str:
    family = "var(--jp-code-font-family, monospace)" if t.mono else "var(--jp-ui-font-family, sans-serif)"
    cls = f' class="{t.cls}"' if t.cls else ""
    return (
        f'<text{cls} x="{t.x:.1f}" y="{t.y:.1f}" text-anchor="{t.anchor}" '
        f'style="font-size:{t.size}px;font-weight:{t.weight};font-family:{family};fill:{t.colour}">'
        f"{html.escape(t.text)}</text>"
    )


def _svg(size: tuple[float, float], parts: list[Any], texts: list[_Text], title: str) -> str:
    width, height = size
    marker = (
        '<defs><marker id="ingresslab-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'style="fill:var(--jp-ui-font-color1, #333)"/></marker></defs>'
    )
    body = "".join(p.svg() for p in parts) + "".join(_text_svg(t) for t in texts)
    w, h = width + 4, height + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ingresslab-hops" width="{w:.0f}" height="{h:.0f}" '
        f'viewBox="-2 -2 {w:.0f} {h:.0f}" role="img" aria-label="{html.escape(title)}" '
        f'style="user-select:text;max-width:none;height:auto">{marker}{body}</svg>'
    )


# -- PNG through matplotlib, for files --------------------------------------------------------------------------
def _fallback(colour: str) -> str:
    """`var(--jp-…, #333)` → `#333`: a file has no page theme."""
    if colour.startswith("var("):
        return colour[:-1].partition(",")[2].strip() or _INK
    return colour


def _figure(size: tuple[float, float], parts: list[Any], texts: list[_Text]) -> Any:
    """Draw the SVG's layout with matplotlib: y grows downwards as in SVG, 100 px to the inch."""
    width, height = size[0] + 4, size[1] + 4
    fig = _figure_class()(figsize=(width / 100, height / 100))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-2, width - 2)
    ax.set_ylim(height - 2, -2)
    ax.axis("off")
    for part in parts:
        part.draw(ax)
    for t in texts:
        ax.text(
            t.x,
            t.y,
            t.text,
            fontsize=t.size * 0.72,  # px at 100 px per inch → points
            fontweight=t.weight,
            family="monospace" if t.mono else "sans-serif",
            color=_fallback(t.colour),
            ha={"start": "left", "middle": "center", "end": "right"}[t.anchor],
            va="baseline",
        )
    return fig


def _figure_class() -> type:
    from matplotlib.figure import Figure

    class DiagramFigure(Figure):
        """A Figure that shows itself as a PNG without pyplot (no global backend state)."""

        def _repr_png_(self) -> bytes:
            import io

            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=90)
            return buf.getvalue()

    return DiagramFigure


def _draw_matplotlib(trace: Trace, ax: Any) -> Any:
    """The hops left to right on a matplotlib axes (object API, no global state); returns the Figure."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    hops = trace.hops
    fig = ax.figure
    width, gap = 1.7, 0.6
    for i, hop in enumerate(hops):
        x = i * (width + gap)
        dashed = hop.inferred or hop.bypassed
        ax.add_patch(
            FancyBboxPatch(
                (x, 0.0),
                width,
                1.0,
                boxstyle="round,pad=0.05",
                facecolor=_COLOURS.get(str(hop.component), "#eeeeee"),
                edgecolor="#888888" if dashed else "#333333",
                linestyle="--" if dashed else "-",
            )
        )
        label = textwrap.shorten(hop.title, 40, placeholder="…")
        ax.text(x + width / 2, 0.72, textwrap.fill(label, 19), ha="center", va="center", fontsize=8)
        detail = hop.pod or hop.dest_addr or ""
        if len(detail) > 24:  # pod names: keep the distinctive random tail
            detail = "…" + detail[-23:]
        ax.text(x + width / 2, 0.38, detail, ha="center", va="center", fontsize=7, color="#444444")
        if hop.status is not None:
            ax.text(
                x + width / 2,
                0.13,
                str(hop.status),
                ha="center",
                va="center",
                fontsize=8,
                color=_OK if hop.status < 400 else _BAD,
            )
        if i:
            ax.add_patch(
                FancyArrowPatch(
                    (x - gap, 0.5), (x, 0.5), arrowstyle="-|>", mutation_scale=10, color="#333333"
                )
            )
            timing = "" if hop.duration_ms is None else f"{hop.duration_ms:.1f} ms"
            ax.text(x - gap / 2, -0.17, timing, ha="center", fontsize=7, color="#555555")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.86, bottom=0.04)
    ax.set_xlim(-0.2, len(hops) * (width + gap))
    ax.set_ylim(-0.4, 1.4)
    ax.axis("off")
    ax.set_title(_headline(trace), fontsize=9)
    return fig
