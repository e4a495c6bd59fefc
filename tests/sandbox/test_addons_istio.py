"""Istio in the sandbox: what the demo profile installs, sidecar injection timing, and a purging uninstall."""

from __future__ import annotations

import json

import pytest
import yaml

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.addons import istio
from ingresslab.kube.resources import UnknownResourceType
from ingresslab.manifests import DEMO_DIR


def _docs(name: str) -> list[dict]:
    return list(yaml.safe_load_all((DEMO_DIR / name).read_text()))


def _install(backend: SandboxBackend, profile: str = "demo") -> list[str]:
    with backend.transaction() as cluster:
        return istio.install(cluster, profile)


def _uninstall(backend: SandboxBackend) -> list[str]:
    with backend.transaction() as cluster:
        return istio.uninstall(cluster)


@pytest.fixture
def app(sandbox: SandboxBackend) -> SandboxBackend:
    sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    sandbox.set_namespace("application")
    sandbox.apply_many(_docs("depl-helloworld.yaml"))
    return sandbox


def _containers(pod: dict) -> list[str]:
    return [c["name"] for c in pod["spec"]["containers"]]


def test_demo_profile_installs_istiod_and_both_gateways_with_contract_ports(sandbox):
    assert _install(sandbox) == ["Base", "Pilot", "EgressGateways", "IngressGateways"]
    istiod = sandbox.get("deployments", "istiod", "istio-system")
    assert istiod["spec"]["template"]["spec"]["containers"][0]["image"] == "docker.io/istio/pilot:1.23.2"
    assert istiod["metadata"]["labels"]["istio"] == "pilot"
    svc = sandbox.get("services", "istio-ingressgateway", "istio-system")
    assert svc["spec"]["type"] == "LoadBalancer"
    ports = {p["name"]: (p["port"], p["targetPort"]) for p in svc["spec"]["ports"]}
    assert ports["status-port"] == (15021, 15021)
    assert ports["http2"] == (80, 8080) and ports["https"] == (443, 8443)
    assert all(p.get("nodePort") for p in svc["spec"]["ports"])
    egress = sandbox.get("services", "istio-egressgateway", "istio-system")
    assert egress["spec"]["type"] == "ClusterIP"
    istiod_svc = sandbox.get("services", "istiod", "istio-system")
    assert [(p["port"], p["targetPort"]) for p in istiod_svc["spec"]["ports"]] == [
        (15010, 15010),
        (15012, 15012),
        (443, 15017),
        (15014, 15014),
    ]
    mesh = sandbox.get("configmaps", "istio", "istio-system")["data"]["mesh"]
    assert "accessLogFile: /dev/stdout" in mesh
    with sandbox.transaction() as cluster:
        assert istio.installed(cluster) == {"revision": "default", "version": "1.23.2", "profile": "demo"}
        gateway = istio.gateway_pod(cluster)
    assert gateway is not None and _containers(gateway) == ["istio-proxy"]  # gateways are not injected
    assert gateway["metadata"]["labels"]["app"] == "istio-ingressgateway"


def test_default_profile_has_no_egress_gateway_and_no_access_log(sandbox):
    assert _install(sandbox, "default") == ["Base", "Pilot", "IngressGateways"]
    assert sandbox.list("deployments", "istio-system", label_selector="app=istio-egressgateway") == []
    assert "accessLogFile" not in sandbox.get("configmaps", "istio", "istio-system")["data"]["mesh"]


def test_istio_kinds_are_served_only_while_their_crds_exist(sandbox):
    assert not sandbox.serves("gateways")
    _install(sandbox)
    assert sandbox.serves("gateways") and sandbox.serves("virtualservices")
    _uninstall(sandbox)
    assert not sandbox.serves("gateways")
    with pytest.raises(UnknownResourceType):
        sandbox.list("gateways")


def test_pods_before_the_label_keep_one_container_and_recreated_pods_get_the_sidecar(app):
    _install(app)
    before = app.list("pods", "application")
    app.label("namespaces", "application", {"istio-injection": "enabled"})
    assert all(
        _containers(p) == [p["spec"]["containers"][0]["name"]] for p in app.list("pods", "application")
    )
    assert {p["metadata"]["name"] for p in app.list("pods", "application")} == {
        p["metadata"]["name"] for p in before
    }
    for doc in _docs("depl-helloworld.yaml"):
        app.delete(doc["kind"], doc["metadata"]["name"])
    app.apply_many(_docs("depl-helloworld.yaml"))
    pods = app.list("pods", "application")
    assert len(pods) == 4
    for pod in pods:
        assert _containers(pod)[-1] == "istio-proxy"
        assert [c["name"] for c in pod["spec"]["initContainers"]] == ["istio-init"]
        statuses = pod["status"]["containerStatuses"]
        assert len(statuses) == 2 and all(s["ready"] for s in statuses)  # READY 2/2
        labels, annotations = pod["metadata"]["labels"], pod["metadata"]["annotations"]
        assert labels["security.istio.io/tlsMode"] == "istio"
        assert annotations["kubectl.kubernetes.io/default-container"] == _containers(pod)[0]
        assert json.loads(annotations["sidecar.istio.io/status"])["containers"] == ["istio-proxy"]
        proxy = pod["spec"]["containers"][-1]
        assert proxy["image"] == "docker.io/istio/proxyv2:1.23.2"
        assert proxy["ports"] == [{"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"}]
    v1 = [p for p in pods if p["metadata"]["labels"]["app"] == "hw-v1"]
    assert {p["metadata"]["labels"]["service.istio.io/canonical-name"] for p in v1} == {"hw-v1"}
    assert {p["metadata"]["labels"]["service.istio.io/canonical-revision"] for p in v1} == {"v1"}


def test_no_injection_without_istio_even_in_a_labelled_namespace(app):
    app.label("namespaces", "application", {"istio-injection": "enabled"})
    app.delete("deployments", "dest-depl-v1")
    app.apply(_docs("depl-helloworld.yaml")[1])
    assert all(len(p["spec"]["containers"]) == 1 for p in app.list("pods", "application"))


def test_pod_opting_out_by_annotation_is_not_injected(app):
    _install(app)
    app.label("namespaces", "application", {"istio-injection": "enabled"})
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "plain", "annotations": {"sidecar.istio.io/inject": "false"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
    }
    assert _containers(app.create(pod)) == ["c"]
    pod["metadata"] = {"name": "meshed"}
    assert _containers(app.create(pod)) == ["c", "istio-proxy"]


def test_pod_label_inject_true_works_without_namespace_label(app):
    _install(app)
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "opt-in", "labels": {"sidecar.istio.io/inject": "true"}},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
    }
    assert _containers(app.create(pod)) == ["c", "istio-proxy"]


def test_uninstall_purge_removes_every_istio_object_and_config(app):
    baseline = {
        kind: {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in app.list(kind, "*")}
        for kind in ("deployments", "services", "configmaps", "serviceaccounts", "endpoints", "replicasets")
    }
    _install(app)
    app.apply_many(_docs("istio-gateway.yaml"))
    assert [g["metadata"]["name"] for g in app.list("gateways")] == ["my-istio-ingress-gw"]
    removed = _uninstall(app)
    assert removed[0] == "Deployment:istio-system:istio-egressgateway"
    assert removed[-1] == "CustomResourceDefinition::workloadgroups.networking.istio.io"
    assert "Pod:istio-system:" + istio_gateway_name(removed) in removed
    assert app.list("pods", "istio-system") == []
    assert app.list("customresourcedefinitions") == []
    assert app.list("validatingwebhookconfigurations") == []
    for kind, names in baseline.items():
        now = {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in app.list(kind, "*")}
        # Only what istioctl leaves on purpose: the namespace's default ServiceAccount (and the root CA that
        # the root-ca-cert-publisher puts in every namespace).
        assert now - names <= {("istio-system", "default"), ("istio-system", "kube-root-ca.crt")}
    # Re-installing starts clean: the Gateway did not survive its CRD.
    _install(app)
    assert app.list("gateways", "*") == []


def istio_gateway_name(removed: list[str]) -> str:
    return next(r.split(":")[2] for r in removed if r.startswith("Pod:istio-system:istio-ingressgateway-"))


def test_sidecars_stay_after_uninstall_but_are_no_longer_counted_as_proxies(app):
    _install(app)
    app.label("namespaces", "application", {"istio-injection": "enabled"})
    app.delete("deployments", "dest-depl-v2")
    app.apply(_docs("depl-helloworld.yaml")[3])
    with app.transaction() as cluster:
        assert len(istio.proxies(cluster)) == 3  # two gateways + one sidecar
    _uninstall(app)
    (v2,) = app.list("pods", "application", label_selector="app=hw-v2")
    assert _containers(v2)[-1] == "istio-proxy"
    with app.transaction() as cluster:
        assert istio.proxies(cluster) == []
        assert not istio.control_plane_running(cluster)


def test_install_is_idempotent(sandbox):
    _install(sandbox)
    pods = {p["metadata"]["name"] for p in sandbox.list("pods", "istio-system")}
    _install(sandbox)
    assert {p["metadata"]["name"] for p in sandbox.list("pods", "istio-system")} == pods


def test_unknown_profile_is_refused(sandbox):
    with pytest.raises(ValueError, match="unknown Istio profile 'nope'"):
        _install(sandbox, "nope")
