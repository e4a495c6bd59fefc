"""Istio as `istioctl install --set profile=demo -y` installs it, and its sidecar injection.

    install(cluster, "demo")   # -> the components installed, in order ("Base", "Pilot", ...)
    uninstall(cluster)         # `--purge`: -> the `Kind:namespace:name` of every object removed
    installed(cluster)         # cluster.state.extra["istio"] or None
    proxies(cluster)           # pods running an Envoy that istiod serves (gateways and sidecars)

Injection follows the real webhook: a pod created in a namespace labelled `istio-injection=enabled` (or
`istio.io/rev=default`), or a pod labelled `sidecar.istio.io/inject=true`, gets `istio-init` and `istio-proxy`
while Istio is installed — unless it opts out with `sidecar.istio.io/inject: "false"` (label or annotation).
Pods that existed before the label keep their single container until they are recreated, as on a real cluster.
After `uninstall`, injected pods keep their sidecars until restarted; with no istiod those proxies are no
longer counted or configured (the data plane treats them as disconnected).
"""

from __future__ import annotations

import json

from ingresslab.backends.sandbox.addons.common import ensure
from ingresslab.backends.sandbox.addons.istio_manifests import (
    COMPONENTS,
    ISTIO_NAMESPACE,
    ISTIO_VERSION,
    PROFILES,
    PROXY_IMAGE,
    component_objects,
)
from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.kube.resources import ResourceType, resolve

__all__ = [
    "COMPONENTS",
    "ISTIO_NAMESPACE",
    "ISTIO_VERSION",
    "PROFILES",
    "control_plane_running",
    "gateway_pod",
    "inject_sidecar",
    "install",
    "installed",
    "proxies",
    "uninstall",
    "wants_injection",
]

_POD = resolve("pods")
_NAMESPACE = resolve("namespaces")
_COMPONENT_LABEL = "operator.istio.io/component"
# The order `istioctl uninstall --purge` lists and deletes kinds in (prune.go), restricted to served kinds.
_PRUNE_ORDER = (
    "deployments.apps",
    "daemonsets.apps",
    "services",
    "configmaps",
    "pods",
    "secrets",
    "serviceaccounts",
    "validatingwebhookconfigurations.admissionregistration.k8s.io",
    "customresourcedefinitions.apiextensions.k8s.io",
)
_VOLUMES = (
    "workload-socket",
    "credential-socket",
    "workload-certs",
    "istio-envoy",
    "istio-data",
    "istio-podinfo",
    "istio-token",
    "istiod-ca-cert",
)


def installed(cluster: Cluster) -> dict | None:
    """The install record (`{"revision", "version", "profile"}`) while Istio is installed, else None."""
    return cluster.state.extra.get("istio") or None


def install(cluster: Cluster, profile: str = "demo", mesh: dict | None = None) -> list[str]:
    """Create a profile's objects (idempotent); returns the components in the order they were installed.

    `mesh` holds `meshConfig.*` values given with `--set` (key without the prefix, e.g.
    `outboundTrafficPolicy.mode`). A re-install applies the mesh config again, so the `istio` ConfigMap
    shows exactly the flags of the last install (sidecars pick the change up within seconds).
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown Istio profile {profile!r} (known: {', '.join(sorted(PROFILES))})")
    if cluster.store.get(_NAMESPACE, ISTIO_NAMESPACE) is None:
        cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ISTIO_NAMESPACE}})
    components, _ = PROFILES[profile]
    # The record goes in first: the gateways' pods are created below and must see the mesh as installed.
    cluster.state.extra["istio"] = {"revision": "default", "version": ISTIO_VERSION, "profile": profile}
    for component in components:
        for obj in component_objects(component, profile, mesh):
            found = ensure(cluster, obj)
            if obj["kind"] == "ConfigMap" and found.get("data") != obj.get("data"):
                cluster.update({**found, "data": obj["data"]})
        cluster.store.advance(round(cluster.store.rng.uniform(1.5, 4.0), 3))
    return list(components)


def _prunable(cluster: Cluster) -> list[tuple[ResourceType, dict]]:
    found = []
    for key in _PRUNE_ORDER:
        rtype = cluster.store.kinds.resolve(key)
        for obj in cluster.store.list(rtype):
            if _COMPONENT_LABEL in (obj["metadata"].get("labels") or {}):
                found.append((rtype, obj))
    return found


def _hash(rtype: ResourceType, obj: dict) -> str:
    return f"{rtype.kind}:{obj['metadata'].get('namespace', '')}:{obj['metadata']['name']}"


def uninstall(cluster: Cluster) -> list[str]:
    """`istioctl uninstall --purge`: every object the operator labelled, CRDs last, and with the CRDs every
    Gateway, VirtualService, DestinationRule and ServiceEntry (the API server drops a CRD's objects).
    The istio-system namespace stays, as it does on a real cluster."""
    # Listed first, deleted after, like istioctl: pods still show up although their Deployment goes first.
    listed = _prunable(cluster)
    removed = []
    for rtype, obj in listed:
        meta = obj["metadata"]
        cluster.delete(rtype, meta["name"], meta.get("namespace"))  # a CRD takes its objects with it
        removed.append(_hash(rtype, obj))
    cluster.state.extra.pop("istio", None)
    return removed


def _has_proxy(pod: dict) -> bool:
    return any(c.get("name") == "istio-proxy" for c in (pod.get("spec") or {}).get("containers") or [])


def proxies(cluster: Cluster) -> list[dict]:
    """Running pods whose Envoy is connected to istiod (none once Istio is uninstalled)."""
    if not installed(cluster):
        return []
    return [
        pod
        for pod in cluster.store.list(_POD)
        if _has_proxy(pod) and pod.get("status", {}).get("phase") == "Running"
    ]


def control_plane_running(cluster: Cluster) -> bool:
    """Whether an istiod pod is Running (what `istioctl version` asks the cluster)."""
    pods = cluster.store.with_label(_POD, ISTIO_NAMESPACE, "app", "istiod")
    return any(p.get("status", {}).get("phase") == "Running" for p in pods)


def gateway_pod(cluster: Cluster) -> dict | None:
    """The ingress gateway's pod (first pod labelled istio=ingressgateway in istio-system)."""
    pods = cluster.store.with_label(_POD, ISTIO_NAMESPACE, "istio", "ingressgateway")
    return min(pods, key=lambda p: p["metadata"]["name"]) if pods else None


# -- sidecar injection ------------------------------------------------------------------------------
def wants_injection(cluster: Cluster, pod: dict) -> bool:
    """Whether the injection webhook would mutate this new pod."""
    if not installed(cluster) or _has_proxy(pod):
        return False
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    if spec.get("hostNetwork"):
        return False
    labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
    if "false" in (labels.get("sidecar.istio.io/inject"), annotations.get("sidecar.istio.io/inject")):
        return False
    namespace = meta.get("namespace") or "default"
    if namespace in ("kube-system", "kube-public"):
        return False
    ns = cluster.store.get(_NAMESPACE, namespace)
    ns_labels = (ns or {}).get("metadata", {}).get("labels") or {}
    mode = ns_labels.get("istio-injection")
    if mode == "disabled":
        return False
    if mode == "enabled" or ns_labels.get("istio.io/rev") == "default":
        return True
    return labels.get("sidecar.istio.io/inject") == "true"


def _owner_name(pod: dict) -> str:
    """The workload name istio derives for canonical-name when no app label exists."""
    meta = pod["metadata"]
    for ref in meta.get("ownerReferences") or ():
        if ref.get("kind") == "ReplicaSet":
            return ref["name"].rsplit("-", 1)[0]
        return ref.get("name", meta.get("name", ""))
    return meta.get("name", "")


def inject_sidecar(pod: dict) -> None:
    """What istiod's injection template does to a pod (labels, annotations, init container, sidecar)."""
    meta = pod.setdefault("metadata", {})
    spec = pod.setdefault("spec", {})
    labels = meta.setdefault("labels", {})
    annotations = meta.setdefault("annotations", {})
    app_containers = [c["name"] for c in spec.get("containers") or []]
    labels["security.istio.io/tlsMode"] = "istio"
    labels.setdefault(
        "service.istio.io/canonical-name",
        labels.get("app.kubernetes.io/name") or labels.get("app") or _owner_name(pod),
    )
    labels.setdefault(
        "service.istio.io/canonical-revision",
        labels.get("app.kubernetes.io/version") or labels.get("version") or "latest",
    )
    if app_containers:
        annotations.setdefault("kubectl.kubernetes.io/default-container", app_containers[0])
        annotations.setdefault("kubectl.kubernetes.io/default-logs-container", app_containers[0])
    annotations["istio.io/rev"] = "default"
    annotations.setdefault("prometheus.io/path", "/stats/prometheus")
    annotations.setdefault("prometheus.io/port", "15020")
    annotations.setdefault("prometheus.io/scrape", "true")
    annotations["sidecar.istio.io/status"] = json.dumps(
        {
            "initContainers": ["istio-init"],
            "containers": ["istio-proxy"],
            "volumes": list(_VOLUMES),
            "imagePullSecrets": None,
            "revision": "default",
        },
        separators=(",", ":"),
    )
    spec.setdefault("initContainers", []).insert(
        0,
        {
            "name": "istio-init",
            "image": PROXY_IMAGE,
            "args": [
                "istio-iptables",
                "-p",
                "15001",
                "-z",
                "15006",
                "-u",
                "1337",
                "-m",
                "REDIRECT",
                "-i",
                "*",
                "-x",
                "",
                "-b",
                "*",
                "-d",
                "15090,15021,15020",
                "--log_output_level=default:info",
            ],
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "capabilities": {"add": ["NET_ADMIN", "NET_RAW"], "drop": ["ALL"]},
                "privileged": False,
                "readOnlyRootFilesystem": False,
                "runAsGroup": 0,
                "runAsNonRoot": False,
                "runAsUser": 0,
            },
        },
    )
    spec.setdefault("containers", []).append(
        {
            "name": "istio-proxy",
            "image": PROXY_IMAGE,
            "args": [
                "proxy",
                "sidecar",
                "--domain",
                "$(POD_NAMESPACE).svc.cluster.local",
                "--proxyLogLevel=warning",
                "--proxyComponentLogLevel=misc:error",
                "--log_output_level=default:info",
            ],
            "ports": [{"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"}],
            "readinessProbe": {
                "failureThreshold": 4,
                "httpGet": {"path": "/healthz/ready", "port": 15021, "scheme": "HTTP"},
                "periodSeconds": 15,
                "timeoutSeconds": 3,
            },
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
                "privileged": False,
                "readOnlyRootFilesystem": True,
                "runAsGroup": 1337,
                "runAsNonRoot": True,
                "runAsUser": 1337,
            },
        }
    )
    volumes = spec.setdefault("volumes", [])
    volumes.extend({"name": name, "emptyDir": {}} for name in _VOLUMES)


def sidecar_injector(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    """The `sidecar-injector.istio.io` mutating webhook: only on pod creation, never on update."""
    if rtype.kind != "Pod" or old is not None:
        return
    if wants_injection(cluster, obj):
        inject_sidecar(obj)
