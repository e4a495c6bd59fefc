"""What installing an add-on needs from the control plane: apply-if-absent, and Jobs that run to completion.

The sandbox has no Job controller of its own; the add-ons' Jobs (ingress-nginx's certificate jobs) are
one-shot, so they are created already finished: a Job with `Complete` status and one pod in phase
`Succeeded` whose container terminated with reason `Completed` — `kubectl get pods` shows READY 0/1,
STATUS Completed, exactly what a learner sees on minikube a minute after enabling the addon.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.backends.sandbox.controllers.workloads import allocate_pod_ip, release_pod_ip
from ingresslab.backends.sandbox.store import clone, format_time
from ingresslab.backends.sandbox.topology import NODE_IP, NODE_NAME

__all__ = ["ensure", "object_ref", "run_job"]


def ensure(cluster: Cluster, obj: dict) -> dict:
    """Create `obj` unless an object of its kind and name exists already (re-enabling changes nothing)."""
    rtype = cluster.store.type_of(obj)
    meta = obj["metadata"]
    found = cluster.store.get(rtype, meta["name"], meta.get("namespace"))
    return found if found is not None else cluster.create(clone(obj))


def write_status(cluster: Cluster, obj: dict, status: dict) -> None:
    """A controller's status write through the status subresource, skipped when nothing changed (so a
    reconcile that finds everything in place wakes no watcher)."""
    if obj.get("status") == status:
        return
    updated = clone(obj)
    updated["status"] = status
    cluster.update_status(updated)


def object_ref(obj: dict) -> str:
    """`v1.ObjectReference{...}` as client-go's event recorder prints it in klog lines."""
    meta = obj["metadata"]
    return (
        f'v1.ObjectReference{{Kind:"{obj["kind"]}", Namespace:"{meta.get("namespace", "")}", '
        f'Name:"{meta["name"]}", UID:"{meta.get("uid", "")}", APIVersion:"{obj["apiVersion"]}", '
        f'ResourceVersion:"{meta.get("resourceVersion", "")}", FieldPath:""}}'
    )


def _terminated_status(cluster: Cluster, container: dict, started: str, finished: str) -> dict:
    image = container.get("image", "")
    return {
        "containerID": "docker://" + cluster.store.rng.hex(32),
        "image": image,
        "imageID": f"docker-pullable://{image.split(':')[0]}@sha256:" + cluster.store.rng.hex(32),
        "lastState": {},
        "name": container["name"],
        "ready": False,
        "restartCount": 0,
        "started": False,
        "state": {
            "terminated": {
                "containerID": "docker://" + cluster.store.rng.hex(32),
                "exitCode": 0,
                "finishedAt": finished,
                "reason": "Completed",
                "startedAt": started,
            }
        },
    }


def run_job(cluster: Cluster, job: dict, seconds: float) -> dict:
    """Create a Job that already ran for `seconds` and succeeded, with its one Completed pod."""
    existing = cluster.store.get(
        cluster.store.type_of(job), job["metadata"]["name"], job["metadata"]["namespace"]
    )
    if existing is not None:
        return existing
    job = clone(job)
    start = cluster.store.now
    created = cluster.create(job)
    uid = created["metadata"]["uid"]
    name, namespace = created["metadata"]["name"], created["metadata"]["namespace"]
    job_labels = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
    }
    template = clone(created["spec"]["template"])
    pod_meta = template.get("metadata", {})
    pod_meta.pop("name", None)
    pod_meta["labels"] = {**(pod_meta.get("labels") or {}), **job_labels}
    started, finished = format_time(start + 1), format_time(start + seconds)
    # host-local IPAM hands the pod an address and takes it back when the pod's sandbox goes away.
    ip = allocate_pod_ip(cluster)
    release_pod_ip(cluster, ip)
    not_ready = {"status": "False", "reason": "PodCompleted", "lastProbeTime": None}
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            **pod_meta,
            "name": f"{name}-{cluster.store.rng.suffix()}",
            "generateName": f"{name}-",
            "namespace": namespace,
            "ownerReferences": [
                {
                    "apiVersion": "batch/v1",
                    "kind": "Job",
                    "name": name,
                    "uid": uid,
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {**template.get("spec", {}), "nodeName": NODE_NAME},
        "status": {
            "phase": "Succeeded",
            "conditions": [
                {"type": "PodReadyToStartContainers", "status": "False", "lastProbeTime": None},
                {"type": "Initialized", "status": "True", "reason": "PodCompleted", "lastProbeTime": None},
                {"type": "Ready", **not_ready},
                {"type": "ContainersReady", **not_ready},
                {"type": "PodScheduled", "status": "True", "lastProbeTime": None},
            ],
            "hostIP": NODE_IP,
            "hostIPs": [{"ip": NODE_IP}],
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": format_time(start),
            "containerStatuses": [
                _terminated_status(cluster, c, started, finished)
                for c in template.get("spec", {}).get("containers") or []
            ],
            "qosClass": "BestEffort",
        },
    }
    for condition in pod["status"]["conditions"]:
        condition["lastTransitionTime"] = finished if condition["status"] == "False" else format_time(start)
    cluster.create(pod)
    done = clone(cluster.store.get(cluster.store.type_of(created), name, namespace))
    done["spec"].setdefault("selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
    done["spec"].setdefault("completions", 1)
    done["spec"].setdefault("parallelism", 1)
    done["spec"].setdefault("backoffLimit", 6)
    done["status"] = {
        "startTime": format_time(start),
        "completionTime": finished,
        "succeeded": 1,
        "ready": 0,
        "terminating": 0,
        "uncountedTerminatedPods": {},
        "conditions": [
            {
                "type": kind,
                "status": "True",
                "lastProbeTime": finished,
                "lastTransitionTime": finished,
                **({"reason": "CompletionsReached", "message": "Reached expected number of succeeded pods"}),
            }
            for kind in ("SuccessCriteriaMet", "Complete")
        ],
    }
    return cluster.update_status(done)
