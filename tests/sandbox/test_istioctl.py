"""The sandbox's `istioctl`: install/uninstall/version output, prompts, errors and proxy-config dispatch."""

from __future__ import annotations

import sys
import types

import pytest

import ingresslab
from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.tools.istioctl import Istioctl
from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.manifests import DEMO_DIR


def run(backend: SandboxBackend, args: str, stdin: str = "") -> CommandResult:
    return Istioctl(backend)(Invocation(["istioctl", *args.split()], stdin=stdin))


def test_install_demo_prints_istioctls_progress_lines(sandbox):
    result = run(sandbox, "install --set profile=demo -y")
    assert result.returncode == 0
    assert result.stdout == (
        "✔ Istio core installed ⛵️\n"
        "✔ Istiod installed 🧠\n"
        "✔ Egress gateways installed 🛫\n"
        "✔ Ingress gateways installed 🛬\n"
        "✔ Installation complete\n"
        "Made this installation the default for cluster-wide operations.\n"
    )
    assert sandbox.get("deployments", "istio-ingressgateway", "istio-system")


def test_second_install_does_not_claim_to_become_the_default_again(sandbox):
    run(sandbox, "install --set profile=demo -y")
    again = run(sandbox, "install --set profile=demo -y")
    assert again.returncode == 0 and "Made this installation" not in again.stdout


def test_install_without_yes_prompts_and_cancels_without_an_answer(sandbox):
    result = run(sandbox, "install --set profile=demo")
    assert result.returncode == 1
    assert result.stdout.startswith(
        'This will install the Istio 1.23.2 "demo" profile (with components: Istio core, Istiod, Ingress gateways, '
        "and Egress gateways) into the cluster. Proceed? (y/N)"
    )
    assert result.stdout.endswith("Cancelled.\n")
    assert not sandbox.serves("gateways")
    assert run(sandbox, "install --set profile=demo", stdin="y\n").returncode == 0
    assert sandbox.serves("gateways")


def test_install_rejects_unknown_profile_and_flags(sandbox):
    bad = run(sandbox, "install --set profile=huge -y")
    assert bad.returncode == 1 and bad.stderr.startswith(
        "Error: generate config: failed to read profile huge"
    )
    assert run(sandbox, "install --bogus").stderr == "Error: unknown flag: --bogus\n"


def test_version_without_istio_reports_only_the_client(sandbox):
    result = run(sandbox, "version")
    assert result.stdout == "client version: 1.23.2\n"
    assert (
        result.stderr
        == 'Istio is not present in the cluster: no running Istio pods in namespace "istio-system"\n'
    )
    assert result.returncode == 0


def test_version_counts_gateways_and_sidecars(sandbox):
    run(sandbox, "install --set profile=demo -y")
    assert run(sandbox, "version").stdout == (
        "client version: 1.23.2\ncontrol plane version: 1.23.2\ndata plane version: 1.23.2 (2 proxies)\n"
    )
    sandbox.label("namespaces", "default", {"istio-injection": "enabled"})
    sandbox.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "meshed"},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]},
        }
    )
    assert "data plane version: 1.23.2 (3 proxies)" in run(sandbox, "version").stdout
    assert run(sandbox, "version --remote=false").stdout == "client version: 1.23.2\n"


def test_uninstall_purge_lists_removed_objects_and_completes(sandbox):
    run(sandbox, "install --set profile=demo -y")
    result = run(sandbox, "uninstall --purge -y")
    lines = result.stdout.splitlines()
    assert lines[:2] == ["All Istio resources will be pruned from the cluster", ""]
    assert "  Removed Deployment:istio-system:istiod." in lines
    assert "  Removed CustomResourceDefinition::gateways.networking.istio.io." in lines
    assert lines[-1] == "✔ Uninstall complete"
    assert sandbox.list("deployments", "istio-system") == []
    assert "Istio is not present" in run(sandbox, "version").stderr


def test_uninstall_needs_purge_or_a_target(sandbox):
    result = run(sandbox, "uninstall -y")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: at least one of the --revision (or --set revision=<revision>), --filename or --purge flags "
        "must be set\n"
    )


def test_uninstall_without_yes_cancels_without_an_answer(sandbox):
    run(sandbox, "install --set profile=demo -y")
    result = run(sandbox, "uninstall --purge")
    assert result.returncode == 1 and result.stdout.endswith("Cancelled.\n")
    assert sandbox.serves("gateways")


def test_unknown_subcommand_follows_cobra(sandbox):
    result = run(sandbox, "bogus")
    assert result.returncode == 1
    assert result.stderr.startswith('Error: unknown command "bogus" for "istioctl"')


def test_precheck_says_the_cluster_is_ready(sandbox):
    assert "Istio is safe to install or upgrade!" in run(sandbox, "x precheck").stdout


def test_proxy_config_without_a_generator_says_so(sandbox, monkeypatch):
    monkeypatch.setitem(sys.modules, "ingresslab.backends.sandbox.envoyconfig", None)
    result = run(sandbox, "proxy-config routes somepod -n application")
    assert result.returncode == 1
    assert "proxy-config is not available in this sandbox yet" in result.stderr


def test_proxy_config_and_pc_are_handed_to_the_envoyconfig_module(sandbox, monkeypatch):
    seen = []

    def proxy_config(backend, argv):
        seen.append((backend, argv))
        return CommandResult("NAME  DOMAINS\n")

    fake = types.ModuleType("ingresslab.backends.sandbox.envoyconfig")
    fake.proxy_config = proxy_config  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ingresslab.backends.sandbox.envoyconfig", fake)
    assert run(sandbox, "pc routes p -n application").stdout == "NAME  DOMAINS\n"
    run(sandbox, "proxy-config cluster p")
    assert [argv for _, argv in seen] == [
        ["istioctl", "pc", "routes", "p", "-n", "application"],
        ["istioctl", "proxy-config", "cluster", "p"],
    ]
    assert seen[0][0] is sandbox


def test_seed_istio_section_through_the_lab_shell():
    lab = ingresslab.connect("sandbox", state=None, cwd=str(DEMO_DIR.parent))
    lab.sh(
        "kubectl create namespace application && kubectl config set-context --current --namespace=application\n"
        "kubectl apply -f istio-deepdive/depl-helloworld.yaml"
    ).check()
    before = lab.sh("kubectl get pod -l app=hw-v1").check().stdout
    assert all(row.split()[1] == "1/1" for row in before.splitlines()[1:])
    lab.sh("istioctl install --set profile=demo -y").check()
    lab.sh("kubectl label namespace application istio-injection=enabled").check()
    lab.sh("kubectl apply -f istio-deepdive/istio-ingress.yaml").check()
    lab.sh("kubectl apply -f istio-deepdive/istio-gateway.yaml").check()
    assert "my-istio-ingress-gw" in lab.sh("kubectl get gateway -A").check().stdout
    still = lab.sh("kubectl get pod -l app=hw-v1").check().stdout
    assert all(row.split()[1] == "1/1" for row in still.splitlines()[1:])
    lab.sh(
        "kubectl delete -f istio-deepdive/depl-helloworld.yaml\nkubectl apply -f istio-deepdive/depl-helloworld.yaml"
    ).check()
    after = lab.sh("kubectl get pod -l app=hw-v1").check().stdout.splitlines()[1:]
    assert len(after) == 2 and all(row.split()[1] == "2/2" for row in after)
    lab.sh(
        "export INGRESS_PORT=$(kubectl -n istio-system get svc istio-ingressgateway "
        "-o jsonpath='{.spec.ports[?(@.name==\"http2\")].nodePort}')"
    ).check()
    assert 30000 <= int(lab.env["INGRESS_PORT"]) <= 32767
    assert lab.sh(
        "kubectl get svc -n istio-system istio-ingressgateway -o jsonpath='{.spec.type}'"
    ).stdout == ("LoadBalancer")
    lab.sh("istioctl uninstall --purge -y").check()
    gone = lab.sh("kubectl get gateway")
    assert gone.returncode == 1
    assert gone.stderr == 'error: the server doesn\'t have a resource type "gateway"\n'


@pytest.mark.parametrize("args", ["install --set", "uninstall extra --purge"])
def test_malformed_invocations_fail_with_a_message(sandbox, args):
    result = run(sandbox, args)
    assert result.returncode == 1 and result.stderr.startswith("Error: ")
