"""Go's text/tabwriter column alignment, which shapes every kubectl table and every `describe`.

Cells end at a tab; a column's width is that of its widest cell plus `padding` (at least `minwidth`), and
columns are aligned per *block* of consecutive lines that have a cell in that column. A line without tabs
ends the blocks above it, which is why `kubectl describe` realigns after `Rules:` or `Events:`. The text
after a line's last tab is not part of any column and is never padded.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["KUBECTL_TABLE", "tabulate", "tabwrite"]

# kubectl's table printer: tabwriter.NewWriter(out, 6, 4, 3, ' ', 0) (cli-runtime GetNewTabWriter).
KUBECTL_TABLE = {"minwidth": 6, "padding": 3}


def _width(cell: str) -> int:
    # tabwriter counts runes (UTF-8 characters), as len() on a str does.
    return len(cell)


def tabwrite(text: str, *, minwidth: int = 0, padding: int = 1, padchar: str = " ") -> str:
    """Align tab-separated `text` exactly as a Go tabwriter (flags 0, padchar not a tab) would."""
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    widths: list[int] = []

    def write_lines(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            cells = lines[i]
            parts: list[str] = []
            for j, cell in enumerate(cells):
                parts.append(cell)
                if j < len(widths) and j < len(cells) - 1:
                    parts.append(padchar * (widths[j] - _width(cell)))
            out.append("".join(parts))

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            # Lines before the block are complete at this depth.
            write_lines(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, _width(lines[this][column]) + padding)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write_lines(line0, line1)

    fmt(0, len(lines))
    return "\n".join(out)


def tabulate(rows: Sequence[Sequence[object]]) -> str:
    """Rows of cells as kubectl prints a table (3 spaces between columns, no padding after the last)."""
    if not rows:
        return ""
    text = "".join("\t".join(str(c) for c in row) + "\n" for row in rows)
    return tabwrite(text, **KUBECTL_TABLE)
