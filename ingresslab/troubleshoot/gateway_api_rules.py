"""The diagnose rules of the Gateway API front ends (Istio's and NGINX Gateway Fabric's), as an engineer reads them.

A gateway's access line says *what* happened (404: no route; 500: the rule's backend is invalid; 503: no
endpoints); the objects' status says *why* — the controller wrote it there: `kubectl get httproute -o yaml`
shows each parent's Accepted and ResolvedRefs conditions, `kubectl get gtw` whether the Gateway is Programmed.
The rules read the Gateway, its HTTPRoutes and their status through the Backend API, never the sandbox.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ingresslab.errors import IngresslabError, NotFound
from ingresslab.routing.gatewayapi.hostnames import covers
from ingresslab.troubleshoot.findings import Diagnosis

__all__ = ["gateway_api_rules", "gateway_api_unreached"]

GATEWAYS = "gateways.gateway.networking.k8s.io"
ROUTES = "httproutes.gateway.networking.k8s.io"
_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"


@dataclass(frozen=True)
class _Parent:
    """One HTTPRoute as its status says the Gateway sees it."""

    route: dict
    accepted: dict | None
    resolved: dict | None

    @property
    def ref(self) -> str:
        meta = self.route["metadata"]
        return f"{meta.get('namespace')}/{meta['name']}"

    @property
    def hostnames(self) -> list[str]:
        return list(self.route.get("spec", {}).get("hostnames") or [])


def _condition(parent_status: dict, kind: str) -> dict | None:
    return next((c for c in parent_status.get("conditions") or [] if c.get("type") == kind), None)


def _list(backend: Any, key: str) -> list[dict]:
    try:
        return backend.list(key, "*")
    except (NotFound, IngresslabError):
        return []


def _gateway_of(walk: Any) -> dict | None:
    """The Gateway whose pod logged the request (its pod's gateway-name label), or the one asked for."""
    for component in ("istio-gateway-api", "nginx-gateway-fabric"):
        hop = walk.trace.hop(component)
        if hop is not None and hop.pod:
            pod = walk.cluster.get("pods", hop.namespace, hop.pod)
            name = ((pod or {}).get("metadata", {}).get("labels") or {}).get(_NAME_LABEL)
            if name:
                try:
                    return walk.lab.backend.get(GATEWAYS, name, hop.namespace)
                except NotFound:
                    return None
    ref = getattr(walk.response, "gateway", None)
    if not ref:
        return None
    from ingresslab.entrypoints.addresses import find_gateway

    try:
        return find_gateway(walk.lab.backend, ref)
    except IngresslabError:
        return None


def _parents(walk: Any, gateway: dict) -> list[_Parent]:
    meta = gateway["metadata"]
    found = []
    for route in _list(walk.lab.backend, ROUTES):
        route_ns = route["metadata"].get("namespace")
        refs = route.get("spec", {}).get("parentRefs") or []
        if not any(
            r.get("name") == meta["name"] and (r.get("namespace") or route_ns) == meta["namespace"]
            for r in refs
        ):
            continue
        statuses = [
            p
            for p in (route.get("status") or {}).get("parents") or []
            if (p.get("parentRef") or {}).get("name") == meta["name"]
        ]
        status = statuses[0] if statuses else {}
        found.append(_Parent(route, _condition(status, "Accepted"), _condition(status, "ResolvedRefs")))
    return found


def _covers_host(parent: _Parent, host: str) -> bool:
    return not parent.hostnames or any(covers(h, host) for h in parent.hostnames)


def _clue_parent(walk: Any, parent: _Parent) -> None:
    for cond in (parent.accepted, parent.resolved):
        if cond is not None:
            walk.clue(
                f"HTTPRoute {parent.ref} status",
                f"{cond.get('type')}={cond.get('status')} {cond.get('reason')}: {cond.get('message', '')}",
            )


def _status_of(fields: Mapping[str, Any]) -> int | None:
    status = fields.get("response_code", fields.get("status"))
    return int(status) if status is not None else None


def gateway_api_rules(walk: Any, fields: Mapping[str, Any]) -> Diagnosis | None:
    """A Gateway API gateway's access line: 404 (no route: the routes' Accepted conditions say why), 500 (the
    matched rule's backend is invalid: ResolvedRefs says why), 503 UH (no endpoints)."""
    flags = fields.get("response_flags") or []
    if "UH" in flags or "UF" in flags or "URX" in flags:
        from ingresslab.troubleshoot.entry_rules import gateway_rules

        return gateway_rules(walk, fields)
    status = _status_of(fields)
    if status not in (404, 500):
        return None
    gateway = _gateway_of(walk)
    if gateway is None:
        return None
    walk.checked += ["Gateway", "HTTPRoutes"]
    host, path = walk.host.split(":")[0], walk.path
    parents = _parents(walk, gateway)
    gw = f"{gateway['metadata']['namespace']}/{gateway['metadata']['name']}"
    for parent in parents:
        _clue_parent(walk, parent)
    if not parents:
        walk.clue("Gateway", f"{gw}: no HTTPRoute names it in parentRefs")
        return walk.done(
            "httproute-not-attached",
            f"no HTTPRoute is attached to Gateway {gw}: the gateway has no route for {host}{path} and answers 404",
            f"write an HTTPRoute with parentRefs: [{{name: {gateway['metadata']['name']}, "
            f"namespace: {gateway['metadata']['namespace']}}}] and hostnames: [{host}]",
        )
    for_host = [p for p in parents if _covers_host(p, host)]
    refused = [p for p in for_host if p.accepted is not None and p.accepted.get("status") == "False"]
    accepted = [p for p in for_host if p not in refused]
    if status == 500:
        return _invalid_backend(walk, accepted or for_host)
    if refused and not accepted:
        return _refused(walk, refused[0], gw)
    if not for_host:
        # no route takes the host; one the Gateway refused for its hostnames is most likely the one meant for it
        unattached = [
            p
            for p in parents
            if (p.accepted or {}).get("status") == "False"
            and (p.accepted or {}).get("reason") == "NoMatchingListenerHostname"
        ]
        if unattached:
            return _refused(walk, unattached[0], gw)
    if accepted:
        return walk.done(
            "path-not-matched",
            f"HTTPRoute {accepted[0].ref} takes host {host}, but none of its rules matches {path}: the gateway "
            "answered 404",
            "add a rule for the path (PathPrefix matches whole path segments, Exact the whole path), or request "
            "one of the paths the route lists",
        )
    listed = sorted({h for p in parents for h in p.hostnames} or {"(any)"})
    return walk.done(
        "host-not-matched",
        f"no HTTPRoute attached to {gw} takes host {host} (their hostnames: {', '.join(listed)}): the gateway "
        "answered 404",
        f"send Host: one of {', '.join(listed)} — or add {host} to the route's spec.hostnames",
    )


def _refused(walk: Any, parent: _Parent, gw: str) -> Diagnosis:
    reason = (parent.accepted or {}).get("reason", "")
    message = (parent.accepted or {}).get("message", "")
    ns = parent.route["metadata"].get("namespace")
    if reason == "NotAllowedByListeners":
        return walk.done(
            "httproute-not-allowed",
            f"Gateway {gw}'s listeners do not allow routes from namespace {ns}, so HTTPRoute {parent.ref} is not "
            f"attached ({message}) and the gateway has no route: 404",
            "set the listener's allowedRoutes.namespaces.from to All (or Selector with a label the namespace "
            "has), or move the HTTPRoute into the Gateway's namespace",
        )
    if reason == "NoMatchingListenerHostname":
        return walk.done(
            "httproute-hostname-mismatch",
            f"HTTPRoute {parent.ref}'s hostnames {parent.hostnames} intersect no listener hostname of {gw} "
            f"({message}): it is not attached, so the gateway has no route: 404",
            "make the route's spec.hostnames fall under the listener's hostname (a listener `*.example.com` "
            "covers any name below example.com), or change the listener",
        )
    return walk.done(
        "unknown",
        f"HTTPRoute {parent.ref} is not accepted by {gw}: {reason} {message}",
        f"kubectl get httproute {parent.route['metadata']['name']} -n {ns} -o yaml   # read status.parents",
    )


def _invalid_backend(walk: Any, parents: list[_Parent]) -> Diagnosis | None:
    for parent in parents:
        resolved = parent.resolved or {}
        if resolved.get("status") != "False":
            continue
        reason, message = resolved.get("reason", ""), resolved.get("message", "")
        route_ns = parent.route["metadata"].get("namespace")
        refs = [
            b for r in parent.route.get("spec", {}).get("rules") or [] for b in r.get("backendRefs") or []
        ]
        if reason == "RefNotPermitted":
            other = next((b for b in refs if b.get("namespace") and b.get("namespace") != route_ns), {})
            target_ns = other.get("namespace", "?")
            return walk.done(
                "backend-ref-not-permitted",
                f"HTTPRoute {parent.ref} sends to Service {target_ns}/{other.get('name', '?')} in another "
                f"namespace and no ReferenceGrant there allows it ({message}): the rule's backend is invalid, so "
                "the gateway answers 500",
                f"create a ReferenceGrant in namespace {target_ns}: from [{{group: gateway.networking.k8s.io, "
                f"kind: HTTPRoute, namespace: {route_ns}}}], to [{{group: '', kind: Service}}]",
            )
        if reason == "BackendNotFound":
            known: dict[str, list[str]] = {}
            for svc in walk.cluster.services:
                known.setdefault(svc["metadata"].get("namespace", ""), []).append(svc["metadata"]["name"])
            missing = [
                (b.get("name", ""), known.get(b.get("namespace") or route_ns, []))
                for b in refs
                if b.get("kind", "Service") == "Service"
                and b.get("name", "") not in known.get(b.get("namespace") or route_ns, [])
            ]
            close = [m for name, there in missing for m in difflib.get_close_matches(name, there, n=1)]
            return walk.done(
                "backend-not-found",
                f"HTTPRoute {parent.ref} names a Service that does not exist ({message}): the rule's backend is "
                "invalid, so the gateway answers 500",
                f"fix backendRefs[].name (did you mean {close[0]}?)" if close else "fix backendRefs[].name",
            )
    return None


def gateway_api_unreached(walk: Any) -> Diagnosis | None:
    """No gateway line: the Gateway has no address to send to, or no controller programmed it."""
    gateway = _gateway_of(walk)
    if gateway is None:
        return None
    walk.checked.append("Gateway status")
    meta = gateway["metadata"]
    gw = f"{meta['namespace']}/{meta['name']}"
    conditions = {c.get("type"): c for c in (gateway.get("status") or {}).get("conditions") or []}
    for cond in conditions.values():
        walk.clue(
            f"Gateway {gw} status",
            f"{cond.get('type')}={cond.get('status')} {cond.get('reason')}: {cond.get('message', '')}",
        )
    programmed = conditions.get("Programmed") or {}
    if programmed.get("reason") == "AddressNotAssigned":
        return walk.done(
            "gateway-address-not-assigned",
            f"Gateway {gw} has no address: its LoadBalancer Service is still <pending> (minikube assigns none "
            "without a tunnel), so `.status.addresses[0].value` is empty and there is nowhere to send the request",
            "run `minikube tunnel` (it gives LoadBalancer Services an address), or annotate the Gateway with "
            "networking.istio.io/service-type: ClusterIP and use kubectl port-forward",
        )
    if programmed.get("status") != "True":
        return walk.done(
            "gateway-not-programmed",
            f"Gateway {gw} is not programmed ({programmed.get('reason', 'no controller has acted on it')}): no "
            "gateway pod serves it",
            f"kubectl get gatewayclass {gateway.get('spec', {}).get('gatewayClassName', '')}   # is the class "
            "accepted by a running controller?",
        )
    return None
