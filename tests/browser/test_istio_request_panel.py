"""The Istio notebook in a real browser: run it, press the request panel's Send, and see the hop view."""

from __future__ import annotations

import json
import shutil

import pytest

from ingresslab.manifests import DEMO_DIR
from ingresslab.runner import find_notebooks

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _copy_istio_notebook(root, state_file) -> str:
    notebook = next(nb for nb in find_notebooks() if nb.name.startswith("04-"))
    data = json.loads(notebook.read_text())
    for cell in data["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = f'backend = "sandbox"\nstate = {str(state_file)!r}\nseed = 0\n'
    (root / notebook.name).write_text(json.dumps(data))
    shutil.copytree(DEMO_DIR, root / "istio-deepdive")
    return notebook.name


def test_send_in_the_istio_notebook_shows_the_hops(browser_page, lab_root, tmp_path):
    name = _copy_istio_notebook(lab_root, tmp_path / "lab.json")
    browser_page.open_notebook(name)
    browser_page.run_all_cells(timeout=240)
    browser_page.assert_widgets_render()
    page = browser_page.page
    # A modal question from JupyterLab (e.g. about news) hides the page from the accessibility tree: answer it.
    dismiss = page.get_by_role("button", name="No, disable")
    if dismiss.count():
        dismiss.first.click()
    send = page.locator(".jp-OutputArea-output button.widget-button", has_text="Send").first
    send.scroll_into_view_if_needed(timeout=30_000)
    # the notebook's own cell already sent 6 requests from the panel; Send sends 6 more
    browser_page.wait_for_text("6 request(s) sent from this panel", timeout=30)
    send.click()
    browser_page.wait_for_text("12 request(s) sent from this panel", timeout=60)

    panel_views = browser_page.page.locator(".jp-OutputArea-output .jupyter-widgets")
    for hop in ("Istio ingress gateway (Envoy)", "sidecar inbound (istio-proxy)", "app container"):
        assert panel_views.filter(has_text=hop).count() >= 1, f"the panel's hop view lacks {hop!r}"
    assert panel_views.filter(has_text="answered by dest-depl-v1-").count() >= 1
    assert browser_page.widget_problems() == []
    assert browser_page.screenshot("istio-request-panel").stat().st_size > 0
