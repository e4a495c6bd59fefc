"""`kubectl ingress-nginx backends|conf|ingresses`: the controller's view of the seed's NGINX Ingress, computed
from the cluster's objects, agreeing with what the controller actually did with a request."""

from __future__ import annotations

import json
import re

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation
from ingresslab.logs import parse_line
from ingresslab.manifests import DEMO_DIR


@pytest.fixture(scope="module")
def lab():
    lab = ingresslab.connect("sandbox", state=None, seed=5, cwd=DEMO_DIR.parent)
    tutorial.ensure_nginx_ingress(lab)
    return lab


def _k(lab, *argv: str):
    return Kubectl(lab.backend)(Invocation(["kubectl", *argv]))


def _endpoints(lab, service: str) -> list[dict]:
    ep = lab.backend.get("endpoints", service, "application")
    return [
        {"address": a["ip"], "port": str(p["port"])}
        for s in ep["subsets"]
        for a in s["addresses"]
        for p in s["ports"]
    ]


def test_backends_are_named_namespace_service_port_with_the_ready_endpoints(lab):
    result = _k(lab, "ingress-nginx", "backends", "-n", "ingress-nginx")
    assert result.returncode == 0
    backends = json.loads(result.stdout)
    assert [b["name"] for b in backends] == [
        "application-dest-svc-error-http-error",
        "application-dest-svc-v1-http-v1",
        "application-dest-svc-v2-http-v2",
        "upstream-default-backend",
    ]
    v1 = backends[1]
    assert v1["port"] == "http-v1"  # the Ingress names the port, so the controller keeps the name
    assert v1["endpoints"] == _endpoints(lab, "dest-svc-v1")
    assert (
        v1["service"]["spec"]["clusterIP"]
        == lab.backend.get("services", "dest-svc-v1", "application")["spec"]["clusterIP"]
    )
    assert v1["service"]["metadata"] == {"creationTimestamp": None}
    assert backends[-1]["endpoints"] == [{"address": "127.0.0.1", "port": "8181"}]
    assert "service" not in backends[-1]
    # json.Indent with two spaces, keys in Go struct order
    assert result.stdout.startswith(
        '[\n  {\n    "name": "application-dest-svc-error-http-error",\n    "service": {'
    )


def test_request_log_names_a_backend_whose_endpoints_served_it(lab):
    response = lab.request(via="nginx", host="yuya.example.com", path="/v1")
    assert response.status == 200
    selector = "app.kubernetes.io/component=controller"
    pod = lab.backend.list("pods", "ingress-nginx", label_selector=selector)[0]
    lines = lab.backend.logs(pod["metadata"]["name"], "ingress-nginx").splitlines()
    # the controller's last access line is this request's (nginx logs its own $req_id, not ours)
    record = next(r for r in map(parse_line, reversed(lines)) if r is not None and r.path == "/v1")
    backends = {
        b["name"]: b for b in json.loads(_k(lab, "ingress-nginx", "backends", "-n", "ingress-nginx").stdout)
    }
    chosen = backends[record.proxy_upstream_name]
    assert f"{record.upstream_addr[0]}" in {f"{e['address']}:{e['port']}" for e in chosen["endpoints"]}


def test_backend_flag_prints_one_backend_with_sorted_keys_and_list_prints_names(lab):
    one = _k(
        lab,
        "ingress-nginx",
        "backends",
        "-n",
        "ingress-nginx",
        "--backend",
        "application-dest-svc-v2-http-v2",
    )
    data = json.loads(one.stdout)
    assert data["name"] == "application-dest-svc-v2-http-v2"
    assert list(data) == sorted(data)  # dbg decodes into a map and re-encodes it
    missing = _k(lab, "ingress-nginx", "backends", "-n", "ingress-nginx", "--backend", "nope")
    assert missing.stdout == "A backend of this name was not found.\n"
    names = _k(lab, "ingress-nginx", "backends", "-n", "ingress-nginx", "--list").stdout.splitlines()
    assert names[-1] == "upstream-default-backend" and len(names) == 4
    both = _k(lab, "ingress-nginx", "backends", "-n", "ingress-nginx", "--list", "--backend", "x")
    assert both.returncode == 1 and "--list and --backend cannot both be specified" in both.stderr


def test_without_the_namespace_the_controller_pod_is_not_found_as_the_real_plugin_says(lab):
    result = _k(lab, "ingress-nginx", "backends")
    assert result.returncode == 0  # util.PrintError prints and the command still succeeds
    assert result.stdout == "no pods for deployment ingress-nginx-controller found in namespace application\n"


def test_conf_prints_the_server_block_of_the_wildcard_host(lab):
    result = _k(lab, "ingress-nginx", "conf", "-n", "ingress-nginx", "--host", "*.example.com")
    text = result.stdout
    assert text.startswith("\tserver {\n\t\tserver_name ~^(?<subdomain>[\\w-]+)\\.example\\.com$ ;\n")
    assert text.endswith("\t}\n")
    locations = re.findall(r"^\t\tlocation (.+) \{$", text, re.M)
    assert locations == ["= /v2", "= /v1", "/"]  # sorted by path, descending; Exact becomes `=`
    v1 = text[text.index("location = /v1") :]
    assert '\tset $service_name   "dest-svc-v1";' in v1.split("location /")[0]
    assert 'set $proxy_upstream_name "application-dest-svc-v1-http-v1";' in v1
    assert text.count("proxy_pass http://upstream_balancer;") == 3
    assert "listen 80 ;" in text and "listen 443  ssl;" in text


def test_conf_for_a_host_the_rules_only_match_by_wildcard_is_not_a_server(lab):
    result = _k(lab, "ingress-nginx", "conf", "-n", "ingress-nginx", "--host", "yuya.example.com")
    assert result.stdout == "host yuya.example.com was not found in the controller's nginx.conf\n"


def test_ingresses_table_counts_endpoints_per_service(lab):
    text = _k(lab, "ingress-nginx", "ingresses", "--all-namespaces").stdout
    lines = text.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == [
        "NAMESPACE",
        "INGRESS NAME",
        "HOST+PATH",
        "ADDRESSES",
        "TLS",
        "SERVICE",
        "SERVICE PORT",
        "ENDPOINTS",
    ]
    rows = [re.split(r"\s{2,}", line) for line in lines[1:]]
    assert rows[0] == [
        "application",
        "my-nginx-ingress",
        "*.example.com/v1",
        "192.168.76.2",
        "NO",
        "dest-svc-v1",
        "http-v1",
        str(len(_endpoints(lab, "dest-svc-v1"))),
    ]
    assert [r[2] for r in rows] == ["*.example.com/v1", "*.example.com/v2", "*.example.com/"]
    # without --all-namespaces: the context's namespace, no NAMESPACE column
    assert re.split(r"\s{2,}", _k(lab, "ingress-nginx", "ing").stdout.splitlines()[0])[:2] == [
        "INGRESS NAME",
        "HOST+PATH",
    ]


def test_istio_class_ingresses_are_not_the_nginx_controllers_backends():
    lab = ingresslab.connect("sandbox", state=None, seed=5, cwd=DEMO_DIR.parent)
    tutorial.ensure_nginx_ingress(lab)
    assert lab.kubectl("delete -f istio-deepdive/ingress.yaml").ok
    assert lab.kubectl("apply -f istio-deepdive/istio-ingress.yaml").ok
    names = _k(lab, "ingress-nginx", "backends", "-n", "ingress-nginx", "--list").stdout.split()
    assert names == ["upstream-default-backend"]
    # the table still lists every Ingress, whoever serves it
    assert "my-istio-ingress" in _k(lab, "ingress-nginx", "ingresses").stdout


def test_unknown_subcommand_is_an_error(lab):
    result = _k(lab, "ingress-nginx", "lintt")
    assert result.returncode == 1 and 'unknown command "lintt" for "ingress-nginx"' in result.stderr
