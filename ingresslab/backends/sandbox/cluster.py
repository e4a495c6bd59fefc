"""The sandbox cluster: the object store plus what the control plane does on every change.

A write goes through admission (defaults, allocation, validation, sidecar injection), lands in the store,
then the controllers reconcile synchronously until nothing is left to do — so a `kubectl get` right after
`kubectl apply` already shows pods, IPs and endpoints.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from ingresslab.backends.sandbox import customresources
from ingresslab.backends.sandbox.events import EventRecorder
from ingresslab.backends.sandbox.logstore import LogStore, MemoryLogStore
from ingresslab.backends.sandbox.state import ClusterState
from ingresslab.backends.sandbox.store import ObjectStore
from ingresslab.kube.resources import ResourceType

__all__ = ["Admission", "Cluster", "Controller", "Event"]

Event = tuple[str, ResourceType, dict | None, dict | None]
"""(verb, type, old object, new object); verb is "added", "modified" or "deleted"."""

Admission = Callable[["Cluster", ResourceType, dict, dict | None], None]
"""Mutates or validates an object before it is stored (raise errors.Invalid to reject)."""

Controller = Callable[["Cluster", Event], None]

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.controlplane import ControlPlane


class Cluster:
    """One sandbox cluster over a ClusterState; not thread-safe (the backend serialises access)."""

    def __init__(
        self, state: ClusterState, logs: LogStore | None = None, *, plane: ControlPlane | None = None
    ) -> None:
        if plane is None:
            from ingresslab.backends.sandbox.controlplane import control_plane  # it imports the controllers

            plane = control_plane()
        self.plane = plane
        self.state = state
        self.store = ObjectStore(state)
        # The seam every controller records Events through (cluster.events.recorder("…-controller")).
        self.events = EventRecorder(self)
        self.logs: LogStore = logs if logs is not None else MemoryLogStore()
        self._queue: deque[Event] = deque()
        self._draining = False
        # Work that only needs doing once after a burst of changes (e.g. one Endpoints sync per Service
        # after a Deployment created ten pods), keyed so repeats collapse.
        self._deferred: dict[tuple, Callable[[], None]] = {}
        # Per-burst caches (e.g. a label index of pods); any change to the cached type clears its entry.
        self.scratch: dict[str, object] = {}

    # -- discovery ------------------------------------------------------------------------------
    def serves(self, rtype: ResourceType) -> bool:
        """Whether the API server knows this type now: a built-in, or a kind whose CRD is stored."""
        return self.store.kinds.serves(rtype)

    # -- writes ---------------------------------------------------------------------------------
    def admit(self, rtype: ResourceType, obj: dict, old: dict | None) -> None:
        customresources.check(self.store.kinds, rtype, obj)
        for admission in self.plane.admissions:
            admission(self, rtype, obj, old)

    def create(self, obj: dict) -> dict:
        rtype = self.store.type_of(obj)
        self.admit(rtype, obj, None)
        stored = self.store.insert(obj)
        self.emit(("added", rtype, None, stored))
        return stored

    def update(self, obj: dict, *, old: dict | None = None, spec_changed: bool = True) -> dict:
        rtype = self.store.type_of(obj)
        meta = obj["metadata"]
        if old is None:
            old = self.store.get(rtype, meta["name"], meta.get("namespace"))
        self.admit(rtype, obj, old)
        bump = spec_changed and old is not None and old.get("spec") != obj.get("spec")
        stored = self.store.replace(obj, bump_generation=bump)
        self.emit(("modified", rtype, old, stored))
        return stored

    def update_status(self, obj: dict) -> dict:
        """A controller's write: no admission, no generation bump, but watchers still hear of it."""
        rtype = self.store.type_of(obj)
        meta = obj["metadata"]
        old = self.store.get(rtype, meta["name"], meta.get("namespace"))
        stored = self.store.replace(obj)
        self.emit(("modified", rtype, old, stored))
        return stored

    def delete(self, rtype: ResourceType, name: str, namespace: str | None = None) -> dict | None:
        current = self.store.get(rtype, name, namespace)
        if current is not None:
            customresources.drop_objects_of(self, rtype, current)
        removed = self.store.remove(rtype, name, namespace)
        if removed is not None:
            self.emit(("deleted", rtype, removed, None))
        return removed

    def defer(self, key: tuple, work: Callable[[], None]) -> None:
        """Run `work` once when the current burst of changes has settled."""
        self._deferred[key] = work
        if not self._draining:
            self.emit(None)

    def emit(self, event: Event | None) -> None:
        if event is not None:
            self.scratch.pop(event[1].key, None)
            self._queue.append(event)
        if self._draining:
            return
        self._draining = True
        try:
            while self._queue or self._deferred:
                while self._queue:
                    current = self._queue.popleft()
                    for controller in self.plane.watching(current[1].key):
                        controller(self, current)
                if self._deferred:
                    key = next(iter(self._deferred))
                    self._deferred.pop(key)()
        finally:
            self._draining = False
            self.scratch.clear()

    # -- container logs -------------------------------------------------------------------------
    def log(self, namespace: str, pod: str, container: str, text: str, at: float | None = None) -> None:
        """Append a line (or several, split on newlines) to a container's log at virtual time `at`."""
        self.logs.append(namespace, pod, container, text, self.store.now if at is None else at)

    # -- helpers for controllers ----------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str | None = None) -> dict | None:
        """An object by kubectl name of its kind; None if absent or the kind is not served now."""
        rtype = self.store.kinds.find(kind)
        return self.store.get(rtype, name, namespace) if rtype else None

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        """Objects of a kind (none while the kind is not served, e.g. Istio's before its CRDs)."""
        rtype = self.store.kinds.find(kind)
        return self.store.list(rtype, namespace) if rtype else []
