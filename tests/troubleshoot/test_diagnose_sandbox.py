"""Every scenario, applied to the sandbox's demo, is named by `diagnose` (which never sees the scenario), and
the healthy demo is reported fault-free through both entry points, before and after each undo."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR
from ingresslab.troubleshoot import SCENARIOS, PodRequest

CASES = [(name, via) for name, sc in SCENARIOS.items() for via in sc.entry_points]


@pytest.fixture(scope="module")
def lab():
    lab = ingresslab.connect("sandbox", state=None, seed=7, cwd=DEMO_DIR.parent)
    tutorial.ensure_istio(lab)
    tutorial.ensure_nginx_ingress(lab)
    return lab


@pytest.mark.parametrize("via", ["nginx", "istio"])
def test_healthy_demo_reports_no_fault(lab, via):
    diagnosis = lab.diagnose(lab.request(path="/v1", via=via))
    assert diagnosis.ok and diagnosis.cause is None, diagnosis
    assert "answered 200" in diagnosis.summary


@pytest.mark.parametrize(("name", "via"), CASES, ids=[f"{n}-{v}" for n, v in CASES])
def test_diagnose_names_the_scenarios_cause_then_undo_heals(lab, name, via):
    run = lab.scenario(name)
    run.apply(prepare=False)
    try:
        evidence = run.observe(None if via == "pod" else via)
        diagnosis = lab.diagnose(evidence)
        assert diagnosis.cause == run.scenario.cause, diagnosis
        assert diagnosis.evidence and diagnosis.fix
    finally:
        run.undo()
    for entry in ("nginx", "istio"):
        healed = lab.diagnose(lab.request(path="/v1", via=entry))
        assert healed.ok, (name, entry, healed)


def test_a_trace_or_request_id_is_diagnosed_like_the_response(lab):
    with lab.scenario("selector-typo") as run:
        response = run.observe("nginx")
        assert lab.diagnose(lab.trace(response)).cause == "selector-matches-no-pod"
        assert lab.diagnose(response.request_id).cause == "selector-matches-no-pod"


def test_selector_fix_names_the_nearest_real_label(lab):
    with lab.scenario("selector-typo") as run:
        diagnosis = lab.diagnose(run.observe("istio"))
    assert '"app":"hw-v1"' in diagnosis.fix
    assert any("no_healthy_upstream" in clue.text for clue in diagnosis.evidence)


def test_dns_evidence_quotes_coredns_and_resolv_conf(lab):
    with lab.scenario("ndots-short-name") as run:
        probe = run.observe()
        assert isinstance(probe, PodRequest) and probe.returncode == 6
        diagnosis = lab.diagnose(probe)
    texts = [clue.text for clue in diagnosis.evidence]
    assert any("NXDOMAIN" in t and "dest-svc-v1.application." in t for t in texts)
    assert any("ndots:1" in t for t in texts)
    assert "dest-svc-v1.application.svc.cluster.local" in diagnosis.fix


def test_apply_and_undo_are_idempotent_and_restore_the_objects(lab):
    before = lab.backend.get("services", "dest-svc-v1", "application")["spec"]
    run = lab.scenario("wrong-target-port")
    run.apply(prepare=False).apply(prepare=False)
    assert lab.backend.get("services", "dest-svc-v1", "application")["spec"]["ports"][0]["targetPort"] == 7777
    run.undo().undo()
    assert lab.backend.get("services", "dest-svc-v1", "application")["spec"] == before


def test_unknown_scenario_and_bad_evidence_say_what_to_do(lab):
    with pytest.raises(KeyError, match="the scenarios are: selector-typo"):
        lab.scenario("nope")
    with pytest.raises(TypeError, match=r"lab\.request"):
        lab.diagnose(42)
    with pytest.raises(ValueError, match="shows at nginx"):
        lab.scenario("unserved-class").observe("istio")


def test_connection_refused_at_the_gateway_is_no_listener(lab):
    lab.sh("kubectl delete ingress my-istio-ingress")
    try:
        diagnosis = lab.diagnose(lab.request(path="/v1", via="istio"))
    finally:
        lab.sh("kubectl apply -f istio-deepdive/istio-ingress.yaml")
    assert diagnosis.cause == "no-gateway-listener"
    assert any("Connection refused" in clue.text for clue in diagnosis.evidence)


def test_without_istio_the_nginx_path_is_still_diagnosed():
    lab = ingresslab.connect("sandbox", state=None, seed=3, cwd=DEMO_DIR.parent)
    tutorial.ensure_nginx_ingress(lab)  # no Istio CRDs: Gateways are not even a served kind
    assert lab.diagnose(lab.request(via="nginx")).ok
    assert lab.diagnose(lab.request(host="example.com", via="nginx")).cause == "host-not-matched"
    assert lab.diagnose(lab.request(path="/v3", via="nginx")).ok  # the catch-all / answers, as designed
    assert lab.diagnose(lab.request(path="/v2/x", via="nginx")).cause == "exact-path-misses-subpath"
    with lab.scenario("unserved-class") as run:
        assert lab.diagnose(run.observe()).cause == "ingress-class-not-served"
