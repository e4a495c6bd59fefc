"""A small model of what `istioctl proxy-config` reads from Envoy: bootstrap, clusters, listeners, routes,
endpoints and secrets from `/config_dump`, and host health from `/clusters?format=json`.

Every object keeps `raw`, its snake_case JSON as Envoy serves it, so `-o json|yaml` can print the full
message; the typed fields hold only what the tables need. Build these with `reader.load_config_dump`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Bootstrap",
    "Cluster",
    "ClusterLoadAssignment",
    "ClusterStatus",
    "ClustersStatus",
    "ConfigDump",
    "FilterChain",
    "FilterChainMatch",
    "HostStatus",
    "LbEndpoint",
    "Listener",
    "LocalityLbEndpoints",
    "NetworkFilter",
    "Route",
    "RouteConfig",
    "RouteMatch",
    "Secret",
    "VirtualHost",
]


@dataclass
class Bootstrap:
    """The node identity and versions from the BootstrapConfigDump."""

    node_id: str = ""
    istio_version: str = ""
    istio_proxy_sha: str = ""
    envoy_version: str = "0.0.0"
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class Cluster:
    """An Envoy cluster: `outbound|7777||dest-svc-v1.application.svc.cluster.local`, `agent`, ..."""

    name: str
    type: str = "STATIC"  # discovery type: STATIC, STRICT_DNS, LOGICAL_DNS, EDS, ORIGINAL_DST
    metadata: dict = field(default_factory=dict, repr=False)  # envoy Metadata: {"filter_metadata": {...}}
    dynamic: bool = True
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class FilterChainMatch:
    """The parts of a filter_chain_match that istioctl renders (SNI, transport, ALPN, destination)."""

    server_names: list[str] = field(default_factory=list)
    transport_protocol: str = ""
    application_protocols: list[str] = field(default_factory=list)
    destination_port: int | None = None
    prefix_ranges: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class NetworkFilter:
    """A network filter (`envoy.filters.network.http_connection_manager`, `...tcp_proxy`, ...)."""

    name: str
    typed_config: dict = field(default_factory=dict, repr=False)


@dataclass
class FilterChain:
    name: str = ""
    match: FilterChainMatch | None = None
    filters: list[NetworkFilter] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class Listener:
    """A listener: its socket (or pipe) address, port and filter chains (the default chain last)."""

    name: str
    address: str = ""
    port: int = 0
    additional_addresses: list[str] = field(default_factory=list)
    filter_chains: list[FilterChain] = field(default_factory=list)
    default_filter_chain: FilterChain | None = None
    internal: bool = False
    dynamic: bool = True
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def all_filter_chains(self) -> list[FilterChain]:
        """Filter chains then the default chain, the order istioctl's getFilterChains uses."""
        chains = list(self.filter_chains)
        if self.default_filter_chain is not None:
            chains.append(self.default_filter_chain)
        return chains


@dataclass
class RouteMatch:
    prefix: str = ""
    path: str = ""
    path_separated_prefix: str = ""
    safe_regex: str | None = None


@dataclass
class Route:
    """One route of a virtual host; `cluster` is set when the action forwards to a single cluster."""

    name: str = ""
    match: RouteMatch = field(default_factory=RouteMatch)
    action: str = ""  # "route", "redirect", "direct_response", ... (the oneof that is set)
    cluster: str | None = None
    metadata: dict = field(default_factory=dict, repr=False)
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class VirtualHost:
    name: str
    domains: list[str] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)


@dataclass
class RouteConfig:
    """A RouteConfiguration (`http.8080`, `7777`, or a nameless static one)."""

    name: str = ""
    virtual_hosts: list[VirtualHost] = field(default_factory=list)
    dynamic: bool = True
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class LbEndpoint:
    """An EDS endpoint; `addresses` are rendered like istioctl (`ip:port`, a pipe path, `envoy://...`)."""

    addresses: list[str] = field(default_factory=list)
    port: int = 0
    health_status: str = "UNKNOWN"
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class LocalityLbEndpoints:
    locality: dict = field(default_factory=dict)
    lb_endpoints: list[LbEndpoint] = field(default_factory=list)


@dataclass
class ClusterLoadAssignment:
    cluster_name: str
    endpoints: list[LocalityLbEndpoints] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class Secret:
    """An SDS secret (`default`, `ROOTCA`); `state` is ACTIVE or WARMING."""

    name: str
    state: str = "ACTIVE"
    version_info: str = ""
    secret: dict = field(default_factory=dict, repr=False)  # the envoy Secret message (snake_case)


@dataclass
class ConfigDump:
    """A parsed `/config_dump`. A section missing from the dump is `None` (istioctl then reports it)."""

    raw: dict = field(repr=False)
    text: str | None = field(default=None, repr=False)  # the original JSON text, for `all -o json`
    source: str = "<data>"
    bootstrap: Bootstrap | None = None
    clusters: list[Cluster] | None = None
    listeners: list[Listener] | None = None
    routes: list[RouteConfig] | None = None
    endpoints: list[ClusterLoadAssignment] | None = None
    secrets: list[Secret] | None = None
    secrets_raw: dict | None = field(default=None, repr=False)  # the SecretsConfigDump message
    bootstrap_raw: dict | None = field(default=None, repr=False)  # the BootstrapConfigDump message


@dataclass
class HostStatus:
    """One host of `/clusters?format=json`."""

    address: str
    port: int = 0
    health_status: str = "UNKNOWN"
    failed_outlier_check: bool = False


@dataclass
class ClusterStatus:
    name: str
    hosts: list[HostStatus] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class ClustersStatus:
    """A parsed `/clusters?format=json` (what `proxy-config endpoint` reads)."""

    clusters: list[ClusterStatus] = field(default_factory=list)
    raw: dict = field(default_factory=dict, repr=False)
    source: str = "<data>"
