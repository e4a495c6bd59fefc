"""The result of a command run through the lab: what a terminal would have shown, and the exit code."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["CommandFailed", "CommandFunc", "CommandResult", "Invocation"]


@dataclass(slots=True)
class CommandResult:
    stdout: str = ""
    stderr: str = ""
    returncode: int = 0

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def text(self) -> str:
        """stdout then stderr, as they would interleave on a terminal for these short commands."""
        return self.stdout + self.stderr

    def check(self) -> CommandResult:
        """Return self, or raise CommandFailed if the command failed."""
        if self.returncode != 0:
            raise CommandFailed(self)
        return self

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:  # shown as terminal text in a notebook cell
        return self.text.rstrip("\n") if self.text else f"(exit code {self.returncode})"

    def _repr_html_(self) -> str:
        out = html.escape(self.stdout)
        err = html.escape(self.stderr)
        code = (
            "" if self.returncode == 0 else f'\n<span style="color:#b00">exit code {self.returncode}</span>'
        )
        return (
            '<pre class="ingresslab-terminal" style="margin:0">'
            f'{out}<span style="color:#b00">{err}</span>{code}</pre>'
        )


class CommandFailed(Exception):
    def __init__(self, result: CommandResult) -> None:
        super().__init__(result.stderr.strip() or f"exit code {result.returncode}")
        self.result = result


@dataclass(slots=True)
class Invocation:
    """One simple command as the shell hands it over: argv[0] is the command name."""

    argv: list[str]
    stdin: str = ""
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: str = "."


CommandFunc = Callable[[Invocation], CommandResult]
