"""The `status` a Gateway API controller writes, from a `Resolution` and the implementation's `Texts`.

Condition dicts carry type, status, observedGeneration (the object's metadata.generation),
lastTransitionTime (the caller's clock string; kept from `previous` when the status did not change, as
`UpdateConditionIfChanged` does), reason, message; they are sorted by type, as Istio's `setConditions` does.

- GatewayClass: Accepted True `Accepted` (Istio: `Handled by Istio controller`).
- Gateway: Accepted True `Accepted` `Resource accepted`; Programmed from the Gateway's Service as the caller
  sees it (`GatewayService`): with endpoints and an address → True `Programmed` `Resource programmed,
  assigned to service(s) <fqdn>:<port>[ and …]`; a LoadBalancer still pending → False `AddressNotAssigned`
  `Assigned to service(s) <fqdn>:80, but failed to assign to all requested addresses: address pending for
  hostname "<fqdn>"` and no addresses; no endpoints yet → False `AddressNotAssigned` `Failed to assign to any
  requested addresses: no instances found for hostname "<fqdn>"`; no Service → False `AddressNotUsable`
  `… hostname "<fqdn>" not found`. `addresses` are the caller's (`GatewayService.addresses`), else derived:
  external IPs → IPAddress, else (not pending) the Service FQDN → Hostname.
  Listeners: name, supportedKinds, attachedRoutes, conditions Accepted, Conflicted (False `NoConflicts`),
  Programmed, ResolvedRefs, all `No errors found` (ResolvedRefs False `InvalidRouteKinds` when
  allowedRoutes.kinds names an unsupported kind).
- HTTPRoute: `parents[]` {parentRef (as written), controllerName, conditions Accepted / ResolvedRefs}; other
  controllers' entries in `previous` are kept; sorted by Istio's parentRef string, descending.
(Istio 1.23: pilot/pkg/config/kube/gateway/conditions.go, conversion.go `reportGatewayStatus`, context.go
`ResolveGatewayInstances`, gatewayclass.go `GetClassStatus`; testdata/*.status.yaml.golden.)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field

from ingresslab.routing.gatewayapi.resolution import (
    GatewayResolution,
    Problem,
    Resolution,
    RouteResolution,
    _parent_ref_string,
)
from ingresslab.routing.gatewayapi.texts import Texts, human_join

__all__ = [
    "GatewayService",
    "Statuses",
    "condition",
    "gateway_class_status",
    "gateway_status",
    "route_status",
    "statuses",
]


@dataclass(frozen=True, slots=True)
class GatewayService:
    """What the caller knows of the Service a Gateway is assigned to (see module docstring)."""

    fqdn: str
    found: bool = True
    ready: bool = True  # has endpoints for the listener ports
    pending: bool = False  # type LoadBalancer without an ingress address yet
    external: tuple[str, ...] = ()  # LoadBalancer ingress IPs / hostnames
    addresses: tuple[dict, ...] | None = None  # status.addresses to publish (None: derive)


def condition(
    type_: str,
    ok: bool,
    reason: str,
    message: str,
    generation: int,
    now: str,
    previous: list[dict] | None = None,
    *,
    positive: bool = True,
) -> dict:
    """One metav1.Condition; `ok` False inverts `positive` polarity (Conflicted is negative: ok → False)."""
    status = "True" if ok == positive else "False"
    when = now
    for old in previous or []:
        if old.get("type") == type_ and old.get("status") == status:
            when = old.get("lastTransitionTime") or now
    return {
        "type": type_,
        "status": status,
        "observedGeneration": generation,
        "lastTransitionTime": when,
        "reason": reason,
        "message": message,
    }


def _conditions(
    items: list[tuple[str, bool, str, str]], generation: int, now: str, previous: list[dict] | None
) -> list[dict]:
    return [
        condition(t, ok, reason, msg, generation, now, previous, positive=(t != "Conflicted"))
        for t, ok, reason, msg in sorted(items)
    ]


def gateway_class_status(gc: dict, texts: Texts, now: str, previous: dict | None = None) -> dict:
    gen = int((gc.get("metadata") or {}).get("generation") or 0)
    prev = (previous or {}).get("conditions")
    return {"conditions": _conditions([("Accepted", True, "Accepted", texts.class_accepted)], gen, now, prev)}


def _addresses(service: GatewayService | None) -> list[dict]:
    if service is None:
        return []
    if service.addresses is not None:
        return [dict(a) for a in service.addresses]
    values = list(service.external)
    if not values and service.found and service.ready and not service.pending:
        values = [service.fqdn]
    out = []
    for v in values:
        try:
            ipaddress.ip_address(v)
            kind = "IPAddress"
        except ValueError:
            kind = "Hostname"
        out.append({"type": kind, "value": v})
    return out


def gateway_status(
    gateway: GatewayResolution,
    texts: Texts,
    now: str,
    service: GatewayService | None,
    previous: dict | None = None,
) -> dict:
    """A Gateway's status (see module docstring); `service` None: no Service assigned."""
    gen = gateway.generation
    ports = sorted({li.port for li in gateway.listeners})
    internal: list[str] = []
    warnings: list[str] = []
    usable = True
    if service is not None:
        if not service.found:
            warnings.append(texts.problem("hostname_not_found", (service.fqdn,)))
            usable = False
        elif not service.ready:
            warnings.append(texts.problem("no_instances", (service.fqdn,)))
        else:
            internal = [f"{service.fqdn}:{p}" for p in ports]
            if service.pending and not service.external:
                warnings.append(texts.problem("address_pending", (service.fqdn,)))
    programmed = (True, "Programmed", texts.gateway_programmed)
    if internal:
        programmed = (True, "Programmed", texts.gateway_programmed_to.format(services=human_join(internal)))
    if service is None:
        programmed = (False, "UnsupportedAddress", texts.problem("no_address", ()))
    elif warnings:
        joined = "; ".join(sorted(warnings))
        reason = "AddressNotAssigned" if usable else "AddressNotUsable"
        if internal:
            msg = texts.gateway_partially_assigned.format(services=human_join(internal), warnings=joined)
        else:
            msg = texts.gateway_not_assigned.format(warnings=joined)
        programmed = (False, reason, msg)
    prev = previous or {}
    conditions = _conditions(
        [("Accepted", True, "Accepted", texts.gateway_accepted), ("Programmed", *programmed)],
        gen,
        now,
        prev.get("conditions"),
    )
    prev_listeners = {li.get("name"): li.get("conditions") for li in prev.get("listeners") or []}
    listeners = []
    for li in gateway.listeners:
        ok = texts.listener_ok
        items = [
            ("Accepted", True, "Accepted", ok),
            ("Conflicted", True, "NoConflicts", ok),
            ("Programmed", True, "Programmed", ok),
            ("ResolvedRefs", True, "ResolvedRefs", ok),
        ]
        if not li.kinds_valid:
            items[3] = ("ResolvedRefs", False, "InvalidRouteKinds", texts.listener_invalid_kinds)
        listeners.append(
            {
                "name": li.name,
                "supportedKinds": [dict(k) for k in li.supported_kinds],
                "attachedRoutes": li.attached_routes,
                "conditions": _conditions(items, gen, now, prev_listeners.get(li.name)),
            }
        )
    out: dict = {}
    addresses = _addresses(service)
    if addresses:
        out["addresses"] = addresses
    elif prev.get("addresses"):
        out["addresses"] = prev["addresses"]  # "once we are ready, never remove the address"
    out["conditions"] = conditions
    out["listeners"] = listeners
    return out


def _message(problem: Problem, texts: Texts) -> str:
    return problem.message(texts)


def route_status(
    route: RouteResolution, controller_name: str, texts: Texts, now: str, previous: dict | None = None
) -> dict:
    """An HTTPRoute's status: this controller's parents (merged per parentRef) plus other controllers' kept."""
    prev_parents = list((previous or {}).get("parents") or [])
    parents = [p for p in prev_parents if p.get("controllerName") != controller_name]
    for outcome in route.parents:
        accepted = (True, "Accepted", texts.route_accepted)
        if outcome.accepted_count > 1:
            accepted = (True, "Accepted", texts.route_accepted_many.format(count=outcome.accepted_count))
        if outcome.problem is not None:
            accepted = (False, outcome.problem.reason, _message(outcome.problem, texts))
        resolved = (True, "ResolvedRefs", texts.route_resolved)
        if route.refs_problem is not None:
            resolved = (False, route.refs_problem.reason, _message(route.refs_problem, texts))
        before = next(
            (
                p.get("conditions")
                for p in prev_parents
                if p.get("controllerName") == controller_name
                and _parent_ref_string(p.get("parentRef") or {}) == _parent_ref_string(outcome.parent_ref)
            ),
            None,
        )
        parents.append(
            {
                "parentRef": dict(outcome.parent_ref),
                "controllerName": controller_name,
                "conditions": _conditions(
                    [("Accepted", *accepted), ("ResolvedRefs", *resolved)], route.generation, now, before
                ),
            }
        )
    parents.sort(key=lambda p: _parent_ref_string(p.get("parentRef") or {}), reverse=True)
    return {"parents": parents}


@dataclass(frozen=True, slots=True)
class Statuses:
    """Every status a controller writes after one resolution, keyed by object."""

    classes: Mapping[str, dict] = field(default_factory=dict)
    gateways: Mapping[tuple[str, str], dict] = field(default_factory=dict)
    routes: Mapping[tuple[str, str], dict] = field(default_factory=dict)


def statuses(
    resolution: Resolution,
    now: str,
    services: Mapping[tuple[str, str], GatewayService | None],
    previous: Mapping[tuple[str, str, str], dict] | None = None,
) -> Statuses:
    """All statuses: `services` by Gateway (namespace, name); `previous` statuses by (kind, namespace, name)."""
    impl, prev = resolution.implementation, previous or {}
    classes = {
        gc["metadata"]["name"]: gateway_class_status(
            gc, impl.texts, now, prev.get(("GatewayClass", "", gc["metadata"]["name"]))
        )
        for gc in resolution.classes
    }
    gateways = {
        (g.namespace, g.name): gateway_status(
            g,
            impl.texts,
            now,
            services.get((g.namespace, g.name)),
            prev.get(("Gateway", g.namespace, g.name)),
        )
        for g in resolution.gateways
    }
    routes = {
        (r.namespace, r.name): route_status(
            r, impl.controller_name, impl.texts, now, prev.get(("HTTPRoute", r.namespace, r.name))
        )
        for r in resolution.routes
        if r.parents or prev.get(("HTTPRoute", r.namespace, r.name))
    }
    return Statuses(classes, gateways, routes)
