"""`kubectl describe` for Deployments, ReplicaSets, EndpointSlices, Namespaces and ConfigMaps.

The layouts of k8s.io/kubectl/pkg/describe (release 1.31): describeDeployment with DescribePodTemplate and
printReplicaSetsByLabels, describeReplicaSet, describeEndpointSliceV1, describeNamespace (quota and limit-range
sections; no events) and ConfigMapDescriber. The writer, labels/annotations/events helpers are describe.py's.
A describer finds related objects (a Deployment's ReplicaSets, a ReplicaSet's pods) in `related` lists under
their type keys; without them it shows what the object alone says.
"""

from __future__ import annotations

from datetime import datetime

from ingresslab.kube import describe as d
from ingresslab.kube.printers.tables import format_selector
from ingresslab.kube.timefmt import rfc1123z

__all__ = ["DESCRIBERS"]


def _owned(objs: list[dict], owner: dict) -> list[dict]:
    uid = d._meta(owner).get("uid")
    return [
        o
        for o in objs
        if any(r.get("controller") and r.get("uid") == uid for r in d._meta(o).get("ownerReferences") or [])
    ]


def _matches(selector: dict | None, labels: dict) -> bool:
    wanted = (selector or {}).get("matchLabels") or {}
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


def _pod_template(w: d._Writer, template: dict) -> None:
    """DescribePodTemplate."""
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    w.write(0, "Pod Template:\n")
    d._labels(w, "Labels", meta.get("labels"), initial="  ")
    if meta.get("annotations"):
        w.write(0, "  ")
        d._annotations(w, "Annotations", meta.get("annotations"))
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        d._containers(w, "Init Containers", spec["initContainers"], [], space="  ")
    d._containers(w, "Containers", spec.get("containers") or [], [], space="  ")
    d._volumes(w, spec.get("volumes") or [], space="  ")
    node_selector = spec.get("nodeSelector") or {}
    selectors = ",".join(f"{k}={node_selector[k]}" for k in sorted(node_selector)) or "<none>"
    w.write(1, f"Node-Selectors:\t{selectors}\n")
    w.write(0, "  ")
    d._tolerations(w, spec.get("tolerations") or [])
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")


def _replica_sets_by_labels(sets: list[dict]) -> str:
    """printReplicaSetsByLabels."""
    names = [
        f"{d._meta(rs).get('name', '')} ({(rs.get('status') or {}).get('replicas', 0)}/"
        f"{(rs.get('spec') or {}).get('replicas', 1)} replicas created)"
        for rs in sets
    ]
    return ", ".join(names) if names else "<none>"


def _describe_deployment(deploy: dict, rel: d.Related, now: datetime) -> str:
    w = d._Writer()
    meta, spec, status = d._meta(deploy), deploy.get("spec") or {}, deploy.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(
        0,
        f"CreationTimestamp:\t{rfc1123z(meta['creationTimestamp']) if meta.get('creationTimestamp') else ''}\n",
    )
    d._labels(w, "Labels", meta.get("labels"))
    d._annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    w.write(
        0,
        f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated | "
        f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
        f"{status.get('unavailableReplicas', 0)} unavailable\n",
    )
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        w.write(
            0,
            f"RollingUpdateStrategy:\t{rolling.get('maxUnavailable', '25%')} max unavailable, "
            f"{rolling.get('maxSurge', '25%')} max surge\n",
        )
    _pod_template(w, spec.get("template") or {})
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")
    sets = _owned(rel.list("replicasets.apps", meta.get("namespace")), deploy)
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    new = [rs for rs in sets if _same_template(rs, spec.get("template") or {}, template_labels)]
    old = [rs for rs in sets if rs not in new and (rs.get("spec") or {}).get("replicas", 1) != 0]
    w.write(0, f"OldReplicaSets:\t{_replica_sets_by_labels(old)}\n")
    w.write(0, f"NewReplicaSet:\t{_replica_sets_by_labels(new[:1])}\n")
    d._events(w, rel.events_for(deploy), now)
    return w.text()


def _same_template(rs: dict, template: dict, labels: dict) -> bool:
    """EqualIgnoreHash: the ReplicaSet's template is the Deployment's, pod-template-hash label aside."""
    rs_template = (rs.get("spec") or {}).get("template") or {}
    rs_labels = dict((rs_template.get("metadata") or {}).get("labels") or {})
    rs_labels.pop("pod-template-hash", None)
    return rs_labels == labels and rs_template.get("spec") == template.get("spec")


def _describe_replicaset(rs: dict, rel: d.Related, now: datetime) -> str:
    w = d._Writer()
    meta, spec, status = d._meta(rs), rs.get("spec") or {}, rs.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    d._labels(w, "Labels", meta.get("labels"))
    d._annotations(w, "Annotations", meta.get("annotations"))
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if owner is not None:
        w.write(0, f"Controlled By:\t{owner.get('kind', '')}/{owner.get('name', '')}\n")
    w.write(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n")
    pods = [
        p
        for p in rel.list("pods", meta.get("namespace"))
        if _matches(spec.get("selector"), d._meta(p).get("labels") or {})
    ]
    phases = [(p.get("status") or {}).get("phase") for p in pods]
    w.write(
        0,
        f"Pods Status:\t{phases.count('Running')} Running / {phases.count('Pending')} Waiting / "
        f"{phases.count('Succeeded')} Succeeded / {phases.count('Failed')} Failed\n",
    )
    _pod_template(w, spec.get("template") or {})
    d._events(w, rel.events_for(rs), now)
    return w.text()


def _describe_endpointslice(eps: dict, rel: d.Related, now: datetime) -> str:
    w = d._Writer()
    meta = d._meta(eps)
    d._heading(w, meta)
    w.write(0, f"AddressType:\t{eps.get('addressType', '')}\n")
    ports = eps.get("ports") or []
    if not ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in ports:
            number = port.get("port")
            w.write(
                1,
                f"{port.get('name') or '<unset>'}\t{'<unset>' if number is None else number}\t"
                f"{port.get('protocol', 'TCP')}\n",
            )
    endpoints = eps.get("endpoints") or []
    if not endpoints:
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for ep in endpoints:
            w.write(1, f"- Addresses:\t{','.join(ep.get('addresses') or []) or '<none>'}\n")
            w.write(2, "Conditions:\n")
            ready = (ep.get("conditions") or {}).get("ready")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
            w.write(2, f"Hostname:\t{ep.get('hostname', '<unset>')}\n")
            ref = ep.get("targetRef")
            if ref is not None:
                w.write(2, f"TargetRef:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
            w.write(2, f"NodeName:\t{ep.get('nodeName', '<unset>')}\n")
            w.write(2, f"Zone:\t{ep.get('zone', '<unset>')}\n")
    d._events(w, rel.events_for(eps), now)
    return w.text()


def _describe_namespace(ns: dict, rel: d.Related, now: datetime) -> str:
    w = d._Writer()
    meta = d._meta(ns)
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    d._labels(w, "Labels", meta.get("labels"))
    d._annotations(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{(ns.get('status') or {}).get('phase', '')}\n")
    # Quotas and LimitRanges are kinds the sandbox never creates: kubectl's words for none of either.
    w.write(0, "\nNo resource quota.\n")
    w.write(0, "\nNo LimitRange resource.\n")
    return w.text()


def _describe_configmap(cm: dict, rel: d.Related, now: datetime) -> str:
    w = d._Writer()
    meta = d._meta(cm)
    d._heading(w, meta)
    w.write(0, "\nData\n====\n")
    data = cm.get("data") or {}
    for key in sorted(data):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{data[key]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    binary = cm.get("binaryData") or {}
    for key in sorted(binary):
        w.write(0, f"{key}: {len(binary[key]) * 3 // 4} bytes\n")
    w.write(0, "\n")
    d._events(w, rel.events_for(cm), now)
    return w.text()


_KINDS = (
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("", "Namespace"),
)
DESCRIBERS = dict(
    zip(
        (*_KINDS, ("", "ConfigMap")),
        (
            _describe_deployment,
            _describe_replicaset,
            _describe_endpointslice,
            _describe_namespace,
            _describe_configmap,
        ),
        strict=True,
    )
)
