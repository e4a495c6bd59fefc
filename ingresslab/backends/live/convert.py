"""Typed kubernetes-client models → the plain API-server JSON every other layer speaks."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from kubernetes import client

__all__ = ["rfc3339", "to_plain"]


def rfc3339(value: dt.datetime) -> str:
    """A time as the API server writes it: UTC with a `Z`, fractional seconds only when there are some."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{value.microsecond:06d}Z" if value.microsecond else f"{text}Z"


class _Serializer(client.ApiClient):
    # The client's own serializer writes `+00:00` offsets; the API server writes `Z`. Its recursion calls
    # this method again for nested values, so overriding it here covers every timestamp in the tree.
    def sanitize_for_serialization(self, obj: Any) -> Any:
        if isinstance(obj, dt.datetime):
            return rfc3339(obj)
        return super().sanitize_for_serialization(obj)


@lru_cache(maxsize=1)
def _serializer() -> _Serializer:
    # Serializing needs no connection; one shared instance avoids building a connection pool per call.
    return _Serializer(client.Configuration())


def to_plain(obj: Any) -> Any:
    """A model (V1Pod, V1ObjectMeta…), list or dict as the API server's JSON: camelCase keys, RFC 3339
    times, and unset fields left out."""
    return _serializer().sanitize_for_serialization(obj)
