"""The result of a command run through the lab: what a terminal would have shown, and the exit code.

A result keeps `stdout` and `stderr` apart for code that reads them, and one ordered `transcript` of what was
written to either stream, so a cell running several commands shows their output in the order it was written,
as a terminal would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ingresslab.commands.ansi import ansi_to_html

__all__ = ["STDERR", "STDOUT", "CommandFailed", "CommandFunc", "CommandResult", "Invocation", "terminal_html"]

STDOUT = "stdout"
STDERR = "stderr"

# A terminal keeps every row whole and scrolls sideways; stderr stays visibly apart; theme colours only, so the
# block reads the same in JupyterLab's light and dark themes.
_TERMINAL_STYLE = (
    "margin:0;padding:2px 0;white-space:pre;overflow-x:auto;overflow-wrap:normal;word-break:normal;"
    "line-height:1.3;font-family:var(--jp-code-font-family, monospace);"
    "font-size:var(--jp-code-font-size, 13px);color:var(--jp-content-font-color1, inherit);"
    "background:transparent"
)
_STDERR_STYLE = (
    "color:var(--jp-error-color1, #c62828);"
    "background:var(--jp-rendermime-error-background, rgba(198, 40, 40, 0.08))"
)
_STATUS_STYLE = (
    "display:inline-block;margin-top:2px;padding:0 6px;border-radius:3px;font-weight:bold;"
    "color:var(--jp-ui-inverse-font-color1, #fff);background:var(--jp-error-color1, #c62828)"
)


@dataclass(slots=True)
class CommandResult:
    stdout: str = ""
    stderr: str = ""
    returncode: int = 0
    # (STDOUT or STDERR, text) in the order written; None means "all of stdout, then all of stderr".
    transcript: tuple[tuple[str, str], ...] | None = field(default=None, compare=False)

    @classmethod
    def from_transcript(cls, chunks: Iterable[tuple[str, str]], returncode: int = 0) -> CommandResult:
        """A result from what was written, in order; `stdout`/`stderr` are the concatenations per stream."""
        merged: list[tuple[str, str]] = []
        for stream, text in chunks:
            if stream not in (STDOUT, STDERR):
                raise ValueError(f"stream must be {STDOUT!r} or {STDERR!r}, not {stream!r}")
            if not text:
                continue
            if merged and merged[-1][0] == stream:
                merged[-1] = (stream, merged[-1][1] + text)
            else:
                merged.append((stream, text))
        out = "".join(t for s, t in merged if s == STDOUT)
        err = "".join(t for s, t in merged if s == STDERR)
        return cls(out, err, returncode, tuple(merged))

    @property
    def chunks(self) -> tuple[tuple[str, str], ...]:
        """What was written, in order, as (STDOUT or STDERR, text) pairs."""
        if self.transcript is not None:
            return self.transcript
        return tuple((s, t) for s, t in ((STDOUT, self.stdout), (STDERR, self.stderr)) if t)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def text(self) -> str:
        """stdout and stderr interleaved as they were written, as a terminal shows them."""
        return "".join(t for _, t in self.chunks)

    def check(self) -> CommandResult:
        """Return self, or raise CommandFailed if the command failed."""
        if self.returncode != 0:
            raise CommandFailed(self)
        return self

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:  # shown as terminal text in a notebook cell
        text = self.text.rstrip("\n")
        if self.returncode == 0:
            return text
        return (text + "\n" if text else "") + f"[exit code {self.returncode}]"

    def _repr_html_(self) -> str:
        return terminal_html(self.chunks, self.returncode)


def terminal_html(chunks: Iterable[tuple[str, str]], returncode: int = 0) -> str:
    """Output as a terminal shows it: rows unwrapped (scroll sideways), stderr marked, a failure flagged."""
    parts = []
    for stream, text in chunks:
        if stream == STDERR:
            parts.append(
                f'<span class="ingresslab-stderr" style="{_STDERR_STYLE}">{ansi_to_html(text)}</span>'
            )
        else:
            parts.append(f'<span class="ingresslab-stdout">{ansi_to_html(text)}</span>')
    status = ""
    if returncode != 0:
        status = (
            f'<div class="ingresslab-exit-status" style="{_STATUS_STYLE}" title="the last command failed">'
            f"✗ exit code {returncode}</div>"
        )
    return (
        f'<div class="ingresslab-result"><pre class="ingresslab-terminal" style="{_TERMINAL_STYLE}">'
        f"{''.join(parts)}</pre>{status}</div>"
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
