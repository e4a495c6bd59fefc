"""Build Envoy `/config_dump` dicts (snake_case, as Envoy's admin API serves them) for a generator.

A sandbox proxy describes its configuration with these helpers and serves `config_dump(...)`; the same
reader that reads a live proxy's dump reads it back. Only the fields istioctl looks at are required; add
more with plain dict keys (`cluster("x", connect_timeout="10s")`).

    dump = config_dump(
        bootstrap=bootstrap("router~10.244.0.8~istio-ingressgateway-...~istio-system.svc.cluster.local",
                            istio_version="1.23.2"),
        clusters=[cluster("outbound|7777||dest-svc-v1.application.svc.cluster.local")],
        listeners=[listener("0.0.0.0_8080", "0.0.0.0", 8080,
                            [filter_chain([http_connection_manager(rds="http.8080")])])],
        route_configs=[route_configuration("http.8080", [virtual_host("*:80", ["*"], [
            route(path="/v1", cluster="outbound|7777||dest-svc-v1.application.svc.cluster.local",
                  virtual_service=("my-vs", "istio-system"))])])],
    )
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "bootstrap",
    "ca_secret",
    "chain_match",
    "cluster",
    "cluster_load_assignment",
    "clusters_status_from_config_dump",
    "config_dump",
    "filter_chain",
    "http_connection_manager",
    "istio_config_path",
    "istio_metadata",
    "listener",
    "route",
    "route_configuration",
    "tcp_proxy",
    "tls_secret",
    "virtual_host",
]

_T = "type.googleapis.com/"
_ADMIN = _T + "envoy.admin.v3."
_HCM_TYPE = _T + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
_TCP_TYPE = _T + "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"
_KINDS = {"virtual-service", "destination-rule", "gateway", "sidecar", "envoy-filter", "service-entry"}


_UNLIMITED = 4294967295  # Istio's circuit breakers: no limit unless a DestinationRule sets one


def outbound_cluster_fields() -> dict:
    """What istiod gives every outbound cluster before a DestinationRule changes it (a fresh dict each call)."""
    return {
        "connect_timeout": "10s",
        "lb_policy": "LEAST_REQUEST",
        "circuit_breakers": {
            "thresholds": [
                {
                    "max_connections": _UNLIMITED,
                    "max_pending_requests": _UNLIMITED,
                    "max_requests": _UNLIMITED,
                    "max_retries": _UNLIMITED,
                    "track_remaining": True,
                }
            ]
        },
    }


def istio_config_path(kind: str, name: str, namespace: str, version: str = "v1") -> str:
    """The `/apis/networking.istio.io/...` path istiod writes into `filter_metadata.istio.config`."""
    if kind not in _KINDS:
        raise ValueError(f"unknown Istio config kind {kind!r}; use one of {', '.join(sorted(_KINDS))}")
    return f"/apis/networking.istio.io/{version}/namespaces/{namespace}/{kind}/{name}"


def istio_metadata(kind: str, name: str, namespace: str, **extra: Any) -> dict:
    """An envoy Metadata message naming the Istio config that produced a cluster or route."""
    return {"filter_metadata": {"istio": {"config": istio_config_path(kind, name, namespace), **extra}}}


def bootstrap(
    node_id: str,
    *,
    istio_version: str = "",
    istio_proxy_sha: str = "",
    envoy_version: tuple[int, int, int] = (0, 0, 0),
    build_metadata: dict | None = None,
    node_metadata: dict | None = None,
    cluster: str = "",
) -> dict:
    """A Bootstrap message: node id, Istio version metadata and Envoy's user-agent build version."""
    metadata = dict(node_metadata or {})
    if istio_version:
        metadata["ISTIO_VERSION"] = istio_version
    if istio_proxy_sha:
        metadata["ISTIO_PROXY_SHA"] = istio_proxy_sha
    node: dict = {"id": node_id}
    if cluster:
        node["cluster"] = cluster
    node["metadata"] = metadata
    major, minor, patch = envoy_version
    version: dict = {"version": {"major_number": major, "minor_number": minor, "patch": patch}}
    if build_metadata:
        version["metadata"] = dict(build_metadata)
    if envoy_version != (0, 0, 0) or build_metadata:
        node["user_agent_build_version"] = version
    return {"node": node}


def cluster(
    name: str,
    *,
    type: str = "EDS",
    metadata: dict | None = None,
    destination_rule: tuple[str, str] | None = None,
    **fields: Any,
) -> dict:
    """A Cluster message; `destination_rule=(name, namespace)` adds the metadata istioctl shows."""
    out: dict = {"@type": _T + "envoy.config.cluster.v3.Cluster", "name": name, "type": type}
    if type == "EDS":
        out["eds_cluster_config"] = {
            "eds_config": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
            "service_name": name,
        }
    out.update(fields)
    meta = dict(metadata or {})
    if destination_rule is not None:
        meta = {**meta, **istio_metadata("destination-rule", *destination_rule)}
    if meta:
        out["metadata"] = meta
    return out


def chain_match(
    *,
    destination_port: int | None = None,
    prefix_ranges: Iterable[tuple[str, int]] = (),
    server_names: Iterable[str] = (),
    transport_protocol: str = "",
    application_protocols: Iterable[str] = (),
) -> dict:
    """A FilterChainMatch (`Addr: 10.244.0.10/32:5678` is `prefix_ranges=[("10.244.0.10", 32)], destination_port=5678`)."""
    out: dict = {}
    if destination_port is not None:
        out["destination_port"] = destination_port
    ranges = [{"address_prefix": prefix, "prefix_len": length} for prefix, length in prefix_ranges]
    if ranges:
        out["prefix_ranges"] = ranges
    if server_names := list(server_names):
        out["server_names"] = server_names
    if transport_protocol:
        out["transport_protocol"] = transport_protocol
    if protocols := list(application_protocols):
        out["application_protocols"] = protocols
    return out


def http_connection_manager(
    *, rds: str | None = None, route_config: dict | None = None, stat_prefix: str = ""
) -> dict:
    """An HCM network filter that takes its routes from RDS (`Route: http.8080`) or inline."""
    config: dict = {"@type": _HCM_TYPE, "stat_prefix": stat_prefix or (rds or "inline")}
    if rds is not None:
        config["rds"] = {
            "config_source": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
            "route_config_name": rds,
        }
    if route_config is not None:
        config["route_config"] = {k: v for k, v in route_config.items() if k != "@type"}
    config["http_filters"] = [
        {
            "name": "envoy.filters.http.router",
            "typed_config": {"@type": _T + "envoy.extensions.filters.http.router.v3.Router"},
        }
    ]
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": config}


def tcp_proxy(cluster_name: str, *, stat_prefix: str = "") -> dict:
    """A TCP proxy network filter to one cluster (`Cluster: x`, or the name itself for `*Cluster`)."""
    config = {"@type": _TCP_TYPE, "stat_prefix": stat_prefix or cluster_name, "cluster": cluster_name}
    return {"name": "envoy.filters.network.tcp_proxy", "typed_config": config}


def filter_chain(
    filters: Sequence[dict], *, name: str = "", match: dict | None = None, **fields: Any
) -> dict:
    """A FilterChain; leave `match` out for a chain that matches everything (`ALL`)."""
    out: dict = {}
    if match:
        out["filter_chain_match"] = match
    out["filters"] = list(filters)
    if name:
        out["name"] = name
    out.update(fields)
    return out


def listener(
    name: str,
    address: str,
    port: int,
    filter_chains: Sequence[dict],
    *,
    default_filter_chain: dict | None = None,
    **fields: Any,
) -> dict:
    """A Listener on `address:port` with its filter chains."""
    out: dict = {
        "@type": _T + "envoy.config.listener.v3.Listener",
        "name": name,
        "address": {"socket_address": {"address": address, "port_value": port}},
        "filter_chains": list(filter_chains),
    }
    if default_filter_chain is not None:
        out["default_filter_chain"] = default_filter_chain
    out.update(fields)
    return out


def route(
    *,
    prefix: str | None = None,
    path: str | None = None,
    path_separated_prefix: str | None = None,
    regex: str | None = None,
    cluster: str | None = None,
    virtual_service: tuple[str, str] | None = None,
    name: str | None = None,
    direct_response_status: int | None = None,
    **fields: Any,
) -> dict:
    """A Route: one kind of path match, then a cluster or a direct response; `virtual_service=(name, ns)`."""
    match: dict = {}
    if prefix is not None:
        match["prefix"] = prefix
    if path is not None:
        match["path"] = path
    if path_separated_prefix is not None:
        match["path_separated_prefix"] = path_separated_prefix
    if regex is not None:
        match["safe_regex"] = {"regex": regex}
    match["case_sensitive"] = True
    out: dict = {"match": match}
    if cluster is not None:
        out["route"] = {"cluster": cluster, "timeout": "0s"}
    elif direct_response_status is not None:
        out["direct_response"] = {"status": direct_response_status}
    if virtual_service is not None:
        out["metadata"] = istio_metadata("virtual-service", *virtual_service)
    if name is not None:
        out["name"] = name
    out.update(fields)
    return out


def virtual_host(name: str, domains: Sequence[str], routes: Sequence[dict], **fields: Any) -> dict:
    return {"name": name, "domains": list(domains), "routes": list(routes), **fields}


def route_configuration(name: str, virtual_hosts: Sequence[dict], **fields: Any) -> dict:
    out = {"@type": _T + "envoy.config.route.v3.RouteConfiguration"}
    if name:
        out["name"] = name
    out["virtual_hosts"] = list(virtual_hosts)
    out.setdefault("validate_clusters", False)
    out.update(fields)
    return out


def cluster_load_assignment(
    cluster_name: str,
    endpoints: Iterable[tuple[str, int] | dict],
    *,
    health_status: str = "HEALTHY",
    locality: dict | None = None,
) -> dict:
    """A ClusterLoadAssignment; endpoints are `(ip, port)` pairs or ready LbEndpoint dicts."""
    lb_endpoints = []
    for item in endpoints:
        if isinstance(item, dict):
            lb_endpoints.append(item)
            continue
        ip, port = item
        lb_endpoints.append(
            {
                "endpoint": {"address": {"socket_address": {"address": ip, "port_value": port}}},
                "health_status": health_status,
                "load_balancing_weight": 1,
            }
        )
    return {
        "@type": _T + "envoy.config.endpoint.v3.ClusterLoadAssignment",
        "cluster_name": cluster_name,
        "endpoints": [{"locality": dict(locality or {}), "lb_endpoints": lb_endpoints}],
    }


def _b64(pem: str | bytes) -> str:
    import base64

    return base64.b64encode(pem.encode() if isinstance(pem, str) else pem).decode("ascii")


def tls_secret(name: str, certificate_chain_pem: str | bytes, *, version_info: str = "") -> dict:
    """A dynamic secret entry holding a workload certificate (`Cert Chain` in istioctl's table)."""
    secret = {
        "@type": _T + "envoy.extensions.transport_sockets.tls.v3.Secret",
        "name": name,
        "tls_certificate": {
            "certificate_chain": {"inline_bytes": _b64(certificate_chain_pem)},
            "private_key": {"inline_bytes": _b64(b"[redacted]")},
        },
    }
    return {"name": name, "version_info": version_info, "secret": secret}


def ca_secret(name: str, ca_pem: str | bytes, *, version_info: str = "") -> dict:
    """A dynamic secret entry holding trusted roots (`ROOTCA`)."""
    secret = {
        "@type": _T + "envoy.extensions.transport_sockets.tls.v3.Secret",
        "name": name,
        "validation_context": {"trusted_ca": {"inline_bytes": _b64(ca_pem)}},
    }
    return {"name": name, "version_info": version_info, "secret": secret}


def config_dump(
    *,
    bootstrap: dict | None = None,
    clusters: Sequence[dict] = (),
    static_clusters: Sequence[dict] = (),
    listeners: Sequence[dict] = (),
    static_listeners: Sequence[dict] = (),
    route_configs: Sequence[dict] = (),
    static_route_configs: Sequence[dict] = (),
    endpoints: Sequence[dict] | None = None,
    static_endpoints: Sequence[dict] = (),
    secrets: Sequence[dict] | None = None,
    warming_secrets: Sequence[dict] = (),
    version_info: str = "",
    last_updated: str = "",
) -> dict:
    """A whole `/config_dump` in Envoy's section order. Pass `endpoints` to include the EDS section
    (`?include_eds=true`) and `secrets` for SDS; sections left as None are absent, like a masked dump."""
    stamp = {"last_updated": last_updated} if last_updated else {}
    versioned = {"version_info": version_info, **stamp} if version_info else dict(stamp)
    configs: list[dict] = []
    if bootstrap is not None:
        configs.append({"@type": _ADMIN + "BootstrapConfigDump", "bootstrap": bootstrap, **stamp})
    configs.append(
        {
            "@type": _ADMIN + "ClustersConfigDump",
            **({"version_info": version_info} if version_info else {}),
            "static_clusters": [{"cluster": c, **stamp} for c in static_clusters],
            "dynamic_active_clusters": [{**versioned, "cluster": c} for c in clusters],
        }
    )
    if endpoints is not None:
        configs.append(
            {
                "@type": _ADMIN + "EndpointsConfigDump",
                "static_endpoint_configs": [{"endpoint_config": e, **stamp} for e in static_endpoints],
                "dynamic_endpoint_configs": [{**versioned, "endpoint_config": e} for e in endpoints],
            }
        )
    configs.append(
        {
            "@type": _ADMIN + "ListenersConfigDump",
            **({"version_info": version_info} if version_info else {}),
            "static_listeners": [{"listener": lst, **stamp} for lst in static_listeners],
            "dynamic_listeners": [
                {"name": lst.get("name", ""), "active_state": {**versioned, "listener": lst}}
                for lst in listeners
            ],
        }
    )
    configs.append({"@type": _ADMIN + "ScopedRoutesConfigDump"})
    configs.append(
        {
            "@type": _ADMIN + "RoutesConfigDump",
            "static_route_configs": [{"route_config": rc, **stamp} for rc in static_route_configs],
            "dynamic_route_configs": [{**versioned, "route_config": rc} for rc in route_configs],
        }
    )
    if secrets is not None:
        configs.append(
            {
                "@type": _ADMIN + "SecretsConfigDump",
                "dynamic_active_secrets": [{**stamp, **s} for s in secrets],
                **({"dynamic_warming_secrets": list(warming_secrets)} if warming_secrets else {}),
            }
        )
    # Envoy omits empty lists from its JSON
    for section in configs:
        for key in [k for k, v in section.items() if v == []]:
            del section[key]
    return {"configs": configs}


def clusters_status_from_config_dump(raw: dict) -> dict:
    """The `/clusters?format=json` a proxy with this (snake_case) dump would serve, from its EDS section.

    Hosts report HEALTHY unless EDS marked them otherwise (Envoy treats UNKNOWN as healthy); outlier
    detection has not ejected anyone.
    """
    statuses = []
    for section in raw.get("configs", []):
        if not str(section.get("@type", "")).endswith("EndpointsConfigDump"):
            continue
        for key in ("dynamic_endpoint_configs", "static_endpoint_configs"):
            for entry in section.get(key, []) or []:
                cla = entry.get("endpoint_config") or {}
                hosts = []
                for group in cla.get("endpoints", []) or []:
                    for ep in group.get("lb_endpoints", []) or []:
                        health = ep.get("health_status", "HEALTHY")
                        hosts.append(
                            {
                                "address": (ep.get("endpoint") or {}).get("address", {}),
                                "health_status": {
                                    "eds_health_status": "HEALTHY" if health == "UNKNOWN" else health
                                },
                                "weight": ep.get("load_balancing_weight", 1),
                                "locality": group.get("locality", {}),
                            }
                        )
                statuses.append(
                    {
                        "name": cla.get("cluster_name", ""),
                        "added_via_api": key.startswith("dynamic"),
                        "host_statuses": hosts,
                    }
                )
    return {"cluster_statuses": statuses}
