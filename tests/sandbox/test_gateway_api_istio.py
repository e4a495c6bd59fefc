"""Istio 1.23's Gateway API implementation in the sandbox, driven through the Lab's shell as the Istio docs'
*Gateway API* task does it: demo profile, Gateway API CRDs, httpbin, Gateway + HTTPRoute, the automated
`gateway-istio` deployment, status and `kubectl wait`, the ClusterIP annotation and `minikube tunnel`,
requests through the gateway, its access log, `istioctl proxy-config`, GatewayClass rows."""

from __future__ import annotations

import json

import pytest
import yaml

import ingresslab
from ingresslab.logs import parse_line

GROUP = "gateway.networking.k8s.io"
HTTPBIN_URL = "https://raw.githubusercontent.com/istio/istio/release-1.23/samples/httpbin/httpbin.yaml"
CRDS_TARGET = "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0"

GATEWAY = """apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gateway
  namespace: istio-ingress
{annotations}spec:
  gatewayClassName: istio
  listeners:
  - name: default
    hostname: "*.example.com"
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: All
"""
CLUSTER_IP = "  annotations:\n    networking.istio.io/service-type: ClusterIP\n"
ROUTE = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: http
  namespace: default
spec:
  parentRefs:
  - name: gateway
    namespace: istio-ingress
  hostnames: ["httpbin.example.com"]
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /get
    backendRefs:
    - name: httpbin
      port: 8000
"""


def _crd(plural: str, kind: str, scope: str, short: list[str], columns: list[tuple[str, str]]) -> dict:
    """A Gateway API CRD with its printer columns and an open schema (only used without the CRD bundle)."""
    open_object = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    schema = {
        "openAPIV3Schema": {
            "type": "object",
            "properties": {"spec": open_object, "status": open_object, "metadata": {"type": "object"}},
        }
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}"},
        "spec": {
            "group": GROUP,
            "scope": scope,
            "names": {"plural": plural, "singular": kind.lower(), "kind": kind, "shortNames": short},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": schema,
                    "subresources": {"status": {}},
                    "additionalPrinterColumns": [
                        {"name": n, "type": "date" if n == "Age" else "string", "jsonPath": p}
                        for n, p in [*columns, ("Age", ".metadata.creationTimestamp")]
                    ],
                }
            ],
        },
    }


def _fallback_crds() -> list[dict]:
    accepted = '.status.conditions[?(@.type=="Accepted")].status'
    programmed = '.status.conditions[?(@.type=="Programmed")].status'
    return [
        _crd(
            "gatewayclasses",
            "GatewayClass",
            "Cluster",
            ["gc"],
            [("Controller", ".spec.controllerName"), ("Accepted", accepted)],
        ),
        _crd(
            "gateways",
            "Gateway",
            "Namespaced",
            ["gtw"],
            [
                ("Class", ".spec.gatewayClassName"),
                ("Address", ".status.addresses[*].value"),
                ("Programmed", programmed),
            ],
        ),
        _crd("httproutes", "HTTPRoute", "Namespaced", [], [("Hostnames", ".spec.hostnames")]),
        _crd("referencegrants", "ReferenceGrant", "Namespaced", ["refgrant"], []),
    ]


def _install_crds(lab) -> None:
    """The docs' command; the CRD objects themselves where the sandbox does not carry the kustomization."""
    docs = lab.sh(f'kubectl kustomize "{CRDS_TARGET}" | kubectl apply -f -')
    if docs.returncode != 0 or "gateways.gateway.networking.k8s.io" not in docs.stdout:
        (lab.cwd_path / "gateway-api-crds.yaml").write_text(yaml.safe_dump_all(_fallback_crds()))
        lab.sh("kubectl apply -f gateway-api-crds.yaml").check()


@pytest.fixture
def lab(tmp_path):
    lab = ingresslab.connect("sandbox", state=None, cwd=str(tmp_path))
    lab.cwd_path = tmp_path
    (tmp_path / "gateway.yaml").write_text(GATEWAY.format(annotations=""))
    (tmp_path / "gateway-clusterip.yaml").write_text(GATEWAY.format(annotations=CLUSTER_IP))
    (tmp_path / "route.yaml").write_text(ROUTE)
    lab.sh("istioctl install --set profile=demo -y").check()
    _install_crds(lab)
    applied = lab.sh(f"kubectl apply -f {HTTPBIN_URL}")
    if applied.returncode != 0:  # no URL registry in this checkout: the same sample from its builder
        from ingresslab.backends.sandbox.dataplane.httpbin import sample_manifest

        (tmp_path / "httpbin.yaml").write_text(sample_manifest())
        lab.sh("kubectl apply -f httpbin.yaml").check()
    lab.sh("kubectl create namespace istio-ingress").check()
    lab.sh("kubectl apply -f gateway.yaml && kubectl apply -f route.yaml").check()
    return lab


def _rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()]


def _gateway_status(lab) -> dict:
    out = lab.sh("kubectl get gtw gateway -n istio-ingress -o jsonpath='{.status}'").check().stdout
    return json.loads(out)


def _condition(conditions: list[dict], type_: str) -> dict:
    return next(c for c in conditions if c["type"] == type_)


FQDN = "gateway-istio.istio-ingress.svc.cluster.local"


def test_gateway_classes_appear_once_istiod_and_the_crds_exist(lab):
    rows = _rows(lab.sh("kubectl get gatewayclass").check().stdout)
    assert rows[0] == ["NAME", "CONTROLLER", "ACCEPTED", "AGE"]
    assert [r[:3] for r in rows[1:]] == [
        ["istio", "istio.io/gateway-controller", "True"],
        ["istio-remote", "istio.io/unmanaged-gateway", "True"],
    ]
    gc = json.loads(lab.sh("kubectl get gc istio -o json").check().stdout)
    assert gc["spec"]["description"] == "The default Istio GatewayClass"
    accepted = _condition(gc["status"]["conditions"], "Accepted")
    assert (accepted["status"], accepted["reason"], accepted["message"]) == (
        "True",
        "Accepted",
        "Handled by Istio controller",
    )


def test_crds_first_then_istio_also_creates_the_classes(tmp_path):
    lab = ingresslab.connect("sandbox", state=None, cwd=str(tmp_path))
    lab.cwd_path = tmp_path
    _install_crds(lab)
    assert lab.sh("kubectl get gatewayclass").stdout == ""
    lab.sh("istioctl install --set profile=demo -y").check()
    names = [r[0] for r in _rows(lab.sh("kubectl get gc").check().stdout)[1:]]
    assert names == ["istio", "istio-remote"]


def test_automated_deployment_as_istio_1_23_renders_it(lab):
    gw = json.loads(lab.sh("kubectl get gtw gateway -n istio-ingress -o json").check().stdout)
    assert gw["metadata"]["annotations"]["gateway.istio.io/controller-version"] == "5"
    owner = [
        {"apiVersion": f"{GROUP}/v1beta1", "kind": "Gateway", "name": "gateway", "uid": gw["metadata"]["uid"]}
    ]
    labels = {
        "gateway.istio.io/managed": "istio.io-gateway-controller",
        "gateway.networking.k8s.io/gateway-name": "gateway",
        "istio.io/gateway-name": "gateway",
    }
    for kind in ("serviceaccount", "deployment", "service"):
        obj = json.loads(lab.sh(f"kubectl get {kind} gateway-istio -n istio-ingress -o json").check().stdout)
        assert obj["metadata"]["labels"] == labels, kind
        assert obj["metadata"]["ownerReferences"] == owner, kind
    svc = json.loads(lab.sh("kubectl get svc gateway-istio -n istio-ingress -o json").check().stdout)
    assert svc["spec"]["type"] == "LoadBalancer"
    assert svc["spec"]["selector"] == {"gateway.networking.k8s.io/gateway-name": "gateway"}
    assert [(p["name"], p["port"], p["appProtocol"]) for p in svc["spec"]["ports"]] == [
        ("status-port", 15021, "tcp"),
        ("default", 80, "http"),
    ]
    pods = json.loads(lab.sh("kubectl get pods -n istio-ingress -o json").check().stdout)["items"]
    assert len(pods) == 1
    pod = pods[0]
    assert pod["metadata"]["name"].startswith("gateway-istio-")
    assert [c["name"] for c in pod["spec"]["containers"]] == ["istio-proxy"]
    assert pod["spec"]["containers"][0]["image"] == "docker.io/istio/proxyv2:1.23.2"
    assert pod["spec"]["containers"][0]["args"][:2] == ["proxy", "router"]
    pod_labels = pod["metadata"]["labels"]
    assert pod_labels["sidecar.istio.io/inject"] == "false"
    assert pod_labels["service.istio.io/canonical-name"] == "gateway-istio"
    assert pod_labels["service.istio.io/canonical-revision"] == "latest"
    assert "gateway.networking.k8s.io/gateway-class-name" not in pod_labels  # 1.28+
    assert pod["status"]["phase"] == "Running"
    rows = _rows(lab.sh("kubectl get svc -n istio-ingress").check().stdout)
    assert rows[1][:4] == ["gateway-istio", "LoadBalancer", svc["spec"]["clusterIP"], "<pending>"]


def test_deleting_the_gateway_collects_its_deployment(lab):
    lab.sh("kubectl delete -f gateway.yaml").check()
    for kind in ("deployment", "service", "serviceaccount"):
        got = lab.sh(f"kubectl get {kind} gateway-istio -n istio-ingress")
        assert got.returncode == 1 and "NotFound" in got.stderr, kind
    assert "No resources found" in lab.sh("kubectl get pods -n istio-ingress").stderr


def test_pending_load_balancer_leaves_the_gateway_unprogrammed_and_wait_times_out(lab):
    rows = _rows(lab.sh("kubectl get gtw -A").check().stdout)
    assert rows[0] == ["NAMESPACE", "NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"]
    assert rows[1][:4] == ["istio-ingress", "gateway", "istio", "False"]  # ADDRESS empty
    status = _gateway_status(lab)
    assert "addresses" not in status
    programmed = _condition(status["conditions"], "Programmed")
    assert (programmed["status"], programmed["reason"]) == ("False", "AddressNotAssigned")
    assert programmed["message"] == (
        f"Assigned to service(s) {FQDN}:80, but failed to assign to all requested addresses: "
        f'address pending for hostname "{FQDN}"'
    )
    accepted = _condition(status["conditions"], "Accepted")
    assert (accepted["status"], accepted["message"]) == ("True", "Resource accepted")
    waited = lab.sh(
        "kubectl wait -n istio-ingress --for=condition=programmed "
        "gateways.gateway.networking.k8s.io gateway --timeout=5s"
    )
    assert waited.returncode == 1
    assert waited.stderr == "error: timed out waiting for the condition on gateways/gateway\n"


def test_listener_and_route_status(lab):
    listener = _gateway_status(lab)["listeners"][0]
    assert listener["name"] == "default" and listener["attachedRoutes"] == 1
    assert {c["type"]: (c["status"], c["message"]) for c in listener["conditions"]} == {
        "Accepted": ("True", "No errors found"),
        "Conflicted": ("False", "No errors found"),
        "Programmed": ("True", "No errors found"),
        "ResolvedRefs": ("True", "No errors found"),
    }
    route = json.loads(lab.sh("kubectl get httproute http -o json").check().stdout)
    (parent,) = route["status"]["parents"]
    assert parent["controllerName"] == "istio.io/gateway-controller"
    ref = parent["parentRef"]  # as written (plus the CRD's defaults group/kind where its schema has them)
    assert (ref["name"], ref["namespace"], ref.get("kind", "Gateway")) == (
        "gateway",
        "istio-ingress",
        "Gateway",
    )
    assert {c["type"]: (c["status"], c["message"]) for c in parent["conditions"]} == {
        "Accepted": ("True", "Route was valid"),
        "ResolvedRefs": ("True", "All references resolved"),
    }
    rows = _rows(lab.sh("kubectl get httproute").check().stdout)
    assert rows[1][:2] == ["http", '["httpbin.example.com"]']
    # a second route on the same listener counts, and status follows every change
    lab.sh(
        "kubectl apply -f - <<EOF\n"
        + ROUTE.replace("name: http\n", "name: http2\n").replace("/get", "/ip")
        + "EOF"
    ).check()
    assert _gateway_status(lab)["listeners"][0]["attachedRoutes"] == 2
    lab.sh("kubectl delete httproute http2").check()
    assert _gateway_status(lab)["listeners"][0]["attachedRoutes"] == 1


def test_cluster_ip_annotation_programs_the_gateway_with_the_service_fqdn(lab):
    lab.sh("kubectl apply -f gateway-clusterip.yaml").check()
    waited = lab.sh(
        "kubectl wait -n istio-ingress --for=condition=programmed gateways.gateway.networking.k8s.io gateway"
    )
    assert waited.stdout == "gateway.gateway.networking.k8s.io/gateway condition met\n"
    rows = _rows(lab.sh("kubectl get gtw -A").check().stdout)
    assert rows[1][:5] == ["istio-ingress", "gateway", "istio", FQDN, "True"]
    programmed = _condition(_gateway_status(lab)["conditions"], "Programmed")
    assert programmed["message"] == f"Resource programmed, assigned to service(s) {FQDN}:80"
    svc_rows = _rows(lab.sh("kubectl get svc -n istio-ingress").check().stdout)
    assert svc_rows[1][1] == "ClusterIP" and svc_rows[1][3] == "<none>"
    # from inside the cluster, by the Service name
    lab.sh(
        "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n"
        "  - name: curl\n    image: curlimages/curl\n    command: [sleep, infinity]\nEOF"
    ).check()
    got = lab.sh(
        f"kubectl exec client -- curl -s -o /dev/null -w '%{{http_code}}' -HHost:httpbin.example.com http://{FQDN}/get"
    )
    assert got.stdout == "200"


def test_minikube_tunnel_gives_the_load_balancer_an_ip_and_requests_flow(lab):
    tunnel = lab.sh("minikube tunnel").check()
    assert tunnel.stdout.startswith("Status:\t\n\tmachine: minikube\n\tpid: ")
    assert "\troute: 10.96.0.0/12 -> 192.168.76.2\n\tminikube: Running\n" in tunnel.stdout
    assert "\tservices: [gateway-istio, istio-ingressgateway]\n" in tunnel.stdout
    assert tunnel.stdout.endswith("\t\tloadbalancer emulator: no errors\n")
    assert "minikube tunnel --cleanup" in tunnel.stderr
    cluster_ip = lab.sh(
        "kubectl get svc gateway-istio -n istio-ingress -o jsonpath='{.spec.clusterIP}'"
    ).stdout
    svc_rows = _rows(lab.sh("kubectl get svc -n istio-ingress").check().stdout)
    assert svc_rows[1][3] == cluster_ip  # EXTERNAL-IP
    waited = lab.sh(
        "kubectl wait -n istio-ingress --for=condition=programmed gateways.gateway.networking.k8s.io gateway"
    )
    assert waited.stdout == "gateway.gateway.networking.k8s.io/gateway condition met\n"
    assert _gateway_status(lab)["addresses"] == [{"type": "IPAddress", "value": cluster_ip}]
    lab.sh(
        "export INGRESS_HOST=$(kubectl get gateways.gateway.networking.k8s.io gateway -n istio-ingress "
        "-ojsonpath='{.status.addresses[0].value}')"
    ).check()
    assert lab.env["INGRESS_HOST"] == cluster_ip

    head = lab.sh('curl -s -I -HHost:httpbin.example.com "http://$INGRESS_HOST/get"').check().stdout
    lines = head.splitlines()
    assert lines[0] == "HTTP/1.1 200 OK"
    assert "server: istio-envoy" in lines
    assert "access-control-allow-origin: *" in lines
    missing = lab.sh('curl -s -I -HHost:httpbin.example.com "http://$INGRESS_HOST/headers"').check().stdout
    assert missing.splitlines()[0] == "HTTP/1.1 404 Not Found"
    assert "server: istio-envoy" in missing.splitlines()

    body = json.loads(
        lab.sh('curl -s -HHost:httpbin.example.com "http://$INGRESS_HOST/get?x=1"').check().stdout
    )
    assert body["args"] == {"x": ["1"]}
    assert body["headers"]["Host"] == ["httpbin.example.com"]
    assert body["url"] == "http://httpbin.example.com/get?x=1"
    assert body["origin"] == body["headers"]["X-Forwarded-For"][0]

    log = lab.sh("kubectl logs -n istio-ingress deploy/gateway-istio").check().stdout.splitlines()
    records = [r for r in (parse_line(line) for line in log) if r is not None]
    assert [(r.method, r.path, r.response_code) for r in records] == [
        ("HEAD", "/get", 200),
        ("HEAD", "/headers", 404),
        ("GET", "/get?x=1", 200),
    ]
    ok, nr = records[0], records[1]
    assert ok.route_name == "default.http.0"
    assert ok.upstream_cluster == "outbound|8000||httpbin.default.svc.cluster.local"
    assert ok.authority == "httpbin.example.com"
    assert ok.downstream_local_address.endswith(":80")
    assert nr.response_flags == ["NR"] and nr.route_name is None
    httpbin_log = lab.sh("kubectl logs deploy/httpbin").check().stdout.splitlines()
    assert httpbin_log[0].endswith('level=INFO msg="go-httpbin listening on http://0.0.0.0:8080"')
    assert ' status=200 method=GET uri="/get?x=1" ' in httpbin_log[-1]

    stopped = lab.sh("minikube tunnel --cleanup").check()
    assert "stopped" in stopped.stdout
    assert _rows(lab.sh("kubectl get svc -n istio-ingress").check().stdout)[1][3] == "<pending>"
    assert lab.sh('curl -s -m 2 -HHost:httpbin.example.com "http://$INGRESS_HOST/get"').returncode == 28


def test_port_forward_and_node_port_reach_the_gateway(lab):
    node_port = (
        lab.sh(
            "kubectl get svc gateway-istio -n istio-ingress -o jsonpath='{.spec.ports[?(@.name==\"default\")].nodePort}'"
        )
        .check()
        .stdout
    )
    got = lab.sh(
        f"curl -s -o /dev/null -w '%{{http_code}}' -HHost:httpbin.example.com http://192.168.76.2:{node_port}/get"
    )
    assert got.stdout == "200"


def test_invalid_backend_answers_500_and_reports_resolved_refs(lab):
    lab.sh("kubectl create namespace other").check()
    lab.sh(
        "kubectl apply -f - <<EOF\n"
        + ROUTE.replace("namespace: default\n", "namespace: other\n", 1)
        .replace("name: httpbin\n", "name: httpbin\n      namespace: default\n")
        .replace("/get", "/status")
        + "EOF"
    ).check()
    route = json.loads(lab.sh("kubectl get httproute http -n other -o json").check().stdout)
    resolved = _condition(route["status"]["parents"][0]["conditions"], "ResolvedRefs")
    assert (resolved["status"], resolved["reason"]) == ("False", "RefNotPermitted")
    assert resolved["message"] == (
        'backendRef httpbin/default not accessible to a HTTPRoute in namespace "other" (missing a ReferenceGrant?)'
    )
    lab.sh("minikube tunnel").check()
    lab.sh(
        "export INGRESS_HOST=$(kubectl get gtw gateway -n istio-ingress -ojsonpath='{.status.addresses[0].value}')"
    ).check()
    got = lab.sh(
        'curl -s -o /dev/null -w "%{http_code}" -HHost:httpbin.example.com "http://$INGRESS_HOST/status/418"'
    )
    assert got.stdout == "500"
    line = lab.sh("kubectl logs -n istio-ingress deploy/gateway-istio").check().stdout.splitlines()[-1]
    assert parse_line(line).route_name == "other.http.0"


def test_proxy_config_of_the_automated_gateway(lab):
    listeners = lab.sh("istioctl proxy-config listener deploy/gateway-istio -n istio-ingress").check().stdout
    assert _rows(listeners)[1] == ["0.0.0.0", "80", "ALL", "Route:", "http.80"]
    routes = lab.sh("istioctl proxy-config route deploy/gateway-istio -n istio-ingress").check().stdout
    assert _rows(routes)[0] == ["NAME", "VHOST", "NAME", "DOMAINS", "MATCH", "VIRTUAL", "SERVICE"]
    assert _rows(routes)[1] == [
        "http.80",
        "httpbin.example.com:80",
        "httpbin.example.com",
        "PathPrefix:/get",
        "http-0-istio-autogenerated-k8s-gateway.default",
    ]
    pod = lab.sh("kubectl get pods -n istio-ingress -o jsonpath='{.items[0].metadata.name}'").check().stdout
    by_pod = lab.sh(f"istioctl proxy-config routes {pod}.istio-ingress").check().stdout
    assert by_pod == routes
    clusters = lab.sh("istioctl pc cluster deploy/gateway-istio -n istio-ingress").check().stdout
    assert ["httpbin.default.svc.cluster.local", "8000", "-", "outbound", "EDS"] in _rows(clusters)
    lab.sh("kubectl delete httproute http").check()
    empty = lab.sh("istioctl proxy-config route deploy/gateway-istio -n istio-ingress").check().stdout
    assert ["http.80", "blackhole:80", "*", "/*", "404"] in _rows(empty)


def test_a_second_tunnel_is_refused_while_one_runs(lab):
    lab.sh("minikube tunnel").check()
    again = lab.sh("minikube tunnel")
    assert again.returncode == 111
    assert "Exiting due to TUNNEL_ALREADY_RUNNING: Another tunnel process is already running" in again.stderr
    assert "was not running" in lab.sh("minikube tunnel --cleanup && minikube tunnel --cleanup").stdout
