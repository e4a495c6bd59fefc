"""The Backend protocol: everything above it speaks Kubernetes-shaped dicts and never asks which backend it has.

Like an HTTP client's transport, a backend is swapped without touching the layers above: the sandbox emulates
a minikube cluster in memory, the live backend talks to a real API server, and `MemoryBackend` is the tiny
store unit tests use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

from ingresslab.kube.resources import Kinds

__all__ = [
    "ALL_NAMESPACES",
    "ApplyResult",
    "Backend",
    "Clock",
    "DebugContainers",
    "Discovery",
    "ExecResult",
    "Obj",
    "RequestIds",
    "Resettable",
    "Tooled",
]

Obj = dict[str, Any]
"""A Kubernetes object exactly as the API server's JSON has it (apiVersion, kind, metadata, spec, status)."""

ALL_NAMESPACES = "*"
"""Pass as `namespace` to `list` for `kubectl get -A`."""


@dataclass(frozen=True, slots=True)
class ApplyResult:
    object: Obj
    action: Literal["created", "configured", "unchanged"]


@dataclass(frozen=True, slots=True)
class ExecResult:
    stdout: str
    stderr: str = ""
    returncode: int = 0


@runtime_checkable
class Backend(Protocol):
    """What a cluster must provide. `kind` arguments accept anything `kube.resources.resolve` accepts."""

    name: str

    # -- kubeconfig context -------------------------------------------------------------------
    def context_name(self) -> str: ...
    def current_namespace(self) -> str: ...
    def set_namespace(self, namespace: str) -> None: ...

    # -- objects --------------------------------------------------------------------------------
    def create(self, obj: Obj, *, namespace: str | None = None) -> Obj: ...
    def apply(self, obj: Obj, *, namespace: str | None = None) -> ApplyResult: ...
    def apply_many(self, objs: Sequence[Obj], *, namespace: str | None = None) -> list[ApplyResult]:
        """Validate every object first and store none if any is invalid."""
        ...

    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj: ...
    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[Obj]: ...
    def delete(self, kind: str, name: str, namespace: str | None = None) -> Obj: ...
    def patch(self, kind: str, name: str, patch: Mapping[str, Any], namespace: str | None = None) -> Obj:
        """A JSON merge patch (RFC 7386)."""
        ...

    def label(
        self,
        kind: str,
        name: str,
        labels: Mapping[str, str | None],
        namespace: str | None = None,
        *,
        overwrite: bool = False,
    ) -> Obj:
        """Set labels (None removes one); raises Invalid if a label exists with another value and not overwrite."""
        ...

    # -- containers -----------------------------------------------------------------------------
    def logs(
        self,
        pod: str,
        namespace: str | None = None,
        *,
        container: str | None = None,
        tail: int | None = None,
        since_seconds: int | None = None,
        timestamps: bool = False,
    ) -> str: ...
    def exec(
        self, pod: str, command: Sequence[str], namespace: str | None = None, *, container: str | None = None
    ) -> ExecResult: ...


# -- optional capabilities ------------------------------------------------------------------------------
# A backend may offer more than `Backend`; callers ask with `isinstance(backend, Clock)` (the Protocols are
# runtime-checkable), never by probing attribute names.


@runtime_checkable
class Clock(Protocol):
    """A cluster clock (the sandbox's virtual time), used for AGE columns and request windows."""

    def now(self) -> datetime: ...


@runtime_checkable
class RequestIds(Protocol):
    """Request ids from the backend (the sandbox's seeded generator, so a replayed lesson shows the same ids)."""

    def new_request_id(self) -> str: ...


@runtime_checkable
class DebugContainers(Protocol):
    """`kubectl debug POD --image=IMAGE -- CMD`: run an ephemeral container; returns (output, container name)."""

    def debug(
        self,
        pod: str,
        image: str,
        command: Sequence[str],
        namespace: str | None = None,
        *,
        name: str | None = None,
        stdin: str = "",
    ) -> tuple[ExecResult, str]: ...


@runtime_checkable
class Discovery(Protocol):
    """Which kinds the cluster serves now — the built-ins plus those of its CRDs — as a discovery client
    sees them; kubectl emulation resolves `svc`, `vs`, `widgets.example.com` through it. `fresh=True` asks
    again instead of using a cached answer (kubectl does so once when a name is not found)."""

    def discovery(self, *, fresh: bool = False) -> Kinds: ...


@runtime_checkable
class Tooled(Protocol):
    """Command-line tools besides kubectl (minikube, istioctl, curl) as command functions for a Lab's shell."""

    def tools(self, lab: Any) -> dict[str, Any]: ...


@runtime_checkable
class Resettable(Protocol):
    """A cluster that can start over from a fresh boot (the sandbox; live clusters never are)."""

    def reset(self) -> None: ...
