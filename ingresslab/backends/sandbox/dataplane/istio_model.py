"""Istio's routing for the sandbox's data plane and proxy-config generator: a thin view of `ingresslab.routing`.

The conversion, gateway configuration and route model live in `ingresslab.routing` (`istio`, `model`,
`names`); this module keeps the names the data plane and envoyconfig use, and the one lookup that is about a
gateway proxy rather than about routing: `select_route` on a route configuration.
"""

from __future__ import annotations

from ingresslab.routing.classes import ISTIO_CONTROLLER, istio_serves
from ingresslab.routing.hosts import domain_matches
from ingresslab.routing.istio import AUTOGEN, convert_ingresses, gateway_listeners
from ingresslab.routing.model import (
    ClusterKey,
    Destination,
    Listener,
    Route,
    RouteConfiguration,
    RouteMatch,
    VirtualHost,
    select,
)
from ingresslab.routing.names import INGRESS_NAMESPACE, inbound_cluster, resolve_host, service_fqdn

__all__ = [
    "AUTOGEN",
    "INGRESS_NAMESPACE",
    "ISTIO_CONTROLLER",
    "ClusterKey",
    "Destination",
    "Listener",
    "Route",
    "RouteConfig",
    "RouteMatch",
    "VirtualHost",
    "convert_ingresses",
    "domain_matches",
    "gateway_listeners",
    "inbound_cluster",
    "istio_serves",
    "resolve_host",
    "select_route",
    "service_fqdn",
]

RouteConfig = RouteConfiguration


def select_route(
    config: RouteConfiguration, host: str, path: str, headers: dict[str, str] | None = None
) -> tuple[VirtualHost | None, Route | None]:
    """The virtual host and first matching route for a request (port in the Host ignored)."""
    chosen = select(config, host, path, headers)
    return chosen.virtual_host, chosen.route
