"""ingress-nginx's routing for the sandbox's data plane: a thin view of `ingresslab.routing`.

Which Ingresses the controller serves is `routing.classes.nginx_class`; its servers and locations are
`routing.nginx.nginx_route_config`, in the shared route model. This module keeps the server/location
vocabulary the controller's own logs and tests speak (`route()` → the server and location a request hits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ingresslab.routing.classes import NGINX_CONTROLLER, defaulted_class, nginx_class
from ingresslab.routing.hosts import ingress_host_matches
from ingresslab.routing.model import Route, RouteConfiguration, Upstream, VirtualHost, select
from ingresslab.routing.nginx import CATCH_ALL, nginx_route_config
from ingresslab.routing.paths import path_matches as _path_matches

__all__ = [
    "NGINX_CONTROLLER",
    "Location",
    "Match",
    "build_servers",
    "host_matches",
    "nginx_serves",
    "path_matches",
    "route",
]


def host_matches(pattern: str, host: str) -> bool:
    """Whether an Ingress host (maybe `*.suffix`) matches a request host (port ignored, any case)."""
    return ingress_host_matches(pattern, host)


def path_matches(path_type: str, rule_path: str, path: str) -> bool:
    """Whether one Ingress path (type Exact/Prefix/ImplementationSpecific) matches a request path."""
    return _path_matches(path_type, rule_path, path, controller="nginx")


def nginx_serves(ingress: dict, classes: list[dict], *, watch_without_class: bool = False) -> bool:
    """Whether the controller (class `nginx`) takes an Ingress as the API server would admit it now.

    The default IngressClass fills in a missing class first, as the DefaultIngressClass admission does.
    """
    name = defaulted_class(ingress, classes)
    if name is not None:
        ingress = {**ingress, "spec": {**(ingress.get("spec") or {}), "ingressClassName": name}}
    return nginx_class(ingress, classes, watch_without_class=watch_without_class).served


@dataclass(frozen=True, slots=True)
class Location:
    """One nginx `location`: the Ingress path's Service port and the upstream it proxies to."""

    upstream: str
    namespace: str
    service: str
    port: dict
    ingress: str

    @classmethod
    def of(cls, route: Route) -> Location:
        up = route.destinations[0].cluster
        assert isinstance(up, Upstream)
        return cls(up.name, up.namespace, up.service, up.port, route.source.name if route.source else "")


@dataclass(frozen=True, slots=True)
class Match:
    server: VirtualHost
    location: Location | None  # None: the default backend answers


def build_servers(ingresses: Iterable[dict]) -> RouteConfiguration:
    """Servers as the controller generates them from the Ingresses it serves (oldest Ingress first)."""
    return nginx_route_config(ingresses)


def route(config: RouteConfiguration, host: str, path: str) -> Match | None:
    """The location a request lands in; None when only the catch-all server's default backend takes it."""
    chosen = select(config, host, path)
    server, hit = chosen.virtual_host, chosen.route
    if server is None or (server.name == CATCH_ALL and len(server.routes) == 1):
        return None
    if hit is None or hit.default_backend is not None:
        return Match(server, None)
    return Match(server, Location.of(hit))
