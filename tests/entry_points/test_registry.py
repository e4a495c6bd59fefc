"""The registry of entry points: built-in order, instance ownership, and a new front end as one record."""

from __future__ import annotations

import json

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.entrypoints import Component, EntryPoint, EntryPoints, UnknownEntryPoint, default_entry_points
from ingresslab.entrypoints.addresses import host_port_80
from ingresslab.errors import IngresslabError
from ingresslab.trace.entries import nginx_line, nginx_request_id
from ingresslab.trace.model import Evidence, Hop


def test_the_built_in_entry_points_come_in_their_declared_order_and_each_build_is_new():
    first, second = default_entry_points(), default_entry_points()
    assert (
        first.vias()
        == second.vias()
        == [
            "nginx",
            "egress",
            "istio",
            "gateway-api",
            "gateway-api-nginx",
            "nodeport",
        ]
    )
    assert first is not second
    first.register(EntryPoint("extra", "extra", host_port_80))
    assert "extra" in first and "extra" not in second


def test_unknown_via_names_the_registered_ones():
    with pytest.raises(
        UnknownEntryPoint,
        match=r'via must be "nginx", "egress", "istio", "gateway-api", "gateway-api-nginx" or "nodeport", '
        r"not 'nope'",
    ):
        default_entry_points().get("nope")
    with pytest.raises(IngresslabError, match="no entry points are registered"):
        EntryPoints().get("nginx")


def test_a_via_is_registered_once_and_before_places_it():
    reg = default_entry_points()
    with pytest.raises(ValueError, match="already registered"):
        reg.register(EntryPoint("nginx", "again", host_port_80))
    reg.register(EntryPoint("edge", "edge", host_port_80), before="istio")
    assert reg.vias() == ["nginx", "egress", "edge", "istio", "gateway-api", "gateway-api-nginx", "nodeport"]
    with pytest.raises(UnknownEntryPoint):
        reg.register(EntryPoint("late", "late", host_port_80), before="missing")
    with pytest.raises(ValueError, match="plain name"):
        EntryPoint("two words", "bad", host_port_80)


def test_pods_are_recognised_by_the_records_selector():
    reg = default_entry_points()
    gateway = {"metadata": {"labels": {"istio": "ingressgateway", "app": "istio-ingressgateway"}}}
    controller = {
        "metadata": {
            "labels": {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"}
        }
    }
    admission = {"metadata": {"labels": {"app.kubernetes.io/name": "ingress-nginx"}}}
    assert reg.for_pod(gateway).via == "istio"
    assert reg.for_pod(controller).via == "nginx"
    assert reg.for_pod(admission) is None  # the admission job is not the controller
    assert reg.get("nodeport").recognises(controller) is False  # no pods of its own


def test_components_are_strings_in_comparisons_formatting_and_json():
    assert Component.INGRESS_NGINX == "ingress-nginx"
    assert f"{Component.SIDECAR}" == str(Component.SIDECAR) == "sidecar"
    assert json.dumps({"c": Component.APP}) == '{"c": "app"}'
    assert Hop(Component.POD, "pod x").to_dict()["component"] == "pod"


@pytest.fixture(scope="module")
def lab():
    lab = ingresslab.connect("sandbox", state=None, cwd=str(ingresslab.manifests.DEMO_DIR.parent))
    tutorial.ensure_nginx_ingress(lab)
    return lab


def _edge_hops(trace, line, tail) -> None:
    """A toy strategy: one hop for the front end itself, then the shared tail into the pod."""
    rec = line.record
    trace.status = rec.status
    trace.hops.append(Hop("edge-proxy", "the edge proxy", pod=line.source.pod, status=rec.status))
    tail.into_pod(
        trace,
        rec.upstream_addr[-1],
        rec.req_id,
        rec.upstream_status[-1],
        path=rec.path,
        at=rec.time,
        evidence=Evidence(line.source.name, rec.raw or "", {"upstream_addr": rec.upstream_addr}),
    )


def test_a_new_front_end_is_one_record(lab):
    """A toy front end (it reuses the controller's pods and log format) registered on one lab: requests,
    log collection and correlate dispatch through it without any other module knowing its name."""
    edge = EntryPoint(
        via="edge",
        title="a toy edge proxy",
        resolve=host_port_80,
        component="edge-proxy",
        selector={"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
        log_format="ingress-nginx",
        classify=nginx_line,
        request_id=nginx_request_id,
        hops=_edge_hops,
    )
    lab.entry_points.register(edge, before="nginx")
    try:
        response = lab.request(via="edge")
        assert response.status == 200 and response.via == "edge"
        trace = lab.trace(response)
        assert trace.via == "edge"
        assert [h.component for h in trace.hops][:3] == ["client", "edge-proxy", "pod"]
        assert trace.hop("app") is not None and trace.hop("app").pod == trace.hop("pod").pod
        assert {s.component for s in lab.logs(tail=5)} >= {"edge-proxy"}
        other = ingresslab.Lab(lab.backend, cwd=lab.cwd)  # another lab's registry is its own
        with pytest.raises(UnknownEntryPoint):
            other.request(via="edge")
        assert other.trace(response).via == "nginx"  # the same log line, read through the built-in record
    finally:
        lab.entry_points = default_entry_points()


def test_the_built_in_paths_are_unchanged_through_the_registry(lab):
    response = lab.request(via="nginx")
    trace = lab.trace(response)
    assert trace.via == "nginx"
    assert [h.component for h in trace.hops][:4] == ["client", "node", "ingress-nginx", "service"]
    nodeport = lab.request(via="nodeport", service="dest-svc-v1")
    assert nodeport.ok and lab.trace(nodeport).via == "unknown"  # a NodePort writes no log of its own
    with pytest.raises(IngresslabError, match='needs service="NAME"'):
        lab.request(via="nodeport")
