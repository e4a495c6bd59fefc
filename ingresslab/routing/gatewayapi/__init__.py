"""Gateway API (gateway.networking.k8s.io/v1: GatewayClass, Gateway, HTTPRoute, ReferenceGrant) as inputs to
the one route model — resolved once, rendered by each implementation.

    resolve(Inputs(...), ISTIO) -> Resolution          # pure: dicts in, frozen dataclasses out
    istio_conversion(resolution) -> routing.istio.Conversion
        # istiod 1.23's internal Gateways + VirtualServices; feed them (with `.sources`) to
        # routing.istio.gateway_listeners(gateways, virtual_services, proxy_labels, gateway_service, services,
        # sources) with proxy_labels {"gateway.networking.k8s.io/gateway-name": <gw>} → Listener `http.80`,
        # virtual hosts `<host>:80` (or `blackhole:80` with nothing attached), routes named `<ns>.<route>.<i>`.
    statuses(resolution, now, {(gw_ns, gw): GatewayService(...) | None}, previous) -> Statuses
        # the `status` of every GatewayClass, Gateway and HTTPRoute, worded by the implementation's `Texts`.

`Inputs(gateway_classes, gateways, http_routes, reference_grants, services={(ns, name): Service},
namespaces={name: Namespace}, domain="cluster.local")`; objects as stored (the CRD defaults — matches
`PathPrefix /`, weight 1, header type Exact — are applied here when absent).

A `Resolution` holds, for implementation-neutral rendering (Istio here, NGINX Gateway Fabric later):
- `gateways[]` (`GatewayResolution`: namespace, name, class_name, generation, `listeners[]`), each listener
  (`ListenerResolution`: name, port, protocol, hostname, allowed_namespaces, supported_kinds,
  attached_routes, `server_hosts`) with `hosts[]` (`HostRoutes`: the served hostname, most specific first)
  and their `entries[]` in precedence order;
- every `RouteEntry`: `match` (a model.RouteMatch), `http_match` (the defaulted HTTPRouteMatch),
  `backends[]` (`Backend`: name, namespace, port, weight, fqdn, `problem` when invalid), `namespace`,
  `route`, `rule`, `match_index`, `source` (model.Source("HTTPRoute", name, ns, rule=i)), `name` (Istio's
  `<ns>.<route>.<i>`), `status` (the spec's direct answer: 404 no backendRefs, 500 all invalid/weight 0);
- `routes[]` (`RouteResolution`): `parents[]` (`ParentOutcome`: parentRef as written, `problem` for
  Accepted=False, accepted_count), `refs_problem` (ResolvedRefs=False), `attachments[]`, `entries[]`.

An `Implementation` is (controller_name, `Texts`, built-in class names); `ISTIO` is Istio 1.23's. A
`Problem` is (reason, message key, args): each implementation's `Texts.problems` words the key.
Modules: `matching` (HTTPRouteMatch → RouteMatch), `precedence`, `hostnames`, `resolution` (attachment,
backends, ordering), `texts`, `status`, `istio`.
"""

from ingresslab.routing.gatewayapi.istio import (
    AUTOGEN,
    GATEWAY_NAME_LABEL,
    internal_gateway_name,
    istio_conversion,
    virtual_service_name,
)
from ingresslab.routing.gatewayapi.matching import route_match, rule_matches
from ingresslab.routing.gatewayapi.resolution import (
    GROUP,
    ISTIO,
    ISTIO_CONTROLLER,
    Attachment,
    Backend,
    GatewayResolution,
    HostRoutes,
    Implementation,
    Inputs,
    ListenerResolution,
    ParentOutcome,
    Problem,
    Resolution,
    RouteEntry,
    RouteResolution,
    resolve,
)
from ingresslab.routing.gatewayapi.status import GatewayService, Statuses, statuses
from ingresslab.routing.gatewayapi.texts import ISTIO_TEXTS, Texts

__all__ = [
    "AUTOGEN",
    "GATEWAY_NAME_LABEL",
    "GROUP",
    "ISTIO",
    "ISTIO_CONTROLLER",
    "ISTIO_TEXTS",
    "Attachment",
    "Backend",
    "GatewayResolution",
    "GatewayService",
    "HostRoutes",
    "Implementation",
    "Inputs",
    "ListenerResolution",
    "ParentOutcome",
    "Problem",
    "Resolution",
    "RouteEntry",
    "RouteResolution",
    "Statuses",
    "Texts",
    "internal_gateway_name",
    "istio_conversion",
    "resolve",
    "route_match",
    "rule_matches",
    "statuses",
    "virtual_service_name",
]
