"""head, tail and wc: whole lines or bytes from the start or end of stdin, and counts of them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.textutils._tooling import (
    getopt,
    no_files,
    parse_count,
    tool,
)

__all__ = ["head", "tail", "wc"]


def _numeric_shorthand(args: Sequence[str]) -> list[str]:
    """`head -5` / `tail -5` mean `-n 5` (but `-n -5` keeps its value)."""
    out: list[str] = []
    for i, arg in enumerate(args):
        takes_value = i > 0 and args[i - 1] in ("-n", "-c", "--lines", "--bytes")
        out.append(f"-n{arg[1:]}" if re.fullmatch(r"-\d+", arg) and not takes_value else arg)
    return out


# head and tail take the same options; the last -n or -c given wins, 10 lines by default.
_SHORT = "n:c:qv"
_LONG = {
    "lines": ("n", True),
    "bytes": ("c", True),
    "quiet": ("q", False),
    "silent": ("q", False),
    "verbose": ("v", False),
}


def _amount(opts: list[tuple[str, str]]) -> tuple[str, str]:
    """(unit, spec): `n` or `c`, and the count as given."""
    unit, spec = "n", "10"
    for key, value in opts:
        if key in "nc":
            unit, spec = key, value
    return unit, spec


def _split_keep(text: str) -> list[str]:
    """Lines with their newlines kept; a last line lacking one stays as it is (head/tail copy bytes)."""
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


@tool("head")
def head(inv: Invocation) -> CommandResult:
    """head -n N / -N / -n -N (all but the last N) / -c [-]N, on stdin."""
    opts, operands = getopt(
        "head",
        _numeric_shorthand(inv.argv[1:]),
        _SHORT,
        _LONG,
    )
    no_files("head", operands, "kubectl logs … | head -n 20")
    unit, spec = _amount(opts)
    count = parse_count("head", spec, "lines" if unit == "n" else "bytes")
    if unit == "c":
        data = inv.stdin.encode()
        chunk = data[:count] if count >= 0 else data[: max(0, len(data) + count)]
        return CommandResult(chunk.decode(errors="ignore"))
    lines = _split_keep(inv.stdin)
    chosen = lines[:count] if count >= 0 else lines[: max(0, len(lines) + count)]
    return CommandResult("".join(chosen))


@tool("tail")
def tail(inv: Invocation) -> CommandResult:
    """tail -n N / -N / -n +N (from line N on) / -c [+]N, on stdin. -f cannot follow here and says so."""
    args = _numeric_shorthand(inv.argv[1:])
    if any(
        a in ("-f", "-F", "--follow")
        or a.startswith("--follow=")
        or (re.fullmatch(r"-[^-]*[fF][^-]*", a) and not a.startswith(("-n", "-c")))
        for a in args
    ):
        return CommandResult(
            "",
            "tail: following (-f) is not available in the lab's shell: a command here returns when it is done. "
            "Run `tail -n N` again to see new lines (or `kubectl logs --tail N`).\n",
            1,
        )
    opts, operands = getopt(
        "tail",
        args,
        _SHORT,
        _LONG,
    )
    no_files("tail", operands, "kubectl logs … | tail -n 20")
    unit, spec = _amount(opts)
    from_start = spec.startswith("+")
    count = abs(parse_count("tail", spec.lstrip("+"), "lines" if unit == "n" else "bytes"))
    if unit == "c":
        data = inv.stdin.encode()
        chunk = (
            data[max(0, count - 1) :] if from_start else data[max(0, len(data) - count) :] if count else b""
        )
        return CommandResult(chunk.decode(errors="ignore"))
    lines = _split_keep(inv.stdin)
    chosen = (
        lines[max(0, count - 1) :] if from_start else lines[max(0, len(lines) - count) :] if count else []
    )
    return CommandResult("".join(chosen))


@tool("wc")
def wc(inv: Invocation) -> CommandResult:
    """wc -l -w -c -m -L on stdin, printed as GNU wc prints standard input (one count: no padding)."""
    opts, operands = getopt(
        "wc",
        inv.argv[1:],
        "lwcmL",
        {
            "lines": ("l", False),
            "words": ("w", False),
            "bytes": ("c", False),
            "chars": ("m", False),
            "max-line-length": ("L", False),
        },
    )
    no_files("wc", operands, "kubectl get pods | wc -l")
    chosen = {k for k, _ in opts} or {"l", "w", "c"}
    text = inv.stdin
    values = {
        "l": text.count("\n"),
        "w": len(text.split()),
        "m": len(text),
        "c": len(text.encode()),
        "L": max((len(line.expandtabs(8)) for line in text.split("\n")), default=0),
    }
    counts = [values[k] for k in "lwmcL" if k in chosen]
    if len(counts) == 1:
        return CommandResult(f"{counts[0]}\n")
    return CommandResult(" ".join(f"{c:7d}" for c in counts) + "\n")
