"""`kubectl create <generator> NAME …`: deployment, service, ingress, configmap, secret generic, namespace,
serviceaccount — the objects kubectl v1.31's generators build (pkg/cmd/create), printed and sent alike."""

from __future__ import annotations

import base64
import os
import random
import re

from ingresslab.commands.kubectl.common import KubectlContext, KubectlError, fail
from ingresslab.commands.kubectl.flags import Flag, Parsed, parse_flags
from ingresslab.commands.kubectl.imperative import PRINT_FLAGS, name_from_args, normalise_argv, submit
from ingresslab.commands.result import CommandResult

__all__ = ["GENERATORS", "create_generator", "meta"]


def meta(
    name: str, namespace: str | None, *, labels: dict | None = None, annotations: dict | None = None
) -> dict:
    """ObjectMeta as a generator fills it, in struct order: the namespace only when given with -n."""
    out: dict = {"name": name}
    if namespace:
        out["namespace"] = namespace
    out["creationTimestamp"] = None
    if labels:
        out["labels"] = dict(sorted(labels.items()))
    if annotations:
        out["annotations"] = dict(sorted(annotations.items()))
    return out


def _required(p: Parsed, *names: str) -> None:
    """cobra's required-flag check, before the command runs."""
    missing = [n for n in names if not p.get(n)]
    if missing:
        raise fail("required flag(s) " + ", ".join(f'"{n}"' for n in missing) + " not set")


def _int_flag(p: Parsed, name: str, default: int, verb: str, short: str = "") -> int:
    """An int flag as pflag parses it (its error names the flag as `-r, --replicas`)."""
    raw = p.get(name)
    if raw is None:
        return default
    try:
        return int(str(raw))
    except ValueError:
        shown = f"-{short}, --{name}" if short else f"--{name}"
        raise KubectlError(
            f'error: invalid argument "{raw}" for "{shown}" flag: strconv.ParseInt: parsing "{raw}": invalid syntax\n'
            f"See 'kubectl {verb} --help' for usage."
        ) from None


def _split_slice(values: list) -> list[str]:
    """pflag's StringSlice: each value is itself comma separated."""
    out: list[str] = []
    for v in values:
        out += [x for x in str(v).split(",")]
    return out


# ----------------------------------------------------------------------------------------- deployment
def container_name(image: str) -> str:
    """The container name kubectl derives from an image: last path part, no tag or digest."""
    name = image.split("/")[-1].split(":")[0].split("@")[0]
    if "_" in name or "." in name:
        # sanitizeAndUniquify: a random suffix (utilrand's alphabet) keeps the name unique
        name = name.replace("_", "-").replace(".", "-") + "-" + "".join(random.choices(_RAND, k=5))
    return name


_RAND = "bcdfghjklmnpqrstvwxz2456789"


def _deployment(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    verb = "create deployment"
    p = parse_flags(argv, [*PRINT_FLAGS, Flag("image", repeat=True), Flag("replicas", "r"), Flag("port")])
    images = p.get("image") or []
    images = _split_slice(images)
    _required(p, "image")
    name = name_from_args(p, verb)
    command = p.after_dash if p.dash_at is not None else []
    if len(images) > 1 and command:
        raise fail("cannot specify multiple --image options and command")
    replicas = _int_flag(p, "replicas", 1, verb, "r")
    port = _int_flag(p, "port", -1, verb)
    labels = {"app": name}
    containers = []
    for image in images:
        c: dict = {"name": container_name(image), "image": image}
        if command:
            c["command"] = list(command)
        containers.append(c)
    if port >= 0 and containers:
        containers[0]["ports"] = [{"containerPort": port}]
    for c in containers:
        c["resources"] = {}
    obj = {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": meta(name, p.get("namespace"), labels=labels),  # type: ignore[arg-type]
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": dict(labels)},
                "spec": {"containers": containers},
            },
            "strategy": {},
        },
        "status": {},
    }
    return submit(
        ctx, p, obj, key="deployments.apps", resource="deployment.apps", failure="failed to create deployment"
    )


# -------------------------------------------------------------------------------------------- service
_SERVICE_TYPES = {
    "clusterip": "ClusterIP",
    "nodeport": "NodePort",
    "loadbalancer": "LoadBalancer",
    "externalname": "ExternalName",
}
_PORT_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


def _parse_ports(spec: str) -> tuple[int, int | str]:
    """create_service.go parsePorts: `port[:targetPort]`, the target a number or a port name."""
    parts = spec.split(":")
    try:
        port = int(parts[0], 10)
        if not 0 <= port <= 65535 or not parts[0].isdigit():
            raise ValueError
    except ValueError:
        if parts[0].isdigit():
            raise fail(f'strconv.ParseUint: parsing "{parts[0]}": value out of range') from None
        raise fail(f'strconv.ParseUint: parsing "{parts[0]}": invalid syntax') from None
    if port == 0:
        raise fail("port '0' must be in the range 1-65535")
    if len(parts) == 1:
        return port, port
    target = parts[1]
    if re.fullmatch(r"[+-]?\d+", target):
        number = int(target)
        if not 1 <= number <= 65535:
            raise fail("must be between 1 and 65535, inclusive")
        return port, number
    errors = []
    if len(target) > 15:
        errors.append("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", target):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in target:
        errors.append("must not contain consecutive hyphens")
    if not re.search(r"[a-z]", target):
        errors.append("must contain at least one letter (a-z)")
    if target.startswith("-") or target.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    if errors:
        raise fail(",".join(errors))
    return port, target


def _service(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    if not argv or argv[0].startswith("-"):
        raise fail("Required resource not specified.\nSee 'kubectl create service -h' for help and examples")
    flavour, argv = argv[0], argv[1:]
    svc_type = _SERVICE_TYPES.get(flavour)
    if svc_type is None:
        raise KubectlError(
            f'error: unknown command "{flavour}" for "kubectl create service"\n'
            "See 'kubectl create service -h' for help and examples"
        )
    extra = {
        "ClusterIP": [Flag("clusterip")],
        "NodePort": [Flag("node-port")],
        "LoadBalancer": [],
        "ExternalName": [Flag("external-name")],
    }[svc_type]
    p = parse_flags(argv, [*PRINT_FLAGS, Flag("tcp", repeat=True), *extra])
    if svc_type == "ExternalName":
        _required(p, "external-name")
    name = name_from_args(p, f"create service {flavour}")
    tcp = _split_slice(p.get("tcp") or [])
    cluster_ip = str(p.get("clusterip") or "")
    if cluster_ip == "None" and svc_type != "ClusterIP":
        raise fail("ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp and svc_type != "ExternalName":
        raise fail("at least one tcp port specifier must be provided")
    external = str(p.get("external-name") or "")
    if svc_type == "ExternalName" and not re.fullmatch(
        r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", external
    ):
        raise fail(f"invalid service external name {external}")
    node_port = _int_flag(p, "node-port", 0, f"create service {flavour}")
    ports = []
    for spec in tcp:
        port, target = _parse_ports(spec)
        entry: dict = {"name": spec.replace(":", "-"), "protocol": "TCP", "port": port, "targetPort": target}
        if node_port:
            entry["nodePort"] = node_port
        ports.append(entry)
    labels = {"app": name}
    spec_: dict = {}
    if ports:
        spec_["ports"] = ports
    spec_["selector"] = dict(labels)
    if cluster_ip:
        spec_["clusterIP"] = cluster_ip
    spec_["type"] = svc_type
    if external:
        spec_["externalName"] = external
    obj = {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": meta(name, p.get("namespace"), labels=labels),  # type: ignore[arg-type]
        "spec": spec_,
        "status": {"loadBalancer": {}},
    }
    return submit(
        ctx, p, obj, key="services", resource="service", failure=f"failed to create {svc_type} service"
    )


# -------------------------------------------------------------------------------------------- ingress
_RULE = re.compile(
    r"^(?P<host>[\w*\-.]*)(?P<path>/[^,=\n]*)=(?P<svcname>[\w\-]+):(?P<svcport>[\w\-]+)"
    r"(,(?P<istls>tls)=?(?P<secretname>[\w\-]+)?)?$",
    re.ASCII,
)


def _backend(service: str) -> dict:
    name, port = service.split(":")[0], service.split(":")[1]
    number = re.fullmatch(r"[+-]?\d+", port)
    return {"service": {"name": name, "port": {"number": int(port)} if number else {"name": port}}}


def _ingress(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            *PRINT_FLAGS,
            Flag("class"),
            Flag("rule", repeat=True),
            Flag("default-backend"),
            Flag("annotation", repeat=True),
        ],
    )
    name = name_from_args(p, "create ingress")
    rules: list[str] = p.get("rule") or []  # type: ignore[assignment]
    annotations_in: list[str] = p.get("annotation") or []  # type: ignore[assignment]
    default = str(p.get("default-backend") or "")
    if not default and not rules:
        raise fail(
            "not enough information provided: every ingress has to either specify a default-backend (which "
            "catches all traffic) or a list of rules (which catch specific paths)"
        )
    for rule in rules:
        if not _RULE.match(rule):
            raise fail(
                f"rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
            )
    for a in annotations_in:
        if "=" not in a:
            raise fail(f"annotation {a} is invalid and should be in format key=[value]")
    if default and len(default.split(":")) != 2:
        raise fail("default-backend should be in format servicename:serviceport")
    annotations = {}
    for a in annotations_in:
        key, _, value = a.partition("=")
        annotations[key] = value
    spec: dict = {}
    if p.get("class"):
        spec["ingressClassName"] = str(p.get("class"))
    if default:
        spec["defaultBackend"] = _backend(default)
    tls: list[dict] = []
    seen_hosts: set[str] = set()
    for rule in rules:
        parts = rule.split(",")
        if len(parts) != 2:
            continue
        host = rule.split("/", 1)[0]
        secret_parts = parts[1].split("=")
        secret = secret_parts[1] if len(secret_parts) > 1 else ""
        index = next((i for i, t in enumerate(tls) if t.get("secretName", "") == secret), -1)
        if host in seen_hosts:
            continue
        if index > -1:
            tls[index].setdefault("hosts", []).append(host)
            seen_hosts.add(host)
            continue
        entry: dict = {}
        if host:
            entry["hosts"] = [host]
        if secret:
            entry["secretName"] = secret
        if entry:
            tls.append(entry)
        seen_hosts.add(host)
    if tls:
        spec["tls"] = tls
    built: list[dict] = []
    for rule in rules:
        host, _, pathsvc = rule.split(",")[0].partition("/")
        pieces = pathsvc.split("=")
        path, path_type = "/" + pieces[0], "Exact"
        if path.endswith("*"):
            path, path_type = path[:-1], "Prefix"
        entry = {"path": path, "pathType": path_type, "backend": _backend(pieces[1])}
        found = next((r for r in built if r.get("host", "") == host), None)
        if found is not None:
            found["http"]["paths"].append(entry)
            continue
        r: dict = {"host": host} if host else {}
        r["http"] = {"paths": [entry]}
        built.append(r)
    if built:
        spec["rules"] = built
    obj = {
        "kind": "Ingress",
        "apiVersion": "networking.k8s.io/v1",
        "metadata": meta(name, p.get("namespace"), annotations=annotations),  # type: ignore[arg-type]
        "spec": spec,
        "status": {"loadBalancer": {}},
    }
    return submit(
        ctx,
        p,
        obj,
        key="ingresses.networking.k8s.io",
        resource="ingress.networking.k8s.io",
        failure="failed to create ingress",
    )


# ---------------------------------------------------------------------------------- configmap, secret
def _sources(ctx: KubectlContext, p: Parsed) -> dict[str, bytes]:
    """--from-file and --from-literal as kubectl reads them, in flag order (a key twice is an error)."""
    data: dict[str, bytes] = {}

    def put(key: str, value: bytes) -> None:
        if key in data:
            raise fail(f"cannot add key {key}, another key by that name already exists in Data for ConfigMap")
        data[key] = value

    for spec in _split_slice(p.get("from-file") or []):
        key, eq, path = spec.partition("=")
        if not eq:
            key, path = "", spec
        full = os.path.join(ctx.cwd, path)
        if os.path.isdir(full):
            if key:
                raise fail("cannot give a key name for a directory path")
            for entry in sorted(os.listdir(full)):
                if os.path.isfile(os.path.join(full, entry)):
                    with open(os.path.join(full, entry), "rb") as fh:
                        put(entry, fh.read())
            continue
        if not os.path.exists(full):
            raise fail(f"error reading {path}: no such file or directory")
        with open(full, "rb") as fh:
            put(key or os.path.basename(path), fh.read())
    for literal in p.get("from-literal") or []:
        key, eq, value = str(literal).partition("=")
        if not eq or not key:
            raise fail(f"invalid literal source {literal}, expected key=value")
        put(key, value.encode())
    return data


def _configmap(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(
        argv,
        [
            *PRINT_FLAGS,
            Flag("from-literal", repeat=True),
            Flag("from-file", repeat=True),
            Flag("from-env-file", repeat=True),
            Flag("append-hash", value=False),
        ],
    )
    name = name_from_args(p, "create configmap")
    sources = _sources(ctx, p)
    obj: dict = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": meta(name, p.get("namespace"))}  # type: ignore[arg-type]
    text, binary = {}, {}
    for key, value in sorted(sources.items()):
        try:
            text[key] = value.decode("utf-8")
        except UnicodeDecodeError:
            binary[key] = base64.b64encode(value).decode()
    if text:
        obj["data"] = text
    if binary:
        obj["binaryData"] = binary
    return submit(ctx, p, obj, key="configmaps", resource="configmap", failure="failed to create configmap")


def _secret(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    if not argv or argv[0] != "generic":
        kind = argv[0] if argv else ""
        if kind in ("tls", "docker-registry"):
            raise fail(f"`kubectl create secret {kind}` is not available in the sandbox; use secret generic")
        raise fail("Required resource not specified.\nSee 'kubectl create secret -h' for help and examples")
    p = parse_flags(
        argv[1:],
        [
            *PRINT_FLAGS,
            Flag("from-literal", repeat=True),
            Flag("from-file", repeat=True),
            Flag("from-env-file", repeat=True),
            Flag("type"),
            Flag("append-hash", value=False),
        ],
    )
    name = name_from_args(p, "create secret generic")
    sources = _sources(ctx, p)
    obj: dict = {"kind": "Secret", "apiVersion": "v1", "metadata": meta(name, p.get("namespace"))}  # type: ignore[arg-type]
    if sources:
        obj["data"] = {k: base64.b64encode(v).decode() for k, v in sorted(sources.items())}
    if p.get("type"):
        obj["type"] = str(p.get("type"))
    # The API server defaults a Secret's type to Opaque (sent that way, the sandbox stores what it would).
    return submit(
        ctx,
        p,
        obj,
        key="secrets",
        resource="secret",
        failure="failed to create secret {}",
        send=lambda o, ns: ctx.backend.create({**o, "type": o.get("type") or "Opaque"}, namespace=ns),
    )


# ------------------------------------------------------------------------------ namespace, serviceaccount
def _namespace(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(argv, PRINT_FLAGS)
    name = name_from_args(p, "create namespace")
    obj = {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": meta(name, None),
        "spec": {},
        "status": {},
    }
    return submit(ctx, p, obj, key="namespaces", resource="namespace", failure=None)


def _serviceaccount(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    p = parse_flags(argv, PRINT_FLAGS)
    name = name_from_args(p, "create serviceaccount")
    obj = {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": meta(name, p.get("namespace"))}  # type: ignore[arg-type]
    return submit(
        ctx,
        p,
        obj,
        key="serviceaccounts",
        resource="serviceaccount",
        failure="failed to create serviceaccount",
    )


GENERATORS = {
    "deployment": _deployment,
    "deploy": _deployment,
    "service": _service,
    "svc": _service,
    "ingress": _ingress,
    "ing": _ingress,
    "configmap": _configmap,
    "cm": _configmap,
    "secret": _secret,
    "namespace": _namespace,
    "ns": _namespace,
    "serviceaccount": _serviceaccount,
    "sa": _serviceaccount,
}


_VALUE_FLAGS = {
    "-n",
    "--namespace",
    "-o",
    "--output",
    "--context",
    "--tcp",
    "--from-literal",
    "--from-file",
    "--type",
    "--node-port",
    "--clusterip",
    "--external-name",
    "--field-manager",
    "--validate",
    "--template",
    "--from-env-file",
    "--dry-run",
}


def _first_positional(argv: list[str]) -> int | None:
    i = 0
    while i < len(argv):
        if argv[i] == "--":
            return None
        if not argv[i].startswith("-"):
            return i
        i += 2 if argv[i] in _VALUE_FLAGS else 1
    return None


def create_generator(ctx: KubectlContext, argv: list[str]) -> CommandResult | None:
    """`kubectl create <generator> …`, or None when argv names no generator (then `create -f` handles it)."""
    argv = normalise_argv(argv)
    index = _first_positional(argv)
    if index is None or argv[index] not in GENERATORS:
        return None
    # flags given before the generator's name (`kubectl create -n x deployment …`) belong to it as well
    sub = argv[index]
    rest = argv[:index] + argv[index + 1 :]
    if sub in ("service", "svc", "secret"):
        at = _first_positional(rest)
        if at is not None:
            rest = [rest[at], *rest[:at], *rest[at + 1 :]]
    return GENERATORS[sub](ctx, rest)
