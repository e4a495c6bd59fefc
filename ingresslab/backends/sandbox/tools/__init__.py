"""Command-line tools the sandbox emulates besides kubectl (minikube, istioctl, curl, ingress2gateway on the
learner's machine).

Each module has a `factory(backend, cwd)`; `sandbox_tools()` lists them in one declared order and
`SandboxBackend.tools(lab)` builds the CommandFuncs the Lab's shell dispatches to. None of them ever starts a
host process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ingresslab.commands.result import CommandFunc

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.backend import SandboxBackend

__all__ = ["ToolFactory", "sandbox_tools"]

ToolFactory = Callable[["SandboxBackend", str], CommandFunc]
"""(backend, cwd) -> the command function for one tool."""


def sandbox_tools() -> dict[str, ToolFactory]:
    """A new table of the emulated tools, by command name, in their declared order."""
    from ingresslab.backends.sandbox.tools import (  # they import the backend
        curl,
        ingress2gateway,
        istioctl,
        minikube,
    )

    return {
        "minikube": minikube.factory,
        "istioctl": istioctl.factory,
        "curl": curl.factory,
        "ingress2gateway": ingress2gateway.factory,
    }
