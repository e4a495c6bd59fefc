"""The routing rules an expert reads by hand: which controller serves an Ingress, whether a rule's host and path
match a request, and what a Gateway listens for. Pure functions over Kubernetes-shaped dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingresslab.errors import IngresslabError
from ingresslab.kube.resources import UnknownResourceType

__all__ = [
    "Cluster",
    "IngressMatch",
    "gateway_host_matches",
    "host_matches",
    "ingress_class",
    "match_ingresses",
    "path_matches",
    "selector_matches",
]

NGINX_CONTROLLER = "k8s.io/ingress-nginx"
ISTIO_CONTROLLER = "istio.io/ingress-controller"


def _list(backend: Any, kind: str, namespace: str | None = "*", **kw: Any) -> list[dict]:
    """A list that is empty when the kind is not served (no Istio CRDs) instead of an error."""
    try:
        return backend.list(kind, namespace, **kw)
    except (IngresslabError, UnknownResourceType, KeyError, ValueError):
        return []


@dataclass
class Cluster:
    """The objects a diagnosis reads, fetched once through the Backend API (any backend)."""

    ingresses: list[dict] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    endpoints: list[dict] = field(default_factory=list)
    pods: list[dict] = field(default_factory=list)
    deployments: list[dict] = field(default_factory=list)
    namespaces: list[dict] = field(default_factory=list)
    gateways: list[dict] = field(default_factory=list)
    virtualservices: list[dict] = field(default_factory=list)

    @classmethod
    def read(cls, backend: Any) -> Cluster:
        return cls(
            ingresses=_list(backend, "ingresses"),
            classes=_list(backend, "ingressclasses", None),
            services=_list(backend, "services"),
            endpoints=_list(backend, "endpoints"),
            pods=_list(backend, "pods"),
            deployments=_list(backend, "deployments"),
            namespaces=_list(backend, "namespaces", None),
            gateways=_list(backend, "gateways.networking.istio.io"),
            virtualservices=_list(backend, "virtualservices.networking.istio.io"),
        )

    # -- what runs -------------------------------------------------------------------------------
    def runs(self, via: str) -> bool:
        """Whether a pod of the front end `via` exists (recognised by its entry point's selector)."""
        from ingresslab.entrypoints import default_entry_points  # the records point back at troubleshoot/

        entry = default_entry_points().get(via)
        return any(entry.recognises(p) for p in self.pods)

    @property
    def nginx_installed(self) -> bool:
        return self.runs("nginx")

    @property
    def istio_installed(self) -> bool:
        return self.runs("istio")

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None:
        items: list[dict] = getattr(self, kind)
        return next(
            (
                o
                for o in items
                if o["metadata"]["name"] == name
                and (namespace is None or o["metadata"].get("namespace") == namespace)
            ),
            None,
        )

    def namespace_labels(self, name: str | None) -> dict[str, str]:
        ns = self.get("namespaces", None, name or "")
        return dict((ns or {}).get("metadata", {}).get("labels") or {})

    # -- Ingress classes ---------------------------------------------------------------------------
    def served_by(self, ingress: dict) -> str | None:
        """ "nginx", "istio", or None when no running controller takes this Ingress."""
        name = ingress_class(ingress)
        controller = None
        if name is None:
            default = next(
                (
                    c
                    for c in self.classes
                    if (c["metadata"].get("annotations") or {}).get(
                        "ingressclass.kubernetes.io/is-default-class"
                    )
                    == "true"
                ),
                None,
            )
            controller = (default or {}).get("spec", {}).get("controller")
        else:
            obj = self.get("classes", None, name)
            if obj is not None:
                controller = obj.get("spec", {}).get("controller")
            elif name in ("nginx", "istio"):  # the annotation form works without an IngressClass object
                controller = NGINX_CONTROLLER if name == "nginx" else ISTIO_CONTROLLER
        if controller == NGINX_CONTROLLER and self.nginx_installed:
            return "nginx"
        if controller == ISTIO_CONTROLLER and self.istio_installed:
            return "istio"
        return None


def ingress_class(ingress: dict) -> str | None:
    annotations = ingress["metadata"].get("annotations") or {}
    return ingress.get("spec", {}).get("ingressClassName") or annotations.get("kubernetes.io/ingress.class")


def selector_matches(selector: dict[str, str] | None, labels: dict[str, str] | None) -> bool:
    if not selector:
        return False  # a Service without a selector gets no automatic endpoints
    labels = labels or {}
    return all(labels.get(k) == v for k, v in selector.items())


def host_matches(rule_host: str | None, host: str) -> bool:
    """Ingress host rules: empty = any; `*.example.com` covers exactly one more label."""
    host = host.split(":")[0].lower().rstrip(".")
    if not rule_host or rule_host == "*":
        return True
    rule_host = rule_host.lower()
    if rule_host.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == rule_host[2:]
    return rule_host == host


def gateway_host_matches(gateway_host: str, host: str) -> bool:
    """Istio Gateway hosts: optional `namespace/` prefix; `*` any; `*.x` any name ending in `.x`."""
    entry = gateway_host.rpartition("/")[2].lower()
    host = host.split(":")[0].lower().rstrip(".")
    if entry == "*":
        return True
    if entry.startswith("*."):
        return host.endswith(entry[1:])
    return entry == host


def path_matches(path_type: str | None, rule_path: str, path: str) -> bool:
    """networking.k8s.io/v1: Exact = the whole path; Prefix = whole `/`-separated elements."""
    path = path.split("?")[0]
    if (path_type or "Prefix") == "Exact":
        return path == rule_path
    want = [p for p in rule_path.split("/") if p]
    have = [p for p in path.split("/") if p]
    return have[: len(want)] == want


@dataclass(slots=True)
class IngressMatch:
    ingress: dict
    rule_host: str | None
    path: dict  # the `paths[]` entry

    @property
    def service(self) -> str | None:
        return self.path.get("backend", {}).get("service", {}).get("name")

    def describe(self) -> str:
        meta = self.ingress["metadata"]
        return (
            f"Ingress {meta.get('namespace')}/{meta['name']}: host {self.rule_host or '*'} "
            f"path {self.path.get('path', '/')} ({self.path.get('pathType', 'Prefix')}) → {self.service}"
        )


def rule_paths(ingress: dict) -> list[IngressMatch]:
    out = []
    for rule in ingress.get("spec", {}).get("rules") or []:
        for p in (rule.get("http") or {}).get("paths") or []:
            out.append(IngressMatch(ingress, rule.get("host"), p))
    return out


def match_ingresses(ingresses: list[dict], host: str, path: str) -> IngressMatch | None:
    """The rule a controller would pick: host first, then the longest path, Exact before Prefix."""
    found = [
        m
        for ing in ingresses
        for m in rule_paths(ing)
        if host_matches(m.rule_host, host)
        and path_matches(m.path.get("pathType"), m.path.get("path", "/"), path)
    ]
    if not found:
        return None
    return max(found, key=lambda m: (len(m.path.get("path", "/")), m.path.get("pathType") == "Exact"))
