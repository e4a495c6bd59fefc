"""The one-call API: `render(dump, "cluster", fqdn="dest-svc-v1")` prints what istioctl prints."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ingresslab.proxyconfig import render as tables
from ingresslab.proxyconfig.builders import clusters_status_from_config_dump
from ingresslab.proxyconfig.errors import ProxyConfigError
from ingresslab.proxyconfig.filters import ClusterFilter, EndpointFilter, ListenerFilter, RouteFilter
from ingresslab.proxyconfig.model import ClustersStatus, ConfigDump
from ingresslab.proxyconfig.output import go_yaml
from ingresslab.proxyconfig.reader import load_clusters, load_config_dump

__all__ = ["KINDS", "OUTPUTS", "load_endpoints", "render"]

# Accepted spellings, as istioctl's aliases: `clusters`/`c`, `listeners`/`l`, `routes`/`r`, ...
KINDS = {
    "cluster": "cluster",
    "clusters": "cluster",
    "c": "cluster",
    "listener": "listener",
    "listeners": "listener",
    "l": "listener",
    "route": "route",
    "routes": "route",
    "r": "route",
    "endpoint": "endpoint",
    "endpoints": "endpoint",
    "ep": "endpoint",
    "secret": "secret",
    "secrets": "secret",
    "s": "secret",
    "all": "all",
    "a": "all",
    "bootstrap": "bootstrap",
    "b": "bootstrap",
}
OUTPUTS = ("short", "json", "yaml")

_FILTERS = {
    "cluster": {"fqdn", "port", "subset", "direction"},
    "listener": {"address", "port", "type"},
    "route": {"name"},
    "endpoint": {"address", "port", "cluster", "status"},
    "secret": set(),
    "bootstrap": set(),
    "all": {"fqdn", "port", "subset", "direction", "address", "type", "name", "cluster", "status"},
}


def load_endpoints(data: dict | str | bytes | Path | ConfigDump | ClustersStatus) -> ClustersStatus:
    """What `proxy-config endpoint` reads: `/clusters?format=json`, or a config dump's EDS section
    turned into the same shape (hosts healthy unless EDS says otherwise, outlier checks OK)."""
    if isinstance(data, ClustersStatus):
        return data
    if isinstance(data, ConfigDump):
        return load_clusters(clusters_status_from_config_dump(data.raw), source=data.source)
    return load_clusters(data)


def render(
    dump: ConfigDump | ClustersStatus | dict | str | bytes | Path,
    what: str,
    *,
    output: str = "short",
    verbose: bool = True,
    with_headers: bool = False,
    now: datetime | None = None,
    **filters: object,
) -> str:
    """The text `istioctl proxy-config <what> -f <dump> -o <output> [--filters]` prints.

    `what` is cluster, listener, route, endpoint, secret, all or bootstrap (or an istioctl alias).
    Filters are keyword arguments named after the flags: fqdn, port, subset, direction (clusters),
    address, port, type (listeners), name (routes), address, port, cluster, status (endpoints).
    `now` fixes the clock used for the secret table's VALID CERT column.
    """
    kind = KINDS.get(what)
    if kind is None:
        raise ProxyConfigError(
            f"unknown proxy-config kind {what!r}; use one of {', '.join(sorted(set(KINDS.values())))}"
        )
    if output not in OUTPUTS:
        raise ProxyConfigError(f"output format {output!r} not supported; use one of {', '.join(OUTPUTS)}")
    unknown = sorted(set(filters) - _FILTERS[kind])
    if unknown:
        allowed = ", ".join(sorted(_FILTERS[kind])) or "none"
        raise ProxyConfigError(f"`{kind}` has no filter {', '.join(unknown)}; its filters: {allowed}")
    values = {key: value for key, value in filters.items() if value not in (None, "", 0)}
    port = _port(values.get("port", 0))

    if kind == "endpoint":
        status = load_endpoints(dump)
        endpoint_filter = EndpointFilter(
            address=str(values.get("address", "")),
            port=port,
            cluster=str(values.get("cluster", "")),
            status=str(values.get("status", "")),
        )
        if output == "short":
            return tables.endpoint_summary(status, endpoint_filter)
        return tables.endpoint_dump(status, endpoint_filter, output=output)

    if isinstance(dump, ClustersStatus):
        raise ProxyConfigError(f"`{kind}` needs a /config_dump; /clusters?format=json only serves `endpoint`")
    if not isinstance(dump, ConfigDump):
        dump = load_config_dump(dump)

    cluster_filter = ClusterFilter(
        fqdn=str(values.get("fqdn", "")),
        port=port,
        subset=str(values.get("subset", "")),
        direction=str(values.get("direction", "")),
    )
    listener_filter = ListenerFilter(
        address=str(values.get("address", "")), port=port, type=str(values.get("type", ""))
    )
    route_filter = RouteFilter(name=str(values.get("name", "")))
    if kind == "cluster":
        if output == "short":
            return tables.cluster_summary(dump, cluster_filter)
        return tables.cluster_dump(dump, cluster_filter, output=output)
    if kind == "listener":
        if output == "short":
            return tables.listener_summary(dump, listener_filter, verbose=verbose)
        return tables.listener_dump(dump, listener_filter, output=output)
    if kind == "route":
        if output == "short":
            return tables.route_summary(dump, route_filter, verbose=verbose)
        return tables.route_dump(dump, route_filter, output=output)
    if kind == "secret":
        if output == "short":
            return tables.secret_summary(dump, now=now)
        return tables.secret_dump(dump, output=output)
    if kind == "bootstrap":
        if output == "short":
            return tables.bootstrap_summary(dump)
        return tables.bootstrap_dump(dump, output=output)
    # all: -o json prints the dump as it was read, -o yaml converts it; short is the five tables
    if output == "json":
        return (dump.text if dump.text is not None else _envoy_json(dump.raw)) + "\n"
    if output == "yaml":
        return go_yaml(dump.raw) + "\n"
    endpoint_filter = EndpointFilter(
        address=str(values.get("address", "")),
        port=port,
        cluster=str(values.get("cluster", "")),
        status=str(values.get("status", "")),
    )
    return tables.full_summary(
        dump,
        cluster_filter=cluster_filter,
        listener_filter=listener_filter,
        route_filter=route_filter,
        endpoint_filter=endpoint_filter,
        verbose=verbose,
        with_headers=with_headers,
        now=now,
    )


def _port(value: object) -> int:
    if isinstance(value, bool):
        raise ProxyConfigError(f"port must be a number, not {value!r}")
    try:
        port = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ProxyConfigError(f"port must be a number, not {value!r}") from None
    if port < 0:
        raise ProxyConfigError(f"port must not be negative (got {port})")
    return port


def _envoy_json(raw: dict) -> str:
    import json

    # Envoy's admin handler pretty-prints with a one-space indent.
    return json.dumps(raw, indent=1, ensure_ascii=False)
