"""The Gateway API's failure modes as scenarios on the sandbox (notebook 07's demo, Istio and NGINX Gateway
Fabric): each is named by `diagnose` from the gateway's access line and the objects' status conditions (it never
reads the scenario), and its undo leaves the seed's route healthy at both Gateways."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR
from ingresslab.troubleshoot import SCENARIOS
from ingresslab.troubleshoot.scenarios import GATEWAY_API_ENTRY_POINTS, SHOP_REFERENCE_GRANT

GATEWAY_API = sorted(n for n, s in SCENARIOS.items() if set(s.entry_points) & set(GATEWAY_API_ENTRY_POINTS))

# what the status condition the learner reads with `kubectl get ... -o yaml` says, per scenario
CONDITION = {
    "cross-namespace-backend": "ResolvedRefs=False RefNotPermitted",
    "backend-name-typo": "ResolvedRefs=False BackendNotFound",
    "backend-name-typo-nginx": "ResolvedRefs=False BackendNotFound",
    "listener-same-namespace": "Accepted=False NotAllowedByListeners",
    "listener-same-namespace-nginx": "Accepted=False NotAllowedByListeners",
    "route-hostname-mismatch": "Accepted=False NoMatchingListenerHostname",
    "gateway-address-pending": "Programmed=False AddressNotAssigned",
}
STATUS = {"cross-namespace-backend": 500, "backend-name-typo": 500, "backend-name-typo-nginx": 500}


@pytest.fixture(scope="module")
def lab():
    lab = ingresslab.connect("sandbox", state=None, seed=16, cwd=DEMO_DIR.parent)
    tutorial.ensure_gateway_api(lab, ngf=True)
    return lab


def _healthy(lab) -> None:
    for via, gateway in (("gateway-api", "seed-gateway"), ("gateway-api-nginx", "seed-ngf")):
        response = lab.request(host="yuya.example.com", path="/v1", via=via, gateway=gateway)
        diagnosis = lab.diagnose(response)
        assert response.status == 200 and diagnosis.ok, (via, diagnosis)


def test_every_gateway_api_cause_has_a_scenario():
    assert set(GATEWAY_API) == set(CONDITION)
    causes = {SCENARIOS[n].cause for n in GATEWAY_API}
    assert causes >= {
        "backend-ref-not-permitted",
        "backend-not-found",
        "httproute-not-allowed",
        "httproute-hostname-mismatch",
        "gateway-address-not-assigned",
    }


@pytest.mark.parametrize("name", GATEWAY_API)
def test_diagnose_reads_the_status_condition_then_undo_heals(lab, name):
    _healthy(lab)
    run = lab.scenario(name)
    run.apply(prepare=False)
    try:
        response = run.observe()
        assert response.via == run.scenario.entry_points[0] and response.gateway == run.scenario.gateway
        if run.scenario.probe is None:
            assert response.status == STATUS.get(name, 404), response
        else:
            assert response.status is None and response.error, response
        diagnosis = lab.diagnose(response)
        assert diagnosis.cause == run.scenario.cause, diagnosis
        assert any(CONDITION[name] in clue.text for clue in diagnosis.evidence), diagnosis
        assert diagnosis.fix
    finally:
        run.undo()
    assert not run.applied
    _healthy(lab)


def test_a_reference_grant_in_the_services_namespace_lets_the_route_through(lab):
    import yaml

    with lab.scenario("cross-namespace-backend") as run:
        diagnosis = lab.diagnose(run.observe())
        assert "create a ReferenceGrant in namespace application" in diagnosis.fix
        applied = lab.sh(f"kubectl apply -f - <<EOF\n{yaml.safe_dump(SHOP_REFERENCE_GRANT)}EOF")
        assert applied.returncode == 0, applied.text
        try:
            response = run.observe()
            assert response.status == 200 and "v1" in response.body, response
            assert lab.diagnose(response).ok
            hop = lab.trace(response).hop("istio-gateway-api")
            assert hop.evidence[0].fields["route_name"] == "istio-ingress.shop-routes.0"
        finally:
            lab.sh("kubectl delete referencegrant shop-routes-to-services -n application")
        assert lab.diagnose(run.observe()).cause == "backend-ref-not-permitted"
    _healthy(lab)


def test_the_typos_fix_names_the_service_meant(lab):
    for name in ("backend-name-typo", "backend-name-typo-nginx"):
        with lab.scenario(name) as run:
            diagnosis = lab.diagnose(run.observe())
        assert "did you mean dest-svc-v1?" in diagnosis.fix, diagnosis


def test_a_route_for_another_host_is_still_host_not_matched(lab):
    # the route is attached (its hostnames intersect the listener's): the request's Host is the mistake
    response = lab.request(host="example.com", path="/v1", via="gateway-api", gateway="seed-gateway")
    assert lab.diagnose(response).cause == "host-not-matched"


def test_the_pending_address_scenario_follows_the_docs_and_leaves_the_tunnel_as_it_was(lab):
    run = lab.scenario("gateway-address-pending").apply()
    try:
        response = run.observe()
        assert "status.addresses[0].value" in response.command
        gtw = lab.sh("kubectl get gtw docs-gateway -n istio-ingress").stdout
        assert "False" in gtw.splitlines()[1], gtw
        svc = lab.backend.get("services", "docs-gateway-istio", "istio-ingress")
        assert svc["spec"]["type"] == "LoadBalancer"
    finally:
        run.undo()
    assert "docs-gateway" not in lab.sh("kubectl get gtw -A").stdout
    # with a tunnel running before, the scenario stops it and undo starts it again
    assert lab.sh("minikube tunnel").returncode == 0
    try:
        with lab.scenario("gateway-address-pending") as run:
            assert lab.diagnose(run.observe()).cause == "gateway-address-not-assigned"
            assert "<pending>" in lab.sh("kubectl get svc seed-gateway-istio -n istio-ingress").stdout
        assert "<pending>" not in lab.sh("kubectl get svc seed-gateway-istio -n istio-ingress").stdout
    finally:
        lab.sh("minikube tunnel --cleanup")
    _healthy(lab)
