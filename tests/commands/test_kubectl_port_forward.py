"""`kubectl port-forward` in the sandbox: the Gateway API task's ClusterIP way out as Istio's getting-started
guide takes it, the learner's curl to localhost reaching the forwarded pod port, and kubectl's errors."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR

NOTE = "(sandbox) The port-forward keeps running in the background while pod/"


@pytest.fixture(scope="module")
def lab():
    lab = ingresslab.connect("sandbox", state=None, seed=4, cwd=DEMO_DIR.parent)
    tutorial.ensure_gateway_api(lab)
    annotated = lab.sh(
        "kubectl annotate gateway seed-gateway networking.istio.io/service-type=ClusterIP -n istio-ingress\n"
        "kubectl wait -n istio-ingress --for=condition=programmed gtw seed-gateway"
    )
    assert annotated.returncode == 0, annotated.stderr
    return lab


def _gateway_pod(lab) -> str:
    pods = lab.backend.list(
        "pods", "istio-ingress", label_selector="gateway.networking.k8s.io/gateway-name=seed-gateway"
    )
    return pods[0]["metadata"]["name"]


def test_the_gateways_service_forwarded_to_localhost_answers_from_a_v1_pod(lab):
    result = lab.sh("kubectl port-forward svc/seed-gateway-istio 8080:80 -n istio-ingress")
    assert result.returncode == 0
    assert result.stdout == "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n"
    assert result.stderr.startswith(NOTE + _gateway_pod(lab) + " exists")
    answer = lab.sh("curl -s -HHost:yuya.example.com http://localhost:8080/v1")
    assert answer.returncode == 0 and answer.stdout.startswith("Hello World V1 from dest-depl-v1")
    log = lab.sh(f"kubectl logs {_gateway_pod(lab)} -n istio-ingress --tail 1").stdout
    assert '"GET /v1 HTTP/1.1" 200' in log and '"yuya.example.com"' in log
    # the gateway sees the connection come from localhost inside its own pod, on its listener's port
    assert " 127.0.0.1:80 127.0.0.1:" in log
    again = lab.sh("curl -s -o /dev/null -w '%{http_code}' -HHost:yuya.example.com 127.0.0.1:8080/v1")
    assert again.stdout == "200"


def test_a_port_already_forwarded_cannot_be_listened_on_again(lab):
    lab.sh("kubectl port-forward svc/seed-gateway-istio 8180:80 -n istio-ingress")
    result = lab.sh("kubectl port-forward svc/seed-gateway-istio 8180:80 -n istio-ingress")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "Unable to listen on port 8180: Listeners failed to create with the following errors: "
        "[unable to create listener: Error listen tcp4 127.0.0.1:8180: bind: address already in use "
        "unable to create listener: Error listen tcp6 [::1]:8180: bind: address already in use]\n"
        "error: unable to listen on any of the requested ports: [{8180 80}]\n"
    )


def test_the_forward_stays_after_the_command_returns(lab):
    lab.sh("kubectl port-forward -n istio-ingress deploy/seed-gateway-istio 8280:15021")
    ready = lab.sh("curl -s -o /dev/null -w '%{http_code}' localhost:8280/healthz/ready")
    assert ready.stdout == "200"


@pytest.mark.parametrize(
    ("line", "stderr"),
    [
        (
            "kubectl port-forward svc/nope 8080:80 -n istio-ingress",
            'Error from server (NotFound): services "nope" not found\n',
        ),
        (
            "kubectl port-forward nope 8080:80 -n istio-ingress",
            'Error from server (NotFound): pods "nope" not found\n',
        ),
        (
            "kubectl port-forward svc/seed-gateway-istio 8081:81 -n istio-ingress",
            "error: Service seed-gateway-istio does not have a service port 81\n",
        ),
        (
            "kubectl port-forward svc/seed-gateway-istio 8081:web -n istio-ingress",
            "error: Service 'seed-gateway-istio' does not have a named port 'web'\n",
        ),
        (
            "kubectl port-forward svc/seed-gateway-istio -n istio-ingress",
            "error: TYPE/NAME and list of ports are required for port-forward\n"
            "See 'kubectl port-forward -h' for help and examples\n",
        ),
        (
            # kubectl's splitPort reads a port with two colons as its first part alone
            "kubectl port-forward svc/seed-gateway-istio 8081:80:1 -n istio-ingress",
            "error: Service seed-gateway-istio does not have a service port 8081\n",
        ),
        (
            "kubectl port-forward svc/seed-gateway-istio 8081:80 --address nowhere -n istio-ingress",
            "error: nowhere is not a valid IP\n",
        ),
    ],
)
def test_errors_as_kubectl_prints_them(lab, line, stderr):
    result = lab.sh(line)
    assert (result.stdout, result.stderr, result.returncode) == ("", stderr, 1)


def test_a_pod_that_is_not_running_cannot_be_forwarded_to(lab):
    lab.sh(
        "kubectl apply -n istio-ingress -f - <<EOF\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: stuck\nspec:\n"
        "  nodeSelector:\n    kubernetes.io/hostname: elsewhere\n"
        "  containers:\n  - name: web\n    image: nginx\nEOF"
    )
    phase = lab.backend.get("pods", "stuck", "istio-ingress")["status"]["phase"]
    assert phase == "Pending"
    result = lab.sh("kubectl port-forward pod/stuck 8380:80 -n istio-ingress")
    assert (
        result.stderr == "error: unable to forward port because pod is not running. Current status=Pending\n"
    )
    assert result.returncode == 1


def test_nothing_listening_in_the_pod_ends_the_forward(lab):
    forward = lab.sh("kubectl port-forward -n istio-ingress deploy/seed-gateway-istio 8480:81")
    assert forward.stdout.splitlines()[0] == "Forwarding from 127.0.0.1:8480 -> 81"
    first = lab.sh("curl -sS localhost:8480")
    assert (first.returncode, first.stderr) == (52, "curl: (52) Empty reply from server\n")
    # kubectl exited with `lost connection to pod`: nothing listens on the port any more
    second = lab.sh("curl -sS localhost:8480")
    assert second.returncode == 7 and "Connection refused" in second.stderr


def test_the_forward_goes_with_its_pod(lab):
    lab.sh("kubectl run web --image=nginx -n istio-ingress")
    lab.sh("kubectl wait --for=condition=ready pod/web -n istio-ingress")
    forward = lab.sh("kubectl port-forward pod/web 8580:80 -n istio-ingress")
    assert forward.returncode == 0, forward.stderr
    assert lab.sh("curl -s -o /dev/null -w '%{http_code}' localhost:8580").stdout == "200"
    lab.sh("kubectl delete pod web -n istio-ingress")
    gone = lab.sh("curl -sS localhost:8580")
    assert gone.returncode == 7 and "Connection refused" in gone.stderr
    again = lab.sh("kubectl run web --image=nginx -n istio-ingress")
    assert again.returncode == 0
    lab.sh("kubectl wait --for=condition=ready pod/web -n istio-ingress")
    assert lab.sh("kubectl port-forward pod/web 8580:80 -n istio-ingress").returncode == 0


def test_a_named_target_port_resolves_through_the_pods_container_ports(lab):
    lab.sh(
        "kubectl apply -n istio-ingress -f - <<EOF\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: named\n  labels: {app: named}\nspec:\n"
        "  containers:\n  - name: web\n    image: nginx\n    ports:\n    - {name: web, containerPort: 80}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: named\nspec:\n"
        "  selector: {app: named}\n  ports:\n  - {name: http, port: 8000, targetPort: web}\nEOF"
    )
    lab.sh("kubectl wait --for=condition=ready pod/named -n istio-ingress")
    by_name = lab.sh("kubectl port-forward svc/named 8680:http -n istio-ingress --address 0.0.0.0")
    assert by_name.stdout == "Forwarding from 0.0.0.0:8680 -> 80\n"
    assert lab.sh("curl -s -o /dev/null -w '%{http_code}' 127.0.0.1:8680").stdout == "200"
    same = lab.sh("kubectl port-forward svc/named http -n istio-ingress")
    assert same.stdout == "Forwarding from 127.0.0.1:8000 -> 80\nForwarding from [::1]:8000 -> 80\n"
    pod_port = lab.sh("kubectl port-forward named 8780:web -n istio-ingress")
    assert pod_port.stdout.splitlines()[0] == "Forwarding from 127.0.0.1:8780 -> 80"
    missing = lab.sh("kubectl port-forward named 8781:admin -n istio-ingress")
    assert missing.stderr == "error: Pod 'named' does not have a named port 'admin'\n"


def test_a_sandbox_reset_stops_every_forward():
    lab = ingresslab.connect("sandbox", state=None, seed=4, cwd=DEMO_DIR.parent)
    lab.sh("kubectl run web --image=nginx\nkubectl wait --for=condition=ready pod/web")
    assert lab.sh("kubectl port-forward pod/web 8080:80").returncode == 0
    assert lab.sh("curl -s -o /dev/null -w '%{http_code}' localhost:8080").stdout == "200"
    lab.reset()
    refused = lab.sh("curl -sS localhost:8080")
    assert refused.returncode == 7 and "Connection refused" in refused.stderr
