"""The three disagreements of issue 15, on a sandbox: the data plane and diagnose() now read routes alike,
and the API server refuses an Ingress that names its class twice."""

from __future__ import annotations

import json

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.errors import Invalid
from ingresslab.manifests import DEMO_DIR
from ingresslab.troubleshoot.rules import Cluster, match_ingresses


@pytest.fixture
def lab():
    lab = ingresslab.connect("sandbox", state=None, seed=7, cwd=DEMO_DIR.parent)
    tutorial.ensure_nginx_ingress(lab)
    lab.backend.delete("ingresses", "my-nginx-ingress", "application")
    return lab


def _ingress(name: str, rules: list[dict], **spec) -> dict:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name, "namespace": "application"},
        "spec": {"ingressClassName": "nginx", "rules": rules, **spec},
    }


def _rule(host: str, path: str, path_type: str, service: str, port: str) -> dict:
    backend = {"service": {"name": service, "port": {"name": port}}}
    return {"host": host, "http": {"paths": [{"path": path, "pathType": path_type, "backend": backend}]}}


def _diagnose_pick(lab, host: str, path: str) -> str | None:
    cluster = Cluster.read(lab.backend)
    served = [i for i in cluster.ingresses if cluster.served_by(i) == "nginx"]
    hit = match_ingresses(served, host, path)  # ingress-nginx is the default reader
    return hit.service if hit is not None else None


def test_implementation_specific_foo_matches_foobar_in_both(lab):
    lab.backend.apply(
        _ingress("impl", [_rule("h.example.com", "/foo", "ImplementationSpecific", "dest-svc-v1", "http-v1")])
    )
    response = lab.request(host="h.example.com", path="/foobar", via="nginx")
    assert response.body.startswith("Hello World V1")  # nginx's `location /foo` is a string prefix
    assert _diagnose_pick(lab, "h.example.com", "/foobar") == "dest-svc-v1"
    assert lab.diagnose(response).ok


def test_an_exact_host_beats_a_wildcard_in_both(lab):
    lab.backend.apply(
        _ingress(
            "hosts",
            [
                _rule("*.example.com", "/", "Prefix", "dest-svc-v2", "http-v2"),
                _rule("yuya.example.com", "/", "Prefix", "dest-svc-v1", "http-v1"),
            ],
        )
    )
    response = lab.request(host="yuya.example.com", path="/x", via="nginx")
    assert response.body.startswith("Hello World V1")
    assert _diagnose_pick(lab, "yuya.example.com", "/x") == "dest-svc-v1"
    assert _diagnose_pick(lab, "other.example.com", "/x") == "dest-svc-v2"
    assert lab.diagnose(response).ok


def test_a_class_field_with_the_annotation_is_rejected_at_apply(lab, tmp_path):
    both = _ingress("both", [_rule("h.example.com", "/", "Prefix", "dest-svc-v1", "http-v1")])
    both["metadata"]["annotations"] = {"kubernetes.io/ingress.class": "istio"}
    manifest = tmp_path / "both.json"
    manifest.write_text(json.dumps(both))
    result = lab.kubectl(["apply", "-f", str(manifest)])
    expected = (
        'The Ingress "both" is invalid: annotations.kubernetes.io/ingress.class: Invalid value: "istio": '
        "can not be set when the class field is also set"
    )
    assert result.returncode == 1 and result.stderr.strip() == expected, result
    with pytest.raises(Invalid):
        lab.backend.apply(both)
    assert lab.backend.list("ingresses", "application") == []  # stored nowhere, so it gets no ADDRESS
    response = lab.request(host="h.example.com", path="/", via="nginx")
    assert response.status == 404
    assert _diagnose_pick(lab, "h.example.com", "/") is None
    assert lab.diagnose(response).cause == "host-not-matched"  # no stored Ingress has that host


def test_an_update_may_keep_both_as_the_api_server_only_checks_creates(lab):
    ing = _ingress("later", [_rule("h.example.com", "/", "Prefix", "dest-svc-v1", "http-v1")])
    lab.backend.apply(ing)
    ing["metadata"]["annotations"] = {"kubernetes.io/ingress.class": "nginx"}
    lab.backend.apply(ing)
    assert lab.request(host="h.example.com", path="/", via="nginx").body.startswith("Hello World V1")
    assert _diagnose_pick(lab, "h.example.com", "/") == "dest-svc-v1"
