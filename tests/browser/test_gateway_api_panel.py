"""Notebook 07 in a real browser: Run All, press the Gateway API panel's Send, and see the hops through the Gateway."""

from __future__ import annotations

import json
import shutil

import pytest

from ingresslab.manifests import DEMO_DIR
from ingresslab.runner import find_notebooks

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _copy_notebook(root, state_file) -> str:
    notebook = next(nb for nb in find_notebooks() if nb.name.startswith("07-"))
    data = json.loads(notebook.read_text())
    for cell in data["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = f'backend = "sandbox"\nstate = {str(state_file)!r}\nseed = 0\n'
    (root / notebook.name).write_text(json.dumps(data))
    shutil.copytree(DEMO_DIR, root / "istio-deepdive")
    return notebook.name


def test_send_through_the_gateway_api_panel_shows_the_gateways_hops(browser_page, lab_root, tmp_path):
    name = _copy_notebook(lab_root, tmp_path / "lab.json")
    browser_page.open_notebook(name)
    browser_page.run_all_cells(timeout=300)
    browser_page.assert_widgets_render()
    page = browser_page.page
    dismiss = page.get_by_role("button", name="No, disable")
    if dismiss.count():
        dismiss.first.click()
    gateway_field = page.locator(".jp-OutputArea-output input[placeholder='NAMESPACE/NAME']").first
    assert gateway_field.input_value() == "istio-ingress/seed-gateway"
    send = page.locator(".jp-OutputArea-output button.widget-button", has_text="Send").first
    send.scroll_into_view_if_needed(timeout=30_000)
    # the notebook's own cell sent 4 requests from the panel; Send sends one more through the same Gateway
    browser_page.wait_for_text("4 request(s) sent from this panel", timeout=30)
    send.click()
    browser_page.wait_for_text("5 request(s) sent from this panel", timeout=60)

    panel_views = page.locator(".jp-OutputArea-output .jupyter-widgets")
    for hop in ("Gateway seed-gateway (Istio, Envoy)", "sidecar inbound (istio-proxy)", "app container"):
        assert panel_views.filter(has_text=hop).count() >= 1, f"the panel's hop view lacks {hop!r}"
    assert panel_views.filter(has_text="application.seed-routes.0").count() >= 1
    assert browser_page.widget_problems() == []
    assert browser_page.screenshot("07-gateway-api-request-panel").stat().st_size > 0
