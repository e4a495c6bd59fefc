"""A gateway proxy's listeners and RDS route configurations, written out from `ingresslab.routing` — the same
listeners, virtual hosts and routes the sandbox's data plane routes requests with.

Facts modelled (Istio 1.23 gateway config): one listener `0.0.0.0_<target port>` per bound server port, a
single filter chain whose HTTP connection manager takes routes from RDS `http.<target port>`; every route
carries the VirtualService that produced it in `metadata.filter_metadata.istio.config`, a decorator naming
the destination, and istiod's default retry policy (2 retries on connect-failure, refused-stream,
unavailable, cancelled and 503, other hosts first).
"""

from __future__ import annotations

from ingresslab.backends.sandbox.dataplane import envoy as dataplane_envoy
from ingresslab.proxyconfig import builders as b
from ingresslab.routing.model import Destination, Route, RouteMatch

__all__ = ["RETRY_POLICY", "envoy_route", "gateway_resources", "ordered_route"]

RETRY_POLICY = {
    "retry_on": "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes",
    "num_retries": 2,
    "retry_host_predicate": [{"name": "envoy.retry_host_predicates.previous_hosts"}],
    "host_selection_retry_max_attempts": "5",
    "retriable_status_codes": [503],
}


def _route_action(destinations: tuple[Destination, ...]) -> dict:
    action: dict = {}
    if len(destinations) == 1:
        action["cluster"] = destinations[0].cluster.name
    else:
        action["weighted_clusters"] = {
            "clusters": [{"name": d.cluster.name, "weight": d.weight} for d in destinations]
        }
    action["timeout"] = "0s"
    action["retry_policy"] = dict(RETRY_POLICY)
    action["max_grpc_timeout"] = "0s"
    return action


def _match_kwargs(match: RouteMatch) -> dict:
    if match.kind == "exact":
        return {"path": match.value}
    if match.kind == "prefix":
        return {"prefix": match.value}
    if match.kind == "path_separated_prefix":
        return {"path_separated_prefix": match.value}
    return {"regex": match.value}


def _header_matchers(match: RouteMatch) -> list[dict]:
    out = []
    for name, kind, value in match.headers:
        pattern = {"safe_regex": {"regex": value}} if kind == "regex" else {kind: value}
        out.append({"name": name, "string_match": pattern})
    return out


def envoy_route(route: Route) -> dict:
    """One model route as an Envoy Route message."""
    virtual_service = None
    if route.virtual_service:
        name, _, namespace = route.virtual_service.rpartition(".")
        virtual_service = (name, namespace)
    kwargs = _match_kwargs(route.match)
    if route.direct_status:
        out = b.route(
            **kwargs,
            direct_response_status=route.direct_status,
            virtual_service=virtual_service,
            name=route.name,
        )
    else:
        out = b.route(**kwargs, virtual_service=virtual_service, name=route.name)
        out["route"] = _route_action(route.destinations)
        first = route.destinations[0].cluster if route.destinations else None
        if first is not None:
            shown = {"exact": "", "regex": ""}.get(route.match.kind, "*")
            out["decorator"] = {"operation": f"{first.host}:{first.port}{route.match.value}{shown}"}
    headers = _header_matchers(route.match)
    if headers:
        out["match"]["headers"] = headers
    return ordered_route(out)


_ROUTE_FIELDS = ["match", "route", "redirect", "metadata", "decorator", "direct_response", "name"]


def ordered_route(route: dict) -> dict:
    """A Route's keys in field-number order, as Envoy's JSON prints them (`name` is field 14: last)."""
    rank = {key: i for i, key in enumerate(_ROUTE_FIELDS)}
    return {key: route[key] for key in sorted(route, key=lambda k: rank.get(k, len(rank)))}


def gateway_resources(cluster, pod: dict) -> tuple[list[dict], list[dict]]:
    """(listeners, route configurations) istiod pushes to this gateway pod now."""
    listeners, routes = [], []
    for model in dataplane_envoy.gateway_config(cluster, pod):
        rds = model.route_config.name
        chain = b.filter_chain(
            [b.http_connection_manager(rds=rds, stat_prefix=f"outbound_{model.address}_{model.port}")]
        )
        listeners.append(
            b.listener(model.name, model.address, model.port, [chain], traffic_direction="OUTBOUND")
        )
        vhosts = [
            b.virtual_host(
                vh.name, vh.domains, [envoy_route(r) for r in vh.routes], include_request_attempt_count=True
            )
            for vh in model.route_config.virtual_hosts
        ]
        routes.append(b.route_configuration(rds, vhosts))
    return listeners, routes
