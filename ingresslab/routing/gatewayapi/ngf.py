"""NGINX Gateway Fabric's view of a Gateway and its HTTPRoutes: statuses and nginx config, in the route model.

Version emulated: NGF **v2.6.7** (the per-Gateway data plane: control plane `nginx-gateway` in namespace
`nginx-gateway`, one NGINX Deployment + Service `<gateway>-nginx` per Gateway). NGF 2.x wants Gateway API
>= v1.3 (2.6.x: v1.5.1, Kubernetes 1.31+); the 1.x line (1.3/1.4 were built for v1.1.0) runs NGINX inside the
controller pod, which is not the model the reference sheet describes. NGF 2.6.7 compares the installed CRDs'
`gateway.networking.k8s.io/bundle-version` with v1.5.1: same major, other minor → *best effort* (GatewayClass
`Accepted` True, `SupportedVersion` False "…not recommended. Recommended version is v1.5.1"); another major →
not accepted. Both bundles the sandbox vendors (v1.1.0, v1.6.1) are thus best effort; the notebook installs
the v1.6.1 standard bundle for NGF (ReferenceGrant v1, closest to what 2.6.7 expects).

How NGF lays out nginx.conf (internal/controller/state/dataplane, nginx/config, at v2.6.7), as modelled here:
- one `server` per port and hostname: the listener hostname intersected with each attached route's hostnames
  (neither set: `server_name ~^`, which takes every Host); a Host no server takes reaches the port's
  `default_server`, which does `return 404` (→ `Selection(None, None)` here);
- locations from every attached rule's matches, tried in Gateway API precedence (the core's `match_key`, then
  oldest route, namespace/name, rule order); a request no location takes gets nginx's own 404;
- upstreams `<ns>_<svc>_<port>` (service port number); an invalid backendRef proxies to upstream
  `invalid-backend-ref` (`unix:/var/run/nginx/nginx-500-server.sock`, `return 500`); an upstream without
  ready endpoints has the 503 server only.
Route parent statuses use NGF's texts (internal/controller/state/conditions/conditions.go) and the backendRef
messages of graph/backend_refs.go (k8s field-error strings).

Attachment (parentRef sectionName/port, allowedRoutes namespaces and kinds, hostname intersection and the
most-specific-listener rule) and precedence are the shared core's (`routing.gatewayapi.resolve`), so a route
is accepted by NGF exactly when Istio accepts it; `NGF`/`NGF_TEXTS` are the core's Implementation/Texts
records for NGF.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ingresslab.routing.gatewayapi import hostnames as hn
from ingresslab.routing.gatewayapi.matching import route_match, rule_matches
from ingresslab.routing.gatewayapi.precedence import match_key
from ingresslab.routing.gatewayapi.resolution import Implementation, Inputs
from ingresslab.routing.gatewayapi.resolution import resolve as core_resolve
from ingresslab.routing.gatewayapi.texts import Texts
from ingresslab.routing.hosts import SUFFIX_WILDCARD, domain_rank
from ingresslab.routing.model import Destination, Route, RouteConfiguration, Source, VirtualHost

__all__ = [
    "BUNDLE_VERSION",
    "CATCH_ALL_SERVER",
    "CONTROLLER_NAME",
    "GATEWAY_CLASS",
    "INVALID_BACKEND_REF",
    "NGF",
    "NGF_TEXTS",
    "Condition",
    "NgfUpstream",
    "Resolution",
    "gateway_class_conditions",
    "ngf_route_configs",
    "resolve",
]

CONTROLLER_NAME = "gateway.nginx.org/nginx-gateway-controller"
GATEWAY_CLASS = "nginx"
BUNDLE_VERSION = (
    "v1.5.1"  # the Gateway API version NGF v2.6.7 is built against (internal/framework/...consts)
)
INVALID_BACKEND_REF = "invalid-backend-ref"
CATCH_ALL_SERVER = "~^"
GROUP = "gateway.networking.k8s.io"


@dataclass(frozen=True, slots=True)
class Condition:
    """One status condition as NGF reports it (type, status, reason, message)."""

    type: str
    status: str
    reason: str
    message: str

    def as_dict(self, generation: int | None, when: str) -> dict:
        """The metav1.Condition, keys in the order the API server returns them."""
        return {
            "type": self.type,
            "status": self.status,
            "observedGeneration": generation or 1,
            "lastTransitionTime": when,
            "reason": self.reason,
            "message": self.message,
        }


def dedupe(conds: Iterable[Condition]) -> list[Condition]:
    """NGF's DeduplicateConditions: per type the last one wins, ordered by where each last one stood."""
    conds = list(conds)
    last = {c.type: i for i, c in enumerate(conds)}
    return [c for i, c in enumerate(conds) if last[c.type] == i]


# -- texts (conditions.go) ---------------------------------------------------------------------------------
ROUTE_ACCEPTED = Condition("Accepted", "True", "Accepted", "The Route is accepted")
ROUTE_RESOLVED = Condition("ResolvedRefs", "True", "ResolvedRefs", "All references are resolved")
ROUTE_NOT_ALLOWED = Condition(
    "Accepted", "False", "NotAllowedByListeners", "The Route is not allowed by any listener"
)
ROUTE_NO_HOSTNAME = Condition(
    "Accepted",
    "False",
    "NoMatchingListenerHostname",
    "The Listener hostname does not match the Route hostnames",
)
ROUTE_NO_PARENT = Condition(
    "Accepted", "False", "NoMatchingParent", "The Listener is not found for this parent ref"
)
LISTENER_CONDITIONS = (
    Condition("Programmed", "True", "Programmed", "The Listener is programmed"),
    Condition("Accepted", "True", "Accepted", "The Listener is accepted"),
    Condition("ResolvedRefs", "True", "ResolvedRefs", "All references are resolved"),
    Condition("Conflicted", "False", "NoConflicts", "No conflicts"),
)
GATEWAY_CONDITIONS = (
    Condition("Accepted", "True", "Accepted", "The Gateway is accepted"),
    Condition("Programmed", "True", "Programmed", "The Gateway is programmed"),
)


NGF_TEXTS = Texts(
    class_accepted="The GatewayClass is accepted",
    gateway_accepted="The Gateway is accepted",
    gateway_programmed="The Gateway is programmed",
    gateway_programmed_to="The Gateway is programmed",  # NGF does not name the Service
    gateway_partially_assigned="The Gateway is programmed",
    gateway_not_assigned="The Gateway is programmed",  # a pending LoadBalancer: no address, still True
    listener_ok="The Listener is accepted",  # per type: see LISTENER_CONDITIONS
    listener_invalid_kinds="Invalid route kinds",
    route_accepted="The Route is accepted",
    route_accepted_many="The Route is accepted",
    route_resolved="All references are resolved",
    problems={
        "port_not_found": ROUTE_NO_PARENT.message,
        "section_not_found": ROUTE_NO_PARENT.message,
        "namespace_not_allowed": ROUTE_NOT_ALLOWED.message,
        "kind_not_allowed": ROUTE_NOT_ALLOWED.message,
        "no_hostname": ROUTE_NO_HOSTNAME.message,
        # backendRef texts need the rule/ref index NGF puts in its field path: see `_check_backend`
        "ref_not_permitted": "Backend ref to Service {1}/{0} not permitted by any ReferenceGrant",
        "backend_not_found": "Not found: {q[0]}",
        "port_required": "port cannot be nil",
    },
)
"""NGINX Gateway Fabric v2.6.7's wording for the core's `Texts` keys (conditions.go, backend_refs.go)."""

NGF = Implementation(CONTROLLER_NAME, NGF_TEXTS, {}, "nginx-gateway-fabric")
"""The core's Implementation record for NGF (its class `nginx` is a real GatewayClass from deploy.yaml)."""


def gateway_class_conditions(
    bundle_versions: Iterable[str], params_resolved: bool | None = True
) -> list[Condition]:
    """The GatewayClass conditions for the installed CRDs' bundle versions and its parametersRef.

    `params_resolved`: True (NginxProxy found), False (not found), None (no parametersRef).
    """
    conds = [
        Condition("Accepted", "True", "Accepted", "The GatewayClass is accepted"),
        Condition(
            "SupportedVersion", "True", "SupportedVersion", "The Gateway API CRD versions are supported"
        ),
    ]
    want = _major_minor(BUNDLE_VERSION)
    versions = [_major_minor(v) for v in bundle_versions if v]
    if any(v[0] != want[0] for v in versions):
        text = f"The Gateway API CRD versions are not supported. Please install version {BUNDLE_VERSION}"
        conds += [
            Condition("Accepted", "False", "UnsupportedVersion", text),
            Condition("SupportedVersion", "False", "UnsupportedVersion", text),
        ]
        return dedupe(conds)
    if any(v[1] != want[1] for v in versions):
        conds.append(
            Condition(
                "SupportedVersion",
                "False",
                "UnsupportedVersion",
                f"The Gateway API CRD versions are not recommended. Recommended version is {BUNDLE_VERSION}",
            )
        )
    if params_resolved is True:
        conds.append(
            Condition("ResolvedRefs", "True", "ResolvedRefs", "The ParametersRef resource is resolved")
        )
    elif params_resolved is False:
        conds.append(
            Condition(
                "ResolvedRefs",
                "False",
                "ParametersRefNotFound",
                "The ParametersRef resource could not be found",
            )
        )
    return dedupe(conds)


def _major_minor(version: str) -> tuple[str, str]:
    parts = version.lstrip("v").split(".")
    return (parts[0], parts[1] if len(parts) > 1 else "")


# -- upstreams ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NgfUpstream:
    """An NGF upstream: a Service port (`<ns>_<svc>_<port>`), or `invalid-backend-ref` (500)."""

    namespace: str
    service: str
    port: int | None = None
    invalid: bool = False

    @property
    def name(self) -> str:
        if self.invalid:
            return INVALID_BACKEND_REF
        return f"{self.namespace}_{self.service}_{self.port}"


def _field_path(rule: int, ref: int, leaf: str) -> str:
    return f"spec.rules[{rule}].backendRefs[{ref}].{leaf}"


def _check_backend(
    ref: dict, route_ns: str, rule: int, index: int, services: dict, grants: list[dict]
) -> tuple[NgfUpstream, Condition | None]:
    """One backendRef as graph/backend_refs.go validates it: (upstream, failing ResolvedRefs condition)."""
    name = ref.get("name", "")
    ns = ref.get("namespace") or route_ns
    group, kind = ref.get("group", ""), ref.get("kind", "Service")
    bad = NgfUpstream(ns, name, ref.get("port"), invalid=True)
    if group not in ("", "core"):
        msg = (
            f'{_field_path(rule, index, "group")}: Unsupported value: "{group}": supported values: "core", ""'
        )
        return bad, Condition("ResolvedRefs", "False", "InvalidKind", msg)
    if kind != "Service":
        msg = f'{_field_path(rule, index, "kind")}: Unsupported value: "{kind}": supported values: "Service"'
        return bad, Condition("ResolvedRefs", "False", "InvalidKind", msg)
    if ns != route_ns and not _granted(grants, route_ns, ns, name):
        msg = (
            f"{_field_path(rule, index, 'namespace')}: Forbidden: Backend ref to Service {ns}/{name} not permitted "
            "by any ReferenceGrant"
        )
        return bad, Condition("ResolvedRefs", "False", "RefNotPermitted", msg)
    port = ref.get("port")
    if port is None:
        msg = f"{_field_path(rule, index, 'port')}: Required value: port cannot be nil"
        return bad, Condition("ResolvedRefs", "False", "UnsupportedValue", msg)
    svc = services.get((ns, name))
    if svc is None:
        msg = f'{_field_path(rule, index, "name")}: Not found: "{name}"'
        return bad, Condition("ResolvedRefs", "False", "BackendNotFound", msg)
    if not any(int(p.get("port", 0)) == int(port) for p in (svc.get("spec") or {}).get("ports") or []):
        msg = f"No matching port for Service {name} and port {port}"
        return bad, Condition("ResolvedRefs", "False", "BackendNotFound", msg)
    return NgfUpstream(ns, name, int(port)), None


def _granted(grants: list[dict], route_ns: str, svc_ns: str, svc_name: str) -> bool:
    """A ReferenceGrant in the Service's namespace lets HTTPRoutes of `route_ns` refer to it."""
    for grant in grants:
        if (grant.get("metadata") or {}).get("namespace") != svc_ns:
            continue
        spec = grant.get("spec") or {}
        from_ok = any(
            f.get("group") == GROUP and f.get("kind") == "HTTPRoute" and f.get("namespace") == route_ns
            for f in spec.get("from") or []
        )
        to_ok = any(
            t.get("group", "") in ("", "core")
            and t.get("kind") == "Service"
            and t.get("name") in (None, "", svc_name)
            for t in spec.get("to") or []
        )
        if from_ok and to_ok:
            return True
    return False


# -- resolution --------------------------------------------------------------------------------------------
@dataclass
class Resolution:
    """What NGF derives for one Gateway: per-listener attached routes, route parent statuses, nginx servers.

    - `attached[listener name]`: the routes (namespace, name) bound to it (the status' attachedRoutes);
    - `parents[(route ns, route name)]`: a list of (parentRef, conditions) for this Gateway's parentRefs;
    - `servers[port][hostname]`: the ordered routes of each nginx server.
    """

    attached: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    parents: dict[tuple[str, str], list[tuple[dict, list[Condition]]]] = field(default_factory=dict)
    servers: dict[int, dict[str, list[Route]]] = field(default_factory=dict)


def _rule_destinations(
    route: dict, rule_index: int, rule: dict, services: dict, grants: list[dict]
) -> tuple[tuple[Destination, ...], list[Condition]]:
    ns = route["metadata"].get("namespace") or "default"
    dests: list[Destination] = []
    failures: list[Condition] = []
    for j, ref in enumerate(rule.get("backendRefs") or []):
        upstream, problem = _check_backend(ref, ns, rule_index, j, services, grants)
        if problem is not None:
            failures.append(problem)
        dests.append(Destination(upstream, int(ref.get("weight", 1))))
    if not dests:
        dests.append(Destination(NgfUpstream(ns, "", None, invalid=True), 1))
    return tuple(dests), failures


def _server_name(host: str) -> str:
    return CATCH_ALL_SERVER if host in ("", "*") else host


_PARENT_TEXTS = {
    "NoMatchingParent": ROUTE_NO_PARENT,
    "NotAllowedByListeners": ROUTE_NOT_ALLOWED,
    "NoMatchingListenerHostname": ROUTE_NO_HOSTNAME,
}


def resolve(
    gateway: dict,
    routes: Iterable[dict],
    services: Iterable[dict] = (),
    reference_grants: Iterable[dict] = (),
    namespaces: Iterable[dict] = (),
) -> Resolution:
    """Bind HTTPRoutes to the Gateway's listeners (the shared core's attachment) and build NGF's servers.

    Which parentRefs attach to which listener, the served hostnames and the order of matches come from
    `routing.gatewayapi.resolve`; NGF's own parts are its condition texts, its backendRef checks (a missing
    `port` is an invalid backend answered 500, not a route error) and its upstream names.
    """
    meta = gateway["metadata"]
    gw_ns, gw_name = meta.get("namespace") or "default", meta["name"]
    routes = list(routes)
    services = list(services)
    grants = list(reference_grants)
    class_name = (gateway.get("spec") or {}).get("gatewayClassName") or GATEWAY_CLASS
    inputs = Inputs(
        gateways=(gateway,),
        http_routes=tuple(routes),
        reference_grants=tuple(grants),
        services={(s["metadata"].get("namespace") or "default", s["metadata"]["name"]): s for s in services},
        namespaces={n["metadata"]["name"]: n for n in namespaces},
    )
    impl = Implementation(CONTROLLER_NAME, NGF_TEXTS, {class_name: CONTROLLER_NAME}, "nginx-gateway-fabric")
    core = core_resolve(inputs, impl)
    gw = core.gateway(gw_ns, gw_name)
    res = Resolution(attached={lst.name: [] for lst in gw.listeners})
    svc_index = dict(inputs.services)
    by_key = {(r["metadata"].get("namespace") or "default", r["metadata"]["name"]): r for r in routes}
    entries: dict[int, dict[str, list[tuple[tuple, tuple, Route]]]] = {}
    for rr in core.routes:  # oldest route first, then namespace/name
        key = (rr.namespace, rr.name)
        route = by_key[key]
        rules = (route.get("spec") or {}).get("rules") or [{}]
        built = [_rule_destinations(route, i, rule, svc_index, grants) for i, rule in enumerate(rules)]
        failures = [c for _, fails in built for c in fails]
        for outcome in rr.parents:
            conds = [ROUTE_ACCEPTED, ROUTE_RESOLVED]
            if outcome.problem is not None:
                problem = outcome.problem
                conds.append(
                    _PARENT_TEXTS.get(problem.reason)
                    or Condition("Accepted", "False", problem.reason, problem.message(NGF_TEXTS))
                )
            res.parents.setdefault(key, []).append((outcome.parent_ref, dedupe([*conds, *failures])))
        for att in rr.attachments:
            if (att.namespace, att.gateway) != (gw_ns, gw_name):
                continue
            listener = gw.listener(att.listener)
            if key not in res.attached[listener.name]:
                res.attached[listener.name].append(key)
            for raw in att.route_hosts:
                host = hn.intersect(listener.hostname, raw)
                if host is None:
                    continue
                bucket = entries.setdefault(listener.port, {}).setdefault(_server_name(host), [])
                for i, rule in enumerate(rules):
                    for m, match in enumerate(rule_matches(rule)):
                        where = (rr.namespace, rr.name, i, m)
                        if any(e[1] == where for e in bucket):
                            continue  # reached through a second listener on the same port
                        r = Route(
                            route_match(match),
                            built[i][0],
                            source=Source("HTTPRoute", rr.name, rr.namespace, i, m),
                        )
                        bucket.append((match_key(match), where, r))
    for port, hosts in entries.items():
        res.servers[port] = {
            host: [e[2] for e in sorted(bucket, key=lambda e: e[0])]  # stable: route order, rule, match
            for host, bucket in sorted(hosts.items(), key=lambda kv: tuple(-x for x in domain_rank(kv[0])))
        }
    return res


def ngf_route_configs(resolution: Resolution) -> dict[int, RouteConfiguration]:
    """Each port's nginx servers as a RouteConfiguration; a Host none takes selects nothing (default server 404)."""
    out: dict[int, RouteConfiguration] = {}
    for port, hosts in sorted(resolution.servers.items()):
        vhosts = tuple(
            VirtualHost(host, ("*" if host == CATCH_ALL_SERVER else host,), tuple(routes))
            for host, routes in hosts.items()
        )
        out[port] = RouteConfiguration(
            f"ngf_{port}", vhosts, wildcard=SUFFIX_WILDCARD, strip_trailing_dot=True
        )
    return out
