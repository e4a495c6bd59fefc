"""Traces of real sandbox requests: the seed's /v1 via NGINX and via Istio, and every way a request can stop."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR


def _lab():
    return ingresslab.connect("sandbox", state=None, seed=11, cwd=DEMO_DIR.parent)


@pytest.fixture(scope="module")
def nginx_lab():
    lab = _lab()
    tutorial.ensure_nginx_ingress(lab)
    return lab


@pytest.fixture(scope="module")
def istio_lab():
    lab = _lab()
    tutorial.ensure_istio(lab)
    return lab


def _v1_endpoints(lab) -> set[str]:
    ep = lab.backend.get("endpoints", "dest-svc-v1", "application")
    return {f"{a['ip']}:{p['port']}" for s in ep["subsets"] for a in s["addresses"] for p in s["ports"]}


def test_v1_via_nginx_lists_the_right_hops_and_evidence(nginx_lab):
    trace = nginx_lab.trace(nginx_lab.request(host="yuya.example.com", path="/v1", via="nginx"))
    assert trace.complete and trace.via == "nginx" and trace.status == 200
    assert [h.component for h in trace.hops] == ["client", "node", "ingress-nginx", "service", "pod", "app"]
    fields = trace.hop("ingress-nginx").evidence[0].fields
    assert fields["proxy_upstream_name"] == "application-dest-svc-v1-http-v1"
    assert fields["upstream_addr"][0] in _v1_endpoints(nginx_lab)
    assert trace.hop("pod").dest_addr == fields["upstream_addr"][0]
    assert trace.hop("service").bypassed
    assert trace.hop("app").evidence[0].fields["path"] == "/v1"


def test_v1_via_istio_lists_gateway_sidecar_sni_and_127_0_0_6(istio_lab):
    trace = istio_lab.trace(istio_lab.request(host="yuya.example.com", path="/v1", via="istio"))
    assert trace.complete and trace.via == "istio"
    assert [h.component for h in trace.hops] == [
        "client",
        "node",
        "istio-ingressgateway",
        "service",
        "pod",
        "sidecar",
        "app",
    ]
    gw = trace.hop("istio-ingressgateway")
    assert gw.pod.startswith("istio-ingressgateway-")
    assert (
        gw.evidence[0].fields["upstream_cluster"]
        == "outbound|7777||dest-svc-v1.application.svc.cluster.local"
    )
    sidecar = trace.hop("sidecar").evidence[0].fields
    assert sidecar["requested_server_name"] == "outbound_.7777_._.dest-svc-v1.application.svc.cluster.local"
    assert sidecar["upstream_local_address"].startswith("127.0.0.6:")
    assert sidecar["request_id"] == gw.evidence[0].fields["request_id"]


def test_unmatched_host_stops_at_the_nginx_default_backend(nginx_lab):
    trace = nginx_lab.trace(nginx_lab.request(host="example.com", path="/v1", via="nginx"))
    assert trace.status == 404 and "no Ingress rule matched" in trace.stopped


def test_service_without_endpoints_stops_with_503_on_both_paths():
    lab = _lab()
    tutorial.ensure_istio(lab)
    tutorial.ensure_nginx_ingress(lab)
    lab.sh("kubectl scale deployment dest-depl-v1 --replicas=0")
    nginx = lab.trace(lab.request(path="/v1", via="nginx"))
    assert nginx.status == 503 and "has no ready endpoints" in nginx.stopped
    istio = lab.trace(lab.request(path="/v1", via="istio"))
    assert istio.status == 503 and "UH" in istio.stopped


def test_no_route_at_the_gateway_is_NR(istio_lab):
    # Only the hand-written Gateway opens port 80 now, and no VirtualService binds to it.
    istio_lab.sh(
        "kubectl delete ingress my-istio-ingress && kubectl apply -f istio-deepdive/istio-gateway.yaml"
    )
    try:
        trace = istio_lab.trace(istio_lab.request(path="/v1", via="istio"))
        assert trace.status == 404 and "NR" in trace.stopped and "no route" in trace.stopped
    finally:
        istio_lab.sh("kubectl apply -f istio-deepdive/istio-ingress.yaml")


def test_no_gateway_listener_means_connection_refused(istio_lab):
    istio_lab.sh(
        "kubectl delete ingress my-istio-ingress && kubectl delete gateway my-istio-ingress-gw --ignore-not-found"
    )
    try:
        response = istio_lab.request(path="/v1", via="istio")
        assert response.status is None and "Connection refused" in response.error
        trace = istio_lab.trace(response)
        assert not trace.complete and "did not reach one" in trace.stopped
    finally:
        istio_lab.sh("kubectl apply -f istio-deepdive/istio-ingress.yaml")


def test_pods_created_before_injection_have_no_sidecar_hop():
    lab = _lab()
    tutorial.ensure_nginx_ingress(lab)
    lab.sh(
        "istioctl install --set profile=demo -y && kubectl label namespace application istio-injection=enabled"
    )
    trace = lab.trace(lab.request(path="/v1", via="nginx"))
    assert trace.complete and trace.hop("sidecar") is None
    assert any("no sidecar" in note for note in trace.notes)


def test_unknown_request_id_is_explained(nginx_lab):
    trace = nginx_lab.trace("0" * 32)
    assert not trace.complete and "no ingress controller or gateway logged" in trace.stopped
