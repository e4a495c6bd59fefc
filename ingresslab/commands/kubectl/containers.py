"""Verbs that reach into containers: logs, exec, debug."""

from __future__ import annotations

import re

from ingresslab.backends.base import DebugContainers
from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail, resolve_type
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.kubectl.inspect import log_status_error
from ingresslab.commands.result import CommandResult
from ingresslab.errors import NotAvailableInSandbox
from ingresslab.kube.pods import default_container

__all__ = ["debug", "exec_", "logs"]

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def _seconds(text: str) -> int:
    m = _DURATION.match(text)
    if not text or not m or not any(m.groups()):
        raise fail(f'invalid argument "{text}" for "--since" flag: time: invalid duration "{text}"')
    h, mi, s = (int(g or 0) for g in m.groups())
    return h * 3600 + mi * 60 + s


def _container_note(pod: dict, container: str | None) -> str:
    """kubectl's note when it picks a container for you in a pod with several."""
    names = [c["name"] for c in pod["spec"].get("containers") or []]
    inits = [c["name"] for c in pod["spec"].get("initContainers") or []]
    if container or len(names) + len(inits) <= 1:
        return ""
    listed = ", ".join(names + [f"{n} (init)" for n in inits])
    return f'Defaulted container "{default_container(pod)}" out of: {listed}\n'


def _pod_for(ctx: KubectlContext, target: str, namespace: str) -> tuple[dict, str]:
    """A pod name, `pod/x`, or `deployment/x` (first pod), with kubectl's note for the latter."""
    if "/" not in target:
        return ctx.backend.get("pods", target, namespace), ""
    kind, _, name = target.partition("/")
    rtype = resolve_type(kind, ctx)
    if rtype.kind == "Pod":
        return ctx.backend.get("pods", name, namespace), ""
    owner = ctx.backend.get(rtype.key, name, namespace)
    selector = (owner.get("spec", {}).get("selector") or {}).get("matchLabels") or owner.get("spec", {}).get(
        "selector"
    )
    if not selector:
        raise fail(f"cannot find the pods of {rtype.singular}/{name}: it has no selector")
    text = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    pods = ctx.backend.list("pods", namespace, label_selector=text)
    if not pods:
        raise fail("timed out waiting for the condition")
    note = f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n" if len(pods) > 1 else ""
    return pods[0], note


def logs(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            Flag("namespace", "n"),
            Flag("container", "c"),
            Flag("tail"),
            Flag("since"),
            Flag("timestamps", value=False),
            Flag("prefix", value=False),
            Flag("selector", "l"),
            Flag("all-containers", value=False),
            Flag("follow", "f", value=False),
            Flag("previous", "p", value=False),
            Flag("max-log-requests"),
            Flag("context"),
        ],
    )
    if p.get("follow"):
        raise fail("--follow is not available in the sandbox: run the command again to see new lines")
    namespace = ctx.namespace(p.get("namespace"))
    tail = p.get("tail")
    try:
        tail_n = int(str(tail)) if tail is not None else None
    except ValueError:
        raise fail(
            f'invalid argument "{tail}" for "--tail" flag: strconv.ParseInt: parsing "{tail}": invalid syntax'
        ) from None
    since = _seconds(str(p.get("since"))) if p.get("since") else None
    container = p.get("container")
    if p.get("selector"):
        if p.args:
            raise fail("only one of -l or a pod name may be given")
        pods = ctx.backend.list("pods", namespace, label_selector=str(p.get("selector")))
        if tail_n is None:
            tail_n = 10  # kubectl's default when reading by selector
        prefix = bool(p.get("prefix"))
    else:
        if not p.args:
            raise fail(
                "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"
            )
        pod, note = _pod_for(ctx, p.args[0], namespace)
        pods = [pod]
        if len(p.args) > 1 and not container:
            container = p.args[1]
        prefix = bool(p.get("prefix"))
    out, err = [], []
    for pod in pods:
        name = pod["metadata"]["name"]
        names = [c["name"] for c in pod["spec"].get("containers") or []]
        chosen = names if p.get("all-containers") else [container] if container else [None]
        if not p.get("selector") and not p.get("all-containers"):
            err.append(note + _container_note(pod, container))  # type: ignore[possibly-undefined]
        for c in chosen:
            refused = log_status_error(
                pod, c or default_container(pod) or "", previous=bool(p.get("previous"))
            )
            if refused is not None:
                raise refused
            text = ctx.backend.logs(
                name,
                namespace,
                container=c,
                tail=tail_n,
                since_seconds=since,
                timestamps=bool(p.get("timestamps")),
            )
            if prefix:
                shown = c or (names[0] if len(names) == 1 else default_container(pod))
                text = "".join(f"[pod/{name}/{shown}] {line}\n" for line in text.splitlines())
            out.append(text)
    return CommandResult("".join(out), "".join(err))


def exec_(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            Flag("namespace", "n"),
            Flag("container", "c"),
            Flag("stdin", "i", value=False),
            Flag("tty", "t", value=False),
            Flag("context"),
        ],
    )
    if not p.args:
        raise fail("pod, type/name or --filename must be specified")
    if not p.after_dash and len(p.args) < 2:
        raise fail("you must specify at least one command for the container")
    command = p.after_dash or p.args[1:]
    namespace = ctx.namespace(p.get("namespace"))
    pod, note = _pod_for(ctx, p.args[0], namespace)
    note += _container_note(pod, p.get("container"))  # type: ignore[arg-type]
    kwargs = {"stdin": ctx.stdin} if p.get("stdin") and ctx.stdin else {}
    result = ctx.backend.exec(
        pod["metadata"]["name"],
        command,
        namespace,
        container=p.get("container"),
        **kwargs,  # type: ignore[arg-type]
    )
    stderr = note + result.stderr
    if result.returncode not in (0, 126):
        stderr += f"command terminated with exit code {result.returncode}\n"
    return CommandResult(result.stdout, stderr, result.returncode if result.returncode != 126 else 1)


def debug(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            Flag("namespace", "n"),
            Flag("image"),
            Flag("stdin", "i", value=False),
            Flag("tty", "t", value=False),
            Flag("container", "c"),
            Flag("target"),
            Flag("profile"),
            Flag("quiet", "q", value=False),
            Flag("attach", value=False),
            Flag("context"),
        ],
    )
    if not p.args:
        raise fail("at least 1 argument is required for debug")
    if not p.get("image"):
        raise fail("--image is required when not debugging a node")
    if not isinstance(ctx.backend, DebugContainers):
        raise KubectlError("error: this backend cannot start debug containers")
    run = ctx.backend.debug
    namespace = ctx.namespace(p.get("namespace"))
    try:
        result, container = run(
            p.args[0],
            str(p.get("image")),
            p.after_dash or p.args[1:],
            namespace,
            name=p.get("container"),
            stdin=ctx.stdin if p.get("stdin") else "",
        )
    except NotAvailableInSandbox as exc:
        raise fail(str(exc)) from None
    note = (
        "" if p.get("container") or p.get("quiet") else f"Defaulting debug container name to {container}.\n"
    )
    return CommandResult(result.stdout, note + result.stderr, result.returncode)
