"""Widget logic without a browser: clicks drive the same code a learner's clicks do."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.widgets import LogExplorer, PodShell, RequestPanel


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = ingresslab.connect("sandbox", state=None, cwd=str(ingresslab.manifests.DEMO_DIR.parent))
    tutorial.ensure_nginx_ingress(lab)
    return lab


def test_request_panel_click_sends_traces_and_counts_pods(lab):
    panel = RequestPanel(lab, diagram=False)
    panel.count.value = 4
    panel.button.click()
    report = panel.report()
    assert report.statuses == {200: 4}
    pods = {
        p["metadata"]["name"] for p in lab.backend.list("pods", "application", label_selector="app=hw-v1")
    }
    assert set(report.answered_by) <= pods and sum(report.answered_by.values()) == 4
    assert "ingress-nginx controller" in panel.hops.value
    assert "status 200" in repr(report)


def test_request_panel_shows_the_default_backend_for_an_unmatched_host(lab):
    panel = RequestPanel(lab, host="example.com", diagram=False)
    panel.send()
    response, trace = panel.report().results[-1]
    assert response.status == 404 and "no Ingress rule matched" in trace.stopped
    assert "stopped" in panel.hops.value


def test_request_panel_diagram_renders_a_png(lab):
    panel = RequestPanel(lab)
    panel.send()
    assert panel.picture.value[:4] == b"\x89PNG"
    assert "<img" in panel.html_snapshot()


def test_request_panel_errors_show_in_the_panel_not_as_exceptions(lab):
    panel = RequestPanel(lab, via="nodeport", diagram=False)
    panel.service.value = "no-such-service"
    panel.button.click()
    assert "not found" in panel.status.value


def test_log_explorer_shows_parsed_fields_of_the_chosen_component(lab):
    lab.request(path="/v2")
    explorer = LogExplorer(lab, component="ingress-nginx")
    explorer.filter.value = "/v2"
    explorer.button.click()
    assert explorer.rows and all(r["path"] == "/v2" for r in explorer.rows)
    assert (
        "proxy_upstream_name" in explorer.output.value
        and "application-dest-svc-v2-http-v2" in explorer.output.value
    )


def test_pod_shell_runs_nslookup_and_shows_the_coredns_lines_it_caused(lab):
    shell = PodShell(lab, command="nslookup dest-svc-v1")
    shell.button.click()
    output, queries = shell.last
    svc_ip = lab.backend.get("services", "dest-svc-v1", "application")["spec"]["clusterIP"]
    assert svc_ip in output
    assert any('"A IN dest-svc-v1.application.svc.cluster.local.' in q for q in queries)
    assert "CoreDNS saw" in shell.output.value
