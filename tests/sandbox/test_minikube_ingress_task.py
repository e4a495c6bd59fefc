"""kubernetes.io's task "Set up Ingress on Minikube with the NGINX Ingress Controller", run verbatim in the sandbox.

Every command is the page's (Linux tabs), in the page's order; each output is checked against the shape the
page shows (`deployment.apps/web created`, `service/web exposed`, hello-app's three lines, the Ingress's
columns), with the values that are the cluster's own (IPs, node ports, pod names) read from the cluster.
"""

from __future__ import annotations

import re

import pytest

import ingresslab

_EXAMPLE_INGRESS_V2 = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: example-ingress
spec:
  ingressClassName: nginx
  rules:
    - host: hello-world.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8080
          - path: /v2
            pathType: Prefix
            backend:
              service:
                name: web2
                port:
                  number: 8080
"""


def _rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.strip().splitlines()]


def _ok(lab, command: str) -> str:
    result = lab.sh(command)
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result.stdout


def _hello(version: str, pod: str) -> str:
    return f"Hello, world!\nVersion: {version}\nHostname: {pod}\n"


def _split(response: str) -> tuple[list[str], str]:
    """`curl -i` output: (the status line and headers, the body)."""
    head, body = re.split(r"\r?\n\r?\n", response, maxsplit=1)
    return head.splitlines(), body


def _pod_of(lab, app: str) -> str:
    pods = lab.backend.list("pods", "default", label_selector=f"app={app}")
    assert len(pods) == 1
    return pods[0]["metadata"]["name"]


@pytest.fixture(scope="module")
def task(tmp_path_factory):
    """The lab after every step of the page, with each step's output kept by name."""
    cwd = tmp_path_factory.mktemp("task")
    lab = ingresslab.connect("sandbox", state=None, cwd=str(cwd))
    out: dict[str, str] = {}
    out["enable"] = _ok(lab, "minikube addons enable ingress")
    out["controller pods"] = _ok(lab, "kubectl get pods -n ingress-nginx")
    out["create web"] = _ok(lab, "kubectl create deployment web --image=gcr.io/google-samples/hello-app:1.0")
    out["get deployment web"] = _ok(lab, "kubectl get deployment web")
    out["expose web"] = _ok(lab, "kubectl expose deployment web --type=NodePort --port=8080")
    out["get service web"] = _ok(lab, "kubectl get service web")
    out["service url"] = _ok(lab, "minikube service web --url")
    out["curl node port"] = _ok(lab, f"curl {out['service url'].strip()}")
    out["apply example"] = _ok(
        lab, "kubectl apply -f https://k8s.io/examples/service/networking/example-ingress.yaml"
    )
    out["get ingress"] = _ok(lab, "kubectl get ingress")
    resolve = 'curl --resolve "hello-world.example:80:$( minikube ip )" -i http://hello-world.example'
    out["curl ingress"] = _ok(lab, resolve)
    out["create web2"] = _ok(
        lab, "kubectl create deployment web2 --image=gcr.io/google-samples/hello-app:2.0"
    )
    out["get deployment web2"] = _ok(lab, "kubectl get deployment web2")
    out["expose web2"] = _ok(lab, "kubectl expose deployment web2 --port=8080 --type=NodePort")
    # "Edit the existing example-ingress.yaml manifest, and add the following lines at the end"
    (cwd / "example-ingress.yaml").write_text(_EXAMPLE_INGRESS_V2)
    out["apply edited"] = _ok(lab, "kubectl apply -f example-ingress.yaml")
    out["curl v1"] = _ok(lab, resolve)
    out["curl v2"] = _ok(lab, resolve + "/v2")
    out["minikube ip"] = _ok(lab, "minikube ip").strip()
    return lab, out


def test_the_controller_runs_once_the_addon_is_enabled(task):
    _, out = task
    assert out["enable"].rstrip().endswith("The 'ingress' addon is enabled")
    rows = _rows(out["controller pods"])
    assert rows[0] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [(r[0].rsplit("-", 1)[0], r[1], r[2]) for r in rows[1:]] == [
        ("ingress-nginx-admission-create", "0/1", "Completed"),
        ("ingress-nginx-admission-patch", "0/1", "Completed"),
        (rows[3][0].rsplit("-", 1)[0], "1/1", "Running"),
    ]
    assert re.fullmatch(r"ingress-nginx-controller-[a-z0-9]{9,10}-[a-z0-9]{5}", rows[3][0])


def test_the_hello_app_deploys_exposes_and_answers_on_its_node_port(task):
    lab, out = task
    assert out["create web"] == "deployment.apps/web created\n"
    rows = _rows(out["get deployment web"])
    assert rows[0] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert rows[1][:4] == ["web", "1/1", "1", "1"]
    assert out["expose web"] == "service/web exposed\n"
    rows = _rows(out["get service web"])
    assert rows[0] == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert rows[1][:2] == ["web", "NodePort"] and rows[1][3] == "<none>"
    node_port = re.fullmatch(r"8080:(\d+)/TCP", rows[1][4]).group(1)
    assert out["service url"] == f"http://{out['minikube ip']}:{node_port}\n"
    assert out["curl node port"] == _hello("1.0.0", _pod_of(lab, "web"))


def test_the_example_ingress_applies_by_url_and_routes_the_host(task):
    lab, out = task
    assert out["apply example"] == "ingress.networking.k8s.io/example-ingress created\n"
    rows = _rows(out["get ingress"])
    assert rows[0] == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    assert rows[1][:5] == ["example-ingress", "nginx", "hello-world.example", out["minikube ip"], "80"]
    head, body = _split(out["curl ingress"])
    assert head[0] == "HTTP/1.1 200 OK"
    assert "Content-Type: text/plain; charset=utf-8" in head
    assert body == _hello("1.0.0", _pod_of(lab, "web"))


def test_the_second_version_answers_on_v2_after_the_edit(task):
    lab, out = task
    assert out["create web2"] == "deployment.apps/web2 created\n"
    assert _rows(out["get deployment web2"])[1][:4] == ["web2", "1/1", "1", "1"]
    assert out["expose web2"] == "service/web2 exposed\n"
    assert out["apply edited"] == "ingress.networking.k8s.io/example-ingress configured\n"
    assert _split(out["curl v1"])[1] == _hello("1.0.0", _pod_of(lab, "web"))
    assert _split(out["curl v2"])[1] == _hello("2.0.0", _pod_of(lab, "web2"))


def test_hello_app_logs_its_start_and_every_request(task):
    lab, _ = task
    lines = _ok(lab, "kubectl logs deployment/web").splitlines()
    stamp = r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d"
    assert re.fullmatch(stamp + " Server listening on port 8080", lines[0])
    assert [line.split(" ", 2)[2] for line in lines[1:]] == ["Serving request: /"] * 3
    assert _ok(lab, "kubectl logs deployment/web2").splitlines()[-1].endswith("Serving request: /v2")


def test_the_pods_and_the_ingress_show_their_events(task):
    lab, _ = task
    pod = _pod_of(lab, "web")
    events = _ok(lab, f"kubectl describe pod {pod}").split("Events:\n", 1)[1].splitlines()[2:]
    rows = [re.split(r"\s{2,}", line.strip()) for line in events]
    assert [(r[1], r[3]) for r in rows] == [
        ("Scheduled", "default-scheduler"),
        ("Pulling", "kubelet"),
        ("Pulled", "kubelet"),
        ("Created", "kubelet"),
        ("Started", "kubelet"),
    ]
    assert rows[1][4] == 'Pulling image "gcr.io/google-samples/hello-app:1.0"'
    assert re.fullmatch(
        r'Successfully pulled image "gcr\.io/google-samples/hello-app:1\.0" in \d+(?:\.\d+)?m?s '
        r"\(\d+(?:\.\d+)?m?s including waiting\)\. Image size: \d+ bytes\.",
        rows[2][4],
    )
    assert rows[3][4] == "Created container hello-app" and rows[4][4] == "Started container hello-app"
    ingress = _ok(lab, "kubectl describe ingress example-ingress").split("Events:\n", 1)[1]
    sync = [re.split(r"\s{2,}", line.strip()) for line in ingress.splitlines()[2:]]
    assert [(r[0], r[1], r[3], r[4]) for r in sync] == [
        ("Normal", "Sync", "nginx-ingress-controller", "Scheduled for sync")
    ]
    assert re.fullmatch(r"\d+s \(x3 over \d+s\)", sync[0][2])  # created, its status, the edit
