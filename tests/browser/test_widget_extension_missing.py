"""The harness fails loudly when the widget extension is missing, instead of passing on a blank output."""

from __future__ import annotations

import pytest
from lab_browser import WIDGET_MANAGER, WidgetsNotRendered, write_counter_notebook

pytestmark = pytest.mark.browser


def test_disabled_widget_manager_is_reported_as_widgets_not_rendering(
    make_jupyterlab_server, make_browser_page, lab_root
):
    write_counter_notebook(lab_root / "counter.ipynb")
    server = make_jupyterlab_server(disable_extensions=(WIDGET_MANAGER,))
    lab = make_browser_page(server)
    lab.open_notebook("counter.ipynb")
    lab.run_all_cells()

    with pytest.raises(WidgetsNotRendered) as failure:
        lab.assert_widgets_render(timeout=5)

    message = str(failure.value)
    assert f"{WIDGET_MANAGER} is disabled" in message
    assert "text fallback" in message and "HBox(children=(Button(description='Count'" in message
    assert lab.page.locator(".jp-OutputArea-output .jupyter-widgets").count() == 0
