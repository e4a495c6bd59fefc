"""`kubectl expose deployment|service|pod|replicaset NAME [--port] [--target-port] [--type] [--name]`: the Service
kubectl v1.31's service/v2 generator builds, its selector, ports and labels taken from the exposed object."""

from __future__ import annotations

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, resolve_type
from ingresslab.commands.kubectl.flags import Flag, parse_flags
from ingresslab.commands.kubectl.imperative import (
    PRINT_FLAGS,
    dry_run,
    for_server,
    normalise_argv,
    print_obj,
    usage,
)
from ingresslab.commands.result import CommandResult
from ingresslab.errors import AlreadyExists, ApiError, NotFound

__all__ = ["expose"]

_FLAGS = [
    *PRINT_FLAGS,
    Flag("port"),
    Flag("target-port"),
    Flag("protocol"),
    Flag("type"),
    Flag("name"),
    Flag("labels", "l"),
    Flag("selector"),
    Flag("external-ip"),
    Flag("load-balancer-ip"),
    Flag("session-affinity"),
    Flag("cluster-ip"),
    Flag("port-name"),
    Flag("filename", "f", repeat=True),
    Flag("record", value=False),
    Flag("overrides"),
]
_EXPOSABLE = {"Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet"}


def _parse_labels(text: str) -> dict[str, str]:
    out = {}
    for item in text.split(","):
        key, eq, value = item.partition("=")
        if not eq:
            raise KubectlError(f"error: invalid label spec: {item}")
        out[key] = value
    return out


def _selector(obj: dict) -> dict[str, str]:
    """polymorphichelpers.MapBasedSelectorForObject."""
    kind = obj.get("kind")
    if kind == "Pod":
        labels = obj["metadata"].get("labels") or {}
        if not labels:
            raise KubectlError("the pod has no labels and cannot be exposed")
        return dict(labels)
    if kind == "Service":
        selector = obj.get("spec", {}).get("selector") or {}
        if not selector:
            raise KubectlError("the service has no pod selector set")
        return dict(selector)
    spec_selector = obj.get("spec", {}).get("selector") or {}
    if spec_selector.get("matchExpressions"):
        raise KubectlError(
            f'couldn\'t convert expressions - "{spec_selector["matchExpressions"]}" to map-based selector format'
        )
    return dict(spec_selector.get("matchLabels") or {})


def _ports(obj: dict) -> list[tuple[str, str]]:
    """PortsForObject with ProtocolsForObject: (port, protocol) of every exposed container/service port."""
    kind = obj.get("kind")
    if kind == "Service":
        return [(str(p["port"]), p.get("protocol", "TCP")) for p in obj.get("spec", {}).get("ports") or []]
    spec = obj.get("spec", {}) if kind == "Pod" else obj.get("spec", {}).get("template", {}).get("spec", {})
    out = []
    for c in spec.get("containers") or []:
        for port in c.get("ports") or []:
            out.append((str(port["containerPort"]), port.get("protocol", "TCP")))
    return out


def expose(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(normalise_argv(argv), _FLAGS)
    args = list(p.args)
    if not args:
        raise usage(
            "expose",
            "You must provide one or more resources by argument or filename.\nExample resource specifications "
            "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        )
    if "/" in args[0]:
        kind, _, name = args[0].partition("/")
    elif len(args) >= 2:
        kind, name = args[0], args[1]
    else:
        raise usage("expose", "resource(s) were provided, but no name was specified")
    mode = dry_run(p)
    rtype = resolve_type(kind, ctx)
    namespace = ctx.namespace(p.get("namespace"))
    obj = ctx.backend.get(rtype.key, name, namespace)
    if rtype.kind not in _EXPOSABLE:
        raise KubectlError(
            f"error: cannot expose a {rtype.kind}.{rtype.group}"
            if rtype.group
            else f"error: cannot expose a {rtype.kind}"
        )
    try:
        selector = _parse_labels(str(p.get("selector"))) if p.get("selector") else _selector(obj)
    except KubectlError as exc:
        raise usage(
            "expose", f"couldn't retrieve selectors via --selector flag or introspection: {exc.message}"
        ) from None
    headless = p.get("cluster-ip") == "None"
    found = _ports(obj)
    if p.get("port"):
        ports = [str(p.get("port"))]
    else:
        if not found and not headless:
            raise usage("expose", "couldn't find port via --port flag or introspection")
        ports = [port for port, _ in found]
    protocols = {port: proto for port, proto in found}
    labels = (
        _parse_labels(str(p.get("labels"))) if p.get("labels") else dict(obj["metadata"].get("labels") or {})
    )
    service_ports = []
    for i, port in enumerate(ports):
        try:
            number = int(port)
        except ValueError:
            raise KubectlError(f'error: strconv.Atoi: parsing "{port}": invalid syntax') from None
        entry: dict = {}
        port_name = f"port-{i + 1}" if len(ports) > 1 else str(p.get("port-name") or "")
        if port_name:
            entry["name"] = port_name
        protocol = str(p.get("protocol") or "")
        if not protocol:
            protocol = protocols.get(port, "TCP") if protocols else "TCP"
        entry["protocol"] = protocol
        entry["port"] = number
        target = str(p.get("target-port") or "")
        if target:
            entry["targetPort"] = int(target) if target.lstrip("-").isdigit() else target
        else:
            entry["targetPort"] = number
        service_ports.append(entry)
    svc_name = str(p.get("name") or name[:63])
    metadata: dict = {"name": svc_name}
    if p.get("namespace") and mode == "client":
        metadata["namespace"] = str(p.get("namespace"))
    metadata["creationTimestamp"] = None
    if labels:
        metadata["labels"] = dict(sorted(labels.items()))
    spec: dict = {}
    if service_ports:
        spec["ports"] = service_ports
    spec["selector"] = dict(sorted(selector.items()))
    if p.get("cluster-ip"):
        spec["clusterIP"] = str(p.get("cluster-ip"))
    if p.get("type"):
        spec["type"] = str(p.get("type"))
    if p.get("external-ip"):
        spec["externalIPs"] = [str(p.get("external-ip"))]
    if p.get("session-affinity"):
        if p.get("session-affinity") not in ("None", "ClientIP"):
            raise KubectlError(f"error: unknown session affinity: {p.get('session-affinity')}")
        spec["sessionAffinity"] = str(p.get("session-affinity"))
    service = {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }
    output = str(p.get("output") or "")
    shown = service
    if mode == "server":
        try:
            ctx.backend.get("services", svc_name, namespace)
        except NotFound:
            pass
        else:
            raise AlreadyExists(f'services "{svc_name}" already exists')
    elif mode == "none":
        try:
            created = ctx.backend.create(for_server(service), namespace=namespace)
        except ApiError:
            raise
        if output in ("yaml", "json"):
            from ingresslab.kube import printers

            return CommandResult(
                printers.print_yaml(created) if output == "yaml" else printers.print_json(created)
            )
    return CommandResult(print_obj(shown, output, "service", "exposed", mode))
