"""The verbs that change the cluster: apply, create, delete, label, scale."""

from __future__ import annotations

import copy
import json
import re

import yaml

from ingresslab.commands.kubectl.common import (
    KubectlContext,
    KubectlError,
    fail,
    kind_group,
    resolve_type,
    served_kinds,
)
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.kubectl.imperative import check_output, dry_run, normalise_argv
from ingresslab.commands.kubectl.kustomize import kustomized_manifests
from ingresslab.commands.result import CommandResult
from ingresslab.errors import AlreadyExists, ApiError, NotFound
from ingresslab.kube import printers
from ingresslab.kube.apply import merge_for_apply, merge_patch, with_last_applied
from ingresslab.kube.crds import CRD_KEY
from ingresslab.kube.manifests import ManifestError, load_manifests
from ingresslab.kube.resources import ResourceType, UnknownResourceType

__all__ = ["apply", "create", "delete", "label", "patch", "scale"]

_FILE_FLAGS = [
    Flag("filename", "f", repeat=True),
    Flag("recursive", "R", value=False),
    Flag("namespace", "n"),
    Flag("output", "o"),
    Flag("context"),
]


def _load(ctx: KubectlContext, files: list[str], recursive: bool) -> list:
    try:
        return load_manifests(files, cwd=ctx.cwd, stdin=ctx.stdin, recursive=recursive)
    except ManifestError as exc:
        raise fail(str(exc)) from None


def _check_types(ctx: KubectlContext, manifests: list) -> None:
    """kubectl maps every object to a served type before sending any."""
    kinds = served_kinds(ctx)
    for m in manifests:
        obj = m.obj
        name = (obj.get("metadata") or {}).get("name", "")
        ns = (obj.get("metadata") or {}).get("namespace", "")
        try:
            try:
                kinds.resolve_kind(obj["apiVersion"], obj["kind"])
            except UnknownResourceType:  # ask discovery once more, as kubectl does on a miss
                kinds = served_kinds(ctx, fresh=True)
                kinds.resolve_kind(obj["apiVersion"], obj["kind"])
        except UnknownResourceType:
            raise KubectlError(
                f'error: resource mapping not found for name: "{name}" namespace: "{ns}" from "{m.source}": '
                f'no matches for kind "{obj["kind"]}" in version "{obj["apiVersion"]}"\n'
                "ensure CRDs are installed first"
            ) from None


_APPLY_FLAGS = [
    *_FILE_FLAGS,
    Flag("kustomize", "k"),
    Flag("server-side", value=False),
    Flag("force-conflicts", value=False),
    Flag("field-manager"),
    Flag("dry-run"),
]


def apply(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(normalise_argv(argv), _APPLY_FLAGS)
    mode = dry_run(p)
    files = p.get("filename") or []
    target = p.get("kustomize")
    if files and target:
        raise fail("only one of -f or -k can be specified")
    if not files and not target:
        raise fail("must specify one of -f and -k")
    if p.get("force-conflicts") and not p.get("server-side"):
        raise fail("--force-conflicts only works with --server-side")
    manifests = (
        kustomized_manifests(str(target)) if target else _load(ctx, files, bool(p.get("recursive")))  # type: ignore[arg-type]
    )
    if not manifests:
        raise fail("no objects passed to apply")
    _check_types(ctx, manifests)
    output = str(p.get("output") or "")
    check_output(output)
    return _each(
        ctx,
        manifests,
        p.get("namespace"),
        "server-side" if p.get("server-side") else "apply",
        dry=mode,
        output=output,
    )


def _sets_other_values(manifest: object, live: object, *, atomic_lists: bool) -> bool:
    """Whether the manifest sets a field to something the live object does not hold: then client-side apply's
    three-way patch is not empty, kubectl sends it and prints `configured` even if the server changes
    nothing (a CRD file's `status` stub, say, which the server ignores). A custom resource is patched with a
    JSON merge patch, which replaces lists whole, so a list the server filled defaults into always differs;
    built-in kinds get a strategic merge patch, which compares list items one by one."""
    if isinstance(manifest, dict) and isinstance(live, dict):
        return any(
            key not in live or _sets_other_values(value, live[key], atomic_lists=atomic_lists)
            for key, value in manifest.items()
            if value is not None
        )
    if isinstance(manifest, list) and isinstance(live, list) and not atomic_lists:
        return len(manifest) != len(live) or any(
            _sets_other_values(m, v, atomic_lists=False) for m, v in zip(manifest, live, strict=True)
        )
    return manifest != live


def _removes_fields(applied: object, manifest: object) -> bool:
    """Whether the manifest drops a field its last apply set (then the three-way patch deletes it)."""
    if isinstance(applied, dict) and isinstance(manifest, dict):
        return any(
            key not in manifest or _removes_fields(value, manifest[key]) for key, value in applied.items()
        )
    return False


def _dry_run_action(
    ctx: KubectlContext, rtype: ResourceType, obj: dict, namespace: object, mode: str, dry: str
) -> str:
    """What an apply or create would do, without doing it: nothing is stored (a server dry run still fails
    where the server would refuse the create; a client dry run of create asks the server nothing)."""
    if mode == "create" and dry == "client":
        return "created"
    meta = obj.get("metadata") or {}
    ns = meta.get("namespace") or (str(namespace) if namespace else None)
    try:
        live = ctx.backend.get(rtype.key, meta.get("name", ""), ns)
    except NotFound:
        return "serverside-applied" if mode == "server-side" else "created"
    if mode == "create":
        raise AlreadyExists(f'{rtype.qualified_plural} "{meta.get("name", "")}" already exists')
    if mode == "server-side":
        return "serverside-applied"
    if dry == "client":  # kubectl computes no patch in a client dry run: an existing object is "configured"
        return "configured"
    atomic = rtype.custom or rtype.key == CRD_KEY
    annotations = (live.get("metadata") or {}).get("annotations") or {}
    try:
        applied = json.loads(annotations.get("kubectl.kubernetes.io/last-applied-configuration") or "{}")
    except ValueError:
        applied = {}
    # what kubectl records as last applied: the manifest with its namespace and an annotations map
    modified = copy.deepcopy(obj)
    modified_meta = modified.setdefault("metadata", {})
    modified_meta.setdefault("annotations", {})
    if rtype.namespaced:
        modified_meta.setdefault("namespace", ns or ctx.namespace(None))
    changed = _sets_other_values(obj, live, atomic_lists=atomic) or _removes_fields(applied, modified)
    return "configured" if changed else "unchanged"


def _shown_by_dry_run(
    ctx: KubectlContext, rtype: ResourceType, obj: dict, namespace: object, dry: str
) -> dict:
    """The object `apply --dry-run -o yaml|json` prints: a new one as kubectl would send it (the manifest in its
    namespace, with the last-applied annotation); an existing one as fetched (client) or as patched (server)."""
    manifest = copy.deepcopy(obj)
    meta = manifest.setdefault("metadata", {})
    if rtype.namespaced:
        meta.setdefault("namespace", str(namespace) if namespace else ctx.namespace(None))
    try:
        live = ctx.backend.get(rtype.key, meta.get("name", ""), meta.get("namespace"))
    except NotFound:
        return with_last_applied(manifest)
    return live if dry == "client" else merge_for_apply(live, manifest)


def _each(
    ctx: KubectlContext,
    manifests: list,
    namespace: object,
    mode: str,
    *,
    dry: str = "none",
    output: str = "",
) -> CommandResult:
    out, err, warnings = [], [], []
    shown: list[dict] = []  # what -o yaml|json prints, once every object is done
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry, "")
    for m in manifests:
        rtype = _kind_of(ctx, m.obj)
        name = m.obj.get("metadata", {}).get("name", "")
        try:
            if dry != "none":
                if output in ("yaml", "json"):
                    shown.append(_shown_by_dry_run(ctx, rtype, m.obj, namespace, dry))
                action = _dry_run_action(ctx, rtype, m.obj, namespace, mode, dry)
                line = f"{kind_group(rtype)}/{name}"
                if output != "name":
                    line += f" {action}{suffix}"
                if output not in ("yaml", "json"):
                    out.append(line)
                sent = dry == "server" and action != "unchanged"
            elif mode in ("apply", "server-side"):
                result = ctx.backend.apply(m.obj, namespace=str(namespace) if namespace else None)
                action = result.action
                atomic = rtype.custom or rtype.key == CRD_KEY
                if action == "unchanged" and _sets_other_values(m.obj, result.object, atomic_lists=atomic):
                    action = "configured"
                if mode == "server-side":
                    action = "serverside-applied"
                if output in ("yaml", "json"):
                    shown.append(result.object)
                else:
                    out.append(f"{kind_group(rtype)}/{name}" + ("" if output == "name" else f" {action}"))
                sent = action != "unchanged"  # an unchanged apply sends no request, so hears no warning
            else:
                ctx.backend.create(m.obj, namespace=str(namespace) if namespace else None)
                out.append(f"{kind_group(rtype)}/{name} created")
                sent = True
            warnings.extend(_warnings(rtype, m.obj) if sent else [])
        except ApiError as exc:
            # kubectl names the step that failed: creating for new objects, patching for existing ones.
            verb = "creating" if mode == "create" or not _exists(ctx, rtype, m.obj, namespace) else "patching"
            err.append(exc.kubectl_text(f'{verb} "{m.source}"'))
    text = "".join(f"{line}\n" for line in out)
    if shown:
        # apply prints one object alone, several as a corev1.List (whose ListMeta is empty)
        doc = (
            shown[0]
            if len(shown) == 1
            else {"apiVersion": "v1", "items": shown, "kind": "List", "metadata": {}}
        )
        text += printers.print_yaml(doc) if output == "yaml" else printers.print_json(doc)
    return CommandResult(text, "".join(f"{line}\n" for line in [*warnings, *err]), 1 if err else 0)


def _warnings(rtype: ResourceType, obj: dict) -> list[str]:
    """The API server's warnings for a write (kubectl prints them as `Warning: …` on stderr)."""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if rtype.kind == "Ingress" and "kubernetes.io/ingress.class" in annotations:
        # pkg/api/ingress/util.go (GetWarningsForIngress)
        return [
            'Warning: annotation "kubernetes.io/ingress.class" is deprecated, please use '
            "'spec.ingressClassName' instead"
        ]
    return []


def _kind_of(ctx: KubectlContext, obj: dict) -> ResourceType:
    """The served type of a manifest (asked anew: an earlier manifest may have been its CRD)."""
    return served_kinds(ctx).resolve_kind(obj["apiVersion"], obj["kind"])


def _exists(ctx: KubectlContext, rtype, obj: dict, namespace: object) -> bool:
    meta = obj.get("metadata") or {}
    try:
        ctx.backend.get(
            rtype.key, meta.get("name", ""), meta.get("namespace") or (str(namespace) if namespace else None)
        )
    except ApiError:
        return False
    return True


def create(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    from ingresslab.commands.kubectl.create import create_generator

    generated = create_generator(ctx, argv)
    if generated is not None:
        return generated
    flags = [*_FILE_FLAGS, Flag("dry-run")]
    p = parse_flags(normalise_argv(argv), flags)
    if p.get("filename"):
        mode = dry_run(p)
        manifests = _load(ctx, p.get("filename"), bool(p.get("recursive")))  # type: ignore[arg-type]
        _check_types(ctx, manifests)
        return _each(ctx, manifests, p.get("namespace"), "create", dry=mode)
    if not p.args:
        raise fail("must specify one of -f and -k")
    raise fail(
        f'"kubectl create {p.args[0]}" is not available in the sandbox; write a manifest and use kubectl apply -f'
    )


def delete(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    flags = [
        *_FILE_FLAGS,
        Flag("selector", "l"),
        Flag("all", value=False),
        Flag("ignore-not-found", value=False),
        Flag("wait", value=False),
        Flag("now", value=False),
        Flag("force", value=False),
        Flag("grace-period"),
        Flag("dry-run"),
    ]
    p = parse_flags(normalise_argv(argv), flags)
    mode = dry_run(p)
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
    targets: list[tuple] = []  # (rtype, name, namespace or None, source)
    if p.get("filename"):
        manifests = _load(ctx, p.get("filename"), bool(p.get("recursive")))  # type: ignore[arg-type]
        _check_types(ctx, manifests)
        for m in manifests:
            rtype = _kind_of(ctx, m.obj)
            meta = m.obj.get("metadata") or {}
            ns = meta.get("namespace") or (p.get("namespace") if rtype.namespaced else None)
            targets.append((rtype, meta.get("name", ""), ns, m.source))
    elif p.args:
        if "/" in p.args[0]:
            for arg in p.args:
                kind, _, name = arg.partition("/")
                targets.append((resolve_type(kind, ctx), name, p.get("namespace"), None))
        else:
            rtype = resolve_type(p.args[0], ctx)
            names = p.args[1:]
            if p.get("selector") or p.get("all"):
                ns = ctx.namespace(p.get("namespace"))
                objs = ctx.backend.list(rtype.key, ns, label_selector=p.get("selector"))  # type: ignore[arg-type]
                if not objs:
                    # kubectl delete says so on stdout, without the namespace (unlike kubectl get)
                    return CommandResult("No resources found\n", "")
                names = [o["metadata"]["name"] for o in objs]
            if not names:
                raise fail("resource(s) were provided, but no name was specified")
            targets += [(rtype, n, p.get("namespace"), None) for n in names]
    else:
        raise fail(
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"
        )
    out, err = [], []
    for rtype, name, ns, source in targets:
        try:
            if mode == "none":
                ctx.backend.delete(rtype.key, name, str(ns) if ns else None)
            else:  # a dry run still finds the object first
                ctx.backend.get(rtype.key, name, str(ns) if ns else None)
            out.append(f'{kind_group(rtype)} "{name}" deleted{suffix}')
        except NotFound as exc:
            if not p.get("ignore-not-found"):
                # objects named in a file: kubectl says which file it was deleting from
                err.append(exc.kubectl_text(f'deleting "{source}"' if source else None))
    return CommandResult("".join(f"{x}\n" for x in out), "".join(f"{x}\n" for x in err), 1 if err else 0)


def label(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        normalise_argv(argv),
        [
            Flag("namespace", "n"),
            Flag("overwrite", value=False),
            Flag("context"),
            Flag("output", "o"),
            Flag("dry-run"),
        ],
    )
    mode = dry_run(p)
    output = str(p.get("output") or "")
    check_output(output)
    args = list(p.args)
    if not args:
        raise fail("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if "/" in args[0]:
        kind, _, name = args.pop(0).partition("/")
        targets = [(resolve_type(kind, ctx), name)]
    else:
        rtype = resolve_type(args.pop(0), ctx)
        names = [a for a in args if "=" not in a and not a.endswith("-")]
        args = [a for a in args if a not in names]
        if not names:
            raise fail("one or more resources must be specified as <resource> <name> or <resource>/<name>")
        targets = [(rtype, n) for n in names]
    changes: dict[str, str | None] = {}
    for a in args:
        if a.endswith("-") and "=" not in a:
            changes[a[:-1]] = None
        elif "=" in a and not a.startswith("="):
            key, _, value = a.partition("=")
            changes[key] = value
        else:
            raise fail(f"invalid label spec: {a}")
    if not changes:
        raise fail("at least one label update is required")
    for key, value in changes.items():
        if value is not None and not _LABEL_VALUE.match(value):
            raise fail(f'invalid label value: "{key}={value}": {_LABEL_VALUE_MESSAGE}')
    out = []
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
    for rtype, name in targets:
        before = ctx.backend.get(rtype.key, name, p.get("namespace"))  # type: ignore[arg-type]
        old_labels = before["metadata"].get("labels") or {}
        # kubectl labels its own copy first (labelFunc): a client dry run stops there
        clash = [
            f"'{k}' already has a value ({old_labels[k]}), and --overwrite is false"
            for k, v in changes.items()
            if v is not None and k in old_labels and old_labels[k] != v and not p.get("overwrite")
        ]
        if clash:
            raise fail(clash[0] if len(clash) == 1 else "[" + ", ".join(clash) + "]")
        shown = copy.deepcopy(before)
        new_labels = dict(old_labels)
        for key, value in changes.items():
            if value is None:
                new_labels.pop(key, None)
            else:
                new_labels[key] = value
        if new_labels or "labels" in shown["metadata"]:
            shown["metadata"]["labels"] = new_labels
        if mode != "client":
            bad = next((k for k, v in changes.items() if v is not None and _label_key_error(k)), None)
            if bad is not None:
                raise KubectlError(
                    f'The {rtype.kind} "{name}" is invalid: metadata.labels: Invalid value: "{bad}": {_label_key_error(bad)}'
                )
            for key, value in changes.items():
                if value is None and key not in old_labels:
                    out.append(f'label "{key}" not found.')
        if mode == "none":
            try:
                ctx.backend.label(
                    rtype.key, name, changes, p.get("namespace"), overwrite=bool(p.get("overwrite"))
                )  # type: ignore[arg-type]
            except ApiError as exc:
                raise fail(exc.message) from None
        # kubectl's rule (updateDataChangeMsg): unchanged → "not labeled"; shorter without --overwrite → "unlabeled"
        if old_labels == new_labels:
            message = "not labeled"
        elif len(json.dumps(new_labels)) < len(json.dumps(old_labels)) and not p.get("overwrite"):
            message = "unlabeled"
        else:
            message = "labeled"
        if output in ("yaml", "json"):  # the object kubectl labeled locally, as it fetched it
            out.append((printers.print_yaml(shown) if output == "yaml" else printers.print_json(shown))[:-1])
        elif output == "name":
            out.append(f"{kind_group(rtype)}/{name}")
        else:
            out.append(f"{kind_group(rtype)}/{name} {message}{suffix}")
    return CommandResult("".join(f"{x}\n" for x in out))


_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_LABEL_VALUE_MESSAGE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


def _label_key_error(key: str) -> str | None:
    """apimachinery's IsQualifiedName for the name part of a label key (the prefix is checked as a subdomain)."""
    name = key.rpartition("/")[2]
    if not _QUALIFIED_NAME.match(name):
        return (
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        )
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    return None


def scale(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        normalise_argv(argv),
        [Flag("namespace", "n"), Flag("replicas"), Flag("context"), Flag("dry-run"), Flag("output", "o")],
    )
    mode = dry_run(p)
    output = str(p.get("output") or "")
    check_output(output)
    if p.get("replicas") is None:
        raise fail('required flag(s) "replicas" not set')
    try:
        replicas = int(str(p.get("replicas")))
    except ValueError:
        raise fail(
            f'invalid argument "{p.get("replicas")}" for "--replicas" flag: strconv.ParseInt: parsing "{p.get("replicas")}": invalid syntax'
        ) from None
    args = list(p.args)
    if args and "/" in args[0]:
        kind, _, name = args[0].partition("/")
    elif len(args) >= 2:
        kind, name = args[0], args[1]
    else:
        raise fail("resource(s) were provided, but no name was specified")
    if replicas < 0:
        raise fail("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    rtype = resolve_type(kind, ctx)
    try:
        before = ctx.backend.get(rtype.key, name, p.get("namespace"))  # type: ignore[arg-type]
    except NotFound:
        # kubectl scale resolves its targets first (ignoring NotFound) and then has nothing to scale
        raise fail("no objects passed to scale") from None
    if mode == "none":
        ctx.backend.patch(rtype.key, name, {"spec": {"replicas": replicas}}, p.get("namespace"))  # type: ignore[arg-type]
    # -o prints the object as kubectl fetched it, before scaling (RunScale prints info.Object)
    if output == "yaml":
        return CommandResult(printers.print_yaml(before))
    if output == "json":
        return CommandResult(printers.print_json(before))
    if output == "name":
        return CommandResult(f"{kind_group(rtype)}/{name}\n")
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
    return CommandResult(f"{kind_group(rtype)}/{name} scaled{suffix}\n")


def patch(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    """`kubectl patch TYPE NAME -p JSON [--type merge|strategic]` (a strategic patch of plain fields merges alike)."""
    p = parse_flags(
        argv,
        [
            Flag("namespace", "n"),
            Flag("patch", "p"),
            Flag("type"),
            Flag("context"),
            Flag("output", "o"),
            Flag("subresource"),
            Flag("dry-run"),
        ],
    )
    args = list(p.args)
    if args and "/" in args[0]:
        kind, _, name = args[0].partition("/")
    elif len(args) >= 2:
        kind, name = args[0], args[1]
    else:
        raise fail("resource(s) were provided, but no name was specified")
    mode = dry_run(p)
    if p.get("patch") is None:
        raise fail("must specify -p to patch")
    if str(p.get("type") or "strategic") not in ("merge", "strategic"):
        raise fail(f"--type {p.get('type')} is not available in the sandbox; use --type merge")
    try:
        # kubectl converts the patch from YAML (a superset of JSON) before sending it
        body = yaml.safe_load(str(p.get("patch")))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise fail(
            f'unable to parse "{p.get("patch")}": error converting YAML to JSON: yaml: {where}{problem}'
        ) from None
    if not isinstance(body, dict):
        go_type = {str: "string", list: "array", bool: "bool", int: "number", float: "number"}.get(
            type(body), "null"
        )
        raise KubectlError(
            "Error from server (BadRequest): json: cannot unmarshal "
            f"{go_type} into Go value of type map[string]interface {{}}"
        )
    subresource = str(p.get("subresource") or "")
    if subresource and subresource not in ("status", "scale"):
        raise fail(f'invalid subresource value: "{subresource}". Must be one of [status scale]')
    if subresource == "status":  # the status endpoint takes the status alone
        body = {"status": body["status"]} if "status" in body else {}
    rtype = resolve_type(kind, ctx)
    before = ctx.backend.get(rtype.key, name, p.get("namespace"))  # type: ignore[arg-type]
    if mode == "none":
        after = ctx.backend.patch(rtype.key, name, body, p.get("namespace"))  # type: ignore[arg-type]
    else:  # a dry run shows the patched object without storing it
        after = merge_patch(copy.deepcopy(before), body)

    def comparable(obj: dict) -> dict:
        meta = {
            k: v for k, v in obj.get("metadata", {}).items() if k not in ("resourceVersion", "managedFields")
        }
        return {**obj, "metadata": meta}

    same = comparable(before) == comparable(after)
    output = str(p.get("output") or "")
    if output in ("yaml", "json"):
        return CommandResult(printers.print_yaml(after) if output == "yaml" else printers.print_json(after))
    if output == "name":
        return CommandResult(f"{kind_group(rtype)}/{name}\n")
    # kubectl patch names no dry run in its message (its printer is not told the strategy)
    return CommandResult(f"{kind_group(rtype)}/{name} {'patched (no change)' if same else 'patched'}\n")
