"""The sandbox's `minikube`: the seed's commands, minikube's wording and exit codes."""

from __future__ import annotations

import pytest
import yaml

import ingresslab
from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.tools.minikube import Minikube, render_table
from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.manifests import DEMO_DIR


def run(backend: SandboxBackend, args: str) -> CommandResult:
    return Minikube(backend)(Invocation(["minikube", *args.split()]))


@pytest.fixture
def app(sandbox: SandboxBackend) -> SandboxBackend:
    sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    sandbox.set_namespace("application")
    sandbox.apply_many(list(yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text())))
    return sandbox


def test_ip_prints_the_node_address(sandbox):
    assert run(sandbox, "ip").stdout == "192.168.76.2\n"
    assert run(sandbox, "-p minikube ip").stdout == "192.168.76.2\n"


def test_status_uses_minikubes_multi_line_format(sandbox):
    result = run(sandbox, "status")
    assert result.stdout == (
        "minikube\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\n"
        "kubeconfig: Configured\n\n"
    )
    assert run(sandbox, "status -o json").stdout.startswith('{"Name":"minikube","Host":"Running"')


def test_unknown_profile_is_reported_with_guest_not_found_code(sandbox):
    result = run(sandbox, "-p other ip")
    assert result.returncode == 85
    assert 'Profile "other" not found' in result.stderr


def test_enable_ingress_prints_minikubes_lines_and_installs_the_controller(sandbox):
    result = run(sandbox, "addons enable ingress")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "💡  ingress is an addon maintained by Kubernetes. For any concerns contact minikube on GitHub."
    )
    assert "    ▪ Using image registry.k8s.io/ingress-nginx/controller:v1.11.2" in lines
    assert lines[-2:] == ["🔎  Verifying ingress addon...", "🌟  The 'ingress' addon is enabled"]
    assert sandbox.get("deployments", "ingress-nginx-controller", "ingress-nginx")


def test_enable_takes_virtual_time_like_the_real_wait(sandbox):
    before = sandbox.now()
    run(sandbox, "addons enable ingress")
    assert (sandbox.now() - before).total_seconds() > 15


def test_disable_ingress_removes_the_addon_with_minikubes_quirky_message(sandbox):
    run(sandbox, "addons enable ingress")
    result = run(sandbox, "addons disable ingress")
    assert result.stdout == "🌑  \"The 'ingress' addon is disabled\n"
    assert sandbox.list("pods", "ingress-nginx") == []
    assert sandbox.list("ingressclasses") == []


def test_unknown_addon_errors_use_minikubes_reasons_and_exit_codes(sandbox):
    enable = run(sandbox, "addons enable nope")
    assert enable.returncode == 10
    assert (
        "❌  Exiting due to MK_ADDON_ENABLE: enable failed: run callbacks: nope is not a valid addon"
        in enable.stderr
    )
    disable = run(sandbox, "addons disable nope")
    assert disable.returncode == 116
    assert "Exiting due to SVC_ADDON_UNSUPPORTED: \"'nope' is not a valid minikube addon" in disable.stderr
    usage = run(sandbox, "addons enable")
    assert usage.returncode == 14 and "usage: minikube addons enable ADDON_NAME" in usage.stderr


def test_addons_list_is_a_bordered_table_reflecting_state(sandbox):
    table = run(sandbox, "addons list").stdout.splitlines()
    assert table[0] == table[2] == table[-1]
    assert set(table[0]) == {"|", "-"}
    assert [c.strip() for c in table[1].strip("|").split("|")] == [
        "ADDON NAME",
        "PROFILE",
        "STATUS",
        "MAINTAINER",
    ]
    ingress = next(row for row in table if row.startswith("| ingress "))
    assert "| disabled     |" in ingress and "| Kubernetes " in ingress
    assert "enabled ✅" in next(row for row in table if row.startswith("| storage-provisioner "))
    run(sandbox, "addons enable ingress")
    table = run(sandbox, "addons list").stdout.splitlines()
    assert "| enabled ✅   |" in next(row for row in table if row.startswith("| ingress "))


def test_render_table_counts_emoji_as_two_columns_and_right_aligns_numbers():
    text = render_table(["A", "N"], [["enabled ✅", "1"], ["x", "22"]])
    assert text.splitlines()[3] == "| enabled ✅ |  1 |"
    assert text.splitlines()[1] == "|     A      | N  |"


def test_service_url_prints_one_url_per_node_port(app):
    result = run(app, "-n application service dest-svc-v1 --url")
    assert (result.stdout, result.stderr, result.returncode) == ("http://192.168.76.2:30001\n", "", 0)
    run(app, "addons enable ingress")
    svc = app.get("services", "ingress-nginx-controller", "ingress-nginx")
    urls = run(app, "service ingress-nginx-controller -n ingress-nginx --url").stdout.splitlines()
    assert urls == [f"http://192.168.76.2:{p['nodePort']}" for p in svc["spec"]["ports"]]


def test_service_not_found_uses_svc_not_found_wording(app):
    result = run(app, "service dest-svc-v1 --url")  # default namespace, as minikube assumes
    assert result.returncode == 115
    assert result.stderr == (
        "❌  Exiting due to SVC_NOT_FOUND: Service 'dest-svc-v1' was not found in 'default' namespace.\n"
        "You may select another namespace by using 'minikube service dest-svc-v1 -n <namespace>'. Or list out all "
        "the services using 'minikube service list'\n"
    )


def test_clusterip_service_has_no_node_port_but_exits_zero(sandbox):
    result = run(sandbox, "-n kube-system service kube-dns --url")
    assert result.returncode == 0
    assert result.stdout == "😿  service kube-system/kube-dns has no node port\n"
    assert 'Services [kube-system/kube-dns] have type "ClusterIP" not meant to be exposed' in result.stderr


def test_nodeport_service_without_running_pods_is_unreachable(app):
    app.patch("deployments", "dest-depl-v1", {"spec": {"replicas": 0}})
    result = run(app, "-n application service dest-svc-v1 --url")
    assert result.returncode == 115
    assert (
        "Exiting due to SVC_UNREACHABLE: service not available: no running pod for service dest-svc-v1 found"
        in (result.stderr)
    )


def test_unknown_subcommand_and_flag_follow_cobra(sandbox):
    result = run(sandbox, "tunnelx")
    assert result.returncode == 14
    assert result.stderr.startswith('Error: unknown command "tunnelx" for "minikube"')
    assert run(sandbox, "ip --bogus").stderr.startswith("Error: unknown flag: --bogus")


def test_seed_commands_through_the_lab_shell():
    lab = ingresslab.connect("sandbox", state=None, cwd=str(DEMO_DIR.parent))
    lab.sh(
        "kubectl create namespace application && kubectl config set-context --current --namespace=application\n"
        "kubectl apply -f istio-deepdive/depl-helloworld.yaml"
    ).check()
    assert lab.sh("minikube -n application service dest-svc-v1 --url").stdout == "http://192.168.76.2:30001\n"
    assert "The 'ingress' addon is enabled" in lab.sh("minikube addons enable ingress").check().stdout
    lab.sh("kubectl apply -f istio-deepdive/ingress.yaml").check()
    lab.sh("CLUSTER_IP=$(minikube ip)").check()
    assert lab.env["CLUSTER_IP"] == "192.168.76.2"
    status = lab.sh("kubectl get ingress -o jsonpath='{.items[0].status}'").check().stdout
    assert status == '{"loadBalancer":{"ingress":[{"ip":"192.168.76.2"}]}}'
    pods = lab.sh("kubectl get -n ingress-nginx pod").check().stdout.splitlines()
    completed = [row.split() for row in pods if "admission" in row]
    assert [(r[1], r[2]) for r in completed] == [("0/1", "Completed"), ("0/1", "Completed")]
    lab.sh(
        "NGINX_CONTROLLER=$(kubectl get -n ingress-nginx pod -l app.kubernetes.io/component=controller "
        "-ojsonpath='{.items[0].metadata.name}')"
    ).check()
    logs = lab.sh("kubectl logs $NGINX_CONTROLLER -n ingress-nginx").check().stdout
    assert '"Found valid IngressClass" ingress="application/my-nginx-ingress" ingressclass="nginx"' in logs
    lab.sh("kubectl delete -f istio-deepdive/ingress-controller-rule.yaml").check()
    assert "addon is disabled" in lab.sh("minikube addons disable ingress").check().stdout
    assert "No resources found" in lab.sh("kubectl get all -n ingress-nginx").text
