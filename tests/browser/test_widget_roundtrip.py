"""In a real browser, a widget button click reaches the kernel and the kernel's answer reaches the page."""

from __future__ import annotations

import pytest
from lab_browser import write_counter_notebook

pytestmark = pytest.mark.browser


def test_button_click_round_trips_through_the_kernel_and_updates_the_label(browser_page, lab_root):
    write_counter_notebook(lab_root / "counter.ipynb")
    browser_page.open_notebook("counter.ipynb")
    browser_page.run_all_cells()
    browser_page.assert_widgets_render()
    browser_page.wait_for_text("not clicked yet")

    browser_page.click_button("Count")
    browser_page.wait_for_text("the kernel counted 1 click(s)")
    browser_page.click_button("Count")
    browser_page.wait_for_text("the kernel counted 2 click(s)")

    assert browser_page.widget_problems() == []
    shot = browser_page.screenshot("widget-roundtrip")
    assert shot.stat().st_size > 0
