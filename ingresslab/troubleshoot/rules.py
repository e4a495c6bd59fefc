"""The routing rules an expert reads by hand: which controller serves an Ingress, whether a rule's host and path
match a request, and what a Gateway listens for. Pure functions over Kubernetes-shaped dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingresslab import routing
from ingresslab.errors import IngresslabError
from ingresslab.kube.resources import UnknownResourceType
from ingresslab.routing.hosts import host_part
from ingresslab.routing.istio import INGRESS_SELECTOR
from ingresslab.routing.paths import IMPLEMENTATION_SPECIFIC

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
        """ "nginx", "istio", or None when no running controller takes this Ingress (`routing.classes`)."""
        return routing.served_by(
            ingress, self.classes, nginx_running=self.nginx_installed, istio_running=self.istio_installed
        )


def ingress_class(ingress: dict) -> str | None:
    """The class an Ingress names: the field, else the legacy annotation."""
    return routing.class_of(ingress)


def selector_matches(selector: dict[str, str] | None, labels: dict[str, str] | None) -> bool:
    if not selector:
        return False  # a Service without a selector gets no automatic endpoints
    labels = labels or {}
    return all(labels.get(k) == v for k, v in selector.items())


def host_matches(rule_host: str | None, host: str, controller: str = "nginx") -> bool:
    """Ingress host rules: empty = any; `*.example.com` covers one more label (ingress-nginx), any (Istio)."""
    return routing.rule_host_matches(rule_host, host, controller)


def gateway_host_matches(gateway_host: str, host: str) -> bool:
    """Istio Gateway hosts: optional `namespace/` prefix; `*` any; `*.x` any name ending in `.x`."""
    return routing.domain_matches(
        host_part(gateway_host), routing.normalize_host(host, strip_trailing_dot=True)
    )


def path_matches(path_type: str | None, rule_path: str, path: str, controller: str = "nginx") -> bool:
    """One Ingress path against a request path, as `controller` reads the path type (`routing.paths`)."""
    return routing.path_matches(path_type or IMPLEMENTATION_SPECIFIC, rule_path, path, controller=controller)


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


def match_ingresses(
    ingresses: list[dict], host: str, path: str, controller: str = "nginx"
) -> IngressMatch | None:
    """The Ingress path `controller` routes the request to — the very route the data plane takes.

    The Ingresses are laid out in the shared route model (`ingresslab.routing`): ingress-nginx's servers and
    locations, or Istio's converted VirtualServices on the ingress gateway; None when no Ingress rule takes it
    (the default backend, or Envoy's NR).
    """
    if controller == routing.ISTIO:
        conversion = routing.convert_with_sources(ingresses, {})
        listeners = routing.gateway_listeners(
            conversion.gateways, conversion.virtual_services, INGRESS_SELECTOR, None, {}, conversion.sources
        )
        configs = [listener.route_config for listener in listeners]
    else:
        configs = [routing.nginx_route_config(ingresses)]
    for config in configs:
        found = routing.ingress_path(routing.select(config, host, path).route, ingresses)
        if found is not None:
            return IngressMatch(found.ingress, found.rule_host, found.path)
    return None
