"""routing.egress, the route-model input for egress, on the docs' objects: what a renderer of
`istioctl proxy-config` reads (route configuration "80" with its catch-all, SNI chains, cluster names and
types, TLS origination, the egress gateway's PASSTHROUGH chains)."""

from __future__ import annotations

import yaml

from ingresslab.routing import egress, select
from ingresslab.routing.model import ClusterKey

EGRESS_HOST = "istio-egressgateway.istio-system.svc.cluster.local"


def _objs(text: str) -> list[dict]:
    out = []
    for doc in yaml.safe_load_all(text):
        doc["metadata"].setdefault("namespace", "default")
        out.append(doc)
    return out


SE_CNN = _objs("""
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cnn}
spec:
  hosts: [edition.cnn.com]
  ports:
  - {number: 80, name: http-port, protocol: HTTP}
  - {number: 443, name: https, protocol: HTTPS}
  resolution: DNS
""")
VS_CNN = _objs("""
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: direct-cnn-through-egress-gateway}
spec:
  hosts: [edition.cnn.com]
  gateways: [istio-egressgateway, mesh]
  http:
  - match: [{gateways: [mesh], port: 80}]
    route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: cnn, port: {number: 80}}, weight: 100}]
  - match: [{gateways: [istio-egressgateway], port: 80}]
    route: [{destination: {host: edition.cnn.com, port: {number: 80}}, weight: 100}]
""")
GATEWAY_TLS = _objs("""
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: istio-egressgateway}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [edition.cnn.com]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: direct-cnn-through-egress-gateway}
spec:
  hosts: [edition.cnn.com]
  gateways: [mesh, istio-egressgateway]
  tls:
  - match: [{gateways: [mesh], port: 443, sniHosts: [edition.cnn.com]}]
    route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: cnn, port: {number: 443}}}]
  - match: [{gateways: [istio-egressgateway], port: 443, sniHosts: [edition.cnn.com]}]
    route: [{destination: {host: edition.cnn.com, port: {number: 443}}, weight: 100}]
""")
EGRESS_SERVICE = {
    "metadata": {"name": "istio-egressgateway", "namespace": "istio-system"},
    "spec": {
        "clusterIP": "10.96.84.162",
        "ports": [
            {"name": "http2", "port": 80, "targetPort": 8080, "protocol": "TCP"},
            {"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"},
        ],
    },
}


def test_outbound_mode_reads_the_mesh_config():
    assert egress.outbound_mode(None) == egress.ALLOW_ANY
    assert egress.outbound_mode("accessLogFile: /dev/stdout\n") == egress.ALLOW_ANY
    assert egress.outbound_mode("outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n") == egress.REGISTRY_ONLY


def test_catch_all_virtual_host_follows_the_policy():
    allow = egress.sidecar_outbound("default", [], [])
    config = allow.http_listener(80).route_config
    assert config.name == "80" and [vh.name for vh in config.virtual_hosts] == ["allow_any"]
    route = select(config, "www.baidu.com", "/").route
    assert route.name == "allow_any" and route.destinations[0].cluster == egress.PASSTHROUGH
    assert allow.catch_all == egress.PASSTHROUGH and allow.tls_route(443, "www.google.com") is None

    block = egress.sidecar_outbound("default", [], [], mode=egress.REGISTRY_ONLY)
    route = select(block.http_listener(80).route_config, "www.baidu.com", "/").route
    assert (route.name, route.direct_status, route.destinations) == ("block_all", 502, ())
    assert block.catch_all == egress.BLACKHOLE and egress.BLACKHOLE.type == "STATIC"


def test_service_entry_gives_clusters_a_virtual_host_and_an_sni_chain():
    out = egress.sidecar_outbound("default", SE_CNN, [])
    http, https = out.services
    assert (http.key.name, http.cluster_type(), https.key.name) == (
        "outbound|80||edition.cnn.com",
        "STRICT_DNS",
        "outbound|443||edition.cnn.com",
    )
    config = out.http_listener(80).route_config
    assert [vh.name for vh in config.virtual_hosts] == ["edition.cnn.com:80", "allow_any"]
    route = select(config, "edition.cnn.com", "/politics").route
    assert route.name == "default" and route.destinations[0].cluster == http.key
    chain = out.tls_route(443, "edition.cnn.com")
    assert chain.destinations[0].cluster == https.key and chain.virtual_service is None


def test_mesh_virtual_service_sends_the_host_to_the_egress_gateway_subset():
    services = {("istio-system", "istio-egressgateway"): EGRESS_SERVICE}
    out = egress.sidecar_outbound("default", SE_CNN, VS_CNN, [], services)
    config = out.http_listener(80).route_config
    vhost = next(vh for vh in config.virtual_hosts if vh.name == "edition.cnn.com:80")
    assert len(vhost.routes) == 1  # the gateway-only match does not apply to sidecars
    route = vhost.routes[0]
    assert route.destinations[0].cluster == ClusterKey("outbound", 80, "cnn", EGRESS_HOST)
    assert (route.name, route.virtual_service) == (None, "direct-cnn-through-egress-gateway.default")
    gateway_vhost = next(vh for vh in config.virtual_hosts if vh.name == f"{EGRESS_HOST}:80")
    assert EGRESS_HOST in gateway_vhost.domains and "10.96.84.162" in gateway_vhost.domains


def test_egress_gateway_passthrough_chain_and_tls_origination():
    gateway, vs = GATEWAY_TLS
    chains = egress.gateway_tls_routes([gateway], [vs], {"istio": "egressgateway"}, EGRESS_SERVICE)
    assert [(c.port, c.sni_hosts) for c in chains] == [(8443, ("edition.cnn.com",))]
    assert chains[0].destinations[0].cluster == ClusterKey("outbound", 443, "", "edition.cnn.com")
    sidecar = egress.sidecar_outbound("default", [], [vs])
    assert sidecar.tls_route(443, "edition.cnn.com").destinations[0].cluster == ClusterKey(
        "outbound", 443, "cnn", EGRESS_HOST
    )
    (dr,) = _objs("""
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: edition-cnn-com}
spec:
  host: edition.cnn.com
  trafficPolicy:
    portLevelSettings:
    - port: {number: 80}
      tls: {mode: SIMPLE}
""")
    tls = egress.origination([dr], ClusterKey("outbound", 80, "", "edition.cnn.com"), "default")
    assert (tls.mode, tls.sni, tls.source.ref) == ("SIMPLE", None, "DestinationRule default/edition-cnn-com")
    assert egress.origination([dr], ClusterKey("outbound", 443, "", "edition.cnn.com"), "default") is None
