"""ANSI colour codes (SGR) in command output, as HTML a notebook shows the way a terminal would.

Tools such as ingress2gateway colour their stderr even when it is not a terminal. The spans use JupyterLab's own
ANSI classes (`ansi-red-fg`, `ansi-red-intense-fg`, `ansi-bold`), so colours follow the light or dark theme.
Codes other than colours, bold and reset are dropped; the text is escaped.
"""

from __future__ import annotations

import html
import re

__all__ = ["ansi_to_html", "strip_ansi"]

_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def strip_ansi(text: str) -> str:
    """The text without its SGR codes."""
    return _SGR.sub("", text)


def _classes(codes: list[int], state: dict[str, str]) -> None:
    for code in codes or [0]:
        if code == 0:
            state.clear()
        elif code == 1:
            state["bold"] = "ansi-bold"
        elif code == 22:
            state.pop("bold", None)
        elif 30 <= code <= 37:
            state["fg"] = f"ansi-{_COLOURS[code - 30]}-fg"
        elif 90 <= code <= 97:
            state["fg"] = f"ansi-{_COLOURS[code - 90]}-intense-fg"
        elif code == 39:
            state.pop("fg", None)


def ansi_to_html(text: str) -> str:
    """Escaped HTML of `text` with its coloured runs in spans (plain text passes through escaped)."""
    if "\x1b[" not in text:
        return html.escape(text)
    out: list[str] = []
    state: dict[str, str] = {}
    pos = 0
    for match in _SGR.finditer(text):
        run = text[pos : match.start()]
        if run:
            escaped = html.escape(run)
            out.append(f'<span class="{" ".join(state.values())}">{escaped}</span>' if state else escaped)
        codes = [int(c) for c in match.group(1).split(";") if c.isdigit()]
        _classes(codes, state)
        pos = match.end()
    tail = text[pos:]
    if tail:
        escaped = html.escape(tail)
        out.append(f'<span class="{" ".join(state.values())}">{escaped}</span>' if state else escaped)
    return "".join(out)
