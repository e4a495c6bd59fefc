"""The destructive-step guard: which contexts are local, which commands are destructive."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingresslab.errors import IngresslabError
from ingresslab.safety import (
    ALLOW_ENV_VAR,
    DestructiveActionRefused,
    classify_command,
    guard_destructive,
    is_local_context,
    object_key,
)

REGISTRY_ONLY = "switch the mesh's outbound policy to REGISTRY_ONLY"


@pytest.mark.parametrize(
    "name", ["minikube", "kind-dev", "k3d-lab", "docker-desktop", "rancher-desktop", "orbstack"]
)
def test_local_cluster_context_names_are_local(name: str) -> None:
    assert is_local_context(name)


@pytest.mark.parametrize(
    "name", ["prod", "gke_project_europe-west1_cluster", "arn:aws:eks:eu-west-1:1:cluster/x", "kindly"]
)
def test_other_context_names_are_not_local(name: str) -> None:
    assert not is_local_context(name)
    assert not is_local_context(name, "https://10.0.0.5:6443")


@pytest.mark.parametrize(
    "server", ["https://127.0.0.1:32771", "https://localhost:6443", "https://[::1]:6443", "127.0.0.2:8443"]
)
def test_any_context_whose_server_is_loopback_is_local(server: str) -> None:
    assert is_local_context("my-profile", server)


def test_guard_refuses_remote_contexts_and_says_how_to_allow() -> None:
    with pytest.raises(DestructiveActionRefused) as info:
        guard_destructive("delete namespace application", "prod", environ={})
    message = str(info.value)
    assert isinstance(info.value, IngresslabError)
    assert "'prod'" in message and "delete namespace application" in message
    assert "allow_destructive=True" in message and f"{ALLOW_ENV_VAR}=1" in message


def test_guard_lets_local_contexts_through() -> None:
    guard_destructive("uninstall Istio", "minikube", environ={})
    guard_destructive("uninstall Istio", "my-profile", server="https://127.0.0.1:8443", environ={})


def test_guard_honours_the_allow_flag_and_the_environment_variable() -> None:
    guard_destructive("uninstall Istio", "prod", allow=True, environ={})
    guard_destructive("uninstall Istio", "prod", environ={ALLOW_ENV_VAR: "1"})
    with pytest.raises(DestructiveActionRefused):
        guard_destructive("uninstall Istio", "prod", environ={ALLOW_ENV_VAR: "0"})


def test_guard_reads_the_real_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_ENV_VAR, "true")
    guard_destructive("uninstall Istio", "prod")
    monkeypatch.delenv(ALLOW_ENV_VAR)
    with pytest.raises(DestructiveActionRefused):
        guard_destructive("uninstall Istio", "prod")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["kubectl", "delete", "namespace", "application"], "delete namespace application"),
        (["kubectl", "--context", "prod", "delete", "ns", "a", "b"], "delete namespace a b"),
        (["/usr/local/bin/kubectl", "delete", "ns/application"], "delete namespace application"),
        (["istioctl", "uninstall", "--purge", "-y"], "uninstall Istio (--purge)"),
        (["istioctl", "x", "uninstall", "--revision", "canary"], "uninstall Istio"),
        (["minikube", "addons", "disable", "ingress"], "disable the minikube addon ingress"),
        (["minikube", "-p", "lab", "delete"], "delete the minikube cluster"),
        (
            [
                "istioctl",
                "install",
                "--set",
                "profile=demo",
                "--set",
                "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY",
                "-y",
            ],
            REGISTRY_ONLY,
        ),
        (["istioctl", "install", "--set=meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY"], REGISTRY_ONLY),
        (["istioctl", "install", "-s", "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY"], REGISTRY_ONLY),
        (
            [
                "istioctl",
                "--context",
                "prod",
                "apply",
                "-s",
                "values.global.outboundTrafficPolicy.mode=REGISTRY_ONLY",
            ],
            REGISTRY_ONLY,
        ),
        (
            [
                "istioctl",
                "manifest",
                "install",
                "--set",
                "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY",
            ],
            REGISTRY_ONLY,
        ),
        (
            ["istioctl", "install", "--set", "values.gateways.istio-egressgateway.enabled=false", "-y"],
            "remove the istio-egressgateway gateway (values.gateways.istio-egressgateway.enabled=false)",
        ),
        (
            ["istioctl", "install", "--set", "components.egressGateways[0].enabled=false"],
            "remove the istio-egressgateway gateway (components.egressGateways[0].enabled=false)",
        ),
        (
            ["istioctl", "install", "--set", "components.ingressGateways[0].enabled=false"],
            "remove the istio-ingressgateway gateway (components.ingressGateways[0].enabled=false)",
        ),
    ],
)
def test_destructive_commands_are_recognised(argv: list[str], expected: str) -> None:
    assert classify_command(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["kubectl", "get", "ns"],
        ["kubectl", "apply", "-f", "ingress.yaml"],
        ["kubectl", "label", "namespace", "application", "istio-injection=enabled"],
        ["istioctl", "install", "--set", "profile=demo", "-y"],
        ["istioctl", "install", "--set", "meshConfig.outboundTrafficPolicy.mode=ALLOW_ANY", "-y"],
        # the last setting wins, as in istioctl
        [
            "istioctl",
            "install",
            "--set",
            "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY",
            "--set",
            "meshConfig.outboundTrafficPolicy.mode=ALLOW_ANY",
        ],
        # nothing is applied
        ["istioctl", "install", "--set", "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY", "--dry-run"],
        ["istioctl", "manifest", "generate", "--set", "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY"],
        ["istioctl", "install", "--set", "values.gateways.istio-egressgateway.enabled=true"],
        ["istioctl", "proxy-config", "cluster", "pod", "-n", "application"],
        ["minikube", "addons", "enable", "ingress"],
        ["minikube", "ip"],
        ["curl", "-i", "http://yuya.example.com/v1"],
        [],
    ],
)
def test_everyday_commands_are_not_destructive(argv: list[str]) -> None:
    assert classify_command(argv) is None


ISTIO_OPERATOR = """\
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
spec:
  profile: demo
  meshConfig:
    outboundTrafficPolicy:
      mode: {mode}
  components:
    egressGateways:
    - name: istio-egressgateway
      enabled: {egress}
"""


def test_an_istio_operator_file_is_read_and_set_flags_override_it(tmp_path: Path) -> None:
    blocking = manifest(tmp_path, ISTIO_OPERATOR.format(mode="REGISTRY_ONLY", egress="true"))
    assert classify_command(["istioctl", "install", "-f", blocking, "-y"]) == REGISTRY_ONLY
    override = ["--set", "meshConfig.outboundTrafficPolicy.mode=ALLOW_ANY"]
    assert classify_command(["istioctl", "install", "-f", blocking, *override]) is None
    no_gateway = manifest(tmp_path, ISTIO_OPERATOR.format(mode="ALLOW_ANY", egress="false"))
    assert classify_command(["istioctl", "install", "--filename", no_gateway]) == (
        "remove the istio-egressgateway gateway (components.egressGateways[0].enabled=false)"
    )
    healthy = manifest(tmp_path, ISTIO_OPERATOR.format(mode="ALLOW_ANY", egress="true"))
    assert classify_command(["istioctl", "install", "-f", healthy]) is None
    missing = classify_command(["istioctl", "install", "-f", str(tmp_path / "absent.yaml")])
    assert missing is not None and "cannot read it" in missing


def test_registry_only_is_refused_on_a_remote_context_unless_allowed() -> None:
    argv = ["istioctl", "install", "--set", "meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY", "-y"]
    action = classify_command(argv)
    assert action is not None
    with pytest.raises(DestructiveActionRefused) as info:
        guard_destructive(action, "prod", environ={})
    assert str(info.value).startswith(
        "refusing to switch the mesh's outbound policy to REGISTRY_ONLY on context 'prod': "
    )
    guard_destructive(action, "minikube", environ={})
    guard_destructive(action, "prod", allow=True, environ={})
    guard_destructive(action, "prod", environ={ALLOW_ENV_VAR: "1"})


def manifest(tmp_path: Path, text: str) -> str:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


DEPLOYMENT_AND_SERVICE = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: dest-v1}
---
apiVersion: v1
kind: Service
metadata: {name: dest-svc-v1, namespace: application}
"""


def test_deleting_a_file_of_tutorial_objects_is_routine(tmp_path: Path) -> None:
    path = manifest(tmp_path, DEPLOYMENT_AND_SERVICE)
    owned = {"deployments.apps/application/dest-v1", "services/application/dest-svc-v1"}
    assert classify_command(["kubectl", "delete", "-n", "application", "-f", path], owned) is None


def test_deleting_a_file_with_foreign_objects_is_destructive(tmp_path: Path) -> None:
    path = manifest(tmp_path, DEPLOYMENT_AND_SERVICE)
    verdict = classify_command(
        ["kubectl", "delete", "-f", path, "-n", "application"], {"services/application/dest-svc-v1"}
    )
    assert (
        verdict
        == f"delete deployments.apps/application/dest-v1 from {path}, which this tutorial did not create"
    )


def test_a_file_that_deletes_a_namespace_is_destructive_even_if_owned(tmp_path: Path) -> None:
    path = manifest(tmp_path, "apiVersion: v1\nkind: Namespace\nmetadata: {name: application}\n")
    assert classify_command(["kubectl", "delete", f"--filename={path}"], {"namespaces//application"}) == (
        f"delete namespace application (from {path})"
    )


def test_an_unreadable_file_is_treated_as_destructive(tmp_path: Path) -> None:
    verdict = classify_command(["kubectl", "delete", "-f", str(tmp_path / "missing.yaml")])
    assert verdict is not None and "cannot read it" in verdict


def test_deleting_named_objects_checks_ownership() -> None:
    owned = {"deployments.apps/application/dest-v1"}
    assert classify_command(["kubectl", "delete", "deploy", "dest-v1", "-n", "application"], owned) is None
    assert classify_command(["kubectl", "delete", "deployment/dest-v1", "-napplication"], owned) is None
    verdict = classify_command(
        ["kubectl", "-n", "ingress-nginx", "delete", "deploy", "ingress-nginx-controller"], owned
    )
    assert (
        verdict
        == "delete deployments.apps/ingress-nginx/ingress-nginx-controller, which this tutorial did not create"
    )


def test_deleting_by_selector_cannot_be_checked_so_is_destructive() -> None:
    assert classify_command(["kubectl", "delete", "pods", "-l", "app=hw-v1"]).startswith("delete by selector")


def test_object_key_uses_the_resource_table_and_the_default_namespace() -> None:
    assert object_key(
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}}
    ) == ("ingresses.networking.k8s.io/default/i")
    assert object_key({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}}) == (
        "namespaces//application"
    )
    assert (
        object_key({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}, "ns")
        == "widget/ns/w"
    )
