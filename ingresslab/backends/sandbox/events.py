"""The sandbox's event recorder: controllers write `v1` Events into the store the way client-go's recorder does.

Modelled on client-go `tools/record` (Kubernetes 1.31):
- an Event is named `<involved object name>.<UnixNano of now in hex>`, lives in the object's namespace
  (`default` for cluster-scoped objects), references the object (`involvedObject`: kind, namespace, name, uid,
  apiVersion, resourceVersion) and carries `reason`, `message`, `type` (Normal or Warning), `source.component`
  (also `reportingComponent`), `firstTimestamp`, `lastTimestamp` and `count`;
- a repeat of the same event (same source, object, type, reason and message) is not a new object: the existing
  one gets `count + 1` and a new `lastTimestamp`, so `kubectl describe` shows `3m2s (x4 over 5m)`.
- components on the newer `events.k8s.io/v1` API (the scheduler) write `eventTime`, `action`,
  `reportingComponent` and `reportingInstance` instead of `source` and the timestamps;
- the kubelet names its node (`source.host`, `reportingInstance`: `minikube`) and the container an Event is
  about (`involvedObject.fieldPath`: `spec.containers{NAME}`); what it catches up on (a crash loop's restarts)
  is stamped when it happened (`at`), not when the sandbox noticed.

Writing an Event never consumes the seeded generator (its uid derives from its name), so recording events
leaves every name, IP and request id a seed produces as it was.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ingresslab.backends.sandbox.store import format_time
from ingresslab.kube.resources import resolve

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.cluster import Cluster

__all__ = ["NORMAL", "WARNING", "ComponentRecorder", "EventRecorder"]

NORMAL = "Normal"
WARNING = "Warning"
_TYPES = (NORMAL, WARNING)
_EVENT = resolve("events")
_UID_NAMESPACE = uuid.UUID("6b1f0c3e-3d7a-4b8e-9a51-0e4f2c9d7a10")  # the sandbox's own uuid5 namespace


_SERIES_FINISH = 6 * 60  # client-go tools/events: a series not updated for 6 minutes is finished


def _micro_time(ts: float) -> str:
    """metav1.MicroTime: RFC 3339 with microseconds."""
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse_micro(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def _reference(obj: dict) -> dict:
    meta = obj.get("metadata") or {}
    ref = {"kind": obj.get("kind", ""), "namespace": meta.get("namespace"), "name": meta.get("name", "")}
    ref.update(
        uid=meta.get("uid"), apiVersion=obj.get("apiVersion"), resourceVersion=meta.get("resourceVersion")
    )
    return {k: v for k, v in ref.items() if v}


def _key(event: dict) -> tuple:
    """client-go's correlator key: source, involved object (kind, namespace, name, fieldPath, uid, apiVersion),
    type, reason and message. An events.k8s.io Event (no source) keys on its reporting controller and
    instance instead, as that API's isomorphic-event cache does (with its action)."""
    involved = event.get("involvedObject") or {}
    source = event.get("source") or {}
    if not source:
        source = {"component": event.get("reportingComponent"), "host": event.get("reportingInstance")}
        source["host"] = f"{source['host']}/{event.get('action') or ''}"
    return (
        source.get("component"),
        source.get("host"),
        *(involved.get(k) for k in ("kind", "namespace", "name", "fieldPath", "uid", "apiVersion")),
        event.get("type"),
        event.get("reason"),
        event.get("message"),
    )


@dataclass(frozen=True)
class ComponentRecorder:
    """What one component records through (client-go's `NewRecorder(scheme, EventSource{Component: …})`)."""

    events: EventRecorder
    component: str
    instance: str | None = None
    """Set for components on the events.k8s.io/v1 API (the scheduler): `reportingInstance`."""
    host: str | None = None
    """`source.host` (and `reportingInstance`) of a v1 recorder that names its node: the kubelet's."""

    def event(
        self,
        obj: dict,
        type_: str,
        reason: str,
        message: str,
        *,
        action: str = "",
        field_path: str | None = None,
        at: float | None = None,
    ) -> dict:
        """Record about `obj` (a container of it when `field_path` is `spec.containers{name}`); `at` is when
        it happened when that is not the clock's now (the kubelet catching up on a crash loop)."""
        return self.events.record(
            obj,
            type_,
            reason,
            message,
            component=self.component,
            instance=self.instance,
            action=action,
            host=self.host,
            field_path=field_path,
            at=at,
        )

    def eventf(self, obj: dict, type_: str, reason: str, fmt: str, *args: object, action: str = "") -> dict:
        """`Eventf`: the message is `fmt % args` (the Go verbs the controllers use are `%s`/`%d`/`%v`)."""
        return self.event(obj, type_, reason, fmt.replace("%v", "%s") % args, action=action)


class EventRecorder:
    """Writes Events for one cluster; `recorder(component)` gives a component its own recorder."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        # The correlator's cache: key -> (namespace, name) of the Event that key last produced. Built from
        # the store on first use, so a cluster loaded from its state file keeps counting the same Events.
        self._seen: dict[tuple, tuple[str, str]] | None = None

    def recorder(
        self, component: str, *, instance: str | None = None, host: str | None = None
    ) -> ComponentRecorder:
        return ComponentRecorder(self, component, instance, host)

    def record(
        self,
        obj: dict,
        type_: str,
        reason: str,
        message: str,
        *,
        component: str,
        instance: str | None = None,
        action: str = "",
        host: str | None = None,
        field_path: str | None = None,
        at: float | None = None,
    ) -> dict:
        """Store a new Event about `obj`, or count a repeat of an identical one; returns the stored Event."""
        if type_ not in _TYPES:
            raise ValueError(f"an event's type is {' or '.join(_TYPES)}, not {type_!r}")
        if not reason:
            raise ValueError("an event needs a reason")
        store = self.cluster.store
        ref = _reference(obj)
        if field_path:
            ref["fieldPath"] = field_path
        namespace = ref.get("namespace") or "default"
        now = store.now if at is None else at
        source = {"component": component, **({"host": host} if host else {})}
        key = _key(
            {
                "source": source if instance is None else {},
                "reportingComponent": component,
                "reportingInstance": instance,
                "action": action,
                "involvedObject": ref,
                "type": type_,
                "reason": reason,
                "message": message,
            }
        )
        repeat = self._repeat_of(key)
        if instance is not None and repeat is not None:
            # events.k8s.io: a repeat within 6 minutes of the last observation extends the Event's series
            # (count 2 on the first repeat); after that the series is finished and a new Event starts.
            series = repeat.get("series") or {}
            last = series.get("lastObservedTime") or repeat.get("eventTime")
            if last and now - _parse_micro(last) <= _SERIES_FINISH:
                updated = {
                    **repeat,
                    "series": {
                        "count": int(series.get("count") or 1) + 1,
                        "lastObservedTime": _micro_time(now),
                    },
                }
                return store.replace(updated)
        if instance is None and repeat is not None:
            updated = {
                **repeat,
                "count": int(repeat.get("count") or 1) + 1,
                "lastTimestamp": max(format_time(now), repeat.get("lastTimestamp") or ""),
            }
            return store.replace(updated)
        name = self._free_name(namespace, ref["name"], now)
        event: dict = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "uid": str(uuid.uuid5(_UID_NAMESPACE, f"{namespace}/{name}")),
            },
            "involvedObject": ref,
            "reason": reason,
            "message": message,
            "type": type_,
        }
        if instance is None:
            stamp = format_time(now)
            event.update(
                source=source,
                firstTimestamp=stamp,
                lastTimestamp=stamp,
                count=1,
                eventTime=None,
                reportingComponent=component,
                reportingInstance=host or "",
            )
        else:
            event.update(
                source={},
                firstTimestamp=None,
                lastTimestamp=None,
                eventTime=_micro_time(now),
                action=action,
                reportingComponent=component,
                reportingInstance=instance,
            )
        # The Event brings its own uid, so the store draws nothing from the seeded generator for it.
        stored = store.insert(event)
        if self._seen is not None:
            self._seen[key] = (namespace, name)
        return stored

    def _repeat_of(self, key: tuple) -> dict | None:
        if self._seen is None:
            self._seen = {}
            for ev in self.cluster.store.list(_EVENT):
                self._seen[_key(ev)] = (ev["metadata"]["namespace"], ev["metadata"]["name"])
        found = self._seen.get(key)
        return self.cluster.store.get(_EVENT, found[1], found[0]) if found else None  # None: deleted since

    def _free_name(self, namespace: str, object_name: str, now: float) -> str:
        # The virtual clock stands still within one change, so two events at "the same nanosecond" are
        # one nanosecond apart, as they would be on a real clock.
        nanos = round(now * 1e9)
        while self.cluster.store.get(_EVENT, f"{object_name}.{nanos:x}", namespace) is not None:
            nanos += 1
        return f"{object_name}.{nanos:x}"
