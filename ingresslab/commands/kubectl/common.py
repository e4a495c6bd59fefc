"""What every kubectl verb shares: the context it runs in, kubectl's error texts, and resource naming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ingresslab.backends.base import Backend, Clock, Discovery
from ingresslab.commands.result import CommandResult
from ingresslab.errors import ApiError, IngresslabError
from ingresslab.kube.resources import BUILTIN, Kinds, ResourceType, UnknownResourceType

__all__ = [
    "KubectlContext",
    "KubectlError",
    "expand_types",
    "fail",
    "kind_group",
    "resolve_type",
    "run_guarded",
    "served_kinds",
]


@dataclass
class KubectlContext:
    backend: Backend
    cwd: str
    stdin: str
    verb: str

    def now(self) -> datetime:
        return self.backend.now() if isinstance(self.backend, Clock) else datetime.now().astimezone()

    def namespace(self, flag: object) -> str:
        return str(flag) if flag else self.backend.current_namespace()


class KubectlError(Exception):
    """Ends a verb with kubectl's message (already prefixed) and exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def fail(message: str, code: int = 1) -> KubectlError:
    return KubectlError(f"error: {message}", code)


def kind_group(rtype: ResourceType) -> str:
    """`service`, `deployment.apps`, `ingress.networking.k8s.io`: how kubectl names a type in its output."""
    return f"{rtype.singular}.{rtype.group}" if rtype.group else rtype.singular


def served_kinds(ctx: KubectlContext, *, fresh: bool = False) -> Kinds:
    """The kinds the cluster serves now, from the backend's discovery (built-ins alone if it has none)."""
    return ctx.backend.discovery(fresh=fresh) if isinstance(ctx.backend, Discovery) else BUILTIN


def resolve_type(name: str, ctx: KubectlContext) -> ResourceType:
    """What kubectl's RESTMapper does with `svc`, `vs`, `widgets.example.com`: a served type, or its error."""
    # Like kubectl's deferred RESTMapper: on a miss, discovery is asked again once before giving up.
    rtype = served_kinds(ctx).find(name) or served_kinds(ctx, fresh=True).find(name)
    if rtype is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{name}"')
    return rtype


def expand_types(name: str, ctx: KubectlContext, *, categories: bool = True) -> list[ResourceType]:
    """`kubectl get NAME`'s types: the resource NAME, else every kind in category NAME (`all`, `istio-io`)."""
    served = served_kinds(ctx)
    if categories and name not in served and served.category(name):
        return served.category(name)
    return [resolve_type(name, ctx)]


def run_guarded(func, ctx: KubectlContext, *args) -> CommandResult:
    """Run a verb; turn API and kubectl errors into what kubectl prints, with its exit code."""
    try:
        return func(ctx, *args)
    except KubectlError as exc:
        # A message that brings its own line ends keeps them (jsonpath's execution error ends in blank lines).
        return CommandResult("", exc.message if exc.message.endswith("\n") else exc.message + "\n", exc.code)
    except ApiError as exc:
        return CommandResult("", exc.kubectl_text() + "\n", 1)
    except UnknownResourceType as exc:
        return CommandResult("", f'error: the server doesn\'t have a resource type "{exc.name}"\n', 1)
    except IngresslabError as exc:
        return CommandResult("", f"error: {exc}\n", 1)
