"""Typed kubernetes-client models → the plain API-server JSON every other layer speaks."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kubernetes import client

__all__ = ["to_plain"]


@lru_cache(maxsize=1)
def _serializer() -> client.ApiClient:
    # sanitize_for_serialization needs no connection; one shared instance avoids building a pool per call.
    return client.ApiClient(client.Configuration())


def to_plain(obj: Any) -> Any:
    """A model (V1Pod, V1ObjectMeta…), list or dict as JSON-shaped data: camelCase keys, RFC 3339 times,
    and unset fields left out, exactly as the API server would send it."""
    return _serializer().sanitize_for_serialization(obj)
