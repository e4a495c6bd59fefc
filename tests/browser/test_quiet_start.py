"""`ingresslab lab` opens JupyterLab on the first notebook without the "get Jupyter news?" prompt over it."""

from __future__ import annotations

import json
import urllib.request

import pytest
from lab_browser import copy_tutorial_notebook

from ingresslab.launcher import START_NOTEBOOK, lab_command, quiet_settings_dir

pytestmark = pytest.mark.browser

NEWS_QUESTION = "official Jupyter news"
_CURRENT_TAB_JS = """() => [...document.querySelectorAll('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current')]
    .map(t => t.textContent.trim())"""


def _settings(server) -> dict:
    """The notification plugin's defaults as the server hands them out (overrides applied to the schema)."""
    url = server.url("lab/api/settings/@jupyterlab/apputils-extension:notification")
    with urllib.request.urlopen(url, timeout=10) as answer:
        schema = json.load(answer)["schema"]
    return {name: spec.get("default") for name, spec in schema["properties"].items()}


def _server_args(command: list[str]) -> tuple[str, ...]:
    """The options `ingresslab lab` passes that shape what the learner sees first."""
    return tuple(a for a in command if a.startswith(("--LabApp.app_settings_dir=", "--LabApp.default_url=")))


def test_lab_opens_the_first_notebook_without_the_news_prompt(
    make_jupyterlab_server, make_browser_page, lab_root, tmp_path
):
    copy_tutorial_notebook(lab_root, "00", tmp_path / "lab.json")
    settings = quiet_settings_dir(tmp_path / "ingresslab-jupyterlab")
    args = _server_args(lab_command(lab_root, settings_dir=settings))
    assert len(args) == 2, args
    server = make_jupyterlab_server(extra_args=args, answer_news=False)
    assert _settings(server)["fetchNews"] == "false" and _settings(server)["checkForUpdates"] is False

    page = make_browser_page(server, viewport=(1400, 1000))
    page.page.goto(server.url(""))  # the bare address, as a browser opened by `ingresslab lab` would
    page.page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.page.wait_for_timeout(4000)  # JupyterLab asks about news a moment after start
    assert page.page.get_by_text(NEWS_QUESTION).count() == 0
    assert any(START_NOTEBOOK in tab for tab in page.page.evaluate(_CURRENT_TAB_JS))


def test_without_those_settings_jupyterlab_would_ask(
    make_jupyterlab_server, make_browser_page, lab_root, tmp_path
):
    """The control: the same server without the settings dir asks, so the test above can see a prompt."""
    copy_tutorial_notebook(lab_root, "00", tmp_path / "lab.json")
    server = make_jupyterlab_server(answer_news=False)
    assert _settings(server)["fetchNews"] == "none"
    page = make_browser_page(server, viewport=(1400, 1000))
    page.page.goto(server.url(f"lab/tree/{START_NOTEBOOK}"))
    page.page.wait_for_selector(".jp-Notebook", timeout=60_000)
    page.page.get_by_text(NEWS_QUESTION).first.wait_for(state="visible", timeout=20_000)
