"""`istioctl proxy-config` of the curl pod's sidecar and of the egress gateway in the sandbox, for the egress
tasks: ServiceEntry clusters (STRICT_DNS), the DestinationRule's subset cluster, PassthroughCluster and
BlackHoleCluster, `block_all` under REGISTRY_ONLY, the gateway's `http.8080`, SNI chains — rows as istioctl
prints them (columns split on runs of spaces)."""

from __future__ import annotations

import json
import re

import pytest

import ingresslab

pytest.importorskip("ingresslab.commands.shell", reason="the lab's shell is not in this checkout yet")

SLEEP_URL = "https://raw.githubusercontent.com/istio/istio/release-1.23/samples/sleep/sleep.yaml"
SOURCE_POD = "export SOURCE_POD=$(kubectl get pod -l app=sleep -o jsonpath={.items..metadata.name})\n"
EGRESS = "istio-egressgateway.istio-system.svc.cluster.local"

SE_CNN = """apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: cnn
spec:
  hosts: [edition.cnn.com]
  ports:
  - {number: 80, name: http-port, protocol: HTTP}
  - {number: 443, name: https, protocol: HTTPS}
  resolution: DNS
"""
GATEWAY_DR_VS = """apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: istio-egressgateway
spec:
  selector:
    istio: egressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [edition.cnn.com]
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: egressgateway-for-cnn
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: direct-cnn-through-egress-gateway
spec:
  hosts: [edition.cnn.com]
  gateways: [istio-egressgateway, mesh]
  http:
  - match:
    - gateways: [mesh]
      port: 80
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: cnn
        port: {number: 80}
      weight: 100
  - match:
    - gateways: [istio-egressgateway]
      port: 80
    route:
    - destination:
        host: edition.cnn.com
        port: {number: 80}
      weight: 100
"""


def _apply(lab, text: str) -> None:
    lab.sh(f"kubectl apply -f - <<EOF\n{text}EOF\n").check()


def _lab(mode: str | None = None):
    lab = ingresslab.connect("sandbox", state=None)
    extra = f" --set meshConfig.outboundTrafficPolicy.mode={mode}" if mode else ""
    lab.sh(f"istioctl install --set profile=demo{extra} -y").check()
    lab.sh("kubectl label namespace default istio-injection=enabled").check()
    lab.sh(f"kubectl apply -f {SLEEP_URL}").check()
    return lab


def _table(lab, args: str) -> list[list[str]]:
    """Rows cut at the header's column starts (tabwriter pads to them), trailing empty cells dropped."""
    out = lab.sh(SOURCE_POD + f"istioctl proxy-config {args}").check().stdout
    lines = [line for line in out.splitlines() if line.strip()]
    header = lines[0]
    for name in ("SERVICE FQDN", "DESTINATION RULE", "VHOST NAME", "VIRTUAL SERVICE", "OUTLIER CHECK"):
        header = header.replace(name, name.replace(" ", "_"))
    starts = [m.start() for m in re.finditer(r"\S+", header)]
    rows = []
    for line in lines:
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        while cells and not cells[-1]:
            cells.pop()
        rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def through_gateway():
    lab = _lab()
    _apply(lab, SE_CNN)
    _apply(lab, GATEWAY_DR_VS)
    return lab


def test_sidecar_clusters_show_the_service_entry_and_the_subset(through_gateway):
    rows = _table(through_gateway, 'cluster "$SOURCE_POD"')
    assert rows[0] == ["SERVICE FQDN", "PORT", "SUBSET", "DIRECTION", "TYPE", "DESTINATION RULE"]
    assert ["edition.cnn.com", "80", "-", "outbound", "STRICT_DNS"] in rows
    assert ["edition.cnn.com", "443", "-", "outbound", "STRICT_DNS"] in rows
    assert [EGRESS, "80", "cnn", "outbound", "EDS", "egressgateway-for-cnn.default"] in rows
    assert ["PassthroughCluster", "-", "-", "-", "ORIGINAL_DST"] in rows
    assert ["BlackHoleCluster", "-", "-", "-", "STATIC"] in rows


def test_sidecar_route_80_names_the_virtual_service(through_gateway):
    rows = _table(through_gateway, 'route "$SOURCE_POD" --name 80')
    assert [
        "80",
        "edition.cnn.com:80",
        "edition.cnn.com",
        "/*",
        "direct-cnn-through-egress-gateway.default",
    ] in rows
    assert not any("allow_any" in row for row in rows)  # istioctl skips routes to PassthroughCluster
    dump = json.loads(
        through_gateway.sh(SOURCE_POD + 'istioctl proxy-config route "$SOURCE_POD" --name 80 -o json')
        .check()
        .stdout
    )
    (config,) = dump
    hosts = [v["name"] for v in config["virtualHosts"]]
    assert hosts[-1] == "allow_any"
    cnn = next(v for v in config["virtualHosts"] if v["name"] == "edition.cnn.com:80")
    assert cnn["routes"][0]["route"]["cluster"] == f"outbound|80|cnn|{EGRESS}"


def test_sidecar_listeners(through_gateway):
    rows = _table(through_gateway, 'listener "$SOURCE_POD"')
    assert ["0.0.0.0", "80", "Trans: raw_buffer; App: http/1.1,h2c", "Route: 80"] in rows
    assert ["0.0.0.0", "80", "ALL", "PassthroughCluster"] in rows
    assert ["0.0.0.0", "15001", "ALL", "PassthroughCluster"] in rows
    assert ["0.0.0.0", "15001", "Addr: *:15001", "Non-HTTP/Non-TCP"] in rows
    assert ["0.0.0.0", "443", "SNI: edition.cnn.com", "Cluster: outbound|443||edition.cnn.com"] in rows


def test_egress_gateway_route_and_clusters(through_gateway):
    gw = "deploy/istio-egressgateway -n istio-system"
    rows = _table(through_gateway, f"route {gw}")
    assert rows[1] == [
        "http.8080",
        "edition.cnn.com:80",
        "edition.cnn.com",
        "/*",
        "direct-cnn-through-egress-gateway.default",
    ]
    assert [r[:2] for r in rows[2:]] == [["", "backend"], ["", "backend"]]
    clusters = _table(through_gateway, f"cluster {gw}")
    assert ["edition.cnn.com", "80", "-", "outbound", "STRICT_DNS"] in clusters
    assert [
        "PassthroughCluster",
        "-",
        "-",
        "-",
        "ORIGINAL_DST",
    ] not in clusters  # gateways have no passthrough
    listeners = _table(through_gateway, f"listener {gw}")
    assert ["0.0.0.0", "8080", "ALL", "Route: http.8080"] in listeners


def test_strict_dns_cluster_json(through_gateway):
    out = through_gateway.sh(
        SOURCE_POD + 'istioctl proxy-config cluster "$SOURCE_POD" --fqdn edition.cnn.com --port 80 -o json'
    )
    (cluster,) = json.loads(out.check().stdout)
    assert cluster["name"] == "outbound|80||edition.cnn.com" and cluster["type"] == "STRICT_DNS"
    address = cluster["loadAssignment"]["endpoints"][0]["lbEndpoints"][0]["endpoint"]["address"]
    assert address["socketAddress"] == {"address": "edition.cnn.com", "portValue": 80}
    assert "transportSocketMatches" not in cluster  # MESH_EXTERNAL: no mesh mTLS


def test_registry_only_adds_block_all_and_black_holes_the_fallthrough():
    lab = _lab("REGISTRY_ONLY")
    rows = _table(lab, 'route "$SOURCE_POD" --name 80')
    assert ["80", "block_all", "*", "/*"] in rows
    listeners = _table(lab, 'listener "$SOURCE_POD"')
    assert ["0.0.0.0", "80", "ALL", "Non-HTTP/Non-TCP"] in listeners
    assert ["0.0.0.0", "15001", "ALL", "Non-HTTP/Non-TCP"] in listeners
    assert ["0.0.0.0", "15001", "ALL", "PassthroughCluster"] not in listeners
    _apply(lab, SE_CNN)
    rows = _table(lab, 'route "$SOURCE_POD" --name 80')
    names = [r[1] for r in rows[1:]]
    assert "edition.cnn.com:80" in names and names[-1] == "block_all"


def test_tls_passthrough_gateway_listener():
    lab = _lab()
    _apply(
        lab,
        SE_CNN.replace(
            "{number: 80, name: http-port, protocol: HTTP}\n  - {number: 443, name: https, protocol: HTTPS}",
            "{number: 443, name: tls, protocol: TLS}",
        ),
    )
    _apply(
        lab,
        """apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: istio-egressgateway
spec:
  selector:
    istio: egressgateway
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [edition.cnn.com]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: egressgateway-for-cnn
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: direct-cnn-through-egress-gateway
spec:
  hosts: [edition.cnn.com]
  gateways: [mesh, istio-egressgateway]
  tls:
  - match:
    - gateways: [mesh]
      port: 443
      sniHosts: [edition.cnn.com]
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: cnn
        port: {number: 443}
  - match:
    - gateways: [istio-egressgateway]
      port: 443
      sniHosts: [edition.cnn.com]
    route:
    - destination:
        host: edition.cnn.com
        port: {number: 443}
      weight: 100
""",
    )
    sidecar = _table(lab, 'listener "$SOURCE_POD" --port 443')
    assert ["0.0.0.0", "443", "SNI: edition.cnn.com", f"Cluster: outbound|443|cnn|{EGRESS}"] in sidecar
    gateway = _table(lab, "listener deploy/istio-egressgateway -n istio-system")
    assert ["0.0.0.0", "8443", "SNI: edition.cnn.com", "Cluster: outbound|443||edition.cnn.com"] in gateway


def test_gateway_without_a_bound_virtual_service_routes_to_blackhole():
    lab = _lab()
    _apply(lab, SE_CNN)
    _apply(lab, GATEWAY_DR_VS.split("---\n")[0])
    rows = _table(lab, "route deploy/istio-egressgateway -n istio-system")
    assert rows[1] == ["http.8080", "blackhole:80", "*", "/*", "404"]


def test_strict_dns_endpoints_are_the_resolved_addresses(through_gateway):
    from ingresslab.backends.sandbox.outside import SITES

    rows = _table(through_gateway, 'endpoint "$SOURCE_POD" --cluster "outbound|80||edition.cnn.com"')
    assert rows[0] == ["ENDPOINT", "STATUS", "OUTLIER CHECK", "CLUSTER"]
    assert sorted(r[0] for r in rows[1:]) == sorted(f"{ip}:80" for ip in SITES["edition.cnn.com"].addresses)
    assert {tuple(r[1:]) for r in rows[1:]} == {("HEALTHY", "OK", "outbound|80||edition.cnn.com")}
