"""Images that answer and log like the real ones, the registry's answers, and kubernetes.io's examples by URL."""

from __future__ import annotations

import re

import pytest

import ingresslab
from ingresslab.backends.sandbox.dataplane import images
from ingresslab.logs import parse_line

_GO_LOG = r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d"


@pytest.fixture(scope="module")
def lab():
    lab = ingresslab.connect("sandbox", state=None)
    pods = {
        "client": {"image": "busybox", "command": ["sleep", "3600"]},
        "hello": {"image": "gcr.io/google-samples/hello-app:1.0"},
        "hello2": {
            "image": "gcr.io/google-samples/hello-app:2.0",
            "env": [{"name": "PORT", "value": "9000"}],
        },
        "web": {"image": "nginx"},
        "echo": {"image": "registry.k8s.io/echoserver:1.10"},
        "netexec": {
            "image": "registry.k8s.io/e2e-test-images/agnhost:2.39",
            "args": ["netexec", "--http-port=8081"],
        },
        "hostnames": {"image": "registry.k8s.io/e2e-test-images/agnhost:2.39", "args": ["serve-hostname"]},
    }
    lab.backend.apply_many(
        [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": n},
                "spec": {"containers": [{"name": n, **c}]},
            }
            for n, c in pods.items()
        ],
        namespace="default",
    )
    return lab


def _ip(lab, pod: str) -> str:
    return lab.backend.get("pods", pod, "default")["status"]["podIP"]


def _wget(lab, url: str, *flags: str) -> tuple[str, str, int]:
    result = lab.sh(f"kubectl exec client -- wget {' '.join(flags) or '-qO-'} {url}")
    return result.stdout, result.stderr, result.returncode


def test_hello_app_answers_with_its_version_and_hostname_and_logs_go_lines(lab):
    body, _, code = _wget(lab, f"http://{_ip(lab, 'hello')}:8080/any/path")
    assert (body, code) == ("Hello, world!\nVersion: 1.0.0\nHostname: hello\n", 0)
    body, _, _ = _wget(lab, f"http://{_ip(lab, 'hello2')}:9000/")
    assert body == "Hello, world!\nVersion: 2.0.0\nHostname: hello2\n"
    assert _wget(lab, f"http://{_ip(lab, 'hello2')}:8080/")[2] == 1  # $PORT moved it
    lines = lab.kubectl("logs hello").stdout.splitlines()
    assert re.fullmatch(_GO_LOG + " Server listening on port 8080", lines[0])
    assert re.fullmatch(_GO_LOG + " Serving request: /any/path", lines[1])
    assert lab.kubectl("logs hello2").stdout.splitlines()[0].endswith("Server listening on port 9000")


def test_nginx_serves_its_welcome_page_and_logs_combined_lines(lab):
    body, _, code = _wget(lab, f"http://{_ip(lab, 'web')}/")
    assert code == 0 and "<title>Welcome to nginx!</title>" in body and len(body) == 615
    _, err, code = _wget(lab, f"http://{_ip(lab, 'web')}/missing", "-S", "-O-")
    assert code == 1 and "HTTP/1.1 404 Not Found" in err and "  Server: nginx/1.27.1" in err.splitlines()
    lines = lab.kubectl("logs web").stdout.splitlines()
    assert lines[0] == (
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
    )
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in lines
    access = [parse_line(line, "nginx-combined") for line in lines if line.startswith(_ip(lab, "client"))]
    assert [(r.method, r.path, r.status, r.http_user_agent) for r in access] == [
        ("GET", "/", 200, "Wget"),
        ("GET", "/missing", 404, "Wget"),
    ]
    assert access[0].body_bytes_sent == 615


def test_echoserver_echoes_the_request(lab):
    body, _, code = _wget(
        lab, f"http://{_ip(lab, 'echo')}:8080/some/where?x=1", "-qO-", "--header", "X-Lab:1"
    )
    assert code == 0
    assert "\nHostname: echo\n" in body
    assert f"\tclient_address={_ip(lab, 'client')}\n" in body
    assert "\treal path=/some/where\n\tquery=x=1\n" in body
    assert "\tx-lab=1\n" in body and "\tuser-agent=Wget\n" in body
    (line,) = [parse_line(x, "nginx-combined") for x in lab.kubectl("logs echo").stdout.splitlines()]
    assert (line.path, line.status) == ("/some/where?x=1", 200)


def test_agnhost_netexec_and_serve_hostname(lab):
    ip = _ip(lab, "netexec")
    assert _wget(lab, f"http://{ip}:8081/hostname")[0] == "netexec"
    assert _wget(lab, f"'http://{ip}:8081/echo?msg=hello'")[0] == "hello"
    assert _wget(lab, f"http://{ip}:8081/clientip")[0].startswith(_ip(lab, "client") + ":")
    assert _wget(lab, f"http://{_ip(lab, 'hostnames')}:9376/")[0] == "hostnames"
    assert lab.kubectl("logs netexec").stdout.splitlines()[0].endswith("Started HTTP server on port 8081")


@pytest.mark.parametrize(
    ("image", "text"),
    [
        ("nosuch:1", "pull access denied for nosuch, repository does not exist"),
        ("myorg/app:1.0", "pull access denied for myorg/app, repository does not exist"),
        ("nginx:nosuchtag", "manifest for nginx:nosuchtag not found: manifest unknown: manifest unknown"),
        ("registry.k8s.io/echoserver:9.9", "manifest for registry.k8s.io/echoserver:9.9 not found"),
    ],
)
def test_the_registry_refuses_what_does_not_exist(image, text):
    found = images.lookup(image)
    assert isinstance(found, images.PullError) and text in found.message


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:1.27-alpine",
        "docker.io/library/busybox:1.36",
        "gcr.io/google-samples/hello-app:2.0",
        "registry.k8s.io/e2e-test-images/agnhost:2.53",
        "registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:d5f8217feeac4887cb1ed21f27c2674e58be06bd8f5184cacea2a69abaf78dce",
        "docker.io/istio/proxyv2:1.23.0",
        "hashicorp/http-echo",
    ],
)
def test_the_registry_has_what_lessons_and_addons_use(image):
    assert isinstance(images.lookup(image), images.Image)


def test_an_unknown_image_leaves_a_deployment_unavailable():
    lab = ingresslab.connect("sandbox", state=None)
    assert lab.kubectl("create deployment ghost --image=ghcr.io/nobody/ghost:1").returncode == 0
    row = lab.kubectl("get deployment ghost").stdout.splitlines()[1].split()
    assert row[:4] == ["ghost", "0/1", "1", "0"]
    pod = lab.kubectl("get pods -l app=ghost").stdout.splitlines()[1].split()
    assert pod[1:3] == ["0/1", "ErrImagePull"]


def test_examples_apply_by_url_and_other_urls_stay_offline():
    lab = ingresslab.connect("sandbox", state=None)
    result = lab.sh("kubectl apply -f https://k8s.io/examples/service/networking/run-my-nginx.yaml")
    assert result.stdout == "deployment.apps/my-nginx created\n"
    result = lab.sh("kubectl apply -f https://kubernetes.io/examples/service/networking/nginx-svc.yaml")
    assert result.stdout == "service/my-nginx created\n"
    assert lab.kubectl("get pods -l run=my-nginx").stdout.count("Running") == 2
    result = lab.sh("kubectl apply -f https://k8s.io/examples/application/nope.yaml")
    assert result.returncode != 0
    assert "the sandbox is offline" in result.stderr
    assert "https://k8s.io/examples/service/networking/example-ingress.yaml" in result.stderr


def test_the_service_access_task_reaches_hello_app_through_a_node_port():
    """kubernetes.io "Use a Service to Access an Application in a Cluster", its first steps."""
    lab = ingresslab.connect("sandbox", state=None)
    result = lab.sh("kubectl apply -f https://k8s.io/examples/service/access/hello-application.yaml")
    assert result.stdout == "deployment.apps/hello-world created\n"
    result = lab.sh("kubectl expose deployment hello-world --type=NodePort --name=example-service")
    assert result.stdout == "service/example-service exposed\n"
    port = lab.backend.get("services", "example-service", "default")["spec"]["ports"][0]["nodePort"]
    body = lab.sh(f"curl http://$(minikube ip):{port}").stdout
    pods = {
        p["metadata"]["name"]
        for p in lab.backend.list("pods", "default", label_selector="run=load-balancer-example")
    }
    assert body.startswith("Hello, world!\nVersion: 2.0.0\nHostname: ")
    assert body.rstrip("\n").rsplit(" ", 1)[1] in pods


def test_an_older_nginx_serves_its_older_page_and_starts_silently():
    lab = ingresslab.connect("sandbox", state=None)
    lab.backend.apply_many(
        [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": n},
                "spec": {"containers": [{"name": n, **c}]},
            }
            for n, c in {
                "client": {"image": "busybox", "command": ["sleep", "3600"]},
                "old": {"image": "nginx:1.14.2"},
            }.items()
        ],
        namespace="default",
    )
    ip = lab.backend.get("pods", "old", "default")["status"]["podIP"]
    result = lab.sh(f"kubectl exec client -- wget -S -O- http://{ip}/")
    assert len(result.stdout) == 612 and "  Server: nginx/1.14.2" in result.stderr.splitlines()
    assert '  ETag: "5c0692e1-264"' in result.stderr.splitlines()
    lines = lab.kubectl("logs old").stdout.splitlines()
    assert len(lines) == 1 and parse_line(lines[0], "nginx-combined").status == 200
