"""Print what `istioctl proxy-config cluster|listener|route|endpoint|secret|all` prints.

Each table follows the istioctl function named in its docstring (istio/istio
istioctl/pkg/writer/envoy/configdump/*.go, .../writer/envoy/clusters/clusters.go and
.../writer/compare/sds/*.go): the same columns, sorting (Go's unstable `sort.Slice`, reproduced by
`gosort`), tabwriter settings and trailing padding.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timezone

from ingresslab.proxyconfig.casing import to_camel_case
from ingresslab.proxyconfig.certs import parse_pem_certificate
from ingresslab.proxyconfig.describe import (
    PASSTHROUGH_CLUSTER,
    describe_filter_type,
    describe_management,
    describe_match,
    describe_route_domains,
    filter_chain_match,
    go_atoi,
    listener_type,
    parse_subset_key,
    safely_parse_subset_key,
)
from ingresslab.proxyconfig.errors import ProxyConfigError
from ingresslab.proxyconfig.filters import ClusterFilter, EndpointFilter, ListenerFilter, RouteFilter
from ingresslab.proxyconfig.gosort import go_sort_slice
from ingresslab.proxyconfig.model import (
    Cluster,
    ClusterLoadAssignment,
    ClustersStatus,
    ConfigDump,
    Listener,
    RouteConfig,
)
from ingresslab.proxyconfig.output import go_json_indent, go_yaml
from ingresslab.proxyconfig.reader import (
    BOOTSTRAP_TYPE,
    CLUSTERS_TYPE,
    LISTENERS_TYPE,
    ROUTES_TYPE,
    SECRETS_TYPE,
)
from ingresslab.proxyconfig.tabwriter import TabWriter

__all__ = [
    "bootstrap_dump",
    "bootstrap_summary",
    "cluster_dump",
    "cluster_summary",
    "eds_summary",
    "endpoint_dump",
    "endpoint_summary",
    "full_summary",
    "listener_dump",
    "listener_summary",
    "route_dump",
    "route_summary",
    "secret_dump",
    "secret_summary",
    "sorted_clusters",
    "sorted_route_configs",
]


def _missing(dump: ConfigDump, type_url: str) -> ProxyConfigError:
    # istioctl's getSection wording, plus what to do about it
    return ProxyConfigError(
        f"config dump has no configuration type {type_url}; dump the proxy's full /config_dump "
        "(no ?mask that drops this section)",
        source=dump.source,
    )


def _subset_key_less(a: str, b: str) -> bool:
    """The comparator of retrieveSortedClusterSlice / retrieveSortedEndpointsSlice."""
    a_dir, a_subset, a_name, a_port = safely_parse_subset_key(a)
    b_dir, b_subset, b_name, b_port = safely_parse_subset_key(b)
    if a_name != b_name:
        return a_name < b_name
    if a_subset != b_subset:
        return a_subset < b_subset
    if a_port != b_port:
        return a_port < b_port
    return a_dir < b_dir


# -- clusters ---------------------------------------------------------------------------------------------
def sorted_clusters(dump: ConfigDump) -> list[Cluster]:
    """retrieveSortedClusterSlice: dynamic then static clusters, sorted by fqdn, subset, port, direction."""
    if dump.clusters is None:
        raise _missing(dump, CLUSTERS_TYPE)
    if not dump.clusters:
        raise ProxyConfigError("no clusters found", source=dump.source)
    return go_sort_slice(list(dump.clusters), lambda a, b: _subset_key_less(a.name, b.name))


def cluster_summary(
    dump: ConfigDump, filter: ClusterFilter | None = None, *, config_type: bool = False
) -> str:
    """PrintClusterSummary (tabwriter padding 5)."""
    filter = filter or ClusterFilter()
    rows = [["SERVICE FQDN", "PORT", "SUBSET", "DIRECTION", "TYPE", "DESTINATION RULE"]]
    if config_type:
        rows[0].insert(0, "NAME")
    for cluster in sorted_clusters(dump):
        if not filter.verify(cluster):
            continue
        rule = describe_management(cluster.metadata)
        if len(cluster.name.split("|")) > 3:
            direction, subset, fqdn, port = parse_subset_key(cluster.name)
            row = [fqdn, str(port), subset or "-", direction, cluster.type, rule]
            if config_type:
                row.insert(0, f"cluster/{cluster.name}")
        elif config_type and cluster.name:
            row = [f"cluster/{cluster.name}"] * 2 + ["-", "-", "-", cluster.type, rule]
        else:
            row = [cluster.name, "-", "-", "-", cluster.type, rule]
        rows.append(row)
    return _table(rows, padding=5)


def cluster_dump(dump: ConfigDump, filter: ClusterFilter | None = None, *, output: str = "json") -> str:
    """PrintClusterDump: the filtered Cluster messages in the summary's order."""
    filter = filter or ClusterFilter()
    return _messages([c.raw for c in sorted_clusters(dump) if filter.verify(c)], output)


# -- listeners --------------------------------------------------------------------------------------------
def _listeners(dump: ConfigDump) -> list[Listener]:
    """retrieveSortedListenerSlice (which, despite its name, does not sort): dynamic then static."""
    if dump.listeners is None:
        raise _missing(dump, LISTENERS_TYPE)
    if not dump.listeners:
        raise ProxyConfigError("no listeners found", source=dump.source)
    return list(dump.listeners)


def _listener_less(a: Listener, b: Listener) -> bool:
    """PrintListenerSummary's sort: port, then address, then listener type."""
    if a.port != b.port:
        return a.port < b.port
    if a.address != b.address:
        return a.address < b.address
    return listener_type(a) < listener_type(b)


@dataclass
class _ChainRow:
    match: str
    destination: str


def listener_summary(
    dump: ConfigDump, filter: ListenerFilter | None = None, *, verbose: bool = True, config_type: bool = False
) -> str:
    """PrintListenerSummary (tabwriter padding 1): one row per filter chain when verbose."""
    filter = filter or ListenerFilter()
    listeners = go_sort_slice([lst for lst in _listeners(dump) if filter.verify(lst)], _listener_less)
    header = ["ADDRESSES", "PORT"] + (["MATCH", "DESTINATION"] if verbose else ["TYPE"])
    rows = [["NAME", *header] if config_type else header]
    for listener in listeners:
        addresses = ",".join([listener.address, *listener.additional_addresses])
        prefix = [f"listener/{listener.name}"] if config_type else []
        if verbose:
            # retrieveListenerMatches, then sorted by destination, descending
            chains = [
                _ChainRow(filter_chain_match(chain.match), describe_filter_type(chain.filters))
                for chain in listener.all_filter_chains
            ]
            go_sort_slice(chains, lambda a, b: a.destination > b.destination)
            for chain in chains:
                rows.append([*prefix, addresses, str(listener.port), chain.match, chain.destination])
        else:
            rows.append([*prefix, addresses, str(listener.port), listener_type(listener)])
    return _table(rows, padding=1)


def listener_dump(dump: ConfigDump, filter: ListenerFilter | None = None, *, output: str = "json") -> str:
    """PrintListenerDump: the filtered Listener messages, dynamic then static, unsorted."""
    filter = filter or ListenerFilter()
    return _messages([lst.raw for lst in _listeners(dump) if filter.verify(lst)], output)


# -- routes -----------------------------------------------------------------------------------------------
def _route_name_less(a: RouteConfig, b: RouteConfig) -> bool:
    # retrieveSortedRouteSlice orders only names that are both integers (`80` before `7777`); any other
    # pair compares as "not less", which leaves named configs where Go's sort puts them.
    a_num, b_num = go_atoi(a.name), go_atoi(b.name)
    if a_num is None or b_num is None:
        return False
    return a_num < b_num


def sorted_route_configs(dump: ConfigDump) -> list[RouteConfig]:
    """retrieveSortedRouteSlice: dynamic then static route configurations."""
    if dump.routes is None:
        raise _missing(dump, ROUTES_TYPE)
    if not dump.routes:
        raise ProxyConfigError("no routes found", source=dump.source)
    return go_sort_slice(list(dump.routes), _route_name_less)


def route_summary(
    dump: ConfigDump, filter: RouteFilter | None = None, *, verbose: bool = True, config_type: bool = False
) -> str:
    """PrintRouteSummary (tabwriter padding 5): one row per route of each virtual host when verbose."""
    filter = filter or RouteFilter()
    if verbose:
        rows = [["NAME", "VHOST NAME", "DOMAINS", "MATCH", "VIRTUAL SERVICE"]]
    else:
        rows = [["NAME", "VIRTUAL HOSTS"]]
    for route_config in sorted_route_configs(dump):
        if not filter.verify(route_config):
            continue
        name = f"route/{route_config.name}" if config_type else route_config.name
        if not verbose:
            rows.append([name, str(len(route_config.virtual_hosts))])
            continue
        for vhost in route_config.virtual_hosts:
            domains = describe_route_domains(vhost.domains)
            for route in vhost.routes:
                if route.action == "route" and route.cluster == PASSTHROUGH_CLUSTER:
                    continue  # isPassthrough: the catch-all to PassthroughCluster is not shown
                rows.append(
                    [
                        name,
                        vhost.name,
                        domains,
                        describe_match(route.match),
                        describe_management(route.metadata),
                    ]
                )
            if not vhost.routes:
                rows.append([name, vhost.name, domains, "/*", "404"])
    return _table(rows, padding=5)


def route_dump(dump: ConfigDump, filter: RouteFilter | None = None, *, output: str = "json") -> str:
    """PrintRouteDump: the filtered RouteConfiguration messages in the summary's order."""
    filter = filter or RouteFilter()
    return _messages([rc.raw for rc in sorted_route_configs(dump) if filter.verify(rc)], output)


# -- endpoints: /clusters?format=json ---------------------------------------------------------------------
def endpoint_summary(clusters: ClustersStatus, filter: EndpointFilter | None = None) -> str:
    """clusters.PrintEndpointsSummary (tabwriter padding 5), sorted by address, port, cluster."""
    filter = filter or EndpointFilter()
    entries = [
        (host.address, host.port, cluster.name, host.health_status, host.failed_outlier_check)
        for cluster in clusters.clusters
        for host in cluster.hosts
        if filter.verify_host(host, cluster.name)
    ]

    def less(a: tuple, b: tuple) -> bool:
        if a[0] != b[0]:
            return a[0] < b[0]
        if a[1] != b[1]:
            return a[1] < b[1]
        return a[2] < b[2]

    go_sort_slice(entries, less)
    rows = [["ENDPOINT", "STATUS", "OUTLIER CHECK", "CLUSTER"]]
    for address, port, cluster, status, failed in entries:
        endpoint = f"{address}:{port}" if port else address
        rows.append([endpoint, status, "FAILED" if failed else "OK", cluster])
    return _table(rows, padding=5)


def endpoint_dump(
    clusters: ClustersStatus, filter: EndpointFilter | None = None, *, output: str = "json"
) -> str:
    """clusters.PrintEndpoints: every ClusterStatus with at least one matching host (all its hosts)."""
    filter = filter or EndpointFilter()
    chosen = [c.raw for c in clusters.clusters if any(filter.verify_host(h, c.name) for h in c.hosts)]
    return _messages(chosen, output, strip_type=False)


# -- endpoints: the config dump's EDS section (`all`) -----------------------------------------------------
def _sorted_assignments(dump: ConfigDump, filter: EndpointFilter) -> list[ClusterLoadAssignment]:
    """retrieveSortedEndpointsSlice: assignments with at least one matching endpoint, sorted like clusters."""
    kept = []
    for cla in dump.endpoints or []:
        groups = []
        for group in cla.endpoints:
            eps = [ep for ep in group.lb_endpoints if filter.verify_lb_endpoint(ep, cla.cluster_name)]
            groups.append((group, eps))
        if any(eps for _, eps in groups):
            kept.append((cla, groups))
    go_sort_slice(kept, lambda a, b: _subset_key_less(a[0].cluster_name, b[0].cluster_name))
    return kept


def _locality(locality: dict) -> str:
    """util.LocalityToString: region[/zone[/sub_zone]]."""
    text = locality.get("region", "") or ""
    if not locality.get("zone"):
        return text
    text += "/" + locality["zone"]
    if not locality.get("sub_zone"):
        return text
    return text + "/" + locality["sub_zone"]


def eds_summary(dump: ConfigDump, filter: EndpointFilter | None = None, *, config_type: bool = False) -> str:
    """configdump.PrintEndpointsSummary (tabwriter padding 5): `NAME STATUS LOCALITY CLUSTER`."""
    filter = filter or EndpointFilter()
    rows = [["NAME", "STATUS", "LOCALITY", "CLUSTER"]]
    for cla, groups in _sorted_assignments(dump, filter):
        for group, eps in groups:
            for ep in eps:
                address = ",".join(ep.addresses)
                rows.append(
                    [
                        f"endpoint/{address}" if config_type else address,
                        ep.health_status,
                        _locality(group.locality),
                        cla.cluster_name,
                    ]
                )
    return _table(rows, padding=5)


# -- secrets ----------------------------------------------------------------------------------------------
@dataclass
class _SecretItem:
    name: str
    state: str
    type: str = ""
    valid: bool = False
    serial: str = ""
    not_after: str = ""
    not_before: str = ""
    trust_domain: str = ""


def _inline_bytes(holder: object) -> bytes:
    if not isinstance(holder, dict) or not isinstance(holder.get("inline_bytes"), str):
        return b""
    try:
        return base64.b64decode(holder["inline_bytes"])
    except (binascii.Error, ValueError):
        return b""


def _secret_item(name: str, state: str, data: bytes, trust_domain: str, now: datetime) -> _SecretItem:
    """secretItemBuilder.Build: certificate facts when the PEM parses, else an invalid empty row."""
    item = _SecretItem(name=name, state=state)
    if not data:
        return item
    info = parse_pem_certificate(data)
    if info is None:
        return item
    item.type = info.type
    item.valid = info.valid_at(now)
    item.serial = info.serial_number
    item.not_after = info.not_after.strftime("%Y-%m-%dT%H:%M:%SZ")
    item.not_before = info.not_before.strftime("%Y-%m-%dT%H:%M:%SZ")
    item.trust_domain = trust_domain or info.trust_domain
    return item


_SPIFFE_VALIDATOR = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig"


def _secret_items(dump: ConfigDump, now: datetime) -> list[_SecretItem]:
    """sdscompare.GetEnvoySecrets + parseDynamicSecret."""
    items = []
    for secret in dump.secrets or []:
        message = secret.secret
        chain = _inline_bytes((message.get("tls_certificate") or {}).get("certificate_chain"))
        validation = message.get("validation_context") or {}
        trusted = _inline_bytes(validation.get("trusted_ca")) if isinstance(validation, dict) else b""
        if chain:
            items.append(_secret_item(secret.name, secret.state, chain, "", now))
        elif trusted:
            items.append(_secret_item(secret.name, secret.state, trusted, "", now))
        else:
            custom = validation.get("custom_validator_config") if isinstance(validation, dict) else None
            typed = (custom or {}).get("typed_config") or {}
            if isinstance(typed, dict) and typed.get("@type") == _SPIFFE_VALIDATOR:
                for domain in typed.get("trust_domains") or []:
                    bundle = _inline_bytes(domain.get("trust_bundle"))
                    # istioctl names these after the Secret message's own name field
                    items.append(
                        _secret_item(
                            message.get("name", ""), secret.state, bundle, domain.get("name", ""), now
                        )
                    )
            else:
                items.append(_SecretItem(name=secret.name, state=secret.state))
    return items


def secret_summary(dump: ConfigDump, *, config_type: bool = False, now: datetime | None = None) -> str:
    """PrintSecretSummary + sdsWriter.printSecretItemsTabular (tabwriter minwidth 0, tabwidth 5, padding 5).

    VALID CERT compares the certificate's validity with `now` (default: the current time), as istioctl does.
    """
    if dump.secrets is None:
        raise _missing(dump, SECRETS_TYPE)
    if not dump.secrets:
        return "No active or warming secrets found.\n"
    items = _secret_items(dump, now or datetime.now(timezone.utc))
    if not items:
        return "No secret items to show.\n"
    columns = ["RESOURCE NAME", "TYPE", "STATUS", "VALID CERT", "SERIAL NUMBER", "NOT AFTER", "NOT BEFORE"]
    with_domain = all(item.trust_domain for item in items)
    rows = [[*columns, "TRUST DOMAIN"] if with_domain else columns]
    for item in items:
        name = f"secret/{item.name}" if config_type else item.name
        row = [
            name,
            item.type,
            item.state,
            "true" if item.valid else "false",
            item.serial,
            item.not_after,
            item.not_before,
        ]
        rows.append([*row, item.trust_domain] if with_domain else row)
    return _table(rows, padding=5, tabwidth=5)


def secret_dump(dump: ConfigDump, *, output: str = "json") -> str:
    """PrintSecretDump: the whole SecretsConfigDump message (protojson, 4-space indent)."""
    if dump.secrets_raw is None:
        raise ProxyConfigError(
            f"sidecar doesn't support secrets: config dump has no configuration type {SECRETS_TYPE}",
            source=dump.source,
        )
    message = {k: v for k, v in to_camel_case(dump.secrets_raw).items() if k != "@type"}
    text = go_json_indent(message, escape_html=False)
    return (go_yaml(message) if output == "yaml" else text) + "\n"


def bootstrap_dump(dump: ConfigDump, *, output: str = "json") -> str:
    """PrintBootstrapDump: the BootstrapConfigDump message (protojson, 4-space indent)."""
    if dump.bootstrap_raw is None:
        raise _missing(dump, BOOTSTRAP_TYPE)
    message = {k: v for k, v in to_camel_case(dump.bootstrap_raw).items() if k != "@type"}
    return (go_yaml(message) if output == "yaml" else go_json_indent(message, escape_html=False)) + "\n"


# -- bootstrap and all ------------------------------------------------------------------------------------
def bootstrap_summary(dump: ConfigDump) -> str:
    """PrintBootstrapSummary (tabwriter padding 1): Istio, Istio Proxy and Envoy versions."""
    if dump.bootstrap is None:
        raise _missing(dump, BOOTSTRAP_TYPE)
    rows = []
    boot = dump.bootstrap
    for label, value in (
        ("Istio Version:", boot.istio_version),
        ("Istio Proxy Version:", boot.istio_proxy_sha),
        ("Envoy Version:", boot.envoy_version),
    ):
        if value:
            rows.append([label, value])
    return _table(rows, padding=1)


def full_summary(
    dump: ConfigDump,
    *,
    cluster_filter: ClusterFilter | None = None,
    listener_filter: ListenerFilter | None = None,
    route_filter: RouteFilter | None = None,
    endpoint_filter: EndpointFilter | None = None,
    verbose: bool = True,
    with_headers: bool = False,
    now: datetime | None = None,
) -> str:
    """PrintFullSummary (`proxy-config all`): each table with a NAME column of `cluster/`, `listener/`... names."""
    parts = [
        ("BOOTSTRAP INFO", lambda: bootstrap_summary(dump)),
        ("CLUSTER INFO", lambda: cluster_summary(dump, cluster_filter, config_type=True)),
        ("LISTENER INFO", lambda: listener_summary(dump, listener_filter, verbose=verbose, config_type=True)),
        ("ROUTE INFO", lambda: route_summary(dump, route_filter, verbose=verbose, config_type=True)),
        ("SECRET INFO", lambda: secret_summary(dump, config_type=True, now=now)),
        ("ENDPOINTS INFO", lambda: eds_summary(dump, endpoint_filter, config_type=True)),
    ]
    out = []
    for index, (title, render_part) in enumerate(parts):
        if index:
            out.append("\n")
        if with_headers:
            out.append(f"------ {title} ------\n\n")
        out.append(render_part())
    return "".join(out)


# -- helpers ----------------------------------------------------------------------------------------------
def _table(rows: list[list[str]], *, padding: int, tabwidth: int = 8) -> str:
    writer = TabWriter(minwidth=0, tabwidth=tabwidth, padding=padding)
    writer.write("".join("\t".join(row) + "\n" for row in rows))
    return writer.flush()


def _messages(messages: list[dict], output: str, *, strip_type: bool = True) -> str:
    """A list of messages as istioctl prints it: camelCase protojson, Go-indented, or YAML of that."""
    converted = []
    for message in messages:
        camel = to_camel_case(message)
        if strip_type and isinstance(camel, dict):
            # The message itself is printed, not the Any that wrapped it in the dump.
            camel = {k: v for k, v in camel.items() if k != "@type"}
        converted.append(camel)
    if output == "yaml":
        return go_yaml(converted) + "\n"
    return go_json_indent(converted) + "\n"
