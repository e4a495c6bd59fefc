"""Istio's JSON access-log encoding (`meshConfig.accessLogEncoding: JSON`), one object per line.

Envoy's JSON formatter writes numeric operators (RESPONSE_CODE, BYTES_*, DURATION) as numbers, unset values
as `null`, headers as strings (so `upstream_service_time` is `"4"`), and keys in sorted order. Parsing is
lenient about all of that: numbers given as strings, `"-"` for unset, keys in any order, unknown keys ignored.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime

from ingresslab.logs._text import format_start_time, parse_start_time
from ingresslab.logs.envoy import EnvoyAccess

__all__ = ["JSON_KEYS", "format_istio_json", "parse_istio_json"]

_RECORD_ONLY = {"layout", "format", "envelope", "raw", "istio_policy_status"}
JSON_KEYS = tuple(f.name for f in fields(EnvoyAccess) if f.name not in _RECORD_ONLY)
_INT_KEYS = frozenset({"response_code", "bytes_received", "bytes_sent", "duration", "upstream_service_time"})
_MARKERS = ("upstream_cluster", "response_code", "start_time")


def _value(key: str, value: object) -> object:
    if value is None or value == "-":
        return [] if key == "response_flags" else None
    if key in _INT_KEYS:
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = str(value)
        return int(text) if text.isdigit() else None
    if key == "response_flags":
        return str(value).split(",")
    if key == "start_time":
        try:
            return parse_start_time(str(value))
        except ValueError:
            return None
    if key == "upstream_cluster":
        text = str(value)
        return text[:-1] if text.endswith(";") else text
    return str(value)


def parse_istio_json(body: str) -> EnvoyAccess | None:
    """Parse one JSON access line; None unless it is an object with Istio's access-log keys."""
    if body[:1] != "{":
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(key in data for key in _MARKERS):
        return None
    values = {key: _value(key, data[key]) for key in JSON_KEYS if key in data}
    if "istio_policy_status" in data:
        values["istio_policy_status"] = _value("istio_policy_status", data["istio_policy_status"])
    if values.get("response_code") is None:
        values["response_code"] = 0
    for key in ("bytes_received", "bytes_sent"):
        if values.get(key) is None:
            values[key] = 0
    return EnvoyAccess(**values, format="istio-json")  # type: ignore[arg-type]


def format_istio_json(rec: EnvoyAccess) -> str:
    """Write `rec` the way Envoy's JSON formatter does for Istio's default JSON format."""
    if rec.start_time is None:
        raise ValueError("an Istio access line needs `start_time` (an aware datetime)")
    out: dict[str, object] = {}
    for key in JSON_KEYS:
        value = getattr(rec, key)
        if key == "start_time":
            value = format_start_time(value)
        elif key == "response_flags":
            value = ",".join(value) if value else "-"
        elif key == "upstream_service_time" and value is not None:
            value = str(value)  # a response header, so a string
        elif isinstance(value, datetime):
            value = format_start_time(value)
        out[key] = value
    if rec.istio_policy_status is not None:
        out["istio_policy_status"] = rec.istio_policy_status
    return json.dumps(out, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
