"""`istioctl proxy-config` (alias `pc`) against the sandbox: find the pod, take its Envoy's generated
config, and print it with `ingresslab.proxyconfig` — the renderer that also reads live proxies' dumps.

    istioctl proxy-config cluster|listener|route|endpoint|secret|all|bootstrap POD[.NS] [-n NS]
        [-o short|json|yaml] [--fqdn --port --subset --direction] [--address --type] [--name]
        [--cluster --status] [--verbose=false]

Errors read as istioctl 1.23's (it port-forwards to the pod's admin port 15000, so a missing pod or a pod
without a sidecar fails inside that port-forward), followed by a `hint:` line saying what to do.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ingresslab.backends.sandbox.addons import istio
from ingresslab.backends.sandbox.envoyconfig.dump import clusters_status, config_dump, is_proxy
from ingresslab.commands.result import CommandResult
from ingresslab.proxyconfig import ProxyConfigError, load_clusters, render
from ingresslab.proxyconfig.istioctl_args import (
    USAGE,
    ProxyConfigArgsError,
    admin_path,
    parse_proxy_config_args,
)

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.backend import SandboxBackend

__all__ = ["proxy_config"]


def _error(message: str, hint: str = "") -> CommandResult:
    return CommandResult("", f"Error: {message}\n" + (f"hint: {hint}\n" if hint else ""), 1)


def _forward_failure(kind: str, name: str, namespace: str, cause: str) -> str:
    if kind == "endpoint":
        return f"failed to execute command on Envoy: {cause}"
    return f"failed to execute command on {name}.{namespace} sidecar: {cause}"


def _local_port(name: str) -> int:
    """The local port a port-forward would have picked (stable per pod, like a reused ephemeral port)."""
    return 32768 + int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % (60999 - 32768)


def _resolve_pod(cluster, target: str, namespace: str) -> tuple[dict | None, str, str, str | None]:
    """(pod or None, pod name, namespace, error) for `[<type>/]<name>[.<namespace>]`."""
    kind, slash, rest = target.partition("/")
    if not slash:
        kind, rest = "pod", target
    name, dot, ns = rest.rpartition(".")
    if not dot:
        name, ns = rest, namespace
    kind = kind.lower()
    if kind in ("pod", "pods", "po"):
        return cluster.get("pods", name, ns), name, ns, None
    if kind in ("deployment", "deployments", "deploy"):
        deployment = cluster.get("deployments", name, ns)
        if deployment is None:
            return (
                None,
                name,
                ns,
                f'failed retrieving: deployments.apps "{name}" not found in the "{ns}" namespace',
            )
        selector = ((deployment.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        pods = sorted(
            (
                p
                for p in cluster.list("pods", ns)
                if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in selector.items())
            ),
            key=lambda p: p["metadata"]["name"],
        )
        if not pods:
            return None, name, ns, f'no pods found for deployment "{name}" in namespace "{ns}"'
        return pods[0], pods[0]["metadata"]["name"], ns, None
    return (
        None,
        name,
        ns,
        f'can not find the pod for resource type "{kind}": use pod/<name> or deployment/<name>',
    )


def proxy_config(backend: SandboxBackend, argv: list[str]) -> CommandResult:
    """Run `istioctl proxy-config ...` (argv with or without the leading `istioctl proxy-config`)."""
    try:
        request = parse_proxy_config_args(argv)
    except ProxyConfigArgsError as exc:
        return _error(exc.message, exc.hint)
    if request is None:
        return CommandResult(USAGE)
    if request.file:
        return _error(
            "--file reads a saved dump from disk, which the sandbox does not have",
            "name a pod instead, or use `ingresslab proxy-config --file DUMP.json` on your machine",
        )
    kind, output, filters = request.kind, request.output, request.filters
    with backend.transaction(write=False, tick=False) as cluster:
        namespace = request.namespace or backend.current_namespace()
        pod, name, namespace, problem = _resolve_pod(cluster, str(request.target), namespace)
        if problem:
            return _error(problem)
        port = _local_port(f"{namespace}/{name}")
        if pod is None:
            cause = (
                "failure running port forward process: failure running port forward process: "
                f'error upgrading connection: pods "{name}" not found'
            )
            return _error(
                _forward_failure(kind, name, namespace, cause),
                f'no pod "{name}" in namespace "{namespace}"; list them with `kubectl get pods -n {namespace}` '
                "(istioctl takes a pod name, or deployment/<name>)",
            )
        if not is_proxy(pod):
            cause = f'failure running port forward process: Get "http://localhost:{port}/{admin_path(kind, output)}": EOF'
            if not istio.installed(cluster):
                hint = "Istio is not installed, so no pod runs an Envoy to ask: run `istioctl install --set profile=demo -y`"
            elif namespace in ("kube-system", "kube-public") or (pod.get("spec") or {}).get("hostNetwork"):
                hint = f"pod {name} has no istio-proxy container: Istio never injects kube-system or host-network pods"
            else:
                hint = (
                    f"pod {name} has no istio-proxy container, so nothing answers on Envoy's admin port 15000: "
                    f"it is not part of the mesh. Label the namespace (`kubectl label namespace {namespace} "
                    "istio-injection=enabled`) and recreate the pod"
                )
            return _error(_forward_failure(kind, name, namespace, cause), hint)
        now = datetime.fromtimestamp(cluster.store.now, tz=timezone.utc)
        if kind == "endpoint":
            data = load_clusters(json.dumps(clusters_status(cluster, pod)), source=f"{name}.{namespace}")
        else:
            data = config_dump(cluster, pod, include_eds=kind == "all" and output == "short")
    try:
        text = render(
            data,
            kind,
            output=output,
            verbose=request.verbose,
            now=now,
            **filters,
        )
    except ProxyConfigError as exc:
        return _error(str(exc))
    return CommandResult(text)
