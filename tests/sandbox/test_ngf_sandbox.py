"""NGINX Gateway Fabric v2.6.7 in the sandbox, end to end: install, GatewayClass `nginx`, a Gateway and the
HTTPRoute, statuses with NGF's texts, `<gw>-nginx` objects, and requests through its NGINX with the `combined`
access line.

The control plane and `net.deliver_pod` do not list NGF yet: these tests register `addons.ngf.on_change`
and `dataplane.ngf.handle` at setup (monkeypatch), exactly as the hook lines of the report do.
"""

from __future__ import annotations

import re

import pytest
from dataplane_fixtures import demo

from ingresslab.backends.sandbox import controlplane
from ingresslab.backends.sandbox.addons import ngf
from ingresslab.backends.sandbox.addons.gateway_api_crds import standard_install
from ingresslab.backends.sandbox.addons.ngf_manifests import CRDS_URL, DEPLOY_URL, objects_for_url
from ingresslab.backends.sandbox.dataplane import net
from ingresslab.backends.sandbox.dataplane import ngf as ngf_dp
from ingresslab.backends.sandbox.dataplane.walk import send_request

NODE = "192.168.76.2"
GW = "gateway.networking.k8s.io"
COMBINED = re.compile(
    r'^(\S+) - (\S+) \[(\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "([^"]*)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$'
)


@pytest.fixture
def hooks(monkeypatch):
    """Register NGF's controller and data plane as the hook lines would."""
    original = controlplane.control_plane

    def plane():
        base = original()
        pairs = [(key, c) for key, cs in base.controllers.items() for c in cs]
        pairs += [(key, ngf.on_change) for key in ngf.WATCHED]
        return controlplane.ControlPlane.build(base.admissions, pairs)

    monkeypatch.setattr(controlplane, "control_plane", plane)
    deliver = net.deliver_pod

    def deliver_pod(cluster, pod, conn, request, start, *, capture=True):
        if ngf_dp.is_ngf_pod(pod):
            return ngf_dp.handle(cluster, pod, conn, request, start)
        return deliver(cluster, pod, conn, request, start, capture=capture)

    monkeypatch.setattr(net, "deliver_pod", deliver_pod)


def _gateway() -> dict:
    return {
        "apiVersion": f"{GW}/v1",
        "kind": "Gateway",
        "metadata": {"name": "gateway", "namespace": "application"},
        "spec": {
            "gatewayClassName": "nginx",
            "listeners": [
                {
                    "name": "default",
                    "hostname": "*.example.com",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": {"namespaces": {"from": "All"}},
                }
            ],
        },
    }


def _route(backend: str = "dest-svc-v1", port: int = 7777, namespace: str | None = None) -> dict:
    ref: dict = {"name": backend, "port": port}
    if namespace:
        ref["namespace"] = namespace
    return {
        "apiVersion": f"{GW}/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "http", "namespace": "application"},
        "spec": {
            "parentRefs": [{"name": "gateway", "namespace": "application"}],
            "hostnames": ["yuya.example.com"],
            "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/v1"}}], "backendRefs": [ref]}],
        },
    }


@pytest.fixture
def lab(hooks):
    backend = demo()
    backend.apply_many(standard_install("v1.6.1"))
    with backend.transaction() as cluster:
        ngf.install(cluster)
    backend.apply(_gateway())
    backend.apply(_route())
    return backend


def _node_port(backend) -> int:
    svc = backend.get("services", "gateway-nginx", "application")
    return next(p["nodePort"] for p in svc["spec"]["ports"] if p["port"] == 80)


def _send(backend, path: str, host: str = "yuya.example.com"):
    with backend.transaction() as cluster:
        return send_request(cluster, url=f"http://{NODE}:{_node_port(backend)}{path}", host_header=host)


def _access_lines(backend) -> list[str]:
    pod = backend.list(
        "pods", "application", label_selector="gateway.networking.k8s.io/gateway-name=gateway"
    )[0]
    return backend.logs(pod["metadata"]["name"], "application", container="nginx").splitlines()


def _cond(obj: dict, kind: str) -> dict:
    conditions = obj["conditions"] if "conditions" in obj else obj["status"]["conditions"]
    return next(c for c in conditions if c["type"] == kind)


def test_install_urls_serve_the_real_files_objects_in_order():
    crds = objects_for_url(CRDS_URL)
    assert [c["metadata"]["name"] for c in crds][:3] == [
        "authenticationfilters.gateway.nginx.org",
        "clientsettingspolicies.gateway.nginx.org",
        "nginxgateways.gateway.nginx.org",
    ]
    deploy = objects_for_url(DEPLOY_URL)
    assert [(o["kind"], o["metadata"]["name"]) for o in deploy] == [
        ("Namespace", "nginx-gateway"),
        ("ServiceAccount", "nginx-gateway"),
        ("ServiceAccount", "nginx-gateway-cert-generator"),
        ("Role", "nginx-gateway-cert-generator"),
        ("ClusterRole", "nginx-gateway"),
        ("RoleBinding", "nginx-gateway-cert-generator"),
        ("ClusterRoleBinding", "nginx-gateway"),
        ("Service", "nginx-gateway"),
        ("Deployment", "nginx-gateway"),
        ("Job", "nginx-gateway-cert-generator"),
        ("GatewayClass", "nginx"),
        ("NginxGateway", "nginx-gateway-config"),
        ("NginxProxy", "nginx-gateway-proxy-config"),
    ]
    gc = deploy[10]
    assert gc["spec"]["controllerName"] == "gateway.nginx.org/nginx-gateway-controller"
    assert objects_for_url("https://example.com/other.yaml") is None
    assert objects_for_url(DEPLOY_URL, served=lambda o: "rbac" not in o["apiVersion"])[3]["kind"] == "Service"


def test_gateway_class_is_accepted_best_effort_on_a_newer_bundle(lab):
    gc = lab.get("gatewayclasses", "nginx")
    conds = [(c["type"], c["status"], c["reason"], c["message"]) for c in gc["status"]["conditions"]]
    assert conds == [
        ("Accepted", "True", "Accepted", "The GatewayClass is accepted"),
        (
            "SupportedVersion",
            "False",
            "UnsupportedVersion",
            "The Gateway API CRD versions are not recommended. Recommended version is v1.5.1",
        ),
        ("ResolvedRefs", "True", "ResolvedRefs", "The ParametersRef resource is resolved"),
    ]


def test_per_gateway_nginx_deployment_and_service(lab):
    dep = lab.get("deployments", "gateway-nginx", "application")
    svc = lab.get("services", "gateway-nginx", "application")
    labels = dep["metadata"]["labels"]
    assert labels["gateway.networking.k8s.io/gateway-name"] == "gateway"
    assert labels["app.kubernetes.io/name"] == "gateway-nginx"
    assert labels["app.kubernetes.io/managed-by"] == "nginx-gateway-nginx"
    assert dep["metadata"]["ownerReferences"][0]["kind"] == "Gateway"
    assert svc["spec"]["type"] == "LoadBalancer" and svc["spec"]["externalTrafficPolicy"] == "Local"
    assert [(p["name"], p["port"]) for p in svc["spec"]["ports"]] == [("port-80", 80)]


def test_gateway_and_route_statuses_use_ngf_texts(lab):
    gw = lab.get("gateways.gateway.networking.k8s.io", "gateway", "application")
    assert _cond(gw, "Accepted")["message"] == "The Gateway is accepted"
    assert _cond(gw, "Programmed")["message"] == "The Gateway is programmed"
    assert "addresses" not in gw["status"]  # the LoadBalancer is still pending (no minikube tunnel)
    listener = gw["status"]["listeners"][0]
    assert listener["attachedRoutes"] == 1
    assert [c["message"] for c in listener["conditions"]] == [
        "The Listener is programmed",
        "The Listener is accepted",
        "All references are resolved",
        "No conflicts",
    ]
    route = lab.get("httproutes", "http", "application")
    (parent,) = route["status"]["parents"]
    assert parent["controllerName"] == "gateway.nginx.org/nginx-gateway-controller"
    assert [(c["type"], c["message"]) for c in parent["conditions"]] == [
        ("Accepted", "The Route is accepted"),
        ("ResolvedRefs", "All references are resolved"),
    ]


def test_request_is_proxied_and_logged_in_combined_format(lab):
    r = _send(lab, "/v1")
    assert r.status == 200 and r.body.startswith("Hello World V1")
    assert r.header("server") == "nginx"
    line = _access_lines(lab)[-1]
    m = COMBINED.match(line)
    assert m, line
    assert m.group(2) == "-" and m.group(4) == "GET /v1 HTTP/1.1" and m.group(5) == "200"
    assert int(m.group(6)) == len(r.body.encode()) and m.group(8).startswith("curl/")


def test_unknown_host_gets_the_default_server_404_and_unmatched_path_404(lab):
    r = _send(lab, "/v1", host="other.test")
    assert r.status == 404 and "<hr><center>nginx</center>" in r.body
    assert COMBINED.match(_access_lines(lab)[-1]).group(5) == "404"
    assert _send(lab, "/headers").status == 404


def test_cross_namespace_backend_without_grant_is_refnotpermitted_and_500(lab):
    lab.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    lab.apply(_route(namespace="other", backend="dest-svc-v1"))
    route = lab.get("httproutes", "http", "application")
    (parent,) = route["status"]["parents"]
    resolved = _cond(parent, "ResolvedRefs")
    assert resolved["reason"] == "RefNotPermitted"
    assert resolved["message"] == (
        "spec.rules[0].backendRefs[0].namespace: Forbidden: Backend ref to Service other/dest-svc-v1 not "
        "permitted by any ReferenceGrant"
    )
    assert _cond(parent, "Accepted")["status"] == "True"
    assert _send(lab, "/v1").status == 500


def test_kubectl_get_rows_for_class_gateway_and_route(hooks):
    import ingresslab

    lab = ingresslab.connect("sandbox", state=None)
    backend = lab.backend
    backend.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    backend.apply_many(standard_install("v1.6.1"))
    with backend.transaction() as cluster:
        ngf.install(cluster)
    backend.apply(_gateway())
    backend.apply(_route())
    rows = lab.sh("kubectl get gatewayclass").check().stdout.splitlines()
    assert rows[0].split() == ["NAME", "CONTROLLER", "ACCEPTED", "AGE"]
    assert rows[1].split()[:3] == ["nginx", "gateway.nginx.org/nginx-gateway-controller", "True"]
    rows = lab.sh("kubectl get gtw -n application").check().stdout.splitlines()
    assert rows[0].split() == ["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"]
    assert rows[1].split()[:3] == ["gateway", "nginx", "True"]  # ADDRESS empty: LoadBalancer pending
    rows = lab.sh("kubectl get httproute -n application").check().stdout.splitlines()
    assert rows[1].split()[:2] == ["http", '["yuya.example.com"]']
    svc = lab.sh("kubectl get svc -n application gateway-nginx").check().stdout.splitlines()[1].split()
    assert svc[:2] == ["gateway-nginx", "LoadBalancer"] and svc[3] == "<pending>"


def test_on_the_v1_1_0_bundle_ngf_still_serves_best_effort(hooks):
    backend = demo()
    backend.apply_many(standard_install("v1.1.0"))
    with backend.transaction() as cluster:
        ngf.install(cluster)
    backend.apply(_gateway())
    backend.apply(_route())
    gc = backend.get("gatewayclasses", "nginx")
    assert _cond(gc, "Accepted")["status"] == "True"
    assert _cond(gc, "SupportedVersion")["message"].endswith("Recommended version is v1.5.1")
    assert _send(backend, "/v1").status == 200


def test_install_as_the_docs_do_with_kubectl_apply_of_the_urls(hooks):
    import ingresslab

    lab = ingresslab.connect("sandbox", state=None)
    lab.backend.apply_many(standard_install("v1.6.1"))
    crds = lab.sh(f"kubectl apply -f {CRDS_URL}").check().stdout
    assert "customresourcedefinition.apiextensions.k8s.io/nginxproxies.gateway.nginx.org created" in crds
    out = lab.sh(f"kubectl apply -f {DEPLOY_URL}").check().stdout
    assert "gatewayclass.gateway.networking.k8s.io/nginx created" in out
    assert "deployment.apps/nginx-gateway created" in out
    assert "nginxproxy.gateway.nginx.org/nginx-gateway-proxy-config created" in out
    rows = lab.sh("kubectl get gatewayclass nginx").check().stdout.splitlines()
    assert rows[1].split()[:3] == ["nginx", "gateway.nginx.org/nginx-gateway-controller", "True"]
