"""What every text utility shares: GNU-style option parsing, usage errors, stdin-only operands, line splitting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from ingresslab.commands.result import CommandFunc, CommandResult, Invocation

__all__ = [
    "UsageError",
    "backslash_escapes",
    "getopt",
    "joined",
    "lines_of",
    "no_files",
    "parse_count",
    "tool",
]


class UsageError(Exception):
    """Bad options or operands; the tool prints the message and exits with its usage code."""


def lines_of(text: str) -> list[str]:
    """Lines without their newlines; a last line lacking one still counts, as GNU tools read it."""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def joined(lines: Iterable[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def getopt(
    tool: str, args: Sequence[str], short: str, long: dict[str, tuple[str, bool]]
) -> tuple[list[tuple[str, str]], list[str]]:
    """GNU-style option parsing with permutation: `short` is getopt syntax ("n:" takes a value),
    `long` maps a long name to (its short key, takes a value). Returns (options, operands)."""
    takes = {c: short[i + 1 : i + 2] == ":" for i, c in enumerate(short) if c != ":"}
    opts: list[tuple[str, str]] = []
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands.extend(args[i:])
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            matches = [n for n in long if n == name] or [n for n in long if n.startswith(name)]
            if len(matches) != 1:
                what = "ambiguous" if matches else "unrecognized"
                raise UsageError(f"{tool}: {what} option '--{name}'")
            key, needs = long[matches[0]]
            if needs and not eq:
                if i >= len(args):
                    raise UsageError(f"{tool}: option '--{matches[0]}' requires an argument")
                value = args[i]
                i += 1
            elif eq and not needs:
                raise UsageError(f"{tool}: option '--{matches[0]}' doesn't allow an argument")
            opts.append((key, value))
            continue
        if arg.startswith("-") and arg != "-":
            j = 1
            while j < len(arg):
                c = arg[j]
                if c not in takes:
                    raise UsageError(f"{tool}: invalid option -- '{c}'")
                if takes[c]:
                    value = arg[j + 1 :]
                    if not value:
                        if i >= len(args):
                            raise UsageError(f"{tool}: option requires an argument -- '{c}'")
                        value = args[i]
                        i += 1
                    opts.append((c, value))
                    break
                opts.append((c, ""))
                j += 1
            continue
        operands.append(arg)
    return opts, operands


def no_files(tool: str, operands: Sequence[str], example: str) -> None:
    files = [f for f in operands if f != "-"]
    if files:
        raise UsageError(
            f"{tool}: {files[0]}: reading files is not available in the lab's shell; "
            f"pipe text in instead, e.g. `{example}`"
        )


def tool(tool: str, usage_code: int = 1) -> Callable[[Callable[[Invocation], CommandResult]], CommandFunc]:
    """Turn UsageError into the tool's stderr message and usage exit code."""

    def wrap(func: Callable[[Invocation], CommandResult]) -> CommandFunc:
        def run(inv: Invocation) -> CommandResult:
            try:
                return func(inv)
            except UsageError as exc:
                hint = "" if "reading files" in str(exc) else f"\nTry '{tool} --help' for more information."
                return CommandResult("", f"{exc}{hint}\n", usage_code)

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        return run

    return wrap


def parse_count(tool: str, text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{tool}: invalid number of {what}: '{text}'") from None
    return value


_ECHO_ESCAPES = {
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_ECHO_NUMERIC = re.compile(r"0([0-7]{0,3})|x([0-9A-Fa-f]{1,2})")


def backslash_escapes(text: str) -> tuple[str, bool]:
    """Interpret `echo -e` escapes (tr reads the same); returns (text, stop): stop means `\\c` ended all output."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        d = text[i + 1]
        if d == "c":
            return "".join(out), True
        if d in _ECHO_ESCAPES:
            out.append(_ECHO_ESCAPES[d])
            i += 2
            continue
        m = _ECHO_NUMERIC.match(text, i + 1)
        if m:
            out.append(chr(int(m[1] or "0", 8) if m[2] is None else int(m[2], 16)))
            i += 1 + len(m.group())
            continue
        out.append("\\")
        i += 1
    return "".join(out), False
