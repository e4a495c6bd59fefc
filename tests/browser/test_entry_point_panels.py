"""Notebooks 07 and 08 in a real browser: Run All, press the request panel's Send, and see the hops of the entry
point the notebook teaches — through a Gateway API Gateway, and out of the mesh through the egress gateway."""

from __future__ import annotations

import pytest
from lab_browser import copy_tutorial_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PANELS = {
    # notebook: (the panel's own option field and its value, requests the notebook's cell sent, hops, a log clue)
    "07": (
        ("NAMESPACE/NAME", "istio-ingress/seed-gateway"),
        4,
        ("Gateway seed-gateway (Istio, Envoy)", "sidecar inbound (istio-proxy)", "app container"),
        "application.seed-routes.0",
    ),
    "08": (
        ("deploy/NAME or a pod", "deploy/curl"),
        3,
        ("sidecar outbound (istio-proxy)", "Istio egress gateway (Envoy)", "external host edition.cnn.com"),
        "outbound|80||edition.cnn.com",
    ),
}


@pytest.mark.parametrize("prefix", sorted(PANELS))
def test_send_on_the_notebooks_panel_shows_its_entry_points_hops(prefix, browser_page, lab_root, tmp_path):
    (placeholder, value), sent, hops, clue = PANELS[prefix]
    name = copy_tutorial_notebook(lab_root, prefix, tmp_path / "lab.json")
    browser_page.open_notebook(name)
    browser_page.run_all_cells(timeout=300)
    browser_page.assert_widgets_render()
    page = browser_page.page
    dismiss = page.get_by_role("button", name="No, disable")
    if dismiss.count():
        dismiss.first.click()
    field = page.locator(f".jp-OutputArea-output input[placeholder='{placeholder}']").first
    assert field.input_value() == value
    send = page.locator(".jp-OutputArea-output button.widget-button", has_text="Send").first
    send.scroll_into_view_if_needed(timeout=30_000)
    browser_page.wait_for_text(f"{sent} request(s) sent from this panel", timeout=30)
    send.click()
    browser_page.wait_for_text(f"{sent + 1} request(s) sent from this panel", timeout=60)

    panel_views = page.locator(".jp-OutputArea-output .jupyter-widgets")
    for hop in hops:
        assert panel_views.filter(has_text=hop).count() >= 1, f"the panel's hop view lacks {hop!r}"
    assert panel_views.filter(has_text=clue).count() >= 1
    assert browser_page.widget_problems() == []
    assert browser_page.screenshot(f"{prefix}-request-panel").stat().st_size > 0
