"""Read Envoy's `/config_dump` (snake_case, or istioctl's camelCase `-o json`) and `/clusters?format=json`.

Sections are found by `@type`; unknown types (ECDS, scoped routes, future ones) are skipped, like istioctl.
When a type appears twice the last one wins (istioctl's getSection). Shapes are checked as they are read,
so a wrong one raises `ProxyConfigError` naming the file and the JSON path instead of failing later.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingresslab.proxyconfig.casing import to_snake_case
from ingresslab.proxyconfig.errors import ProxyConfigError
from ingresslab.proxyconfig.model import (
    Bootstrap,
    Cluster,
    ClusterLoadAssignment,
    ClustersStatus,
    ClusterStatus,
    ConfigDump,
    FilterChain,
    FilterChainMatch,
    HostStatus,
    LbEndpoint,
    Listener,
    LocalityLbEndpoints,
    NetworkFilter,
    Route,
    RouteConfig,
    RouteMatch,
    Secret,
    VirtualHost,
)

__all__ = [
    "BOOTSTRAP_TYPE",
    "CLUSTERS_TYPE",
    "ENDPOINTS_TYPE",
    "LISTENERS_TYPE",
    "ROUTES_TYPE",
    "SECRETS_TYPE",
    "load_clusters",
    "load_config_dump",
    "load_json",
    "parse_route_configuration",
]

_ADMIN = "type.googleapis.com/envoy.admin.v3."
BOOTSTRAP_TYPE = _ADMIN + "BootstrapConfigDump"
CLUSTERS_TYPE = _ADMIN + "ClustersConfigDump"
LISTENERS_TYPE = _ADMIN + "ListenersConfigDump"
ROUTES_TYPE = _ADMIN + "RoutesConfigDump"
ENDPOINTS_TYPE = _ADMIN + "EndpointsConfigDump"
SECRETS_TYPE = _ADMIN + "SecretsConfigDump"

_DISCOVERY_TYPES = {0: "STATIC", 1: "STRICT_DNS", 2: "LOGICAL_DNS", 3: "EDS", 4: "ORIGINAL_DST"}
_HEALTH = {0: "UNKNOWN", 1: "HEALTHY", 2: "UNHEALTHY", 3: "DRAINING", 4: "TIMEOUT", 5: "DEGRADED"}


class _Reader:
    """Typed access to a JSON tree that reports the path of anything malformed."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> ProxyConfigError:
        return ProxyConfigError(message, source=self.source, path=path or "$")

    def obj(self, parent: dict, key: str, path: str) -> dict:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{path}.{key}", f"expected an object, found {_kind(value)}")
        return value

    def items(self, parent: dict, key: str, path: str) -> list[tuple[str, dict]]:
        """The objects of a list field, each with its path."""
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{path}.{key}", f"expected a list, found {_kind(value)}")
        out = []
        for index, item in enumerate(value):
            where = f"{path}.{key}[{index}]"
            if not isinstance(item, dict):
                raise self.fail(where, f"expected an object, found {_kind(item)}")
            out.append((where, item))
        return out

    def strings(self, parent: dict, key: str, path: str) -> list[str]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{path}.{key}", f"expected a list of strings, found {_kind(value)}")
        return value

    def str(self, parent: dict, key: str, path: str, default: str = "") -> str:
        value = parent.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(f"{path}.{key}", f"expected a string, found {_kind(value)}")
        return value

    def int(self, parent: dict, key: str, path: str, default: int = 0) -> int:
        value = parent.get(key)
        if value is None:
            return default
        # protobuf JSON writes 64-bit integers as strings and accepts strings for any integer
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.fail(f"{path}.{key}", f"expected an integer, found {_kind(value)}")
        try:
            return int(value)
        except ValueError:
            raise self.fail(f"{path}.{key}", f"expected an integer, found {value!r}") from None

    def enum(self, parent: dict, key: str, path: str, names: dict[int, str], default: str) -> str:
        value = parent.get(key)
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            return names.get(value, str(value))
        if not isinstance(value, str):
            raise self.fail(f"{path}.{key}", f"expected an enum name, found {_kind(value)}")
        return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({json.dumps(value)})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


def load_json(data: dict | str | bytes | Path, *, source: str | None = None) -> tuple[Any, str | None, str]:
    """Decode JSON from a dict, text, bytes or a path; returns (value, original text or None, source name)."""
    text: str | None = None
    if isinstance(data, Path):
        source = source or str(data)
        try:
            data = data.read_bytes()
        except OSError as err:
            raise ProxyConfigError(f"cannot read the file: {err.strerror or err}", source=source) from None
    source = source or "<data>"
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise ProxyConfigError(
                f"not UTF-8 text ({err.reason} at byte {err.start})", source=source
            ) from None
    if isinstance(data, str):
        text = data
        if not text.strip():
            raise ProxyConfigError("empty input; expected the JSON of Envoy's /config_dump", source=source)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ProxyConfigError(
                f"not JSON: {err.msg} at line {err.lineno} column {err.colno}; "
                "save the output of `pilot-agent request GET config_dump` (or curl localhost:15000/config_dump)",
                source=source,
            ) from None
    return data, text, source


def load_config_dump(data: dict | str | bytes | Path, *, source: str | None = None) -> ConfigDump:
    """Parse an Envoy `/config_dump` (dict, JSON text/bytes, or a path) into a `ConfigDump`."""
    value, text, source = load_json(data, source=source)
    reader = _Reader(source)
    if not isinstance(value, dict):
        raise reader.fail("$", f"expected a JSON object with a `configs` list, found {_kind(value)}")
    if "configs" not in value:
        hint = (
            " (this looks like /clusters?format=json: use `proxy-config endpoint`)"
            if "cluster_statuses" in value or "clusterStatuses" in value
            else ""
        )
        raise reader.fail("$", f"no `configs` list: this is not an Envoy /config_dump{hint}")
    raw = to_snake_case(value)
    dump = ConfigDump(raw=raw, text=text, source=source)
    for path, config in reader.items(raw, "configs", "$"):
        type_url = config.get("@type")
        if not isinstance(type_url, str):
            raise reader.fail(path, "each entry of `configs` needs an `@type` string")
        if type_url == BOOTSTRAP_TYPE:
            dump.bootstrap_raw = config
            dump.bootstrap = _bootstrap(reader, config, path)
        elif type_url == CLUSTERS_TYPE:
            dump.clusters = _clusters(reader, config, path)
        elif type_url == LISTENERS_TYPE:
            dump.listeners = _listeners(reader, config, path)
        elif type_url == ROUTES_TYPE:
            dump.routes = _routes(reader, config, path)
        elif type_url == ENDPOINTS_TYPE:
            dump.endpoints = _endpoints(reader, config, path)
        elif type_url == SECRETS_TYPE:
            dump.secrets_raw = config
            dump.secrets = _secrets(reader, config, path)
        # any other @type is a section istioctl does not render here: skip it
    return dump


# -- bootstrap --------------------------------------------------------------------------------------------
def _bootstrap(r: _Reader, config: dict, path: str) -> Bootstrap:
    node = r.obj(r.obj(config, "bootstrap", path), "node", path + ".bootstrap")
    npath = path + ".bootstrap.node"
    metadata = r.obj(node, "metadata", npath)
    version = metadata.get("ISTIO_VERSION")
    sha = metadata.get("ISTIO_PROXY_SHA")
    sha = sha if isinstance(sha, str) else ""
    if len(sha.split(":")) > 1:  # older proxies wrote `istio-proxy:<sha>`
        sha = sha.split(":")[1]
    build = r.obj(node, "user_agent_build_version", npath)
    bpath = npath + ".user_agent_build_version"
    numbers = r.obj(build, "version", bpath)
    vpath = bpath + ".version"
    envoy = "{}.{}.{}".format(
        r.int(numbers, "major_number", vpath),
        r.int(numbers, "minor_number", vpath),
        r.int(numbers, "patch", vpath),
    )
    # istioctl's getUserAgentVersionInfo: label, status, type, ssl version, in that order
    labels = r.obj(build, "metadata", bpath)
    for key, sep in (
        ("build.label", "-"),
        ("revision.status", "/"),
        ("build.type", "/"),
        ("ssl.version", "/"),
    ):
        if key in labels:
            item = labels[key]
            envoy += sep + (item if isinstance(item, str) else "")
    return Bootstrap(
        node_id=r.str(node, "id", npath),
        istio_version=version if isinstance(version, str) else "",
        istio_proxy_sha=sha,
        envoy_version=envoy,
        raw=config.get("bootstrap") or {},
    )


# -- clusters ---------------------------------------------------------------------------------------------
def _clusters(r: _Reader, config: dict, path: str) -> list[Cluster]:
    out = []
    # istioctl's retrieveSortedClusterSlice: dynamic active clusters first, then static ones
    for dynamic, key in ((True, "dynamic_active_clusters"), (False, "static_clusters")):
        for where, entry in r.items(config, key, path):
            if "cluster" not in entry:
                continue
            cluster = r.obj(entry, "cluster", where)
            cpath = where + ".cluster"
            out.append(
                Cluster(
                    name=r.str(cluster, "name", cpath),
                    type=r.enum(cluster, "type", cpath, _DISCOVERY_TYPES, "STATIC"),
                    metadata=r.obj(cluster, "metadata", cpath),
                    dynamic=dynamic,
                    raw=cluster,
                )
            )
    return out


# -- listeners --------------------------------------------------------------------------------------------
def _listeners(r: _Reader, config: dict, path: str) -> list[Listener]:
    out = []
    for where, entry in r.items(config, "dynamic_listeners", path):
        state = r.obj(entry, "active_state", where)
        if "listener" in state:
            out.append(
                _listener(
                    r,
                    r.obj(state, "listener", where + ".active_state"),
                    f"{where}.active_state.listener",
                    True,
                )
            )
    for where, entry in r.items(config, "static_listeners", path):
        if "listener" in entry:
            out.append(_listener(r, r.obj(entry, "listener", where), where + ".listener", False))
    return out


def _address(r: _Reader, parent: dict, path: str) -> tuple[str, int]:
    """(address, port) of a core Address: socket address, or a pipe path with port 0."""
    socket = r.obj(parent, "socket_address", path)
    if socket:
        spath = path + ".socket_address"
        return r.str(socket, "address", spath), r.int(socket, "port_value", spath)
    pipe = r.obj(parent, "pipe", path)
    if pipe:
        return r.str(pipe, "path", path + ".pipe"), 0
    return "", 0


def _listener(r: _Reader, raw: dict, path: str, dynamic: bool) -> Listener:
    address, port = _address(r, r.obj(raw, "address", path), path + ".address")
    extra = []
    for where, item in r.items(raw, "additional_addresses", path):
        extra.append(_address(r, r.obj(item, "address", where), where + ".address")[0])
    chains = [_filter_chain(r, item, where) for where, item in r.items(raw, "filter_chains", path)]
    default = None
    if raw.get("default_filter_chain") is not None:
        default = _filter_chain(r, r.obj(raw, "default_filter_chain", path), path + ".default_filter_chain")
    return Listener(
        name=r.str(raw, "name", path),
        address=address,
        port=port,
        additional_addresses=extra,
        filter_chains=chains,
        default_filter_chain=default,
        internal="internal_listener" in raw,
        dynamic=dynamic,
        raw=raw,
    )


def _filter_chain(r: _Reader, raw: dict, path: str) -> FilterChain:
    match = None
    if raw.get("filter_chain_match") is not None:
        m = r.obj(raw, "filter_chain_match", path)
        mpath = path + ".filter_chain_match"
        dport = m.get("destination_port")
        if isinstance(dport, dict):  # a UInt32Value written as {"value": N} by some tools
            dport = dport.get("value")
        ranges = []
        for where, item in r.items(m, "prefix_ranges", mpath):
            plen = item.get("prefix_len", 0)
            if isinstance(plen, dict):
                plen = plen.get("value", 0)
            ranges.append(
                (r.str(item, "address_prefix", where), r.int({"v": plen}, "v", where + ".prefix_len"))
            )
        match = FilterChainMatch(
            server_names=r.strings(m, "server_names", mpath),
            transport_protocol=r.str(m, "transport_protocol", mpath),
            application_protocols=r.strings(m, "application_protocols", mpath),
            destination_port=None if dport is None else r.int({"v": dport}, "v", mpath + ".destination_port"),
            prefix_ranges=ranges,
        )
    filters = [
        NetworkFilter(name=r.str(item, "name", where), typed_config=r.obj(item, "typed_config", where))
        for where, item in r.items(raw, "filters", path)
    ]
    return FilterChain(name=r.str(raw, "name", path), match=match, filters=filters, raw=raw)


# -- routes -----------------------------------------------------------------------------------------------
def _routes(r: _Reader, config: dict, path: str) -> list[RouteConfig]:
    out = []
    for dynamic, key in ((True, "dynamic_route_configs"), (False, "static_route_configs")):
        for where, entry in r.items(config, key, path):
            if "route_config" in entry:
                out.append(
                    _route_configuration(
                        r, r.obj(entry, "route_config", where), where + ".route_config", dynamic
                    )
                )
    return out


def parse_route_configuration(raw: dict, *, source: str = "<data>", path: str = "$") -> RouteConfig:
    """A snake_case RouteConfiguration (e.g. one inlined in an HTTP connection manager) as a `RouteConfig`."""
    return _route_configuration(_Reader(source), raw, path)


def _route_configuration(r: _Reader, raw: dict, path: str, dynamic: bool = True) -> RouteConfig:
    vhosts = []
    for where, vh in r.items(raw, "virtual_hosts", path):
        routes = [_route(r, item, rpath) for rpath, item in r.items(vh, "routes", where)]
        vhosts.append(
            VirtualHost(name=r.str(vh, "name", where), domains=r.strings(vh, "domains", where), routes=routes)
        )
    return RouteConfig(name=r.str(raw, "name", path), virtual_hosts=vhosts, dynamic=dynamic, raw=raw)


_ROUTE_ACTIONS = ("route", "redirect", "direct_response", "filter_action", "non_forwarding_action")


def _route(r: _Reader, raw: dict, path: str) -> Route:
    m = r.obj(raw, "match", path)
    mpath = path + ".match"
    regex = None
    if m.get("safe_regex") is not None:
        regex = r.str(r.obj(m, "safe_regex", mpath), "regex", mpath + ".safe_regex")
    action = next((key for key in _ROUTE_ACTIONS if key in raw), "")
    cluster = None
    if action == "route":
        target = r.obj(raw, "route", path)
        if "cluster" in target:
            cluster = r.str(target, "cluster", path + ".route")
    return Route(
        name=r.str(raw, "name", path),
        match=RouteMatch(
            prefix=r.str(m, "prefix", mpath),
            path=r.str(m, "path", mpath),
            path_separated_prefix=r.str(m, "path_separated_prefix", mpath),
            safe_regex=regex,
        ),
        action=action,
        cluster=cluster,
        metadata=r.obj(raw, "metadata", path),
        raw=raw,
    )


# -- endpoints (EDS section) ------------------------------------------------------------------------------
def _endpoints(r: _Reader, config: dict, path: str) -> list[ClusterLoadAssignment]:
    out = []
    # istioctl's retrieveSortedEndpointsSlice: dynamic endpoint configs first, then static ones
    for key in ("dynamic_endpoint_configs", "static_endpoint_configs"):
        for where, entry in r.items(config, key, path):
            if "endpoint_config" in entry:
                out.append(_assignment(r, r.obj(entry, "endpoint_config", where), where + ".endpoint_config"))
    return out


def _assignment(r: _Reader, raw: dict, path: str) -> ClusterLoadAssignment:
    groups = []
    for where, llb in r.items(raw, "endpoints", path):
        eps = []
        for epath, ep in r.items(llb, "lb_endpoints", where):
            endpoint = r.obj(ep, "endpoint", epath)
            addrs = [r.obj(endpoint, "address", epath + ".endpoint")]
            for apath, extra in r.items(endpoint, "additional_addresses", epath + ".endpoint"):
                addrs.append(r.obj(extra, "address", apath))
            port = _address(r, addrs[0], epath + ".endpoint.address")[1]
            eps.append(
                LbEndpoint(
                    addresses=[_render_address(r, a, epath + ".endpoint.address") for a in addrs],
                    port=port,
                    health_status=r.enum(ep, "health_status", epath, _HEALTH, "UNKNOWN"),
                    raw=ep,
                )
            )
        groups.append(LocalityLbEndpoints(locality=r.obj(llb, "locality", where), lb_endpoints=eps))
    return ClusterLoadAssignment(cluster_name=r.str(raw, "cluster_name", path), endpoints=groups, raw=raw)


def _render_address(r: _Reader, address: dict, path: str) -> str:
    """istioctl's retrieveEndpointAddresses for one address."""
    if "socket_address" in address:
        host, port = _address(r, address, path)
        return f"{host}:{port}"
    if "pipe" in address:
        return _address(r, address, path)[0]
    internal = r.obj(address, "envoy_internal_address", path)
    if "server_listener_name" in internal:
        ipath = path + ".envoy_internal_address"
        return f"envoy://{r.str(internal, 'server_listener_name', ipath)}/{r.str(internal, 'endpoint_id', ipath)}"
    return "unknown"


# -- secrets ----------------------------------------------------------------------------------------------
def _secrets(r: _Reader, config: dict, path: str) -> list[Secret]:
    out = []
    # sdscompare.GetEnvoySecrets: warming secrets first, then active ones
    for state, key in (("WARMING", "dynamic_warming_secrets"), ("ACTIVE", "dynamic_active_secrets")):
        for where, entry in r.items(config, key, path):
            out.append(
                Secret(
                    name=r.str(entry, "name", where),
                    state=state,
                    version_info=r.str(entry, "version_info", where),
                    secret=r.obj(entry, "secret", where),
                )
            )
    return out


# -- /clusters?format=json --------------------------------------------------------------------------------
def load_clusters(data: dict | str | bytes | Path, *, source: str | None = None) -> ClustersStatus:
    """Parse Envoy's `/clusters?format=json` (what `istioctl proxy-config endpoint` reads)."""
    value, _text, source = load_json(data, source=source)
    reader = _Reader(source)
    if not isinstance(value, dict):
        raise reader.fail("$", f"expected a JSON object with `cluster_statuses`, found {_kind(value)}")
    if "configs" in value and "cluster_statuses" not in value and "clusterStatuses" not in value:
        raise reader.fail(
            "$",
            "this is a /config_dump, not /clusters?format=json; save `pilot-agent request GET "
            "'clusters?format=json'` for endpoints, or read the dump with `load_config_dump`",
        )
    raw = to_snake_case(value)
    clusters = []
    for where, item in reader.items(raw, "cluster_statuses", "$"):
        hosts = []
        for hpath, host in reader.items(item, "host_statuses", where):
            address = reader.obj(host, "address", hpath)
            health = reader.obj(host, "health_status", hpath)
            hs_path = hpath + ".health_status"
            hosts.append(
                HostStatus(
                    address=_host_address(reader, address, hpath + ".address"),
                    port=_address(reader, address, hpath + ".address")[1]
                    if "socket_address" in address
                    else 0,
                    health_status=reader.enum(health, "eds_health_status", hs_path, _HEALTH, "UNKNOWN"),
                    failed_outlier_check=bool(health.get("failed_outlier_check", False)),
                )
            )
        clusters.append(ClusterStatus(name=reader.str(item, "name", where), hosts=hosts, raw=item))
    return ClustersStatus(clusters=clusters, raw=raw, source=source)


def _host_address(r: _Reader, address: dict, path: str) -> str:
    """istioctl clusters.retrieveEndpointAddress: ip, `unix://` pipe, `envoy://` internal, or `unknown`."""
    if "socket_address" in address:
        return _address(r, address, path)[0]
    if "pipe" in address:
        return "unix://" + _address(r, address, path)[0]
    internal = r.obj(address, "envoy_internal_address", path)
    if "server_listener_name" in internal:
        ipath = path + ".envoy_internal_address"
        return f"envoy://{r.str(internal, 'server_listener_name', ipath)}/{r.str(internal, 'endpoint_id', ipath)}"
    return "unknown"
