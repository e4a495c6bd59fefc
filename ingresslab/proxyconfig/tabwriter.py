"""A faithful equivalent of Go's `text/tabwriter` (left-aligned, no flags), as istioctl uses it.

istioctl writes tab-separated rows into `tabwriter.Writer.Init(out, minwidth, tabwidth, padding, ' ', 0)`.
The rules reproduced here, because byte-exact tables depend on them:

- A cell is *tab-terminated*; the text after the last tab of a line is not a cell of any column, so it is
  never padded (but a row ending in a tab gets its last real cell padded — hence istioctl's trailing spaces
  when DESTINATION RULE or VIRTUAL SERVICE is empty).
- A *column block* is a run of consecutive lines that all have a cell in that column; its width is the
  widest cell in the block plus `padding` (at least `minwidth`). A line with fewer cells ends the block,
  so later lines get fresh widths.
- A line without any tab ends every block (Go flushes there).
- Widths count characters (runes), not bytes.
"""

from __future__ import annotations

__all__ = ["TabWriter", "tabulate"]


class TabWriter:
    """Collect text with `write()`, get the aligned output from `flush()`."""

    def __init__(self, minwidth: int = 0, tabwidth: int = 8, padding: int = 1, padchar: str = " ") -> None:
        if padchar == "\t":  # Go pads with tabs by tabwidth then; istioctl never asks for it
            raise ValueError("tab padding is not supported")
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.padchar = padchar
        self._out: list[str] = []
        self._lines: list[list[str]] = [[]]  # finished cells of each buffered line
        self._cell = ""  # text of the cell being written (not yet terminated)

    def write(self, text: str) -> None:
        """Feed text; tabs end cells and newlines end lines, like `fmt.Fprint(w, ...)`."""
        start = 0
        for index, char in enumerate(text):
            if char == "\t":
                self._cell += text[start:index]
                self._lines[-1].append(self._cell)
                self._cell = ""
                start = index + 1
            elif char == "\n":
                self._cell += text[start:index]
                self._lines[-1].append(self._cell)
                self._cell = ""
                start = index + 1
                ncells = len(self._lines[-1])
                self._lines.append([])
                if ncells == 1:
                    # A line with a single cell ends all column blocks: format what we have.
                    self._format_all()
        self._cell += text[start:]

    def flush(self) -> str:
        """Format everything buffered (the unterminated last line is written without a newline) and return it."""
        current = self._lines[-1]
        if current or self._cell:
            # Like Go, the open line takes part in the layout; its text after the last tab is its last cell.
            lines = [*self._lines[:-1], [*current, self._cell]]
            self._format(lines, 0, len(lines), [], open_last=True)
        else:
            self._format_all()
        self._lines = [[]]
        self._cell = ""
        result = "".join(self._out)
        self._out = []
        return result

    # -- internals ----------------------------------------------------------------------------------------
    def _format_all(self) -> None:
        # The last buffered line is the one still being written: keep it, format the finished ones.
        finished, current = self._lines[:-1], self._lines[-1]
        if finished:
            self._format(finished, 0, len(finished), [])
        self._lines = [current]

    def _format(
        self, lines: list[list[str]], line0: int, line1: int, widths: list[int], open_last: bool = False
    ) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            # Only cells that are followed by a tab belong to a column: len(line) - 1 of them.
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            self._write_lines(lines, line0, this, widths)
            line0 = this
            width = self.minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + self.padding)
                this += 1
            self._format(lines, line0, this, [*widths, width], open_last)
            line0 = this
        self._write_lines(lines, line0, line1, widths, open_last)

    def _write_lines(
        self, lines: list[list[str]], line0: int, line1: int, widths: list[int], open_last: bool = False
    ) -> None:
        out = self._out
        last = len(lines) - 1
        for index in range(line0, line1):
            line = lines[index]
            for column, cell in enumerate(line):
                out.append(cell)
                if column < len(widths) and column < len(line) - 1:
                    out.append(self.padchar * (widths[column] - len(cell)))
            if not (open_last and index == last):
                out.append("\n")


def tabulate(rows: list[list[str]], *, padding: int, minwidth: int = 0, tabwidth: int = 8) -> str:
    """Rows of cells joined by tabs, each ending in a newline, through a fresh `TabWriter`."""
    writer = TabWriter(minwidth=minwidth, tabwidth=tabwidth, padding=padding)
    writer.write("".join("\t".join(row) + "\n" for row in rows))
    return writer.flush()
