"""Watch-based waits with deadlines: pods ready, a Deployment rolled out, an Ingress given an address.

Each wait lists once, then follows a watch from that list's resourceVersion, re-evaluating after every event,
so it reacts as soon as the cluster changes instead of polling. A watch the server ends (or expires with
410 Gone) is resumed or re-listed until the deadline. Progress goes to an optional callback, which a notebook
progress bar plugs into.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ingresslab.backends.base import Obj
from ingresslab.backends.live.errors import WaitTimeout

__all__ = [
    "Evaluation",
    "ProgressCallback",
    "WaitProgress",
    "Watchable",
    "deployment_rollout_status",
    "ingress_address_status",
    "pods_ready_status",
    "wait_for",
    "wait_for_ingress_address",
    "wait_for_pods_ready",
    "wait_for_rollout",
]


@dataclass(frozen=True, slots=True)
class WaitProgress:
    what: str
    status: str
    elapsed: float
    timeout: float
    done: bool = False

    @property
    def fraction_of_timeout(self) -> float:
        return min(1.0, self.elapsed / self.timeout) if self.timeout > 0 else 1.0


ProgressCallback = Callable[[WaitProgress], None]


@dataclass(frozen=True, slots=True)
class Evaluation:
    done: bool
    status: str
    value: Any = None


class Watchable(Protocol):
    """What a wait needs from a backend: a consistent list and a watch that continues from it."""

    def list_with_version(
        self,
        kind: str,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> tuple[list[Obj], str]: ...

    def watch(
        self,
        kind: str,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        timeout: float = 30.0,
    ) -> Iterator[tuple[str, Obj]]: ...


def _key(obj: Mapping[str, Any]) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return (meta.get("namespace") or "", meta.get("name") or "")


def wait_for(
    source: Watchable,
    kind: str,
    namespace: str | None,
    evaluate: Callable[[list[Obj]], Evaluation],
    *,
    what: str,
    timeout: float,
    label_selector: str | None = None,
    field_selector: str | None = None,
    progress: ProgressCallback | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Any:
    """Follow `kind` objects until `evaluate` says done; return its value or raise WaitTimeout."""
    start = clock()
    deadline = start + timeout
    last_status = "nothing observed yet"

    def check(objects: dict[tuple[str, str], Obj]) -> Evaluation:
        nonlocal last_status
        result = evaluate(list(objects.values()))
        last_status = result.status
        if progress is not None:
            progress(WaitProgress(what, result.status, clock() - start, timeout, result.done))
        return result

    needs_list = True
    objects: dict[tuple[str, str], Obj] = {}
    version: str | None = None
    while True:
        if needs_list:
            items, version = source.list_with_version(
                kind, namespace, label_selector=label_selector, field_selector=field_selector
            )
            objects = {_key(o): o for o in items}
            needs_list = False
            result = check(objects)
            if result.done:
                return result.value
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(what, timeout, last_status)
        watch_started, events = clock(), 0
        for event_type, obj in source.watch(
            kind,
            namespace,
            label_selector=label_selector,
            field_selector=field_selector,
            resource_version=version,
            timeout=remaining,
        ):
            if event_type == "ERROR":
                # Usually 410 Gone: our resourceVersion is too old to resume from, so start over.
                needs_list = True
                break
            new_version = (obj.get("metadata") or {}).get("resourceVersion")
            version = new_version or version
            events += 1
            if event_type == "BOOKMARK":
                continue
            if event_type == "DELETED":
                objects.pop(_key(obj), None)
            else:
                objects[_key(obj)] = obj
            result = check(objects)
            if result.done:
                return result.value
            if clock() >= deadline:
                break
        else:
            if not events and clock() - watch_started < 0.1:
                # A watch that closes at once would otherwise spin; pause before resuming it.
                time.sleep(min(0.2, max(0.0, deadline - clock())))


# -- what "done" means -------------------------------------------------------------------------------------


def _condition(obj: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return cond
    return None


def _pod_problem(pod: Mapping[str, Any]) -> str:
    status = pod.get("status") or {}
    for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        waiting = (cs.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason"):
            return waiting["reason"]
    return status.get("phase") or "Pending"


def pods_ready_status(pods: list[Obj]) -> Evaluation:
    """Done when at least one pod matches and every pod that is not being deleted is Ready."""
    live = [p for p in pods if not (p.get("metadata") or {}).get("deletionTimestamp")]
    ready = [p for p in live if (_condition(p, "Ready") or {}).get("status") == "True"]
    if not live:
        return Evaluation(False, "no matching pods yet")
    waiting = [p for p in live if p not in ready]
    detail = ", ".join(f"{p['metadata'].get('name')} ({_pod_problem(p)})" for p in waiting[:3])
    status = f"{len(ready)}/{len(live)} pods ready" + (f"; waiting for {detail}" if detail else "")
    return Evaluation(not waiting, status, sorted(ready, key=lambda p: p["metadata"].get("name", "")))


def deployment_rollout_status(deployments: list[Obj]) -> Evaluation:
    """kubectl rollout status's rules: spec observed, all replicas updated, old ones gone, new ones available."""
    if not deployments:
        return Evaluation(False, "deployment not found yet")
    dep = deployments[0]
    name = dep["metadata"].get("name")
    spec, status = dep.get("spec") or {}, dep.get("status") or {}
    if (dep["metadata"].get("generation") or 0) > (status.get("observedGeneration") or 0):
        return Evaluation(False, "waiting for deployment spec update to be observed")
    progressing = _condition(dep, "Progressing") or {}
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return Evaluation(False, f'deployment "{name}" exceeded its progress deadline')
    wanted = spec.get("replicas", 1)
    updated = status.get("updatedReplicas") or 0
    total = status.get("replicas") or 0
    available = status.get("availableReplicas") or 0
    prefix = f'Waiting for deployment "{name}" rollout to finish: '
    if updated < wanted:
        return Evaluation(False, f"{prefix}{updated} out of {wanted} new replicas have been updated...")
    if total > updated:
        return Evaluation(False, f"{prefix}{total - updated} old replicas are pending termination...")
    if available < updated:
        return Evaluation(False, f"{prefix}{available} of {updated} updated replicas are available...")
    return Evaluation(True, f'deployment "{name}" successfully rolled out', dep)


def ingress_address_status(ingresses: list[Obj]) -> Evaluation:
    if not ingresses:
        return Evaluation(False, "ingress not found yet")
    entries = ((ingresses[0].get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    for entry in entries:
        address = entry.get("ip") or entry.get("hostname")
        if address:
            return Evaluation(True, f"address {address}", address)
    return Evaluation(False, "no address assigned yet (is the ingress controller running?)")


def wait_for_pods_ready(
    source: Watchable,
    namespace: str,
    selector: str,
    timeout: float,
    progress: ProgressCallback | None = None,
) -> list[Obj]:
    return wait_for(
        source,
        "pods",
        namespace,
        pods_ready_status,
        what=f"pods matching {selector!r} in {namespace!r} to be ready",
        timeout=timeout,
        label_selector=selector,
        progress=progress,
    )


def wait_for_rollout(
    source: Watchable,
    namespace: str,
    deployment: str,
    timeout: float,
    progress: ProgressCallback | None = None,
) -> Obj:
    return wait_for(
        source,
        "deployments",
        namespace,
        deployment_rollout_status,
        what=f'deployment "{deployment}" in {namespace!r} to roll out',
        timeout=timeout,
        field_selector=f"metadata.name={deployment}",
        progress=progress,
    )


def wait_for_ingress_address(
    source: Watchable,
    namespace: str,
    name: str,
    timeout: float,
    progress: ProgressCallback | None = None,
) -> str:
    return wait_for(
        source,
        "ingresses",
        namespace,
        ingress_address_status,
        what=f'ingress "{name}" in {namespace!r} to get an address',
        timeout=timeout,
        field_selector=f"metadata.name={name}",
        progress=progress,
    )
