"""A trace as a picture: hops as boxes left to right, arrows labelled with addresses and timings."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingresslab.trace.model import Trace

__all__ = ["draw"]

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


def _figure_class() -> type:
    from matplotlib.figure import Figure

    class DiagramFigure(Figure):
        """A Figure that shows itself as a PNG in notebooks without pyplot (no global backend state)."""

        def _repr_png_(self) -> bytes:
            import io

            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=90)
            return buf.getvalue()

    return DiagramFigure


def draw(trace: Trace, ax: Any = None) -> Any:
    """Return the matplotlib Figure (drawn on `ax` if given). Uses the object API, so no global state."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    hops = trace.hops
    if ax is None:
        fig = _figure_class()(figsize=(max(6.0, 2.3 * len(hops)), 3.0))
        ax = fig.add_subplot(1, 1, 1)
    else:
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
                facecolor=_COLOURS.get(hop.component, "#eeeeee"),
                edgecolor="#888888" if dashed else "#333333",
                linestyle="--" if dashed else "-",
            )
        )
        label = textwrap.shorten(hop.title, 40, placeholder="…")
        ax.text(x + width / 2, 0.7, textwrap.fill(label, 19), ha="center", va="center", fontsize=6.5)
        detail = hop.pod or hop.dest_addr or ""
        if len(detail) > 24:  # pod names: keep the distinctive random tail
            detail = "…" + detail[-23:]
        ax.text(x + width / 2, 0.36, detail, ha="center", va="center", fontsize=5.5, color="#444444")
        if hop.status is not None:
            ax.text(
                x + width / 2,
                0.12,
                str(hop.status),
                ha="center",
                va="center",
                fontsize=7,
                color="#1a7f37" if hop.status < 400 else "#b00000",
            )
        if i:
            start = (x - gap, 0.5)
            ax.add_patch(
                FancyArrowPatch(start, (x, 0.5), arrowstyle="-|>", mutation_scale=10, color="#333333")
            )
            timing = "" if hop.duration_ms is None else f"{hop.duration_ms:.1f} ms"
            ax.text(x - gap / 2, 1.12, (hop.dest_addr or "")[:22], ha="center", fontsize=5.5, rotation=0)
            ax.text(x - gap / 2, -0.15, timing, ha="center", fontsize=6, color="#555555")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.86, bottom=0.04)
    ax.set_xlim(-0.2, len(hops) * (width + gap))
    ax.set_ylim(-0.4, 1.4)
    ax.axis("off")
    title = f"{trace.via}: " + (
        "reached the app" if trace.complete else f"stopped — {trace.stopped or 'no app log'}"
    )
    ax.set_title(title if len(title) < 120 else title[:117] + "…", fontsize=8)
    return fig
