"""minikube's ingress addon in the sandbox: the objects it creates, Ingress status, klog lines, the webhook."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.addons import ingress_nginx
from ingresslab.errors import BadRequest
from ingresslab.logs import parse_line
from ingresslab.manifests import DEMO_DIR

KLOG = re.compile(r"^[IWE]\d{4} \d{2}:\d{2}:\d{2}\.\d{6} {7}7 [a-z_]+\.go:\d+\] ")


def _docs(name: str) -> list[dict]:
    return list(yaml.safe_load_all((DEMO_DIR / name).read_text()))


@pytest.fixture
def app(sandbox: SandboxBackend) -> SandboxBackend:
    sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    sandbox.set_namespace("application")
    sandbox.apply_many(_docs("depl-helloworld.yaml"))
    return sandbox


def _enable(backend: SandboxBackend) -> None:
    with backend.transaction() as cluster:
        ingress_nginx.enable(cluster)


def _controller_log(backend: SandboxBackend) -> list[str]:
    pod = backend.list("pods", "ingress-nginx", label_selector="app.kubernetes.io/component=controller")[0]
    return backend.logs(pod["metadata"]["name"], "ingress-nginx").splitlines()


def test_enable_creates_the_addons_objects_with_contract_names_and_ports(sandbox):
    _enable(sandbox)
    deploy = sandbox.get("deployments", "ingress-nginx-controller", "ingress-nginx")
    container = deploy["spec"]["template"]["spec"]["containers"][0]
    assert container["name"] == "controller"
    assert container["image"] == "registry.k8s.io/ingress-nginx/controller:v1.11.2"
    ports = {p["name"]: (p["containerPort"], p.get("hostPort")) for p in container["ports"]}
    assert ports == {"http": (80, 80), "https": (443, 443), "webhook": (8443, None)}
    svc = sandbox.get("services", "ingress-nginx-controller", "ingress-nginx")
    assert svc["spec"]["type"] == "NodePort"
    assert [(p["name"], p["port"], p["targetPort"]) for p in svc["spec"]["ports"]] == [
        ("http", 80, "http"),
        ("https", 443, "https"),
    ]
    assert all(30000 <= p["nodePort"] <= 32767 for p in svc["spec"]["ports"])
    admission = sandbox.get("services", "ingress-nginx-controller-admission", "ingress-nginx")
    assert (
        admission["spec"]["type"] == "ClusterIP" and admission["spec"]["ports"][0]["targetPort"] == "webhook"
    )
    klass = sandbox.get("ingressclasses", "nginx")
    assert klass["spec"]["controller"] == "k8s.io/ingress-nginx"
    assert klass["metadata"]["annotations"]["ingressclass.kubernetes.io/is-default-class"] == "true"
    assert sandbox.get("configmaps", "ingress-nginx-controller", "ingress-nginx")
    assert sandbox.get("validatingwebhookconfigurations", "ingress-nginx-admission")


def test_admission_jobs_are_complete_and_their_pods_show_completed_not_ready(sandbox):
    _enable(sandbox)
    for job_name in ("ingress-nginx-admission-create", "ingress-nginx-admission-patch"):
        job = sandbox.get("jobs", job_name, "ingress-nginx")
        assert job["status"]["succeeded"] == 1
        assert any(c["type"] == "Complete" and c["status"] == "True" for c in job["status"]["conditions"])
        (pod,) = sandbox.list("pods", "ingress-nginx", label_selector=f"job-name={job_name}")
        assert pod["metadata"]["name"].startswith(job_name + "-")
        assert pod["status"]["phase"] == "Succeeded"
        (status,) = pod["status"]["containerStatuses"]
        assert status["ready"] is False and status["state"]["terminated"]["reason"] == "Completed"


def test_controller_pod_runs_and_backs_the_nodeport_service(sandbox):
    _enable(sandbox)
    pods = sandbox.list("pods", "ingress-nginx", label_selector="app.kubernetes.io/component=controller")
    assert len(pods) == 1 and pods[0]["status"]["phase"] == "Running"
    endpoints = sandbox.get("endpoints", "ingress-nginx-controller", "ingress-nginx")
    (subset,) = endpoints["subsets"]
    assert subset["addresses"][0]["ip"] == pods[0]["status"]["podIP"]
    assert {p["port"] for p in subset["ports"]} == {80, 443}


def test_enable_twice_changes_nothing(sandbox):
    _enable(sandbox)
    before = {p["metadata"]["name"] for p in sandbox.list("pods", "ingress-nginx")}
    _enable(sandbox)
    assert {p["metadata"]["name"] for p in sandbox.list("pods", "ingress-nginx")} == before


def test_startup_banner_and_klog_lines_are_written_and_skipped_by_the_access_log_parser(sandbox):
    _enable(sandbox)
    lines = _controller_log(sandbox)
    assert lines[1] == "NGINX Ingress controller"
    assert "  Release:       v1.11.2" in lines
    klog = [ln for ln in lines if KLOG.match(ln)]
    assert any('"Starting NGINX Ingress controller"' in ln for ln in klog)
    assert all(parse_line(ln, format="ingress-nginx") is None for ln in lines)


def test_nginx_ingress_gets_default_class_and_node_ip_status(app):
    _enable(app)
    app.apply(_docs("ingress.yaml")[0])
    ingress = app.get("ingresses", "my-nginx-ingress")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert ingress["status"] == {"loadBalancer": {"ingress": [{"ip": "192.168.76.2"}]}}


def test_sync_writes_found_class_sync_event_reload_and_status_lines_in_order(app):
    _enable(app)
    app.apply(_docs("ingress.yaml")[0])
    lines = [ln for ln in _controller_log(app) if KLOG.match(ln)]
    tail = lines[-9:]
    assert (
        '"successfully validated configuration, accepting" ingress="application/my-nginx-ingress"' in tail[1]
    )
    assert (
        'store.go:440] "Found valid IngressClass" ingress="application/my-nginx-ingress" ingressclass="nginx"'
        in tail[2]
    )
    assert 'event.go:377] Event(v1.ObjectReference{Kind:"Ingress", Namespace:"application"' in tail[3]
    assert tail[3].endswith("type: 'Normal' reason: 'Sync' Scheduled for sync")
    assert '"Backend successfully reloaded"' in tail[5]
    assert (
        'status.go:304] "updating Ingress status" namespace="application" ingress="my-nginx-ingress" '
        'currentValue=null newValue=[{"ip":"192.168.76.2"}]'
    ) in tail[7]
    times = [ln[1:21] for ln in lines]
    assert times == sorted(times)


def test_istio_class_ingress_gets_no_status_and_is_logged_as_ignored(app):
    _enable(app)
    app.apply(_docs("istio-ingress.yaml")[0])
    ingress = app.get("ingresses", "my-istio-ingress")
    assert "ingressClassName" not in ingress["spec"]
    assert not ingress.get("status", {}).get("loadBalancer", {}).get("ingress")
    assert any(
        '"Ignoring ingress because of error while validating ingress class" ingress="application/my-istio-ingress"'
        in ln
        for ln in _controller_log(app)
    )


def test_ingress_naming_an_unknown_class_is_not_served(app):
    _enable(app)
    doc = copy.deepcopy(_docs("ingress.yaml")[0])
    doc["metadata"]["name"] = "other-class"
    doc["spec"]["ingressClassName"] = "traefik"
    app.apply(doc)
    assert not app.get("ingresses", "other-class").get("status", {}).get("loadBalancer", {}).get("ingress")


def test_ingresses_that_existed_before_enable_are_picked_up(app):
    app.apply(_docs("ingress.yaml")[0])
    assert "ingressClassName" not in app.get("ingresses", "my-nginx-ingress")["spec"]  # no default class yet
    _enable(app)
    assert app.get("ingresses", "my-nginx-ingress")["status"]["loadBalancer"]["ingress"] == [
        {"ip": "192.168.76.2"}
    ]


def test_webhook_rejects_a_second_ingress_with_the_same_host_and_path(app):
    _enable(app)
    app.apply(_docs("ingress.yaml")[0])
    dup = copy.deepcopy(_docs("ingress.yaml")[0])
    dup["metadata"]["name"] = "copy"
    with pytest.raises(BadRequest) as caught:
        app.apply(dup)
    assert str(caught.value) == (
        'admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: host "*.example.com" and '
        'path "/v1" is already defined in ingress application/my-nginx-ingress'
    )
    assert [i["metadata"]["name"] for i in app.list("ingresses")] == ["my-nginx-ingress"]
    assert any('main.go:96] "invalid ingress configuration"' in ln for ln in _controller_log(app))


def test_webhook_names_the_underscore_host_for_rules_without_host(app):
    _enable(app)
    istio_like = copy.deepcopy(_docs("istio-ingress.yaml")[0])
    istio_like["metadata"] = {"name": "first"}
    app.apply(istio_like)
    second = copy.deepcopy(istio_like)
    second["metadata"] = {"name": "second"}
    with pytest.raises(
        BadRequest, match='host "_" and path "/v1" is already defined in ingress application/first'
    ):
        app.apply(second)


def test_webhook_allows_the_same_path_for_another_class_and_canary_pairs(app):
    _enable(app)
    app.apply(_docs("ingress.yaml")[0])
    istio = copy.deepcopy(_docs("ingress.yaml")[0])
    istio["metadata"] = {"name": "for-istio", "annotations": {"kubernetes.io/ingress.class": "istio"}}
    app.apply(istio)  # not nginx's business
    canary = copy.deepcopy(_docs("ingress.yaml")[0])
    canary["metadata"] = {"name": "canary", "annotations": {"nginx.ingress.kubernetes.io/canary": "true"}}
    app.apply(canary)  # one canary beside one primary is how canaries work
    assert {i["metadata"]["name"] for i in app.list("ingresses")} == {
        "my-nginx-ingress",
        "for-istio",
        "canary",
    }


def test_reapplying_the_same_ingress_is_not_a_duplicate(app):
    _enable(app)
    app.apply(_docs("ingress.yaml")[0])
    assert app.apply(_docs("ingress.yaml")[0]).action == "unchanged"


def test_without_the_addon_there_is_no_webhook_and_no_status(app):
    app.apply(_docs("ingress.yaml")[0])
    dup = copy.deepcopy(_docs("ingress.yaml")[0])
    dup["metadata"]["name"] = "copy"
    app.apply(dup)
    assert all(not i.get("status", {}).get("loadBalancer", {}).get("ingress") for i in app.list("ingresses"))


def test_disable_removes_everything_the_addon_created(app):
    before = {
        kind: {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in app.list(kind, "*")}
        for kind in ("pods", "services", "configmaps", "jobs", "secrets", "serviceaccounts", "endpoints")
    }
    _enable(app)
    with app.transaction() as cluster:
        ingress_nginx.disable(cluster)
        assert not ingress_nginx.installed(cluster)
    assert app.get("namespaces", "application")
    assert [n["metadata"]["name"] for n in app.list("namespaces")] == [
        "application",
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
    ]
    assert app.list("ingressclasses") == [] and app.list("validatingwebhookconfigurations") == []
    for kind, names in before.items():
        assert {(o["metadata"].get("namespace"), o["metadata"]["name"]) for o in app.list(kind, "*")} == names
