"""`kubectl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT ...`, as kubectl v1.31 resolves and prints it.

The target resolves to one pod as kubectl's AttachablePodForObject does (a pod; the first active pod a
Service's or a workload's selector picks), a Service port to its targetPort (a named targetPort through the
pod's containerPorts), and a named pod port to its number. kubectl then listens on 127.0.0.1 and [::1] until
interrupted; in the sandbox the command returns and the listeners stay in the sandbox's state while the pod
exists (`ingresslab.backends.sandbox.portforward`), so the learner's curl to localhost:LOCAL_PORT reaches it.
"""

from __future__ import annotations

import ipaddress

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail, resolve_type
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.result import CommandResult

__all__ = ["port_forward"]

_USAGE = "See 'kubectl port-forward -h' for help and examples"
_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def _split_port(port: str) -> tuple[str, str]:
    parts = port.split(":")
    return (parts[0], parts[1]) if len(parts) == 2 else (parts[0], parts[0])


def _selector_text(selector: dict) -> str:
    """A workload's LabelSelector (matchLabels, matchExpressions) as a label selector string."""
    terms = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key", ""), expr.get("operator", ""), expr.get("values") or []
        if op == "In":
            terms.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            terms.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            terms.append(key)
        elif op == "DoesNotExist":
            terms.append(f"!{key}")
    return ",".join(terms)


def _ready(pod: dict) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _most_active_first(pod: dict) -> tuple:
    """sort.Reverse(podutils.ActivePods): assigned, Running, ready, fewer restarts, then the oldest first."""
    status = pod.get("status") or {}
    restarts = sum(int(c.get("restartCount", 0)) for c in status.get("containerStatuses") or [])
    return (
        0 if pod["spec"].get("nodeName") else 1,
        -_PHASE_RANK.get(str(status.get("phase")), -1),
        0 if _ready(pod) else 1,
        restarts,
        pod["metadata"].get("creationTimestamp") or "",
    )


def _target(ctx: KubectlContext, name: str, namespace: str) -> tuple[dict, dict | None]:
    """The pod to forward to, and the Service when the target is one."""
    if "/" not in name:
        return ctx.backend.get("pods", name, namespace), None
    kind, _, obj_name = name.partition("/")
    rtype = resolve_type(kind, ctx)
    obj = ctx.backend.get(rtype.key, obj_name, namespace)
    if rtype.kind == "Pod":
        return obj, None
    spec = obj.get("spec") or {}
    if rtype.kind == "Service":
        if not spec.get("selector"):
            raise fail(f"invalid service '{obj_name}': Service is defined without a selector")
        selector = ",".join(f"{k}={v}" for k, v in sorted(spec["selector"].items()))
    elif rtype.kind in (
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "ReplicationController",
    ):
        raw = spec.get("selector") or {}
        selector = _selector_text(raw) if "matchLabels" in raw or "matchExpressions" in raw else ""
        if rtype.kind == "ReplicationController" and raw and not selector:
            selector = ",".join(f"{k}={v}" for k, v in sorted(raw.items()))
    else:
        raise fail(f"cannot attach to {rtype.kind}: not implemented")
    pods = ctx.backend.list("pods", namespace, label_selector=selector)
    if not pods:
        raise fail("timed out waiting for the condition")  # after --pod-running-timeout (1m0s)
    return sorted(pods, key=_most_active_first)[0], obj if rtype.kind == "Service" else None


def _container_port_by_name(pod: dict, name: str) -> int:
    for container in pod["spec"].get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == name:
                return int(port["containerPort"])
    raise fail(f"Pod '{pod['metadata']['name']}' does not have a named port '{name}'")


def _service_ports(ports: list[str], svc: dict, pod: dict) -> list[str]:
    """translateServicePortToTargetPort: each Service port becomes the pod port it targets."""
    name = svc["metadata"]["name"]
    out = []
    for port in ports:
        local, remote = _split_port(port)
        if remote.isdigit():
            number = int(remote)
        else:
            found = next((p for p in svc["spec"].get("ports") or [] if p.get("name") == remote), None)
            if found is None:
                raise fail(f"Service '{name}' does not have a named port '{remote}'")
            number = int(found["port"])
            if local == remote:
                local = str(number)
        spec = next((p for p in svc["spec"].get("ports") or [] if int(p.get("port", 0)) == number), None)
        if spec is None:
            raise fail(f"Service {name} does not have a service port {number}")
        target = spec.get("targetPort")
        if svc["spec"].get("clusterIP") == "None":
            container = number
        elif target is None or target == 0 or (isinstance(target, str) and target.isdigit()):
            container = int(target) if target else int(spec["port"])
        elif isinstance(target, int):
            container = target
        else:
            container = _container_port_by_name(pod, str(target))
        out.append(f"{local}:{container}" if local != str(container) else str(container))
    return out


def _pod_ports(ports: list[str], pod: dict) -> list[str]:
    """convertPodNamedPortToNumber."""
    out = []
    for port in ports:
        local, remote = _split_port(port)
        if remote == "":
            raise fail("remote port cannot be empty")
        number = remote if remote.isdigit() else str(_container_port_by_name(pod, remote))
        out.append(f"{local}:{number}" if local != remote else number)
    return out


def _parse_uint16(text: str, which: str) -> int:
    if not text.isdigit():
        raise fail(
            f"error parsing {which} port '{text}': strconv.ParseUint: parsing \"{text}\": invalid syntax"
        )
    value = int(text)
    if value > 65535:
        raise fail(
            f"error parsing {which} port '{text}': strconv.ParseUint: parsing \"{text}\": value out of range"
        )
    return value


def _parse_ports(ports: list[str]) -> list[tuple[int, int]]:
    """client-go's parsePorts: `8080:80`, `80`, `:80` (a random local port)."""
    out = []
    for port in ports:
        parts = port.split(":")
        if len(parts) > 2:
            raise fail(f"invalid port format '{port}'")
        local_text, remote_text = (parts[0] or "0", parts[1]) if len(parts) == 2 else (parts[0], parts[0])
        local = _parse_uint16(local_text, "local")
        remote = _parse_uint16(remote_text, "remote")
        if remote == 0:
            raise fail("remote port must be > 0")
        out.append((local, remote))
    return out


def _addresses(values: list[str]) -> list[tuple[str, str, str]]:
    """parseAddresses: (address, protocol, failure mode), sorted by address as kubectl sorts them."""
    parsed: dict[str, tuple[str, str, str]] = {}
    for value in values:
        if value == "localhost":
            parsed.setdefault("127.0.0.1", ("127.0.0.1", "tcp4", "all"))
            parsed.setdefault("::1", ("::1", "tcp6", "all"))
            continue
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            raise fail(f"{value} is not a valid IP") from None
        parsed[value] = (value, "tcp4" if ip.version == 4 else "tcp6", "any")
    return [parsed[k] for k in sorted(parsed)]


def _join(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def port_forward(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            Flag("namespace", "n"),
            Flag("address", repeat=True),
            Flag("pod-running-timeout"),
            Flag("context"),
        ],
    )
    if len(p.args) < 2:
        raise KubectlError(f"error: TYPE/NAME and list of ports are required for port-forward\n{_USAGE}")
    namespace = ctx.namespace(p.get("namespace"))
    pod, svc = _target(ctx, p.args[0], namespace)
    ports = _service_ports(p.args[1:], svc, pod) if svc is not None else _pod_ports(p.args[1:], pod)
    if not ports:
        raise fail("at least 1 PORT is required for port-forward")
    phase = (pod.get("status") or {}).get("phase")
    if phase != "Running":
        raise fail(f"unable to forward port because pod is not running. Current status={phase}")
    addresses = _addresses(
        [a for value in p.get("address") or ["localhost"] for a in str(value).split(",")]  # type: ignore[union-attr]
    )
    forwarded = _parse_ports(ports)
    from ingresslab.backends.sandbox import SandboxBackend

    if not isinstance(ctx.backend, SandboxBackend):
        raise fail("port-forward needs the real kubectl binary on this backend")
    from ingresslab.backends.sandbox import portforward as table
    from ingresslab.backends.sandbox.dataplane import kubeproxy

    out, err = [], []
    with ctx.backend.transaction() as cluster:
        current = cluster.get("pods", pod["metadata"]["name"], namespace) or pod
        pid = cluster.store.rng.randint(100000, 400000)
        listeners: list[table.Listener] = []
        bound: list[tuple[int, int]] = []
        for local, remote in forwarded:
            errors, mine = [], []
            failed = {"all": 0, "any": 0}
            succeeded = {"all": 0, "any": 0}
            for address, protocol, mode in addresses:
                if local == 0:
                    local = kubeproxy.ephemeral_port(cluster)
                why = table.bind_error(cluster, address, local)
                if why is None and any(
                    x.port == local and x.address == address for x in listeners
                ):  # the same port twice on one command line
                    why = "address already in use"
                if why is not None:
                    errors.append(
                        f"unable to create listener: Error listen {protocol} {_join(address, local)}: bind: {why}"
                    )
                    failed[mode] += 1
                    continue
                succeeded[mode] += 1
                out.append(f"Forwarding from {_join(address, local)} -> {remote}\n")
                mine.append(
                    table.Listener(
                        address,
                        local,
                        namespace,
                        current["metadata"]["name"],
                        current["metadata"].get("uid", ""),
                        remote,
                        pid,
                    )
                )
            if (succeeded["all"] == 0 and failed["all"] > 0) or failed["any"] > 0:
                err.append(
                    f"Unable to listen on port {local}: Listeners failed to create with the following errors: "
                    f"[{' '.join(errors)}]\n"
                )
                listeners += mine  # kubectl keeps the listeners it opened, but this port does not count
                continue
            listeners += mine
            bound.append((local, remote))
        if not bound:
            ports_text = " ".join(f"{{{local} {remote}}}" for local, remote in forwarded)
            raise KubectlError(
                "".join(err) + f"error: unable to listen on any of the requested ports: [{ports_text}]"
            )
        table.start(cluster, listeners)
    local = bound[0][0]
    err.append(
        f"(sandbox) The port-forward keeps running in the background while pod/{current['metadata']['name']} "
        f"exists (kubectl would block here until Ctrl-C): `curl http://localhost:{local}` reaches the pod; "
        "a sandbox reset stops it.\n"
    )
    return CommandResult("".join(out), "".join(err))
