"""Endpoints and EndpointSlices follow each Service's selector and its pods' readiness.

Like the endpoints controller, an Endpoints object carries the Service's name and labels (that is why
`kubectl get endpoints -l app=hw-v1` finds it); ready pods go to `addresses`, others to `notReadyAddresses`;
a named targetPort is looked up in each pod's container ports.
"""

from __future__ import annotations

import ipaddress

from ingresslab.backends.sandbox.cluster import Cluster, Event
from ingresslab.backends.sandbox.store import clone, format_time
from ingresslab.kube.pods import pod_ready
from ingresslab.kube.resources import resolve
from ingresslab.kube.selectors import LabelSelector, Requirement

__all__ = ["service_selector"]

_SERVICE = resolve("services")
_POD = resolve("pods")
_ENDPOINTS = resolve("endpoints")
_SLICE = resolve("endpointslices")


def service_selector(svc: dict) -> LabelSelector | None:
    selector = svc.get("spec", {}).get("selector")
    if not selector:
        return None  # a Service without selector has hand-managed endpoints
    return LabelSelector(tuple(Requirement(k, "=", (str(v),)) for k, v in sorted(selector.items())))


def _target_port(pod: dict, target: int | str) -> int | None:
    if isinstance(target, int) or str(target).isdigit():
        return int(target)
    for c in pod.get("spec", {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == target:
                return int(p["containerPort"])
    return None


def on_service(cluster: Cluster, event: Event) -> None:
    verb, _, old, new = event
    if verb == "deleted" and old is not None:
        cluster.delete(_ENDPOINTS, old["metadata"]["name"], old["metadata"]["namespace"])
        return
    if new is not None:
        _schedule(cluster, new["metadata"]["namespace"], new["metadata"]["name"])


def on_pod(cluster: Cluster, event: Event) -> None:
    _, _, old, new = event
    pod = new or old
    if pod is None:
        return
    namespace = pod["metadata"]["namespace"]
    for p in (old, new):
        if p is None:
            continue
        labels = p["metadata"].get("labels") or {}
        for key, value in labels.items():
            for svc in cluster.store.services_selecting(namespace, key, value):
                selector = service_selector(svc)
                if selector is not None and selector.matches(labels):
                    _schedule(cluster, namespace, svc["metadata"]["name"])


def _schedule(cluster: Cluster, namespace: str, name: str) -> None:
    def work() -> None:
        svc = cluster.store.get(_SERVICE, name, namespace)
        if svc is not None:
            sync_endpoints(cluster, svc)

    cluster.defer(("endpoints", namespace, name), work)


def _serving(pod: dict) -> bool:
    return (
        bool(pod.get("status", {}).get("podIP"))
        and pod["metadata"].get("deletionTimestamp") is None
        and pod.get("status", {}).get("phase") not in ("Succeeded", "Failed")
    )


def sync_endpoints(cluster: Cluster, svc: dict) -> None:
    selector = service_selector(svc)
    if selector is None or svc["spec"].get("type") == "ExternalName":
        return
    namespace = svc["metadata"]["namespace"]
    first = selector.requirements[0]
    candidates = cluster.store.with_label(_POD, namespace, first.key, first.values[0])
    pods = [p for p in candidates if _serving(p) and selector.matches(p["metadata"].get("labels") or {})]
    pods.sort(key=lambda p: ipaddress.ip_address(p["status"]["podIP"]))
    subsets: dict[tuple, dict] = {}
    for pod in pods:
        ports = []
        for sp in svc["spec"].get("ports") or []:
            number = _target_port(pod, sp.get("targetPort", sp["port"]))
            if number is not None:
                entry = {"port": number, "protocol": sp.get("protocol", "TCP")}
                if sp.get("name"):
                    entry["name"] = sp["name"]
                ports.append(entry)
        if not ports:
            continue
        key = tuple(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in ports))
        subset = subsets.setdefault(key, {"ports": ports})
        address = {
            "ip": pod["status"]["podIP"],
            "nodeName": pod["spec"].get("nodeName"),
            "targetRef": {
                "kind": "Pod",
                "name": pod["metadata"]["name"],
                "namespace": namespace,
                "uid": pod["metadata"]["uid"],
            },
        }
        subset.setdefault("addresses" if pod_ready(pod) else "notReadyAddresses", []).append(address)
    ordered = [
        {k: s[k] for k in ("addresses", "notReadyAddresses", "ports") if k in s} for s in subsets.values()
    ]
    _write_endpoints(cluster, svc, ordered)
    _write_slice(cluster, svc, pods)


def _write_endpoints(cluster: Cluster, svc: dict, subsets: list[dict]) -> None:
    namespace, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    existing = cluster.store.get(_ENDPOINTS, name, namespace)
    labels = dict(svc["metadata"].get("labels") or {})
    if (
        existing is not None
        and existing.get("subsets", []) == subsets
        and existing["metadata"].get("labels", {}) == labels
    ):
        return
    meta = {
        "name": name,
        "namespace": namespace,
        "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": format_time(cluster.store.now)},
    }
    if labels:
        meta["labels"] = labels
    obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
    if subsets:
        obj["subsets"] = subsets
    if existing is None:
        cluster.create(obj)
    else:
        merged = clone(existing)
        merged["metadata"].update(meta)
        merged.pop("subsets", None)
        merged.update({k: v for k, v in obj.items() if k == "subsets"})
        cluster.update_status(merged)


def _write_slice(cluster: Cluster, svc: dict, pods: list[dict]) -> None:
    namespace, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    slices = cluster.store.with_label(_SLICE, namespace, "kubernetes.io/service-name", name)
    existing = slices[0] if slices else None
    endpoints = [
        {
            "addresses": [p["status"]["podIP"]],
            "conditions": {"ready": pod_ready(p), "serving": pod_ready(p), "terminating": False},
            "nodeName": p["spec"].get("nodeName"),
            "targetRef": {
                "kind": "Pod",
                "name": p["metadata"]["name"],
                "namespace": namespace,
                "uid": p["metadata"]["uid"],
            },
        }
        for p in pods
    ]
    ports = []
    for sp in svc["spec"].get("ports") or []:
        numbers = {_target_port(p, sp.get("targetPort", sp["port"])) for p in pods} - {None}
        port = {"name": sp.get("name", ""), "protocol": sp.get("protocol", "TCP")}
        if len(numbers) == 1:
            port["port"] = numbers.pop()
        ports.append(port)
    labels = dict(svc["metadata"].get("labels") or {})
    labels.update(
        {
            "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
            "kubernetes.io/service-name": name,
        }
    )
    body = {"addressType": "IPv4", "endpoints": endpoints or None, "ports": ports if pods else None}
    if existing is not None:
        if (
            all(existing.get(k) == v for k, v in body.items())
            and existing["metadata"].get("labels") == labels
        ):
            return
        updated = clone(existing)
        updated["metadata"]["labels"] = labels
        updated.update(body)
        cluster.update_status(updated)
        return
    cluster.create(
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "name": f"{name}-{cluster.store.rng.suffix()}",
                "generateName": f"{name}-",
                "namespace": namespace,
                "labels": labels,
                "annotations": {
                    "endpoints.kubernetes.io/last-change-trigger-time": format_time(cluster.store.now)
                },
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "kind": "Service",
                        "name": name,
                        "uid": svc["metadata"]["uid"],
                        "controller": True,
                        "blockOwnerDeletion": True,
                    }
                ],
            },
            **body,
        }
    )
