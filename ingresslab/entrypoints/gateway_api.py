"""The Gateway API front ends: a Gateway served by Istio (`<gw>-istio`, an Envoy) and one served by NGINX Gateway
Fabric (`<gw>-nginx`, an NGINX). Same HTTPRoutes, two implementations, one record each.

    lab.request(host="httpbin.example.com", path="/get", via="gateway-api", gateway="istio-ingress/gateway")
    lab.request(host="yuya.example.com", path="/v1", via="gateway-api-nginx", gateway="seed-ngf")

A request reaches the Gateway's own Service (see `addresses.gateway_service_url`). Their pods carry the label
`gateway.networking.k8s.io/gateway-name` whatever the implementation, so a pod is told apart by that label and
the container that serves, first in the pod: `istio-proxy` for Istio, `nginx` for NGINX Gateway Fabric.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ingresslab.entrypoints.addresses import (
    GATEWAY_NAME_LABEL,
    find_gateway,
    gateway_controller,
    gateway_service_url,
)
from ingresslab.entrypoints.components import Component
from ingresslab.entrypoints.registry import EntryPoint, EntryRequest
from ingresslab.errors import IngresslabError

__all__ = ["ISTIO_CONTROLLER", "NGF_CONTROLLER", "istio_gateway_api", "nginx_gateway_fabric"]

ISTIO_CONTROLLER = "istio.io/gateway-controller"
NGF_CONTROLLER = "gateway.nginx.org/nginx-gateway-controller"
_VIA = {ISTIO_CONTROLLER: "gateway-api", NGF_CONTROLLER: "gateway-api-nginx"}


def _gateway_pod(container: str) -> Callable[[Mapping[str, Any]], bool]:
    """A Gateway's pod whose first container is `container` (an NGINX pod may carry a sidecar too)."""

    def recognise(pod: Mapping[str, Any]) -> bool:
        labels = (pod.get("metadata") or {}).get("labels") or {}
        names = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
        return GATEWAY_NAME_LABEL in labels and names[:1] == [container]

    return recognise


def _resolve(controller: str) -> Callable[[EntryRequest], tuple[str, list[str]]]:
    def resolve(req: EntryRequest) -> tuple[str, list[str]]:
        gateway = find_gateway(req.backend, req.gateway, req.namespace)
        actual = gateway_controller(req.backend, gateway)
        if actual != controller:
            meta = gateway["metadata"]
            other = _VIA.get(actual or "")
            hint = f': use via="{other}"' if other else ""
            raise IngresslabError(
                f"Gateway {meta['namespace']}/{meta['name']} (class {gateway['spec'].get('gatewayClassName')!r}) "
                f"is served by {actual or 'no controller'}, not {controller}{hint}"
            )
        return gateway_service_url(req, gateway)

    return resolve


def istio_gateway_api() -> EntryPoint:
    from ingresslab.trace.entries import gateway_matches_hint, gateway_request_id
    from ingresslab.trace.gateway_api import istio_gateway_api_hops, istio_gateway_api_line
    from ingresslab.troubleshoot.gateway_api_rules import gateway_api_rules, gateway_api_unreached

    return EntryPoint(
        via="gateway-api",
        title="a Gateway API Gateway served by Istio (its <gateway>-istio Deployment)",
        resolve=_resolve(ISTIO_CONTROLLER),
        component=Component.ISTIO_GATEWAY_API,
        pod_filter=_gateway_pod("istio-proxy"),
        log_format="auto",
        log_container="istio-proxy",
        classify=istio_gateway_api_line,
        request_id=gateway_request_id,
        matches_hint=gateway_matches_hint,
        hops=istio_gateway_api_hops,
        diagnose=gateway_api_rules,
        unreached=gateway_api_unreached,
        options=("gateway",),
    )


def nginx_gateway_fabric() -> EntryPoint:
    from ingresslab.trace.gateway_api import ngf_hops, ngf_line, ngf_matches_hint
    from ingresslab.troubleshoot.gateway_api_rules import gateway_api_rules, gateway_api_unreached

    return EntryPoint(
        via="gateway-api-nginx",
        title="a Gateway API Gateway served by NGINX Gateway Fabric (its <gateway>-nginx Deployment)",
        resolve=_resolve(NGF_CONTROLLER),
        component=Component.NGINX_GATEWAY_FABRIC,
        pod_filter=_gateway_pod("nginx"),
        log_format="nginx-combined",
        log_container="nginx",
        classify=ngf_line,
        matches_hint=ngf_matches_hint,
        hops=ngf_hops,
        diagnose=gateway_api_rules,
        unreached=gateway_api_unreached,
        options=("gateway",),
    )
