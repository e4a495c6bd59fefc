"""From a route back to the Ingress rule behind it, and the Ingresses each controller serves."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ingresslab.routing.classes import ISTIO, NGINX, istio_serves, nginx_class
from ingresslab.routing.hosts import domain_matches, ingress_host_matches, normalize_host
from ingresslab.routing.model import Route

__all__ = ["IngressPath", "ingress_path", "rule_host_matches", "served_ingresses"]


@dataclass(frozen=True, slots=True)
class IngressPath:
    """One `spec.rules[i].http.paths[j]` entry of an Ingress, with its rule's host."""

    ingress: dict
    rule_host: str | None
    path: dict

    @property
    def service(self) -> str | None:
        return ((self.path.get("backend") or {}).get("service") or {}).get("name")


def ingress_path(route: Route | None, ingresses: Iterable[dict]) -> IngressPath | None:
    """The Ingress path a route was generated from (None for default-backend and VirtualService routes)."""
    src = route.source if route is not None else None
    if src is None or src.kind != "Ingress" or src.rule is None or src.path is None:
        return None
    for ing in ingresses:
        meta = ing["metadata"]
        if meta["name"] == src.name and (meta.get("namespace") or "default") == src.namespace:
            rule = ((ing.get("spec") or {}).get("rules") or [])[src.rule]
            return IngressPath(ing, rule.get("host"), rule["http"]["paths"][src.path])
    return None


def served_ingresses(controller: str, ingresses: Iterable[dict], classes: Iterable[dict]) -> list[dict]:
    """The Ingresses `controller` ("nginx" or "istio") picks up, in the order given."""
    classes = list(classes)
    if controller == NGINX:
        return [i for i in ingresses if nginx_class(i, classes).served]
    return [i for i in ingresses if istio_serves(i, classes)]


def rule_host_matches(rule_host: str | None, host: str, controller: str = NGINX) -> bool:
    """Whether an Ingress rule's host covers a request host as `controller` reads it.

    ingress-nginx keeps the Ingress meaning (`*.x` is one label); Istio turns the host into a VirtualService
    host, which Envoy matches as a domain (`*.x` is any name ending in `.x`; no host is `*`).
    """
    if controller == ISTIO:
        return domain_matches(rule_host or "*", normalize_host(host))
    return ingress_host_matches(rule_host, host)
