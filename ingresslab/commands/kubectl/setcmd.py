"""`kubectl set image TYPE/NAME CONTAINER=IMAGE …` and `kubectl set env TYPE/NAME K=V … [K-]`: a change of the
pod template, so a Deployment rolls (its controller makes a new ReplicaSet), as kubectl v1.31's set does."""

from __future__ import annotations

import copy

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail, kind_group
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.kubectl.imperative import (
    PRINT_FLAGS,
    dry_run,
    normalise_argv,
    resource_targets,
    usage,
)
from ingresslab.commands.result import CommandResult
from ingresslab.errors import ApiError
from ingresslab.kube import printers

__all__ = ["merge_patch_between", "pod_spec", "set_"]

_SET_FLAGS = [
    *PRINT_FLAGS,
    Flag("all", value=False),
    Flag("selector", "l"),
    Flag("local", value=False),
    Flag("record", value=False),
    Flag("filename", "f", repeat=True),
    Flag("containers", "c"),
    Flag("list", value=False),
    Flag("resolve", value=False),
    Flag("overwrite", value=False),
    Flag("from"),
    Flag("prefix"),
    Flag("keys", repeat=True),
    Flag("env", "e", repeat=True),
]


def pod_spec(obj: dict) -> dict:
    """The pod spec inside a workload (or a Pod's own spec)."""
    if obj.get("kind") == "Pod":
        return obj.setdefault("spec", {})
    if obj.get("kind") == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return obj.setdefault("spec", {}).setdefault("template", {}).setdefault("spec", {})


def merge_patch_between(old: object, new: object) -> object:
    """The JSON merge patch that turns `old` into `new` (keys gone from `new` become null)."""
    if isinstance(old, dict) and isinstance(new, dict):
        patch = {}
        for key in old.keys() | new.keys():
            if key not in new:
                patch[key] = None
            elif key not in old:
                patch[key] = new[key]
            elif old[key] != new[key]:
                patch[key] = merge_patch_between(old[key], new[key])
        return patch
    return new


def _targets(ctx: KubectlContext, args: list[str], p, verb: str):
    """TYPE/NAME … or TYPE NAME … before the KEY=VALUE pairs."""
    namespace = ctx.namespace(p.get("namespace"))
    resources = [a for a in args if "=" not in a and not (a.endswith("-") and verb == "env")]
    pairs = [a for a in args if a not in resources]
    if not resources:
        raise usage(
            f"set {verb}", "one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    targets = resource_targets(ctx, p, resources, namespace, f"set {verb}")
    return namespace, targets, pairs


def _finish(ctx: KubectlContext, p, targets_changed, action: str) -> CommandResult:
    mode = dry_run(p)
    output = str(p.get("output") or "")
    out = []
    for rtype, name, namespace, before, after in targets_changed:
        if before == after:
            continue  # kubectl skips an empty patch and prints nothing for it
        shown = after
        if mode == "none":
            shown = ctx.backend.patch(rtype.key, name, merge_patch_between(before, after), namespace)  # type: ignore[arg-type]
        if output == "yaml":
            out.append(printers.print_yaml(shown))
        elif output == "json":
            out.append(printers.print_json(shown))
        elif output == "name":
            out.append(f"{kind_group(rtype)}/{name}\n")
        else:
            suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
            out.append(f"{kind_group(rtype)}/{name} {action}{suffix}\n")
    return CommandResult("".join(out))


def _set_image(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(normalise_argv(argv), _SET_FLAGS)
    namespace, targets, pairs = _targets(ctx, list(p.args), p, "image")
    if not pairs:
        raise usage("set image", "at least one image update is required")
    images: dict[str, str] = {}
    for pair in pairs:
        name, _, image = pair.partition("=")
        images[name] = image
    changed, errors = [], []
    for rtype, name in targets:
        try:
            obj = ctx.backend.get(rtype.key, name, namespace)
        except ApiError as exc:
            errors.append(exc.kubectl_text())
            continue
        after = copy.deepcopy(obj)
        spec = pod_spec(after)
        containers = [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]
        for cname, image in images.items():
            matched = False
            for c in containers:
                if cname in ("*", c["name"]):
                    c["image"] = image
                    matched = True
            if not matched:
                errors.append(f'error: unable to find container named "{cname}"')
        changed.append((rtype, name, namespace, obj, after))
    if errors and not any(b != a for *_, b, a in changed):
        raise KubectlError("\n".join(errors))
    result = _finish(ctx, p, changed, "image updated")
    if errors:
        return CommandResult(result.stdout, "".join(f"{e}\n" for e in errors), 1)
    return result


def _set_env(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(normalise_argv(argv), _SET_FLAGS)
    namespace, targets, pairs = _targets(ctx, list(p.args), p, "env")
    pairs = [*pairs, *(p.get("env") or [])]  # type: ignore[list-item]
    if p.get("from"):
        raise fail("--from is not available in the sandbox; give the variables as KEY=VALUE")
    if not pairs and not p.get("list"):
        raise usage("set env", "at least one environment variable must be provided")
    add: dict[str, str] = {}
    remove: list[str] = []
    for pair in pairs:
        if "=" in pair:
            key, _, value = pair.partition("=")
            add[key] = value
        else:
            remove.append(pair[:-1])
    wanted = str(p.get("containers") or "*")
    changed, listing = [], []
    for rtype, name in targets:
        obj = ctx.backend.get(rtype.key, name, namespace)
        after = copy.deepcopy(obj)
        spec = pod_spec(after)
        for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
            if wanted not in ("*", c["name"]):
                continue
            if p.get("list"):
                listing.append(f"# {rtype.kind} {name}, container {c['name']}\n")
                listing.extend(f"{e['name']}={e.get('value', '')}\n" for e in c.get("env") or [])
                continue
            env = [e for e in c.get("env") or [] if e["name"] not in remove]
            for key, value in add.items():
                for e in env:
                    if e["name"] == key:
                        e.clear()
                        e.update({"name": key, "value": value})
                        break
                else:
                    env.append({"name": key, "value": value})
            if env:
                c["env"] = env
            else:
                c.pop("env", None)
        changed.append((rtype, name, namespace, obj, after))
    if p.get("list"):
        return CommandResult("".join(listing))
    return _finish(ctx, p, changed, "env updated")


def set_(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    if not argv or argv[0].startswith("-"):
        raise KubectlError(
            "error: Configure application resources.\n\nThese commands help you make changes to existing application "
            "resources.\nSee 'kubectl set -h' for help and examples"
        )
    sub, rest = argv[0], argv[1:]
    if sub == "image":
        return _set_image(ctx, rest)
    if sub == "env":
        return _set_env(ctx, rest)
    if sub in ("resources", "selector", "serviceaccount", "subject"):
        raise fail(f"`kubectl set {sub}` is not available in the sandbox; use kubectl patch or kubectl apply")
    raise KubectlError(f'error: unknown command "{sub}" for "kubectl set"')
