"""The syntax tree of a script: words made of parts, simple commands, pipelines and `&&`/`||` lists.

Words keep their parts (quoted or not, literal or expansion) until run time, because whether an expansion is
split into several arguments depends on the quoting it was written with, not on its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AndOr",
    "Command",
    "CommandSub",
    "Lit",
    "Param",
    "Part",
    "Pipeline",
    "Redirect",
    "Script",
    "Word",
]


@dataclass(frozen=True, slots=True)
class Lit:
    """Literal text. `quoted` text is never split into fields (it came from quotes or a backslash)."""

    text: str
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Param:
    """`$NAME`, `${NAME}`, `${#NAME}` or `${NAME<op>word}` with op one of `-`, `:-`, `=`, `:=`, `+`, `:+`, `?`, `:?`."""

    name: str
    quoted: bool = False
    op: str = ""
    arg: Word | None = None
    length: bool = False


@dataclass(frozen=True, slots=True)
class CommandSub:
    """`$(…)` or a backtick substitution: a whole script whose stdout becomes text."""

    body: Script
    quoted: bool = False
    source: str = ""


Part = Lit | Param | CommandSub


@dataclass(frozen=True, slots=True)
class Word:
    parts: tuple[Part, ...]
    line: int = 1

    @property
    def literal(self) -> str | None:
        """The word's text when it holds no expansion (quotes removed), else None."""
        if all(isinstance(p, Lit) for p in self.parts):
            return "".join(p.text for p in self.parts)  # type: ignore[union-attr]
        return None

    @property
    def unquoted_literal(self) -> str | None:
        """The text when the word is one plain unquoted literal (how reserved words and names are spotted)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None


@dataclass(slots=True)
class Redirect:
    """`[fd]op target`; op is one of `>`, `>>`, `>|`, `<`, `>&`, `<&`, `&>`, `&>>`, `<<`, `<<-`, `<<<`.

    For here-documents `body` is filled in once the parser reaches the lines after the command.
    """

    fd: int
    op: str
    target: Word | None
    line: int
    body: Word | None = None


@dataclass(frozen=True, slots=True)
class Command:
    assigns: tuple[tuple[str, Word], ...]
    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Pipeline:
    commands: tuple[Command, ...]
    negated: bool = False
    line: int = 1


@dataclass(frozen=True, slots=True)
class AndOr:
    first: Pipeline
    rest: tuple[tuple[str, Pipeline], ...] = ()


@dataclass(frozen=True, slots=True)
class Script:
    items: tuple[AndOr, ...] = field(default_factory=tuple)
