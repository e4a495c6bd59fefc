"""Egress in the route model: what a sidecar's outbound listeners hold for hosts outside the cluster, and what
an egress gateway holds for TLS it passes through.

    out = sidecar_outbound("default", service_entries, virtual_services, destination_rules, services,
                           mode=outbound_mode(mesh_yaml))
    out.http_listener(80)            # Listener 0.0.0.0_80, RouteConfiguration "80"
    out.tls_route(443, "edition.cnn.com")   # the SNI filter chain that takes a TLS connection, or None
    out.catch_all                    # PassthroughCluster (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY)
    out.services                     # ExternalService per ServiceEntry host x port (cluster name and type)
    gateway_tls_routes(gateways, virtual_services, proxy_labels, gateway_service)   # PASSTHROUGH servers
    origination(destination_rules, key, namespace)   # TLS a DestinationRule originates on a cluster

Facts modelled (Istio 1.23, pilot/pkg/networking/core):
- `meshConfig.outboundTrafficPolicy.mode`: ALLOW_ANY (the default, also when the mesh config says nothing)
  or REGISTRY_ONLY. Each sidecar HTTP route configuration (named by port, "80") ends with a catch-all
  virtual host for `*`: `allow_any` (route `allow_any` → PassthroughCluster) or `block_all` (route
  `block_all`, Envoy's direct response 502). Non-HTTP traffic that no filter chain takes goes to the
  15001 listener's catch-all: PassthroughCluster (ORIGINAL_DST) or BlackHoleCluster (STATIC, no endpoints).
- A ServiceEntry gives one cluster per host and port, `outbound|<port>||<host>`; its type follows
  `resolution`: DNS → STRICT_DNS, DNS_ROUND_ROBIN → LOGICAL_DNS, STATIC → EDS, NONE → ORIGINAL_DST.
  HTTP-family ports (HTTP, HTTP2, GRPC) add a virtual host `<host>:<port>` to route configuration
  `<port>`; HTTPS and TLS ports add a filter chain matched on SNI = the host (TCP proxy, route `-`).
- A VirtualService applies to sidecars when its `gateways` is empty or names `mesh`; its match entries
  may narrow that (`gateways`, `port`). Its routes replace the host's default route (named `default`);
  its `tls` routes replace the host's SNI chain. Unnamed VirtualService routes log route name `-`.
- Hosts are used as written when they contain a dot (`edition.cnn.com`); a bare name is the namespace's
  Service (`<name>.<ns>.svc.cluster.local`).
- Gateways: a server with `protocol: TLS` and `tls.mode: PASSTHROUGH` listens on the target port its
  Service maps the server port to (443 → 8443) and sends each SNI to what the bound VirtualService's `tls`
  route says; a DestinationRule's `trafficPolicy.tls` (or its `portLevelSettings`) with mode SIMPLE makes
  the client proxy originate TLS to that cluster, with `sni` when set.
Kubernetes Services in the same route configuration are listed (domains: FQDN, the short forms within
their namespace, the ClusterIP) so that renderers see the whole table; the data plane uses the table for
traffic to addresses outside the cluster.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ingresslab.routing.hosts import domain_matches
from ingresslab.routing.istio import _bound, _destinations, _selector_matches, match_applies
from ingresslab.routing.istio import _routes as _vs_routes
from ingresslab.routing.model import (
    ClusterKey,
    Destination,
    Listener,
    Route,
    RouteConfiguration,
    RouteMatch,
    Source,
    VirtualHost,
)
from ingresslab.routing.names import service_fqdn

__all__ = [
    "ALLOW_ANY",
    "BLACKHOLE",
    "HTTP_PROTOCOLS",
    "PASSTHROUGH",
    "REGISTRY_ONLY",
    "TLS_PROTOCOLS",
    "ExternalService",
    "SidecarOutbound",
    "SniRoute",
    "StaticCluster",
    "TlsOrigination",
    "external_services",
    "gateway_tls_routes",
    "origination",
    "outbound_mode",
    "sidecar_outbound",
]

ALLOW_ANY = "ALLOW_ANY"
REGISTRY_ONLY = "REGISTRY_ONLY"
HTTP_PROTOCOLS = frozenset({"HTTP", "HTTP2", "GRPC", "GRPC-WEB"})
TLS_PROTOCOLS = frozenset({"HTTPS", "TLS"})
_CLUSTER_TYPES = {
    "DNS": "STRICT_DNS",
    "DNS_ROUND_ROBIN": "LOGICAL_DNS",
    "STATIC": "EDS",
    "NONE": "ORIGINAL_DST",
}
Services = Mapping[tuple[str, str], dict]


@dataclass(frozen=True, slots=True)
class StaticCluster:
    """A cluster Istio adds to every sidecar, named without a key: PassthroughCluster, BlackHoleCluster."""

    name: str
    type: str  # ORIGINAL_DST or STATIC


PASSTHROUGH = StaticCluster("PassthroughCluster", "ORIGINAL_DST")
BLACKHOLE = StaticCluster("BlackHoleCluster", "STATIC")


@dataclass(frozen=True, slots=True)
class ExternalService:
    """One ServiceEntry host at one port, as istiod turns it into a cluster."""

    host: str
    port: int
    protocol: str
    port_name: str
    resolution: str = "NONE"
    location: str = ""  # as written ("" when omitted: MESH_EXTERNAL)
    target_port: int | None = None
    endpoints: tuple[str, ...] = ()  # addresses of `spec.endpoints` (STATIC)
    source: Source | None = None

    @property
    def key(self) -> ClusterKey:
        return ClusterKey("outbound", self.port, "", self.host)

    def cluster_type(self, *, gateway: bool = False) -> str:
        """Envoy's discovery type: by resolution; NONE is ORIGINAL_DST on sidecars, EDS on gateways (1.4+)."""
        if gateway and self.resolution == "NONE":
            return "EDS"
        return _CLUSTER_TYPES.get(self.resolution, "ORIGINAL_DST")

    @property
    def upstream_port(self) -> int:
        """The port the endpoints are dialled on (`targetPort`, else the port itself)."""
        return self.target_port or self.port

    @property
    def is_http(self) -> bool:
        return self.protocol in HTTP_PROTOCOLS

    @property
    def is_tls(self) -> bool:
        return self.protocol in TLS_PROTOCOLS


@dataclass(frozen=True, slots=True)
class SniRoute:
    """A TCP filter chain chosen by SNI (`server_names`), proxying to one of `destinations`."""

    port: int
    sni_hosts: tuple[str, ...]
    destinations: tuple[Destination, ...]
    virtual_service: str | None = None  # `<name>.<namespace>` when a VirtualService `tls` route decided
    source: Source | None = None

    def matches(self, sni: str | None) -> bool:
        return bool(sni) and any(domain_matches(h, sni.lower()) for h in self.sni_hosts)  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class TlsOrigination:
    """`trafficPolicy.tls` of a DestinationRule for one cluster: mode SIMPLE/MUTUAL/ISTIO_MUTUAL/DISABLE."""

    mode: str
    sni: str | None = None
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class SidecarOutbound:
    """A sidecar's outbound configuration for traffic that leaves the cluster (and the route tables around it)."""

    mode: str
    http: tuple[Listener, ...]
    tls: tuple[SniRoute, ...]
    services: tuple[ExternalService, ...]

    @property
    def catch_all(self) -> StaticCluster:
        return PASSTHROUGH if self.mode != REGISTRY_ONLY else BLACKHOLE

    def http_listener(self, port: int) -> Listener | None:
        return next((lis for lis in self.http if lis.port == port), None)

    def tls_route(self, port: int, sni: str | None) -> SniRoute | None:
        return next((r for r in self.tls if r.port == port and r.matches(sni)), None)

    def service(self, key: ClusterKey) -> ExternalService | None:
        return next((s for s in self.services if s.key == key), None)


# -- inputs ---------------------------------------------------------------------------------------------
def outbound_mode(mesh: str | dict | None) -> str:
    """`outboundTrafficPolicy.mode` of a MeshConfig (the `istio` ConfigMap's `mesh` text, or parsed)."""
    if isinstance(mesh, str):
        import yaml

        try:
            mesh = yaml.safe_load(mesh) or {}
        except yaml.YAMLError:
            mesh = {}
    policy = ((mesh or {}).get("outboundTrafficPolicy") or {}) if isinstance(mesh, dict) else {}
    mode = str(policy.get("mode") or ALLOW_ANY).upper()
    return REGISTRY_ONLY if mode == REGISTRY_ONLY else ALLOW_ANY


def _visible(obj: dict, namespace: str) -> bool:
    export = (obj.get("spec") or {}).get("exportTo")
    if not export:
        return True
    own = obj["metadata"].get("namespace") or "default"
    return "*" in export or namespace in export or ("." in export and own == namespace)


def external_services(service_entries: Iterable[dict], namespace: str) -> list[ExternalService]:
    """ExternalService per host and port of the ServiceEntries visible from `namespace`, oldest first."""
    out: list[ExternalService] = []
    ordered = sorted(
        service_entries, key=lambda o: (o["metadata"].get("creationTimestamp") or "", o["metadata"]["name"])
    )
    for se in ordered:
        if not _visible(se, namespace):
            continue
        spec = se.get("spec") or {}
        ns, name = se["metadata"].get("namespace") or "default", se["metadata"]["name"]
        endpoints = tuple(e.get("address", "") for e in spec.get("endpoints") or [] if e.get("address"))
        for host in spec.get("hosts") or []:
            for port in spec.get("ports") or []:
                target = port.get("targetPort")
                out.append(
                    ExternalService(
                        host=host.lower(),
                        port=int(port.get("number", 0)),
                        protocol=str(port.get("protocol") or "TCP").upper(),
                        port_name=port.get("name", ""),
                        resolution=spec.get("resolution") or "NONE",
                        location=spec.get("location") or "",
                        target_port=int(target) if target else None,
                        endpoints=endpoints,
                        source=Source("ServiceEntry", name, ns),
                    )
                )
    return out


def _applies_to_sidecars(vs: dict, namespace: str) -> bool:
    gateways = (vs.get("spec") or {}).get("gateways")
    return (not gateways or "mesh" in gateways) and _visible(vs, namespace)


def _host_of(host: str, namespace: str) -> str:
    return host.lower() if "." in host else service_fqdn(host, namespace)


def _vs_for(host: str, virtual_services: list[dict], namespace: str) -> dict | None:
    for vs in virtual_services:
        own = vs["metadata"].get("namespace") or "default"
        for h in (vs.get("spec") or {}).get("hosts") or []:
            if domain_matches(_host_of(h, own), host) or _host_of(h, own) == host:
                return vs
    return None


def _resolved_destinations(route: Route, names: Mapping[str, str]) -> Route:
    """Routes whose destination hosts were resolved as Kubernetes short names get ServiceEntry hosts back."""
    fixed = []
    changed = False
    for d in route.destinations:
        key = d.cluster
        if isinstance(key, ClusterKey) and key.host in names:
            key = ClusterKey(key.direction, key.port, key.subset, names[key.host])
            changed = True
        fixed.append(Destination(key, d.weight))
    if not changed:
        return route
    return replace(route, destinations=tuple(fixed))


def _default_route(key: ClusterKey) -> Route:
    return Route(RouteMatch("prefix", "/"), (Destination(key),), "default")


def sidecar_outbound(
    namespace: str,
    service_entries: Iterable[dict],
    virtual_services: Iterable[dict],
    destination_rules: Iterable[dict] = (),
    services: Services | None = None,
    *,
    mode: str = ALLOW_ANY,
    ports: Iterable[int] = (80,),
) -> SidecarOutbound:
    """The outbound configuration of a sidecar in `namespace` (see the module docstring).

    `ports` are listener ports that always exist (the demo cluster always has Services on 80); every HTTP
    port of a ServiceEntry or Service adds its own. `destination_rules` are accepted for symmetry with the
    cluster view (`origination` reads them per cluster).
    """
    services = services or {}
    externals = external_services(service_entries, namespace)
    vss = [
        vs
        for vs in sorted(
            virtual_services,
            key=lambda v: (v["metadata"].get("creationTimestamp") or "", v["metadata"]["name"]),
        )
        if _applies_to_sidecars(vs, namespace)
    ]
    # Hosts `resolve_host` would read as `<a>.<b>.svc.cluster.local` keep their ServiceEntry spelling.
    se_names = {f"{e.host}.svc.cluster.local": e.host for e in externals if e.host.count(".") == 1}
    # port → virtual host name → VirtualHost
    tables: dict[int, dict[str, VirtualHost]] = {int(p): {} for p in ports}
    for (ns, name), svc in services.items():
        spec = svc.get("spec") or {}
        for sp in spec.get("ports") or []:
            if str(sp.get("protocol", "TCP")) != "TCP":
                continue
            port = int(sp["port"])
            fqdn = service_fqdn(name, ns)
            domains = [fqdn, f"{name}.{ns}.svc", f"{name}.{ns}"]
            if ns == namespace:
                domains.insert(1, name)
            if spec.get("clusterIP") and spec["clusterIP"] != "None":
                domains.append(spec["clusterIP"])
            table = tables.setdefault(port, {})
            vs = _vs_for(fqdn, vss, namespace)
            routes = _routes_for(vs, services, port, se_names) or [
                _default_route(ClusterKey("outbound", port, "", fqdn))
            ]
            table[f"{fqdn}:{port}"] = VirtualHost(f"{fqdn}:{port}", tuple(domains), tuple(routes))
    for ext in externals:
        if not ext.is_http:
            continue
        table = tables.setdefault(ext.port, {})
        vs = _vs_for(ext.host, vss, namespace)
        routes = _routes_for(vs, services, ext.port, se_names) or [_default_route(ext.key)]
        table[f"{ext.host}:{ext.port}"] = VirtualHost(f"{ext.host}:{ext.port}", (ext.host,), tuple(routes))
    listeners = []
    for port in sorted(tables):
        vhosts = list(tables[port].values())
        if mode == REGISTRY_ONLY:
            vhosts.append(
                VirtualHost(
                    "block_all",
                    ("*",),
                    (Route(RouteMatch("prefix", "/"), (), "block_all", direct_status=502),),
                )
            )
        else:
            vhosts.append(
                VirtualHost(
                    "allow_any",
                    ("*",),
                    (Route(RouteMatch("prefix", "/"), (Destination(PASSTHROUGH),), "allow_any"),),
                )  # type: ignore[arg-type]
            )
        listeners.append(Listener(port, RouteConfiguration(str(port), tuple(vhosts))))
    tls: list[SniRoute] = []
    covered: set[tuple[int, str]] = set()
    for vs in vss:
        ns, name = vs["metadata"].get("namespace") or "default", vs["metadata"]["name"]
        for i, entry in enumerate((vs.get("spec") or {}).get("tls") or []):
            dests = _resolve_dests(_destinations(entry, ns, services), se_names)
            for match in entry.get("match") or []:
                if not match_applies(match, ns, None, None):
                    continue
                port = int(match.get("port") or 443)
                hosts = tuple(h.lower() for h in match.get("sniHosts") or vs["spec"].get("hosts") or [])
                tls.append(
                    SniRoute(port, hosts, dests, f"{name}.{ns}", Source("VirtualService", name, ns, i))
                )
                covered.update((port, h) for h in hosts)
    for ext in externals:
        if ext.is_tls and (ext.port, ext.host) not in covered:
            tls.append(SniRoute(ext.port, (ext.host,), (Destination(ext.key),), None, ext.source))
    return SidecarOutbound(mode, tuple(listeners), tuple(tls), tuple(externals))


def _resolve_dests(dests: tuple[Destination, ...], names: Mapping[str, str]) -> tuple[Destination, ...]:
    out = []
    for d in dests:
        key = d.cluster
        if isinstance(key, ClusterKey) and key.host in names:
            key = ClusterKey(key.direction, key.port, key.subset, names[key.host])
        out.append(Destination(key, d.weight))
    return tuple(out)


def _routes_for(vs: dict | None, services: Services, port: int, names: Mapping[str, str]) -> list[Route]:
    if vs is None:
        return []
    routes = _vs_routes(vs, services, {}, None, port)
    out = []
    for r in routes:
        r = _resolved_destinations(r, names)
        # a VirtualService destination without a port takes the listener's port (its single-port Service's
        # otherwise, which `_destinations` already chose)
        out.append(r)
    return out


# -- clusters ---------------------------------------------------------------------------------------------
def origination(destination_rules: Iterable[dict], key: ClusterKey, namespace: str) -> TlsOrigination | None:
    """The TLS settings a DestinationRule puts on cluster `key` for a proxy in `namespace` (None: none).

    The client namespace's rule wins over others for the same host, as istiod's lookup does; a subset's
    `trafficPolicy` overrides the rule's, and `portLevelSettings` for the cluster port override both.
    """
    found = None
    for dr in destination_rules:
        own = dr["metadata"].get("namespace") or "default"
        if not _visible(dr, namespace):
            continue
        if _host_of((dr.get("spec") or {}).get("host", ""), own) != key.host:
            continue
        if found is None or own == namespace:
            found = dr
    if found is None:
        return None
    spec = found.get("spec") or {}
    source = Source(
        "DestinationRule", found["metadata"]["name"], found["metadata"].get("namespace") or "default"
    )
    policies = [spec.get("trafficPolicy") or {}]
    if key.subset:
        subset = next((s for s in spec.get("subsets") or [] if s.get("name") == key.subset), None)
        if subset is not None:
            policies.append(subset.get("trafficPolicy") or {})
    tls = None
    for policy in policies:
        if policy.get("tls"):
            tls = policy["tls"]
        for level in policy.get("portLevelSettings") or []:
            if int((level.get("port") or {}).get("number", -1)) == key.port and level.get("tls"):
                tls = level["tls"]
    if not tls or not tls.get("mode"):
        return None
    return TlsOrigination(str(tls["mode"]).upper(), tls.get("sni"), source)


def gateway_tls_routes(
    gateways: Iterable[dict],
    virtual_services: Iterable[dict],
    proxy_labels: dict,
    gateway_service: dict | None,
    services: Services | None = None,
) -> list[SniRoute]:
    """SNI filter chains of a gateway proxy: its `TLS` servers in PASSTHROUGH mode and the bound `tls` routes.

    Ports are the pod's target ports (443 → 8443 by the gateway Service). A server with no bound route for
    a host gets no chain for it (the connection is closed).
    """
    services = services or {}
    port_map = {
        int(p["port"]): int(p.get("targetPort", p["port"]))
        for p in (gateway_service or {}).get("spec", {}).get("ports") or []
        if str(p.get("targetPort", p["port"])).isdigit()
    }
    out: list[SniRoute] = []
    selected = sorted(
        (g for g in gateways if _selector_matches((g.get("spec") or {}).get("selector") or {}, proxy_labels)),
        key=lambda g: (g["metadata"].get("creationTimestamp") or "", g["metadata"]["name"]),
    )
    vss = sorted(
        virtual_services, key=lambda v: (v["metadata"].get("creationTimestamp") or "", v["metadata"]["name"])
    )
    for gw in selected:
        for server in (gw.get("spec") or {}).get("servers") or []:
            port = server.get("port") or {}
            if str(port.get("protocol", "")).upper() != "TLS":
                continue
            if str((server.get("tls") or {}).get("mode", "")).upper() not in (
                "PASSTHROUGH",
                "AUTO_PASSTHROUGH",
            ):
                continue
            number = int(port.get("number", 443))
            target = port_map.get(number, number)
            server_hosts = [h.split("/", 1)[-1].lower() for h in server.get("hosts") or []]
            for vs in vss:
                if not _bound(vs, gw):
                    continue
                ns, name = vs["metadata"].get("namespace") or "default", vs["metadata"]["name"]
                for i, entry in enumerate((vs.get("spec") or {}).get("tls") or []):
                    dests = _destinations(entry, ns, services)
                    for match in entry.get("match") or []:
                        if not match_applies(match, ns, gw, number):
                            continue
                        hosts = tuple(
                            h.lower()
                            for h in match.get("sniHosts") or []
                            if any(domain_matches(s, h.lower()) or s == h.lower() for s in server_hosts)
                        )
                        if hosts:
                            out.append(
                                SniRoute(
                                    target,
                                    hosts,
                                    dests,
                                    f"{name}.{ns}",
                                    Source("VirtualService", name, ns, i),
                                )
                            )
    return out
