"""The sandbox's object store: API-server bookkeeping (uid, resourceVersion, creationTimestamp) over the state.

Objects are kept per type and namespace (`objects[type][namespace][name]`), so listing one namespace or
following a selector never scans the whole cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

from ingresslab.backends.sandbox.rand import SeededRandom
from ingresslab.backends.sandbox.state import ClusterState
from ingresslab.kube.crds import CRD_KEY, kinds_with
from ingresslab.kube.resources import Kinds, ResourceType

__all__ = ["ObjectStore", "clone", "format_time", "parse_time"]


def clone(data):
    """A deep copy of JSON-shaped data (dicts, lists, scalars), several times faster than copy.deepcopy."""
    if isinstance(data, dict):
        return {k: clone(v) if isinstance(v, (dict, list)) else v for k, v in data.items()}
    if isinstance(data, list):
        return [clone(v) if isinstance(v, (dict, list)) else v for v in data]
    return data


def _owner_keys(type_key: str, obj: dict):
    return [(ref.get("uid", ""),) for ref in obj.get("metadata", {}).get("ownerReferences") or ()]


def _label_keys(type_key: str, obj: dict):
    ns = obj.get("metadata", {}).get("namespace") or ""
    return [(type_key, ns, k, v) for k, v in (obj.get("metadata", {}).get("labels") or {}).items()]


def _selector_keys(type_key: str, obj: dict):
    if type_key != "services":
        return []
    ns = obj["metadata"].get("namespace") or ""
    return [(ns, k, str(v)) for k, v in (obj.get("spec", {}).get("selector") or {}).items()]


def _cluster_ip_keys(type_key: str, obj: dict):
    if type_key != "services":
        return []
    spec = obj.get("spec", {})
    return [(ip,) for ip in spec.get("clusterIPs") or [spec.get("clusterIP")] if ip and ip != "None"]


def _node_port_keys(type_key: str, obj: dict):
    if type_key != "services":
        return []
    return [(int(p["nodePort"]),) for p in obj.get("spec", {}).get("ports") or [] if p.get("nodePort")]


_INDEXERS = {
    "owner": _owner_keys,
    "label": _label_keys,
    "selector": _selector_keys,
    "clusterIP": _cluster_ip_keys,
    "nodePort": _node_port_keys,
}


def format_time(ts: float) -> str:
    """RFC 3339 with second precision and `Z`, as metav1.Time serialises."""
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()


class ObjectStore:
    def __init__(self, state: ClusterState) -> None:
        self.state = state
        self.rng = SeededRandom(state.seed, state.counter)
        self._indexes: dict[str, dict[tuple, set[tuple[str, str, str]]]] = {}
        self._kinds: Kinds | None = None

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
    @property
    def kinds(self) -> Kinds:
        """The kinds this cluster serves now: the built-ins plus those of the stored CRDs (discovery)."""
        if self._kinds is None:
            self._kinds = kinds_with(((self.state.objects.get(CRD_KEY) or {}).get("") or {}).values())
        return self._kinds

    def type_of(self, obj: dict) -> ResourceType:
        """The served type of an object's apiVersion/kind; raises UnknownResourceType if there is none."""
        return self.kinds.resolve_kind(obj.get("apiVersion", ""), obj.get("kind", ""))

    def _changed(self, rtype: ResourceType) -> None:
        if rtype.key == CRD_KEY:
            self._kinds = None  # a CRD came, changed or went: discovery is rebuilt on next use

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
        # etcd's order: keys `<namespace>/<name>`, so `app-b/x` sorts before `app/x` ('-' < '/')
        keys = sorted((f"{ns or ''}/{n}", ns, n) for ns, bucket in by_ns.items() for n in bucket)
        return [by_ns[ns][n] for _, ns, n in keys]

    def iter_namespace(self, rtype: ResourceType, namespace: str) -> Iterator[dict]:
        yield from (self.state.objects.get(rtype.key) or {}).get(namespace, {}).values()

    def objects_in_namespace(self, namespace: str) -> list[tuple[ResourceType, dict]]:
        """Every namespaced object in one namespace (for namespace deletion)."""
        found = []
        for by_ns in self.state.objects.values():
            for obj in list((by_ns.get(namespace) or {}).values()):
                found.append((self.type_of(obj), obj))
        return found

    # -- indexes: built on first use, kept current by every write, so controllers never scan ------
    def _index(self, name: str) -> dict[tuple, set[tuple[str, str, str]]]:
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = {}
            keys = _INDEXERS[name]
            for type_key, by_ns in self.state.objects.items():
                for ns, bucket in by_ns.items():
                    for obj_name, obj in bucket.items():
                        for key in keys(type_key, obj):
                            index.setdefault(key, set()).add((type_key, ns, obj_name))
        return index

    def _track(self, rtype: ResourceType, obj: dict, *, add: bool) -> None:
        meta = obj.get("metadata", {})
        entry = (rtype.key, (meta.get("namespace") or "") if rtype.namespaced else "", meta.get("name", ""))
        for name, index in self._indexes.items():
            for key in _INDEXERS[name](rtype.key, obj):
                entries = index.setdefault(key, set())
                if add:
                    entries.add(entry)
                else:
                    entries.discard(entry)

    def _lookup(self, index: str, key: tuple) -> list[tuple[ResourceType, dict]]:
        found = []
        for type_key, ns, name in sorted(self._index(index).get(key, ())):
            obj = (self.state.objects.get(type_key) or {}).get(ns, {}).get(name)
            if obj is not None:
                found.append((self.type_of(obj), obj))
        return found

    def owned(self, uid: str) -> list[tuple[ResourceType, dict]]:
        """Objects whose ownerReferences name `uid`, in a stable order."""
        return self._lookup("owner", (uid,))

    def with_label(self, rtype: ResourceType, namespace: str, key: str, value: str) -> list[dict]:
        """Objects of a type in a namespace carrying the label key=value."""
        return [obj for _, obj in self._lookup("label", (rtype.key, namespace, key, value))]

    def services_selecting(self, namespace: str, key: str, value: str) -> list[dict]:
        """Services of a namespace whose selector includes key=value."""
        return [obj for _, obj in self._lookup("selector", (namespace, key, value))]

    def service_using(self, what: str, value: object) -> list[dict]:
        """Services holding a cluster IP (`what="clusterIP"`) or a node port (`what="nodePort"`)."""
        return [obj for _, obj in self._lookup(what, (value,))]

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
        if "uid" not in meta:  # only then draw one: an object with its own leaves the generator as it is
            meta["uid"] = self.rng.uuid()
        meta.setdefault("creationTimestamp", format_time(self.now))
        meta["resourceVersion"] = self.next_resource_version()
        if rtype.kind in (
            "Deployment", "ReplicaSet", "Job", "DaemonSet", "StatefulSet", "Ingress", "IngressClass", "EndpointSlice"
        ):  # fmt: skip
            meta.setdefault("generation", 1)
        self._bucket(rtype, meta.get("namespace"))[meta["name"]] = obj
        self._track(rtype, obj, add=True)
        self._changed(rtype)
        return obj

    def replace(self, obj: dict, *, bump_generation: bool = False) -> dict:
        rtype = self.type_of(obj)
        meta = obj["metadata"]
        meta["resourceVersion"] = self.next_resource_version()
        if bump_generation and "generation" in meta:
            meta["generation"] += 1
        bucket = self._bucket(rtype, meta.get("namespace"))
        previous = bucket.get(meta["name"])
        if previous is not None:
            self._track(rtype, previous, add=False)
        bucket[meta["name"]] = obj
        self._track(rtype, obj, add=True)
        self._changed(rtype)
        return obj

    def remove(self, rtype: ResourceType, name: str, namespace: str | None = None) -> dict | None:
        by_ns = self.state.objects.get(rtype.key) or {}
        bucket = by_ns.get((namespace or "") if rtype.namespaced else "")
        if not bucket or name not in bucket:
            return None
        obj = bucket.pop(name)
        self.next_resource_version()  # a delete is a change too (caches keyed on the version rely on it)
        self._track(rtype, obj, add=False)
        if not bucket:
            by_ns.pop((namespace or "") if rtype.namespaced else "", None)
        self._changed(rtype)
        return obj
