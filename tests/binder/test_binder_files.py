"""binder/ holds what repo2docker needs: pins for every package, a supported Python, postBuild and start."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

from packaging.requirements import Requirement  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402


def _requirements(path):
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def test_requirements_in_lists_exactly_the_packages_runtime_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = {
        canonicalize_name(Requirement(dep).name): str(Requirement(dep).specifier)
        for dep in project["dependencies"]
    }
    listed = {
        canonicalize_name(req.name): str(req.specifier) for req in _requirements(BINDER / "requirements.in")
    }
    assert listed == declared


def test_requirements_txt_pins_every_package_within_the_declared_ranges():
    options = [
        line for line in (BINDER / "requirements.txt").read_text().splitlines() if line.startswith("-")
    ]
    assert options == [], "pins only: index and find-links options belong to the machine, not the repository"
    pins = {canonicalize_name(req.name): req for req in _requirements(BINDER / "requirements.txt")}
    unpinned = [str(req) for req in pins.values() if not re.fullmatch(r"==[\w.]+", str(req.specifier))]
    assert unpinned == []
    for wanted in _requirements(BINDER / "requirements.in"):
        pin = pins.get(canonicalize_name(wanted.name))
        assert pin is not None, f"{wanted.name} is not pinned"
        version = str(pin.specifier).removeprefix("==")
        assert wanted.specifier.contains(version), f"{wanted.name}=={version} is outside {wanted.specifier}"
    # The widget front end must come from the same environment as the kernel side.
    assert {"jupyterlab-widgets", "ipykernel", "jupyterlab", "papermill"} <= pins.keys()


def test_runtime_is_a_python_the_project_supports():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match and 10 <= int(match.group(1)) <= 12, runtime


def test_post_build_is_an_executable_bash_script_that_installs_only_the_package():
    script = BINDER / "postBuild"
    text = script.read_text()
    assert text.startswith("#!/bin/bash\n")
    assert os.access(script, os.X_OK)
    assert re.search(r"pip install --no-deps\b.* -e \.$", text, re.M), text


@pytest.mark.parametrize(("preset", "expected"), [(None, "sandbox"), ("live", "live")])
def test_start_defaults_the_backend_to_the_sandbox_and_runs_the_given_command(preset, expected):
    env = {key: value for key, value in os.environ.items() if key != "INGRESSLAB_BACKEND"}
    if preset:
        env["INGRESSLAB_BACKEND"] = preset
    result = subprocess.run(
        ["bash", str(BINDER / "start"), sys.executable, "-c",
         "import os, sys; print(os.environ['INGRESSLAB_BACKEND']); sys.exit(3)"],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.stdout.strip() == expected
    assert result.returncode == 3, "start must exec the command and hand back its exit status"
