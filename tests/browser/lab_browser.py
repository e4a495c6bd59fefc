"""A real browser on JupyterLab: start a server, drive Debian's Chromium through Playwright, read what renders.

Reusable by any browser test: `start_jupyterlab()` gives a running server on a free port with a token;
`LabPage` opens notebooks, runs all cells, clicks widget buttons, waits for text, and says precisely why
widgets did not render (extension missing or disabled, "Error displaying widget", text fallback only).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ARTIFACTS",
    "CHROMIUM",
    "CHROMIUM_FLAGS",
    "WIDGET_MANAGER",
    "JupyterLabServer",
    "LabPage",
    "WidgetsNotRendered",
    "copy_tutorial_notebook",
    "free_port",
    "launch_chromium",
    "missing_requirements",
    "start_jupyterlab",
    "write_counter_notebook",
]

CHROMIUM = Path("/usr/bin/chromium")
# Headless Chromium as root in a container, with nothing phoning home (no QUIC, sync, component updates).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDGET_MANAGER = "@jupyter-widgets/jupyterlab-manager"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class WidgetsNotRendered(AssertionError):
    """Widget outputs did not become live views; the message says what the page showed instead."""


def missing_requirements() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is missing (pip install playwright; its own browser download is not needed)"
    if importlib.util.find_spec("jupyterlab") is None:
        return "jupyterlab is not installed in this environment"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class JupyterLabServer:
    """A running JupyterLab; `url(path)` adds the token."""

    root: Path
    port: int
    token: str
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(repr=False, default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # JupyterLab's graceful shutdown stops its kernels too
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


def _isolated_jupyter_env(home: Path, *, answer_news: bool = True) -> dict[str, str]:
    """Config, data and runtime dirs of our own: no user settings or workspaces leak in or out.

    `answer_news=False` leaves JupyterLab's news question unanswered in the user settings, to check that the
    server's own settings (`ingresslab lab`'s) answer it."""
    env = dict(os.environ)
    for name in ("config", "data", "runtime"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    env.pop("JUPYTER_PATH", None)
    # The "get Jupyter news?" toast would otherwise cover the lower right corner of every screenshot.
    settings = home / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    if answer_news:
        (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    # Render every cell: with windowing, off-screen widget outputs are not in the DOM for a test to click.
    notebook = home / "config" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True, exist_ok=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    return env


def start_jupyterlab(
    root: Path,
    home: Path,
    *,
    disable_extensions: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    extra_args: tuple[str, ...] = (),
    answer_news: bool = True,
) -> JupyterLabServer:
    """Start JupyterLab serving `root`, with its Jupyter dirs under `home`; returns once /api answers.

    `disable_extensions` are disabled the supported way, `jupyter labextension disable`, in the isolated
    config dir, so the server's page config lists them as disabled.
    """
    full_env = _isolated_jupyter_env(home, answer_news=answer_news)
    full_env.update(env or {})
    for name in disable_extensions:
        subprocess.run(
            [sys.executable, "-m", "jupyterlab.labextensions", "disable", "--level=user", name],
            env=full_env,
            check=True,
            capture_output=True,
            timeout=60,
        )
    port, token = free_port(), "ingresslab-browser-test"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        *extra_args,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = home / "jupyterlab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=full_env, cwd=str(root), stdout=out, stderr=subprocess.STDOUT)
    server = JupyterLabServer(root, port, token, process, log, full_env)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url("api"), timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{server.log_tail()}")
        time.sleep(0.25)


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)


# A kernel is ready when the status bar names it (not "No Kernel") and says Idle.
_KERNEL_IDLE_JS = """() => [...document.querySelectorAll('#jp-main-statusbar *')].some(
    e => e.children.length === 0 && / \\| Idle$/.test(e.textContent) && !e.textContent.startsWith('No Kernel'))"""
# Every code cell has run: its prompt shows a number, neither "[ ]" (not run) nor "[*]" (running or queued).
_ALL_CELLS_RAN_JS = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


class LabPage:
    """One browser tab on a JupyterLab server, with the steps a learner takes."""

    def __init__(self, page: Any, server: JupyterLabServer) -> None:
        self.page = page
        self.server = server
        self.console_errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))

    def open_notebook(self, path: str, timeout: float = 60.0) -> None:
        """Open `path` (relative to the server's root) and wait until its kernel is idle."""
        self.page.goto(self.server.url(f"lab/tree/{path}"))
        self.page.wait_for_selector(".jp-Notebook", timeout=timeout * 1000)
        self.page.wait_for_function(_KERNEL_IDLE_JS, timeout=timeout * 1000)

    def run_all_cells(self, timeout: float = 120.0) -> None:
        """Run → Run All Cells from the menu bar, then wait until every code cell has run."""
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        self.page.wait_for_function(_ALL_CELLS_RAN_JS, timeout=timeout * 1000)

    def click_button(self, text: str, timeout: float = 15.0) -> None:
        """Click the widget button labelled `text` in the notebook's outputs."""
        button = self.page.locator(".jp-OutputArea-output").get_by_role("button", name=text, exact=True)
        button.first.click(timeout=timeout * 1000)

    def wait_for_text(self, text: str, timeout: float = 15.0) -> None:
        """Wait until `text` is shown somewhere on the page."""
        self.page.get_by_text(text).first.wait_for(state="visible", timeout=timeout * 1000)

    def output_texts(self) -> list[str]:
        return self.page.locator(".jp-OutputArea-output").all_inner_texts()

    def lab_extensions(self) -> dict[str, list[str]]:
        """The prebuilt extensions the server offers and the ones its page config disables."""
        config = self.page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)")
        installed = [ext.get("name", "") for ext in config.get("federated_extensions", [])]
        disabled = config.get("disabledExtensions", [])
        if isinstance(disabled, dict):
            disabled = [name for name, off in disabled.items() if off]
        return {"installed": installed, "disabled": list(disabled)}

    def widget_problems(self) -> list[str]:
        """What stands between the widget outputs and live views, as sentences; empty when nothing does."""
        problems = []
        extensions = self.lab_extensions()
        if WIDGET_MANAGER not in extensions["installed"]:
            problems.append(
                f"the widget manager extension {WIDGET_MANAGER} is not installed (jupyterlab_widgets)"
            )
        elif any(
            name == WIDGET_MANAGER or WIDGET_MANAGER.startswith(f"{name}:") for name in extensions["disabled"]
        ):
            problems.append(f"the widget manager extension {WIDGET_MANAGER} is disabled in the page config")
        for text in self.output_texts():
            if "Error displaying widget" in text or "model not found" in text:
                problems.append(f"an output says {text.strip()[:200]!r}")
            elif re.match(r"^[A-Z]\w*\(.*\)$", text.strip(), re.S):
                problems.append(f"an output shows only the widget's text fallback {text.strip()[:120]!r}")
        return problems

    def assert_widgets_render(self, timeout: float = 8.0) -> None:
        """Widget outputs become live views within `timeout` seconds, or WidgetsNotRendered says why not."""
        views = self.page.locator(".jp-OutputArea-output .jupyter-widgets")
        try:
            views.first.wait_for(state="visible", timeout=timeout * 1000)
        except Exception as exc:  # Playwright's TimeoutError: turn it into a diagnosis
            problems = self.widget_problems() or ["no widget view appeared and the page gave no reason"]
            raise WidgetsNotRendered("widgets did not render: " + "; ".join(problems)) from exc
        problems = [
            p for p in self.widget_problems() if "Error displaying widget" in p or "model not found" in p
        ]
        if problems:
            raise WidgetsNotRendered("widgets did not render: " + "; ".join(problems))

    def screenshot(self, name: str) -> Path:
        """Save a full-page screenshot under test-artifacts/ (gitignored) and return its path."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def copy_tutorial_notebook(
    root: Path, prefix: str, state_file: Path, extra_cells: tuple[str, ...] = ()
) -> str:
    """Copy the tutorial's notebook `prefix`-… into `root` on the sandbox (state in `state_file`, seed 0), with
    the manifests it applies beside it and `extra_cells` appended; returns its file name."""
    import shutil

    from ingresslab.manifests import DEMO_DIR
    from ingresslab.runner import find_notebooks

    notebook = next(nb for nb in find_notebooks() if nb.name.startswith(f"{prefix}-"))
    data = json.loads(notebook.read_text())
    for cell in data["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = f'backend = "sandbox"\nstate = {str(state_file)!r}\nseed = 0\n'
    for index, source in enumerate(extra_cells):
        data["cells"].append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"browser-test-{index}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        )
    (root / notebook.name).write_text(json.dumps(data))
    if not (root / "istio-deepdive").exists():
        shutil.copytree(DEMO_DIR, root / "istio-deepdive")
    return notebook.name


def write_counter_notebook(path: Path, button: str = "Count") -> Path:
    """A one-cell notebook: a Button whose clicks change a Label, through the kernel (a comm round trip)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    source = "\n".join(
        [
            "import ipywidgets as widgets",
            "label = widgets.Label('not clicked yet')",
            f"button = widgets.Button(description={button!r})",
            "clicks = []",
            "def on_click(_):",
            "    clicks.append(1)",
            "    label.value = f'the kernel counted {len(clicks)} click(s)'",
            "button.on_click(on_click)",
            "widgets.HBox([button, label])",
        ]
    )
    kernelspec = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(new_notebook(cells=[new_code_cell(source)], metadata={"kernelspec": kernelspec}), path)
    return path
