"""Where a request goes — decided once, for every front end and every reader.

A neutral package (it imports nothing from `ingresslab.backends`): Ingress class resolution and the API
server's class validation (`classes`), host and path matching (`hosts`, `paths`), ingress-nginx's servers and
locations (`nginx`) and Istio's Ingress conversion and gateway configuration (`istio`), all expressed in one
ordered route model shaped like Envoy's RouteConfiguration (`model`). The sandbox's data plane, diagnose(),
`kubectl ingress-nginx`, `istioctl proxy-config` and the envoyconfig builder all read routes from here.
Gateway API objects (GatewayClass, Gateway, HTTPRoute, ReferenceGrant) are further inputs to the same model
(`gatewayapi`: `resolve`, `istio_conversion`, `statuses`). Egress (`egress`): ServiceEntries, the mesh's
outbound traffic policy, mesh VirtualServices (`http` and `tls` routes) and egress gateway TLS servers as a
sidecar's outbound route configurations, SNI chains and clusters.
"""

from ingresslab.routing import egress, gatewayapi
from ingresslab.routing.classes import ISTIO, NGINX, class_of, istio_serves, nginx_class, served_by
from ingresslab.routing.hosts import domain_matches, ingress_host_matches, normalize_host
from ingresslab.routing.ingress import IngressPath, ingress_path, rule_host_matches, served_ingresses
from ingresslab.routing.istio import convert_with_sources, gateway_listeners
from ingresslab.routing.model import Route, RouteConfiguration, Selection, Source, select
from ingresslab.routing.nginx import nginx_route_config
from ingresslab.routing.paths import path_matches

__all__ = [
    "ISTIO",
    "NGINX",
    "IngressPath",
    "Route",
    "RouteConfiguration",
    "Selection",
    "Source",
    "class_of",
    "convert_with_sources",
    "domain_matches",
    "egress",
    "gateway_listeners",
    "gatewayapi",
    "ingress_host_matches",
    "ingress_path",
    "istio_serves",
    "nginx_class",
    "nginx_route_config",
    "normalize_host",
    "path_matches",
    "rule_host_matches",
    "select",
    "served_by",
    "served_ingresses",
]
