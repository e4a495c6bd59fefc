"""Without Chromium or Playwright the browser tests skip with a reason that says what to install."""

from __future__ import annotations

import importlib.util

import lab_browser


def test_a_missing_chromium_is_named_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setattr(lab_browser, "CHROMIUM", tmp_path / "chromium")
    reason = lab_browser.missing_requirements()
    assert (
        reason
        == f"{tmp_path / 'chromium'} is missing (install Debian's chromium: apt-get install -y chromium)"
    )


def test_a_missing_playwright_package_is_named(monkeypatch, tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("")
    monkeypatch.setattr(lab_browser, "CHROMIUM", browser)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        lab_browser.importlib.util,
        "find_spec",
        lambda name: None if name == "playwright" else real_find_spec(name),
    )
    assert "the playwright package is missing" in lab_browser.missing_requirements()
