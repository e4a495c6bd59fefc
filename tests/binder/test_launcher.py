"""The launcher: the default backend from the environment, the working folder, JupyterLab's command line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ingresslab import launcher
from ingresslab.launcher import (
    BACKEND_ENV,
    START_NOTEBOOK,
    LaunchError,
    default_backend,
    lab_command,
    lab_environment,
    prepare_workspace,
)


@pytest.mark.parametrize(
    ("requested", "env", "expected"),
    [
        ("auto", None, "auto"),
        ("auto", "sandbox", "sandbox"),
        ("auto", " Live ", "live"),
        ("auto", "", "auto"),
        ("sandbox", "live", "sandbox"),
        ("live", "sandbox", "live"),
    ],
)
def test_default_backend_lets_the_environment_decide_only_for_auto(monkeypatch, requested, env, expected):
    monkeypatch.delenv(BACKEND_ENV, raising=False)
    if env is not None:
        monkeypatch.setenv(BACKEND_ENV, env)
    assert default_backend(requested) == expected


def test_default_backend_names_a_bad_environment_value_and_the_fix(monkeypatch):
    monkeypatch.setenv(BACKEND_ENV, "minikube")
    with pytest.raises(
        ValueError, match=r"INGRESSLAB_BACKEND='minikube' is not a backend; set it to sandbox"
    ):
        default_backend("auto")
    with pytest.raises(ValueError, match="not 'cluster'"):
        default_backend("cluster")


def _tutorial(root: Path) -> Path:
    """A miniature of the checkout: notebooks/ whose istio-deepdive links to the package's manifests."""
    manifests = root / "pkg" / "manifests" / "istio-deepdive"
    manifests.mkdir(parents=True)
    (manifests / "ingress.yaml").write_text("kind: Ingress\n")
    (manifests / ".ipynb_checkpoints").mkdir()  # an editor's leftovers, not part of the tutorial
    (manifests / ".ipynb_checkpoints" / "ingress-checkpoint.yaml").write_text("kind: Ingress\n")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    (notebooks / START_NOTEBOOK).write_text('{"cells": []}')
    (notebooks / "01-demo-app.ipynb").write_text('{"cells": [1]}')
    (notebooks / "istio-deepdive").symlink_to(manifests)
    return notebooks


def test_a_checkout_serves_its_own_notebooks_without_copying(tmp_path):
    source = _tutorial(tmp_path)
    workspace = prepare_workspace(source=source)
    assert workspace.path == source and workspace.from_checkout
    assert workspace.copied == [] and workspace.kept == []


def test_the_real_checkout_is_served_in_place():
    workspace = prepare_workspace()
    assert workspace.from_checkout
    assert (workspace.path / START_NOTEBOOK).is_file()


def test_a_working_copy_gets_the_notebooks_and_real_manifest_files(tmp_path):
    source = _tutorial(tmp_path)
    workspace = prepare_workspace(tmp_path / "mine", source=source)
    assert not workspace.from_checkout
    assert workspace.copied == [START_NOTEBOOK, "01-demo-app.ipynb", "istio-deepdive/ingress.yaml"]
    manifest = tmp_path / "mine" / "istio-deepdive" / "ingress.yaml"
    assert manifest.read_text() == "kind: Ingress\n"
    assert not manifest.is_symlink() and not manifest.parent.is_symlink()


def test_a_second_launch_keeps_the_learners_edits_and_restores_deleted_files(tmp_path):
    source = _tutorial(tmp_path)
    target = tmp_path / "mine"
    prepare_workspace(target, source=source)
    (target / START_NOTEBOOK).write_text("my notes")
    (target / "01-demo-app.ipynb").unlink()

    again = prepare_workspace(target, source=source)
    assert again.copied == ["01-demo-app.ipynb"]
    assert again.kept == [START_NOTEBOOK, "istio-deepdive/ingress.yaml"]
    assert (target / START_NOTEBOOK).read_text() == "my notes"


def test_an_installed_package_copies_to_the_home_folder_by_default(tmp_path, monkeypatch):
    source = _tutorial(tmp_path)
    monkeypatch.setattr(launcher, "_is_installed", lambda notebooks: notebooks == source)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    workspace = prepare_workspace(source=source)
    assert workspace.path == tmp_path / "home" / "ingresslab-notebooks"
    assert not workspace.from_checkout and (workspace.path / START_NOTEBOOK).is_file()


def test_installed_means_the_notebooks_live_inside_the_package(tmp_path):
    package_dir = Path(launcher.__file__).resolve().parent
    assert launcher._is_installed(package_dir / "notebooks")
    assert not launcher._is_installed(package_dir.parent / "notebooks")
    assert not launcher._is_installed(tmp_path)


def test_a_folder_without_the_start_notebook_or_a_file_as_target_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(LaunchError, match=f"has no {START_NOTEBOOK}"):
        prepare_workspace(source=empty)
    source = _tutorial(tmp_path)
    (tmp_path / "file").write_text("")
    with pytest.raises(LaunchError, match="is a file; pass --dir with a folder"):
        prepare_workspace(tmp_path / "file", source=source)


def test_lab_command_runs_this_pythons_jupyterlab_on_the_folder_opening_the_start_notebook(tmp_path):
    command = lab_command(tmp_path, port=9999, open_browser=False, allow_root=False)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}" in command
    assert "--ServerApp.port=9999" in command and "--no-browser" in command
    assert "--allow-root" not in command
    default = lab_command(tmp_path, allow_root=True)
    assert "--no-browser" not in default and "--allow-root" in default
    assert not any(arg.startswith("--ServerApp.port") for arg in default)


def test_lab_environment_sets_the_backend_for_the_notebooks():
    env = lab_environment("sandbox", {"PATH": "/bin", BACKEND_ENV: "live"})
    assert env == {"PATH": "/bin", BACKEND_ENV: "sandbox"}
    with pytest.raises(ValueError, match="not 'kind'"):
        lab_environment("kind")
