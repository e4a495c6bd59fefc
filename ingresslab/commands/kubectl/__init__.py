"""kubectl, emulated over any Backend: the seed's commands and what learners type next, printed as kubectl prints.

Live mode prefers the real binary; this emulation is what the sandbox (and a live lab without kubectl) uses.
"""

from __future__ import annotations

from collections.abc import Callable

from ingresslab.backends.base import Backend
from ingresslab.commands.kubectl import config as config_verb
from ingresslab.commands.kubectl import plugins
from ingresslab.commands.kubectl.annotate import annotate
from ingresslab.commands.kubectl.clusterinfo import auth, cluster_info, edit
from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, run_guarded
from ingresslab.commands.kubectl.containers import debug, exec_, logs
from ingresslab.commands.kubectl.events import events
from ingresslab.commands.kubectl.explain import explain
from ingresslab.commands.kubectl.expose import expose
from ingresslab.commands.kubectl.flags import FlagError
from ingresslab.commands.kubectl.inspect import api_resources, describe, version, wait
from ingresslab.commands.kubectl.kustomize import kustomize
from ingresslab.commands.kubectl.mutate import apply, create, delete, label, patch, scale
from ingresslab.commands.kubectl.portforward import port_forward
from ingresslab.commands.kubectl.rollout import rollout
from ingresslab.commands.kubectl.run import run as run_verb
from ingresslab.commands.kubectl.setcmd import set_
from ingresslab.commands.kubectl.watch import get_or_watch
from ingresslab.commands.result import CommandResult, Invocation

__all__ = ["VERBS", "Kubectl"]

Verb = Callable[[KubectlContext, list[str]], CommandResult]

VERBS: dict[str, Verb] = {
    "get": get_or_watch,
    "describe": describe,
    "apply": apply,
    "create": create,
    "delete": delete,
    "label": label,
    "scale": scale,
    "patch": patch,
    "logs": logs,
    "exec": exec_,
    "debug": debug,
    "config": config_verb.config,
    "api-resources": api_resources,
    "version": version,
    "rollout": rollout,
    "wait": wait,
    "kustomize": kustomize,
    "ingress-nginx": plugins.ingress_nginx,
    "run": run_verb,
    "expose": expose,
    "annotate": annotate,
    "set": set_,
    "cluster-info": cluster_info,
    "auth": auth,
    "edit": edit,
    "explain": explain,
    "events": events,
    "port-forward": port_forward,
}


class Kubectl:
    """A CommandFunc: `Kubectl(backend)(Invocation(["kubectl", "get", "pods"]))`."""

    def __init__(self, backend: Backend, cwd: str = ".") -> None:
        self.backend = backend
        self.cwd = cwd

    def __call__(self, inv: Invocation) -> CommandResult:
        args = list(inv.argv[1:])
        args = _strip_context(args, self.backend.context_name())
        if isinstance(args, CommandResult):
            return args
        verb_index = _verb_index(args)
        if verb_index is None:
            return CommandResult(
                "kubectl controls the Kubernetes cluster manager.\n\nAvailable in the sandbox: "
                + ", ".join(sorted(VERBS))
                + "\n"
            )
        verb = args[verb_index]
        rest = args[:verb_index] + args[verb_index + 1 :]
        func = VERBS.get(verb)
        if func is None:
            return CommandResult(
                "",
                f'error: unknown command "{verb}" for "kubectl"\n\nDid you mean this?\n'
                + _closest(verb)
                + "\n",
                1,
            )
        ctx = KubectlContext(self.backend, inv.cwd or self.cwd, inv.stdin, verb)

        def run(c: KubectlContext, argv: list[str]) -> CommandResult:
            try:
                return func(c, argv)
            except FlagError as exc:
                raise KubectlError(f"error: {exc}\nSee 'kubectl {verb} --help' for usage.") from None

        return run_guarded(run, ctx, rest)


# Global flags kubectl accepts before the verb that take a value (`kubectl -n istio-system get svc`).
_VALUE_FLAGS = {
    "-n",
    "--namespace",
    "-s",
    "--server",
    "--kubeconfig",
    "--cluster",
    "--user",
    "-l",
    "--selector",
}


def _verb_index(args: list[str]) -> int | None:
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-"):
            return i
        i += 2 if arg in _VALUE_FLAGS else 1
    return None


def _strip_context(args: list[str], current: str) -> list[str] | CommandResult:
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--context" or a.startswith("--context="):
            value = a.partition("=")[2] if "=" in a else (args[i + 1] if i + 1 < len(args) else "")
            i += 1 if "=" in a else 2
            if value != current:
                return CommandResult("", f'error: context "{value}" does not exist\n', 1)
            continue
        if a == "--":
            out += args[i:]
            break
        out.append(a)
        i += 1
    return out


def _closest(verb: str) -> str:
    import difflib

    return "\t" + "\n\t".join(difflib.get_close_matches(verb, VERBS, n=2, cutoff=0.5) or ["get"])
