"""Pods that never become ready: diagnose() reads the waiting reason, the exit code and the Warning Events the
kubelet wrote, as `kubectl describe pod` shows them, and undo brings the demo back."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab.manifests import DEMO_DIR


@pytest.fixture(scope="module")
def lab():
    return ingresslab.connect("sandbox", state=None, seed=13, cwd=DEMO_DIR.parent)


@pytest.mark.parametrize("via", ["nginx", "istio"])
def test_an_image_that_does_not_exist_is_named_from_the_pull_events(lab, via):
    run = lab.scenario("image-typo").apply()
    try:
        response = run.observe(via)
        assert response.status == 503
        found = lab.diagnose(response)
        assert found.cause == "image-pull-failed", found
        texts = [c.text for c in found.evidence]
        assert any('Failed to pull image "hashicorp/http-ecko"' in t for t in texts), texts
        assert "kubectl set image deployment/dest-depl-v1" in found.fix
    finally:
        run.undo()
    assert lab.diagnose(lab.request(via=via)).cause is None


@pytest.mark.parametrize("via", ["nginx", "istio"])
def test_a_command_that_exits_is_a_crash_loop_with_its_exit_code(lab, via):
    run = lab.scenario("crash-loop").apply()
    try:
        response = run.observe(via)
        assert response.status == 503
        found = lab.diagnose(response)
        assert found.cause == "container-crash-looping", found
        assert any("exited with code 1" in c.text for c in found.evidence)
        assert "--previous" in found.fix
    finally:
        run.undo()
    pods = lab.backend.list("pods", "application", label_selector="app=hw-v1")
    assert all(c["image"] == "hashicorp/http-echo" for p in pods for c in p["spec"]["containers"][:1])
    assert lab.diagnose(lab.request(via=via)).cause is None
