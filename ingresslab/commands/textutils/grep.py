"""grep with GNU's basic and extended regular expressions, translated to Python's `re`."""

from __future__ import annotations

import re

from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.commands.textutils._tooling import (
    UsageError,
    getopt,
    lines_of,
    no_files,
    parse_count,
    tool,
)

__all__ = ["PatternError", "grep", "translate_regex"]


class PatternError(Exception):
    """A grep pattern that is not a valid basic/extended regular expression."""


_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").replace("-", "\\-"),
    "xdigit": "0-9A-Fa-f",
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e",
}
_INTERVAL = re.compile(r"(\d*)(,(\d*))?")


def _bracket(p: str, i: int) -> tuple[str, int]:
    """Translate the POSIX bracket expression starting at p[i] == '['; returns (python set, index after)."""
    j = i + 1
    out = ["["]
    if j < len(p) and p[j] == "^":
        out.append("^")
        j += 1
    first = True
    while True:
        if j >= len(p):
            raise PatternError("Unmatched [, [^, [:, [., or [=")
        ch = p[j]
        if ch == "]" and not first:
            return "".join(out) + "]", j + 1
        if ch == "[" and j + 1 < len(p) and p[j + 1] in ":.=":
            kind = p[j + 1]
            end = p.find(kind + "]", j + 2)
            if end < 0:
                raise PatternError("Unmatched [, [^, [:, [., or [=")
            name = p[j + 2 : end]
            if kind == ":":
                if name not in _CLASSES:
                    raise PatternError(f"invalid character class [:{name}:]")
                out.append(_CLASSES[name])
            else:
                out.append(re.escape(name))
            j = end + 2
        elif ch == "-" and not first and j + 1 < len(p) and p[j + 1] != "]":
            out.append("-")  # a range between the neighbours
            j += 1
        else:
            out.append("\\" + ch if ch in "\\]^[-&~|" else ch)
            j += 1
        first = False


def translate_regex(pattern: str, extended: bool) -> str:
    """A POSIX basic (`extended=False`) or extended regular expression, with GNU's extensions, as Python `re`.

    In basic syntax `+ ? | ( ) { }` are literal and their backslashed forms are operators; in extended syntax
    it is the other way round. A `*` (or ERE `+ ? {n}`) with nothing to repeat is literal in BRE and ignored in
    ERE, as GNU grep does.
    """
    out: list[str] = []
    groups: list[int] = []  # where each open group starts in `out`
    atom = -1  # where the last repeatable atom starts in `out`, -1 when there is none
    quantified = False
    at_start = True  # where BRE `*` is literal and `^` an anchor
    i, n = 0, len(pattern)

    def emit_atom(text: str) -> None:
        nonlocal atom, quantified, at_start
        atom, quantified, at_start = len(out), False, False
        out.append(text)

    def emit_quantifier(text: str) -> None:
        nonlocal quantified
        if quantified:  # `a+?`, `a**`: POSIX repeats the repetition; Python would read lazy/possessive
            out[atom:] = ["(?:" + "".join(out[atom:]) + ")"]
        out.append(text)
        quantified = True

    def open_group() -> None:
        nonlocal at_start, atom
        groups.append(len(out))
        out.append("(")
        at_start, atom = True, -1

    def close_group() -> None:
        nonlocal atom, quantified, at_start
        atom, quantified, at_start = groups.pop(), False, False
        out.append(")")

    def alternation() -> None:
        nonlocal at_start, atom
        out.append("|")
        at_start, atom = True, -1

    def interval(body: str) -> str | None:
        m = _INTERVAL.fullmatch(body)
        if not m or (not m[1] and not m[2]) or (m[2] and not m[1] and not m[3]):
            return None
        if m[1] and m[3] and int(m[3]) < int(m[1]):
            raise PatternError("Invalid content of \\{\\}")
        return "{" + body + "}"

    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise PatternError("Trailing backslash")
            d = pattern[i + 1]
            i += 2
            if not extended and d == "(":
                open_group()
            elif not extended and d == ")":
                if not groups:
                    raise PatternError("Unmatched ) or \\)")
                close_group()
            elif not extended and d == "|":
                alternation()
            elif not extended and d in "+?":
                if atom < 0:
                    emit_atom(re.escape(d))
                else:
                    emit_quantifier(d)
            elif not extended and d == "{":
                end = pattern.find("\\}", i)
                if end < 0:
                    raise PatternError("Unmatched \\{")
                text = interval(pattern[i:end])
                if text is None:
                    raise PatternError("Invalid content of \\{\\}")
                i = end + 2
                if atom < 0:
                    emit_atom(re.escape("{" + pattern[i:end]))
                else:
                    emit_quantifier(text)
            elif d == "<":
                out.append(r"\b(?=\w)")
            elif d == ">":
                out.append(r"\b(?<=\w)")
            elif d in "bB":
                out.append("\\" + d)
            elif d in "wWsS" or (d.isdigit() and d != "0"):
                emit_atom("\\" + d)
            else:
                emit_atom(re.escape(d))
        elif c == "[":
            text, i = _bracket(pattern, i)
            emit_atom(text)
        elif c == "*" or (extended and c in "+?"):
            i += 1
            if atom >= 0:
                emit_quantifier(c)
            elif not extended:
                emit_atom(re.escape(c))
        elif c == "^":
            i += 1
            if extended or at_start:
                out.append("^")
            else:
                emit_atom(re.escape(c))
        elif c == "$":
            i += 1
            rest = pattern[i:]
            if extended or not rest or rest.startswith(("\\)", "\\|")):
                out.append("$")
                at_start = extended
            else:
                emit_atom(re.escape(c))
        elif extended and c == "(":
            i += 1
            open_group()
        elif extended and c == ")" and groups:
            i += 1
            close_group()
        elif extended and c == "|":
            i += 1
            alternation()
        elif extended and c == "{":
            end = pattern.find("}", i)
            text = interval(pattern[i + 1 : end]) if end > 0 else None
            if text is None:
                emit_atom(re.escape(c))
                i += 1
            else:
                i = end + 1
                if atom >= 0:
                    emit_quantifier(text)
        else:
            emit_atom(re.escape(c))
            i += 1
    if groups:
        raise PatternError("Unmatched ( or \\(")
    return "".join(out)


_GREP_LONG = {
    "ignore-case": ("i", False),
    "no-ignore-case": ("I", False),
    "invert-match": ("v", False),
    "count": ("c", False),
    "extended-regexp": ("E", False),
    "fixed-strings": ("F", False),
    "basic-regexp": ("G", False),
    "perl-regexp": ("P", False),
    "only-matching": ("o", False),
    "word-regexp": ("w", False),
    "line-regexp": ("x", False),
    "quiet": ("q", False),
    "silent": ("q", False),
    "line-number": ("n", False),
    "regexp": ("e", True),
    "max-count": ("m", True),
    "after-context": ("A", True),
    "before-context": ("B", True),
    "context": ("C", True),
    "with-filename": ("H", False),
    "no-filename": ("h", False),
    "no-messages": ("s", False),
    "text": ("a", False),
    "color": ("color", False),
    "colour": ("color", False),
    "line-buffered": ("a", False),
}


def _grep_matchers(patterns: list[str], mode: str, flags: dict[str, bool]) -> list[re.Pattern[str]]:
    compiled = []
    for pattern in patterns:
        if mode == "F":
            regex = re.escape(pattern)
        elif mode == "P":
            regex = pattern
        else:
            regex = translate_regex(pattern, extended=mode == "E")
        if flags["w"]:
            regex = rf"(?<![A-Za-z0-9_])(?:{regex})(?![A-Za-z0-9_])"
        if flags["x"]:
            regex = rf"^(?:{regex})$"
        try:
            compiled.append(re.compile(regex, re.IGNORECASE if flags["i"] else 0))
        except re.error as exc:
            raise PatternError(f"invalid regular expression {pattern!r}: {exc}") from None
    return compiled


def _only_matches(line: str, matchers: list[re.Pattern[str]]) -> list[str]:
    """Every non-empty match, leftmost first and longest among patterns starting at the same place."""
    found: list[str] = []
    pos = 0
    while pos <= len(line):
        best: re.Match[str] | None = None
        for m in (rx.search(line, pos) for rx in matchers):
            if m and (
                best is None
                or m.start() < best.start()
                or (m.start() == best.start() and m.end() > best.end())
            ):
                best = m
        if best is None:
            break
        if best.end() == best.start():
            pos = best.end() + 1
            continue
        found.append(best.group())
        pos = best.end()
    return found


@tool("grep", usage_code=2)
def grep(inv: Invocation) -> CommandResult:
    """grep PATTERNS on stdin: -i -v -c -E -F -G -P -o -w -x -q -n -H -m N -A/-B/-C N and -e PATTERN…;
    exit 0 when a line is selected, 1 when none, 2 on error."""
    opts, operands = getopt("grep", inv.argv[1:], "ivcEFGPowxqnhHsayIe:m:A:B:C:", _GREP_LONG)
    flags = dict.fromkeys("ivcowxqnH", False)
    mode = "G"
    patterns: list[str] | None = None
    max_count: int | None = None
    before = after = 0
    for key, value in opts:
        if key in flags:
            flags[key] = True
        elif key == "y":
            flags["i"] = True
        elif key == "I":
            flags["i"] = False
        elif key in "EFGP":
            mode = key
        elif key == "e":
            patterns = [*(patterns or []), *value.split("\n")]
        elif key == "m":
            max_count = parse_count("grep", value, "matches")
        elif key in "ABC":
            amount = parse_count("grep", value, "context lines")
            if amount < 0:
                raise UsageError(f"grep: {value}: invalid context length argument")
            before = amount if key in "BC" else before
            after = amount if key in "AC" else after
        elif key == "h":
            flags["H"] = False
    if patterns is None:
        if not operands:
            raise UsageError("Usage: grep [OPTION]... PATTERNS [FILE]...")
        patterns = operands.pop(0).split("\n")
    no_files("grep", operands, "kubectl logs … | grep PATTERN")
    try:
        matchers = _grep_matchers(patterns, mode, flags)
    except PatternError as exc:
        return CommandResult("", f"grep: {exc}\n", 2)

    lines = lines_of(inv.stdin)
    selected: list[int] = []
    for index, line in enumerate(lines):
        if max_count is not None and len(selected) >= max_count:
            break
        if any(rx.search(line) for rx in matchers) != flags["v"]:
            selected.append(index)
            if flags["q"]:
                return CommandResult()
    code = 0 if selected else 1
    if flags["q"]:
        return CommandResult(returncode=code)
    prefix = "(standard input)" if flags["H"] else ""
    if flags["c"]:
        return CommandResult(f"{prefix}{':' if prefix else ''}{len(selected)}\n", returncode=code)

    def tag(index: int, sep: str) -> str:
        parts = [prefix] if prefix else []
        if flags["n"]:
            parts.append(str(index + 1))
        return sep.join(parts) + sep if parts else ""

    out: list[str] = []
    if flags["o"]:
        if not flags["v"]:
            for index in selected:
                out.extend(f"{tag(index, ':')}{m}\n" for m in _only_matches(lines[index], matchers))
        return CommandResult("".join(out), returncode=code)
    chosen = set(selected)
    shown: list[int] = []
    last_selected = selected[-1] if selected else -1
    for index in selected:
        for j in range(max(0, index - before), min(len(lines), index + after + 1)):
            if (not shown or j > shown[-1]) and (j <= last_selected or j - last_selected <= after):
                shown.append(j)
    previous = None
    for j in shown:
        if (before or after) and previous is not None and j > previous + 1:
            out.append("--\n")
        out.append(f"{tag(j, ':' if j in chosen else '-')}{lines[j]}\n")
        previous = j
    return CommandResult("".join(out), returncode=code)
