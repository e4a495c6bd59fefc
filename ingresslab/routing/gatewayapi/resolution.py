"""Which HTTPRoutes attach to which Gateway listeners, and what each listener+host then routes, in order.

`resolve(inputs, controller)` is pure: Kubernetes objects (dicts) in, frozen dataclasses out. It follows the
Gateway API spec as Istio 1.23 implements it (pilot/pkg/config/kube/gateway/conversion.go:
`convertGateways`, `extractParentReferenceInfo`, `referenceAllowed`, `hostnameAllowedByIsolation`,
`buildDestination`; conditions.go: `createRouteStatus`):

- A Gateway is handled when its class (a GatewayClass, or one of the implementation's built-in class names)
  names the controller. Routes referencing any other parent get no parent status from this controller.
- A parentRef (group/kind default Gateway, namespace default the route's) is tried against every listener
  of the Gateway; per listener, in this order: `port` mismatch → NoMatchingParent `port N not found`;
  `sectionName` mismatch → NoMatchingParent; hostnames (route vs listener, bidirectional wildcard match) and
  the listener's allowed namespaces (`From` Same (default) / All / Selector on namespace labels, with the
  implicit `kubernetes.io/metadata.name`) → NotAllowedByListeners / NoMatchingListenerHostname; route kind
  allowed (HTTPRoute on HTTP/HTTPS listeners, `allowedRoutes.kinds`) → NotAllowedByListeners. Every listener
  accepting it counts one `attachedRoutes`. The parent's status reports the best outcome over its listeners
  (none failed > NotAllowedByListeners > NoMatchingListenerHostname > NoMatchingParent), messages joined `; `.
- Backends: cross-namespace without a ReferenceGrant (in the Service's namespace, from HTTPRoute in the
  route's namespace, to Service, optionally by name) → RefNotPermitted; a Service without `port` → hard error
  (the route is not programmed); a missing Service → BackendNotFound; another kind → InvalidKind. The last
  backend problem of the route is its ResolvedRefs condition (same for every parent).
- Per listener, a route serves each of its hostnames (none: `*`) that intersects the listener's hostname and
  that no more specific listener on the same port+protocol claims (Istio's "isolation"); entries are grouped
  by the served host and ordered by `precedence`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ingresslab.routing.gatewayapi import hostnames as hn
from ingresslab.routing.gatewayapi.matching import route_match, rule_matches
from ingresslab.routing.gatewayapi.precedence import match_key, route_order_key
from ingresslab.routing.gatewayapi.texts import ISTIO_TEXTS, Texts
from ingresslab.routing.hosts import domain_rank
from ingresslab.routing.model import RouteMatch, Source
from ingresslab.routing.names import CLUSTER_DOMAIN

__all__ = [
    "GROUP",
    "ISTIO",
    "ISTIO_CONTROLLER",
    "Attachment",
    "Backend",
    "GatewayResolution",
    "HostRoutes",
    "Implementation",
    "Inputs",
    "ListenerResolution",
    "ParentOutcome",
    "Problem",
    "Resolution",
    "RouteEntry",
    "RouteResolution",
    "resolve",
]

GROUP = "gateway.networking.k8s.io"
ISTIO_CONTROLLER = "istio.io/gateway-controller"
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
_HTTP_KINDS = ({"group": GROUP, "kind": "HTTPRoute"}, {"group": GROUP, "kind": "GRPCRoute"})
_PARENT_RANKING = (
    "",
    "NotAllowedByListeners",
    "NoMatchingListenerHostname",
    "ParentRefConflict",
    "NoMatchingParent",
)


@dataclass(frozen=True, slots=True)
class Implementation:
    """A Gateway API controller: its controllerName, built-in class names, and status texts."""

    controller_name: str
    texts: Texts
    builtin_classes: Mapping[str, str] = field(default_factory=dict)  # class name → controllerName
    name: str = ""


ISTIO = Implementation(
    ISTIO_CONTROLLER,
    ISTIO_TEXTS,
    {"istio": ISTIO_CONTROLLER, "istio-remote": "istio.io/unmanaged-gateway"},
    "istio",
)


@dataclass(frozen=True, slots=True)
class Inputs:
    """The objects a controller reads. `services` by (namespace, name), `namespaces` by name (Namespace objects)."""

    gateway_classes: tuple[dict, ...] = ()
    gateways: tuple[dict, ...] = ()
    http_routes: tuple[dict, ...] = ()
    reference_grants: tuple[dict, ...] = ()
    services: Mapping[tuple[str, str], dict] = field(default_factory=dict)
    namespaces: Mapping[str, dict] = field(default_factory=dict)
    domain: str = CLUSTER_DOMAIN


@dataclass(frozen=True, slots=True)
class Problem:
    """A condition that is not OK: its `reason`, and a message `key` + `args` a `Texts` record words."""

    reason: str
    key: str
    args: tuple = ()
    also: tuple[Problem, ...] = ()  # more listeners' problems of the same reason, joined with `; `

    def message(self, texts: Texts) -> str:
        return "; ".join(texts.problem(p.key, p.args) for p in (self, *self.also))


@dataclass(frozen=True, slots=True)
class Backend:
    """One backendRef as resolved: where it points, its weight, and why it is invalid (None: valid)."""

    name: str
    namespace: str
    port: int | None
    weight: int = 1
    group: str = ""
    kind: str = "Service"
    problem: Problem | None = None
    domain: str = CLUSTER_DOMAIN

    @property
    def fqdn(self) -> str:
        return f"{self.name}.{self.namespace}.svc.{self.domain}"

    @property
    def valid(self) -> bool:
        return self.problem is None


@dataclass(frozen=True, slots=True)
class RouteEntry:
    """One match of one rule of one HTTPRoute, with the rule's backends: what any implementation renders.

    `status` is the spec's direct answer when the rule cannot forward (None: forward to `backends`, or the
    `redirect`): 404 for a rule without backendRefs, 500 when every backend is invalid or has weight 0. (Istio 1.23 answers 500 for
    both; see `istio.py`.)
    """

    match: RouteMatch
    http_match: dict  # the defaulted HTTPRouteMatch
    backends: tuple[Backend, ...]
    namespace: str
    route: str
    rule: int
    match_index: int
    creation: str = ""
    filters: tuple[dict, ...] = ()
    rule_name: str | None = None

    @property
    def source(self) -> Source:
        return Source("HTTPRoute", self.route, self.namespace, rule=self.rule)

    @property
    def name(self) -> str:
        """Istio's route name (Envoy %ROUTE_NAME%): `<ns>.<route>.<rule index>`."""
        return f"{self.namespace}.{self.route}.{self.rule}"

    @property
    def redirect(self) -> dict | None:
        """The rule's RequestRedirect filter, if any (it answers instead of forwarding)."""
        return next(
            (f.get("requestRedirect") for f in self.filters if f.get("type") == "RequestRedirect"), None
        )

    @property
    def status(self) -> int | None:
        if self.redirect is not None:
            return None
        if not self.backends:
            return 404
        if sum(b.weight for b in self.backends) == 0 or not any(b.valid for b in self.backends if b.weight):
            return 500
        return None


@dataclass(frozen=True, slots=True)
class HostRoutes:
    """The ordered entries a listener serves for one host (the listener ∩ route hostname; `*`: any host)."""

    hostname: str
    entries: tuple[RouteEntry, ...]


@dataclass(frozen=True, slots=True)
class ListenerResolution:
    namespace: str
    gateway: str
    index: int
    name: str
    port: int
    protocol: str
    hostname: str | None
    allowed_namespaces: tuple[str, ...]  # `*` for all; empty: none
    supported_kinds: tuple[dict, ...]
    kinds_valid: bool
    attached_routes: int
    hosts: tuple[HostRoutes, ...]  # most specific host first

    @property
    def server_hosts(self) -> tuple[str, ...]:
        """Istio's `buildHostnameMatch`: `<ns>/<hostname or *>` per allowed namespace, else `~/<host>`."""
        host = self.hostname or "*"
        return tuple(f"{ns}/{host}" for ns in self.allowed_namespaces) or (f"~/{host}",)


@dataclass(frozen=True, slots=True)
class GatewayResolution:
    namespace: str
    name: str
    class_name: str
    generation: int
    listeners: tuple[ListenerResolution, ...]
    obj: dict = field(default_factory=dict, compare=False, repr=False)

    def listener(self, name: str) -> ListenerResolution:
        return next(li for li in self.listeners if li.name == name)


@dataclass(frozen=True, slots=True)
class ParentOutcome:
    """A route's merged result for one of its parentRefs (as written)."""

    parent_ref: dict
    problem: Problem | None  # Accepted False
    accepted_count: int  # listeners that accepted the route through this ref


@dataclass(frozen=True, slots=True)
class Attachment:
    """A listener that accepted a route, and the route's own hostnames (`*`: none) it may serve there
    (those a more specific sibling listener does not claim; not yet intersected with the listener's)."""

    namespace: str
    gateway: str
    listener: str
    route_hosts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RouteResolution:
    namespace: str
    name: str
    generation: int
    parents: tuple[ParentOutcome, ...]
    refs_problem: Problem | None  # ResolvedRefs False
    programmed: bool  # False: a hard error kept every rule out of the data plane
    entries: tuple[RouteEntry, ...] = ()  # every rule × match, in rule/match order
    attachments: tuple[Attachment, ...] = ()
    creation: str = ""
    obj: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Resolution:
    implementation: Implementation
    classes: tuple[dict, ...]  # the GatewayClass objects this controller handles
    gateways: tuple[GatewayResolution, ...]
    routes: tuple[RouteResolution, ...]
    domain: str = CLUSTER_DOMAIN
    inputs: Inputs = field(default_factory=Inputs, compare=False, repr=False)

    def gateway(self, namespace: str, name: str) -> GatewayResolution:
        return next(g for g in self.gateways if (g.namespace, g.name) == (namespace, name))

    def route(self, namespace: str, name: str) -> RouteResolution:
        return next(r for r in self.routes if (r.namespace, r.name) == (namespace, name))


# -- helpers ---------------------------------------------------------------------------------------------
def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _ns(obj: dict) -> str:
    return _meta(obj).get("namespace") or "default"


def _labels_match(selector: dict | None, labels: Mapping[str, str]) -> bool:
    """A metav1.LabelSelector (matchLabels + matchExpressions); an empty selector matches everything."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _allowed_namespaces(listener: dict, gw_ns: str, namespaces: Mapping[str, dict]) -> tuple[str, ...]:
    spec = ((listener.get("allowedRoutes") or {}).get("namespaces")) or {}
    source = spec.get("from") or "Same"
    if source == "Same":
        return (gw_ns,)
    if source == "All" or spec.get("selector") is None:
        return ("*",)
    out = []
    for name, obj in namespaces.items():
        labels = dict(_meta(obj).get("labels") or {})
        labels.setdefault(NAMESPACE_NAME_LABEL, name)
        if _labels_match(spec["selector"], labels):
            out.append(name)
    return tuple(sorted(out))


def _supported_kinds(listener: dict) -> tuple[tuple[dict, ...], bool]:
    """Istio's `generateSupportedKinds`: HTTP/HTTPS → HTTPRoute, GRPCRoute; TCP → TCPRoute; TLS → TLSRoute
    (Passthrough) or TCPRoute; others none — then narrowed to `allowedRoutes.kinds`."""
    protocol = listener.get("protocol")
    supported: tuple[dict, ...] = ()
    if protocol in ("HTTP", "HTTPS"):
        supported = _HTTP_KINDS
    elif protocol == "TCP":
        supported = ({"group": GROUP, "kind": "TCPRoute"},)
    elif protocol == "TLS":
        passthrough = ((listener.get("tls") or {}).get("mode")) == "Passthrough"
        supported = ({"group": GROUP, "kind": "TLSRoute" if passthrough else "TCPRoute"},)
    wanted = (listener.get("allowedRoutes") or {}).get("kinds") or []
    if not wanted:
        return tuple(dict(k) for k in supported), True
    keep = tuple(
        dict(s)
        for s in supported
        if any(w.get("kind") == s["kind"] and (w.get("group") or GROUP) == s["group"] for w in wanted)
    )
    return keep, len(keep) == len(wanted)


def _parent_ref_string(ref: dict) -> str:
    """Istio's `parentRefString`: `group/kind/name/section/port.namespace` as written (unset: empty, port 0)."""
    return (
        f"{ref.get('group') or ''}/{ref.get('kind') or ''}/{ref.get('name') or ''}/"
        f"{ref.get('sectionName') or ''}/{ref.get('port') or 0}.{ref.get('namespace') or ''}"
    )


def _grants(grants: tuple[dict, ...]) -> dict[tuple[str, str], set[str] | None]:
    """(route namespace, service namespace) → allowed Service names (None: all) from HTTPRoute ReferenceGrants."""
    out: dict[tuple[str, str], set[str] | None] = {}
    for g in grants:
        spec = g.get("spec") or {}
        for frm in spec.get("from") or []:
            if frm.get("group") != GROUP or frm.get("kind") != "HTTPRoute":
                continue
            for to in spec.get("to") or []:
                if (to.get("group") or "") != "" or to.get("kind") != "Service":
                    continue
                key = (frm.get("namespace") or "", _ns(g))
                if to.get("name"):
                    names = out.get(key, set())
                    if names is not None:
                        names.add(to["name"])
                        out[key] = names
                else:
                    out[key] = None
    return out


class _HardError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _backend(ref: dict, route_ns: str, inputs: Inputs, grants: Mapping) -> Backend:
    """Istio's `buildDestination` checks, in its order."""
    name, group, kind = ref.get("name") or "", ref.get("group") or "", ref.get("kind") or "Service"
    ns = ref.get("namespace") or route_ns
    port = ref.get("port")
    weight = int(ref.get("weight", 1))
    problem = None
    if weight == 0:  # dropped before any check (`buildHTTPDestination`)
        return Backend(name, ns, int(port) if port is not None else None, 0, group, kind, None, inputs.domain)
    if ns != route_ns:
        allowed = grants.get((route_ns, ns), set())
        if allowed is not None and name not in allowed:
            problem = Problem("RefNotPermitted", "ref_not_permitted", (name, ns, "HTTPRoute", route_ns))
    if problem is None:
        if group == "" and kind == "Service":
            if port is None:
                raise _HardError(Problem("InvalidDestination", "port_required"))
            if "." in name:
                raise _HardError(Problem("InvalidDestination", "service_name_invalid"))
            if (ns, name) not in inputs.services:
                fqdn = f"{name}.{ns}.svc.{inputs.domain}"
                problem = Problem("BackendNotFound", "backend_not_found", (fqdn,))
        else:
            problem = Problem("InvalidKind", "invalid_kind", (group, kind))
    return Backend(
        name, ns, int(port) if port is not None else None, weight, group, kind, problem, inputs.domain
    )


@dataclass(slots=True)
class _Listener:
    gw: dict
    index: int
    spec: dict
    allowed: tuple[str, ...]
    kinds: tuple[dict, ...]
    kinds_valid: bool
    attached: int = 0
    served: list[tuple[str, RouteEntry]] = field(default_factory=list)

    @property
    def hostname(self) -> str | None:
        return self.spec.get("hostname") or None

    @property
    def port(self) -> int:
        return int(self.spec.get("port") or 0)


def _denied(lst: _Listener, ref: dict, route_hosts: list[str], route_ns: str) -> Problem | None:
    """Istio's `referenceAllowed` for one listener."""
    port = ref.get("port")
    if port and int(port) != lst.port:
        return Problem("NoMatchingParent", "port_not_found", (int(port),))
    section = ref.get("sectionName")
    if section and section != lst.spec.get("name"):
        return Problem("NoMatchingParent", "section_not_found", (section,))
    matched = host_matched = False
    for route_host in route_hosts or ["*"]:
        for server_host in _server_hosts(lst):
            server_ns, _, server_name = server_host.partition("/")
            ok_host = hn.matches(server_name, route_host)
            host_matched = host_matched or ok_host
            if ok_host and server_ns in ("*", route_ns):
                matched = True
                break
        if matched:
            break
    original = lst.hostname or ""
    if not matched:
        if host_matched:
            return Problem("NotAllowedByListeners", "namespace_not_allowed", (original, route_ns))
        return Problem("NoMatchingListenerHostname", "no_hostname", (original,))
    if not any(k["kind"] == "HTTPRoute" and k["group"] == GROUP for k in lst.kinds):
        # Istio 1.23 names its internal HTTPRoute kind by version v1beta1
        return Problem("NotAllowedByListeners", "kind_not_allowed", (f"{GROUP}/v1beta1/HTTPRoute",))
    return None


def _server_hosts(lst: _Listener) -> tuple[str, ...]:
    host = lst.hostname or "*"
    return tuple(f"{ns}/{host}" for ns in lst.allowed) or (f"~/{host}",)


def _isolated(lst: _Listener, route_host: str, siblings: list[_Listener]) -> bool:
    """Istio's `hostnameAllowedByIsolation`: a more specific sibling listener claims this route host."""
    ours = lst.hostname or ""
    if ours and not ours.startswith("*"):
        return True
    if ours and not hn.matches(route_host, ours):
        return False
    for other in siblings:
        if other is lst or other.port != lst.port or other.spec.get("protocol") != lst.spec.get("protocol"):
            continue
        check = other.hostname or ""
        if check == ours or len(ours) > len(check):
            continue
        if hn.subset_of(route_host, check):
            return False
    return True


def _merge_parents(attempts: list[tuple[dict, Problem | None]]) -> list[ParentOutcome]:
    """Istio's `createRouteStatus`: one outcome per parentRef, the best-ranked reason over its listeners."""
    by_ref: dict[str, list[tuple[dict, Problem | None]]] = {}
    for ref, problem in attempts:
        by_ref.setdefault(_parent_ref_string(ref), []).append((ref, problem))
    seen = {(p.reason if p else "") for _, p in attempts}
    want = next((r for r in _PARENT_RANKING if r in seen), None)
    out = []
    for items in by_ref.values():
        ok = sum(1 for _, p in items if p is None)
        chosen = [(ref, p) for ref, p in items if (p.reason if p else "") == want]
        if not chosen:
            continue  # Istio reports only parents that have the globally best reason
        problem = None
        for _, p in chosen:
            if p is None:
                continue
            if problem is None:
                problem = p
            else:
                problem = Problem(problem.reason, problem.key, problem.args, (*problem.also, p))
        out.append(ParentOutcome(chosen[0][0], problem, ok))
    return out


def resolve(inputs: Inputs, controller: str | Implementation = ISTIO) -> Resolution:
    """The attachments, statuses and per-listener, per-host ordered routes of one controller."""
    impl = controller if isinstance(controller, Implementation) else Implementation(controller, ISTIO_TEXTS)
    classes = {n: c for n, c in impl.builtin_classes.items() if c == impl.controller_name}
    handled_classes = []
    for gc in inputs.gateway_classes:
        if (gc.get("spec") or {}).get("controllerName") == impl.controller_name:
            classes[_meta(gc).get("name")] = impl.controller_name
            handled_classes.append(gc)
        else:
            classes.pop(_meta(gc).get("name"), None)

    listeners: dict[tuple[str, str], list[_Listener]] = {}
    gateways = sorted(
        (g for g in inputs.gateways if (g.get("spec") or {}).get("gatewayClassName") in classes),
        key=lambda g: (_ns(g), _meta(g).get("name")),
    )
    for gw in gateways:
        ls = []
        for i, spec in enumerate((gw.get("spec") or {}).get("listeners") or []):
            kinds, valid = _supported_kinds(spec)
            ls.append(
                _Listener(gw, i, spec, _allowed_namespaces(spec, _ns(gw), inputs.namespaces), kinds, valid)
            )
        listeners[(_ns(gw), _meta(gw)["name"])] = ls

    grants = _grants(inputs.reference_grants)
    routes_out = []
    for route in sorted(inputs.http_routes, key=route_order_key):
        ns, name = _ns(route), _meta(route)["name"]
        spec = route.get("spec") or {}
        hostnames = list(spec.get("hostnames") or [])
        attempts: list[tuple[dict, Problem | None]] = []
        accepted: list[_Listener] = []
        for ref in spec.get("parentRefs") or []:
            if (ref.get("group") or GROUP) != GROUP or (ref.get("kind") or "Gateway") != "Gateway":
                continue  # mesh (Service) parents are not modelled
            siblings = listeners.get((ref.get("namespace") or ns, ref.get("name")), [])
            for lst in siblings:
                problem = _denied(lst, ref, hostnames, ns)
                attempts.append((ref, problem))
                if problem is None:
                    lst.attached += 1
                    accepted.append(lst)
        entries: list[RouteEntry] = []
        refs_problem: Problem | None = None
        programmed = True
        try:
            for i, rule in enumerate(spec.get("rules") or []):
                backends = []
                for ref in rule.get("backendRefs") or []:
                    b = _backend(ref, ns, inputs, grants)
                    if b.problem is not None and b.weight:
                        refs_problem = b.problem
                    backends.append(b)
                for j, m in enumerate(rule_matches(rule)):
                    entries.append(
                        RouteEntry(
                            route_match(m),
                            m,
                            tuple(backends),
                            ns,
                            name,
                            i,
                            j,
                            _meta(route).get("creationTimestamp") or "",
                            tuple(rule.get("filters") or ()),
                            rule.get("name"),
                        )
                    )
        except _HardError as err:
            refs_problem, entries, programmed = err.problem, [], False
        attachments: list[Attachment] = []
        for lst in accepted:
            siblings = listeners[(_ns(lst.gw), _meta(lst.gw)["name"])]
            allowed = tuple(raw for raw in hostnames or ["*"] if _isolated(lst, raw, siblings))
            attachment = Attachment(_ns(lst.gw), _meta(lst.gw)["name"], lst.spec.get("name") or "", allowed)
            if attachment in attachments:
                continue
            attachments.append(attachment)
            for raw in allowed:
                host = hn.intersect(lst.hostname, raw)
                if host is not None:
                    lst.served.extend((host, e) for e in entries)
        routes_out.append(
            RouteResolution(
                ns,
                name,
                int(_meta(route).get("generation") or 0),
                tuple(_merge_parents(attempts)),
                refs_problem,
                programmed,
                tuple(entries),
                tuple(attachments),
                _meta(route).get("creationTimestamp") or "",
                route,
            )
        )

    gw_out = []
    for gw in gateways:
        key = (_ns(gw), _meta(gw)["name"])
        res = []
        for lst in listeners[key]:
            groups: dict[str, list[RouteEntry]] = {}
            for host, entry in lst.served:
                bucket = groups.setdefault(host, [])
                if entry not in bucket:
                    bucket.append(entry)
            hosts = tuple(
                HostRoutes(h, tuple(sorted(es, key=lambda e: match_key(e.http_match))))
                for h, es in sorted(
                    groups.items(), key=lambda kv: (tuple(-x for x in domain_rank(kv[0])), kv[0])
                )
            )
            res.append(
                ListenerResolution(
                    key[0],
                    key[1],
                    lst.index,
                    lst.spec.get("name") or "",
                    lst.port,
                    lst.spec.get("protocol") or "",
                    lst.hostname,
                    lst.allowed,
                    lst.kinds,
                    lst.kinds_valid,
                    lst.attached,
                    hosts,
                )
            )
        gw_out.append(
            GatewayResolution(
                key[0],
                key[1],
                (gw.get("spec") or {}).get("gatewayClassName") or "",
                int(_meta(gw).get("generation") or 0),
                tuple(res),
                gw,
            )
        )
    return Resolution(impl, tuple(handled_classes), tuple(gw_out), tuple(routes_out), inputs.domain, inputs)
