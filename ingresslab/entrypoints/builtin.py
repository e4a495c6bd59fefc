"""The front ends the tutorial uses, each one record, and the registry of them in their declared order.

Order matters (see `EntryPoints`): ingress-nginx first, then egress (`entrypoints.egress`: it claims the
egress gateway's and the sidecars' outbound lines ahead of the ingress gateway, whose classifier would take any
Envoy line on 8080 or 80 from a saved file), Istio's ingress gateway, the Gateway API's two implementations
(`entrypoints.gateway_api`), then a Service's NodePort, which writes no log of its own.
"""

from __future__ import annotations

from typing import Any

from ingresslab.entrypoints.addresses import gateway_nodeport, host_port_80, service_nodeport
from ingresslab.entrypoints.components import Component
from ingresslab.entrypoints.registry import EntryPoint, EntryPoints

__all__ = ["default_entry_points", "ingress_gateway", "ingress_nginx", "nodeport"]


def _served_by(via: str):
    """Which Ingresses a front end serves, as the diagnosis' view of the cluster reads IngressClasses."""

    def serves(view: Any, ingress: dict) -> bool:
        return view.served_by(ingress) == via

    return serves


# The records point at strategies in `trace/` and rules in `troubleshoot/`; those modules read registries
# themselves, so they are imported when a record is built rather than when this module is.


def ingress_nginx() -> EntryPoint:
    from ingresslab.trace.entries import nginx_hops, nginx_line, nginx_request_id
    from ingresslab.troubleshoot.entry_rules import nginx_rules, nginx_unreached

    return EntryPoint(
        via="nginx",
        title="ingress-nginx controller (hostPort 80 on the node)",
        resolve=host_port_80,
        component=Component.INGRESS_NGINX,
        selector={"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
        log_format="ingress-nginx",
        classify=nginx_line,
        request_id=nginx_request_id,
        hops=nginx_hops,
        serves=_served_by("nginx"),
        diagnose=nginx_rules,
        unreached=nginx_unreached,
    )


def ingress_gateway() -> EntryPoint:
    from ingresslab.trace.entries import gateway_hops, gateway_line, gateway_matches_hint, gateway_request_id
    from ingresslab.troubleshoot.entry_rules import gateway_rules, gateway_unreached

    return EntryPoint(
        via="istio",
        title="Istio ingress gateway (the istio-ingressgateway Service's NodePort)",
        resolve=gateway_nodeport,
        component=Component.ISTIO_INGRESSGATEWAY,
        selector={"istio": "ingressgateway"},
        log_format="auto",
        log_container="istio-proxy",
        classify=gateway_line,
        request_id=gateway_request_id,
        matches_hint=gateway_matches_hint,
        hops=gateway_hops,
        serves=_served_by("istio"),
        diagnose=gateway_rules,
        unreached=gateway_unreached,
    )


def nodeport() -> EntryPoint:
    return EntryPoint(
        via="nodeport",
        title="a Service's NodePort (kube-proxy)",
        resolve=service_nodeport,
        options=("service",),
    )


def default_entry_points() -> EntryPoints:
    """A new registry of the built-in front ends, in their declared order (each call builds a fresh one)."""
    from ingresslab.entrypoints.egress import egress
    from ingresslab.entrypoints.gateway_api import istio_gateway_api, nginx_gateway_fabric

    return EntryPoints(
        [
            ingress_nginx(),
            egress(),
            ingress_gateway(),
            istio_gateway_api(),
            nginx_gateway_fabric(),
            nodeport(),
        ]
    )
