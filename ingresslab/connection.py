"""`connect()`: choose a backend and say why."""

from __future__ import annotations

import os
from typing import Literal

from ingresslab.lab import Lab

__all__ = ["connect"]


def connect(
    backend: Literal["auto", "sandbox", "live"] = "auto",
    *,
    state: str | os.PathLike[str] | None = "default",
    seed: int = 0,
    context: str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 2.0,
    allow_destructive: bool = False,
) -> Lab:
    """Return a Lab. `auto` picks a live cluster only if its context answers within `timeout` seconds.

    `state` names the sandbox (a name, or a path ending in .json); `None` keeps it in memory only.
    """
    from ingresslab.launcher import default_backend

    # "auto" defers to $INGRESSLAB_BACKEND, which Binder and `ingresslab lab` set to "sandbox".
    backend = default_backend(backend)  # type: ignore[assignment]
    why = ""
    if backend in ("auto", "live"):
        from ingresslab.backends.live import LiveBackend, probe_context

        probe = probe_context(context, timeout=timeout)
        if probe.reachable:
            live = LiveBackend(context=probe.context, allow_destructive=allow_destructive)
            return _current(
                Lab(live, cwd=cwd, why=f"live: context {probe.context} answered ({probe.server})")
            )
        if backend == "live":
            from ingresslab.errors import IngresslabError

            raise IngresslabError(
                f"cannot use a live cluster: {probe.reason}. Use connect('sandbox') to work offline."
            )
        why = f"sandbox: {probe.reason}"
    from ingresslab.backends.sandbox import SandboxBackend

    sandbox = SandboxBackend(state, seed=seed)
    return _current(Lab(sandbox, cwd=cwd, why=why or "sandbox chosen explicitly"))


def _current(lab: Lab) -> Lab:
    """The newest lab is the one the notebook magics (%kubectl, %%lab) talk to."""
    from ingresslab.magics import set_current_lab

    set_current_lab(lab)
    return lab
