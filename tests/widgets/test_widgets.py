"""Widget logic without a browser: clicks drive the same code a learner's clicks do."""

from __future__ import annotations

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR
from ingresslab.widgets import LogExplorer, PodShell, RequestPanel


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = ingresslab.connect("sandbox", state=None, cwd=str(DEMO_DIR.parent))
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


def test_request_panel_draws_the_hop_diagram_as_inline_svg(lab):
    panel = RequestPanel(lab)
    panel.send()
    trace = panel.report().results[-1][1]
    assert panel.picture.value.count("<svg") == 1 and "</svg>" in panel.picture.value
    pod = trace.hop("pod").pod
    assert pod in panel.picture.value  # the diagram names the pod that answered this Send
    assert "<svg" in panel.html_snapshot()
    off = RequestPanel(lab, diagram=False)
    off.send()
    assert off.picture.value == ""


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


def test_sending_n_moves_the_progress_bar_and_the_pod_counts_per_result(lab):
    panel = RequestPanel(lab, diagram=False)
    seen = []  # (progress, requests counted in the summary) each time the summary changes
    panel.summary.observe(
        lambda change: seen.append((panel.progress.value, change["new"].count("answered by"))), "value"
    )
    panel.count.value = 5
    panel.button.click()
    assert panel.progress.value == panel.progress.max == 5 and panel.progress.bar_style == "success"
    assert [p for p, _ in seen] == [1, 2, 3, 4, 5]  # one update per result, as it arrives
    assert sum(panel.report().answered_by.values()) == 5
    assert not panel.button.disabled and panel.stop_button.disabled


def test_stop_ends_the_run_before_the_next_request(lab):
    panel = RequestPanel(lab, diagram=False)

    def click_stop_at_two(change):
        if change["new"] == 2:
            assert not panel.stop_button.disabled  # Stop is offered while sending
            panel.stop_button.click()

    panel.progress.observe(click_stop_at_two, "value")
    panel.count.value = 10
    panel.button.click()
    assert len(panel.report().results) == 2 and panel.progress.value == 2
    assert panel.progress.bar_style == "warning" and "stopped after 2 of 10" in panel.status.value
    assert not panel.button.disabled and panel.stop_button.disabled
    panel.send(1)  # a new run is not stopped by the old click
    assert len(panel.report().results) == 3 and panel.progress.bar_style == "success"


def test_in_a_kernel_a_send_runs_between_messages_and_stop_is_seen(lab):
    """With an event loop running (as in ipykernel), Send returns at once and the loop yields between
    requests, so a Stop click handled meanwhile ends the run."""
    import asyncio

    panel = RequestPanel(lab, diagram=False)
    panel.count.value = 50

    async def session():
        panel.button.click()
        assert panel._task is not None and not panel._task.done()
        while panel.progress.value < 3:
            await asyncio.sleep(0)
        panel.stop_button.click()  # as the kernel would handle the click's message
        await panel._task

    asyncio.run(session())
    sent = len(panel.report().results)
    assert 3 <= sent <= 4 and panel.progress.value == sent
    assert "stopped after" in panel.status.value and sum(panel.report().answered_by.values()) == sent


def test_the_panel_traces_from_the_followed_logs(lab):
    from ingresslab.trace.logindex import tracer_for

    tracer = tracer_for(lab)
    panel = RequestPanel(lab, diagram=False)
    panel.send(1)
    before = tracer.parsed_lines
    panel.send(1)
    assert 0 < tracer.parsed_lines - before <= 2  # the controller's and the app's new line, nothing re-read
    response, trace = panel.report().results[-1]
    assert trace.to_dict() == lab.trace(response).to_dict()


def test_a_send_on_a_state_file_saves_the_state_once(tmp_path):
    lab = ingresslab.connect("sandbox", state=str(tmp_path / "lab.json"), cwd=str(DEMO_DIR.parent))
    tutorial.ensure_nginx_ingress(lab)
    panel = RequestPanel(lab, diagram=False)
    panel.send(1)
    saves = []
    save = lab.backend.file.save
    lab.backend.file.save = lambda state: (saves.append(1), save(state))[1]
    panel.send(1)
    assert len(saves) == 1  # request id, clock and curl in one transaction; the trace only reads
    response, trace = panel.report().results[-1]
    assert trace.complete and trace.to_dict() == lab.trace(response).to_dict()
