"""Istio 1.23's *Egress Gateways* and *TLS origination* tasks pasted into `lab.sh` against the sandbox: the demo
profile's istio-egressgateway, HTTP through the gateway (both proxies' lines, one request id), HTTPS
passthrough by SNI, TLS origination at the sidecar and at the gateway, and the failure modes of a missing
DestinationRule (503 NC) and of a gateway without a route (404 NR)."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab.backends.sandbox.outside import SITES
from ingresslab.logs import parse_line

pytest.importorskip("ingresslab.commands.shell", reason="the lab's shell is not in this checkout yet")

SLEEP_URL = "https://raw.githubusercontent.com/istio/istio/release-1.23/samples/sleep/sleep.yaml"
SOURCE_POD = "export SOURCE_POD=$(kubectl get pod -l app=sleep -o jsonpath={.items..metadata.name})\n"
CNN_ADDRESSES = SITES["edition.cnn.com"].addresses
EGRESS_HOST = "istio-egressgateway.istio-system.svc.cluster.local"

SE_CNN = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: cnn
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 80
    name: http-port
    protocol: HTTP
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
EOF
"""
GATEWAY_AND_DR = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: istio-egressgateway
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - edition.cnn.com
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: egressgateway-for-cnn
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
EOF
"""
VS_CNN = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: direct-cnn-through-egress-gateway
spec:
  hosts:
  - edition.cnn.com
  gateways:
  - istio-egressgateway
  - mesh
  http:
  - match:
    - gateways:
      - mesh
      port: 80
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: cnn
        port:
          number: 80
      weight: 100
  - match:
    - gateways:
      - istio-egressgateway
      port: 80
    route:
    - destination:
        host: edition.cnn.com
        port:
          number: {gateway_port}
      weight: 100
EOF
"""
POLITICS = (
    'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSL -o /dev/null -D - http://edition.cnn.com/politics'
)
GATEWAY_LOG = "kubectl logs -l istio=egressgateway -c istio-proxy -n istio-system | tail"

SE_CNN_TLS = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: cnn
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: DNS
EOF
"""
PASSTHROUGH = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: istio-egressgateway
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 443
      name: tls
      protocol: TLS
    hosts:
    - edition.cnn.com
    tls:
      mode: PASSTHROUGH
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
  hosts:
  - edition.cnn.com
  gateways:
  - mesh
  - istio-egressgateway
  tls:
  - match:
    - gateways:
      - mesh
      port: 443
      sniHosts:
      - edition.cnn.com
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: cnn
        port:
          number: 443
  - match:
    - gateways:
      - istio-egressgateway
      port: 443
      sniHosts:
      - edition.cnn.com
    route:
    - destination:
        host: edition.cnn.com
        port:
          number: 443
      weight: 100
EOF
"""
SIDECAR_ORIGINATION = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: edition-cnn-com
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 80
    name: http-port
    protocol: HTTP
    targetPort: 443
  - number: 443
    name: https-port
    protocol: HTTPS
  resolution: DNS
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: edition-cnn-com
spec:
  host: edition.cnn.com
  trafficPolicy:
    portLevelSettings:
    - port:
        number: 80
      tls:
        mode: SIMPLE # initiates HTTPS when accessing edition.cnn.com
EOF
"""
ORIGINATE_AT_GATEWAY = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: originate-tls-for-edition-cnn-com
spec:
  host: edition.cnn.com
  trafficPolicy:
    loadBalancer:
      simple: ROUND_ROBIN
    portLevelSettings:
    - port:
        number: 443
      tls:
        mode: SIMPLE # initiates HTTPS for connections to edition.cnn.com
EOF
"""


@pytest.fixture
def lab():
    lab = ingresslab.connect("sandbox", state=None)
    lab.sh("istioctl install --set profile=demo -y").check()
    lab.sh("kubectl label namespace default istio-injection=enabled").check()
    lab.sh(f"kubectl apply -f {SLEEP_URL}").check()
    return lab


def _sh(lab, command: str):
    return lab.sh(SOURCE_POD + command)


def _sidecar(lab) -> list:
    out = _sh(lab, 'kubectl logs "$SOURCE_POD" -c istio-proxy | tail').check().stdout
    return [parse_line(line) for line in out.splitlines() if line.startswith("[")]


def _gateway(lab, command: str = GATEWAY_LOG) -> list:
    out = lab.sh(command).check().stdout
    return [parse_line(line) for line in out.splitlines() if line.startswith("[")]


def _ip(lab, selector: str, namespace: str = "default") -> str:
    out = lab.sh(f"kubectl get pod -n {namespace} -l {selector} -o jsonpath='{{.items[0].status.podIP}}'")
    return out.check().stdout.strip()


def _blocks(text: str) -> list[list[str]]:
    return [block.split("\r\n") for block in text.split("\r\n\r\n") if block]


def test_demo_egress_gateway_objects(lab):
    pods = lab.sh("kubectl get pod -l istio=egressgateway -n istio-system").check().stdout.splitlines()
    assert pods[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert pods[1].split()[1:3] == ["1/1", "Running"] and pods[1].startswith("istio-egressgateway-")
    row = lab.sh("kubectl get svc istio-egressgateway -n istio-system").check().stdout.splitlines()[1].split()
    assert row[:2] == ["istio-egressgateway", "ClusterIP"] and row[4] == "80/TCP,443/TCP"


def test_http_through_the_egress_gateway(lab):
    lab.sh(SE_CNN).check()
    direct = _blocks(_sh(lab, POLITICS).check().stdout)
    assert direct[0][0] == "HTTP/1.1 301 Moved Permanently"
    assert "location: https://edition.cnn.com/politics" in direct[0] and "server: envoy" in direct[0]
    assert direct[1][:2] == ["HTTP/2 200 ", "content-type: text/html; charset=utf-8"]
    first = _sidecar(lab)[-2]
    assert (first.response_code, first.upstream_cluster, first.route_name) == (
        301,
        "outbound|80||edition.cnn.com",
        "default",
    )

    lab.sh(GATEWAY_AND_DR).check()
    lab.sh(VS_CNN.replace("{gateway_port}", "80")).check()
    via = _blocks(_sh(lab, POLITICS).check().stdout)
    assert via[0][0] == "HTTP/1.1 301 Moved Permanently" and via[1][0] == "HTTP/2 200 "
    assert "location: https://edition.cnn.com/politics" in via[0]

    client_ip, gateway_ip = _ip(lab, "app=sleep"), _ip(lab, "istio=egressgateway", "istio-system")
    hop1, https = _sidecar(lab)[-2:]
    (hop2,) = _gateway(lab)
    # sidecar: "GET /politics HTTP/1.1" 301 … "edition.cnn.com" "<gw>:8080"
    #   outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local <pod>:<p> <cnn ip>:80 <pod>:<p> - -
    assert (hop1.method, hop1.path, hop1.protocol, hop1.response_code) == (
        "GET",
        "/politics",
        "HTTP/1.1",
        301,
    )
    assert hop1.upstream_host == f"{gateway_ip}:8080"
    assert hop1.upstream_cluster == f"outbound|80|cnn|{EGRESS_HOST}"
    assert hop1.downstream_local_address.removesuffix(":80") in CNN_ADDRESSES
    assert (hop1.x_forwarded_for, hop1.requested_server_name, hop1.route_name) == (None, None, None)
    # gateway: "GET /politics HTTP/2" 301 - via_upstream - "-" 0 0 41 41 "<pod>" "curl/…" "<same id>"
    #   "edition.cnn.com" "151.101.3.5:80" outbound|80||edition.cnn.com <gw>:<p> <gw>:8080 <pod>:<p> - -
    assert (hop2.protocol, hop2.response_code, hop2.response_code_details) == ("HTTP/2", 301, "via_upstream")
    assert hop2.request_id == hop1.request_id and hop2.x_forwarded_for == client_ip
    assert hop2.upstream_host.removesuffix(":80") in CNN_ADDRESSES
    assert hop2.upstream_cluster == "outbound|80||edition.cnn.com"
    assert hop2.upstream_local_address.startswith(f"{gateway_ip}:")
    assert hop2.downstream_local_address == f"{gateway_ip}:8080"
    assert hop2.downstream_remote_address == hop1.upstream_local_address
    assert (hop2.requested_server_name, hop2.route_name) == (None, None)
    # the https follow-up goes straight out, SNI-routed to the ServiceEntry's 443
    assert (https.upstream_cluster, https.requested_server_name) == (
        "outbound|443||edition.cnn.com",
        "edition.cnn.com",
    )


def test_missing_destination_rule_is_503_nc_and_missing_gateway_route_is_404_nr(lab):
    lab.sh(SE_CNN).check()
    lab.sh(GATEWAY_AND_DR).check()
    lab.sh("kubectl delete destinationrule egressgateway-for-cnn").check()
    lab.sh(VS_CNN.replace("{gateway_port}", "80")).check()
    out = _sh(
        lab,
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sS -o /dev/null -w "%{http_code}\\n" http://edition.cnn.com/politics',
    )
    assert out.check().stdout == "503\n"
    line = _sidecar(lab)[-1]
    assert (line.response_code, line.response_flags, line.response_code_details) == (
        503,
        ["NC"],
        "cluster_not_found",
    )
    assert (line.upstream_host, line.upstream_cluster) == (None, None)

    lab.sh(GATEWAY_AND_DR).check()
    only_mesh = VS_CNN.replace("{gateway_port}", "80").replace(
        "      - istio-egressgateway\n      port: 80", "      - nowhere\n      port: 80"
    )
    lab.sh(only_mesh).check()
    head = _sh(
        lab, 'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSI http://edition.cnn.com/politics'
    ).check()
    lines = head.stdout.split("\r\n")
    assert lines[0] == "HTTP/1.1 404 Not Found" and "server: envoy" in lines
    (gw,) = _gateway(lab)
    assert (gw.response_code, gw.response_flags, gw.response_code_details) == (404, ["NR"], "route_not_found")
    assert (gw.upstream_host, gw.upstream_cluster) == (None, None)


def test_https_passthrough_through_the_egress_gateway(lab):
    lab.sh(SE_CNN_TLS).check()
    lab.sh(PASSTHROUGH).check()
    out = _sh(
        lab,
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSL -o /dev/null -D - https://edition.cnn.com/politics',
    )
    assert _blocks(out.check().stdout)[0][:2] == ["HTTP/2 200 ", "content-type: text/html; charset=utf-8"]
    gateway_ip = _ip(lab, "istio=egressgateway", "istio-system")
    (gw,) = _gateway(lab, "kubectl logs -l istio=egressgateway -n istio-system")
    # "- - -" 0 - - - "-" 791 2480891 369 - "-" "-" "-" "-" "151.101.195.5:443" outbound|443||edition.cnn.com
    #   <gw>:<p> <gw>:8443 <pod>:<p> edition.cnn.com -
    assert (gw.method, gw.response_code, gw.response_flags) == (None, 0, [])
    assert gw.upstream_host.removesuffix(":443") in CNN_ADDRESSES
    assert gw.upstream_cluster == "outbound|443||edition.cnn.com"
    assert gw.downstream_local_address == f"{gateway_ip}:8443"
    assert (gw.requested_server_name, gw.route_name) == ("edition.cnn.com", None)
    hop1 = _sidecar(lab)[-1]
    assert hop1.upstream_cluster == f"outbound|443|cnn|{EGRESS_HOST}"
    assert hop1.upstream_host == f"{gateway_ip}:8443" and hop1.requested_server_name == "edition.cnn.com"
    assert hop1.upstream_local_address == gw.downstream_remote_address


def test_tls_origination_at_the_sidecar(lab):
    lab.sh(SIDECAR_ORIGINATION).check()
    out = _sh(
        lab,
        'kubectl exec "${SOURCE_POD}" -c sleep -- curl -sSL -o /dev/null -D - http://edition.cnn.com/politics',
    )
    blocks = _blocks(out.check().stdout)
    assert len(blocks) == 1 and blocks[0][0] == "HTTP/1.1 200 OK"
    line = _sidecar(lab)[-1]
    assert (line.response_code, line.upstream_cluster, line.route_name) == (
        200,
        "outbound|80||edition.cnn.com",
        "default",
    )
    assert line.upstream_host.endswith(":443") and line.downstream_local_address.endswith(":80")
    https = _sh(
        lab,
        'kubectl exec "${SOURCE_POD}" -c sleep -- curl -sSL -o /dev/null -D - https://edition.cnn.com/politics',
    )
    assert _blocks(https.check().stdout)[0][0] == "HTTP/2 200 "


def test_tls_origination_at_the_egress_gateway(lab):
    lab.sh(SE_CNN).check()
    lab.sh(GATEWAY_AND_DR).check()
    lab.sh(VS_CNN.replace("{gateway_port}", "443") + ORIGINATE_AT_GATEWAY).check()
    out = _sh(
        lab,
        'kubectl exec "${SOURCE_POD}" -c sleep -- curl -sL -o /dev/null -D - http://edition.cnn.com/politics',
    )
    blocks = _blocks(out.check().stdout)
    assert len(blocks) == 1 and blocks[0][0] == "HTTP/1.1 200 OK"
    gateway_ip = _ip(lab, "istio=egressgateway", "istio-system")
    (gw,) = _gateway(lab)
    # "GET /politics HTTP/2" 200 … <ip>:443 outbound|443||edition.cnn.com <gw>:<p> <gw>:8080 …
    assert (gw.method, gw.protocol, gw.response_code) == ("GET", "HTTP/2", 200)
    assert gw.upstream_host.removesuffix(":443") in CNN_ADDRESSES
    assert gw.upstream_cluster == "outbound|443||edition.cnn.com"
    assert gw.downstream_local_address == f"{gateway_ip}:8080"


MUTUAL_GATEWAY = """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: istio-egressgateway
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 80
      name: https-port-for-tls-origination
      protocol: HTTPS
    hosts:
    - edition.cnn.com
    tls:
      mode: ISTIO_MUTUAL
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-cnn
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
    trafficPolicy:
      loadBalancer:
        simple: ROUND_ROBIN
      portLevelSettings:
      - port:
          number: 80
        tls:
          mode: ISTIO_MUTUAL
          sni: edition.cnn.com
EOF
"""


def test_tls_origination_at_the_egress_gateway_with_mesh_tls_from_the_sidecar(lab):
    lab.sh(SE_CNN).check()
    lab.sh(MUTUAL_GATEWAY).check()
    lab.sh(VS_CNN.replace("{gateway_port}", "443") + ORIGINATE_AT_GATEWAY).check()
    out = _sh(
        lab,
        'kubectl exec "${SOURCE_POD}" -c sleep -- curl -sSL -o /dev/null -D - http://edition.cnn.com/politics',
    )
    assert _blocks(out.check().stdout)[0][0] == "HTTP/1.1 200 OK"
    (gw,) = _gateway(lab)
    assert (gw.protocol, gw.response_code, gw.upstream_cluster) == (
        "HTTP/2",
        200,
        "outbound|443||edition.cnn.com",
    )
    assert gw.requested_server_name == "edition.cnn.com" and gw.route_name is None
    hop1 = _sidecar(lab)[-1]
    assert hop1.request_id == gw.request_id and hop1.upstream_cluster == f"outbound|80|cnn|{EGRESS_HOST}"
