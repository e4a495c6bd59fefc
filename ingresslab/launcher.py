"""Start JupyterLab on the tutorial: choose the default backend, lay out a working folder, run the server."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "BACKENDS",
    "BACKEND_ENV",
    "QUIET_SETTINGS",
    "START_NOTEBOOK",
    "LaunchError",
    "Workspace",
    "default_backend",
    "default_workdir",
    "install_quiet_settings",
    "lab_command",
    "lab_environment",
    "prepare_workspace",
    "quiet_settings_dir",
    "run_lab",
]

BACKENDS = ("sandbox", "live", "auto")
BACKEND_ENV = "INGRESSLAB_BACKEND"
START_NOTEBOOK = "00-start-here.ipynb"
# The manifests the notebooks apply by relative path; copied as real files so the folder stands alone.
MANIFESTS_DIR = "istio-deepdive"
# How long JupyterLab gets to stop its kernels after Ctrl-C before it is killed.
SHUTDOWN_SECONDS = 20.0
# JupyterLab 4 asks "Would you like to get notified about official Jupyter news?" on first start, over the
# notebook; these defaults answer it (no news feed, no update check). A learner's own settings still win.
QUIET_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
_OVERRIDES_FILE = "ingresslab.json"


class LaunchError(Exception):
    """JupyterLab cannot be started; the message says what to fix."""


def default_backend(requested: str = "auto") -> str:
    """The backend to use when a notebook asks for `requested`.

    An explicit "sandbox" or "live" wins; "auto" defers to $INGRESSLAB_BACKEND (set by Binder's start script
    and by `ingresslab lab`), and stays "auto" when that is unset or empty.
    """
    if requested not in BACKENDS:
        raise ValueError(f'backend must be "sandbox", "live" or "auto", not {requested!r}')
    if requested != "auto":
        return requested
    chosen = os.environ.get(BACKEND_ENV, "").strip().lower()
    if not chosen:
        return "auto"
    if chosen not in BACKENDS:
        raise ValueError(
            f"{BACKEND_ENV}={os.environ[BACKEND_ENV]!r} is not a backend; set it to sandbox, live or auto"
        )
    return chosen


def default_workdir() -> Path:
    """Where an installed package copies the notebooks for the learner to edit."""
    return Path.home() / "ingresslab-notebooks"


@dataclass
class Workspace:
    """The folder JupyterLab serves, and what was copied into it (or kept because the learner has a copy)."""

    path: Path
    from_checkout: bool
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _package_notebooks() -> Path:
    from ingresslab.runner import notebooks_dir

    return notebooks_dir()


def _tutorial_files(source: Path) -> list[Path]:
    """The notebooks and the manifests folder, relative to `source`, in a stable order."""
    files = sorted(p.relative_to(source) for p in source.glob("*.ipynb"))
    manifests = source / MANIFESTS_DIR
    if manifests.is_dir():
        found = (p.relative_to(source) for p in manifests.rglob("*") if p.is_file())
        # Editor leftovers such as .ipynb_checkpoints are not part of the tutorial.
        files += sorted(p for p in found if not any(part.startswith(".") for part in p.parts))
    return files


def _is_installed(source: Path) -> bool:
    """True when the notebooks ship inside the installed package (a wheel), not beside it (a checkout)."""
    return source.resolve().is_relative_to(Path(__file__).resolve().parent)


def prepare_workspace(directory: Path | None = None, source: Path | None = None) -> Workspace:
    """The folder to serve: the checkout's notebooks as they are, or a working copy the learner owns.

    With no `directory`, a checkout (notebooks beside the package) is served directly; an installed package
    copies its notebooks to ~/ingresslab-notebooks. Only missing files are copied, so a learner's edits
    survive a second launch.
    """
    source = source or _package_notebooks()
    if not (source / START_NOTEBOOK).is_file():
        raise LaunchError(
            f"{source} has no {START_NOTEBOOK}; reinstall ingresslab or set INGRESSLAB_NOTEBOOKS"
        )
    if directory is None and not _is_installed(source):
        return Workspace(source, from_checkout=True)
    target = (directory or default_workdir()).expanduser()
    if target.exists() and not target.is_dir():
        raise LaunchError(f"{target} is a file; pass --dir with a folder for the notebooks")
    workspace = Workspace(target, from_checkout=False)
    for relative in _tutorial_files(source):
        destination = target / relative
        if destination.exists():
            workspace.kept.append(str(relative))
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        # copyfile follows symlinks: the manifests land as real files even when the source links them.
        shutil.copyfile(source / relative, destination)
        workspace.copied.append(str(relative))
    return workspace


def install_quiet_settings(settings_dir: Path | None = None) -> Path:
    """Write QUIET_SETTINGS as JupyterLab defaults in `settings_dir` (default: this environment's application
    settings dir, `<app dir>/settings`), in `overrides.d/`, where each package keeps its own file.

    Binder's postBuild calls this: the image is the learner's whole JupyterLab. Returns the file written."""
    if settings_dir is None:
        from jupyterlab.commands import get_app_dir

        settings_dir = Path(get_app_dir()) / "settings"
    target = Path(settings_dir) / "overrides.d" / _OVERRIDES_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(QUIET_SETTINGS, indent=2) + "\n")
    return target


def quiet_settings_dir(directory: Path | None = None) -> Path:
    """An application settings dir for `ingresslab lab` that leaves the environment's own untouched.

    It copies `<app dir>/settings` (page_config.json, other packages' overrides) into `directory/settings`, adds
    QUIET_SETTINGS, and links `directory/static` to the built application, which JupyterLab looks for beside the
    settings dir. Returns the settings dir to pass as `--LabApp.app_settings_dir`."""
    from jupyterlab.commands import get_app_dir

    app_dir = Path(get_app_dir())
    if directory is None:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        directory = cache / "ingresslab" / "jupyterlab"
    settings = Path(directory) / "settings"
    if settings.exists():
        shutil.rmtree(settings)
    original = app_dir / "settings"
    if original.is_dir():
        shutil.copytree(original, settings)
    install_quiet_settings(settings)
    static = Path(directory) / "static"
    if not static.exists() and (app_dir / "static").is_dir():
        # no symlinks (Windows without the privilege): only the built app's extension metadata is missed
        with contextlib.suppress(OSError):
            static.symlink_to(app_dir / "static", target_is_directory=True)
    return settings


def lab_command(
    root: Path,
    *,
    port: int | None = None,
    open_browser: bool = True,
    start: str = START_NOTEBOOK,
    allow_root: bool | None = None,
    settings_dir: Path | None = None,
) -> list[str]:
    """The argument list that starts JupyterLab in this Python, serving `root` and opening `start`.

    `settings_dir` (see `quiet_settings_dir`) replaces the application settings dir, e.g. to start without
    JupyterLab's news prompt."""
    # `python -m jupyterlab` rather than `jupyter lab` from PATH: the server and its kernels must share this
    # environment, where ingresslab and the widget extension are installed.
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url=/lab/tree/{start}",
    ]
    if settings_dir is not None:
        command.append(f"--LabApp.app_settings_dir={settings_dir}")
    if port is not None:
        command.append(f"--ServerApp.port={port}")
    if not open_browser:
        command.append("--no-browser")
    if allow_root is None:
        allow_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if allow_root:
        command.append("--allow-root")
    return command


def lab_environment(backend: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment: `base` (default: ours) with the notebooks' default backend set."""
    if backend not in BACKENDS:
        raise ValueError(f'backend must be "sandbox", "live" or "auto", not {backend!r}')
    env = dict(os.environ if base is None else base)
    env[BACKEND_ENV] = backend
    return env


class _Stop(Exception):
    """Raised in the main thread when the terminal closes or we are asked to stop."""


def _stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    # SIGTERM is JupyterLab's graceful shutdown: it stops the kernels without asking for confirmation.
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=SHUTDOWN_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=SHUTDOWN_SECONDS)


def run_lab(command: Sequence[str], env: Mapping[str, str], cwd: Path) -> int:
    """Run JupyterLab until it exits or the user presses Ctrl-C; returns its exit status (0 after Ctrl-C).

    The server is interactive, so it has no run timeout; stopping it has one: SIGTERM, then a kill after
    SHUTDOWN_SECONDS.
    """
    import importlib.util
    import threading

    if importlib.util.find_spec("jupyterlab") is None:
        raise LaunchError(
            f"JupyterLab is not installed in {sys.prefix}; run: {sys.executable} -m pip install jupyterlab"
        )
    # A session of its own keeps the terminal's Ctrl-C away from the server, which would otherwise ask
    # "Shut down this Jupyter server?" and race the SIGTERM sent below; one signal, one clean shutdown.
    process = subprocess.Popen(list(command), env=dict(env), cwd=str(cwd), start_new_session=True)
    handled = []
    if threading.current_thread() is threading.main_thread():

        def stop(signum: int, frame: object) -> None:
            raise _Stop(signum)

        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                handled.append((getattr(signal, name), signal.signal(getattr(signal, name), stop)))
    try:
        return process.wait()
    except (KeyboardInterrupt, _Stop):
        _stop_server(process)
        return 0
    finally:
        for signum, previous in handled:
            signal.signal(signum, previous)
        _stop_server(process)
