"""`kubectl get` tables: the columns the API server's table printer returns for each kind, and their cells.

Column names and cell rules follow k8s.io/kubernetes pkg/printers/internalversion (built-in kinds); custom
resources (Istio's, Gateway API's, a learner's own) get NAME plus their CRD's `additionalPrinterColumns`
(`crdcolumns`). A column is (header, wide-only, cell function); a cell function takes the object and `now`
and returns a string (`None` prints as an empty cell, as kubectl does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from ingresslab.kube.printers import crdcolumns
from ingresslab.kube.printers.tabwriter import tabulate
from ingresslab.kube.resources import PrinterColumn, ResourceType
from ingresslab.kube.timefmt import age, human_duration, parse_time, since

__all__ = [
    "Column",
    "columns_for",
    "format_endpoints",
    "format_labels",
    "format_selector",
    "print_table",
    "table_rows",
]

Cell = Callable[[dict, datetime], Any]


@dataclass(frozen=True)
class Column:
    header: str
    cell: Cell
    wide: bool = False


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _name(obj: dict, now: datetime) -> str:
    return str(_meta(obj).get("name", ""))


def _age(obj: dict, now: datetime) -> str:
    return age(obj, now)


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: `k=v,k2=v2` sorted by key, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def format_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector for a LabelSelector (`matchLabels` and `matchExpressions`)."""
    if selector is None:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    text = ",".join(parts)
    return text if text else "<none>"


def _selector_string(selector: dict | None) -> str:
    """labels.Selector.String() of a converted LabelSelector (deployments): empty selects everything."""
    if not selector:
        return ""
    text = format_selector(selector)
    return "" if text == "<none>" else text


def _containers(template_spec: dict | None) -> tuple[str, str]:
    containers = (template_spec or {}).get("containers") or []
    return ",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)


# ------------------------------------------------------------------------------------------------ Pod
def _is_restartable_init(container: dict | None) -> bool:
    return bool(container) and container.get("restartPolicy") == "Always"


def _pod_summary(pod: dict, now: datetime) -> tuple[str, str, str]:
    """(READY, STATUS, RESTARTS) as printPod computes them."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total = len(spec.get("containers") or []) + sum(1 for c in init_specs.values() if _is_restartable_init(c))
    ready = 0
    restarts = 0
    sidecar_restarts = 0
    last_restart: datetime | None = None
    last_sidecar_restart: datetime | None = None
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    def finished(cs: dict) -> datetime | None:
        term = _get(cs, "lastState", "terminated")
        stamp = (term or {}).get("finishedAt")
        return parse_time(stamp) if stamp else None

    def later(a: datetime | None, b: datetime | None) -> datetime | None:
        if a is None:
            return b
        return a if b is None or a >= b else b

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        restarts += int(cs.get("restartCount") or 0)
        last_restart = later(last_restart, finished(cs))
        restartable = _is_restartable_init(init_specs.get(cs.get("name")))
        if restartable:
            sidecar_restarts += int(cs.get("restartCount") or 0)
            last_sidecar_restart = later(last_sidecar_restart, finished(cs))
        state = cs.get("state") or {}
        term, waiting = state.get("terminated"), state.get("waiting")
        if term is not None and int(term.get("exitCode") or 0) == 0:
            continue
        if restartable and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if term is not None:
            if not term.get("reason"):
                signal = int(term.get("signal") or 0)
                reason = (
                    f"Init:Signal:{signal}" if signal else f"Init:ExitCode:{int(term.get('exitCode') or 0)}"
                )
            else:
                reason = "Init:" + term["reason"]
        elif waiting is not None and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    initialized = any(
        c.get("type") == "Initialized" and c.get("status") == "True" for c in status.get("conditions") or []
    )
    if not initializing or initialized:
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            last_restart = later(last_restart, finished(cs))
            state = cs.get("state") or {}
            waiting, term = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif term is not None and term.get("reason"):
                reason = term["reason"]
            elif term is not None:
                signal = int(term.get("signal") or 0)
                reason = f"Signal:{signal}" if signal else f"ExitCode:{int(term.get('exitCode') or 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(
                c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or []
            )
            reason = "Running" if pod_ready else "NotReady"

    deleting = _meta(pod).get("deletionTimestamp")
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({since(last_restart, now)} ago)"
    return f"{ready}/{total}", reason, restarts_text


def _pod_ip(pod: dict, now: datetime) -> str:
    ips = _get(pod, "status", "podIPs") or []
    ip = (ips[0] or {}).get("ip") if ips else ""
    return ip or "<none>"


def _readiness_gates(pod: dict, now: datetime) -> str:
    gates = _get(pod, "spec", "readinessGates") or []
    if not gates:
        return "<none>"
    conditions = _get(pod, "status", "conditions") or []
    true = 0
    for gate in gates:
        for cond in conditions:
            if cond.get("type") == gate.get("conditionType"):
                true += cond.get("status") == "True"
                break
    return f"{true}/{len(gates)}"


_POD = [
    Column("NAME", _name),
    Column("READY", lambda o, n: _pod_summary(o, n)[0]),
    Column("STATUS", lambda o, n: _pod_summary(o, n)[1]),
    Column("RESTARTS", lambda o, n: _pod_summary(o, n)[2]),
    Column("AGE", _age),
    Column("IP", _pod_ip, wide=True),
    Column("NODE", lambda o, n: _get(o, "spec", "nodeName") or "<none>", wide=True),
    Column("NOMINATED NODE", lambda o, n: _get(o, "status", "nominatedNodeName") or "<none>", wide=True),
    Column("READINESS GATES", _readiness_gates, wide=True),
]


# -------------------------------------------------------------------------------------------- Service
def _lb_ingress(status: dict | None, wide: bool) -> str:
    """loadBalancerStatusStringer: unique IPs/hostnames sorted, clipped to 16 characters unless wide."""
    found = set()
    for ing in (status or {}).get("ingress") or []:
        if ing.get("ip"):
            found.add(ing["ip"])
        elif ing.get("hostname"):
            found.add(ing["hostname"])
    text = ",".join(sorted(found))
    if not wide and len(text) > 16:
        text = text[:13] + "..."
    return text


def _external_ip(svc: dict, wide: bool) -> str:
    spec = svc.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    external = spec.get("externalIPs") or []
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        lb = _lb_ingress(_get(svc, "status", "loadBalancer"), wide)
        if external:
            return ",".join(([*lb.split(",")] if lb else []) + external)
        return lb or "<pending>"
    if kind == "ExternalName":
        return spec.get("externalName") or ""
    return "<unknown>"


def _ports(svc: dict, now: datetime) -> str:
    pieces = []
    for port in _get(svc, "spec", "ports") or []:
        protocol = port.get("protocol") or "TCP"
        if port.get("nodePort"):
            pieces.append(f"{port.get('port')}:{port['nodePort']}/{protocol}")
        else:
            pieces.append(f"{port.get('port')}/{protocol}")
    return ",".join(pieces) or "<none>"


def _service_columns(wide: bool) -> list[Column]:
    return [
        Column("NAME", _name),
        Column("TYPE", lambda o, n: _get(o, "spec", "type") or "ClusterIP"),
        Column(
            "CLUSTER-IP",
            lambda o, n: (
                (_get(o, "spec", "clusterIPs") or [None])[0] or _get(o, "spec", "clusterIP") or "<none>"
            ),
        ),
        Column("EXTERNAL-IP", lambda o, n: _external_ip(o, wide)),
        Column("PORT(S)", _ports),
        Column("AGE", _age),
        Column("SELECTOR", lambda o, n: format_labels(_get(o, "spec", "selector")), wide=True),
    ]


# ------------------------------------------------------------------------------------------ Endpoints
def _more(items: list[str], count: int, limit: int = 3) -> str:
    text = ",".join(items[:limit])
    return f"{text} + {count - limit} more..." if count > limit else text


def format_endpoints(ep: dict, port_names: set[str] | None = None) -> str:
    """formatEndpoints: `ip:port` pairs, the first three, then `+ N more...`; `<none>` with no subsets."""
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    items: list[str] = []
    count = 0
    for ss in subsets:
        addresses = [a.get("ip", "") for a in ss.get("addresses") or []]
        ports = ss.get("ports") or []
        if not ports:
            count += len(addresses)
            items.extend(addresses)
            continue
        for port in ports:
            if port_names is None or (port.get("name") or "") in port_names:
                count += len(addresses)
                items.extend(_join_host_port(a, port.get("port")) for a in addresses)
    return _more(items, count) if count > 3 else ",".join(items)


def _join_host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _slice_ports(eps: dict, now: datetime) -> str:
    items = []
    ports = eps.get("ports") or []
    for port in ports:
        if port.get("port") is not None:
            items.append(str(port["port"]))
        elif port.get("name") is not None:
            items.append(port["name"])
        else:
            items.append("*")
    return _more(items, len(ports)) if len(ports) > 3 else (",".join(items) or "<unset>")


def _slice_endpoints(eps: dict, now: datetime) -> str:
    addresses = [a for e in eps.get("endpoints") or [] for a in e.get("addresses") or []]
    return _more(addresses, len(addresses)) if len(addresses) > 3 else (",".join(addresses) or "<unset>")


# --------------------------------------------------------------------------------- workloads and more
def _deployment_columns() -> list[Column]:
    return [
        Column("NAME", _name),
        Column("READY", lambda o, n: f"{_get(o, 'status', 'readyReplicas') or 0}/{_replicas(o)}"),
        Column("UP-TO-DATE", lambda o, n: str(_get(o, "status", "updatedReplicas") or 0)),
        Column("AVAILABLE", lambda o, n: str(_get(o, "status", "availableReplicas") or 0)),
        Column("AGE", _age),
        Column("CONTAINERS", lambda o, n: _containers(_get(o, "spec", "template", "spec"))[0], wide=True),
        Column("IMAGES", lambda o, n: _containers(_get(o, "spec", "template", "spec"))[1], wide=True),
        Column("SELECTOR", lambda o, n: _selector_string(_get(o, "spec", "selector")), wide=True),
    ]


def _replicas(obj: dict) -> int:
    value = _get(obj, "spec", "replicas")
    return 1 if value is None else int(value)


_REPLICASET = [
    Column("NAME", _name),
    Column("DESIRED", lambda o, n: str(_replicas(o))),
    Column("CURRENT", lambda o, n: str(_get(o, "status", "replicas") or 0)),
    Column("READY", lambda o, n: str(_get(o, "status", "readyReplicas") or 0)),
    Column("AGE", _age),
    Column("CONTAINERS", lambda o, n: _containers(_get(o, "spec", "template", "spec"))[0], wide=True),
    Column("IMAGES", lambda o, n: _containers(_get(o, "spec", "template", "spec"))[1], wide=True),
    Column("SELECTOR", lambda o, n: format_selector(_get(o, "spec", "selector")), wide=True),
]


def _job_condition(job: dict, kind: str) -> bool:
    for cond in _get(job, "status", "conditions") or []:
        if cond.get("type") == kind:
            return cond.get("status") == "True"
    return False


def _job_status(job: dict, now: datetime) -> str:
    if _job_condition(job, "Complete"):
        return "Complete"
    if _job_condition(job, "Failed"):
        return "Failed"
    if _meta(job).get("deletionTimestamp"):
        return "Terminating"
    if _job_condition(job, "Suspended"):
        return "Suspended"
    if _job_condition(job, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def _job_completions(job: dict, now: datetime) -> str:
    succeeded = _get(job, "status", "succeeded") or 0
    completions = _get(job, "spec", "completions")
    if completions is not None:
        return f"{succeeded}/{completions}"
    parallelism = _get(job, "spec", "parallelism") or 0
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def _job_duration(job: dict, now: datetime) -> str:
    start = _get(job, "status", "startTime")
    if not start:
        return ""
    end = _get(job, "status", "completionTime")
    return human_duration((parse_time(end) if end else now) - parse_time(start))


_JOB = [
    Column("NAME", _name),
    Column("STATUS", _job_status),
    Column("COMPLETIONS", _job_completions),
    Column("DURATION", _job_duration),
    Column("AGE", _age),
    Column("CONTAINERS", lambda o, n: _containers(_get(o, "spec", "template", "spec"))[0], wide=True),
    Column("IMAGES", lambda o, n: _containers(_get(o, "spec", "template", "spec"))[1], wide=True),
    Column("SELECTOR", lambda o, n: format_selector(_get(o, "spec", "selector")), wide=True),
]


def _node_status(node: dict, now: datetime) -> str:
    status = []
    for cond in _get(node, "status", "conditions") or []:
        if cond.get("type") == "Ready":
            status = ["Ready" if cond.get("status") == "True" else "NotReady"]
    status = status or ["Unknown"]
    if _get(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def _node_roles(node: dict, now: datetime) -> str:
    roles = set()
    for key, value in (_meta(node).get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/") :]:
            roles.add(key[len("node-role.kubernetes.io/") :])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return ",".join(sorted(roles)) or "<none>"


def _node_address(node: dict, kind: str) -> str:
    for addr in _get(node, "status", "addresses") or []:
        if addr.get("type") == kind:
            return addr.get("address", "")
    return "<none>"


def _node_info(field: str) -> Cell:
    return lambda o, n: _get(o, "status", "nodeInfo", field) or "<unknown>"


_NODE = [
    Column("NAME", _name),
    Column("STATUS", _node_status),
    Column("ROLES", _node_roles),
    Column("AGE", _age),
    Column("VERSION", lambda o, n: _get(o, "status", "nodeInfo", "kubeletVersion") or ""),
    Column("INTERNAL-IP", lambda o, n: _node_address(o, "InternalIP"), wide=True),
    Column("EXTERNAL-IP", lambda o, n: _node_address(o, "ExternalIP"), wide=True),
    Column("OS-IMAGE", _node_info("osImage"), wide=True),
    Column("KERNEL-VERSION", _node_info("kernelVersion"), wide=True),
    Column("CONTAINER-RUNTIME", _node_info("containerRuntimeVersion"), wide=True),
]


def _ingress_hosts(ing: dict, now: datetime) -> str:
    rules = _get(ing, "spec", "rules") or []
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    if not hosts:
        return "*"
    text = ",".join(hosts)
    return f"{text} + {len(rules) - 3} more..." if more else text


def _ingress_columns(wide: bool) -> list[Column]:
    return [
        Column("NAME", _name),
        Column("CLASS", lambda o, n: _get(o, "spec", "ingressClassName") or "<none>"),
        Column("HOSTS", _ingress_hosts),
        Column("ADDRESS", lambda o, n: _lb_ingress(_get(o, "status", "loadBalancer"), wide)),
        Column("PORTS", lambda o, n: "80, 443" if _get(o, "spec", "tls") else "80"),
        Column("AGE", _age),
    ]


def _ingress_class_parameters(ic: dict, now: datetime) -> str:
    params = _get(ic, "spec", "parameters")
    if not params:
        return "<none>"
    kind = params.get("kind", "")
    if params.get("apiGroup") is not None:
        kind += "." + params["apiGroup"]
    return kind + "/" + params.get("name", "")


def _event_last_seen(ev: dict, now: datetime) -> str:
    first = (
        since(ev.get("firstTimestamp"), now) if ev.get("firstTimestamp") else since(ev.get("eventTime"), now)
    )
    last = since(ev.get("lastTimestamp"), now) if ev.get("lastTimestamp") else first
    series = ev.get("series")
    if series:
        last = since(series.get("lastObservedTime"), now)
    return last


def _event_object(ev: dict, now: datetime) -> str:
    involved = ev.get("involvedObject") or {}
    kind = str(involved.get("kind", "")).lower()
    return f"{kind}/{involved['name']}" if involved.get("name") else kind


def _event_source(ev: dict, now: datetime) -> str:
    source = ev.get("source") or {}
    component = source.get("component") or ev.get("reportingComponent") or ev.get("reportingController") or ""
    host = source.get("host") or ev.get("reportingInstance") or ""
    return f"{component}, {host}" if host else component


_EVENT = [
    Column("LAST SEEN", _event_last_seen),
    Column("TYPE", lambda o, n: o.get("type", "")),
    Column("REASON", lambda o, n: o.get("reason", "")),
    Column("OBJECT", _event_object),
    Column("SUBOBJECT", lambda o, n: _get(o, "involvedObject", "fieldPath") or "", wide=True),
    Column("SOURCE", _event_source, wide=True),
    Column("MESSAGE", lambda o, n: str(o.get("message", "")).strip()),
    Column(
        "FIRST SEEN",
        lambda o, n: since(o.get("firstTimestamp") or o.get("eventTime"), n),
        wide=True,
    ),
    Column("COUNT", lambda o, n: str((o.get("series") or {}).get("count") or o.get("count") or 1), wide=True),
    Column("NAME", _name, wide=True),
]


_GENERIC = [Column("NAME", _name), Column("AGE", _age)]


def columns_for(rtype: ResourceType, *, wide: bool = False) -> list[Column]:
    """The columns `kubectl get` shows for a kind (wide-only columns included, flagged)."""
    kind = rtype.kind
    if rtype.printer_columns is not None:
        return _custom_columns(rtype)
    simple: dict[str, list[Column]] = {
        "Pod": _POD,
        "Endpoints": [
            Column("NAME", _name),
            Column("ENDPOINTS", lambda o, n: format_endpoints(o)),
            Column("AGE", _age),
        ],
        "EndpointSlice": [
            Column("NAME", _name),
            Column("ADDRESSTYPE", lambda o, n: o.get("addressType", "")),
            Column("PORTS", _slice_ports),
            Column("ENDPOINTS", _slice_endpoints),
            Column("AGE", _age),
        ],
        "ReplicaSet": _REPLICASET,
        "Namespace": [
            Column("NAME", _name),
            Column("STATUS", lambda o, n: _get(o, "status", "phase") or ""),
            Column("AGE", _age),
        ],
        "Node": _NODE,
        "IngressClass": [
            Column("NAME", _name),
            Column("CONTROLLER", lambda o, n: _get(o, "spec", "controller") or ""),
            Column("PARAMETERS", _ingress_class_parameters),
            Column("AGE", _age),
        ],
        "Job": _JOB,
        "ConfigMap": [
            Column("NAME", _name),
            Column("DATA", lambda o, n: str(len(o.get("data") or {}) + len(o.get("binaryData") or {}))),
            Column("AGE", _age),
        ],
        "Secret": [
            Column("NAME", _name),
            Column("TYPE", lambda o, n: o.get("type", "")),
            Column("DATA", lambda o, n: str(len(o.get("data") or {}))),
            Column("AGE", _age),
        ],
        "ServiceAccount": [
            Column("NAME", _name),
            Column("SECRETS", lambda o, n: str(len(o.get("secrets") or []))),
            Column("AGE", _age),
        ],
        "Event": _EVENT,
        "ValidatingWebhookConfiguration": [
            Column("NAME", _name),
            Column("WEBHOOKS", lambda o, n: str(len(o.get("webhooks") or []))),
            Column("AGE", _age),
        ],
        "CustomResourceDefinition": [
            Column("NAME", _name),
            Column("CREATED AT", lambda o, n: _meta(o).get("creationTimestamp") or ""),
        ],
    }
    if kind == "Service" and not rtype.group:
        return _service_columns(wide)
    if kind == "Deployment":
        return _deployment_columns()
    if kind == "Ingress":
        return _ingress_columns(wide)
    return simple.get(kind, _GENERIC)


def _custom_columns(rtype: ResourceType) -> list[Column]:
    """NAME, then the CRD's printer columns (see `crdcolumns` for the server's rules)."""
    columns = [Column("NAME", _name)]
    for pc in rtype.printer_columns or ():
        columns.append(Column(pc.name.upper(), partial(_crd_cell, pc), wide=pc.priority > 0))
    return columns


def _crd_cell(pc: PrinterColumn, obj: dict, now: datetime) -> str | None:
    return crdcolumns.cell_for(pc, obj, now)


def table_rows(
    rtype: ResourceType,
    objs: Sequence[dict],
    *,
    now: datetime,
    wide: bool = False,
    show_labels: bool = False,
    all_namespaces: bool = False,
    no_headers: bool = False,
    kind_prefix: str | None = None,
) -> list[list[str]]:
    """The header and cells `print_table` lays out (useful for widgets that render HTML tables)."""
    columns = [c for c in columns_for(rtype, wide=wide) if wide or not c.wide]
    rows: list[list[str]] = []
    if not no_headers:
        header = [c.header for c in columns]
        if all_namespaces:
            header.insert(0, "NAMESPACE")
        if show_labels:
            header.append("LABELS")
        rows.append(header)
    for obj in objs:
        cells = []
        for column in columns:
            value = column.cell(obj, now)
            cells.append("" if value is None else str(value))
        if kind_prefix and columns and columns[0].header == "NAME":
            cells[0] = f"{kind_prefix}/{cells[0]}"
        if all_namespaces:
            cells.insert(0, str(_meta(obj).get("namespace", "")))
        if show_labels:
            cells.append(format_labels(_meta(obj).get("labels")))
        rows.append([_clip_cell(c) for c in cells])
    return rows


def _clip_cell(text: str) -> str:
    """A cell stops at its first line break and shows `...` (kubectl keeps tables one line per row)."""
    for i, ch in enumerate(text):
        if ch in "\n\r\f":
            return text[:i] + "..."
    return text


def print_table(
    rtype: ResourceType,
    objs: Sequence[dict],
    *,
    now: datetime,
    wide: bool = False,
    show_labels: bool = False,
    all_namespaces: bool = False,
    no_headers: bool = False,
    kind_prefix: str | None = None,
) -> str:
    """`kubectl get` table text for objects of one kind; empty string when there are no objects.

    `all_namespaces` prepends NAMESPACE (`-A`), `show_labels` appends LABELS, `kind_prefix`
    (`deployment.apps`) names rows `kind/name` as kubectl does when several kinds are listed.
    """
    if not objs:
        return ""
    rows = table_rows(
        rtype,
        objs,
        now=now,
        wide=wide,
        show_labels=show_labels,
        all_namespaces=all_namespaces,
        no_headers=no_headers,
        kind_prefix=kind_prefix,
    )
    return tabulate(rows)
