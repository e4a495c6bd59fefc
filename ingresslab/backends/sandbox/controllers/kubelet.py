"""What minikube's scheduler and kubelet do for a new pod, in the Events and statuses they write (1.31).

- The scheduler binds the pod to `minikube` (`Scheduled`), or records `FailedScheduling` and leaves it Pending
  when no node fits (a nodeSelector the node's labels do not match, requests beyond what is left allocatable).
- The kubelet, container by container (init containers first): the image — `Pulling`/`Pulled`
  (`Successfully pulled image "x" in 1.2s (1.2s including waiting). Image size: N bytes.`, pulls serialised as
  the kubelet's default `serializeImagePulls` does) or `Container image "x" already present on machine` —
  then `Created container NAME`, `Started container NAME`. An image the registry does not have fails:
  `Failed to pull image "x": <runtime error>`, `Error: ErrImagePull`, then `Back-off pulling image "x"` and
  `Error: ImagePullBackOff`, retried with the image back-off (10 s doubling to 5 min).
- A container whose command exits is restarted per `restartPolicy` with the crash back-off (restart at once,
  then 10 s, 20 s … 5 min): `Back-off restarting failed container NAME in pod NAME_NS(UID)`, status
  `CrashLoopBackOff`, `lastState.terminated`, `restartCount`.
- A readiness probe the sandbox can answer (catalogued images) that fails keeps the pod unready: `Unhealthy`
  `Readiness probe failed: …` every `periodSeconds`.
- On deletion, `Killing` (`Stopping container NAME`) for every running container.

Time-driven work (back-offs, probes) is kept per pod in the state's `kubelet` entry and caught up to the
virtual clock by `catch_up`, which every pod change runs. Durations come from a hash of the pod's uid and the
image, never from the seeded generator, so a lesson's names and IPs stay what its seed gives.
"""

from __future__ import annotations

import hashlib
import re

from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.backends.sandbox.dataplane import images
from ingresslab.backends.sandbox.events import NORMAL, WARNING
from ingresslab.backends.sandbox.store import clone, format_time
from ingresslab.backends.sandbox.topology import NODE_NAME

__all__ = [
    "KUBELET",
    "catch_up",
    "go_duration",
    "kill_containers",
    "pull_image",
    "schedule",
    "start_containers",
]

KUBELET = "kubelet"
SCHEDULER = "default-scheduler"
_IMAGE_BACKOFF = (10, 300)  # the kubelet's image pull back-off: initial, cap (seconds)
_CRASH_BACKOFF = (10, 300)  # the container restart back-off
_SYNC = 10.0  # how often the pod worker looks again while backing off
_UNSCHEDULABLE_FLUSH = 300.0  # the scheduler retries an unschedulable pod at least every 5 minutes


def _recorder(cluster: Cluster):
    return cluster.events.recorder(KUBELET, host=NODE_NAME)


def _fraction(*parts: str) -> float:
    digest = hashlib.sha256("\0".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def go_duration(seconds: float) -> str:
    """Go's `time.Duration.String()` of a duration truncated to milliseconds (`813ms`, `1.2s`, `1m4.5s`)."""
    ms = int(seconds * 1000)
    if ms < 1000:
        return f"{ms}ms"
    minutes, rest = divmod(ms, 60_000)
    secs = f"{rest / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def _ref(container_kind: str, name: str) -> str:
    return f"spec.{container_kind}{{{name}}}"


def _pod_key(pod: dict) -> str:
    meta = pod["metadata"]
    return f"{meta['name']}_{meta['namespace']}({meta.get('uid', '')})"


# -- scheduling ---------------------------------------------------------------------------------------
_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}


def _quantity(text: object) -> float:
    value = str(text)
    if value.endswith("m"):
        return float(value[:-1]) / 1000
    for suffix, factor in _UNITS.items():
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def _requests(pod: dict) -> dict[str, float]:
    total: dict[str, float] = {}
    for c in pod["spec"].get("containers") or []:
        for resource, value in ((c.get("resources") or {}).get("requests") or {}).items():
            try:
                total[resource] = total.get(resource, 0.0) + _quantity(value)
            except ValueError:
                continue
    return total


def _unschedulable(cluster: Cluster, pod: dict) -> str | None:
    """The scheduler's reason the one node does not fit, or None when it does."""
    node = cluster.get("nodes", NODE_NAME) or {}
    labels = (node.get("metadata") or {}).get("labels") or {}
    selector = pod["spec"].get("nodeSelector") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return (
            "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 "
            "nodes are available: 1 Preemption is not helpful for scheduling."
        )
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    wanted = _requests(pod)
    if not wanted:
        return None
    used: dict[str, float] = {}
    for other in cluster.list("pods"):
        if other["metadata"].get("uid") == pod["metadata"].get("uid"):
            continue
        if other["spec"].get("nodeName") and (other.get("status") or {}).get("phase") in (
            "Running",
            "Pending",
        ):
            for resource, value in _requests(other).items():
                used[resource] = used.get(resource, 0.0) + value
    short = [
        resource
        for resource in ("cpu", "memory")
        if resource in wanted
        and resource in allocatable
        and used.get(resource, 0.0) + wanted[resource] > _quantity(allocatable[resource])
    ]
    if not short:
        return None
    reasons = ", ".join(f"1 Insufficient {r}" for r in short)
    return (
        f"0/1 nodes are available: {reasons}. preemption: 0/1 nodes are available: 1 No preemption victims "
        "found for incoming pod."
    )


def schedule(cluster: Cluster, pod: dict) -> bool:
    """Bind `pod` to the node (Scheduled) or leave it Pending (FailedScheduling); True when bound."""
    spec, meta = pod["spec"], pod["metadata"]
    if spec.get("nodeName"):  # pods that name their node (static pods) are never scheduled
        return True
    recorder = cluster.events.recorder(SCHEDULER, instance=f"{SCHEDULER}-{NODE_NAME}")
    reason = _unschedulable(cluster, pod)
    if reason is not None:
        recorder.event(pod, WARNING, "FailedScheduling", reason, action="Scheduling")
        entry = _entries(cluster).setdefault(meta["uid"], {"ns": meta["namespace"], "name": meta["name"]})
        entry["unscheduled"] = {"next": cluster.store.now + _UNSCHEDULABLE_FLUSH}
        now = format_time(cluster.store.now)
        pod["status"] = {
            "phase": "Pending",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "lastProbeTime": None,
                    "lastTransitionTime": now,
                    "reason": "Unschedulable",
                    "message": reason,
                }
            ],
            "qosClass": _qos(pod),
        }
        return False
    spec["nodeName"] = NODE_NAME
    # Stamped at the start of the second the pod was created in: the kubelet's Events (second precision)
    # of that same second then sort after it, as they do on a real node where they come a moment later.
    recorder.event(
        pod,
        NORMAL,
        "Scheduled",
        f"Successfully assigned {meta['namespace']}/{meta['name']} to {NODE_NAME}",
        action="Binding",
        at=float(int(cluster.store.now)),
    )
    return True


def _qos(pod: dict) -> str:
    containers = pod["spec"].get("containers") or []
    if not any(
        (c.get("resources") or {}).get("requests") or (c.get("resources") or {}).get("limits")
        for c in containers
    ):
        return "BestEffort"
    guaranteed = all(
        (c.get("resources") or {}).get("limits")
        and all(
            str(((c.get("resources") or {}).get("limits") or {}).get(r))
            == str(
                ((c.get("resources") or {}).get("requests") or {}).get(
                    r, ((c.get("resources") or {}).get("limits") or {}).get(r)
                )
            )
            for r in ("cpu", "memory")
        )
        for c in containers
    )
    return "Guaranteed" if guaranteed else "Burstable"


# -- images -------------------------------------------------------------------------------------------
def _node_images(cluster: Cluster) -> dict[str, float]:
    return cluster.state.extra.setdefault("nodeImages", {})


# minikube's preload tarball: the control plane's images are on the node before anything asks for them.
_PRELOADED = re.compile(
    r"^registry\.k8s\.io/(?:kube-(?:apiserver|controller-manager|scheduler|proxy)|etcd|pause|coredns/coredns):|"
    r"^gcr\.io/k8s-minikube/storage-provisioner:"
)


def _present(cluster: Cluster, key: str, at: float) -> bool:
    if _PRELOADED.match(key):
        return True
    pulled = _node_images(cluster).get(key)
    return pulled is not None and pulled <= at


def _image_key(image: str) -> str:
    registry, repository, tag = images.normalize(image)
    return f"{registry}/{repository}:{tag}"


def pull_image(cluster: Cluster, pod: dict, container: dict, kind: str, at: float) -> str | None:
    """EnsureImageExists: the image events; None when the image is there, else the waiting reason."""
    recorder = _recorder(cluster)
    image = container.get("image", "")
    ref = _ref(kind, container["name"])
    policy = container.get("imagePullPolicy") or (
        "Always" if images.normalize(image)[2] == "latest" and "@" not in image else "IfNotPresent"
    )
    cache = _node_images(cluster)
    key = _image_key(image)
    present = _present(cluster, key, at)
    if policy == "Never" or (policy == "IfNotPresent" and present):
        if present:
            recorder.event(
                pod,
                NORMAL,
                "Pulled",
                f'Container image "{image}" already present on machine',
                field_path=ref,
                at=at,
            )
            return None
        recorder.event(
            pod,
            WARNING,
            "ErrImageNeverPull",
            f'Container image "{image}" is not present with pull policy of Never',
            field_path=ref,
            at=at,
        )
        return "ErrImageNeverPull"
    recorder.event(pod, NORMAL, "Pulling", f'Pulling image "{image}"', field_path=ref, at=at)
    found = images.lookup(image)
    if isinstance(found, images.PullError):
        recorder.event(
            pod, WARNING, "Failed", f'Failed to pull image "{image}": {found.message}', field_path=ref, at=at
        )
        recorder.event(pod, WARNING, "Failed", "Error: ErrImagePull", field_path=ref, at=at)
        return "ErrImagePull"
    uid = pod["metadata"].get("uid", "")
    share = _fraction(uid, container["name"], image, f"{at:.3f}")
    # a pull of an image already there checks the manifest only
    took = 0.3 + 0.7 * share if present else 0.6 + found.size / 40_000_000 * (0.7 + 0.6 * share)
    # serializeImagePulls: a pull started while another runs waits for it (only pulls of this moment queue;
    # a restart the kubelet catches up on pulled alone).
    queue = cluster.state.extra.get("pullQueueUntil", 0.0)
    waited = max(0.0, queue - at) if at >= cluster.store.now else 0.0
    cluster.state.extra["pullQueueUntil"] = max(queue, at + waited + took)
    cache[key] = min(cache.get(key, float("inf")), at + waited + took)
    recorder.event(
        pod,
        NORMAL,
        "Pulled",
        f'Successfully pulled image "{image}" in {go_duration(took)} ({go_duration(waited + took)} including '
        f"waiting). Image size: {found.size} bytes.",
        field_path=ref,
        at=at,
    )
    return None


# -- containers ---------------------------------------------------------------------------------------
def _entries(cluster: Cluster) -> dict[str, dict]:
    return cluster.state.extra.setdefault("kubelet", {})


def _waiting(reason: str, message: str | None = None) -> dict:
    state = {"reason": reason}
    if message:
        state["message"] = message
    return {"waiting": state}


def start_containers(cluster: Cluster, pod: dict, build_status) -> None:
    """Pull, create and start each container of a bound pod; `build_status(pod)` writes the Running status
    (the sandbox's CNI and runtime part). Leaves failures (pull errors, exits, probes) to `catch_up`."""
    spec, meta = pod["spec"], pod["metadata"]
    now = cluster.store.now
    recorder = _recorder(cluster)
    failed: dict[str, tuple[str, str]] = {}
    for kind in ("initContainers", "containers"):
        for container in spec.get(kind) or []:
            reason = pull_image(cluster, pod, container, kind, now)
            if reason is not None:
                message = (
                    _pull_message(container)
                    if reason == "ErrImagePull"
                    else f'Container image "{container.get("image", "")}" is not present with pull policy of Never'
                )
                failed[container["name"]] = (reason, message)
                if kind == "initContainers":
                    break
                continue
            ref = _ref(kind, container["name"])
            recorder.event(pod, NORMAL, "Created", f"Created container {container['name']}", field_path=ref)
            recorder.event(pod, NORMAL, "Started", f"Started container {container['name']}", field_path=ref)
        if failed and kind == "initContainers":
            break
    build_status(pod)
    if failed:
        _pull_failed_status(cluster, pod, failed)
        _entries(cluster)[meta["uid"]] = {
            "ns": meta["namespace"],
            "name": meta["name"],
            "pulls": {
                name: {"next": now + 1.0, "backoff": _IMAGE_BACKOFF[0], "retry": now + _IMAGE_BACKOFF[0]}
                for name in failed
            },
        }
        return
    for container in spec.get("containers") or []:
        outcome = images.run_outcome(container)
        if outcome is None:
            images.on_start(cluster, pod, container, now)
            continue
        _exited(cluster, pod, container, outcome, now)
    _probe_readiness(cluster, pod, now)


def _pull_message(container: dict) -> str:
    found = images.lookup(container.get("image", ""))
    return found.message if isinstance(found, images.PullError) else ""


def _not_ready_conditions(
    pod: dict, names: list[str], now: str, *, reason: str = "ContainersNotReady"
) -> None:
    message = f"containers with unready status: [{' '.join(names)}]"
    for cond in pod["status"].get("conditions") or []:
        if cond["type"] in ("Ready", "ContainersReady"):
            cond.update(status="False", reason=reason, message=message, lastTransitionTime=now)


def _pull_failed_status(cluster: Cluster, pod: dict, failed: dict[str, tuple[str, str]]) -> None:
    status = pod["status"]
    now = format_time(cluster.store.now)
    status["phase"] = "Pending"
    init_failed = any(c["name"] in failed for c in pod["spec"].get("initContainers") or [])
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or []:
            if cs["name"] in failed:
                reason, message = failed[cs["name"]]
                cs.update(state=_waiting(reason, message), ready=False, started=False, imageID="")
                cs.pop("containerID", None)
            elif init_failed:
                cs.update(state=_waiting("PodInitializing"), ready=False, started=False, imageID="")
                cs.pop("containerID", None)
    names = [c["name"] for c in pod["spec"].get("containers") or [] if c["name"] in failed or init_failed]
    _not_ready_conditions(pod, names, now)
    if init_failed:
        for cond in status.get("conditions") or []:
            if cond["type"] == "Initialized":
                pending = [c["name"] for c in pod["spec"].get("initContainers") or [] if c["name"] in failed]
                cond.update(
                    status="False",
                    reason="ContainersNotInitialized",
                    message=f"containers with incomplete status: [{' '.join(pending)}]",
                )


def _exited(cluster: Cluster, pod: dict, container: dict, outcome: tuple[int, str], at: float) -> None:
    """The container's command ended: its output in its log, a terminated state, the restart policy's say."""
    code, output = outcome
    meta = pod["metadata"]
    if output:
        cluster.log(meta["namespace"], meta["name"], container["name"], output.rstrip("\n"), at=at)
    status = pod["status"]
    stamp = format_time(at)
    cs = next(c for c in status.get("containerStatuses") or [] if c["name"] == container["name"])
    terminated = {
        "exitCode": code,
        "reason": "Completed" if code == 0 else "Error",
        "startedAt": stamp,
        "finishedAt": stamp,
        "containerID": cs.get("containerID", ""),
    }
    cs.update(state={"terminated": terminated}, ready=False, started=False)
    _not_ready_conditions(pod, [container["name"]], stamp)
    policy = pod["spec"].get("restartPolicy", "Always")
    if policy == "Never" or (policy == "OnFailure" and code == 0):
        others = [c for c in status.get("containerStatuses") or [] if c["name"] != container["name"]]
        if all("terminated" in (c.get("state") or {}) for c in others):
            codes = [c["state"]["terminated"]["exitCode"] for c in status.get("containerStatuses") or []]
            status["phase"] = "Succeeded" if all(c == 0 for c in codes) else "Failed"
            _not_ready_conditions(pod, [], stamp, reason="PodCompleted")
            for cond in status.get("conditions") or []:
                if cond["type"] in ("Ready", "ContainersReady"):
                    cond.pop("message", None)
        return
    entry = _entries(cluster).setdefault(meta["uid"], {"ns": meta["namespace"], "name": meta["name"]})
    crashes = entry.setdefault("crashes", {})
    crashes[container["name"]] = {
        "next": at + 1.0,
        "backoff": _CRASH_BACKOFF[0],
        "code": code,
        "output": output,
    }


# -- readiness probes ---------------------------------------------------------------------------------
def _probe_failure(pod: dict, container: dict) -> str | None:
    probe = container.get("readinessProbe") or {}
    get = probe.get("httpGet")
    if not get:
        return None
    port = get.get("port")
    if isinstance(port, str) and not port.isdigit():
        port = next(
            (p.get("containerPort") for p in container.get("ports") or [] if p.get("name") == port), None
        )
    if port is None:
        return None
    port = int(port)
    path = get.get("path") or "/"
    answer = images.probe(container, port, path)
    if answer is None:
        return None
    ip = (pod.get("status") or {}).get("podIP", "")
    if answer == "refused":
        scheme = (get.get("scheme") or "HTTP").lower()
        return f'Readiness probe failed: Get "{scheme}://{ip}:{port}{path}": dial tcp {ip}:{port}: connect: connection refused'
    if isinstance(answer, int) and not 200 <= answer < 400:
        return f"Readiness probe failed: HTTP probe failed with statuscode: {answer}"
    return None


def _probe_readiness(cluster: Cluster, pod: dict, at: float) -> None:
    failing = []
    for container in pod["spec"].get("containers") or []:
        cs = next(c for c in pod["status"].get("containerStatuses") or [] if c["name"] == container["name"])
        if "running" not in (cs.get("state") or {}):
            continue  # probes run against running containers only
        message = _probe_failure(pod, container)
        if message is None:
            continue
        delay = float((container.get("readinessProbe") or {}).get("initialDelaySeconds") or 0)
        period = float((container.get("readinessProbe") or {}).get("periodSeconds") or 10)
        failing.append(container["name"])
        cs["ready"] = False
        meta = pod["metadata"]
        entry = _entries(cluster).setdefault(meta["uid"], {"ns": meta["namespace"], "name": meta["name"]})
        entry.setdefault("probes", {})[container["name"]] = {
            "next": at + delay + 1.0,
            "period": period,
            "message": message,
        }
    if failing:
        _not_ready_conditions(pod, failing, format_time(at))


# -- the clock moves: back-offs and probes ------------------------------------------------------------
def catch_up(cluster: Cluster) -> None:
    """Everything the kubelet would have done between the last look and the virtual clock's now."""
    entries = cluster.state.extra.get("kubelet")
    if not entries:
        return
    from ingresslab.kube.resources import resolve

    pods = resolve("pods")
    now = cluster.store.now
    for uid, entry in list(entries.items()):
        pod = cluster.store.get(pods, entry["name"], entry["ns"])
        if pod is None or pod["metadata"].get("uid") != uid:
            entries.pop(uid, None)
            continue
        if "unscheduled" in entry:
            _retry_scheduling(cluster, pod, entry, now)
            continue
        if not any(
            item["next"] <= now
            for group in ("pulls", "crashes", "probes")
            for item in (entry.get(group) or {}).values()
        ):
            continue
        updated = clone(pod)
        changed = _advance(cluster, updated, entry, now)
        if not (entry.get("pulls") or entry.get("crashes") or entry.get("probes")):
            entries.pop(uid, None)
        if changed:
            cluster.update_status(updated)


def _retry_scheduling(cluster: Cluster, pod: dict, entry: dict, now: float) -> None:
    """A pending pod fits now (a node label added, a pod deleted): bind and start it; else, every five
    minutes, the scheduler says again why not (the Event's series counts up)."""
    item = entry["unscheduled"]
    if _unschedulable(cluster, pod) is None:
        from ingresslab.backends.sandbox.controllers.workloads import set_pod_running

        entry.pop("unscheduled")
        if len(entry) <= 2:
            _entries(cluster).pop(pod["metadata"]["uid"], None)
        updated = clone(pod)
        updated.pop("status", None)
        set_pod_running(cluster, updated)
        cluster.update_status(updated)
        return
    while item["next"] <= now:
        at = item["next"]
        reason = _unschedulable(cluster, pod) or ""
        cluster.events.recorder(SCHEDULER, instance=f"{SCHEDULER}-{NODE_NAME}").event(
            pod, WARNING, "FailedScheduling", reason, action="Scheduling", at=at
        )
        item["next"] = at + _UNSCHEDULABLE_FLUSH


def _advance(cluster: Cluster, pod: dict, entry: dict, now: float) -> bool:
    changed = False
    recorder = _recorder(cluster)
    for name, item in list((entry.get("pulls") or {}).items()):
        container = _container(pod, name)
        if container is None:
            entry["pulls"].pop(name)
            continue
        kind = (
            "initContainers"
            if any(c["name"] == name for c in pod["spec"].get("initContainers") or [])
            else "containers"
        )
        ref = _ref(kind, name)
        image = container.get("image", "")
        while item["next"] <= now:
            at = item["next"]
            if at >= item["retry"]:
                reason = pull_image(cluster, pod, container, kind, at)
                if reason is None:  # the image appeared (it never does for a missing one)
                    entry["pulls"].pop(name)
                    break
                _set_waiting(pod, name, reason, _pull_message(container))
                item["backoff"] = min(item["backoff"] * 2, _IMAGE_BACKOFF[1])
                item["retry"] = at + item["backoff"]
                item["next"] = at + 1.0
            else:
                recorder.event(
                    pod, NORMAL, "BackOff", f'Back-off pulling image "{image}"', field_path=ref, at=at
                )
                recorder.event(pod, WARNING, "Failed", "Error: ImagePullBackOff", field_path=ref, at=at)
                _set_waiting(pod, name, "ImagePullBackOff", f'Back-off pulling image "{image}"')
                item["next"] = min(at + _SYNC + 5 * _fraction(name, str(at)), item["retry"])
            changed = True
    for name, item in list((entry.get("crashes") or {}).items()):
        container = _container(pod, name)
        if container is None:
            entry["crashes"].pop(name)
            continue
        ref = _ref("containers", name)
        while item["next"] <= now:
            at = item["next"]
            changed = True
            if item.get("waiting"):
                recorder.event(
                    pod,
                    WARNING,
                    "BackOff",
                    f"Back-off restarting failed container {name} in pod {_pod_key(pod)}",
                    field_path=ref,
                    at=at,
                )
                if at + _SYNC < item["restart"]:
                    item["next"] = at + _SYNC
                    continue
                item["next"] = item["restart"]
                item["waiting"] = False
                continue
            # restart: the image check, Created, Started, and the command ends again
            pull_image(cluster, pod, container, "containers", at)
            recorder.event(pod, NORMAL, "Created", f"Created container {name}", field_path=ref, at=at)
            recorder.event(pod, NORMAL, "Started", f"Started container {name}", field_path=ref, at=at)
            cs = next(c for c in pod["status"].get("containerStatuses") or [] if c["name"] == name)
            last = (cs.get("state") or {}).get("terminated")
            stamp = format_time(at)
            terminated = {
                "exitCode": item["code"],
                "reason": "Completed" if item["code"] == 0 else "Error",
                "startedAt": stamp,
                "finishedAt": stamp,
                "containerID": cs.get("containerID", ""),
            }
            if item.get("output"):
                meta = pod["metadata"]
                cluster.log(meta["namespace"], meta["name"], name, item["output"].rstrip("\n"), at=at)
            cs["lastState"] = {"terminated": terminated if last is None else {**terminated}}
            cs["restartCount"] = int(cs.get("restartCount") or 0) + 1
            backoff = item["backoff"]
            cs["state"] = _waiting(
                "CrashLoopBackOff",
                f"back-off {go_duration(backoff)} restarting failed container={name} pod={_pod_key(pod)}",
            )
            cs.update(ready=False, started=False)
            item["restart"] = at + backoff
            item["backoff"] = min(backoff * 2, _CRASH_BACKOFF[1])
            item["waiting"] = True
            item["next"] = at + 0.5
    for name, item in list((entry.get("probes") or {}).items()):
        ref = _ref("containers", name)
        while item["next"] <= now:
            recorder.event(pod, WARNING, "Unhealthy", item["message"], field_path=ref, at=item["next"])
            item["next"] += item["period"]
    return changed


def _container(pod: dict, name: str) -> dict | None:
    for kind in ("initContainers", "containers"):
        for c in pod["spec"].get(kind) or []:
            if c["name"] == name:
                return c
    return None


def _set_waiting(pod: dict, name: str, reason: str, message: str) -> None:
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in pod["status"].get(key) or []:
            if cs["name"] == name:
                cs["state"] = _waiting(reason, message)


# -- deletion -----------------------------------------------------------------------------------------
def kill_containers(cluster: Cluster, pod: dict) -> None:
    """`Killing`: the kubelet stops every running container of a deleted pod."""
    recorder = _recorder(cluster)
    running = {
        cs["name"]
        for cs in (pod.get("status") or {}).get("containerStatuses") or []
        if "running" in (cs.get("state") or {})
    }
    for container in pod["spec"].get("containers") or []:
        if container["name"] in running:
            recorder.event(
                pod,
                NORMAL,
                "Killing",
                f"Stopping container {container['name']}",
                field_path=_ref("containers", container["name"]),
            )
    _entries(cluster).pop(pod["metadata"].get("uid", ""), None)


def start_ephemeral(cluster: Cluster, old: dict, new: dict) -> None:
    """`kubectl debug`: the kubelet pulls, creates and starts each ephemeral container that just got a status."""
    before = {cs["name"] for cs in (old.get("status") or {}).get("ephemeralContainerStatuses") or []}
    recorder = _recorder(cluster)
    for container in new["spec"].get("ephemeralContainers") or []:
        name = container["name"]
        if name in before or not any(
            cs["name"] == name for cs in (new.get("status") or {}).get("ephemeralContainerStatuses") or []
        ):
            continue
        ref = _ref("ephemeralContainers", name)
        if pull_image(cluster, new, container, "ephemeralContainers", cluster.store.now) is None:
            recorder.event(new, NORMAL, "Created", f"Created container {name}", field_path=ref)
            recorder.event(new, NORMAL, "Started", f"Started container {name}", field_path=ref)
