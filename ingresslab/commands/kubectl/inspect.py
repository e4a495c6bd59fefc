"""Read-only verbs beyond `get`: describe, api-resources, version, wait; and what the kubelet answers `kubectl logs`
about a container that has no log to give (`log_status_error`)."""

from __future__ import annotations

import json

from ingresslab.backends.base import ALL_NAMESPACES
from ingresslab.commands.kubectl.common import KubectlContext, fail, kind_group, resolve_type, served_kinds
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.result import CommandResult
from ingresslab.errors import BadRequest, IngresslabError, NotFound
from ingresslab.kube import describe as describer
from ingresslab.kube import printers
from ingresslab.kube.resources import UnknownResourceType

__all__ = ["api_resources", "describe", "log_status_error", "version", "wait"]


def describe(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            Flag("namespace", "n"),
            Flag("selector", "l"),
            Flag("all-namespaces", "A", value=False),
            Flag("context"),
        ],
    )
    if not p.args:
        raise fail(
            'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.'
        )
    args = list(p.args)
    if "/" in args[0]:
        kind, _, name = args[0].partition("/")
        rtype, names = resolve_type(kind, ctx), [name]
    else:
        rtype, names = resolve_type(args[0], ctx), args[1:]
    namespace = ctx.namespace(p.get("namespace"))
    objs = []
    err = []
    if names:
        for name in names:
            try:
                objs.append(ctx.backend.get(rtype.key, name, namespace))
            except NotFound as exc:
                err.append(exc.kubectl_text())
    else:
        objs = ctx.backend.list(
            rtype.key, namespace if rtype.namespaced else None, label_selector=p.get("selector")
        )  # type: ignore[arg-type]
        if not objs:
            return CommandResult(
                "", printers.no_resources_message(namespace if rtype.namespaced else None) + "\n"
            )

    def lookup(kind: str, name: str, ns: str | None = None) -> dict | None:
        try:
            return ctx.backend.get(kind, name, ns)
        except NotFound:
            return None

    texts = [
        describer.describe(
            rtype,
            obj,
            now=ctx.now(),
            lookup=lookup,
            related={"events": _events_about(ctx, obj), **_related(ctx, obj)},
        )
        for obj in objs
    ]
    return CommandResult(
        "\n\n".join(t.rstrip("\n") for t in texts) + ("\n" if texts else ""),
        "".join(f"{e}\n" for e in err),
        1 if err else 0,
    )


# What a describer lists beside the object (describe.Related): a Service's EndpointSlices, a Deployment's
# ReplicaSets, a ReplicaSet's pods — in the object's namespace, as kubectl's describers list them.
_RELATED_KEYS = {
    "Service": ("endpointslices.discovery.k8s.io",),
    "Deployment": ("replicasets.apps",),
    "ReplicaSet": ("pods",),
}


def _related(ctx: KubectlContext, obj: dict) -> dict[str, list[dict]]:
    namespace = (obj.get("metadata") or {}).get("namespace")
    return {key: ctx.backend.list(key, namespace) for key in _RELATED_KEYS.get(obj.get("kind", ""), ())}


def _events_about(ctx: KubectlContext, obj: dict) -> list[dict]:
    """The Events whose involvedObject is `obj`, found as kubectl's describers search them: by name, namespace,
    kind and uid (Events about cluster-scoped objects may sit in any namespace)."""
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace")
    wanted = {
        "name": meta.get("name"),
        "namespace": namespace,
        "kind": obj.get("kind"),
        "uid": meta.get("uid"),
    }
    selector = ",".join(f"involvedObject.{k}={v}" for k, v in wanted.items() if v)
    try:
        return ctx.backend.list("events", namespace or ALL_NAMESPACES, field_selector=selector)
    except (IngresslabError, UnknownResourceType):
        return []  # a backend that cannot search Events describes without them, as for an object with none


def api_resources(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            Flag("namespaced"),
            Flag("output", "o"),
            Flag("api-group"),
            Flag("categories"),
            Flag("no-headers", value=False),
        ],
    )
    wide = p.get("output") == "wide"
    rows = [
        ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", *(["VERBS", "CATEGORIES"] if wide else [])]
    ]
    wanted_categories = set(str(p.get("categories") or "").split(",")) - {""}
    shown = []
    for r in sorted(served_kinds(ctx), key=lambda r: (r.group, r.plural)):
        if p.get("namespaced") is not None and str(r.namespaced).lower() != str(p.get("namespaced")).lower():
            continue
        if p.get("api-group") is not None and r.group != p.get("api-group"):
            continue
        if wanted_categories and not wanted_categories <= set(r.categories):
            continue
        shown.append(r)
        row = [r.plural, ",".join(r.short_names), r.api_version, str(r.namespaced).lower(), r.kind]
        rows.append(row + ([_verbs(r), ",".join(r.categories)] if wide else []))
    if p.get("output") == "name":
        return CommandResult("".join(f"{r.qualified_plural}\n" for r in shown))
    if p.get("no-headers"):
        rows = rows[1:]
    return CommandResult(printers.tabulate(rows))


_ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


def _verbs(r) -> str:
    """The discovery document's verbs, as `api-resources -o wide` lists them (sorted)."""
    if r.kind == "Namespace":  # namespaces cannot be deleted as a collection
        return ",".join(v for v in _ALL_VERBS if v != "deletecollection")
    return ",".join(_ALL_VERBS)


# The v1.31.0 release's build stamps (what `kubectl version -o json` shows for minikube's binaries).
_BUILD = {
    "major": "1",
    "minor": "31",
    "gitVersion": "v1.31.0",
    "gitCommit": "9edcffcde5595e8a5b1a35f88c421764e575afce",
    "gitTreeState": "clean",
    "buildDate": "2024-08-13T07:28:49Z",
    "goVersion": "go1.22.5",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def version(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(argv, [Flag("client", value=False), Flag("output", "o"), Flag("context")])
    output = str(p.get("output") or "")
    if output in ("json", "yaml"):
        data = {"clientVersion": dict(_BUILD), "kustomizeVersion": "v5.4.2"}
        if not p.get("client"):
            data["serverVersion"] = dict(_BUILD)
        text = json.dumps(data, indent=2) + "\n" if output == "json" else printers.print_yaml(data)
        return CommandResult(text)
    if output:
        raise fail("--output must be 'yaml' or 'json'")
    client = "Client Version: v1.31.0\nKustomize Version: v5.4.2\n"
    return CommandResult(client if p.get("client") else client + "Server Version: v1.31.0\n")


def wait(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            Flag("namespace", "n"),
            Flag("for"),
            Flag("selector", "l"),
            Flag("timeout"),
            Flag("all", value=False),
            Flag("context"),
        ],
    )
    cond = str(p.get("for") or "")
    if not cond.startswith("condition="):
        raise fail("the sandbox supports --for=condition=NAME")
    wanted = cond.partition("=")[2].partition("=")[0].lower()
    namespace = ctx.namespace(p.get("namespace"))
    if not p.args:
        raise fail("resource(s) were provided, but no name was specified")
    if "/" in p.args[0]:
        kind, _, name = p.args[0].partition("/")
        rtype = resolve_type(kind, ctx)
        objs = [ctx.backend.get(rtype.key, name, namespace)]
    else:
        rtype = resolve_type(p.args[0], ctx)
        objs = [ctx.backend.get(rtype.key, n, namespace) for n in p.args[1:]] or ctx.backend.list(
            rtype.key,
            namespace,
            label_selector=p.get("selector"),  # type: ignore[arg-type]
        )
    if not objs:
        raise fail("no matching resources found")
    out = []
    for obj in objs:
        conds = {
            c.get("type", "").lower(): c.get("status") for c in obj.get("status", {}).get("conditions") or []
        }
        if conds.get(wanted) != "True":
            return CommandResult(
                "".join(out),
                f"error: timed out waiting for the condition on {rtype.plural}/{obj['metadata']['name']}\n",
                1,
            )
        out.append(f"{kind_group(rtype)}/{obj['metadata']['name']} condition met\n")
    return CommandResult("".join(out))


def log_status_error(pod: dict, container: str, *, previous: bool = False) -> BadRequest | None:
    """The kubelet's `validateContainerLogStatus` (1.31), which the API server hands back as a BadRequest:
    a container that never started has no log (`is waiting to start: image can't be pulled`, `trying and
    failing to pull image`, `ContainerCreating`, ...). None when there is a log to read (running, terminated,
    or restarting after a run) or when the pod is not on a node yet (the API server then returns nothing)."""
    name, spec = pod["metadata"]["name"], pod.get("spec") or {}
    declared = [
        c.get("name")
        for key in ("containers", "initContainers", "ephemeralContainers")
        for c in spec.get(key) or []
    ]
    if not spec.get("nodeName") or container not in declared:
        return None  # not on a node yet (no log, no error), or a name the API server refuses itself
    status = pod.get("status") or {}
    found = next(
        (
            cs
            for group in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")
            for cs in status.get(group) or []
            if cs.get("name") == container
        ),
        None,
    )
    if found is None:
        return BadRequest(f'container "{container}" in pod "{name}" is not available')
    state, last = found.get("state") or {}, (found.get("lastState") or {}).get("terminated")
    if previous:
        if not last or not last.get("containerID", True):
            return BadRequest(f'previous terminated container "{container}" in pod "{name}" not found')
        return None
    if state.get("running") or state.get("terminated") or last:
        return None
    waiting = state.get("waiting")
    if waiting is None:
        return BadRequest(f'container "{container}" in pod "{name}" is waiting to start - no logs yet')
    reason = waiting.get("reason") or ""
    text = {"ErrImagePull": "image can't be pulled", "ImagePullBackOff": "trying and failing to pull image"}
    return BadRequest(
        f'container "{container}" in pod "{name}" is waiting to start: {text.get(reason, reason)}'
    )
