"""Field-name casing: Envoy's admin API speaks snake_case, `istioctl -o json` speaks protobuf camelCase.

Only *message field names* change case. Keys of protobuf maps and the contents of `google.protobuf.Struct`
values (filter metadata, node metadata, TypedStruct values, access-log JSON formats) are data, so they are
kept exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["to_camel", "to_camel_case", "to_snake", "to_snake_case"]

_UPPER = re.compile(r"([A-Z])")
_UNDERSCORE = re.compile(r"_([a-z0-9])")

# Fields whose whole value is a Struct (or a map of Structs): nothing inside is a field name.
_OPAQUE = frozenset(
    {"filter_metadata", "static_layer", "json_format", "per_filter_config", "extension_protocol_options"}
)
# Fields that are maps from arbitrary keys to messages: keep the keys, convert the values.
_MAP_OF_MESSAGES = frozenset(
    {"typed_filter_metadata", "typed_per_filter_config", "typed_extension_protocol_options"}
)
# `metadata` is a Struct under these parents (it is an envoy Metadata message elsewhere).
_STRUCT_METADATA_PARENTS = frozenset({"node", "user_agent_build_version"})


def to_snake(name: str) -> str:
    """`portValue` -> `port_value` (snake names pass through unchanged)."""
    if name.startswith("@"):
        return name
    return _UPPER.sub(lambda m: "_" + m.group(1).lower(), name)


def to_camel(name: str) -> str:
    """`port_value` -> `portValue`, protobuf's json_name rule (camel names pass through unchanged)."""
    if name.startswith("@"):
        return name
    return _UNDERSCORE.sub(lambda m: m.group(1).upper(), name)


def _is_struct_value(parent: dict) -> bool:
    type_url = parent.get("@type", "")
    return (
        type_url.endswith("udpa.type.v1.TypedStruct")
        or type_url.endswith("xds.type.v3.TypedStruct")
        or (type_url.endswith("google.protobuf.Struct"))
    )


def _convert(value: Any, rename: Callable[[str], str], field: str = "") -> Any:
    if isinstance(value, list):
        return [_convert(item, rename, field) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        snake = to_snake(key)
        new_key = rename(key)
        if (
            snake in _OPAQUE
            or (snake == "metadata" and field in _STRUCT_METADATA_PARENTS)
            or (snake == "value" and _is_struct_value(value))
        ):
            out[new_key] = item
        elif snake in _MAP_OF_MESSAGES and isinstance(item, dict):
            out[new_key] = {k: _convert(v, rename, "") for k, v in item.items()}
        else:
            out[new_key] = _convert(item, rename, snake)
    return out


def to_snake_case(value: Any) -> Any:
    """A copy of a config-dump tree with message field names in snake_case (Envoy's admin form)."""
    return _convert(value, to_snake)


def to_camel_case(value: Any) -> Any:
    """A copy of a config-dump tree with message field names in camelCase (istioctl's `-o json` form)."""
    return _convert(value, to_camel)
