"""Fixtures for real-browser tests: a JupyterLab server and a Chromium tab on it, both torn down after the test.

`jupyterlab_server` serves a fresh folder (`lab_root`); `browser_page` is a `LabPage` on it, whose screenshot
lands in test-artifacts/ when the test ends. Factories (`make_jupyterlab_server`, `make_browser_page`) start
servers with other options, e.g. an extension disabled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lab_browser import JupyterLabServer, LabPage, launch_chromium, missing_requirements, start_jupyterlab
from oracles import missing


@pytest.fixture
def browser_requirements() -> None:
    reason = missing_requirements()
    if reason:
        missing(reason)  # skipped locally; in CI, where .ci/run installs Chromium, a failure


@pytest.fixture
def lab_root(tmp_path: Path) -> Path:
    root = tmp_path / "work"
    root.mkdir()
    return root


@pytest.fixture
def make_jupyterlab_server(
    browser_requirements: None, lab_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., JupyterLabServer]]:
    servers: list[JupyterLabServer] = []

    def make(**options) -> JupyterLabServer:
        server = start_jupyterlab(lab_root, tmp_path_factory.mktemp("jupyter-home"), **options)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def jupyterlab_server(make_jupyterlab_server: Callable[..., JupyterLabServer]) -> JupyterLabServer:
    return make_jupyterlab_server()


@pytest.fixture
def make_browser_page(
    browser_requirements: None, request: pytest.FixtureRequest
) -> Iterator[Callable[..., LabPage]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        pages: list[LabPage] = []

        def make(server: JupyterLabServer, viewport: tuple[int, int] = (1300, 800)) -> LabPage:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.set_default_timeout(30_000)
            pages.append(LabPage(page, server))
            return pages[-1]

        try:
            yield make
        finally:
            for index, lab_page in enumerate(pages):
                suffix = f"-{index}" if index else ""
                # A crashed page must not hide the test's own failure.
                with contextlib.suppress(Exception):
                    lab_page.screenshot(f"{request.node.name}{suffix}")
            browser.close()


@pytest.fixture
def browser_page(make_browser_page: Callable[..., LabPage], jupyterlab_server: JupyterLabServer) -> LabPage:
    return make_browser_page(jupyterlab_server)
