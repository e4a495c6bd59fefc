"""echo, printf and stdin-only cat, as GNU coreutils print."""

from __future__ import annotations

import re

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.textutils._tooling import (
    backslash_escapes,
    getopt,
    no_files,
    tool,
)

__all__ = ["cat", "echo", "printf"]


def echo(inv: Invocation) -> CommandResult:
    """bash's echo: -n (no newline), -e (escapes), -E; an argument like -x is printed, not an option."""
    args = inv.argv[1:]
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = backslash_escapes(text)
        if stop:
            return CommandResult(text)
    return CommandResult(text + ("\n" if newline else ""))


_PRINTF_SPEC = re.compile(r"%([-+ #0]*)(\d+|\*)?(?:\.(\d+|\*))?([sdiouxXfFeEgGcb%])")


def _printf_number(text: str, conv: str, err: list[str]) -> int | float:
    text = text.strip()
    if text[:1] in ("'", '"') and len(text) > 1:
        return ord(text[1])  # printf %d "'A" is the character code
    try:
        return float(text) if conv in "fFeEgG" else int(text, 0) if text else 0
    except ValueError:
        try:
            return float(text) if conv in "fFeEgG" else int(float(text))
        except ValueError:
            err.append(f"printf: {text}: invalid number\n")
            return 0


def printf(inv: Invocation) -> CommandResult:
    """printf FORMAT [ARG]…: %s %d %i %u %o %x %X %f %e %g %c %b %% with flags/width/precision; the format
    repeats while arguments remain."""
    args = inv.argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        return CommandResult("", "printf: usage: printf format [arguments]\n", 2)
    fmt, values = backslash_escapes(args[0].replace("\\c", "\\\\c"))[0], list(args[1:])
    out: list[str] = []
    err: list[str] = []

    def next_value() -> str | None:
        return values.pop(0) if values else None

    while True:
        consumed = False
        pos = 0
        for m in _PRINTF_SPEC.finditer(fmt):
            out.append(fmt[pos : m.start()])
            pos = m.end()
            flags, width, precision, conv = m.groups()
            if conv == "%":
                out.append("%")
                continue
            if width == "*":
                width = str(int(_printf_number(next_value() or "0", "d", err)))
            if precision == "*":
                precision = str(int(_printf_number(next_value() or "0", "d", err)))
            value = next_value()
            consumed = consumed or value is not None
            spec = "%" + flags + (width or "") + (f".{precision}" if precision is not None else "")
            if conv in "sb":
                text = value or ""
                if conv == "b":
                    text = backslash_escapes(text)[0]
                out.append((spec + "s") % text)
            elif conv == "c":
                out.append((spec + "s") % (value or "")[:1])
            else:
                number = _printf_number(value or "0", conv, err)
                pyconv = "d" if conv in "iu" else conv
                out.append((spec + pyconv) % number)
        out.append(fmt[pos:])
        if not values or not consumed:
            break
    return CommandResult("".join(out), "".join(err), 1 if err else 0)


@tool("cat")
def cat(inv: Invocation) -> CommandResult:
    """stdin passthrough (`-n` numbers lines); file operands are refused — see the module docstring."""
    opts, operands = getopt("cat", inv.argv[1:], "nu", {"number": ("n", False)})
    no_files("cat", operands, "kubectl get … -o yaml | cat -n")
    if any(k == "n" for k, _ in opts):
        lines = inv.stdin.split("\n")
        tail_newline = inv.stdin.endswith("\n")
        if tail_newline:
            lines.pop()
        numbered = "\n".join(f"{i:6d}\t{line}" for i, line in enumerate(lines, 1))
        return CommandResult(numbered + ("\n" if tail_newline else "") if inv.stdin else "")
    return CommandResult(inv.stdin)
