"""A custom resource against its CRD's `openAPIV3Schema`: pruning and basic validation, as the API server does.

The server first **prunes** fields the schema does not declare (unless `x-kubernetes-preserve-unknown-fields`
keeps them; `apiVersion`, `kind` and `metadata` at the root are never pruned), then **validates** what is
left. This covers the common part of structural schemas: `type` (`object`, `array`, `string`, `integer`,
`number`, `boolean`, `x-kubernetes-int-or-string`), `properties`, `additionalProperties`, `items`,
`required`, `enum` and `nullable`. Messages are the server's field errors (`spec.parentRefs[0].name:
Required value`); `invalid_message` joins them the way kubectl prints a 422.
"""

from __future__ import annotations

import json
from typing import Any

from ingresslab.kube.printers.gofmt import go_quote, go_sharp_v

__all__ = ["invalid_message", "prune", "validate"]

_ROOT_KEPT = ("apiVersion", "kind", "metadata")


def _preserves(schema: dict[str, Any]) -> bool:
    return bool(schema.get("x-kubernetes-preserve-unknown-fields"))


def prune(obj: Any, schema: dict[str, Any], *, root: bool = True) -> Any:
    """Drop (in place) every field `schema` does not declare; returns `obj`."""
    if isinstance(obj, dict):
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key in list(obj):
            if root and key in _ROOT_KEPT:
                continue
            if isinstance(props, dict) and key in props:
                prune(obj[key], props[key], root=False)
            elif isinstance(extra, dict):
                prune(obj[key], extra, root=False)
            elif not _preserves(schema) and extra is not True:
                del obj[key]
    elif isinstance(obj, list) and isinstance(schema.get("items"), dict):
        for item in obj:
            prune(item, schema["items"], root=False)
    return obj


# bool before int: in Python a bool is an int, in JSON it is not.
_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"))


def _type_name(value: Any) -> str:
    """The JSON type kube-openapi names in `must be of type X: "Y"`."""
    if value is None:
        return "null"
    return next((name for t, name in _JSON_TYPES if isinstance(value, t)), "object")


def _matches(value: Any, schema: dict[str, Any]) -> bool:
    if schema.get("x-kubernetes-int-or-string"):
        return isinstance(value, (int, str)) and not isinstance(value, bool)
    wanted = schema.get("type")
    actual = _type_name(value)
    if not wanted or wanted == actual:
        return True
    return wanted == "number" and actual == "integer"


def _bad_value(value: Any) -> str:
    """How apimachinery's field.Error prints a bad value (`"text"`, `3`, `true`, Go syntax otherwise)."""
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    return go_sharp_v(value)


def _enum_text(value: Any) -> str:
    return go_quote(value if isinstance(value, str) else json.dumps(value, separators=(",", ":")))


def validate(obj: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Field errors of `obj` against `schema`, each `path: message`: an object's missing required fields
    first, then its fields by name (the server's own order follows Go map iteration, so is not fixed)."""
    errors: list[str] = []
    where = path or "<root>"
    if obj is None:
        if not schema.get("nullable") and schema.get("type"):
            errors.append(
                f'{where}: Invalid value: "null": {where} in body must be of type {schema["type"]}: "null"'
            )
        return errors
    if not _matches(obj, schema):
        wanted = "integer-or-string" if schema.get("x-kubernetes-int-or-string") else schema["type"]
        return [
            f"{where}: Invalid value: {_bad_value(obj)}: {where} in body must be of type {wanted}: "
            f'"{_type_name(obj)}"'
        ]
    enum = schema.get("enum")
    if isinstance(enum, list) and obj not in enum:
        supported = ", ".join(_enum_text(v) for v in enum)
        errors.append(f"{where}: Unsupported value: {_bad_value(obj)}: supported values: {supported}")
    if isinstance(obj, dict):
        prefix = f"{path}." if path else ""
        for name in schema.get("required") or ():
            if name not in obj:
                errors.append(f"{prefix}{name}: Required value")
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        for key in sorted(obj):
            if not path and key in _ROOT_KEPT:
                continue
            sub = props.get(key) if isinstance(props, dict) else None
            if sub is None and isinstance(extra, dict):
                sub = extra
            if isinstance(sub, dict):
                errors += validate(obj[key], sub, f"{prefix}{key}")
    elif isinstance(obj, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(obj):
            errors += validate(item, schema["items"], f"{path}[{i}]")
    return errors


def invalid_message(kind: str, name: str, errors: list[str]) -> str:
    """The 422 text kubectl prints after `The `: one error inline, several as a `* ` list."""
    if len(errors) == 1:
        return f'{kind} "{name}" is invalid: {errors[0]}'
    return f'{kind} "{name}" is invalid: \n' + "\n".join(f"* {e}" for e in errors)
