"""The Backend protocol: everything above it speaks Kubernetes-shaped dicts and never asks which backend it has.

Like an HTTP client's transport, a backend is swapped without touching the layers above: the sandbox emulates
a minikube cluster in memory, the live backend talks to a real API server, and `MemoryBackend` is the tiny
store unit tests use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from ingresslab.kube.resources import Kinds

__all__ = ["ALL_NAMESPACES", "ApplyResult", "Backend", "Discovery", "ExecResult", "Obj"]

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


@runtime_checkable
class Discovery(Protocol):
    """Which kinds the cluster serves now — the built-ins plus those of its CRDs — as a discovery client
    sees them; kubectl emulation resolves `svc`, `vs`, `widgets.example.com` through it."""

    def discovery(self) -> Kinds: ...
