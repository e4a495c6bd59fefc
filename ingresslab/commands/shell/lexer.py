"""Reading shell text character by character: words (with their quoting), operators and here-documents.

The lexer hands `$(…)` bodies back to the parser (`_parse_subscript`), because where a command substitution
ends can only be found by parsing it — a `)` inside quotes or a nested `$(…)` does not close it.
"""

from __future__ import annotations

import re

from ingresslab.commands.shell.errors import ShellSyntaxError, UnsupportedSyntax
from ingresslab.commands.shell.nodes import CommandSub, Lit, Param, Part, Redirect, Script, Word

__all__ = ["METACHARS", "OPERATORS", "Lexer"]

# Longest first, so `&&` wins over `&` and `<<-` over `<<`.
OPERATORS = (
    "&>>",
    "<<<",
    "<<-",
    "&&",
    "||",
    ";;",
    "<<",
    ">>",
    ">&",
    "<&",
    "&>",
    ">|",
    "|&",
    "|",
    "&",
    ";",
    "<",
    ">",
    "(",
    ")",
    "\n",
)
METACHARS = frozenset(" \t\n|&;<>()")
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SPECIAL_PARAMS = "?$#@*!-0123456789"
_ANSI_NUMERIC = re.compile(r"[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}")
_ANSI_SIMPLE = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def _merge(parts: list[Part]) -> tuple[Part, ...]:
    """Join neighbouring literals of the same quoting, keeping at least one (possibly empty) quoted literal."""
    merged: list[Part] = []
    for part in parts:
        prev = merged[-1] if merged else None
        if isinstance(part, Lit) and isinstance(prev, Lit) and prev.quoted == part.quoted:
            merged[-1] = Lit(prev.text + part.text, part.quoted)
        else:
            merged.append(part)
    return tuple(merged)


class Lexer:
    def __init__(self, src: str, first_line: int = 1) -> None:
        self.src = src
        self.pos = 0
        self.line = first_line
        # Here-documents whose bodies start after the next newline: (redirect, delimiter, quoted, strip tabs).
        self.pending_heredocs: list[tuple[Redirect, str, bool, bool]] = []

    # -- primitives --------------------------------------------------------------------------------
    def _char(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.src[i] if i < len(self.src) else ""

    def _advance(self, n: int = 1) -> None:
        self.line += self.src.count("\n", self.pos, self.pos + n)
        self.pos += n

    def at_end(self) -> bool:
        return self.pos >= len(self.src)

    def skip_blanks(self) -> None:
        """Skip spaces, tabs, backslash-newline continuations and comments (not the newline ending them)."""
        while not self.at_end():
            c = self._char()
            if c in " \t":
                self._advance()
            elif c == "\\" and self._char(1) == "\n":
                self._advance(2)
            elif c == "#":
                end = self.src.find("\n", self.pos)
                self.pos = len(self.src) if end < 0 else end
            else:
                return

    def peek_operator(self) -> str | None:
        for op in OPERATORS:
            if self.src.startswith(op, self.pos):
                return op
        return None

    def _parse_subscript(self) -> Script:  # pragma: no cover - provided by the parser
        raise NotImplementedError

    # -- words ---------------------------------------------------------------------------------------
    def read_word(self) -> Word | None:
        """One word at the current position (blanks already skipped), or None at an operator or the end."""
        line = self.line
        parts: list[Part] = []
        while not self.at_end():
            c = self._char()
            if c in METACHARS:
                break
            if c == "\\":
                nxt = self._char(1)
                if nxt == "\n":
                    self._advance(2)
                elif nxt == "":
                    parts.append(Lit("\\"))
                    self._advance()
                else:
                    parts.append(Lit(nxt, True))
                    self._advance(2)
            elif c == "'":
                parts.append(Lit(self._single_quoted(), True))
            elif c == '"':
                parts.extend(self._double_quoted())
            elif c == "$" and self._char(1) == '"':
                self._advance()  # $"…" is a translatable string; without a catalogue it is "…"
            elif c == "$" and self._char(1) == "'":
                self._advance()
                parts.append(Lit(self._ansi_c(), True))
            elif c == "$":
                parts.append(self._dollar(quoted=False))
            elif c == "`":
                parts.append(self._backtick(quoted=False))
            else:
                parts.append(Lit(c))
                self._advance()
        return Word(_merge(parts), line) if parts else None

    def _single_quoted(self) -> str:
        line = self.line
        end = self.src.find("'", self.pos + 1)
        if end < 0:
            raise ShellSyntaxError(
                line, "unterminated single quote: expected a closing ' before the end of the script"
            )
        text = self.src[self.pos + 1 : end]
        self._advance(end + 1 - self.pos)
        return text

    def _double_quoted(self, *, heredoc: bool = False) -> list[Part]:
        """The parts of "…" (or of a here-document body, which ends only at the end of the text)."""
        line = self.line
        if not heredoc:
            self._advance()  # the opening quote
        parts: list[Part] = []
        specials = "$`\\" if heredoc else '$`"\\'
        while True:
            if self.at_end():
                if heredoc:
                    break
                raise ShellSyntaxError(
                    line, 'unterminated double quote: expected a closing " before the end of the script'
                )
            c = self._char()
            if c == '"' and not heredoc:
                self._advance()
                break
            if c == "\\":
                nxt = self._char(1)
                if nxt == "\n":
                    self._advance(2)
                elif nxt and nxt in specials:
                    parts.append(Lit(nxt, True))
                    self._advance(2)
                else:
                    parts.append(Lit("\\", True))
                    self._advance()
            elif c == "$":
                part = self._dollar(quoted=True)
                parts.append(part)
            elif c == "`":
                parts.append(self._backtick(quoted=True))
            else:
                parts.append(Lit(c, True))
                self._advance()
        return list(_merge(parts)) or [Lit("", True)]

    def _ansi_c(self) -> str:
        """`$'…'` with C escapes (the opening `$` already consumed)."""
        line = self.line
        self._advance()
        out: list[str] = []
        while True:
            if self.at_end():
                raise ShellSyntaxError(
                    line, "unterminated $'…' quote: expected a closing ' before the end of the script"
                )
            c = self._char()
            if c == "'":
                self._advance()
                return "".join(out)
            if c != "\\":
                out.append(c)
                self._advance()
                continue
            nxt = self._char(1)
            if nxt in _ANSI_SIMPLE:
                out.append(_ANSI_SIMPLE[nxt])
                self._advance(2)
                continue
            m = _ANSI_NUMERIC.match(self.src, self.pos + 1)
            if m:
                digits = m.group()
                out.append(chr(int(digits, 8) if digits[0] in "01234567" else int(digits[1:], 16)))
                self._advance(1 + len(digits))
            else:
                out.append("\\")
                self._advance()

    def _dollar(self, *, quoted: bool) -> Part:
        nxt = self._char(1)
        if nxt == "{":
            return self._braced(quoted)
        if nxt == "(":
            if self._char(2) == "(":
                raise UnsupportedSyntax(
                    self.line, "arithmetic expansion $((…)) is not supported by the lab's shell"
                )
            return self._command_sub(quoted)
        m = NAME_RE.match(self.src, self.pos + 1)
        if m:
            self._advance(1 + len(m.group()))
            return Param(m.group(), quoted)
        if nxt and nxt in SPECIAL_PARAMS:
            self._advance(2)
            return Param(nxt, quoted)
        self._advance()
        return Lit("$", quoted)

    def _braced(self, quoted: bool) -> Param:
        line = self.line
        self._advance(2)
        length = self._char() == "#" and self._char(1) not in ("}", "")
        if length:
            self._advance()
        m = NAME_RE.match(self.src, self.pos)
        if m:
            name = m.group()
        elif self._char() and self._char() in SPECIAL_PARAMS:
            name = self._char()
        else:
            raise ShellSyntaxError(line, "bad substitution: expected a variable name after ${")
        self._advance(len(name))
        if self._char() == "}":
            self._advance()
            return Param(name, quoted, length=length)
        if self.at_end():
            raise ShellSyntaxError(
                line, "unterminated ${…}: expected a closing } before the end of the script"
            )
        if not length:
            for op in (":-", ":=", ":+", ":?", "-", "=", "+", "?"):
                if self.src.startswith(op, self.pos):
                    self._advance(len(op))
                    return Param(name, quoted, op, self._brace_arg(quoted, line))
        raise UnsupportedSyntax(
            line,
            f"${{{'#' if length else ''}{name}{self._char()}…}} is not supported; the lab's shell knows "
            "${NAME}, ${#NAME} and ${NAME:-default}, ${NAME:=value}, ${NAME:+alt}, ${NAME:?message}",
        )

    def _brace_arg(self, quoted: bool, line: int) -> Word:
        """The word after `${NAME:-`, up to the matching `}`."""
        parts: list[Part] = []
        while True:
            if self.at_end():
                raise ShellSyntaxError(
                    line, "unterminated ${…}: expected a closing } before the end of the script"
                )
            c = self._char()
            if c == "}":
                self._advance()
                break
            if c == "\\":
                nxt = self._char(1)
                if nxt == "\n":
                    self._advance(2)
                elif nxt and (not quoted or nxt in '$`"\\}'):
                    parts.append(Lit(nxt, True))
                    self._advance(2)
                else:
                    parts.append(Lit("\\", quoted))
                    self._advance()
            elif c == "'" and not quoted:
                parts.append(Lit(self._single_quoted(), True))
            elif c == '"':
                parts.extend(self._double_quoted())
            elif c == "$":
                parts.append(self._dollar(quoted=quoted))
            elif c == "`":
                parts.append(self._backtick(quoted=quoted))
            else:
                parts.append(Lit(c, quoted))
                self._advance()
        return Word(_merge(parts) or (Lit("", True),), line)

    def _command_sub(self, quoted: bool) -> CommandSub:
        line = self.line
        start = self.pos
        self._advance(2)
        body = self._parse_subscript()
        if self._char() != ")":
            raise ShellSyntaxError(
                line, "unterminated $(…): expected a closing ) before the end of the script"
            )
        self._advance()
        return CommandSub(body, quoted, self.src[start : self.pos])

    def _backtick(self, quoted: bool) -> CommandSub:
        line = self.line
        start = self.pos
        self._advance()
        inner: list[str] = []
        escapable = '`\\$"' if quoted else "`\\$"
        while True:
            if self.at_end():
                raise ShellSyntaxError(
                    line, "unterminated backquote: expected a closing ` before the end of the script"
                )
            c = self._char()
            if c == "`":
                self._advance()
                break
            if c == "\\" and self._char(1) and self._char(1) in escapable:
                inner.append(self._char(1))
                self._advance(2)
            else:
                inner.append(c)
                self._advance()
        body = self._sub_parser("".join(inner), line).parse()
        return CommandSub(body, quoted, self.src[start : self.pos])

    def _sub_parser(self, text: str, line: int):  # pragma: no cover - provided by the parser
        raise NotImplementedError

    # -- here-documents ------------------------------------------------------------------------------
    def read_heredocs(self) -> None:
        """Read the bodies of the here-documents opened on the line just ended."""
        pending, self.pending_heredocs = self.pending_heredocs, []
        for redirect, delimiter, quoted, strip_tabs in pending:
            first_line = self.line
            lines: list[str] = []
            while True:
                if self.at_end():
                    raise ShellSyntaxError(
                        redirect.line, f"here-document is not closed: expected a line reading {delimiter!r}"
                    )
                end = self.src.find("\n", self.pos)
                end = len(self.src) if end < 0 else end
                text = self.src[self.pos : end]
                self._advance(min(end + 1, len(self.src)) - self.pos)
                if strip_tabs:
                    text = text.lstrip("\t")
                if text == delimiter:
                    break
                lines.append(text + "\n")
            body = "".join(lines)
            if quoted:
                redirect.body = Word((Lit(body, True),), first_line)
            else:
                sub = self._sub_parser(body, first_line)
                redirect.body = Word(tuple(sub._double_quoted(heredoc=True)), first_line)
