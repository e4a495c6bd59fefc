"""Rebuild the Binder environment from binder/ the way repo2docker does, then run 00-start-here in it.

repo2docker itself needs Docker, which CI machines do not have, so this test replays its steps for a
`binder/` folder with requirements.txt and postBuild: a fresh Python environment, `pip install -r
binder/requirements.txt`, then `binder/postBuild` run by bash from the repository's root, and at launch time
`binder/start` wrapping the server's command. Installing ~130 pinned packages from PyPI takes about a minute
with a warm pip cache; the whole test stays under three minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

INSTALL_TIMEOUT = 600


def _run(
    command: list[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, (
        f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result


def test_binder_environment_builds_and_runs_the_start_notebook_on_the_sandbox(repo_copy, tmp_path):
    venv = tmp_path / "env"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, env=dict(os.environ), timeout=120)
    bin_dir = venv / "bin"
    home = tmp_path / "home"
    home.mkdir()
    # The image's environment: its Python first on PATH, a user home of its own, no cluster configured.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "INGRESSLAB_BACKEND", "KUBECONFIG"))
    }
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv), PYTHONNOUSERSITE="1"
    )
    python = str(bin_dir / "python")

    _run(
        [python, "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=repo_copy,
        env=env,
        timeout=INSTALL_TIMEOUT,
    )
    _run(["bash", "binder/postBuild"], cwd=repo_copy, env=env, timeout=INSTALL_TIMEOUT)

    # From here on the session runs as the Binder user would: HOME is theirs, and kubeconfig is absent.
    env.update(HOME=str(home), KUBECONFIG=str(home / ".kube" / "config"))
    where = _run(
        [python, "-c", "import ingresslab, jupyterlab_widgets; print(ingresslab.__file__)"],
        cwd=home,
        env=env,
        timeout=120,
    )
    assert Path(where.stdout.strip()).is_relative_to(repo_copy), "postBuild did not install this checkout"
    extensions = _run([python, "-m", "jupyterlab.labextensions", "list"], cwd=home, env=env, timeout=120)
    manager = [
        line for line in (extensions.stdout + extensions.stderr).splitlines() if "jupyterlab-manager" in line
    ]
    assert manager and "enabled" in manager[0] and "OK" in manager[0], extensions.stdout + extensions.stderr

    executed = tmp_path / "00-start-here.out.ipynb"
    # binder/start wraps the server's command; everything the server starts, kernels included, inherits it.
    _run(
        [
            "bash",
            "binder/start",
            python,
            "-m",
            "papermill",
            "notebooks/00-start-here.ipynb",
            str(executed),
            "--cwd",
            "notebooks",
            "-k",
            "python3",
            "-p",
            "state",
            str(tmp_path / "sandbox.json"),
            "--no-progress-bar",
        ],
        cwd=repo_copy,
        env=env,
        timeout=300,
    )
    cells = json.loads(executed.read_text())["cells"]
    texts = [
        "".join(output.get("text", ""))
        for cell in cells
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    ]
    assert not [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert any(text.startswith("sandbox") for text in texts), texts
    assert any("checkpoint passed: connected to sandbox" in text for text in texts), texts
