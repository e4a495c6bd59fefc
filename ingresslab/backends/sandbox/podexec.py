"""Programs inside the sandbox's containers (`kubectl exec`, `kubectl debug`): registered in `pod_commands`."""

from __future__ import annotations

from ingresslab.backends.base import ExecResult
from ingresslab.errors import NotAvailableInSandbox

__all__ = ["run_debug"]


def run_debug(
    backend, cluster, pod: dict, image: str, command: list[str], name: str | None
) -> tuple[ExecResult, str]:
    raise NotAvailableInSandbox("kubectl debug is not emulated yet")
