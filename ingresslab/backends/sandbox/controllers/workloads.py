"""Deployments → ReplicaSets → Pods, and what the scheduler, kubelet and CNI do for a pod.

Names follow Kubernetes: a ReplicaSet is `<deployment>-<pod-template-hash>` (a hash of the pod template, so the
same template always gets the same name) and a pod `<replicaset>-<5 random characters>`. Pod IPs are handed
out in order from the pod CIDR the way minikube's host-local IPAM does. A new pod is bound and started at once
(Running and ready) unless the scheduler or the kubelet says otherwise — kubelet.py: their Events, image pulls
that fail, commands that exit, probes that fail.
"""

from __future__ import annotations

import ipaddress
import json

from ingresslab.backends.sandbox.cluster import Cluster, Event
from ingresslab.backends.sandbox.controllers import kubelet
from ingresslab.backends.sandbox.controllers.core import owned_by
from ingresslab.backends.sandbox.events import NORMAL
from ingresslab.backends.sandbox.rand import SAFE_ALPHABET
from ingresslab.backends.sandbox.store import clone, format_time
from ingresslab.backends.sandbox.topology import NODE_IP, POD_CIDR
from ingresslab.kube.pods import pod_ready
from ingresslab.kube.resources import ResourceType, resolve

__all__ = ["allocate_pod_ip", "container_status", "pod_template_hash", "set_pod_running"]

_RS = resolve("replicasets")
# The components whose Events these controllers write (their EventSource in kube-controller-manager and the
# scheduler).
DEPLOYMENT_CONTROLLER = "deployment-controller"
REPLICASET_CONTROLLER = "replicaset-controller"
SCHEDULER = kubelet.SCHEDULER
_POD = resolve("pods")


def pod_template_hash(template: dict) -> str:
    """FNV-1a over the template, encoded with the safe alphabet digit by digit as Kubernetes does."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "".join(SAFE_ALPHABET[ord(d) % len(SAFE_ALPHABET)] for d in str(h))


def allocate_pod_ip(cluster: Cluster) -> str:
    """Next free address after the last one handed out (10.244.0.1 is the bridge), wrapping around."""
    extra = cluster.state.extra
    used = extra.setdefault("podIPs", {})
    base = int(POD_CIDR.network_address)
    size = POD_CIDR.num_addresses
    offset = extra.get("lastPodIP", 1)
    for _ in range(size):
        offset = offset + 1 if offset + 1 < size - 1 else 2
        if offset % 256 in (0, 255):
            continue
        ip = str(ipaddress.ip_address(base + offset))
        if ip not in used:
            extra["lastPodIP"] = offset
            used[ip] = True
            return ip
    raise RuntimeError("the sandbox's pod CIDR is exhausted")  # 65k pods: far beyond any lesson


def release_pod_ip(cluster: Cluster, ip: str | None) -> None:
    if ip:
        cluster.state.extra.get("podIPs", {}).pop(ip, None)


def container_status(cluster: Cluster, container: dict, started: str) -> dict:
    image = container.get("image", "")
    full_image = image if ":" in image.rpartition("/")[2] else f"{image}:latest"
    return {
        "containerID": "docker://" + cluster.store.rng.hex(32),
        "image": full_image,
        "imageID": f"docker-pullable://{image.split(':')[0]}@sha256:" + cluster.store.rng.hex(32),
        "lastState": {},
        "name": container["name"],
        "ready": True,
        "restartCount": 0,
        "started": True,
        "state": {"running": {"startedAt": started}},
    }


def set_pod_running(cluster: Cluster, pod: dict) -> None:
    """What the scheduler, kubelet and CNI do for a new pod (kubelet.py: the Events and the failures)."""
    if kubelet.schedule(cluster, pod):
        kubelet.start_containers(cluster, pod, lambda p: _running_status(cluster, p))


def _running_status(cluster: Cluster, pod: dict) -> None:
    """The CNI's and runtime's part: IPs, Running, every container ready."""
    spec = pod["spec"]
    now = format_time(cluster.store.now)
    ip = NODE_IP if spec.get("hostNetwork") else allocate_pod_ip(cluster)
    init_statuses = [
        {
            "containerID": "docker://" + cluster.store.rng.hex(32),
            "image": c.get("image", ""),
            "imageID": "",
            "lastState": {},
            "name": c["name"],
            "ready": True,
            "restartCount": 0,
            "started": False,
            "state": {
                "terminated": {"exitCode": 0, "reason": "Completed", "startedAt": now, "finishedAt": now}
            },
        }
        for c in spec.get("initContainers") or []
    ]
    conditions = [
        {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": now}
        for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
    ]
    status = {
        "phase": "Running",
        "conditions": conditions,
        "hostIP": NODE_IP,
        "hostIPs": [{"ip": NODE_IP}],
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": now,
        "containerStatuses": [container_status(cluster, c, now) for c in spec.get("containers") or []],
        "qosClass": "BestEffort",
    }
    if init_statuses:
        status["initContainerStatuses"] = init_statuses
    pod["status"] = status


def pod_defaults(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    if rtype.kind != "Pod" or old is not None:
        return
    # The pod spec's and containers' field defaults are defaults.api_defaults' (shared with pod templates).
    spec = obj.setdefault("spec", {})
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("enableServiceLinks", True)


def start_pods(cluster: Cluster, event: Event) -> None:
    verb, _, old, new = event
    if verb == "added" and new is not None and not new.get("status", {}).get("phase"):
        set_pod_running(cluster, new)
        cluster.update_status(new)
    elif verb == "modified" and old is not None and new is not None:
        kubelet.start_ephemeral(cluster, old, new)
    elif verb == "deleted" and old is not None:
        kubelet.kill_containers(cluster, old)
        cluster.logs.drop(old["metadata"]["namespace"], old["metadata"]["name"])
        if not old["spec"].get("hostNetwork"):
            release_pod_ip(cluster, old.get("status", {}).get("podIP"))
    kubelet.catch_up(cluster)


def _owner_ref(owner: dict) -> dict:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def reconcile_deployment(cluster: Cluster, event: Event) -> None:
    verb, _, _, deploy = event
    if verb == "deleted" or deploy is None:
        return
    meta, spec = deploy["metadata"], deploy.get("spec", {})
    namespace = meta["namespace"]
    template = clone(spec.get("template", {}))
    template_hash = pod_template_hash(template)
    rs_name = f"{meta['name']}-{template_hash}"
    replicas = int(spec.get("replicas", 1))
    owned = owned_by(cluster, deploy, "replicasets")
    if spec.get("paused"):
        # DeploymentController.sync: a paused Deployment rolls nothing (no new ReplicaSet for a changed
        # template, old ones keep their pods) but is still scaled, through its one active ReplicaSet.
        _scale_paused(cluster, deploy, [rs for _, rs in owned], rs_name, replicas)
        _deployment_status(cluster, cluster.store.get(event[1], meta["name"], namespace))
        return
    current = None
    for _, rs in owned:
        if rs["metadata"]["name"] == rs_name:
            current = rs
        elif rs["spec"].get("replicas", 0) != 0:
            # Roll the old template away (the sandbox rolls at once; the old ReplicaSet stays at 0 replicas).
            rs = clone(rs)
            before = rs["spec"]["replicas"]
            rs["spec"]["replicas"] = 0
            cluster.update(rs)
            _scaled(cluster, deploy, rs["metadata"]["name"], before, 0)
    revision = str(1 + len([r for _, r in owned if r["metadata"]["name"] != rs_name]))
    if current is None:
        template.setdefault("metadata", {}).setdefault("labels", {})["pod-template-hash"] = template_hash
        selector = clone(spec.get("selector", {}))
        selector.setdefault("matchLabels", {})["pod-template-hash"] = template_hash
        labels = dict(template["metadata"]["labels"])
        cluster.create(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": rs_name,
                    "namespace": namespace,
                    "labels": labels,
                    "annotations": {
                        "deployment.kubernetes.io/desired-replicas": str(replicas),
                        "deployment.kubernetes.io/max-replicas": str(replicas + max(1, -(-replicas // 4))),
                        "deployment.kubernetes.io/revision": revision,
                    },
                    "ownerReferences": [_owner_ref(deploy)],
                },
                "spec": {"replicas": replicas, "selector": selector, "template": template},
            }
        )
        if replicas > 0:
            cluster.events.recorder(DEPLOYMENT_CONTROLLER).event(
                deploy, NORMAL, "ScalingReplicaSet", f"Scaled up replica set {rs_name} to {replicas}"
            )
    elif current["spec"].get("replicas") != replicas:
        current = clone(current)
        before = current["spec"].get("replicas", 1)
        current["spec"]["replicas"] = replicas
        current["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = str(replicas)
        cluster.update(current)
        _scaled(cluster, deploy, rs_name, before, replicas)
    _deployment_status(cluster, cluster.store.get(event[1], meta["name"], namespace))


def _scale_paused(cluster: Cluster, deploy: dict, owned: list[dict], rs_name: str, replicas: int) -> None:
    """deploymentutil.FindActiveOrLatest and scale: the only active ReplicaSet (else, when none is active, the
    template's own or the newest) goes to the Deployment's replicas; with several active, nothing here."""
    new = next((rs for rs in owned if rs["metadata"]["name"] == rs_name), None)
    active = [rs for rs in owned if rs["spec"].get("replicas", 0) != 0]
    if len(active) == 1:
        target = active[0]
    elif active or not owned:
        return
    else:
        target = new or max(
            owned,
            key=lambda rs: (
                rs["metadata"].get("creationTimestamp") or "",
                int((rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision") or 0),
            ),
        )
    before = target["spec"].get("replicas", 1)
    if before == replicas:
        return
    target = clone(target)
    target["spec"]["replicas"] = replicas
    target["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/desired-replicas"] = str(
        replicas
    )
    cluster.update(target)
    _scaled(cluster, deploy, target["metadata"]["name"], before, replicas)


def _scaled(cluster: Cluster, deploy: dict, rs_name: str, before: int, after: int) -> None:
    """The deployment controller's event for resizing an existing ReplicaSet (1.31 wording)."""
    direction = "up" if after > before else "down"
    cluster.events.recorder(DEPLOYMENT_CONTROLLER).event(
        deploy,
        NORMAL,
        "ScalingReplicaSet",
        f"Scaled {direction} replica set {rs_name} to {after} from {before}",
    )


def _deployment_status(cluster: Cluster, deploy: dict | None) -> None:
    if deploy is None:
        return
    pods = []
    updated = 0  # pods of the ReplicaSet of the current template (a paused Deployment may not have one yet)
    paused = bool(deploy.get("spec", {}).get("paused"))
    for _, rs in owned_by(cluster, deploy, "replicasets"):
        mine = [p for _, p in owned_by(cluster, rs, "pods")]
        pods += mine
        if rs["metadata"]["name"] == _current_rs_name(deploy):
            updated += len(mine)
    if not paused:
        updated = len(pods)  # the sandbox rolls at once: every pod is of the current template
    ready = sum(1 for p in pods if pod_ready(p))
    replicas = int(deploy.get("spec", {}).get("replicas", 1))
    now = format_time(cluster.store.now)
    old_status = deploy.get("status") or {}
    status = {"observedGeneration": deploy["metadata"].get("generation", 1)}
    if pods:
        status["replicas"] = len(pods)
    if updated:
        status["updatedReplicas"] = updated
    if ready:
        status.update(readyReplicas=ready, availableReplicas=ready)
    unavailable = replicas - ready
    if unavailable > 0:
        status["unavailableReplicas"] = unavailable
    status["conditions"] = [
        {
            "type": "Available",
            "status": "True" if ready >= replicas else "False",
            "reason": "MinimumReplicasAvailable" if ready >= replicas else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability."
            if ready >= replicas
            else "Deployment does not have minimum availability.",
            "lastUpdateTime": now,
            "lastTransitionTime": now,
        },
        # checkPausedConditions: a paused Deployment's progress is Unknown (no deadline runs while paused)
        {
            "type": "Progressing",
            "status": "Unknown",
            "reason": "DeploymentPaused",
            "message": "Deployment is paused",
            "lastUpdateTime": now,
            "lastTransitionTime": now,
        }
        if paused
        else {
            "type": "Progressing",
            "status": "True",
            "reason": "NewReplicaSetAvailable",
            "message": f'ReplicaSet "{_current_rs_name(deploy)}" has successfully progressed.',
            "lastUpdateTime": now,
            "lastTransitionTime": now,
        },
    ]
    # The deployment controller copies its current ReplicaSet's revision onto the Deployment.
    current = cluster.store.get(_RS, _current_rs_name(deploy), deploy["metadata"].get("namespace"))
    revision = ((current or {}).get("metadata", {}).get("annotations") or {}).get(
        "deployment.kubernetes.io/revision"
    )
    annotations = deploy["metadata"].get("annotations") or {}

    def reasons(s: dict) -> list:
        return [(c.get("type"), c.get("reason")) for c in s.get("conditions") or ()]

    if (
        {k: v for k, v in old_status.items() if k != "conditions"}
        != {k: v for k, v in status.items() if k != "conditions"}
        or (revision and annotations.get("deployment.kubernetes.io/revision") != revision)
        or reasons(old_status) != reasons(status)
    ):
        deploy = clone(deploy)
        deploy["status"] = status
        if revision:
            deploy["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = revision
        cluster.update_status(deploy)


def _current_rs_name(deploy: dict) -> str:
    return f"{deploy['metadata']['name']}-{pod_template_hash(deploy.get('spec', {}).get('template', {}))}"


def reconcile_replicaset(cluster: Cluster, event: Event) -> None:
    verb, _, _, rs = event
    if verb == "deleted" or rs is None:
        return
    meta, spec = rs["metadata"], rs.get("spec", {})
    pods = [p for _, p in owned_by(cluster, rs, "pods")]
    want = int(spec.get("replicas", 1))
    template = spec.get("template", {})
    recorder = cluster.events.recorder(REPLICASET_CONTROLLER)
    for _ in range(want - len(pods)):
        pod_meta = clone(template.get("metadata", {}))
        pod_meta.pop("creationTimestamp", None)
        pod_meta.update(
            name=f"{meta['name']}-{cluster.store.rng.suffix()}",
            generateName=f"{meta['name']}-",
            namespace=meta["namespace"],
            ownerReferences=[_owner_ref(rs)],
        )
        cluster.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": pod_meta,
                "spec": clone(template.get("spec", {})),
            }
        )
        recorder.event(rs, NORMAL, "SuccessfulCreate", f"Created pod: {pod_meta['name']}")
    # Scale down: newest first, as the ReplicaSet controller prefers.
    for pod in sorted(pods, key=lambda p: p["metadata"]["creationTimestamp"], reverse=True)[
        : max(0, len(pods) - want)
    ]:
        cluster.delete(_POD, pod["metadata"]["name"], meta["namespace"])
        recorder.event(rs, NORMAL, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")
    pods = [p for _, p in owned_by(cluster, rs, "pods")]
    ready = sum(1 for p in pods if pod_ready(p))
    status = {"replicas": len(pods), "observedGeneration": meta.get("generation", 1)}
    if pods:
        status["fullyLabeledReplicas"] = len(pods)
    if ready:
        status.update(readyReplicas=ready, availableReplicas=ready)
    if rs.get("status") != status:
        rs = clone(rs)
        rs["status"] = status
        cluster.update_status(rs)
    _refresh_owner_deployment(cluster, rs)


def _refresh_owner_deployment(cluster: Cluster, rs: dict) -> None:
    for ref in rs["metadata"].get("ownerReferences") or ():
        if ref.get("kind") == "Deployment":
            _deployment_status(cluster, cluster.get("deployments", ref["name"], rs["metadata"]["namespace"]))


def pod_changes_reach_replicaset(cluster: Cluster, event: Event) -> None:
    """A pod deleted by hand is replaced, as the ReplicaSet controller would."""
    verb, _, old, _ = event
    if verb != "deleted" or old is None:
        return
    for ref in old["metadata"].get("ownerReferences") or ():
        if ref.get("kind") == "ReplicaSet":
            rs = cluster.store.get(_RS, ref["name"], old["metadata"]["namespace"])
            if rs is not None and rs["metadata"].get("uid") == ref.get("uid"):
                reconcile_replicaset(cluster, ("modified", _RS, rs, rs))
