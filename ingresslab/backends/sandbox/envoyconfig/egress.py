"""What a proxy's config_dump holds for traffic leaving the cluster, built from `ingresslab.routing.egress` — the
model the sandbox's data plane routes egress with — so `istioctl proxy-config` shows what the proxies do.

    clusters = external_clusters(cluster, pod, gateway=False)   # ServiceEntry clusters (STRICT_DNS, …)
    routes = merge_http_routes(cluster, pod, routes)            # SE virtual hosts, VS routes, allow_any/block_all
    listeners = sni_listeners(cluster, pod)                     # 0.0.0.0_443 SNI chains of HTTPS/TLS ports
    listeners = gateway_tls_listeners(cluster, pod)             # an egress gateway's PASSTHROUGH servers (8443)

Facts modelled (Istio 1.23, pilot/pkg/networking/core/{cluster_builder.go,httproute.go,listener_builder.go}):
- A ServiceEntry host and port is cluster `outbound|<port>||<host>`, typed by `resolution` (DNS →
  STRICT_DNS with the host name as its one endpoint address, DNS_ROUND_ROBIN → LOGICAL_DNS, STATIC → EDS,
  NONE → ORIGINAL_DST on sidecars and EDS on gateways); `istio` metadata names the host, the SE namespace and,
  when one applies, the DestinationRule (`DESTINATION RULE` column). MESH_EXTERNAL hosts get no mesh mTLS
  transport socket; a DestinationRule's SIMPLE TLS adds an UpstreamTlsContext with its `sni`.
- Sidecar route configuration `<port>` lists one virtual host `<host>:<port>` per ServiceEntry HTTP port
  (domains: the host), whose routes are the VirtualService's (metadata names it) or `default`, and ends with
  `allow_any` (→ PassthroughCluster; istioctl does not list it) or `block_all` (direct response 502) by the
  mesh's `outboundTrafficPolicy`. Under REGISTRY_ONLY the non-HTTP fallthrough of every outbound listener and
  15001's default chain proxy to BlackHoleCluster instead of PassthroughCluster.
- HTTPS/TLS ServiceEntry ports (and VirtualService `tls` routes) are filter chains on `0.0.0.0_<port>`
  matched by `server_names`, each a TCP proxy to its cluster; other TLS on that port falls through.
- A DestinationRule applies to a client in namespace N when it is in N, in the service's own namespace, or
  in the root namespace `istio-system` (istiod's lookup order, exportTo honoured) — the same lookup the data
  plane routes subsets with (`dataplane.envoy.visible_destination_rules`); one elsewhere is not named.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.envoyconfig.gateway import envoy_route
from ingresslab.proxyconfig import builders as b
from ingresslab.routing import egress as model

__all__ = [
    "applicable_destination_rule",
    "block_outbound",
    "dns_hosts",
    "external_clusters",
    "gateway_tls_listeners",
    "merge_http_routes",
    "outbound_mode",
    "sni_listeners",
]

ROOT_NAMESPACE = "istio-system"


def _sidecar_config(cluster, pod: dict) -> model.SidecarOutbound:
    from ingresslab.backends.sandbox.dataplane import egress as dataplane_egress

    return dataplane_egress.sidecar_config(cluster, pod)


def outbound_mode(cluster) -> str:
    from ingresslab.backends.sandbox.dataplane import egress as dataplane_egress

    return dataplane_egress.mesh_outbound_mode(cluster)


def _namespace(obj: dict) -> str:
    return obj["metadata"].get("namespace") or "default"


def applicable_destination_rule(
    rules: list[dict],
    host: str,
    client_namespace: str,
    service_namespace: str | None,
    proxy_labels: dict | None = None,
) -> dict | None:
    """The DestinationRule istiod picks for `host` seen from `client_namespace` (None: none applies) — the
    oldest of those the data plane reads (`dataplane.envoy.visible_destination_rules`: the client's namespace,
    the service's, then istio-system, honouring exportTo)."""
    from ingresslab.backends.sandbox.dataplane.envoy import visible_destination_rules

    found = visible_destination_rules(rules, host, client_namespace, service_namespace, proxy_labels)
    return found[0] if found else None


def _dns_cluster(ext: model.ExternalService, kind: str, rule: dict | None) -> dict:
    name = ext.key.name
    fields = b.outbound_cluster_fields()
    if kind in ("STRICT_DNS", "LOGICAL_DNS"):
        fields["load_assignment"] = {
            "cluster_name": name,
            "endpoints": [
                {
                    "locality": {},
                    "lb_endpoints": [
                        {
                            "endpoint": {
                                "address": {
                                    "socket_address": {"address": ext.host, "port_value": ext.upstream_port}
                                }
                            },
                            "load_balancing_weight": 1,
                        }
                    ],
                    "load_balancing_weight": 1,
                }
            ],
        }
        fields["dns_refresh_rate"] = "60s"
        fields["respect_dns_ttl"] = True
        fields["dns_lookup_family"] = "V4_ONLY"
    elif kind == "ORIGINAL_DST":
        fields["lb_policy"] = "CLUSTER_PROVIDED"
    out = b.cluster(name, type=kind, **fields)
    namespace = ext.source.namespace if ext.source else "default"
    meta: dict = {
        "services": [{"host": ext.host, "name": ext.host, "namespace": namespace}],
        "default_original_port": ext.port,
    }
    if rule is not None:
        meta["config"] = b.istio_config_path("destination-rule", rule["metadata"]["name"], _namespace(rule))
    out["metadata"] = {"filter_metadata": {"istio": meta}}
    return out


def _with_tls(out: dict, tls: model.TlsOrigination | None, host: str) -> dict:
    if tls is None or tls.mode not in ("SIMPLE", "MUTUAL"):
        return out
    out["transport_socket"] = {
        "name": "envoy.transport_sockets.tls",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            "common_tls_context": {"validation_context": {}},
            "sni": tls.sni or host,
        },
    }
    return out


def external_clusters(cluster, pod: dict, *, gateway: bool) -> tuple[list[dict], list[dict]]:
    """(clusters, ClusterLoadAssignments of the EDS ones) for every ServiceEntry host and port `pod` sees."""
    namespace = _namespace(pod)
    rules = cluster.list("destinationrules")
    out, assignments = [], []
    seen: set[str] = set()
    for ext in model.external_services(cluster.list("serviceentries"), namespace):
        name = ext.key.name
        if name in seen:
            continue
        seen.add(name)
        kind = ext.cluster_type(gateway=gateway)
        rule = applicable_destination_rule(
            rules,
            ext.host,
            namespace,
            ext.source.namespace if ext.source else None,
            pod["metadata"].get("labels") or {},
        )
        entry = _dns_cluster(ext, kind, rule)
        out.append(_with_tls(entry, model.origination(rules, ext.key, namespace), ext.host))
        if kind == "EDS":
            hosts = [
                {
                    "endpoint": {
                        "address": {"socket_address": {"address": a, "port_value": ext.upstream_port}}
                    },
                    "health_status": "HEALTHY",
                    "load_balancing_weight": 1,
                }
                for a in ext.endpoints
            ]
            assignments.append(b.cluster_load_assignment(name, hosts))
    return out, assignments


def dns_hosts(cluster: dict) -> list[dict]:
    """`/clusters` host statuses of a STRICT_DNS/LOGICAL_DNS cluster: the addresses its host name resolves to
    (the emulated upstream resolver's A records), on the endpoint's port, healthy."""
    if cluster.get("type") not in ("STRICT_DNS", "LOGICAL_DNS"):
        return []
    from ingresslab.backends.sandbox.outside import sites

    out = []
    for group in (cluster.get("load_assignment") or {}).get("endpoints") or []:
        for lb in group.get("lb_endpoints") or []:
            socket = ((lb.get("endpoint") or {}).get("address") or {}).get("socket_address") or {}
            site = sites.by_name(str(socket.get("address", "")))
            addresses = list(site.addresses) if site is not None else []
            if cluster.get("type") == "LOGICAL_DNS":
                addresses = addresses[:1]
            for address in addresses:
                out.append(
                    {
                        "address": {
                            "socket_address": {"address": address, "port_value": socket.get("port_value")}
                        },
                        "health_status": {"eds_health_status": "HEALTHY"},
                        "weight": 1,
                        "locality": {},
                    }
                )
    return out


# -- sidecar routes and listeners ---------------------------------------------------------------------------
def _catch_all(mode: str) -> dict:
    if mode == model.REGISTRY_ONLY:
        route = b.route(prefix="/", name="block_all", direct_response_status=502)
        name = "block_all"
    else:
        route = b.route(prefix="/", name="allow_any")
        route["route"] = {"cluster": "PassthroughCluster", "timeout": "0s", "max_grpc_timeout": "0s"}
        name = "allow_any"
    from ingresslab.backends.sandbox.envoyconfig.gateway import ordered_route

    return b.virtual_host(name, ["*"], [ordered_route(route)], include_request_attempt_count=True)


def merge_http_routes(cluster, pod: dict, routes: list[dict]) -> tuple[list[dict], list[int]]:
    """The sidecar's numbered route configurations with the ServiceEntry virtual hosts added (sorted among the
    Services' by name) and the policy's catch-all last; returns them and the ports that need a new listener."""
    config = _sidecar_config(cluster, pod)
    by_name = {r["name"]: r for r in routes}
    new_ports: list[int] = []
    externals = {f"{e.host}:{e.port}" for e in config.services if e.is_http}
    for listener in config.http:
        rds = str(listener.port)
        extra = [
            b.virtual_host(
                vh.name,
                list(vh.domains),
                [envoy_route(r) for r in vh.routes],
                include_request_attempt_count=True,
            )
            for vh in listener.route_config.virtual_hosts
            if vh.name in externals
        ]
        existing = by_name.get(rds)
        if existing is None:
            if not extra:
                continue
            new_ports.append(listener.port)
            existing = b.route_configuration(rds, [])
            routes.append(existing)
            by_name[rds] = existing
        hosts = [v for v in existing["virtual_hosts"] if v["name"] not in ("allow_any", "block_all")]
        hosts = sorted([*hosts, *extra], key=lambda v: v["name"])
        existing["virtual_hosts"] = [*hosts, _catch_all(config.mode)]
    return routes, new_ports


def block_outbound(listeners: list[dict]) -> list[dict]:
    """REGISTRY_ONLY: every outbound TCP fallthrough to PassthroughCluster goes to BlackHoleCluster instead."""

    def fix(chain: dict) -> None:
        for flt in chain.get("filters") or []:
            typed = flt.get("typed_config") or {}
            if typed.get("cluster") == "PassthroughCluster":
                typed["cluster"] = "BlackHoleCluster"
                typed["stat_prefix"] = "BlackHoleCluster"

    for listener in listeners:
        if listener.get("traffic_direction") != "OUTBOUND":
            continue
        for chain in listener.get("filter_chains") or []:
            fix(chain)
        if listener.get("default_filter_chain"):
            fix(listener["default_filter_chain"])
    return listeners


def http_listener(number: int) -> dict:
    """`0.0.0.0_<port>` for a port only ServiceEntries use (the same shape as the Services' HTTP listeners)."""
    passthrough = b.filter_chain([b.tcp_proxy("PassthroughCluster")])
    http = b.filter_chain(
        [b.http_connection_manager(rds=str(number), stat_prefix=f"outbound_0.0.0.0_{number}")],
        match=b.chain_match(transport_protocol="raw_buffer", application_protocols=["http/1.1", "h2c"]),
    )
    return b.listener(
        f"0.0.0.0_{number}",
        "0.0.0.0",
        number,
        [passthrough, http],
        traffic_direction="OUTBOUND",
        bind_to_port=False,
    )


def _sni_chain(route: model.SniRoute) -> dict:
    dest = route.destinations[0].cluster if route.destinations else None
    name = dest.name if dest is not None else "BlackHoleCluster"
    if len(route.destinations) > 1:
        proxy = b.tcp_proxy(name, stat_prefix=name)
        proxy["typed_config"].pop("cluster", None)
        proxy["typed_config"]["weighted_clusters"] = {
            "clusters": [{"name": d.cluster.name, "weight": d.weight} for d in route.destinations]
        }
    else:
        proxy = b.tcp_proxy(name, stat_prefix=name)
    chain = b.filter_chain([proxy], match=b.chain_match(server_names=route.sni_hosts))
    if route.virtual_service:
        name_, _, ns = route.virtual_service.rpartition(".")
        chain["metadata"] = b.istio_metadata("virtual-service", name_, ns)
    return chain


def sni_listeners(cluster, pod: dict, taken: set[str]) -> list[dict]:
    """`0.0.0.0_<port>` listeners of SNI chains for a sidecar (ports whose listener name is not `taken`)."""
    config = _sidecar_config(cluster, pod)
    by_port: dict[int, list[model.SniRoute]] = {}
    for route in config.tls:
        by_port.setdefault(route.port, []).append(route)
    out = []
    fallthrough = "BlackHoleCluster" if config.mode == model.REGISTRY_ONLY else "PassthroughCluster"
    for port in sorted(by_port):
        name = f"0.0.0.0_{port}"
        if name in taken:
            continue
        chains = [_sni_chain(r) for r in by_port[port]]
        chains.append(b.filter_chain([b.tcp_proxy(fallthrough)], name="PassthroughFilterChain"))
        out.append(
            b.listener(
                name,
                "0.0.0.0",
                port,
                chains,
                traffic_direction="OUTBOUND",
                bind_to_port=False,
                listener_filters=[{"name": "envoy.filters.listener.tls_inspector"}],
            )
        )
    return out


# -- gateways ----------------------------------------------------------------------------------------------
def gateway_tls_listeners(cluster, pod: dict, taken: set[str]) -> list[dict]:
    """`0.0.0.0_<target port>` of a gateway's PASSTHROUGH servers: one SNI chain per bound `tls` route."""
    from ingresslab.backends.sandbox.dataplane.envoy import _istio_objects, _services

    gateways, vss, _sources = _istio_objects(cluster)
    labels = pod["metadata"].get("labels") or {}
    svc = next(
        (
            s
            for s in cluster.list("services", _namespace(pod))
            if s["spec"].get("selector") and all(labels.get(k) == v for k, v in s["spec"]["selector"].items())
        ),
        None,
    )
    routes = model.gateway_tls_routes(gateways, vss, labels, svc, _services(cluster))
    by_port: dict[int, list[model.SniRoute]] = {}
    for route in routes:
        by_port.setdefault(route.port, []).append(route)
    out = []
    for port in sorted(by_port):
        name = f"0.0.0.0_{port}"
        if name in taken:
            continue
        chains = [_sni_chain(r) for r in by_port[port]]
        out.append(
            b.listener(
                name,
                "0.0.0.0",
                port,
                chains,
                traffic_direction="OUTBOUND",
                listener_filters=[{"name": "envoy.filters.listener.tls_inspector"}],
            )
        )
    return out
