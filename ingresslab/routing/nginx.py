"""ingress-nginx's routing, expressed in the route model: `server` blocks → virtual hosts, `location`s → routes.

How the controller (v1.11) lays out nginx.conf from the Ingresses it serves, oldest Ingress first:
- one `server` per host (lowercased); rules without a host go to the catch-all server `_`, which also answers
  every Host no other server takes. An exact `server_name` beats the wildcard one, and a wildcard
  `*.example.com` is the regex `~^(?<subdomain>[\\w-]+)\\.example\\.com$` (one label). nginx drops a trailing
  dot from the Host and ignores its port.
- one `location` per Ingress path (see `paths.nginx_route_match`); when two Ingresses define the same host,
  path and type, the first keeps it. nginx picks the longest path, Exact before Prefix at equal length —
  here: routes sorted that way, first match wins.
- a request no location takes goes to the controller's default backend (`upstream-default-backend`, 404).
"""

from __future__ import annotations

from collections.abc import Iterable

from ingresslab.routing.hosts import LABEL_WILDCARD
from ingresslab.routing.model import (
    DefaultBackend,
    Destination,
    Route,
    RouteConfiguration,
    RouteMatch,
    Source,
    Upstream,
    VirtualHost,
)
from ingresslab.routing.paths import EXACT, IMPLEMENTATION_SPECIFIC, nginx_route_match

__all__ = ["CATCH_ALL", "by_creation", "nginx_route_config", "upstream_of"]

CATCH_ALL = "_"
_DEFAULT_ROUTE = Route(
    RouteMatch("prefix", "/"), default_backend=DefaultBackend(), source=Source("default-backend", "default")
)


def by_creation(ingresses: Iterable[dict]) -> list[dict]:
    """Ingresses oldest first (then namespace, name), the order the controller builds its config in."""
    return sorted(
        ingresses,
        key=lambda i: (
            i["metadata"].get("creationTimestamp") or "",
            i["metadata"].get("namespace") or "",
            i["metadata"]["name"],
        ),
    )


def upstream_of(namespace: str, service: dict) -> Upstream:
    """The upstream an Ingress backend `service: {name, port: {name|number}}` becomes."""
    port = service.get("port") or {}
    number = port.get("number")
    return Upstream(namespace, service["name"], port.get("name") or "", int(number) if number else None)


def _rank(path: str, path_type: str) -> tuple[int, int]:
    return (len(path.rstrip("/") or "/"), 1 if path_type == EXACT else 0)


def nginx_route_config(ingresses: Iterable[dict], name: str = "nginx") -> RouteConfiguration:
    """The servers and locations ingress-nginx generates for the Ingresses it serves."""
    servers: dict[str, list[tuple[tuple[int, int], str, str, Route]]] = {}
    for ing in by_creation(ingresses):
        ns, ing_name = ing["metadata"].get("namespace") or "default", ing["metadata"]["name"]
        for i, rule in enumerate((ing.get("spec") or {}).get("rules") or []):
            locations = servers.setdefault((rule.get("host") or CATCH_ALL).lower(), [])
            for j, p in enumerate((rule.get("http") or {}).get("paths") or []):
                service = (p.get("backend") or {}).get("service")
                if not service:
                    continue
                path, path_type = p.get("path") or "/", p.get("pathType") or IMPLEMENTATION_SPECIFIC
                if any(x[1] == path and x[2] == path_type for x in locations):
                    continue  # the first Ingress to claim a host+path keeps it
                route = Route(
                    nginx_route_match(path_type, path),
                    (Destination(upstream_of(ns, service)),),
                    source=Source("Ingress", ing_name, ns, i, j),
                )
                locations.append((_rank(path, path_type), path, path_type, route))
    servers.setdefault(CATCH_ALL, [])
    vhosts = []
    for host, locations in servers.items():
        ordered = sorted(locations, key=lambda x: x[0], reverse=True)  # stable: older Ingress first on ties
        routes = (*(x[3] for x in ordered), _DEFAULT_ROUTE)
        vhosts.append(VirtualHost(host, (host,), routes))
    return RouteConfiguration(name, tuple(vhosts), wildcard=LABEL_WILDCARD, strip_trailing_dot=True)
