"""The egress troubleshooting scenarios on the sandbox: each is applied to the egress gateway task's healthy
path, observed with `lab.request(via="egress", from_pod="curl")`, diagnosed from the evidence alone, and undone
(after which the same request is healthy again)."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab.troubleshoot.findings import CAUSES
from ingresslab.troubleshoot.scenarios import EGRESS_DR_ELSEWHERE, SCENARIOS, ensure_egress_gateway

pytest.importorskip("ingresslab.commands.shell", reason="the lab's shell is not in this checkout yet")

EGRESS = sorted(name for name, s in SCENARIOS.items() if s.entry_points == ("egress",))


@pytest.fixture(scope="module")
def lab():
    lab = ingresslab.connect("sandbox", state=None)
    ensure_egress_gateway(lab)
    return lab


def _healthy(lab):
    response = lab.request(
        host="edition.cnn.com", path="/politics", via="egress", from_pod="curl", namespace="default"
    )
    return response, lab.diagnose(response)


def test_the_egress_scenarios_are_registered_with_known_causes():
    assert EGRESS == [
        "egress-destinationrule-missing",
        "egress-destinationrule-namespace",
        "egress-gateway-bypassed",
        "egress-gateway-hosts",
        "egress-registry-only",
        "egress-registry-only-tls",
        "egress-subset-typo",
    ]
    assert all(SCENARIOS[name].cause in CAUSES for name in EGRESS)
    assert SCENARIOS["egress-destinationrule-namespace"] is EGRESS_DR_ELSEWHERE


def test_the_healthy_egress_path_reports_no_fault(lab):
    response, diagnosis = _healthy(lab)
    assert response.status == 301 and diagnosis.ok, diagnosis.to_text()
    trace = lab.trace(response)
    from ingresslab.trace.logindex import tracer_for

    assert tracer_for(lab).trace(response).to_dict() == trace.to_dict()  # followed logs join the same way
    assert [str(h.component) for h in trace.hops] == [
        "client",
        "sidecar",
        "service",
        "istio-egressgateway",
        "app",
    ]


@pytest.mark.parametrize("name", EGRESS)
def test_scenario_is_diagnosed_and_undone(lab, name):
    run = lab.scenario(name)
    run.apply()
    try:
        observed = run.observe()
        diagnosis = lab.diagnose(observed)
        assert diagnosis.cause == run.scenario.cause, diagnosis.to_text()
        assert diagnosis.evidence and diagnosis.fix
    finally:
        run.undo()
    _response, healthy = _healthy(lab)
    assert healthy.ok, healthy.to_text()


def test_destination_rule_in_another_namespace(lab):
    """A sidecar in default does not see a DestinationRule in egress-config: the subset cluster is missing, so
    its sidecar answers 503 NC cluster_not_found with no upstream cluster, as a real one does."""
    run = EGRESS_DR_ELSEWHERE.bind(lab)
    run.apply()
    try:
        observed = run.observe()
        assert observed.status == 503
        sidecar = lab.trace(observed).hop("sidecar").evidence[0]
        assert sidecar.fields["response_flags"] == ["NC"]
        assert sidecar.fields["response_code_details"] == "cluster_not_found"
        assert ' "-" - - ' in sidecar.raw  # upstream host "-", upstream cluster -, upstream local -
        diagnosis = lab.diagnose(observed)
        assert diagnosis.cause == "egress-destinationrule-wrong-namespace", diagnosis.to_text()
        assert "egress-config" in diagnosis.summary
    finally:
        run.undo()
    assert _healthy(lab)[1].ok


def _dr(name, namespace, host, *, export_to=None, selector=None, created="2024-01-01T00:00:00Z"):
    spec = {"host": host, "subsets": [{"name": name}]}
    if export_to is not None:
        spec["exportTo"] = export_to
    if selector is not None:
        spec["workloadSelector"] = {"matchLabels": selector}
    return {"metadata": {"name": name, "namespace": namespace, "creationTimestamp": created}, "spec": spec}


GW = "istio-egressgateway.istio-system.svc.cluster.local"


@pytest.mark.parametrize(
    ("rule", "client", "visible"),
    [
        (_dr("own", "default", GW), "default", True),
        (_dr("own-private", "default", GW, export_to=["."]), "default", True),
        (_dr("elsewhere", "egress-config", GW), "default", False),
        (_dr("elsewhere-exported", "egress-config", GW, export_to=["*"]), "default", False),
        (_dr("service-ns", "istio-system", GW), "default", True),
        (_dr("service-ns-private", "istio-system", GW, export_to=["."]), "default", False),
        (_dr("service-ns-to-other", "istio-system", GW, export_to=["shop"]), "default", False),
        (_dr("service-ns-to-client", "istio-system", GW, export_to=["default"]), "default", True),
        (_dr("service-ns-none", "istio-system", GW, export_to=["~"]), "default", False),
        (_dr("root-private", "istio-system", GW, export_to=["."]), "istio-system", True),
        (_dr("wildcard", "default", "*.istio-system.svc.cluster.local"), "default", True),
        (_dr("short-name", "istio-system", "istio-egressgateway"), "default", True),
        (_dr("selected", "default", GW, selector={"app": "curl"}), "default", True),
        (_dr("not-selected", "default", GW, selector={"app": "other"}), "default", False),
        (_dr("selector-not-exported", "istio-system", GW, selector={"app": "curl"}), "default", False),
    ],
    ids=lambda v: v["metadata"]["name"] if isinstance(v, dict) else str(v),
)
def test_destination_rule_visibility(rule, client, visible):
    """PushContext.destinationRule (Istio 1.23): the client's namespace, then rules the service's namespace
    and istio-system export to it; nothing from other namespaces."""
    from ingresslab.backends.sandbox.dataplane.envoy import visible_destination_rules

    found = visible_destination_rules([rule], GW, client, "istio-system", {"app": "curl"})
    assert (found == [rule]) is visible


def test_destination_rule_lookup_order_and_merge():
    from ingresslab.backends.sandbox.dataplane.envoy import visible_destination_rules

    root = _dr("root", "istio-system", GW)
    own = _dr("own", "default", GW, created="2024-02-01T00:00:00Z")
    older = _dr("older", "default", GW)
    wildcard = _dr("wild", "default", "*.svc.cluster.local")
    # the client's namespace wins over the service's; same-host rules merge oldest first
    assert visible_destination_rules([root, own, older], GW, "default", "istio-system") == [older, own]
    # an exact host beats a wildcard within a namespace; a wildcard there still beats the service's namespace
    assert visible_destination_rules([wildcard, own], GW, "default", "istio-system") == [own]
    assert visible_destination_rules([wildcard, root], GW, "default", "istio-system") == [wildcard]
    assert visible_destination_rules([root], GW, "shop", "istio-system") == [root]
    # a ServiceEntry host with one dot is a full name, as istiod keeps it
    external = _dr("external", "default", "httpbin.org")
    assert visible_destination_rules([external], "httpbin.org", "default", "default") == [external]


def test_observations_match_the_symptoms(lab):
    with lab.scenario("egress-registry-only") as run:
        blocked = run.observe()
        assert blocked.status == 502 and blocked.headers.get("server") == "envoy" and blocked.body == ""
    with lab.scenario("egress-registry-only-tls") as run:
        tls = run.observe()
        assert tls.status is None
        assert "curl: (35)" in tls.error and "Defaulted container" not in tls.error
        trace = lab.trace(tls)
        assert trace.hop("sidecar").evidence[0].fields["upstream_cluster"] == "BlackHoleCluster"
    with lab.scenario("egress-subset-typo") as run:
        nc = run.observe()
        assert nc.status == 503
        assert lab.trace(nc).hop("sidecar").evidence[0].fields["response_flags"] == ["NC"]
    with lab.scenario("egress-gateway-hosts") as run:
        nr = run.observe()
        assert nr.status == 404
        gw = lab.trace(nr).hop("istio-egressgateway")
        assert gw.evidence[0].fields["response_flags"] == ["NR"]
    with lab.scenario("egress-gateway-bypassed") as run:
        direct = run.observe()
        trace = lab.trace(direct)
        assert direct.status == 301 and trace.hop("istio-egressgateway") is None
        assert trace.hop("sidecar").evidence[0].fields["upstream_cluster"] == "outbound|80||edition.cnn.com"


def test_wrong_namespace_is_named_from_503_nc_evidence(lab):
    """What a real sidecar logs when the DestinationRule sits in egress-config: 503 NC; the rule finds the subset
    defined only out of the client's reach."""
    from types import SimpleNamespace

    from ingresslab.trace.model import Evidence, Hop, Trace
    from ingresslab.troubleshoot.diagnose import _Walk

    run = EGRESS_DR_ELSEWHERE.bind(lab)
    run.apply()
    try:
        line = (
            '[2024-09-15T08:42:48.576Z] "GET /politics HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" '
            '"curl/8.10.1" "e5ca" "edition.cnn.com" "-" - - 151.101.3.5:80 10.244.0.6:41791 - -'
        )
        fields = {
            "response_code": 503,
            "response_flags": ["NC"],
            "response_code_details": "cluster_not_found",
            "authority": "edition.cnn.com",
            "request_id": "e5ca",
        }
        trace = Trace("e5ca", "egress", status=503)
        trace.hops = [
            Hop("client", "client container curl", namespace="default", pod="curl-x"),
            Hop(
                "sidecar",
                "sidecar outbound",
                namespace="default",
                evidence=[Evidence("default/curl-x", line, fields)],
            ),
        ]
        trace.stopped = "503 NC"
        response = SimpleNamespace(
            host="edition.cnn.com",
            path="/politics",
            via="egress",
            namespace="default",
            error=None,
            from_pod="curl",
        )
        diagnosis = _Walk(lab, trace, response).run()
    finally:
        run.undo()
    assert diagnosis.cause == "egress-destinationrule-wrong-namespace", diagnosis.to_text()
    assert "egress-config" in diagnosis.summary and "namespace: default" in diagnosis.fix
