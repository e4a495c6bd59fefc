"""`kubectl describe` for Pod, Service, Endpoints and Ingress, over plain Kubernetes-shaped dicts.

The layout is kubectl's (k8s.io/kubectl pkg/describe): `Label:<TAB>value` lines aligned by Go's tabwriter
(2 spaces of padding), multi-line labels and annotations, `Events:  <none>`, Ingress rules as a
`Host  Path  Backends` table.

Describe needs objects besides the one described (a Service's Endpoints, an Ingress backend's Service and
Endpoints, everyone's Events). Pass them in one of two ways, or both:

- `related`: a mapping from resource key (`"endpoints"`, `"services"`, `"events"`,
  `"endpointslices.discovery.k8s.io"`; the keys of `ingresslab.kube.resources`) to lists of objects;
- `lookup(key, name, namespace) -> dict | None`: fetch one object by name (what a backend's `get` offers).

Events can only come from `related["events"]` (they are found by listing); without them the text ends in
`Events:  <none>`, as for an object with no events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ingresslab.kube.printers.tables import format_endpoints, format_labels
from ingresslab.kube.printers.tabwriter import tabwrite
from ingresslab.kube.resources import ResourceType
from ingresslab.kube.timefmt import parse_time, rfc1123z, since

__all__ = ["Lookup", "Related", "describable", "describe"]

Lookup = Callable[..., "dict | None"]

_MAX_ANNOTATION = 140
# Annotations kubectl never shows in describe.
_SKIPPED_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration"}


class Related:
    """Finds the objects a description refers to, from `related` lists first, then `lookup`."""

    def __init__(self, related: Mapping[str, Sequence[dict]] | None, lookup: Lookup | None) -> None:
        self.related = related or {}
        self.lookup = lookup

    def list(self, key: str, namespace: str | None) -> list[dict]:
        return [
            o
            for o in self.related.get(key, [])
            if namespace is None or _meta(o).get("namespace") == namespace
        ]

    def get(self, key: str, name: str, namespace: str | None) -> dict | None:
        for obj in self.list(key, namespace):
            if _meta(obj).get("name") == name:
                return obj
        if self.lookup is not None:
            try:
                return self.lookup(key, name, namespace)
            except LookupError:
                return None
        return None

    def events_for(self, obj: dict) -> list[dict]:
        meta = _meta(obj)
        found = []
        for ev in self.list("events", meta.get("namespace")):
            involved = ev.get("involvedObject") or {}
            if involved.get("name") != meta.get("name") or involved.get("kind") != obj.get("kind"):
                continue
            if involved.get("uid") and meta.get("uid") and involved["uid"] != meta["uid"]:
                continue
            found.append(ev)
        return found


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


class _Writer:
    """kubectl's PrefixWriter over a tabwriter: levels indent by two spaces; `flush` ends a block."""

    def __init__(self) -> None:
        self.sections: list[str] = []
        self.buf: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.buf.append("  " * level + text)

    def flush(self) -> None:
        self.sections.append(tabwrite("".join(self.buf), minwidth=0, padding=2))
        self.buf = []

    def text(self) -> str:
        self.flush()
        return "".join(self.sections)


def _labels(w: _Writer, title: str, labels: Mapping[str, str] | None, initial: str = "") -> None:
    w.write(0, f"{initial}{title}:\t")
    if not labels:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, f"{initial}\t")
        w.write(0, f"{key}={labels[key]}\n")


def _shorten(s: str, limit: int) -> str:
    return s[:limit] + "..." if len(s) > limit else s


def _annotations(w: _Writer, title: str, annotations: Mapping[str, str] | None) -> None:
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in annotations or {} if k not in _SKIPPED_ANNOTATIONS)
    if not keys:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = str(annotations[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > _MAX_ANNOTATION or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                w.write(0, f"\t  {_shorten(line, _MAX_ANNOTATION - 2)}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _heading(w: _Writer, meta: Mapping) -> None:
    """Name, Namespace, Labels and Annotations: how most describers start."""
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))


def _reporting_controller(ev: dict) -> str:
    """Event.ReportingController, whose JSON name is `reportingComponent`."""
    return ev.get("reportingComponent") or ev.get("reportingController") or ""


def _events(w: _Writer, events: list[dict], now: datetime) -> None:
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    # The events table is aligned on its own, as kubectl flushes before writing it.
    w.flush()

    def when(ev: dict) -> datetime:
        stamp = ev.get("lastTimestamp") or ev.get("eventTime") or ev.get("firstTimestamp")
        return parse_time(stamp) if stamp else now

    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for ev in sorted(events, key=when):
        first = (
            since(ev.get("eventTime"), now) if ev.get("eventTime") else since(ev.get("firstTimestamp"), now)
        )
        series = ev.get("series")
        if series:
            interval = f"{since(series.get('lastObservedTime'), now)} (x{series.get('count')} over {first})"
        elif int(ev.get("count") or 0) > 1:
            interval = f"{since(ev.get('lastTimestamp'), now)} (x{ev['count']} over {first})"
        else:
            interval = first
        source = (ev.get("source") or {}).get("component") or _reporting_controller(ev)
        message = str(ev.get("message", "")).strip()
        w.write(1, f"{ev.get('type', '')}\t{ev.get('reason', '')}\t{interval}\t{source}\t{message}\n")


# --------------------------------------------------------------------------------------------- Service
def _service_endpoints(svc: dict, rel: Related) -> dict:
    meta = _meta(svc)
    ep = rel.get("endpoints", meta.get("name", ""), meta.get("namespace"))
    if ep is not None:
        return ep
    # Without an Endpoints object, rebuild its subsets from the Service's EndpointSlices.
    slices = [
        s
        for s in rel.list("endpointslices.discovery.k8s.io", meta.get("namespace"))
        if (_meta(s).get("labels") or {}).get("kubernetes.io/service-name") == meta.get("name")
    ]
    subsets = []
    for s in slices:
        ready = [
            {"ip": e["addresses"][0]}
            for e in s.get("endpoints") or []
            if e.get("addresses") and (e.get("conditions") or {}).get("ready", True) is not False
        ]
        if ready:
            subsets.append({"addresses": ready, "ports": s.get("ports") or []})
    return {"subsets": subsets}


def _port_endpoints(svc: dict, rel: Related, endpoints: dict, port_name: str) -> str:
    """formatEndpointSlices (kubectl 1.31 describes a Service from its EndpointSlices): the ready addresses of
    the port, three at most, then `+ N more...`; empty when the slices hold none, `<none>` without slices."""
    meta = _meta(svc)
    slices = [
        s
        for s in rel.list("endpointslices.discovery.k8s.io", meta.get("namespace"))
        if (_meta(s).get("labels") or {}).get("kubernetes.io/service-name") == meta.get("name")
    ]
    if not slices:
        return format_endpoints(endpoints, {port_name})
    # One subset per slice (even an empty one, so no slice endpoints print as nothing rather than <none>).
    subsets = [
        {
            "addresses": [
                {"ip": e["addresses"][0]}
                for e in s.get("endpoints") or []
                if e.get("addresses") and (e.get("conditions") or {}).get("ready") is not False
            ],
            "ports": s.get("ports") or [],
        }
        for s in slices
    ]
    return format_endpoints({"subsets": subsets}, {port_name})


def _describe_service(svc: dict, rel: Related, now: datetime) -> str:
    w = _Writer()
    meta, spec = _meta(svc), svc.get("spec") or {}
    _heading(w, meta)
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    lb = _get(svc, "status", "loadBalancer", "ingress") or []
    if lb:
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(i.get('ip') or i.get('hostname', '') for i in lb)}\n")
    endpoints = _service_endpoints(svc, rel)
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol") or "TCP"
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
        target = port.get("targetPort", port.get("port"))
        w.write(0, f"TargetPort:\t{target}/{protocol}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{_port_endpoints(svc, rel, endpoints, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', 'None')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    _events(w, rel.events_for(svc), now)
    return w.text()


# ------------------------------------------------------------------------------------------- Endpoints
def _describe_endpoints(ep: dict, rel: Related, now: datetime) -> str:
    w = _Writer()
    meta = _meta(ep)
    _heading(w, meta)
    w.write(0, "Subsets:\n")
    for subset in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
        not_ready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
        w.write(1, f"Addresses:\t{ready or '<none>'}\n")
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if subset.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset["ports"]:
                w.write(
                    2, f"{port.get('name') or '<unset>'}\t{port.get('port')}\t{port.get('protocol', 'TCP')}\n"
                )
        w.write(0, "\n")
    _events(w, rel.events_for(ep), now)
    return w.text()


# --------------------------------------------------------------------------------------------- Ingress
def _backend(ing: dict, backend: dict | None, rel: Related) -> str:
    if not backend:
        return ""
    service = backend.get("service")
    if service:
        port = service.get("port") or {}
        shown = str(port["number"]) if port.get("number") else str(port.get("name", ""))
        label = f"{service.get('name', '')}:{shown}"
        namespace = _meta(ing).get("namespace")
        svc = rel.get("services", service.get("name", ""), namespace)
        if svc is None:
            return f'{label} (<error: services "{service.get("name", "")}" not found>)'
        port_name = ""
        for sp in _get(svc, "spec", "ports") or []:
            if (port.get("number") and port["number"] == sp.get("port")) or (
                port.get("name") and port["name"] == sp.get("name")
            ):
                port_name = sp.get("name") or ""
        endpoints = _service_endpoints(svc, rel)
        return f"{label} ({format_endpoints(endpoints, {port_name})})"
    resource = backend.get("resource")
    if resource:
        group = resource.get("apiGroup") or "<none>"
        return f"APIGroup: {group}, Kind: {resource.get('kind', '')}, Name: {resource.get('name', '')}"
    return ""


def _describe_ingress(ing: dict, rel: Related, now: datetime) -> str:
    w = _Writer()
    meta, spec = _meta(ing), ing.get("spec") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    _labels(w, "Labels", meta.get("labels"))
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    addresses = sorted(
        {i.get("ip") or i.get("hostname", "") for i in _get(ing, "status", "loadBalancer", "ingress") or []}
    )
    w.write(0, f"Address:\t{','.join(addresses)}\n")
    w.write(0, f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n")
    default = _backend(ing, spec.get("defaultBackend"), rel) if spec.get("defaultBackend") else "<default>"
    w.write(0, f"Default backend:\t{default}\n")
    if spec.get("tls"):
        w.write(0, "TLS:\n")
        for tls in spec["tls"]:
            hosts = ",".join(tls.get("hosts") or [])
            if tls.get("secretName"):
                w.write(1, f"{tls['secretName']} terminates {hosts}\n")
            else:
                w.write(1, f"SNI routes {hosts}\n")
    w.write(0, "Rules:\n  Host\tPath\tBackends\n")
    w.write(1, "----\t----\t--------\n")
    count = 0
    for rule in spec.get("rules") or []:
        if not rule.get("http"):
            continue
        count += 1
        w.write(1, f"{rule.get('host') or '*'}\t\n")
        for path in rule["http"].get("paths") or []:
            w.write(2, f"\t{path.get('path', '')} \t{_backend(ing, path.get('backend'), rel)}\n")
    if count == 0:
        w.write(1, f"*\t*\t{default}\n")
    _annotations(w, "Annotations", meta.get("annotations"))
    _events(w, rel.events_for(ing), now)
    return w.text()


# ------------------------------------------------------------------------------------------------ Pod
def _container_ports(ports: list[dict], key: str) -> str:
    return ", ".join(f"{p.get(key, 0)}/{p.get('protocol', 'TCP')}" for p in ports)


def _container_state(w: _Writer, title: str, state: dict) -> None:
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123z(state['running'].get('startedAt'))}\n")
    elif state.get("terminated") is not None:
        term = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if term.get("reason"):
            w.write(3, f"Reason:\t{term['reason']}\n")
        if term.get("message"):
            w.write(3, f"Message:\t{term['message']}\n")
        w.write(3, f"Exit Code:\t{term.get('exitCode', 0)}\n")
        if term.get("signal"):
            w.write(3, f"Signal:\t{term['signal']}\n")
        w.write(3, f"Started:\t{rfc1123z(term['startedAt']) if term.get('startedAt') else ''}\n")
        w.write(3, f"Finished:\t{rfc1123z(term['finishedAt']) if term.get('finishedAt') else ''}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")
        reason = (state.get("waiting") or {}).get("reason")
        if reason:
            w.write(3, f"Reason:\t{reason}\n")


def _containers(
    w: _Writer, title: str, containers: list[dict], statuses: list[dict], space: str = ""
) -> None:
    """describeContainers; `space` indents the title (a pod template's), whose names then get one more space."""
    by_name = {s.get("name"): s for s in statuses}
    w.write(0, f"{space}{title}:{'' if containers else ' <none>'}\n")
    for c in containers:
        status = by_name.get(c.get("name"))
        w.write(1, f"{' ' if space else ''}{c.get('name', '')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{c.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = c.get("ports") or []
        ports_text, host_text = _container_ports(ports, "containerPort"), _container_ports(ports, "hostPort")
        w.write(2, f"Ports:\t{ports_text}\n" if "," in ports_text else f"Port:\t{ports_text or '<none>'}\n")
        w.write(
            2, f"Host Ports:\t{host_text}\n" if "," in host_text else f"Host Port:\t{host_text or '<none>'}\n"
        )
        for label, values in (("Command", c.get("command")), ("Args", c.get("args"))):
            if values:
                w.write(2, f"{label}:\n")
                for value in values:
                    for line in str(value).split("\n"):
                        w.write(3, f"{line}\n")
        if status is not None:
            _container_state(w, "State", status.get("state") or {})
            if _get(status, "lastState", "terminated"):
                _container_state(w, "Last State", status["lastState"])
            w.write(2, f"Ready:\t{'True' if status.get('ready') else 'False'}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        for kind in ("limits", "requests"):
            values = _get(c, "resources", kind) or {}
            if values:
                w.write(2, f"{kind.capitalize()}:\n")
                for name in sorted(values):
                    w.write(3, f"{name}:\t{values[name]}\n")
        env = c.get("env") or []
        w.write(2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
        for var in env:
            if "valueFrom" in var:
                ref = var["valueFrom"].get("fieldRef") or {}
                w.write(
                    3, f"{var.get('name')}:\t ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath', '')})\n"
                )
                continue
            for i, line in enumerate(str(var.get("value", "")).split("\n")):
                w.write(3, f"{var.get('name')}:\t{line}\n" if i == 0 else f"\t{line}\n")
        mounts = sorted(c.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, f"Mounts:{'' if mounts else chr(9) + '<none>'}\n")
        for m in mounts:
            flags = "ro" if m.get("readOnly") else "rw"
            if m.get("subPath"):
                flags += f',path="{m["subPath"]}"'
            w.write(3, f"{m.get('mountPath', '')} from {m.get('name', '')} ({flags})\n")


def _volumes(w: _Writer, volumes: list[dict], space: str = "") -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for vol in volumes:
        w.write(1, f"{vol.get('name', '')}:\n")
        if "projected" in vol:
            w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
            for source in vol["projected"].get("sources") or []:
                if "secret" in source:
                    w.write(2, f"SecretName:\t{source['secret'].get('name', '')}\n")
                    w.write(2, f"Optional:\t{str(bool(source['secret'].get('optional'))).lower()}\n")
                elif "downwardAPI" in source:
                    w.write(2, "DownwardAPI:\ttrue\n")
                elif "configMap" in source:
                    w.write(2, f"ConfigMapName:\t{source['configMap'].get('name', '')}\n")
                    optional = source["configMap"].get("optional")
                    # ConfigMapProjection.Optional is a *bool printed with %v: <nil> when unset
                    w.write(
                        2, f"ConfigMapOptional:\t{'<nil>' if optional is None else str(optional).lower()}\n"
                    )
                elif "serviceAccountToken" in source:
                    w.write(
                        2,
                        f"TokenExpirationSeconds:\t{source['serviceAccountToken'].get('expirationSeconds', 3607)}\n",
                    )
        elif "emptyDir" in vol:
            w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n")
            w.write(2, f"Medium:\t{vol['emptyDir'].get('medium', '')}\n")
            w.write(2, f"SizeLimit:\t{vol['emptyDir'].get('sizeLimit') or '<unset>'}\n")
        elif "configMap" in vol:
            w.write(2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n")
            w.write(2, f"Name:\t{vol['configMap'].get('name', '')}\n")
            w.write(2, f"Optional:\t{str(bool(vol['configMap'].get('optional'))).lower()}\n")
        elif "secret" in vol:
            w.write(2, "Type:\tSecret (a volume populated by a Secret)\n")
            w.write(2, f"SecretName:\t{vol['secret'].get('secretName', '')}\n")
            w.write(2, f"Optional:\t{str(bool(vol['secret'].get('optional'))).lower()}\n")
        else:
            w.write(1, "<unknown>\n")


def _qos(pod: dict) -> str:
    containers = (_get(pod, "spec", "containers") or []) + (_get(pod, "spec", "initContainers") or [])
    resources = [c.get("resources") or {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits, requests = r.get("limits") or {}, r.get("requests") or {}
        for name in ("cpu", "memory"):
            if name not in limits or requests.get(name, limits[name]) != limits[name]:
                return "Burstable"
    return "Guaranteed"


def _tolerations(w: _Writer, tolerations: list[dict]) -> None:
    w.write(0, "Tolerations:\t")
    if not tolerations:
        w.write(0, "<none>\n")
        return
    for i, t in enumerate(tolerations):
        if i:
            w.write(0, "\t")
        text = t.get("key", "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if t.get("key") or t.get("effect") else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def _describe_pod(pod: dict, rel: Related, now: datetime) -> str:
    w = _Writer()
    meta, spec, status = _meta(pod), pod.get("spec") or {}, pod.get("status") or {}
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("nodeName"):
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    else:
        w.write(0, "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
    _labels(w, "Labels", meta.get("labels"))
    _annotations(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
        w.write(0, f"Termination Grace Period:\t{meta.get('deletionGracePeriodSeconds', 30)}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    ips = status.get("podIPs") or []
    if ips:
        w.write(0, "IPs:\n")
        for ip in ips:
            w.write(1, f"IP:\t{ip.get('ip', '')}\n")
    else:
        w.write(0, "IPs:\t<none>\n")
    for owner in meta.get("ownerReferences") or []:
        if owner.get("controller"):
            w.write(0, f"Controlled By:\t{owner.get('kind', '')}/{owner.get('name', '')}\n")
            break
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses") or [])
    _containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses") or [])
    if spec.get("ephemeralContainers"):
        _containers(
            w,
            "Ephemeral Containers",
            spec["ephemeralContainers"],
            status.get("ephemeralContainerStatuses") or [],
        )
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for cond in status["conditions"]:
            w.write(1, f"{cond.get('type', '')} \t{cond.get('status', '')} \n")
    _volumes(w, spec.get("volumes") or [])
    w.write(0, f"QoS Class:\t{_qos(pod)}\n")
    _labels(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations(w, spec.get("tolerations") or [])
    _events(w, rel.events_for(pod), now)
    return w.text()


# ----------------------------------------------------------------------------------------- any other kind
_ACRONYMS = {"API", "URL", "UID", "OSB", "GUID"}
_GENERIC_SKIP = {
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
}


def _smart_label(field: str) -> str:
    """`creationTimestamp` -> `Creation Timestamp`, `apiVersion` -> `API Version`, as kubectl labels fields."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    words: list[str] = []
    for ch in field:
        if words and not (ch.isupper() and not words[-1][-1].isupper()):
            words[-1] += ch
        else:
            words.append(ch)
    return " ".join(w.upper() if w.upper() in _ACRONYMS else w[:1].upper() + w[1:] for w in words)


def _content(w: _Writer, level: int, content: dict, prefix: str) -> None:
    for key in sorted(content):
        value, path = content[key], f"{prefix}.{key}"
        if path in _GENERIC_SKIP:
            continue
        if isinstance(value, dict):
            w.write(level, f"{_smart_label(key)}:\n")
            _content(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{_smart_label(key)}:\n")
            for child in value:
                if isinstance(child, dict):
                    _content(w, level + 1, child, path)
                else:
                    w.write(level + 1, f"{_scalar(child)}\n")
        else:
            w.write(level, f"{_smart_label(key)}:\t{_scalar(value)}\n")


def _scalar(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _describe_generic(obj: dict, rel: Related, now: datetime) -> str:
    """kubectl's generic describer (CRDs such as Istio's, and kinds without a dedicated layout)."""
    w = _Writer()
    meta = _meta(obj)
    _heading(w, meta)
    _content(w, 0, obj, "")
    _events(w, rel.events_for(obj), now)
    return w.text()


_DESCRIBERS = {
    ("", "Pod"): _describe_pod,
    ("", "Service"): _describe_service,
    ("", "Endpoints"): _describe_endpoints,
    ("networking.k8s.io", "Ingress"): _describe_ingress,
}


# Deployment, ReplicaSet, EndpointSlice, Namespace, ConfigMap: kubectl's layouts in describe_workloads.
from ingresslab.kube.describe_workloads import DESCRIBERS as _WORKLOAD_DESCRIBERS  # noqa: E402

_DESCRIBERS.update(_WORKLOAD_DESCRIBERS)


def describable(rtype: ResourceType) -> bool:
    """Whether `describe` has kubectl's dedicated layout for this kind (others get the generic one)."""
    return (rtype.group, rtype.kind) in _DESCRIBERS


def describe(
    rtype: ResourceType,
    obj: dict,
    *,
    now: datetime,
    related: Mapping[str, Sequence[dict]] | None = None,
    lookup: Lookup | None = None,
) -> str:
    """`kubectl describe` text for one object (ends with a newline); see the module doc for `related`/`lookup`."""
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata", {}), dict):
        raise TypeError("describe needs a Kubernetes object as a dict with a `metadata` mapping")
    describer = _DESCRIBERS.get((rtype.group, rtype.kind), _describe_generic)
    return describer(obj, Related(related, lookup), now)
