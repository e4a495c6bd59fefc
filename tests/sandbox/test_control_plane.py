"""The sandbox's API-server and controller semantics, checked through the Backend protocol."""

from __future__ import annotations

import ipaddress

import pytest
import yaml

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.errors import AlreadyExists, BadRequest, Invalid, NotFound
from ingresslab.kube.resources import UnknownResourceType
from ingresslab.manifests import DEMO_DIR as MANIFESTS


def demo_docs() -> list[dict]:
    return list(yaml.safe_load_all((MANIFESTS / "depl-helloworld.yaml").read_text()))


@pytest.fixture
def demo(sandbox: SandboxBackend) -> SandboxBackend:
    sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    sandbox.set_namespace("application")
    sandbox.apply_many(demo_docs())
    return sandbox


def test_fresh_cluster_has_minikubes_namespaces_node_and_kube_dns(sandbox):
    names = [ns["metadata"]["name"] for ns in sandbox.list("namespaces")]
    assert names == ["default", "kube-node-lease", "kube-public", "kube-system"]
    node = sandbox.get("nodes", "minikube")
    assert {"address": "192.168.76.2", "type": "InternalIP"} in node["status"]["addresses"]
    assert sandbox.get("svc", "kube-dns", "kube-system")["spec"]["clusterIP"] == "10.96.0.10"
    coredns = sandbox.list("pods", "kube-system", label_selector="k8s-app=kube-dns")
    assert len(coredns) == 1 and coredns[0]["status"]["phase"] == "Running"


def test_objects_get_uid_resource_version_and_creation_timestamp(sandbox):
    ns = sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}})
    meta = ns["metadata"]
    assert len(meta["uid"]) == 36 and meta["uid"][14] == "4"
    assert int(meta["resourceVersion"]) > 1000
    assert meta["creationTimestamp"].endswith("Z")
    assert ns["status"] == {"phase": "Active"}
    assert meta["labels"] == {"kubernetes.io/metadata.name": "x"}


def test_deployment_creates_replicaset_and_pods_with_kube_style_names(demo):
    pods = demo.list("pods", label_selector="app=hw-v1")
    assert len(pods) == 2
    rs = demo.list("replicasets", label_selector="app=hw-v1")
    assert len(rs) == 1
    rs_name = rs[0]["metadata"]["name"]
    template_hash = rs[0]["metadata"]["labels"]["pod-template-hash"]
    assert rs_name == f"dest-depl-v1-{template_hash}"
    for pod in pods:
        name = pod["metadata"]["name"]
        assert name.startswith(rs_name + "-") and len(name) == len(rs_name) + 6
        assert pod["status"]["phase"] == "Running"
        assert ipaddress.ip_address(pod["status"]["podIP"]) in ipaddress.ip_network("10.244.0.0/16")
    deploy = demo.get("deploy", "dest-depl-v1")
    assert deploy["status"]["readyReplicas"] == 2 and deploy["status"]["availableReplicas"] == 2


def test_same_seed_gives_same_names_and_ips_and_another_seed_differs():
    def run(seed: int) -> list[tuple[str, str]]:
        b = SandboxBackend(None, seed=seed)
        b.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
        b.apply_many(demo_docs(), namespace="application")
        pods = [(p["metadata"]["name"], p["status"]["podIP"]) for p in b.list("pods", "application")]
        svcs = [(s["metadata"]["name"], s["spec"]["clusterIP"]) for s in b.list("svc", "application")]
        return pods + svcs

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_endpoints_follow_selector_carry_service_labels_and_target_port(demo):
    ep = demo.list("endpoints", label_selector="app=hw-v1")
    assert [e["metadata"]["name"] for e in ep] == ["dest-svc-v1"]
    subset = ep[0]["subsets"][0]
    pod_ips = sorted(p["status"]["podIP"] for p in demo.list("pods", label_selector="app=hw-v1"))
    assert [a["ip"] for a in subset["addresses"]] == pod_ips
    assert subset["ports"] == [{"port": 5678, "protocol": "TCP", "name": "http-v1"}]
    slices = demo.list("endpointslices", label_selector="kubernetes.io/service-name=dest-svc-v1")
    assert len(slices) == 1
    assert sorted(e["addresses"][0] for e in slices[0]["endpoints"]) == pod_ips
    assert slices[0]["ports"] == [{"name": "http-v1", "protocol": "TCP", "port": 5678}]


def test_endpoints_follow_scaling_and_pod_deletion(demo):
    demo.patch("deploy", "dest-depl-v1", {"spec": {"replicas": 3}})
    assert len(demo.get("endpoints", "dest-svc-v1")["subsets"][0]["addresses"]) == 3
    demo.patch("deploy", "dest-depl-v1", {"spec": {"replicas": 0}})
    assert "subsets" not in demo.get("endpoints", "dest-svc-v1")
    demo.patch("deploy", "dest-depl-v1", {"spec": {"replicas": 2}})
    victim = demo.list("pods", label_selector="app=hw-v1")[0]["metadata"]["name"]
    demo.delete("pods", victim)
    pods = demo.list("pods", label_selector="app=hw-v1")
    assert len(pods) == 2 and victim not in [p["metadata"]["name"] for p in pods]
    addresses = {
        a["targetRef"]["name"] for a in demo.get("endpoints", "dest-svc-v1")["subsets"][0]["addresses"]
    }
    assert addresses == {p["metadata"]["name"] for p in pods}


def test_not_ready_pods_move_to_not_ready_addresses(demo):
    pod = demo.list("pods", label_selector="app=hw-v2")[0]
    conditions = [dict(c, status="False") if c["type"] == "Ready" else c for c in pod["status"]["conditions"]]
    demo.patch("pods", pod["metadata"]["name"], {"status": {"conditions": conditions}})
    subset = demo.get("endpoints", "dest-svc-v2")["subsets"][0]
    assert "addresses" not in subset
    assert subset["notReadyAddresses"][0]["ip"] == pod["status"]["podIP"]


def test_relabelled_pod_leaves_the_service(demo):
    pod = demo.list("pods", label_selector="app=hw-v2")[0]["metadata"]["name"]
    demo.label("pods", pod, {"app": "elsewhere"}, overwrite=True)
    assert "subsets" not in demo.get("endpoints", "dest-svc-v2")


def test_node_ports_honoured_and_cluster_ips_from_the_service_cidr(demo):
    svc = demo.get("svc", "dest-svc-v1")
    assert svc["spec"]["ports"][0]["nodePort"] == 30001
    ip = ipaddress.ip_address(svc["spec"]["clusterIP"])
    assert ip in ipaddress.ip_network("10.96.0.0/12")
    assert ip not in ipaddress.ip_network("10.96.0.0/24")  # dynamic band, like the API server


def test_duplicate_node_port_is_rejected_with_the_api_servers_words(demo):
    dup = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "other"},
        "spec": {"type": "NodePort", "selector": {"a": "b"}, "ports": [{"port": 80, "nodePort": 30001}]},
    }
    with pytest.raises(Invalid) as err:
        demo.apply(dup)
    assert err.value.kubectl_text() == (
        'The Service "other" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated'
    )
    with pytest.raises(NotFound):
        demo.get("svc", "other")


def test_out_of_range_node_port_is_rejected(demo):
    bad = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "bad"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 40000}]},
    }
    with pytest.raises(
        Invalid, match=r"provided port is not in the valid range\. The range of valid ports is 30000-32767"
    ):
        demo.apply(bad)


def test_reapply_keeps_allocated_node_port_and_cluster_ip(sandbox):
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    first = sandbox.apply(svc).object
    second = sandbox.apply({**svc, "metadata": {"name": "web", "labels": {"x": "y"}}})
    assert second.action == "configured"
    assert second.object["spec"]["clusterIP"] == first["spec"]["clusterIP"]
    assert second.object["spec"]["ports"][0]["nodePort"] == first["spec"]["ports"][0]["nodePort"]
    assert sandbox.apply({**svc, "metadata": {"name": "web", "labels": {"x": "y"}}}).action == "unchanged"


def test_apply_keeps_labels_added_by_kubectl_label_and_drops_fields_removed_from_manifest(sandbox):
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app", "labels": {"team": "a"}}}
    sandbox.apply(ns)
    sandbox.label("namespaces", "app", {"istio-injection": "enabled"})
    after = sandbox.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}}).object
    assert after["metadata"]["labels"] == {"kubernetes.io/metadata.name": "app", "istio-injection": "enabled"}


def test_deleting_a_deployment_removes_its_replicasets_and_pods(demo):
    demo.delete("deployments", "dest-depl-v1")
    assert demo.list("replicasets", label_selector="app=hw-v1") == []
    assert demo.list("pods", label_selector="app=hw-v1") == []
    assert "subsets" not in demo.get("endpoints", "dest-svc-v1")


def test_deleting_a_namespace_removes_everything_in_it(demo):
    demo.delete("namespaces", "application")
    for kind in ("pods", "services", "endpoints", "deployments", "replicasets", "endpointslices"):
        assert demo.list(kind, "application") == []


def test_changed_template_rolls_to_a_new_replicaset(demo):
    old = {p["metadata"]["name"] for p in demo.list("pods", label_selector="app=hw-v1")}
    demo.patch("deploy", "dest-depl-v1", {"spec": {"template": {"metadata": {"annotations": {"x": "1"}}}}})
    new = {p["metadata"]["name"] for p in demo.list("pods", label_selector="app=hw-v1")}
    assert len(new) == 2 and not old & new
    replicasets = demo.list("replicasets", label_selector="app=hw-v1")
    assert sorted(r["spec"]["replicas"] for r in replicasets) == [0, 2]


def test_label_refuses_to_overwrite_without_the_flag(sandbox):
    sandbox.label("namespaces", "default", {"a": "1"})
    with pytest.raises(Invalid, match=r"'a' already has a value \(1\), and --overwrite is false"):
        sandbox.label("namespaces", "default", {"a": "2"})
    assert (
        sandbox.label("namespaces", "default", {"a": "2"}, overwrite=True)["metadata"]["labels"]["a"] == "2"
    )
    assert "a" not in sandbox.label("namespaces", "default", {"a": None})["metadata"]["labels"]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("app=hw-v1", {"hw-v1"}),
        ("app==hw-v1", {"hw-v1"}),
        ("app!=hw-v1", {"hw-v2", "error-page"}),
        ("app in (hw-v1,hw-v2)", {"hw-v1", "hw-v2"}),
        ("app notin (hw-v1)", {"hw-v2", "error-page"}),
        ("version,app!=hw-v2", {"hw-v1", "error-page"}),
        ("!version", set()),
        ("version in (v1, v3)", {"hw-v1", "error-page"}),
    ],
)
def test_label_selectors_equality_and_set_based(demo, selector, expected):
    assert {p["metadata"]["labels"]["app"] for p in demo.list("pods", label_selector=selector)} == expected


def test_invalid_selector_gives_the_api_servers_bad_request(demo):
    with pytest.raises(BadRequest) as err:
        demo.list("pods", label_selector="app in (a")
    assert err.value.kubectl_text() == (
        'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector '
        "\"app in (a\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'"
    )


def test_missing_namespace_and_duplicate_create(sandbox):
    with pytest.raises(NotFound, match='namespaces "nope" not found'):
        sandbox.apply(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "nope"}}
        )
    sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dup"}})
    with pytest.raises(AlreadyExists, match='namespaces "dup" already exists'):
        sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dup"}})


def test_istio_types_are_unknown_until_their_crds_exist(sandbox):
    assert not sandbox.serves("gateway")
    with pytest.raises(UnknownResourceType):
        sandbox.list("gateways")


def test_invalid_names_are_rejected(sandbox):
    with pytest.raises(Invalid, match="a lowercase RFC 1123 label"):
        sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "Bad_Name"}})
