"""Issue: the seed's demo-app section runs verbatim through `lab.sh` on the sandbox."""

from __future__ import annotations

import re

import ingresslab
from ingresslab.manifests import DEMO_DIR

SEED = """
# create the target application namespace
kubectl create namespace application && kubectl config set-context --current --namespace=application

# deploy the target application
kubectl apply -f istio-deepdive/depl-helloworld.yaml
"""


def test_seed_demo_app_section_verbatim():
    lab = ingresslab.connect("sandbox", state=None, cwd=DEMO_DIR.parent)
    setup = lab.sh(SEED)
    assert setup.returncode == 0, setup.text
    assert setup.stdout.startswith(
        'namespace/application created\nContext "minikube" modified.\nservice/dest-svc-v1 created\n'
    )

    svc = lab.sh("kubectl get svc -l app=hw-v1 -owide")
    lines = svc.stdout.splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]
    fields = lines[1].split()
    assert fields[:2] == ["dest-svc-v1", "NodePort"] and fields[3:5] == ["<none>", "7777:30001/TCP"]
    assert re.fullmatch(r"10\.(9[6-9]|10\d|11[01])\.\d+\.\d+", fields[2]) and fields[-1] == "app=hw-v1"

    pods = lab.backend.list("pods", "application", label_selector="app=hw-v1")
    ips = sorted((p["status"]["podIP"] for p in pods), key=lambda ip: tuple(map(int, ip.split("."))))
    ep = lab.sh("kubectl get endpoints -l app=hw-v1 -owide").stdout.splitlines()
    assert ep[0].split() == ["NAME", "ENDPOINTS", "AGE"]
    assert ep[1].split()[:2] == ["dest-svc-v1", ",".join(f"{ip}:5678" for ip in ips)]

    pod_table = lab.sh("kubectl get pod -l app=hw-v1  -owide").stdout.splitlines()
    assert pod_table[0].split() == [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED",
        "NODE",
        "READINESS",
        "GATES",
    ]
    rows = [r.split() for r in pod_table[1:]]
    assert len(rows) == 2 and all(r[1:4] == ["1/1", "Running", "0"] and r[6] == "minikube" for r in rows)
    assert sorted(r[5] for r in rows) == sorted(ips)


def test_lab_sh_refuses_host_programs():
    lab = ingresslab.connect("sandbox", state=None)
    result = lab.sh("rm -rf /tmp/x")
    assert result.returncode == 127 and "not available in the sandbox" in result.stderr


def test_lab_proxy_config_shows_the_gateway_route_for_v1():
    from ingresslab import tutorial

    lab = ingresslab.connect("sandbox", state=None, cwd=DEMO_DIR.parent)
    tutorial.ensure_istio(lab)
    gateway = lab.backend.list("pods", "istio-system", label_selector="istio=ingressgateway")[0]["metadata"][
        "name"
    ]
    routes = lab.proxy_config(gateway, "route", "istio-system", "--name", "http.8080")
    assert routes.returncode == 0 and "/v1" in routes.stdout and "http.8080" in routes.stdout
    missing = lab.proxy_config("nope", "cluster", "application")
    assert missing.returncode == 1 and "nope" in missing.stderr
