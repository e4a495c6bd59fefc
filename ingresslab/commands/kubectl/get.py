"""`kubectl get`: tables, wide, labels, names, JSON/YAML and JSONPath over any backend."""

from __future__ import annotations

from ingresslab.backends.base import ALL_NAMESPACES
from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, expand_types, fail, kind_group
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.result import CommandResult
from ingresslab.errors import NotFound
from ingresslab.kube import jsonpath, printers
from ingresslab.kube.resources import ResourceType

__all__ = ["GET_FLAGS", "get", "list_object"]

GET_FLAGS = [
    Flag("namespace", "n"),
    Flag("all-namespaces", "A", value=False),
    Flag("selector", "l"),
    Flag("field-selector"),
    Flag("output", "o"),
    Flag("show-labels", value=False),
    Flag("no-headers", value=False),
    Flag("watch", "w", value=False),
    Flag("ignore-not-found", value=False),
    Flag("show-kind", value=False),
    Flag("context"),
]


def list_object(items: list[dict]) -> dict:
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def _requests(ctx: KubectlContext, args: list[str]) -> list[tuple[ResourceType, list[str]]]:
    """Turn `svc,ep name` or `pod/a svc/b` into (type, names) requests, in order."""
    if not args:
        raise KubectlError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
            'supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" '
            "for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for "
            "help and examples"
        )
    if "/" in args[0]:
        out: list[tuple[ResourceType, list[str]]] = []
        for arg in args:
            if "/" not in arg:
                raise fail(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"
                )
            kind, _, name = arg.partition("/")
            out.append((expand_types(kind, ctx, categories=False)[0], [name]))
        return out
    types = [t for kind in args[0].split(",") for t in expand_types(kind, ctx)]
    names = args[1:]
    if names and len(types) > 1:
        raise fail("arguments in resource/name form must have a single resource and name")
    return [(t, names) for t in types]


def get(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(argv, GET_FLAGS)
    if p.get("watch"):
        raise fail("--watch is not available in the sandbox: run the command again to see changes")
    output = str(p.get("output") or "")
    all_ns = bool(p.get("all-namespaces"))
    namespace = ALL_NAMESPACES if all_ns else ctx.namespace(p.get("namespace"))
    requests = _requests(ctx, p.args)
    selector = p.get("selector")
    field_selector = p.get("field-selector")

    found: list[tuple[ResourceType, list[dict]]] = []
    errors: list[str] = []
    single = len(requests) == 1 and len(requests[0][1]) == 1
    for rtype, names in requests:
        if names:
            objs = []
            for name in names:
                try:
                    objs.append(ctx.backend.get(rtype.key, name, None if all_ns else namespace))
                except NotFound as exc:
                    if not p.get("ignore-not-found"):
                        errors.append(exc.kubectl_text())
            found.append((rtype, objs))
        else:
            objs = ctx.backend.list(
                rtype.key,
                namespace if rtype.namespaced else None,
                label_selector=str(selector) if selector else None,
                field_selector=str(field_selector) if field_selector else None,
            )
            found.append((rtype, objs))

    stdout = _render(ctx, found, output, p, single=single, all_ns=all_ns, namespace=namespace)
    stderr = ""
    if (
        not any(objs for _, objs in found)
        and not errors
        and not output.startswith(("json", "yaml", "jsonpath", "name"))
        and not any(names for _, names in requests)
    ):
        cluster_scoped = any(not rtype.namespaced for rtype, _ in requests)
        stderr = printers.no_resources_message(None if all_ns or cluster_scoped else namespace) + "\n"
    if errors:
        stderr += "\n".join(errors) + "\n"
    return CommandResult(stdout, stderr, 1 if errors else 0)


def _render(
    ctx: KubectlContext,
    found: list[tuple[ResourceType, list[dict]]],
    output: str,
    p,
    *,
    single: bool,
    all_ns: bool,
    namespace: str,
) -> str:
    items = [obj for _, objs in found for obj in objs]
    if output in ("json", "yaml"):
        if not items and single:
            return ""
        data = items[0] if single and items else list_object(items)
        return printers.print_json(data) if output == "json" else printers.print_yaml(data)
    if output.startswith(("jsonpath=", "jsonpath-as-json=")) or output == "jsonpath":
        template = output.partition("=")[2]
        if not template:
            raise fail("template format specified but no template given")
        data = items[0] if single and items else list_object(items)
        try:
            return jsonpath.evaluate(template, data)
        except jsonpath.JsonPathError as exc:
            raise KubectlError(exc.stderr) from None
    if output == "name":
        return "".join(printers.print_name(rtype, objs) for rtype, objs in found)
    if output.startswith("custom-columns="):
        try:
            return printers.print_custom_columns(
                output.partition("=")[2], items, no_headers=bool(p.get("no-headers"))
            )
        except printers.CustomColumnsError as exc:
            raise fail(str(exc)) from None
        except jsonpath.JsonPathError as exc:
            raise KubectlError(str(exc)) from None
    if output not in ("", "wide"):
        raise fail(
            f'unable to match a printer suitable for the output format "{output}", allowed formats are: '
            "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
            "jsonpath-file,name,template,templatefile,wide,yaml"
        )
    non_empty = [(rtype, objs) for rtype, objs in found if objs]
    # kubectl names the kind whenever several types were asked for, even if only one of them has objects.
    show_kind = len({rtype.key for rtype, _ in found}) > 1 or bool(p.get("show-kind"))
    tables = []
    for rtype, objs in non_empty:
        tables.append(
            printers.print_table(
                rtype,
                objs,
                now=ctx.now(),
                wide=output == "wide",
                show_labels=bool(p.get("show-labels")),
                all_namespaces=all_ns and rtype.namespaced,
                no_headers=bool(p.get("no-headers")),
                kind_prefix=kind_group(rtype) if show_kind else None,
            )
        )
    return "\n".join(tables)
