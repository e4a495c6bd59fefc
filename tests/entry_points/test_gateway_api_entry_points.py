"""The Gateway API front ends end to end on the sandbox: the seed's routes as one HTTPRoute served by Istio's and
NGINX Gateway Fabric's Gateways, each request traced hop by hop from the gateways' own logs and diagnosed."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.errors import IngresslabError
from ingresslab.manifests import DEMO_DIR


@pytest.fixture(scope="module")
def lab():
    lab = ingresslab.connect("sandbox", state=None, seed=21, cwd=DEMO_DIR.parent)
    tutorial.ensure_gateway_api(lab, ngf=True)
    return lab


def test_the_istio_gateway_serves_the_seeds_routes_and_the_trace_names_the_httproute_rule(lab):
    response = lab.request(host="yuya.example.com", path="/v2", via="gateway-api", gateway="seed-gateway")
    assert response.status == 200 and "v2" in response.body
    trace = lab.trace(response)
    assert trace.complete, trace.stopped
    assert trace.via == "gateway-api"
    gw = trace.hop("istio-gateway-api")
    assert gw.pod.startswith("seed-gateway-istio-") and gw.namespace == "istio-ingress"
    assert gw.evidence[0].fields["route_name"] == "application.seed-routes.1"
    assert "HTTPRoute application/seed-routes, rule 1" in gw.note
    assert trace.hop("pod").pod.startswith("dest-depl-v2-")
    assert lab.diagnose(response).cause is None


def test_wildcards_cover_any_depth_and_exact_paths_only_themselves(lab):
    deep = lab.request(
        host="a.b.example.com", path="/v1", via="gateway-api", gateway="istio-ingress/seed-gateway"
    )
    assert deep.status == 200 and lab.trace(deep).hop("pod").pod.startswith("dest-depl-v1-")
    sub = lab.request(host="yuya.example.com", path="/v1/x", via="gateway-api", gateway="seed-gateway")
    assert lab.trace(sub).hop("pod").pod.startswith("dest-error-depl-")
    apex = lab.request(host="example.com", path="/v1", via="gateway-api", gateway="seed-gateway")
    assert apex.status == 404
    diagnosis = lab.diagnose(apex)
    assert diagnosis.cause == "host-not-matched", diagnosis


def test_nginx_gateway_fabric_serves_the_same_route_and_is_traced_through_the_sidecars_request_id(lab):
    response = lab.request(host="yuya.example.com", path="/v1", via="gateway-api-nginx", gateway="seed-ngf")
    assert response.status == 200
    trace = lab.trace(response)
    assert trace.complete, trace.stopped
    ngf = trace.hop("nginx-gateway-fabric")
    assert ngf.pod.startswith("seed-ngf-nginx-") and ngf.evidence[0].fields["path"] == "/v1"
    assert trace.hop("sidecar").evidence[0].fields["request_id"] == response.request_id
    assert trace.hop("pod").pod.startswith("dest-depl-v1-")
    assert lab.diagnose(response).cause is None


def test_the_wrong_implementation_or_an_unknown_gateway_is_a_clear_error(lab):
    with pytest.raises(
        IngresslabError,
        match=r'served by gateway\.nginx\.org/nginx-gateway-controller.*via="gateway-api-nginx"',
    ):
        lab.request(host="yuya.example.com", path="/v1", via="gateway-api", gateway="seed-ngf")
    with pytest.raises(IngresslabError, match=r"no Gateway 'nope' in any namespace \(Gateways: "):
        lab.request(via="gateway-api", gateway="nope")
    with pytest.raises(IngresslabError, match='needs gateway="NAME"'):
        lab.request(via="gateway-api")
