"""One proxy's whole configuration as Envoy's admin API serves it: `/config_dump` (with EDS when asked) and
`/clusters?format=json`, for a gateway or an injected pod of the sandbox.

Clusters, per Istio 1.23's cluster builder: every Service port is an `outbound|<port>||<fqdn>` cluster
(plus one per DestinationRule subset) on gateways and sidecars alike; gateways add `BlackHoleCluster`;
sidecars add `BlackHoleCluster`, `PassthroughCluster`, `InboundPassthroughCluster` and one
`inbound|<port>||` ORIGINAL_DST cluster per workload port. A proxy whose istiod is gone (Istio uninstalled)
keeps only its bootstrap.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ingresslab.backends.sandbox.addons import istio
from ingresslab.backends.sandbox.dataplane import net
from ingresslab.backends.sandbox.envoyconfig import egress, gateway, mesh, sidecar, static
from ingresslab.backends.sandbox.store import format_time, parse_time
from ingresslab.proxyconfig import builders as b

__all__ = ["clusters_status", "config_dump", "is_proxy"]

_VERSIONED_KINDS = (
    "services",
    "endpoints",
    "pods",
    "ingresses",
    "gateways.networking.istio.io",
    "virtualservices",
    "destinationrules",
    "gateways.gateway.networking.k8s.io",
    "httproutes.gateway.networking.k8s.io",
)


def is_proxy(pod: dict) -> bool:
    """Whether the pod runs an Istio Envoy (a gateway, or a workload with the `istio-proxy` sidecar)."""
    containers = (pod.get("spec") or {}).get("containers") or []
    return any(c.get("name") == "istio-proxy" for c in containers)


def _connected(cluster, pod: dict) -> bool:
    return bool(istio.installed(cluster)) and (pod.get("status") or {}).get("phase") == "Running"


def _push_version(cluster) -> tuple[str, str]:
    """(version_info, last_updated): istiod stamps each push `<time>/<push number>`."""
    latest = 0.0
    for kind in _VERSIONED_KINDS:
        for obj in cluster.list(kind):
            stamp = obj["metadata"].get("creationTimestamp")
            if stamp:
                latest = max(latest, parse_time(stamp))
    pushes = max(1, cluster.state.resource_version % 1000)
    when = datetime.fromtimestamp(latest, tz=timezone.utc)
    return f"{format_time(latest)}/{pushes}", when.strftime("%Y-%m-%dT%H:%M:%S.") + "000Z"


# -- clusters -----------------------------------------------------------------------------------------
def _outbound_cluster(port: mesh.MeshPort, subset: str, rule: dict | None) -> dict:
    key = port.key(subset)
    fields = b.outbound_cluster_fields()
    istio_meta: dict = {
        "services": [{"host": port.fqdn, "name": port.name, "namespace": port.namespace}],
        "default_original_port": port.number,
    }
    if subset:
        istio_meta["subset"] = subset
    if rule is not None:
        istio_meta["config"] = b.istio_config_path(
            "destination-rule", rule["metadata"]["name"], rule["metadata"].get("namespace") or "default"
        )
    out = b.cluster(key.name, type=port.discovery_type, **fields)
    if port.discovery_type != "EDS":
        out.pop("eds_cluster_config", None)
    out["metadata"] = {"filter_metadata": {"istio": istio_meta}}
    out["transport_socket_matches"] = [
        {
            "name": "tlsMode-istio",
            "match": {"tlsMode": "istio"},
            "transport_socket": {
                "name": "envoy.transport_sockets.tls",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                    "common_tls_context": {
                        "alpn_protocols": ["istio-peer-exchange", "istio"],
                        "tls_certificate_sds_secret_configs": [{"name": "default"}],
                        "combined_validation_context": {
                            "validation_context_sds_secret_config": {"name": "ROOTCA"}
                        },
                    },
                    "sni": key.sni,
                },
            },
        },
        {
            "name": "tlsMode-disabled",
            "match": {},
            "transport_socket": {"name": "envoy.transport_sockets.raw_buffer"},
        },
    ]
    return out


def _subsets(rule: dict | None) -> list[dict]:
    return list(((rule or {}).get("spec") or {}).get("subsets") or [])


def _mesh_clusters(cluster, ports: list[mesh.MeshPort], pod: dict) -> tuple[list[dict], list[dict]]:
    """(outbound clusters, their ClusterLoadAssignments) as `pod`'s proxy gets them: subsets only from the
    DestinationRules istiod shows it (its namespace, the Service's, istio-system; exportTo), as the data
    plane routes."""
    clusters, assignments = [], []
    for port in ports:
        rule = mesh.destination_rule_for(cluster, port.fqdn, pod)
        for subset in [None, *_subsets(rule)]:
            name = subset.get("name", "") if subset else ""
            clusters.append(_outbound_cluster(port, name, rule))
            if port.discovery_type != "EDS":
                continue
            labels = (subset or {}).get("labels") or {}
            endpoints = []
            for backend in mesh.endpoints_for(cluster, port, labels):
                target = net.pod_by_ip(cluster, backend.ip)
                endpoint = {
                    "endpoint": {
                        "address": {"socket_address": {"address": backend.ip, "port_value": backend.port}}
                    },
                    "health_status": "HEALTHY",
                    "load_balancing_weight": 1,
                }
                if target is not None and net.is_injected(target):
                    endpoint["metadata"] = {
                        "filter_metadata": {"envoy.transport_socket_match": {"tlsMode": "istio"}}
                    }
                endpoints.append(endpoint)
            assignments.append(b.cluster_load_assignment(port.key(name).name, endpoints))
    return clusters, assignments


def _special_clusters(kind: str, inbound: list[sidecar.InboundPort]) -> list[dict]:
    out = [b.cluster("BlackHoleCluster", type="STATIC", connect_timeout="10s")]
    if kind == "router":
        return out
    out.append(
        b.cluster(
            "PassthroughCluster", type="ORIGINAL_DST", connect_timeout="10s", lb_policy="CLUSTER_PROVIDED"
        )
    )
    for port in inbound:
        out.append(
            b.cluster(
                f"inbound|{port.number}||",
                type="ORIGINAL_DST",
                connect_timeout="10s",
                lb_policy="CLUSTER_PROVIDED",
                upstream_bind_config={"source_address": {"address": "127.0.0.6", "port_value": 0}},
                metadata={"filter_metadata": {"istio": {"services": []}}},
            )
        )
    out.append(
        b.cluster(
            "InboundPassthroughCluster",
            type="ORIGINAL_DST",
            connect_timeout="10s",
            lb_policy="CLUSTER_PROVIDED",
            upstream_bind_config={"source_address": {"address": "127.0.0.6", "port_value": 0}},
        )
    )
    return out


def _static_assignments(cluster) -> list[dict]:
    """The static clusters' hosts as the EDS section lists them (zipkin only when its Service resolves)."""
    out = []
    for static_cluster in static.static_clusters():
        name = static_cluster["name"]
        hosts: list = []
        if name == "zipkin":
            svc = cluster.get("services", "zipkin", "istio-system")
            ip = ((svc or {}).get("spec") or {}).get("clusterIP")
            hosts = [(ip, 9411)] if ip else []
        else:
            for group in static_cluster["load_assignment"]["endpoints"]:
                for lb in group["lb_endpoints"]:
                    # Envoy reports static hosts healthy, with weight 1
                    hosts.append({**lb, "health_status": "HEALTHY", "load_balancing_weight": 1})
        out.append(b.cluster_load_assignment(name, hosts))
    return out


# -- the dump -----------------------------------------------------------------------------------------
def config_dump(cluster, pod: dict, *, include_eds: bool = False) -> dict:
    """`/config_dump` (`?include_eds=true` when `include_eds`) of this proxy pod, snake_case like Envoy."""
    record = istio.installed(cluster) or {}
    version = record.get("version") or istio.ISTIO_VERSION
    kind = static.proxy_type(pod)
    now = datetime.fromtimestamp(cluster.store.now, tz=timezone.utc)
    root_issued, root_seed = _root(cluster)
    stats_route, ready_route = static.stats_and_health_routes()
    static_routes = [stats_route]
    clusters: list[dict] = []
    listeners: list[dict] = []
    routes: list[dict] = []
    assignments: list[dict] = []
    version_info = last_updated = ""
    if _connected(cluster, pod):
        version_info, last_updated = _push_version(cluster)
        ports = mesh.mesh_ports(cluster)
        clusters, assignments = _mesh_clusters(cluster, ports, pod)
        external, external_assignments = egress.external_clusters(cluster, pod, gateway=kind == "router")
        clusters += external
        assignments += external_assignments
        namespace = pod["metadata"].get("namespace") or "default"
        if kind == "router":
            clusters += _special_clusters(kind, [])
            listeners, routes = gateway.gateway_resources(cluster, pod)
            listeners += egress.gateway_tls_listeners(cluster, pod, {lis["name"] for lis in listeners})
        else:
            inbound = sidecar.inbound_ports(cluster, pod)
            clusters += _special_clusters(kind, inbound)
            virtual_inbound, inline = sidecar.inbound_resources(pod["status"]["podIP"], inbound)
            outbound, routes = sidecar.outbound_resources(ports, namespace)
            routes, new_ports = egress.merge_http_routes(cluster, pod, routes)
            outbound += [egress.http_listener(number) for number in new_ports]
            outbound += egress.sni_listeners(cluster, pod, {lis["name"] for lis in outbound})
            listeners = [sidecar.virtual_outbound(), virtual_inbound, *outbound]
            if egress.outbound_mode(cluster) == "REGISTRY_ONLY":
                egress.block_outbound(listeners)
            static_routes += inline
    static_routes.append(ready_route)
    dump = b.config_dump(
        bootstrap=static.bootstrap(pod, version),
        clusters=clusters,
        static_clusters=static.static_clusters(),
        listeners=listeners,
        static_listeners=static.static_listeners(),
        route_configs=routes,
        static_route_configs=static_routes,
        endpoints=assignments if include_eds else None,
        static_endpoints=_static_assignments(cluster) if include_eds else (),
        secrets=static.secrets(pod, root_issued, root_seed, now) if _connected(cluster, pod) else [],
        version_info=version_info,
        last_updated=last_updated,
    )
    return dump


def _root(cluster) -> tuple[datetime, str]:
    """When istiod minted its root CA (its Deployment's creation) and a seed unique to that install."""
    istiod = cluster.get("deployments", "istiod", istio.ISTIO_NAMESPACE)
    meta = (istiod or {}).get("metadata") or {}
    stamp = meta.get("creationTimestamp")
    issued = parse_time(stamp) if stamp else cluster.store.now
    return datetime.fromtimestamp(issued, tz=timezone.utc), meta.get("uid") or "no-istiod"


def clusters_status(cluster, pod: dict) -> dict:
    """`/clusters?format=json`: every cluster with its hosts' health (what `proxy-config endpoint` reads)."""
    dump = config_dump(cluster, pod, include_eds=True)
    status = b.clusters_status_from_config_dump(dump)
    for entry in status["cluster_statuses"]:
        entry.setdefault("host_statuses", [])
        if not entry["host_statuses"]:
            del entry["host_statuses"]
    # clusters without an EDS entry (ORIGINAL_DST, BlackHole) are listed too, with no hosts; DNS clusters
    # (a ServiceEntry's STRICT_DNS) list the addresses Envoy's own lookup of the host returned
    listed = {entry["name"] for entry in status["cluster_statuses"]}
    for section in dump["configs"]:
        if not section["@type"].endswith("ClustersConfigDump"):
            continue
        for key in ("dynamic_active_clusters", "static_clusters"):
            for entry in section.get(key, []):
                name = entry["cluster"]["name"]
                if name not in listed:
                    row: dict = {"name": name, "added_via_api": key.startswith("dynamic")}
                    hosts = egress.dns_hosts(entry["cluster"]) if key.startswith("dynamic") else []
                    if hosts:
                        row["host_statuses"] = hosts
                    status["cluster_statuses"].append(row)
    return status
