"""JupyterLab starts without its news prompt: the settings `ingresslab lab` and Binder's postBuild write."""

from __future__ import annotations

import json
from pathlib import Path

from ingresslab.launcher import QUIET_SETTINGS, install_quiet_settings, lab_command, quiet_settings_dir

REPO = Path(__file__).resolve().parents[2]
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_the_settings_answer_the_news_question_and_turn_off_update_checks():
    assert QUIET_SETTINGS[NOTIFICATION] == {"fetchNews": "false", "checkForUpdates": False}


def test_install_writes_a_namespaced_overrides_file(tmp_path):
    path = install_quiet_settings(tmp_path / "settings")
    assert path == tmp_path / "settings" / "overrides.d" / "ingresslab.json"
    assert json.loads(path.read_text()) == QUIET_SETTINGS


def test_the_private_settings_dir_keeps_the_environments_own_and_sits_beside_the_built_app(tmp_path):
    from jupyterlab.commands import get_app_dir

    settings = quiet_settings_dir(tmp_path / "lab")
    assert settings == tmp_path / "lab" / "settings"
    assert json.loads((settings / "overrides.d" / "ingresslab.json").read_text()) == QUIET_SETTINGS
    original = Path(get_app_dir()) / "settings"
    if original.is_dir():
        for item in original.rglob("*"):
            assert (settings / item.relative_to(original)).exists(), item
    if (Path(get_app_dir()) / "static").is_dir():
        assert (tmp_path / "lab" / "static" / "package.json").exists()
    # a second launch starts from a clean copy
    (settings / "stale.json").write_text("{}")
    assert not (quiet_settings_dir(tmp_path / "lab") / "stale.json").exists()


def test_lab_command_passes_the_settings_dir_and_opens_the_first_notebook(tmp_path):
    command = lab_command(tmp_path, settings_dir=tmp_path / "s", allow_root=False)
    assert f"--LabApp.app_settings_dir={tmp_path / 's'}" in command
    assert "--LabApp.default_url=/lab/tree/00-start-here.ipynb" in command
    assert not any("app_settings_dir" in a for a in lab_command(tmp_path, allow_root=False))


def test_binder_post_build_installs_the_quiet_settings():
    text = (REPO / "binder" / "postBuild").read_text()
    assert "install_quiet_settings()" in text
