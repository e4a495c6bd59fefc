"""`kubectl annotate TYPE NAME KEY=VAL … [KEY-] [--overwrite]`: kubectl v1.31's annotate (pkg/cmd/annotate)."""

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

__all__ = ["annotate"]

_CHANGE_CAUSE = "kubernetes.io/change-cause"


def _parse(specs: list[str]) -> tuple[dict[str, str], list[str]]:
    """parseAnnotations: `k=v` sets, `k-` removes, anything else is an error."""
    add: dict[str, str] = {}
    remove: list[str] = []
    invalid = []
    for spec in specs:
        if "=" in spec:
            key, _, value = spec.partition("=")
            if not key:
                invalid.append(spec)
                continue
            add[key] = value
        elif spec.endswith("-"):
            remove.append(spec[:-1])
        else:
            invalid.append(spec)
    if invalid:
        raise fail("invalid annotation format: " + ", ".join(invalid))
    both = [k for k in remove if k in add]
    if both:
        raise fail(
            "can not both modify and remove the following annotation(s) in the same command: "
            + ", ".join(both)
        )
    return add, remove


def _overwrites(current: dict, add: dict[str, str]) -> None:
    clashes = [
        f"'{key}' already has a value ({current[key]})"
        for key, value in add.items()
        if key != _CHANGE_CAUSE and key in current and current[key] != value
    ]
    if clashes:
        raise fail(
            "--overwrite is false but found the following declared annotation(s): " + "; ".join(clashes)
        )


def annotate(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        normalise_argv(argv),
        [
            *PRINT_FLAGS,
            Flag("overwrite", value=False),
            Flag("all", value=False),
            Flag("all-namespaces", "A", value=False),
            Flag("selector", "l"),
            Flag("field-selector"),
            Flag("resource-version"),
            Flag("local", value=False),
            Flag("list", value=False),
            Flag("filename", "f", repeat=True),
        ],
    )
    args = list(p.args)
    resources = [a for a in args if "=" not in a and not a.endswith("-")]
    specs = [a for a in args if a not in resources]
    if not resources:
        raise usage(
            "annotate", "one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    add, remove = _parse(specs)
    if not add and not remove and not p.get("list"):
        raise fail("at least one annotation update is required")
    namespace = ctx.namespace(p.get("namespace"))
    targets = resource_targets(ctx, p, resources, namespace, "annotate")
    mode = dry_run(p)
    output = str(p.get("output") or "")
    out, err = [], []
    for rtype, name in targets:
        try:
            obj = ctx.backend.get(rtype.key, name, namespace if rtype.namespaced else None)
        except ApiError as exc:
            err.append(exc.kubectl_text())
            continue
        current = obj["metadata"].get("annotations") or {}
        if p.get("list"):
            out.extend(f"{k}={v}" for k, v in sorted(current.items()))
            continue
        if not p.get("overwrite"):
            _overwrites(current, add)
        if p.get("resource-version") and p.get("resource-version") != obj["metadata"].get("resourceVersion"):
            raise KubectlError(
                f'Error from server (Conflict): Operation cannot be fulfilled on {rtype.qualified_plural} "{name}": '
                "the object has been modified; please apply your changes to the latest version and try again"
            )
        changed = copy.deepcopy(obj)
        annotations = dict(current)
        annotations.update(add)
        for key in remove:
            annotations.pop(key, None)
        if annotations:
            changed["metadata"]["annotations"] = annotations
        else:
            changed["metadata"].pop("annotations", None)
        if mode == "none":
            patch = {"metadata": {"annotations": {**add, **{k: None for k in remove if k in current}}}}
            changed = ctx.backend.patch(rtype.key, name, patch, namespace if rtype.namespaced else None)
        if output == "yaml":
            out.append(printers.print_yaml(changed).rstrip("\n"))
        elif output == "json":
            out.append(printers.print_json(changed).rstrip("\n"))
        elif output == "name":
            out.append(f"{kind_group(rtype)}/{name}")
        else:
            suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
            out.append(f"{kind_group(rtype)}/{name} annotated{suffix}")
    return CommandResult("".join(f"{x}\n" for x in out), "".join(f"{x}\n" for x in err), 1 if err else 0)
