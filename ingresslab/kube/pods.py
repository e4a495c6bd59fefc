"""Facts read off a Pod object that several layers need: its default container and its readiness."""

from __future__ import annotations

from collections.abc import Collection

__all__ = ["DEFAULT_CONTAINER", "default_container", "pod_ready"]

DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


def default_container(pod: dict, *, skip: Collection[str] = ()) -> str | None:
    """The container kubectl picks when none is named: the annotated one, else the first (ignoring `skip`)."""
    names = [c["name"] for c in pod.get("spec", {}).get("containers") or [] if c["name"] not in skip]
    default = (pod.get("metadata", {}).get("annotations") or {}).get(DEFAULT_CONTAINER)
    return default if default in names else (names[0] if names else None)


def pod_ready(pod: dict) -> bool:
    """The pod's Ready condition is True (what Endpoints and ReplicaSet status count)."""
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in pod.get("status", {}).get("conditions", [])
    )
