"""sort and uniq in the C locale (code point order), with GNU's keys and last-resort comparison."""

from __future__ import annotations

import re

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.textutils._tooling import (
    UsageError,
    getopt,
    joined,
    lines_of,
    no_files,
    tool,
)

__all__ = ["sort", "uniq"]


_NUMBER = re.compile(r"\s*(-?(?:\d+(?:\.\d*)?|\.\d+))")


def _numeric_key(text: str) -> float:
    m = _NUMBER.match(text)
    return float(m[1]) if m else 0.0


def _field_start(line: str, field: int, sep: str | None) -> int:
    """Where field number `field` (1-based) starts; GNU sort keeps leading blanks in a field without -t."""
    if sep is not None:
        pos = 0
        for _ in range(field - 1):
            nxt = line.find(sep, pos)
            if nxt < 0:
                return len(line)
            pos = nxt + 1
        return pos
    pos = 0
    for _ in range(field - 1):
        while pos < len(line) and line[pos] in " \t":
            pos += 1
        while pos < len(line) and line[pos] not in " \t":
            pos += 1
    return pos


def _sort_key_text(line: str, keys: list[tuple[int, int | None]], sep: str | None) -> str:
    if not keys:
        return line
    start_field, end_field = keys[0]
    start = _field_start(line, start_field, sep)
    if end_field is None:
        return line[start:]
    end = _field_start(line, end_field + 1, sep)
    if sep is not None and end > start and end <= len(line) and line[end - 1 : end] == sep:
        end -= 1
    return line[start:end]


@tool("sort", usage_code=2)
def sort(inv: Invocation) -> CommandResult:
    """sort -n -r -u -f -k N[,M] -t SEP on stdin, in C-locale (code point) order."""
    opts, operands = getopt(
        "sort",
        inv.argv[1:],
        "nrufk:t:s",
        {
            "numeric-sort": ("n", False),
            "reverse": ("r", False),
            "unique": ("u", False),
            "ignore-case": ("f", False),
            "key": ("k", True),
            "field-separator": ("t", True),
            "stable": ("s", False),
        },
    )
    no_files("sort", operands, "kubectl get pods -o name | sort")
    flags = {k for k, v in opts if k in "nrufs"}
    sep = None
    keys: list[tuple[int, int | None]] = []
    for key, value in opts:
        if key == "t":
            if len(value) != 1:
                raise UsageError(f"sort: multi-character tab '{value}'")
            sep = value
        elif key == "k":
            m = re.fullmatch(r"(\d+)[a-z]*(?:,(\d+)[a-z]*)?", value)
            if not m or int(m[1]) == 0:
                raise UsageError(f"sort: invalid field specification '{value}'")
            if "n" in value.split(",")[0][len(m[1]) :]:
                flags.add("n")
            keys.append((int(m[1]), int(m[2]) if m[2] else None))
    lines = lines_of(inv.stdin)

    def key(line: str):
        text = _sort_key_text(line, keys, sep)
        if "f" in flags:
            text = text.upper()
        return _numeric_key(text) if "n" in flags else text

    def full(line: str):
        # GNU's last-resort comparison of whole lines, unless -s or -u asks to keep input order
        return (key(line),) if flags & {"s", "u"} else (key(line), line)

    ordered = sorted(lines, key=full, reverse="r" in flags)
    if "u" in flags:
        unique: list[str] = []
        for line in ordered:
            if not unique or key(unique[-1]) != key(line):
                unique.append(line)
        ordered = unique
    return CommandResult(joined(ordered))


@tool("uniq")
def uniq(inv: Invocation) -> CommandResult:
    """uniq [-c] [-d] [-u] [-i] on stdin: adjacent equal lines collapse."""
    opts, operands = getopt(
        "uniq",
        inv.argv[1:],
        "cdui",
        {
            "count": ("c", False),
            "repeated": ("d", False),
            "unique": ("u", False),
            "ignore-case": ("i", False),
        },
    )
    no_files("uniq", operands, "… | sort | uniq -c")
    flags = {k for k, _ in opts}
    groups: list[tuple[str, int]] = []
    for line in lines_of(inv.stdin):
        same = groups and (groups[-1][0].lower() == line.lower() if "i" in flags else groups[-1][0] == line)
        if same:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((line, 1))
    if "d" in flags:
        groups = [g for g in groups if g[1] > 1]
    if "u" in flags:
        groups = [g for g in groups if g[1] == 1]
    if "c" in flags:
        return CommandResult("".join(f"{n:7d} {line}\n" for line, n in groups))
    return CommandResult(joined(line for line, _ in groups))
