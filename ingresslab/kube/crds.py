"""Kinds from CustomResourceDefinitions: what the API server starts serving when a CRD is created.

`resource_type(crd)` reads a CRD the way the apiextensions server does for discovery: group, served versions
(the preferred one first, by Kubernetes' version priority `v1 > v1beta1 > v1alpha3`), the storage version,
names (plural, singular, kind, short names, categories), scope, and the preferred version's
`additionalPrinterColumns` (an `Age` column when it declares none, as the server defaults it).
`kinds_with(crds)` is one cluster's discovery: the built-in kinds plus every CRD's kind.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from ingresslab.kube.resources import RESOURCES, Kinds, PrinterColumn, ResourceType

__all__ = [
    "CRD_KEY",
    "apply_defaults",
    "crd_status",
    "kinds_with",
    "printer_columns",
    "register_rule",
    "resource_type",
    "rule_errors",
    "version_order",
]

CRD_KEY = "customresourcedefinitions.apiextensions.k8s.io"
"""The store key of CustomResourceDefinition objects."""

_AGE = PrinterColumn("Age", "date", ".metadata.creationTimestamp")
_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_order(name: str) -> tuple:
    """Sort key of Kubernetes' version priority: GA, then beta, then alpha, newest first; others last."""
    m = _KUBE_VERSION.match(name)
    if not m:
        return (3, 0, 0, name)
    stage = {None: 0, "beta": 1, "alpha": 2}[m.group(2)]
    return (stage, -int(m.group(1)), -int(m.group(3) or 0), name)


def printer_columns(version: dict[str, Any]) -> tuple[PrinterColumn, ...]:
    """A CRD version's printer columns, defaulted to `Age` when it declares none."""
    columns = tuple(
        PrinterColumn(
            name=str(c.get("name", "")),
            type=str(c.get("type", "string")),
            json_path=str(c.get("jsonPath", "")),
            priority=int(c.get("priority") or 0),
            format=str(c.get("format") or ""),
            description=str(c.get("description") or ""),
        )
        for c in version.get("additionalPrinterColumns") or ()
        if isinstance(c, dict)
    )
    return columns or (_AGE,)


def _served(crd: dict[str, Any]) -> list[dict[str, Any]]:
    versions = [v for v in (crd.get("spec") or {}).get("versions") or () if isinstance(v, dict)]
    served = [v for v in versions if v.get("served") and v.get("name")]
    return sorted(served, key=lambda v: version_order(str(v["name"])))


def resource_type(crd: dict[str, Any]) -> ResourceType | None:
    """The kind a CRD defines, or None when it serves no version (then nothing is served)."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    served = _served(crd)
    if not served or not spec.get("group") or not names.get("plural") or not names.get("kind"):
        return None
    storage = next((v["name"] for v in (spec.get("versions") or ()) if v.get("storage")), served[0]["name"])
    return ResourceType(
        group=str(spec["group"]),
        version=str(served[0]["name"]),
        kind=str(names["kind"]),
        plural=str(names["plural"]),
        singular=str(names.get("singular") or names["kind"].lower()),
        namespaced=spec.get("scope", "Namespaced") != "Cluster",
        short_names=tuple(names.get("shortNames") or ()),
        other_versions=tuple(str(v["name"]) for v in served[1:]),
        categories=tuple(names.get("categories") or ()),
        storage_version=str(storage),
        printer_columns=printer_columns(served[0]),
    )


def kinds_with(crds: Iterable[dict[str, Any]]) -> Kinds:
    """One cluster's discovery: built-in kinds first, then each CRD's kind by group and plural.

    That order settles names two groups share as kubectl 1.31 does: aggregated discovery lists the CRDs' groups
    (all of priority 1000) by name and kubectl's RESTMapper takes the first, so with Istio and the Gateway API
    installed `gateway` is gateway.networking.k8s.io's Gateway, `gw` Istio's (checked on the reference cluster).
    """
    custom: list[tuple[ResourceType, dict[str, Any]]] = []
    for crd in crds:
        rtype = resource_type(crd)
        if rtype is not None:
            custom.append((rtype, crd))
    custom.sort(key=lambda pair: (pair[0].group, pair[0].plural))
    schemas = {}
    for rtype, crd in custom:
        for v in _served(crd):
            schema = (v.get("schema") or {}).get("openAPIV3Schema")
            if isinstance(schema, dict):
                schemas[(rtype.key, str(v["name"]))] = schema
    return Kinds([*RESOURCES, *(r for r, _ in custom)], schemas)


# -- what the API server does with a CRD's schema on every write: defaults, list invariants, CEL rules --------
_RULES: dict[str, Callable[[Any], bool]] = {}


def register_rule(rule: str, check: Callable[[Any], bool]) -> None:
    """Teach the sandbox one `x-kubernetes-validations` rule: `check(node)` is True when the node passes.
    Rules no one registered are not evaluated (the sandbox has no CEL interpreter)."""
    _RULES[rule] = check


def apply_defaults(obj: Any, schema: dict[str, Any]) -> Any:
    """Fill in the schema's `default`s (in place), as the server's structural defaulting does: a missing field
    with a default gets a copy of it, then every field is walked, defaulted ones included; returns `obj`."""
    if isinstance(obj, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            for key, sub in props.items():
                if isinstance(sub, dict) and "default" in sub and key not in obj:
                    obj[key] = copy.deepcopy(sub["default"])
            for key, value in obj.items():
                sub = props.get(key)
                if isinstance(sub, dict):
                    apply_defaults(value, sub)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not isinstance(props, dict):
            for value in obj.values():
                apply_defaults(value, extra)
    elif isinstance(obj, list) and isinstance(schema.get("items"), dict):
        for item in obj:
            apply_defaults(item, schema["items"])
    return obj


def _go_map(keys: dict[str, Any]) -> str:
    """How the server prints a list-map item's keys in a Duplicate error (`map[string]interface {}{"name":"a"}`)."""
    body = ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(keys.items()))
    return "map[string]interface {}{" + body + "}"


def _list_errors(obj: Any, schema: dict[str, Any], path: str) -> list[str]:
    """`x-kubernetes-list-type: map` items must differ in their keys (the server's Duplicate value)."""
    keys = schema.get("x-kubernetes-list-map-keys") or ()
    if schema.get("x-kubernetes-list-type") != "map" or not keys or not isinstance(obj, list):
        return []
    errors, seen = [], set()
    for i, item in enumerate(obj):
        if not isinstance(item, dict):
            continue
        found = {k: item[k] for k in keys if k in item}
        marker = json.dumps(found, sort_keys=True)
        if marker in seen:
            errors.append(f"{path}[{i}]: Duplicate value: {_go_map(found)}")
        seen.add(marker)
    return errors


def rule_errors(obj: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Errors of a valid-typed object the schema's list invariants and known CEL rules find, in the server's
    order (list duplicates of the whole object first, then the rules, deepest fields first)."""
    return _walk_lists(obj, schema, path) + _walk_rules(obj, schema, path)


def _children(obj: Any, schema: dict[str, Any], path: str):
    if isinstance(obj, dict):
        props = schema.get("properties") or {}
        prefix = f"{path}." if path else ""
        for key in sorted(obj):
            sub = props.get(key) if isinstance(props, dict) else None
            if isinstance(sub, dict):
                yield obj[key], sub, f"{prefix}{key}"
    elif isinstance(obj, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(obj):
            yield item, schema["items"], f"{path}[{i}]"


def _walk_lists(obj: Any, schema: dict[str, Any], path: str) -> list[str]:
    errors = _list_errors(obj, schema, path)
    for child, sub, where in _children(obj, schema, path):
        errors += _walk_lists(child, sub, where)
    return errors


def _walk_rules(obj: Any, schema: dict[str, Any], path: str) -> list[str]:
    errors: list[str] = []
    for child, sub, where in _children(obj, schema, path):
        errors += _walk_rules(child, sub, where)
    for rule in schema.get("x-kubernetes-validations") or ():
        check = _RULES.get(str(rule.get("rule", "")))
        if check is not None and not check(obj):
            message = rule.get("message") or f"failed rule: {rule.get('rule')}"
            errors.append(f'{path or "<nil>"}: Invalid value: "{schema.get("type", "object")}": {message}')
    return errors


def crd_status(crd: dict[str, Any]) -> dict[str, Any]:
    """The status the server keeps on a CRD it serves: its accepted names, Established, the stored versions."""
    spec = crd.get("spec") or {}
    names = dict(spec.get("names") or {})
    names.setdefault("singular", str(names.get("kind", "")).lower())
    names.setdefault("listKind", f"{names.get('kind', '')}List")
    old = crd.get("status") or {}
    kept = [c for c in old.get("conditions") or () if isinstance(c, dict)]
    stamp = (crd.get("metadata") or {}).get("creationTimestamp")
    conditions = [
        {"message": "no conflicts found", "reason": "NoConflicts", "status": "True", "type": "NamesAccepted"},
        {"message": "the initial names have been accepted", "reason": "InitialNamesAccepted", "status": "True",
         "type": "Established"},
    ]  # fmt: skip
    if any(c.get("type") == "Established" and c.get("status") == "True" for c in kept):
        conditions = kept  # established once, the conditions stay as they are
    elif stamp:
        conditions = [{"lastTransitionTime": stamp, **c} for c in conditions]
    storage = [str(v["name"]) for v in spec.get("versions") or () if isinstance(v, dict) and v.get("storage")]
    stored = [v for v in old.get("storedVersions") or () if isinstance(v, str)]
    return {
        "acceptedNames": names,
        "conditions": conditions,
        "storedVersions": stored + [v for v in storage if v not in stored],
    }
