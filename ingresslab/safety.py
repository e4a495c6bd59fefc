"""Safe by default: destructive steps run only on local clusters unless the learner explicitly allows them.

A tutorial that deletes namespaces, uninstalls Istio, switches the mesh to REGISTRY_ONLY or disables addons is
harmless on minikube and harmful on a shared cluster. `is_local_context` tells the two apart, `classify_command` spots destructive CLI calls,
and `guard_destructive` refuses them on anything that is not local.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingresslab.errors import IngresslabError
from ingresslab.kube.resources import UnknownResourceType, resolve, resolve_kind

__all__ = [
    "ALLOW_ENV_VAR",
    "LOCAL_CONTEXT_NAMES",
    "LOCAL_CONTEXT_PREFIXES",
    "DestructiveActionRefused",
    "classify_command",
    "destructive_allowed_by_env",
    "guard_destructive",
    "is_local_context",
    "object_key",
    "server_is_loopback",
]

ALLOW_ENV_VAR = "INGRESSLAB_ALLOW_DESTRUCTIVE"

# Context names that local cluster tools create by default.
LOCAL_CONTEXT_NAMES = frozenset(
    {"minikube", "docker-desktop", "docker-for-desktop", "rancher-desktop", "orbstack", "colima"}
)
LOCAL_CONTEXT_PREFIXES = ("kind-", "k3d-")


class DestructiveActionRefused(IngresslabError):
    """A destructive step was asked for on a cluster that is not local, without explicit permission."""

    def __init__(self, action: str, context: str) -> None:
        self.action = action
        self.context = context
        super().__init__(
            f"refusing to {action} on context {context!r}: it does not look like a local cluster "
            f"(minikube, kind-*, k3d-*, docker-desktop, rancher-desktop, orbstack or a loopback server). "
            f"If you really mean it, pass allow_destructive=True or set {ALLOW_ENV_VAR}=1."
        )


def server_is_loopback(server: str | None) -> bool:
    """True when an API server URL (or bare host) points at this machine."""
    if not server:
        return False
    host = urlsplit(server if "://" in server else f"//{server}").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_local_context(name: str | None, server: str | None = None) -> bool:
    """Whether a kube context is a local, disposable cluster (by its name or its server's address)."""
    if name and (name in LOCAL_CONTEXT_NAMES or name.startswith(LOCAL_CONTEXT_PREFIXES)):
        return True
    return server_is_loopback(server)


def destructive_allowed_by_env(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(ALLOW_ENV_VAR, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def guard_destructive(
    action: str,
    context: str,
    *,
    allow: bool = False,
    server: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Return if `action` may run on `context`; raise DestructiveActionRefused otherwise."""
    if allow or destructive_allowed_by_env(environ) or is_local_context(context, server):
        return
    raise DestructiveActionRefused(action, context)


# -- recognising destructive command lines ----------------------------------------------------------

# Global kubectl flags that take a value, so the value is not mistaken for a positional argument.
_KUBECTL_VALUE_FLAGS = frozenset(
    {
        "--context", "--kubeconfig", "--cluster", "--user", "--server", "-s", "--token",
        "-n", "--namespace", "-l", "--selector", "--field-selector", "-o", "--output",
        "--grace-period", "--timeout", "--cascade", "--request-timeout", "--as", "--as-group",
        "-p", "--profile", "-f", "--filename", "-k", "--kustomize",
    }
)  # fmt: skip


def object_key(obj: Mapping[str, Any], namespace: str | None = None) -> str:
    """`deployments.apps/application/dest-svc-v1`: how tutorial-owned objects are named for the guard.

    Cluster-scoped objects use an empty namespace (`namespaces//application`).
    """
    meta = obj.get("metadata") or {}
    kind = str(obj.get("kind", ""))
    try:
        rtype = resolve_kind(str(obj.get("apiVersion", "")), kind)
        type_key, namespaced = rtype.key, rtype.namespaced
    except UnknownResourceType:
        type_key, namespaced = kind.lower(), True
    ns = (meta.get("namespace") or namespace or "default") if namespaced else ""
    return f"{type_key}/{ns}/{meta.get('name', '')}"


def _named_key(type_name: str, name: str, namespace: str) -> str:
    try:
        rtype = resolve(type_name)
        return f"{rtype.key}/{namespace if rtype.namespaced else ''}/{name}"
    except UnknownResourceType:
        return f"{type_name.lower()}/{namespace}/{name}"


def _split_flags(args: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Separate positional arguments from flags (`--flag value`, `--flag=value`, `-n value`, `-nvalue`)."""
    positional: list[str] = []
    flags: dict[str, list[str]] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positional.extend(args[i + 1 :])
            break
        if arg.startswith("--") and "=" in arg:
            name, _, value = arg.partition("=")
            flags.setdefault(name, []).append(value)
        elif arg in _KUBECTL_VALUE_FLAGS:
            flags.setdefault(arg, []).append(args[i + 1] if i + 1 < len(args) else "")
            i += 1
        elif not arg.startswith("--") and len(arg) > 2 and arg[:2] in _KUBECTL_VALUE_FLAGS:
            flags.setdefault(arg[:2], []).append(arg[2:])
        elif arg.startswith("-") and arg != "-":
            flags.setdefault(arg, []).append("")
        else:
            positional.append(arg)
        i += 1
    return positional, flags


def _load_manifest_objects(path: str) -> list[dict[str, Any]]:
    import yaml  # imported here: classifying most commands needs no YAML

    text = Path(path).read_text(encoding="utf-8")
    objects: list[dict[str, Any]] = []
    for doc in yaml.safe_load_all(text):
        if isinstance(doc, dict) and doc.get("kind") == "List":
            objects.extend(item for item in doc.get("items") or [] if isinstance(item, dict))
        elif isinstance(doc, dict):
            objects.append(doc)
    return objects


def _classify_kubectl(
    args: Sequence[str],
    owned: Collection[str],
    load_manifest: Callable[[str], Iterable[Mapping[str, Any]]],
) -> str | None:
    positional, flags = _split_flags(args)
    if not positional or positional[0] != "delete":
        return None
    namespace = (flags.get("-n") or flags.get("--namespace") or ["default"])[-1]
    targets = positional[1:]
    if targets:
        # `kubectl delete ns/application`, `kubectl delete namespace a b`, `kubectl delete svc,ns x`
        first = targets[0]
        types = first.split("/", 1)[0].split(",")
        if any(_is_namespace_type(t) for t in types):
            return f"delete namespace {' '.join(t.split('/', 1)[-1] for t in targets[1:] or targets)}"
    files = (flags.get("-f") or []) + (flags.get("--filename") or [])
    if files:
        for path in files:
            try:
                objects = list(load_manifest(path))
            except (OSError, ValueError) as exc:
                # A file we cannot read might hold anything: treat it as destructive.
                return f"delete the objects in {path} (cannot read it: {exc})"
            for obj in objects:
                key = object_key(obj, namespace)
                if key.startswith("namespaces//"):
                    return f"delete namespace {key.rsplit('/', 1)[-1]} (from {path})"
                if key not in owned:
                    return f"delete {key} from {path}, which this tutorial did not create"
        return None
    if flags.keys() & {"--all", "-A", "--all-namespaces", "-l", "--selector", "--field-selector"}:
        return f"delete by selector: kubectl {shlex.join(args)}"
    if not targets:
        return None
    if "/" in targets[0]:
        pairs = [tuple(t.split("/", 1)) for t in targets]
    else:
        pairs = [(targets[0], name) for name in targets[1:]]
    for type_name, name in pairs:
        for single_type in type_name.split(","):
            key = _named_key(single_type, name, namespace)
            if key not in owned:
                return f"delete {key}, which this tutorial did not create"
    return None


def _is_namespace_type(name: str) -> bool:
    try:
        return resolve(name).kind == "Namespace"
    except UnknownResourceType:
        return False


# `istioctl install` (and its aliases) re-applies the whole control plane: settings that cut off a shared mesh.
_ISTIOCTL_INSTALL = (("install",), ("apply",), ("upgrade",), ("manifest", "install"), ("manifest", "apply"))
_OUTBOUND_MODE_KEYS = (
    "meshconfig.outboundtrafficpolicy.mode",  # istioctl install --set meshConfig.…, IstioOperator spec.meshConfig
    "values.meshconfig.outboundtrafficpolicy.mode",
    "values.global.outboundtrafficpolicy.mode",  # Istio 1.1-1.5
)
_GATEWAY_KEYS = {
    "values.gateways.istio-egressgateway.enabled": "istio-egressgateway",
    "values.gateways.istio-ingressgateway.enabled": "istio-ingressgateway",
}


def _istioctl_settings(args: Sequence[str]) -> tuple[list[str], list[str], bool]:
    """(`--set`/`-s` values in order, `-f`/`--filename` paths, whether `--dry-run` was given) of an istioctl
    install command line (`--set k=v`, `--set=k=v`, `-s k=v`, `-sk=v`, `-s=k=v`)."""
    sets: list[str] = []
    files: list[str] = []
    dry_run = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            break
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg[:2], "", arg[2:])
        if arg.startswith("--") and name in ("--set", "--filename"):
            if not eq:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            (sets if name == "--set" else files).append(value)
        elif arg.startswith("--") and name == "--dry-run":
            dry_run = value.lower() not in ("false", "0")
        elif not arg.startswith("--") and name in ("-s", "-f"):
            if not value:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            (sets if name == "-s" else files).append(value.removeprefix("="))
        i += 1
    return sets, files, dry_run


def _operator_settings(obj: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The settings of an IstioOperator manifest that the guard checks, as (`--set` path, value) pairs."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), Mapping) else {}
    out: list[tuple[str, Any]] = []

    def dig(root: Any, *keys: str) -> Any:
        for key in keys:
            if not isinstance(root, Mapping):
                return None
            root = root.get(key)
        return root

    for prefix in (("meshConfig",), ("values", "meshConfig"), ("values", "global")):
        mode = dig(spec, *prefix, "outboundTrafficPolicy", "mode")
        if mode is not None:
            out.append((".".join((*prefix, "outboundTrafficPolicy", "mode")), mode))
    for gateway in ("istio-egressgateway", "istio-ingressgateway"):
        enabled = dig(spec, "values", "gateways", gateway, "enabled")
        if enabled is not None:
            out.append((f"values.gateways.{gateway}.enabled", enabled))
    for kind in ("egressGateways", "ingressGateways"):
        for n, gateway in enumerate(dig(spec, "components", kind) or []):
            if isinstance(gateway, Mapping) and "enabled" in gateway:
                out.append((f"components.{kind}[{n}].enabled", gateway["enabled"]))
                if gateway.get("name"):
                    out.append((f"components.{kind}[{n}].name", gateway["name"]))
    return out


def _is_false(value: Any) -> bool:
    return value is False or str(value).strip().lower() == "false"


def _classify_istioctl_install(
    args: Sequence[str], load_manifest: Callable[[str], Iterable[Mapping[str, Any]]]
) -> str | None:
    """What an `istioctl install` cuts off: REGISTRY_ONLY blocks every external call of the mesh that has no
    ServiceEntry; disabling a gateway removes the one the mesh runs. Later settings win, `--set` over `-f`."""
    sets, files, dry_run = _istioctl_settings(args)
    if dry_run:
        return None
    settings: dict[str, tuple[str, Any]] = {}  # lower-cased path -> (path as written, value)
    for path in files:
        try:
            objects = list(load_manifest(path))
        except (OSError, ValueError) as exc:
            # like a delete's file: one we cannot read might hold anything
            return f"install Istio from {path} (cannot read it to check its outbound policy: {exc})"
        for obj in objects:
            if obj.get("kind") == "IstioOperator":
                settings.update((key.lower(), (key, value)) for key, value in _operator_settings(obj))
    for item in sets:
        key, _, value = item.partition("=")
        settings[key.strip().lower()] = (key.strip(), value.strip())

    def value_of(key: str) -> Any:
        return settings.get(key, ("", None))[1]

    if any(str(value_of(key)).upper() == "REGISTRY_ONLY" for key in _OUTBOUND_MODE_KEYS):
        return "switch the mesh's outbound policy to REGISTRY_ONLY"
    for key, gateway in _GATEWAY_KEYS.items():
        if _is_false(value_of(key)):
            return f"remove the {gateway} gateway ({settings[key][0]}=false)"
    for key, (written, value) in settings.items():
        if key.startswith("components.") and key.endswith("].enabled") and _is_false(value):
            head = key.removesuffix(".enabled")
            kind, _, index = head.removeprefix("components.").partition("[")
            default = "istio-egressgateway" if kind == "egressgateways" else "istio-ingressgateway"
            name = value_of(f"{head}.name") or (default if index == "0]" else None)
            what = f"the {name} gateway" if name else "a gateway"
            return f"remove {what} ({written}=false)"
    return None


def classify_command(
    argv: Sequence[str],
    owned: Collection[str] = (),
    *,
    load_manifest: Callable[[str], Iterable[Mapping[str, Any]]] = _load_manifest_objects,
) -> str | None:
    """Describe the destructive action a kubectl/istioctl/minikube argv performs, or None if it is safe.

    `owned` holds `object_key`s of objects the tutorial created; deleting those is routine cleanup.
    """
    if not argv:
        return None
    program = Path(argv[0]).name.removesuffix(".exe")
    args = list(argv[1:])
    if program == "kubectl":
        return _classify_kubectl(args, owned, load_manifest)
    positional, flags = _split_flags(args)
    if program == "istioctl":
        # `istioctl uninstall` and the older `istioctl x uninstall` both remove the control plane.
        words = [p for p in positional if p not in {"x", "experimental"}]
        if words[:1] == ["uninstall"]:
            return "uninstall Istio (--purge)" if "--purge" in flags else "uninstall Istio"
        if any(tuple(words[: len(verb)]) == verb for verb in _ISTIOCTL_INSTALL):
            return _classify_istioctl_install(args, load_manifest)
        return None
    if program == "minikube":
        if positional[:2] == ["addons", "disable"]:
            return f"disable the minikube addon {' '.join(positional[2:]) or '(unnamed)'}"
        if positional[:1] == ["delete"]:
            return "delete the minikube cluster"
    return None
