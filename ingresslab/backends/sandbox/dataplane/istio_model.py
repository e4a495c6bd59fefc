"""Istio's routing, as the sandbox's earlier modules named it: a thin view of `ingresslab.routing`.

The conversion, gateway configuration and route model live in `ingresslab.routing` (`istio`, `model`,
`hosts`); the data plane and envoyconfig import them from there. `select_route` keeps the (virtual host,
route) pair shape of the original lookup.
"""

from __future__ import annotations

from ingresslab.routing import model
from ingresslab.routing.hosts import domain_matches
from ingresslab.routing.istio import convert_ingresses, gateway_listeners

__all__ = ["convert_ingresses", "domain_matches", "gateway_listeners", "select_route"]


def select_route(
    config: model.RouteConfiguration, host: str, path: str, headers: dict[str, str] | None = None
) -> tuple[model.VirtualHost | None, model.Route | None]:
    """The virtual host and first matching route for a request (port in the Host ignored)."""
    chosen = model.select(config, host, path, headers)
    return chosen.virtual_host, chosen.route
