"""cut, tr and column: fields, characters and aligned columns of stdin."""

from __future__ import annotations

import re

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.textutils._tooling import (
    UsageError,
    backslash_escapes,
    getopt,
    joined,
    lines_of,
    no_files,
    tool,
)

__all__ = ["column", "cut", "tr"]


def _ranges(tool: str, spec: str) -> list[tuple[int, int]]:
    ranges = []
    for item in spec.split(","):
        m = re.fullmatch(r"(\d*)(-?)(\d*)", item)
        if not m or not (m[1] or m[3]):
            raise UsageError(f"{tool}: invalid field range '{item}'")
        if (m[1] and int(m[1]) == 0) or (m[3] and int(m[3]) == 0):
            raise UsageError(f"{tool}: fields are numbered from 1")
        low = int(m[1]) if m[1] else 1
        high = (int(m[3]) if m[3] else 1 << 30) if m[2] else low
        if high < low:
            raise UsageError(f"{tool}: invalid decreasing range")
        ranges.append((low, high))
    return ranges


@tool("cut")
def cut(inv: Invocation) -> CommandResult:
    """cut -f LIST [-d C] [-s] or cut -c LIST, on stdin."""
    opts, operands = getopt(
        "cut",
        inv.argv[1:],
        "d:f:c:b:s",
        {
            "delimiter": ("d", True),
            "fields": ("f", True),
            "characters": ("c", True),
            "bytes": ("b", True),
            "only-delimited": ("s", False),
            "output-delimiter": ("O", True),
        },
    )
    no_files("cut", operands, "kubectl get pods | cut -d' ' -f1")
    values = dict(opts)
    delimiter = values.get("d", "\t")
    if len(delimiter) != 1:
        raise UsageError("cut: the delimiter must be a single character")
    mode = next((k for k in "fcb" if k in values), None)
    if mode is None:
        raise UsageError("cut: you must specify a list of bytes, characters, or fields")
    ranges = _ranges("cut", values[mode])

    def wanted(i: int) -> bool:
        return any(low <= i <= high for low, high in ranges)

    out = []
    for line in lines_of(inv.stdin):
        if mode in "cb":
            out.append("".join(ch for i, ch in enumerate(line, 1) if wanted(i)))
        elif delimiter not in line:
            if "s" not in values:
                out.append(line)
        else:
            fields = line.split(delimiter)
            out.append(values.get("O", delimiter).join(f for i, f in enumerate(fields, 1) if wanted(i)))
    return CommandResult(joined(out))


_TR_CLASSES = {
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "digit": "0123456789",
    "space": " \t\n\r\f\v",
    "blank": " \t",
    "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "alnum": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
}


def _tr_set(spec: str) -> str:
    text, _ = backslash_escapes(spec.replace("\\c", "\\\\c"))
    out: list[str] = []
    i = 0
    while i < len(text):
        m = re.match(r"\[:(\w+):\]", text[i:])
        if m:
            if m[1] not in _TR_CLASSES:
                raise UsageError(f"tr: invalid character class '{m[1]}'")
            out.append(_TR_CLASSES[m[1]])
            i += m.end()
        elif i + 2 < len(text) and text[i + 1] == "-":
            low, high = ord(text[i]), ord(text[i + 2])
            if high < low:
                raise UsageError(
                    f"tr: range-endpoints of '{text[i : i + 3]}' are in reverse collating sequence order"
                )
            out.append("".join(chr(c) for c in range(low, high + 1)))
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@tool("tr")
def tr(inv: Invocation) -> CommandResult:
    """tr SET1 SET2 (translate), tr -d SET1, tr -s SET, tr -c (complement) with ranges and [:class:]."""
    opts, operands = getopt(
        "tr",
        inv.argv[1:],
        "dsc",
        {"delete": ("d", False), "squeeze-repeats": ("s", False), "complement": ("c", False)},
    )
    flags = {k for k, _ in opts}
    if not operands or len(operands) > 2:
        raise UsageError("tr: expected SET1 [SET2] (tr reads only its standard input)")
    set1 = _tr_set(operands[0])
    set2 = _tr_set(operands[1]) if len(operands) > 1 else ""
    text = inv.stdin

    def in1(ch: str) -> bool:
        return (ch in set1) != ("c" in flags)

    if "d" in flags:
        text = "".join(ch for ch in text if not in1(ch))
        squeeze = set2 if "s" in flags else ""
    elif set2:
        if "c" in flags:
            text = "".join(set2[-1] if in1(ch) else ch for ch in text)
        else:
            padded = set2 + set2[-1] * max(0, len(set1) - len(set2))
            text = text.translate({ord(a): b for a, b in zip(set1, padded, strict=False)})
        squeeze = set2 if "s" in flags else ""
    elif "s" in flags:
        squeeze = None  # squeeze SET1 itself
    else:
        raise UsageError("tr: missing operand after SET1 (give SET2, or -d / -s)")
    if "s" in flags:
        out: list[str] = []
        for ch in text:
            member = in1(ch) if squeeze is None else ch in squeeze
            if out and out[-1] == ch and member:
                continue
            out.append(ch)
        text = "".join(out)
    return CommandResult(text)


@tool("column")
def column(inv: Invocation) -> CommandResult:
    """column -t [-s SEPS]: align whitespace- (or SEPS-) separated columns, two spaces apart."""
    opts, operands = getopt("column", inv.argv[1:], "ts:", {"table": ("t", False), "separator": ("s", True)})
    no_files("column", operands, "… | column -t")
    values = dict(opts)
    if "t" not in values:
        return CommandResult(inv.stdin)
    seps = values.get("s")
    rows = [
        (re.split("[" + re.escape(seps) + "]+", line) if seps else line.split())
        for line in lines_of(inv.stdin)
        if line.strip()
    ]
    widths: list[int] = []
    for row in rows:
        for i, cell in enumerate(row):
            if i == len(widths):
                widths.append(0)
            widths[i] = max(widths[i], len(cell))
    # util-linux pads every cell short of the table's last column, even at the end of a shorter row
    last = len(widths) - 1
    out = [
        "".join(cell.ljust(widths[i]) + "  " if i < last else cell for i, cell in enumerate(row))
        for row in rows
    ]
    return CommandResult(joined(out))
