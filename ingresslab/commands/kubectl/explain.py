"""`kubectl explain KIND[.field.path] [--recursive] [--api-version=G/V]`: the fields of a kind, from its OpenAPI
v3 schema, printed as kubectl 1.31's explain v2 `plaintext` template prints them.

The functions below follow staging/src/k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl one template at a
time (`output`, `fieldList`, `fieldDetail`, `description`, `typeGuess`, `extractEnum`), with its helpers `wrap`
(go-wordwrap) and `indent`; Go templates range over a map's keys in sorted order, so fields print sorted.
"""

from __future__ import annotations

import re
from typing import Any

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, served_kinds
from ingresslab.commands.kubectl.flags import Flag
from ingresslab.commands.kubectl.imperative import parse
from ingresslab.commands.result import CommandResult
from ingresslab.errors import ApiError
from ingresslab.kube import fielddocs
from ingresslab.kube.crds import CRD_KEY
from ingresslab.kube.resources import ResourceType

__all__ = ["explain", "render", "wrap"]

_FLAGS = [
    Flag("recursive", value=False),
    Flag("api-version"),
    Flag("output", "o", default="plaintext"),
    Flag("namespace", "n"),
    Flag("context"),
]
_FIELD = re.compile(r"^[A-Za-z0-9_\-/]+$")


def explain(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse(argv, _FLAGS, "explain")
    if not p.args:
        raise KubectlError(
            'error: You must specify the type of resource to explain. Use "kubectl api-resources" for a '
            "complete list of supported resources.\n"
        )
    if len(p.args) > 1:
        raise KubectlError("error: We accept only this format: explain RESOURCE\n")
    request = p.args[0].removesuffix(".")
    segments = request.split(".")
    if not _FIELD.match(segments[0].split(" ")[0]):
        raise KubectlError("error: invalid jsonpath syntax, first node must be field node")
    segments[0] = segments[0].split(" ")[0]  # jsonpath ends the field node at a space
    kinds = served_kinds(ctx)
    rtype = kinds.find(segments[0]) or served_kinds(ctx, fresh=True).find(segments[0])
    if rtype is None:  # explain prints the RESTMapper's error as it is
        raise KubectlError(f'the server doesn\'t have a resource type "{segments[0]}"')
    prefix = f"{rtype.plural}.{rtype.group}" if rtype.group else rtype.plural
    if p.get("api-version") is None and request.startswith(prefix):
        path = [s for s in request[len(prefix) :].split(".")[1:]]
    else:
        path = segments[1:]
    if not all(_FIELD.match(s) for s in path):
        raise KubectlError("error: invalid jsonpath syntax, first node must be field node")
    group, version = rtype.group, rtype.version
    if p.get("api-version"):
        gv = str(p.get("api-version"))
        if gv.count("/") > 1:
            raise KubectlError(f"error: unexpected GroupVersion string: {gv}")
        group, _, version = gv.rpartition("/")
    output = str(p.get("output"))
    if output != "plaintext":
        if output == "plaintext-openapiv2":
            raise KubectlError("error: --output=plaintext-openapiv2 is not available in the sandbox")
        raise KubectlError(f"error: unrecognized format: {output}")
    gvr = f"{group}/{version}, Resource={rtype.plural}"
    if not any(group == t.group and version in t.versions for t in served_kinds(ctx)):
        raise KubectlError(f'error: couldn\'t find resource for "{gvr}"')
    kind = _kind_in(ctx, rtype, group, version)
    if kind is None:
        raise KubectlError(f"error: GVR ({gvr}) not found in OpenAPI schema")
    schemas = _document(ctx, rtype, group, version)
    if schemas is None:
        raise KubectlError(
            f'error: the sandbox carries no field documentation for "{rtype.qualified_plural}"; it explains '
            "pods, deployments, replicasets, services, endpoints, endpointslices, ingresses, ingressclasses, "
            "configmaps, secrets, namespaces, serviceaccounts, nodes and custom resources"
        )
    text, error = render(
        schemas, {"group": group, "kind": kind, "version": version}, path, bool(p.get("recursive"))
    )
    if error:
        return CommandResult(text, error + "\n", 1)
    return CommandResult(text)


def _kind_in(ctx: KubectlContext, rtype: ResourceType, group: str, version: str) -> str | None:
    """The kind served as `rtype.plural` in group/version (what explain's template finds under the GVR's path)."""
    for t in served_kinds(ctx):
        if t.group == group and t.plural == rtype.plural and version in t.versions:
            return t.kind
    return None


def _document(ctx: KubectlContext, rtype: ResourceType, group: str, version: str) -> dict[str, Any] | None:
    """The `components.schemas` explain reads for the kind: the built-in ones, plus a custom kind's own."""
    builtin = fielddocs.builtin_schemas()
    if not rtype.custom:
        wanted = {"group": group, "kind": rtype.kind, "version": version}
        if any(wanted in (s.get("x-kubernetes-group-version-kind") or ()) for s in builtin.values()):
            return builtin
        return None
    try:
        crd = ctx.backend.get(CRD_KEY, f"{rtype.plural}.{rtype.group}", None)
    except ApiError:
        return None
    schema = fielddocs.crd_schema(crd, version)
    if schema is None:
        return None
    return {**builtin, fielddocs.definition_name(group, version, rtype.kind): schema}


# --- the plaintext template ---------------------------------------------------------------------------------


def render(
    schemas: dict[str, Any], gvk: dict[str, str], path: list[str], recursive: bool
) -> tuple[str, str | None]:
    """The template's output for `gvk` (stdout), and the error it throws (None when it does not)."""
    head = f"GROUP:      {gvk['group']}\n" if gvk["group"] else ""
    head += f"KIND:       {gvk['kind']}\nVERSION:    {gvk['version']}\n\n"
    doc = {"components": {"schemas": schemas}}
    for name in sorted(schemas):
        if gvk in (schemas[name].get("x-kubernetes-group-version-kind") or ()):
            body = _output(doc, schemas[name], None, path, recursive)
            if not body:
                return head, f'error: field "{path[-1]}" does not exist'
            return head + body + "\n", None
    return (
        head,
        f"error: GVK map[group:{gvk['group']} kind:{gvk['kind']} version:{gvk['version']}] not found in OpenAPI schema",
    )


def _resolve(ref: Any, doc: dict[str, Any]) -> dict[str, Any] | None:
    """resolveRef: a `#/…` fragment followed through the document; None when anything is missing."""
    if not isinstance(ref, str) or not ref.startswith("#") or len(ref) < 2:
        return None
    cur: Any = doc
    for key in ref[1:].split("/"):
        if not key:
            continue
        cur = cur.get(key) if isinstance(cur, dict) else None
        if not isinstance(cur, dict):
            return None
    return cur


def _map_of(schema: dict[str, Any]) -> dict[str, Any] | None:
    """additionalProperties when it is a schema (not the boolean form) and not empty."""
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) and extra else None


def _output(doc: dict, schema: dict, history: dict | None, path: list[str], recursive: bool) -> str:
    ref = schema.get("$ref") or ""
    following = {**(history or {}), ref: 1}
    resolved = _resolve(ref, doc) or schema
    if not path:
        out = "DESCRIPTION:\n" + _indent(4, wrap(_description(doc, resolved) or "<empty>", 76)) + "\n"
        fields = _field_list(doc, resolved, 1, None, recursive)
        if fields:
            out += "FIELDS:\n" + fields
        return out
    if ref and (history or {}).get(ref):
        return ""  # a cycle
    props = resolved.get("properties")
    if props and props.get(path[0]):
        sub = props[path[0]]
        out = ""
        if len(path) == 1:
            out += f"FIELD: {path[0]} <{_type_guess(doc, sub)}>\n"
            out += _enum(sub, long_view=True, limit=-1) + "\n\n"
        return out + _output(doc, sub, {}, path[1:], recursive)
    if resolved.get("items"):
        return _output(doc, resolved["items"], following, path, recursive)
    extra = _map_of(resolved)
    if extra is not None:
        return _output(doc, extra, following, path, recursive)
    for sub in resolved.get("allOf") or ():
        found = _output(doc, sub, following, path, recursive)
        if found:
            return found
    return ""


def _field_list(doc: dict, schema: dict, level: int, history: dict | None, recursive: bool) -> str:
    ref = schema.get("$ref") or ""
    if ref and (history or {}).get(ref):
        return ""  # a cycle
    following = {**(history or {}), ref: 1}
    resolved = _resolve(ref, doc) or schema
    out = ""
    props = resolved.get("properties") or {}
    for name in sorted(props):
        out += _field_detail(doc, name, resolved, recursive, level)
        if recursive:
            out += _field_list(doc, props[name], level + 1, following, recursive)
    for sub in resolved.get("allOf") or ():
        out += _field_list(doc, sub, level, following, recursive)
    if resolved.get("items"):
        out += _field_list(doc, resolved["items"], level, following, recursive)
    extra = _map_of(resolved)
    if extra is not None:
        out += _field_list(doc, extra, level, following, recursive)
    return out


def _field_detail(doc: dict, name: str, schema: dict, short: bool, level: int) -> str:
    amount = level * 2
    field = schema["properties"][name]
    out = _indent(amount, name) + f"\t<{_type_guess(doc, field)}>"
    if name in (schema.get("required") or ()):
        out += " -required-"
    out += _enum(field, long_view=False, limit=4, indent_amount=amount)
    out += "\n"
    if not short:
        out += _indent(amount + 2, wrap(field.get("description") or "<no description>", 78 - amount)) + "\n\n"
    return out


def _description(doc: dict, schema: dict) -> str:
    resolved = _resolve(schema.get("$ref"), doc) or schema
    if not resolved:
        return ""
    out = resolved["description"] + "\n" if resolved.get("description") else ""
    for sub in resolved.get("allOf") or ():
        out += _description(doc, sub)
    if resolved.get("items"):
        out += _description(doc, resolved["items"])
    extra = _map_of(resolved)
    if extra is not None:
        out += _description(doc, extra)
    return out


def _type_guess(doc: dict, schema: dict) -> str:
    if schema.get("items"):
        return "[]" + _type_guess(doc, schema["items"])
    extra = _map_of(schema)
    if extra is not None:
        return "map[string]" + _type_guess(doc, extra)
    all_of = schema.get("allOf")
    if all_of and not schema.get("properties") and len(all_of) == 1:
        return _type_guess(doc, all_of[0])
    ref = schema.get("$ref")
    if ref:
        target = _resolve(ref, doc)
        if not target or not target.get("type") or target["type"] == "object":
            return ref.split("/")[-1].split(".")[-1] or "Object"
        return str(target["type"])
    kind = schema.get("type")
    return "Object" if kind == "object" or not kind else str(kind)


def _go_value(value: Any) -> str:
    """How text/template prints a JSON value (Go decodes numbers to float64)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return "<nil>"
    return str(value)


def _enum(schema: dict, *, long_view: bool, limit: int, indent_amount: int = 0) -> str:
    values = schema.get("enum")
    if not values:
        return ""
    out = "ENUM:" if long_view else "\n" + " " * indent_amount + "enum: "
    for index, value in enumerate(values):
        if limit > -1 and index >= limit:
            out += ", ...."
            break
        if index > 0 and not long_view:
            out += ", "
        elif long_view:
            out += "\n    "
        out += '""' if value == "" else _go_value(value)
    return out


def _indent(amount: int, text: str) -> str:
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def wrap(text: str, limit: int) -> str:
    """go-wordwrap's WrapString: break at white space so lines stay within `limit` characters where a word
    allows (a longer word stays whole)."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for ch in text:
        if ch == "\n":
            if not word:
                if current + len(space) > limit:
                    current = 0
                else:
                    current += len(space)
                    out += space
                space = []
            else:
                current += len(space) + len(word)
                out += space
                out += word
                space, word = [], []
            out.append(ch)
            current = 0
        elif ch.isspace() and ch != "\xa0":
            if not space or word:
                current += len(space) + len(word)
                out += space
                out += word
                space, word = [], []
            space.append(ch)
        else:
            word.append(ch)
            if current + len(word) + len(space) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= limit:
            out += space
    else:
        out += space
        out += word
    return "".join(out)
