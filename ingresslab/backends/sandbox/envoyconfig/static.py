"""What every Istio proxy has before istiod sends anything: the bootstrap pilot-agent writes (node identity,
the static `prometheus_stats`, `agent`, `sds-grpc`, `xds-grpc` and `zipkin` clusters, the 15090 stats and
15021 health listeners) and the two SDS secrets it serves to Envoy.

Facts modelled (Istio 1.23's `envoy_bootstrap.json` template and the demo profile): the node id is
`<sidecar|router>~<pod IP>~<pod>.<namespace>~<namespace>.svc.cluster.local`; Envoy's admin API listens on
127.0.0.1:15000; the stats listener routes `/stats/prometheus` to `prometheus_stats`, the health listener
`/healthz/ready` to `agent` (pilot-agent on 15020); xDS and SDS go over unix sockets; the demo profile sends
traces to `zipkin.istio-system:9411`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ingresslab.backends.sandbox.envoyconfig import certs
from ingresslab.backends.sandbox.store import parse_time
from ingresslab.proxyconfig import builders as b

__all__ = [
    "ENVOY_VERSION",
    "TRUST_DOMAIN",
    "bootstrap",
    "node_id",
    "proxy_type",
    "secrets",
    "static_clusters",
    "static_listeners",
    "stats_and_health_routes",
]

ENVOY_VERSION = (1, 31, 2)  # the Envoy that istio/proxyv2:1.23.2 ships
TRUST_DOMAIN = "cluster.local"
_BUILD = {
    "build.type": "RELEASE",
    "revision.status": "Clean",
    "ssl.version": "BoringSSL",
    "build.label": "dev",
}
_XDS_SOCKET = "./etc/istio/proxy/XDS"
_SDS_SOCKET = "./var/run/secrets/workload-spiffe-uds/socket"


def proxy_type(pod: dict) -> str:
    """`router` for gateways, `sidecar` for injected workloads."""
    from ingresslab.backends.sandbox.dataplane.net import is_gateway

    return "router" if is_gateway(pod) else "sidecar"


def node_id(pod: dict) -> str:
    meta = pod["metadata"]
    ns = meta.get("namespace") or "default"
    ip = (pod.get("status") or {}).get("podIP", "")
    return f"{proxy_type(pod)}~{ip}~{meta['name']}.{ns}~{ns}.svc.cluster.local"


def _service_cluster(pod: dict) -> str:
    """pilot-agent's `--serviceCluster`: the canonical name (or app label) and the namespace."""
    meta = pod["metadata"]
    labels = meta.get("labels") or {}
    name = labels.get("service.istio.io/canonical-name") or labels.get("app") or meta["name"]
    return f"{name}.{meta.get('namespace') or 'default'}"


def _socket(address: str, port: int) -> dict:
    return {"socket_address": {"address": address, "port_value": port}}


def _load_assignment(name: str, address: dict) -> dict:
    return {"cluster_name": name, "endpoints": [{"lb_endpoints": [{"endpoint": {"address": address}}]}]}


def static_clusters() -> list[dict]:
    """The bootstrap's clusters, in the template's order."""
    return [
        b.cluster(
            "prometheus_stats",
            type="STATIC",
            connect_timeout="0.250s",
            load_assignment=_load_assignment("prometheus_stats", _socket("127.0.0.1", 15000)),
        ),
        b.cluster(
            "agent",
            type="STATIC",
            connect_timeout="0.250s",
            load_assignment=_load_assignment("agent", _socket("127.0.0.1", 15020)),
        ),
        b.cluster(
            "sds-grpc",
            type="STATIC",
            connect_timeout="1s",
            load_assignment=_load_assignment("sds-grpc", {"pipe": {"path": _SDS_SOCKET}}),
            typed_extension_protocol_options=_http2_options(),
        ),
        b.cluster(
            "xds-grpc",
            type="STATIC",
            connect_timeout="1s",
            lb_policy="ROUND_ROBIN",
            load_assignment=_load_assignment("xds-grpc", {"pipe": {"path": _XDS_SOCKET}}),
            typed_extension_protocol_options=_http2_options(),
        ),
        b.cluster(
            "zipkin",
            type="STRICT_DNS",
            connect_timeout="1s",
            respect_dns_ttl=True,
            dns_lookup_family="V4_ONLY",
            load_assignment=_load_assignment("zipkin", _socket("zipkin.istio-system", 9411)),
        ),
    ]


def _http2_options() -> dict:
    return {
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
            "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            "explicit_http_config": {"http2_protocol_options": {}},
        }
    }


def stats_and_health_routes() -> tuple[dict, dict]:
    """The inline route configs of the 15090 and 15021 listeners (Envoy lists them as static routes)."""
    stats = b.route_configuration(
        "",
        [b.virtual_host("backend", ["*"], [b.route(prefix="/stats/prometheus", cluster="prometheus_stats")])],
    )
    ready = b.route_configuration(
        "", [b.virtual_host("backend", ["*"], [b.route(prefix="/healthz/ready", cluster="agent")])]
    )
    return stats, ready  # nameless, as the bootstrap's inline route configs are


def static_listeners() -> list[dict]:
    stats, ready = stats_and_health_routes()
    listeners = [
        b.listener(
            "",
            "0.0.0.0",
            15090,
            [b.filter_chain([b.http_connection_manager(route_config=stats, stat_prefix="stats")])],
        ),
        b.listener(
            "",
            "0.0.0.0",
            15021,
            [b.filter_chain([b.http_connection_manager(route_config=ready, stat_prefix="agent")])],
        ),
    ]
    for listener in listeners:
        del listener["name"]  # as in Istio's bootstrap template
    return listeners


def bootstrap(pod: dict, istio_version: str) -> dict:
    """The Bootstrap message pilot-agent generated for this pod's Envoy."""
    meta = pod["metadata"]
    ns = meta.get("namespace") or "default"
    labels = dict(meta.get("labels") or {})
    node_metadata = {
        "CLUSTER_ID": "Kubernetes",
        "ENVOY_PROMETHEUS_PORT": 15090,
        "ENVOY_STATUS_PORT": 15021,
        "INSTANCE_IPS": (pod.get("status") or {}).get("podIP", ""),
        "INTERCEPTION_MODE": "REDIRECT",
        "LABELS": labels,
        "MESH_ID": TRUST_DOMAIN,
        "NAME": meta["name"],
        "NAMESPACE": ns,
        "NODE_NAME": (pod.get("spec") or {}).get("nodeName", "minikube"),
        "PILOT_SAN": ["istiod.istio-system.svc"],
        "SERVICE_ACCOUNT": (pod.get("spec") or {}).get("serviceAccountName") or "default",
        "WORKLOAD_NAME": labels.get("service.istio.io/canonical-name") or meta["name"],
    }
    out = b.bootstrap(
        node_id(pod),
        istio_version=istio_version,
        envoy_version=ENVOY_VERSION,
        build_metadata=_BUILD,
        node_metadata=node_metadata,
        cluster=_service_cluster(pod),
    )
    out["node"]["user_agent_name"] = "envoy"
    out["static_resources"] = {"listeners": static_listeners(), "clusters": static_clusters()}
    out["dynamic_resources"] = {
        "lds_config": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
        "cds_config": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
        "ads_config": {
            "api_type": "GRPC",
            "set_node_on_first_message_only": True,
            "transport_api_version": "V3",
            "grpc_services": [{"envoy_grpc": {"cluster_name": "xds-grpc"}}],
        },
    }
    out["admin"] = {"address": _socket("127.0.0.1", 15000), "profile_path": "/var/lib/istio/data/envoy.prof"}
    return out


def _started(pod: dict) -> datetime:
    status = pod.get("status") or {}
    text = status.get("startTime") or pod["metadata"].get("creationTimestamp")
    return datetime.fromtimestamp(parse_time(text), tz=timezone.utc)


def secrets(pod: dict, root_issued: datetime, root_seed: str, now: datetime) -> list[dict]:
    """The `default` workload certificate chain and the `ROOTCA` bundle, as SecretsConfigDump entries."""
    meta = pod["metadata"]
    root = certs.root_certificate(TRUST_DOMAIN, root_issued, root_seed)
    account = (pod.get("spec") or {}).get("serviceAccountName") or "default"
    leaf = certs.workload_certificate(
        TRUST_DOMAIN,
        meta.get("namespace") or "default",
        account,
        _started(pod),
        now,
        meta.get("uid") or meta["name"],
        root_seed,
    )
    issued = leaf.not_after - certs.WORKLOAD_LIFETIME  # when pilot-agent last fetched it
    stamp = _millis(issued)
    default = b.tls_secret("default", leaf.pem + root.pem, version_info=stamp)
    rootca = b.ca_secret("ROOTCA", root.pem, version_info=stamp)
    for entry in (default, rootca):
        entry["last_updated"] = stamp
    return [default, rootca]


def _millis(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
