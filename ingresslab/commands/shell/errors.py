"""What can go wrong while reading or running a script, as exceptions the shell turns into exit codes."""

from __future__ import annotations

__all__ = ["ShellExit", "ShellSyntaxError", "UnsupportedSyntax"]


class ShellSyntaxError(Exception):
    """The script cannot be parsed; nothing of it runs (exit code 2)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"syntax error on line {line}: {message}")
        self.line = line
        self.message = message


class UnsupportedSyntax(ShellSyntaxError):
    """Valid shell, but beyond what the lab's small shell runs (loops, subshells, file redirections…)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(line, message)
        self.args = (f"line {line}: {message}",)


class ShellExit(Exception):
    """`exit N`, or `set -e` stopping the script after a failure."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code
