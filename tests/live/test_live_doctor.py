"""`ingresslab doctor`: each check over fakes, and the whole command on a machine with and without a cluster."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingresslab.backends.live import ContextProbe
from ingresslab.cli import doctor
from ingresslab.errors import Forbidden, NotFound
from ingresslab.tools import ToolInfo, ToolNotFound

COREFILE_WITH_LOG = """.:53 {
    log
    errors
    health {
       lameduck 5s
    }
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
    }
    forward . /etc/resolv.conf
    cache 30
    reload
}
"""
COREFILE_WITHOUT_LOG = COREFILE_WITH_LOG.replace("    log\n", "    # log  (disabled)\n").replace(
    "errors", "errors # log"
)


class FakeBackend:
    def __init__(self, objects: dict[tuple[str, str, str], dict], forbidden: set[str] = frozenset()) -> None:
        self.objects, self.forbidden = objects, forbidden

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict:
        if namespace in self.forbidden:
            raise Forbidden(f'{kind}s.apps "{name}" is forbidden')
        try:
            return self.objects[(kind, name, namespace)]
        except KeyError:
            raise NotFound(f'{kind}s "{name}" not found') from None


def deployment(ready: int, replicas: int = 1) -> dict:
    return {"spec": {"replicas": replicas}, "status": {"readyReplicas": ready}}


REACHABLE = ContextProbe(True, "minikube", "127.0.0.1:8443", "context minikube answered at 127.0.0.1:8443")
UNREACHABLE = ContextProbe(
    False, "prod", "10.0.0.1:6443", "context prod unreachable: connection refused (10.0.0.1:6443)"
)
NO_CONFIG = ContextProbe(False, None, None, "no kubeconfig found (looked in $KUBECONFIG / ~/.kube/config)")


def tools(*present: str):
    def find(name: str) -> ToolInfo:
        if name not in present:
            raise ToolNotFound(name)
        return ToolInfo(name, f"/usr/local/bin/{name}", "v1.0.0")

    return find


def ctx(
    probe=REACHABLE, backend=None, found=("kubectl", "minikube", "istioctl", "curl")
) -> doctor.DoctorContext:
    return doctor.DoctorContext(
        probe, backend, tools(*found), [Path("/home/u/.kube/config")] if probe.context else []
    )


def test_missing_kubeconfig_is_a_warning_with_the_fix() -> None:
    result = doctor.check_kubeconfig(ctx(NO_CONFIG))
    assert result.status == "warn" and "minikube start" in result.fix


def test_unreachable_cluster_warns_and_mentions_the_sandbox() -> None:
    result = doctor.check_cluster_reachable(ctx(UNREACHABLE))
    assert result.status == "warn" and result.detail == UNREACHABLE.reason and "sandbox" in result.fix


def test_tools_report_versions_or_install_hints() -> None:
    results = {r.name: r for r in doctor.check_tools(ctx(found=("kubectl", "curl")))}
    assert (
        results["kubectl"].status == "ok" and results["kubectl"].detail == "v1.0.0 (/usr/local/bin/kubectl)"
    )
    assert (
        results["istioctl"].status == "warn" and "https://istio.io/downloadIstio" in results["istioctl"].fix
    )
    assert results["minikube"].status == "warn"


def test_ingress_addon_ready_missing_and_not_ready() -> None:
    key = ("deployment", "ingress-nginx-controller", "ingress-nginx")
    assert doctor.check_ingress_addon(ctx(backend=FakeBackend({key: deployment(1)}))).status == "ok"
    missing = doctor.check_ingress_addon(ctx(backend=FakeBackend({})))
    assert missing.status == "warn" and missing.fix == "minikube addons enable ingress"
    starting = doctor.check_ingress_addon(ctx(backend=FakeBackend({key: deployment(0)})))
    assert starting.status == "warn" and starting.detail.endswith("0/1 ready")


def test_ingress_fix_on_other_clusters_points_to_the_install_guide() -> None:
    probe = ContextProbe(True, "kind-lab", "127.0.0.1:1234", "ok")
    assert "ingress-nginx/deploy" in doctor.check_ingress_addon(ctx(probe, FakeBackend({}))).fix


def test_istio_check_looks_for_istiod() -> None:
    backend = FakeBackend({("deployment", "istiod", "istio-system"): deployment(1)})
    assert doctor.check_istio(ctx(backend=backend)).status == "ok"
    missing = doctor.check_istio(ctx(backend=FakeBackend({})))
    assert missing.fix == "istioctl install --set profile=demo -y"
    denied = doctor.check_istio(ctx(backend=FakeBackend({}, forbidden={"istio-system"})))
    assert denied.status == "warn" and "not allowed" in denied.detail


def test_corefile_log_detection_ignores_comments_and_lookalikes() -> None:
    assert doctor.corefile_logs_queries(COREFILE_WITH_LOG)
    assert not doctor.corefile_logs_queries(COREFILE_WITHOUT_LOG)
    assert not doctor.corefile_logs_queries(".:53 {\n    loadbalance\n    logging\n}\n")


def test_coredns_check_says_how_to_enable_query_logs() -> None:
    key = ("configmap", "coredns", "kube-system")
    on = FakeBackend({key: {"data": {"Corefile": COREFILE_WITH_LOG}}})
    off = FakeBackend({key: {"data": {"Corefile": COREFILE_WITHOUT_LOG}}})
    assert doctor.check_coredns_logging(ctx(backend=on)).status == "ok"
    result = doctor.check_coredns_logging(ctx(backend=off))
    assert result.status == "warn" and "edit configmap coredns" in result.fix and "`log`" in result.fix


def test_cluster_checks_are_skipped_without_a_cluster() -> None:
    results = doctor.run_checks(ctx(UNREACHABLE, backend=None))
    skipped = {r.name for r in results if r.status == "skip"}
    assert skipped == {"ingress-nginx", "istio", "coredns log"}


def test_render_lists_each_check_with_its_fix_and_the_sandbox_note() -> None:
    results = doctor.run_checks(ctx(NO_CONFIG, backend=None, found=("curl",)))
    text = doctor.render(results, NO_CONFIG)
    assert text.startswith("ingresslab doctor: no kube context\n")
    assert "[warn] kubeconfig" in text and "fix: start a local cluster" in text
    assert "[ok  ] curl" in text
    assert text.rstrip().endswith("ingresslab will use the offline sandbox, which needs none of the above.")


def run_doctor(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    doctor.register(parser.add_subparsers())
    args = parser.parse_args(["doctor", *argv])
    return args.handler(args)


def test_doctor_without_any_cluster_prints_a_report_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    assert run_doctor("--timeout", "0.5") == 0
    out = capsys.readouterr().out
    assert "no kubeconfig found" in out and "offline sandbox" in out


def test_doctor_against_a_real_cluster_checks_addons_through_the_api(
    reference_cluster: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The reference cluster: minikube's CoreDNS ConfigMap (with `log`), and neither ingress-nginx nor Istio.
    monkeypatch.setenv("KUBECONFIG", str(reference_cluster.kubeconfig))
    assert run_doctor("--json") == 0
    report = json.loads(capsys.readouterr().out)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["probe"]["reachable"] is True and report["probe"]["context"] == "ingresslab-reference"
    assert checks["cluster"]["status"] == "ok" and checks["coredns log"]["status"] == "ok"
    assert checks["ingress-nginx"]["status"] == "warn"
    assert (
        checks["ingress-nginx"]["detail"] == "ingress-nginx-controller not found in namespace ingress-nginx"
    )
    assert "addons enable ingress" in checks["ingress-nginx"]["fix"]
    assert checks["istio"]["status"] == "warn" and "istioctl install" in checks["istio"]["fix"]
    token = yaml.safe_load(reference_cluster.kubeconfig.read_text(encoding="utf-8"))["users"][0]["user"][
        "token"
    ]
    assert token not in json.dumps(report)
