"""Text utilities for the lab's shell — grep, head, tail, wc, sort, uniq, cut, tr, column, cat, echo, printf.

They behave like their GNU coreutils/grep namesakes on the options tutorials use, and read only their standard
input: the sandbox has no files, so a file operand is a clear error (pipe text in instead). `cat` here is the
stdin-only form (`… | cat`, `cat -n`); a caller that can read files registers its own `cat` over this one.
Sorting and case folding follow the C locale (code point order).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from ingresslab.commands.result import CommandFunc, CommandResult, Invocation

__all__ = [
    "PatternError",
    "cat",
    "column",
    "cut",
    "default_commands",
    "echo",
    "grep",
    "head",
    "printf",
    "sort",
    "tail",
    "tr",
    "translate_regex",
    "uniq",
    "wc",
]


class UsageError(Exception):
    """Bad options or operands; the tool prints the message and exits with its usage code."""


class PatternError(Exception):
    """A grep pattern that is not a valid basic/extended regular expression."""


# -- shared helpers ------------------------------------------------------------------------------------
def _lines(text: str) -> list[str]:
    """Lines without their newlines; a last line lacking one still counts, as GNU tools read it."""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _joined(lines: Iterable[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _getopt(
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


def _no_files(tool: str, operands: Sequence[str], example: str) -> None:
    files = [f for f in operands if f != "-"]
    if files:
        raise UsageError(
            f"{tool}: {files[0]}: reading files is not available in the lab's shell; "
            f"pipe text in instead, e.g. `{example}`"
        )


def _tool(tool: str, usage_code: int = 1) -> Callable[[Callable[[Invocation], CommandResult]], CommandFunc]:
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


def _count(tool: str, text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{tool}: invalid number of {what}: '{text}'") from None
    return value


# -- echo, printf, cat -----------------------------------------------------------------------------------
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


def _echo_escapes(text: str) -> tuple[str, bool]:
    """Interpret `echo -e` escapes; returns (text, stop) where stop means `\\c` ended all output."""
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
        text, stop = _echo_escapes(text)
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
    fmt, values = _echo_escapes(args[0].replace("\\c", "\\\\c"))[0], list(args[1:])
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
                    text = _echo_escapes(text)[0]
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


@_tool("cat")
def cat(inv: Invocation) -> CommandResult:
    """stdin passthrough (`-n` numbers lines); file operands are refused — see the module docstring."""
    opts, operands = _getopt("cat", inv.argv[1:], "nu", {"number": ("n", False)})
    _no_files("cat", operands, "kubectl get … -o yaml | cat -n")
    if any(k == "n" for k, _ in opts):
        lines = inv.stdin.split("\n")
        tail_newline = inv.stdin.endswith("\n")
        if tail_newline:
            lines.pop()
        numbered = "\n".join(f"{i:6d}\t{line}" for i, line in enumerate(lines, 1))
        return CommandResult(numbered + ("\n" if tail_newline else "") if inv.stdin else "")
    return CommandResult(inv.stdin)


# -- grep ------------------------------------------------------------------------------------------------
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


@_tool("grep", usage_code=2)
def grep(inv: Invocation) -> CommandResult:
    """grep PATTERNS on stdin: -i -v -c -E -F -G -P -o -w -x -q -n -H -m N -A/-B/-C N and -e PATTERN…;
    exit 0 when a line is selected, 1 when none, 2 on error."""
    opts, operands = _getopt("grep", inv.argv[1:], "ivcEFGPowxqnhHsayIe:m:A:B:C:", _GREP_LONG)
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
            max_count = _count("grep", value, "matches")
        elif key in "ABC":
            amount = _count("grep", value, "context lines")
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
    _no_files("grep", operands, "kubectl logs … | grep PATTERN")
    try:
        matchers = _grep_matchers(patterns, mode, flags)
    except PatternError as exc:
        return CommandResult("", f"grep: {exc}\n", 2)

    lines = _lines(inv.stdin)
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


# -- head, tail ------------------------------------------------------------------------------------------
def _numeric_shorthand(args: Sequence[str]) -> list[str]:
    """`head -5` / `tail -5` mean `-n 5` (but `-n -5` keeps its value)."""
    out: list[str] = []
    for i, arg in enumerate(args):
        takes_value = i > 0 and args[i - 1] in ("-n", "-c", "--lines", "--bytes")
        out.append(f"-n{arg[1:]}" if re.fullmatch(r"-\d+", arg) and not takes_value else arg)
    return out


def _split_keep(text: str) -> list[str]:
    """Lines with their newlines kept; a last line lacking one stays as it is (head/tail copy bytes)."""
    pieces = text.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    return lines


@_tool("head")
def head(inv: Invocation) -> CommandResult:
    """head -n N / -N / -n -N (all but the last N) / -c [-]N, on stdin."""
    opts, operands = _getopt(
        "head",
        _numeric_shorthand(inv.argv[1:]),
        "n:c:qv",
        {
            "lines": ("n", True),
            "bytes": ("c", True),
            "quiet": ("q", False),
            "silent": ("q", False),
            "verbose": ("v", False),
        },
    )
    _no_files("head", operands, "kubectl logs … | head -n 20")
    unit, spec = "n", "10"
    for key, value in opts:
        if key in "nc":
            unit, spec = key, value
    count = _count("head", spec, "lines" if unit == "n" else "bytes")
    if unit == "c":
        data = inv.stdin.encode()
        chunk = data[:count] if count >= 0 else data[: max(0, len(data) + count)]
        return CommandResult(chunk.decode(errors="ignore"))
    lines = _split_keep(inv.stdin)
    chosen = lines[:count] if count >= 0 else lines[: max(0, len(lines) + count)]
    return CommandResult("".join(chosen))


@_tool("tail")
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
    opts, operands = _getopt(
        "tail",
        args,
        "n:c:qv",
        {
            "lines": ("n", True),
            "bytes": ("c", True),
            "quiet": ("q", False),
            "silent": ("q", False),
            "verbose": ("v", False),
        },
    )
    _no_files("tail", operands, "kubectl logs … | tail -n 20")
    unit, spec = "n", "10"
    for key, value in opts:
        if key in "nc":
            unit, spec = key, value
    from_start = spec.startswith("+")
    count = abs(_count("tail", spec.lstrip("+"), "lines" if unit == "n" else "bytes"))
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


# -- wc --------------------------------------------------------------------------------------------------
@_tool("wc")
def wc(inv: Invocation) -> CommandResult:
    """wc -l -w -c -m -L on stdin, printed as GNU wc prints standard input (one count: no padding)."""
    opts, operands = _getopt(
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
    _no_files("wc", operands, "kubectl get pods | wc -l")
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


# -- sort, uniq, cut, tr, column ---------------------------------------------------------------------------
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


@_tool("sort", usage_code=2)
def sort(inv: Invocation) -> CommandResult:
    """sort -n -r -u -f -k N[,M] -t SEP on stdin, in C-locale (code point) order."""
    opts, operands = _getopt(
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
    _no_files("sort", operands, "kubectl get pods -o name | sort")
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
    lines = _lines(inv.stdin)

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
    return CommandResult(_joined(ordered))


@_tool("uniq")
def uniq(inv: Invocation) -> CommandResult:
    """uniq [-c] [-d] [-u] [-i] on stdin: adjacent equal lines collapse."""
    opts, operands = _getopt(
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
    _no_files("uniq", operands, "… | sort | uniq -c")
    flags = {k for k, _ in opts}
    groups: list[tuple[str, int]] = []
    for line in _lines(inv.stdin):
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
    return CommandResult(_joined(line for line, _ in groups))


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


@_tool("cut")
def cut(inv: Invocation) -> CommandResult:
    """cut -f LIST [-d C] [-s] or cut -c LIST, on stdin."""
    opts, operands = _getopt(
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
    _no_files("cut", operands, "kubectl get pods | cut -d' ' -f1")
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
    for line in _lines(inv.stdin):
        if mode in "cb":
            out.append("".join(ch for i, ch in enumerate(line, 1) if wanted(i)))
        elif delimiter not in line:
            if "s" not in values:
                out.append(line)
        else:
            fields = line.split(delimiter)
            out.append(values.get("O", delimiter).join(f for i, f in enumerate(fields, 1) if wanted(i)))
    return CommandResult(_joined(out))


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
    text, _ = _echo_escapes(spec.replace("\\c", "\\\\c"))
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


@_tool("tr")
def tr(inv: Invocation) -> CommandResult:
    """tr SET1 SET2 (translate), tr -d SET1, tr -s SET, tr -c (complement) with ranges and [:class:]."""
    opts, operands = _getopt(
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


@_tool("column")
def column(inv: Invocation) -> CommandResult:
    """column -t [-s SEPS]: align whitespace- (or SEPS-) separated columns, two spaces apart."""
    opts, operands = _getopt("column", inv.argv[1:], "ts:", {"table": ("t", False), "separator": ("s", True)})
    _no_files("column", operands, "… | column -t")
    values = dict(opts)
    if "t" not in values:
        return CommandResult(inv.stdin)
    seps = values.get("s")
    rows = [
        (re.split("[" + re.escape(seps) + "]+", line) if seps else line.split())
        for line in _lines(inv.stdin)
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
    return CommandResult(_joined(out))


def default_commands() -> dict[str, CommandFunc]:
    """The text utilities by name, for merging with kubectl/minikube/curl/istioctl handlers."""
    return {
        "cat": cat,
        "column": column,
        "cut": cut,
        "echo": echo,
        "grep": grep,
        "head": head,
        "printf": printf,
        "sort": sort,
        "tail": tail,
        "tr": tr,
        "uniq": uniq,
        "wc": wc,
    }
