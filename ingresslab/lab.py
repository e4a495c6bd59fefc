"""The façade a notebook talks to: one Lab per cluster, whatever the backend.

`lab.sh(...)` runs the tutorial's shell snippets, `lab.kubectl(...)` one kubectl command; both return a
CommandResult that shows as terminal text in a notebook.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from pathlib import Path

from ingresslab.backends.base import Backend
from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import CommandFunc, CommandResult, Invocation

__all__ = ["Lab"]


class Lab:
    def __init__(self, backend: Backend, *, cwd: str | os.PathLike[str] | None = None, why: str = "") -> None:
        self.backend = backend
        self.cwd = str(Path(cwd) if cwd is not None else Path.cwd())
        self.why = why or f"{backend.name} backend chosen explicitly"
        self.commands: dict[str, CommandFunc] = self._commands()
        from ingresslab.commands.shell import Shell

        self.shell = Shell(self.commands, cwd=self.cwd)

    def _commands(self) -> dict[str, CommandFunc]:
        from ingresslab.commands.textutils import default_commands

        commands: dict[str, CommandFunc] = dict(default_commands())
        commands["kubectl"] = Kubectl(self.backend, self.cwd)
        tools = getattr(self.backend, "tools", None)
        if callable(tools):
            commands.update(tools(self))
        return commands

    @property
    def mode(self) -> str:
        return self.backend.name

    @property
    def env(self) -> dict[str, str]:
        """Shell variables carried between `sh` calls (e.g. `$POD`, `$CLUSTER_IP`)."""
        return self.shell.env

    def sh(self, script: str) -> CommandResult:
        """Run shell text (variables, `$(…)`, `&&`, pipes to grep/head/tail/wc) against this lab's cluster."""
        return self.shell.run(script)

    def _tool(self, name: str, args: str | Sequence[str]) -> CommandResult:
        argv = shlex.split(args) if isinstance(args, str) else list(args)
        if argv and argv[0] == name:
            argv = argv[1:]
        func = self.commands.get(name)
        if func is None:
            return CommandResult("", f"{name}: not available with the {self.mode} backend\n", 127)
        return func(Invocation([name, *argv], env=dict(self.shell.env), cwd=self.cwd))

    def kubectl(self, args: str | Sequence[str]) -> CommandResult:
        """`lab.kubectl("get svc -l app=hw-v1 -owide")`: one kubectl command (quotes as a shell would split them)."""
        return self._tool("kubectl", args)

    def minikube(self, args: str | Sequence[str]) -> CommandResult:
        return self._tool("minikube", args)

    def istioctl(self, args: str | Sequence[str]) -> CommandResult:
        return self._tool("istioctl", args)

    def curl(self, args: str | Sequence[str]) -> CommandResult:
        return self._tool("curl", args)

    def reset(self) -> None:
        """Start the sandbox over from a fresh minikube (live clusters are never reset)."""
        reset = getattr(self.backend, "reset", None)
        if not callable(reset):
            raise RuntimeError(
                "only the sandbox can be reset; on a live cluster delete what you created instead"
            )
        reset()
        self.shell.env.clear()

    def __repr__(self) -> str:
        return f"<Lab {self.mode}: {self.why}>"
