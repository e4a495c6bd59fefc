"""Word expansion: parameters, command substitution, field splitting and quote removal — in that order.

Unquoted expansions are split on blanks (so `$PODS` can become several arguments); quoted text and quoted
expansions never are. There is no pathname (glob) expansion: the sandbox has no files to match, and bash
leaves an unmatched pattern as written, which is what the lab's shell always does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ingresslab.commands.shell.nodes import CommandSub, Lit, Param, Word

__all__ = ["Expander", "ExpansionError", "VarScope"]

_BLANKS = " \t\n"


class ExpansionError(Exception):
    """`${NAME:?message}` or `set -u` meeting an unset variable; bash stops the script (exit 127)."""


class VarScope(Protocol):
    def lookup(self, name: str) -> str | None: ...

    def assign(self, name: str, value: str) -> None: ...


class Expander:
    def __init__(
        self, scope: VarScope, substitute: Callable[[CommandSub], str], *, nounset: bool = False
    ) -> None:
        self.scope = scope
        self.substitute = substitute
        self.nounset = nounset

    # -- public ----------------------------------------------------------------------------------------
    def fields(self, word: Word) -> list[str]:
        """Expand a word into zero or more arguments."""
        fields: list[str] = []
        current: list[str] = []
        started = False  # a quoted part (even "") makes the field exist
        for text, quoted in self._segments(word.parts):
            if quoted:
                current.append(text)
                started = True
                continue
            for i, piece in enumerate(_split(text)):
                if i > 0:  # a blank run ends the field being built
                    if started:
                        fields.append("".join(current))
                    current, started = [], False
                if piece:
                    current.append(piece)
                    started = True
        if started:
            fields.append("".join(current))
        return fields

    def text(self, word: Word) -> str:
        """Expand a word into exactly one string, unsplit (assignment values, redirect targets, heredocs)."""
        return "".join(text for text, _ in self._segments(word.parts))

    # -- parts -------------------------------------------------------------------------------------------
    def _segments(self, parts: tuple[Lit | Param | CommandSub, ...]) -> list[tuple[str, bool]]:
        """(text, quoted) pieces; a `${X:-word}` default keeps the quoting it was written with."""
        segments: list[tuple[str, bool]] = []
        for part in parts:
            if isinstance(part, Lit):
                segments.append((part.text, part.quoted))
            elif isinstance(part, CommandSub):
                segments.append((self.substitute(part), part.quoted))
            else:
                value = self._param(part)
                if isinstance(value, Word):
                    segments.extend(self._segments(value.parts))
                else:
                    segments.append((value, part.quoted))
        return segments

    def _param(self, p: Param) -> str | Word:
        """The parameter's value, or the operator's word when that is what the expansion yields."""
        value = self.scope.lookup(p.name)
        if p.length:
            return str(len(self._require(p.name, value)))
        if not p.op:
            return self._require(p.name, value)
        unset_or_empty = value is None or (p.op.startswith(":") and value == "")
        op = p.op.lstrip(":")
        assert p.arg is not None
        if op == "-":
            return p.arg if unset_or_empty else value  # type: ignore[return-value]
        if op == "=":
            if unset_or_empty:
                if not p.name[0].isalpha() and p.name[0] != "_":
                    raise ExpansionError(f"${p.name}: cannot assign in this way")
                value = self.text(p.arg)
                self.scope.assign(p.name, value)
            return value  # type: ignore[return-value]
        if op == "+":
            return "" if unset_or_empty else p.arg
        # "?"
        if unset_or_empty:
            message = self.text(p.arg) or ("parameter null or not set" if value is None else "parameter null")
            raise ExpansionError(f"{p.name}: {message}")
        return value  # type: ignore[return-value]

    def _require(self, name: str, value: str | None) -> str:
        if value is None:
            if self.nounset and name not in "@*":
                raise ExpansionError(f"{name}: unbound variable")
            return ""
        return value


def _split(value: str) -> list[str]:
    """Split on blank runs, keeping empty ends so the caller knows the value began or ended with a blank."""
    pieces: list[str] = []
    current: list[str] = []
    in_blanks = False
    for ch in value:
        if ch in _BLANKS:
            if not in_blanks:
                pieces.append("".join(current))
                current = []
                in_blanks = True
        else:
            current.append(ch)
            in_blanks = False
    pieces.append("".join(current))
    return pieces
