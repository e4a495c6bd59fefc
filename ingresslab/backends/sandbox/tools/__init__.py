"""Command-line tools the sandbox emulates besides kubectl (minikube, istioctl, curl on the learner's machine).

Each module registers a factory with `register_tool`; `SandboxBackend.tools(lab)` builds the CommandFuncs the
Lab's shell dispatches to. None of them ever starts a host process.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from ingresslab.commands.result import CommandFunc

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.backend import SandboxBackend

__all__ = ["TOOLS", "ToolFactory", "load_tools", "register_tool"]

ToolFactory = Callable[["SandboxBackend", str], CommandFunc]
"""(backend, cwd) -> the command function for one tool."""

TOOLS: dict[str, ToolFactory] = {}

_MODULES = ("minikube", "istioctl", "curl")


def register_tool(name: str) -> Callable[[ToolFactory], ToolFactory]:
    def deco(factory: ToolFactory) -> ToolFactory:
        TOOLS[name] = factory
        return factory

    return deco


def load_tools() -> dict[str, ToolFactory]:
    for module in _MODULES:
        importlib.import_module(f"ingresslab.backends.sandbox.tools.{module}")
    return TOOLS
