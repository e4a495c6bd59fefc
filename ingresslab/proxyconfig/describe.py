"""How istioctl describes each piece in a table cell. Each function names the istioctl function it follows
(istio/istio istioctl/pkg/writer/envoy/configdump/*.go and pilot/pkg/model ParseSubsetKey).
"""

from __future__ import annotations

import json
import re

from ingresslab.proxyconfig.model import (
    FilterChainMatch,
    Listener,
    NetworkFilter,
    RouteConfig,
    RouteMatch,
    VirtualHost,
)

__all__ = [
    "HTTP_CONNECTION_MANAGER",
    "TCP_PROXY",
    "describe_domains",
    "describe_filter_type",
    "describe_management",
    "describe_match",
    "describe_route_config",
    "describe_route_domains",
    "filter_chain_match",
    "go_atoi",
    "listener_type",
    "parse_subset_key",
    "safely_parse_subset_key",
]

HTTP_CONNECTION_MANAGER = "envoy.filters.network.http_connection_manager"
TCP_PROXY = "envoy.filters.network.tcp_proxy"
BLACK_HOLE_CLUSTER = "BlackHoleCluster"
PASSTHROUGH_CLUSTER = "PassthroughCluster"

_ATOI = re.compile(r"[+-]?[0-9]+")


def go_atoi(text: str) -> int | None:
    """Go's strconv.Atoi: optional sign and ASCII digits only (no spaces, no underscores), else None."""
    if not _ATOI.fullmatch(text):
        return None
    value = int(text)
    return value if -(1 << 63) <= value < (1 << 63) else None


def parse_subset_key(key: str) -> tuple[str, str, str, int]:
    """model.ParseSubsetKey: `dir|port|subset|host` (or the DNS SRV `dir_.port_.subset_.host` form)
    -> (direction, subset, hostname, port); a part that is missing stays empty/0."""
    sep = "_." if key.startswith(("outbound_", "inbound_")) else "|"
    direction, found, rest = key.partition(sep)
    if not found:
        return "", "", "", 0
    port_text, found, rest = rest.partition(sep)
    if not found:
        return direction, "", "", 0
    port = go_atoi(port_text) or 0
    subset, found, rest = rest.partition(sep)
    if not found:
        return direction, "", "", port
    if sep in rest:
        return direction, subset, "", port
    return direction, subset, rest, port


def safely_parse_subset_key(key: str) -> tuple[str, str, str, int]:
    """configdump.safelyParseSubsetKey: names with fewer than 4 `|` parts sort by the whole name."""
    if len(key.split("|")) > 3:
        return parse_subset_key(key)
    return "", "", key, 0


def describe_management(metadata: dict | None) -> str:
    """describeManagement + renderConfig: `<name>.<namespace>` from `filter_metadata.istio.config`."""
    if not metadata:
        return ""
    istio = (metadata.get("filter_metadata") or {}).get("istio")
    if not isinstance(istio, dict) or "config" not in istio:
        return ""
    config = istio["config"]
    config = config if isinstance(config, str) else ""
    if config.startswith("/apis/networking.istio.io/"):
        pieces = config.split("/")
        if len(pieces) != 8:
            return ""
        return f"{pieces[7]}.{pieces[5]}"
    return "<unknown>"


# -- listeners --------------------------------------------------------------------------------------------
_PROTOCOL_DESCRIPTIONS = (
    # listener.go protDescrs; Go ranges over a map, but the lists are distinct so at most one matches
    ("App: HTTP TLS", ["http/1.0", "http/1.1", "h2c", "istio-http/1.0", "istio-http/1.1", "istio-h2"]),
    ("App: Istio HTTP Plain", ["istio", "istio-http/1.0", "istio-http/1.1", "istio-h2"]),
    ("App: TCP TLS", ["istio-peer-exchange", "istio"]),
    ("App: HTTP", ["http/1.0", "http/1.1", "h2c"]),
)


def filter_chain_match(match: FilterChainMatch | None) -> str:
    """getMatches: `SNI: ...; Trans: ...; App: ...; Addr: ...`, or `ALL` when nothing is matched."""
    match = match or FilterChainMatch()
    descriptions = []
    if match.server_names:
        descriptions.append("SNI: " + ",".join(match.server_names))
    if match.transport_protocol:
        descriptions.append("Trans: " + match.transport_protocol)
    if match.application_protocols:
        for label, protocols in _PROTOCOL_DESCRIPTIONS:
            if match.application_protocols == protocols:
                descriptions.append(label)
                break
        else:
            descriptions.append("App: " + ",".join(match.application_protocols))
    port = f":{match.destination_port}" if match.destination_port is not None else ""
    if match.prefix_ranges:
        ranges = ",".join(f"{prefix}/{length}" for prefix, length in match.prefix_ranges)
        descriptions.append(f"Addr: {ranges}{port}")
    elif port:
        descriptions.append(f"Addr: *{port}")
    return "; ".join(descriptions) or "ALL"


def _is_black_hole_tcp(network_filter: NetworkFilter) -> bool:
    # istioctl searches the serialized TcpProxy bytes for "BlackHoleCluster"; the JSON holds the same strings.
    return BLACK_HOLE_CLUSTER in json.dumps(network_filter.typed_config)


def describe_filter_type(filters: list[NetworkFilter]) -> str:
    """getFilterType: `Route: <rds>`, an inline route description, `Cluster: <name>`, a *Cluster name..."""
    from ingresslab.proxyconfig.reader import parse_route_configuration

    for network_filter in filters:
        config = network_filter.typed_config
        if network_filter.name == HTTP_CONNECTION_MANAGER:
            if isinstance(config.get("route_config"), dict):
                return describe_route_config(parse_route_configuration(config["route_config"]))
            rds = config.get("rds") if isinstance(config.get("rds"), dict) else {}
            if rds.get("route_config_name"):
                return f"Route: {rds['route_config_name']}"
            return "HTTP"
        if network_filter.name == TCP_PROXY and not _is_black_hole_tcp(network_filter):
            cluster = config.get("cluster") if isinstance(config.get("cluster"), str) else ""
            return cluster if "Cluster" in cluster else f"Cluster: {cluster}"
    return "Non-HTTP/Non-TCP"


def listener_type(listener: Listener) -> str:
    """retrieveListenerType: HTTP, TCP, HTTP+TCP or UNKNOWN (TCP proxies to BlackHoleCluster do not count)."""
    n_http = n_tcp = 0
    for chain in listener.all_filter_chains:
        for network_filter in chain.filters:
            if network_filter.name == HTTP_CONNECTION_MANAGER:
                n_http += 1
            elif network_filter.name == TCP_PROXY and not _is_black_hole_tcp(network_filter):
                n_tcp += 1
    if n_http:
        return "HTTP" if n_tcp == 0 else "HTTP+TCP"
    return "TCP" if n_tcp else "UNKNOWN"


def describe_route_config(route_config: RouteConfig) -> str:
    """describeRouteConfig: the match-all cluster, or `Inline Route: <domains> <matches>; ...`."""
    cluster = _match_all_cluster(route_config)
    if cluster:
        return cluster
    parts = []
    for vhost in route_config.virtual_hosts:
        domains = describe_domains(vhost)
        routes = ", ".join(describe_match(route.match) for route in vhost.routes)
        parts.append(routes if domains == "" else f"{domains} {routes}")
    return "Inline Route: " + "; ".join(parts)


def _match_all_cluster(route_config: RouteConfig) -> str:
    """getMatchAllCluster: one `*` vhost with one `/` prefix route to one cluster."""
    if len(route_config.virtual_hosts) != 1:
        return ""
    vhost = route_config.virtual_hosts[0]
    if vhost.domains != ["*"] or len(vhost.routes) != 1:
        return ""
    route = vhost.routes[0]
    if route.match.prefix != "/" or route.action != "route" or route.cluster is None:
        return ""
    return route.cluster if "Cluster" in route.cluster else f"Cluster: {route.cluster}"


def describe_domains(vhost: VirtualHost) -> str:
    """describeDomains (listener inline routes): empty for `*`, else the domains joined by `/`."""
    if vhost.domains == ["*"]:
        return ""
    return "/".join(vhost.domains)


# -- routes -----------------------------------------------------------------------------------------------
def describe_match(match: RouteMatch) -> str:
    """describeMatch: `/get*` for a prefix, `PathPrefix:/get`, the exact path, `regex ...` (headers ignored)."""
    conditions = []
    if match.prefix:
        conditions.append(match.prefix + "*")
    if match.path_separated_prefix:
        conditions.append("PathPrefix:" + match.path_separated_prefix)
    if match.path:
        conditions.append(match.path)
    if match.safe_regex is not None:
        conditions.append("regex " + match.safe_regex)
    return " ".join(conditions)


def describe_route_domains(domains: list[str]) -> str:
    """describeRouteDomains: drop `host:port` forms, collapse `.svc.cluster.local`/`.svc` expansions of a
    present short name, keep the first two and count the rest (`a, b + 3 more...`)."""
    if not domains:
        return ""
    if len(domains) == 1:
        return domains[0]
    without_port = []
    for domain in domains:
        if ":" not in domain or (domain.count(":") > 2 and domain.endswith("]")):
            without_port.append(domain)
    without_port = _unexpand_domains(without_port)
    if len(without_port) > 2:
        return ", ".join(without_port[:2]) + f" + {len(without_port) - 2} more..."
    return ", ".join(without_port)


def _unexpand_domains(domains: list[str]) -> list[str]:
    """unexpandDomains: remove `x.svc.cluster.local` and `x.svc` when `x` is also listed; keep the order."""
    unique = set(domains)
    drop = set()
    for domain in domains:
        for suffix in (".svc.cluster.local", ".svc"):
            short = domain.removesuffix(suffix)
            if short != domain and short in unique:
                drop.add(domain)
    return [domain for domain in domains if domain not in drop]
