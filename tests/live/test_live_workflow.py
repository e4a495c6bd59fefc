"""The live CI workflow: starts what the tutorial needs and runs the contract suite against minikube."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "live.yml"


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    return load()["jobs"]["live"]["steps"]


def test_minikube_starts_with_the_ingress_addon_from_a_pinned_action() -> None:
    step = next(s for s in steps() if str(s.get("uses", "")).startswith("medyagh/setup-minikube@"))
    assert re.fullmatch(r"medyagh/setup-minikube@v\d+\.\d+\.\d+", step["uses"])
    assert step["with"]["addons"] == "ingress" and step["with"]["driver"] == "docker"


def test_istio_is_installed_from_a_pinned_release_with_the_demo_profile() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", load()["env"]["ISTIO_VERSION"])
    scripts = "\n".join(s.get("run", "") for s in steps())
    assert 'ISTIO_VERSION="$ISTIO_VERSION"' in scripts and "https://istio.io/downloadIstio" in scripts
    assert "istioctl install --set profile=demo -y" in scripts


def test_contract_tests_and_walkthrough_run_against_the_minikube_context() -> None:
    assert load()["env"]["INGRESSLAB_LIVE_CONTEXT"] == "minikube"
    runs = [s.get("run", "") for s in steps()]
    contract = 'pytest tests/contract -v -k "not reference"'  # the reference variant builds Go: .ci/run's job
    assert contract in runs
    assert "ingresslab run --backend live" in runs
    # The cluster must be ready before the tests start.
    assert runs.index(contract) > next(i for i, r in enumerate(runs) if "istioctl install" in r)
