"""kubectl's client-side apply: the last-applied annotation and the three-way merge it drives.

Fields the manifest sets win; fields the previous manifest set but this one dropped are removed; fields that
someone else set (the server's clusterIP, a label added with `kubectl label`, status) are kept.
"""

from __future__ import annotations

import copy
import json
from typing import Any

__all__ = ["LAST_APPLIED", "last_applied_of", "merge_for_apply", "merge_patch", "with_last_applied"]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

_SERVER_FIELDS = (
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "ownerReferences",
    "finalizers",
)


def with_last_applied(manifest: dict) -> dict:
    """The manifest plus the annotation recording it (compact JSON, keys sorted, trailing newline)."""
    obj = copy.deepcopy(manifest)
    recorded = copy.deepcopy(manifest)
    # kubectl (GetModifiedConfiguration) sets the annotations minus this one back on the object before
    # encoding it, so a manifest without annotations is recorded with `"annotations":{}`.
    metadata = recorded.setdefault("metadata", {})
    annotations = dict(metadata.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    metadata["annotations"] = annotations
    text = json.dumps(recorded, sort_keys=True, separators=(",", ":")) + "\n"
    obj.setdefault("metadata", {}).setdefault("annotations", {})[LAST_APPLIED] = text
    return obj


def last_applied_of(obj: dict) -> dict:
    text = (obj.get("metadata", {}).get("annotations") or {}).get(LAST_APPLIED)
    if not text:
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return {}


def _merge(last: Any, current: Any, new: Any) -> Any:
    if not (isinstance(current, dict) and isinstance(new, dict)):
        return copy.deepcopy(new)
    last = last if isinstance(last, dict) else {}
    result = copy.deepcopy(current)
    for key, value in new.items():
        result[key] = _merge(last.get(key), current.get(key), value)
    for key in last:
        if key not in new:
            _remove(result, key, last[key])
    return result


def _remove(target: dict, key: str, last_value: Any) -> None:
    """Delete what the previous manifest set under `key`, keeping what others added beside it."""
    current = target.get(key)
    if isinstance(last_value, dict) and isinstance(current, dict):
        for sub, sub_value in last_value.items():
            _remove(current, sub, sub_value)
        if not current:
            target.pop(key)
    else:
        target.pop(key, None)


def merge_for_apply(current: dict, manifest: dict) -> dict:
    """The object `kubectl apply` would leave: current + manifest, minus what the last apply set and this one dropped."""
    new = with_last_applied(manifest)
    merged = _merge(last_applied_of(current), current, new)
    merged["metadata"]["annotations"][LAST_APPLIED] = new["metadata"]["annotations"][LAST_APPLIED]
    for key in _SERVER_FIELDS:
        if key in current.get("metadata", {}):
            merged["metadata"][key] = current["metadata"][key]
    if "status" in current:
        merged["status"] = current["status"]
    return merged


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (null removes a key; lists are replaced whole)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge_patch(target.get(key), value)
    return target
