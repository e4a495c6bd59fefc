"""The sandbox's object store: API-server bookkeeping (uid, resourceVersion, creationTimestamp) over the state.

Objects are kept per type and namespace (`objects[type][namespace][name]`), so listing one namespace or
following a selector never scans the whole cluster.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime, timezone

from ingresslab.backends.sandbox.rand import SeededRandom
from ingresslab.backends.sandbox.state import ClusterState
from ingresslab.kube.resources import ResourceType, resolve_kind

__all__ = ["ObjectStore", "format_time", "parse_time"]


def format_time(ts: float) -> str:
    """RFC 3339 with second precision and `Z`, as metav1.Time serialises."""
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


class ObjectStore:
    def __init__(self, state: ClusterState) -> None:
        self.state = state
        self.rng = SeededRandom(state.seed, state.counter)

    # -- clock and generator --------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.state.clock

    def advance(self, seconds: float) -> None:
        self.state.clock += seconds

    def sync_counter(self) -> None:
        """Write the generator's position back into the state before saving."""
        self.state.counter = self.rng.counter

    # -- objects --------------------------------------------------------------------------------
    @staticmethod
    def type_of(obj: dict) -> ResourceType:
        return resolve_kind(obj.get("apiVersion", ""), obj.get("kind", ""))

    def _bucket(self, rtype: ResourceType, namespace: str | None) -> dict[str, dict]:
        by_ns = self.state.objects.setdefault(rtype.key, {})
        return by_ns.setdefault((namespace or "") if rtype.namespaced else "", {})

    def get(self, rtype: ResourceType, name: str, namespace: str | None = None) -> dict | None:
        by_ns = self.state.objects.get(rtype.key)
        if not by_ns:
            return None
        bucket = by_ns.get((namespace or "") if rtype.namespaced else "")
        return bucket.get(name) if bucket else None

    def list(self, rtype: ResourceType, namespace: str | None = None) -> list[dict]:
        """Objects of a type sorted by namespace then name; namespace None means all namespaces."""
        by_ns = self.state.objects.get(rtype.key) or {}
        if namespace is not None and rtype.namespaced:
            return [by_ns.get(namespace, {})[n] for n in sorted(by_ns.get(namespace, {}))]
        return [bucket[n] for ns in sorted(by_ns) for bucket in (by_ns[ns],) for n in sorted(bucket)]

    def iter_namespace(self, rtype: ResourceType, namespace: str) -> Iterator[dict]:
        yield from (self.state.objects.get(rtype.key) or {}).get(namespace, {}).values()

    def objects_in_namespace(self, namespace: str) -> list[tuple[ResourceType, dict]]:
        """Every namespaced object in one namespace (for namespace deletion)."""
        found = []
        for by_ns in self.state.objects.values():
            for obj in list((by_ns.get(namespace) or {}).values()):
                found.append((self.type_of(obj), obj))
        return found

    def next_resource_version(self) -> str:
        self.state.resource_version += 1
        return str(self.state.resource_version)

    def insert(self, obj: dict) -> dict:
        """Store a new object, filling in what the API server sets on create."""
        rtype = self.type_of(obj)
        meta = obj.setdefault("metadata", {})
        if rtype.namespaced:
            meta.setdefault("namespace", "default")
        else:
            meta.pop("namespace", None)
        meta.setdefault("uid", self.rng.uuid())
        meta.setdefault("creationTimestamp", format_time(self.now))
        meta["resourceVersion"] = self.next_resource_version()
        if rtype.kind in ("Deployment", "ReplicaSet", "Job", "DaemonSet", "StatefulSet", "Ingress"):
            meta.setdefault("generation", 1)
        self._bucket(rtype, meta.get("namespace"))[meta["name"]] = obj
        return obj

    def replace(self, obj: dict, *, bump_generation: bool = False) -> dict:
        rtype = self.type_of(obj)
        meta = obj["metadata"]
        meta["resourceVersion"] = self.next_resource_version()
        if bump_generation and "generation" in meta:
            meta["generation"] += 1
        self._bucket(rtype, meta.get("namespace"))[meta["name"]] = obj
        return obj

    def remove(self, rtype: ResourceType, name: str, namespace: str | None = None) -> dict | None:
        by_ns = self.state.objects.get(rtype.key) or {}
        bucket = by_ns.get((namespace or "") if rtype.namespaced else "")
        if not bucket or name not in bucket:
            return None
        obj = bucket.pop(name)
        if not bucket:
            by_ns.pop((namespace or "") if rtype.namespaced else "", None)
        return obj

    @staticmethod
    def copy(obj: dict) -> dict:
        return copy.deepcopy(obj)
