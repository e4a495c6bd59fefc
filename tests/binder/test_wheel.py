"""A wheel carries the notebooks, so an installed (non-editable) ingresslab can lay out a learner's folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

pytestmark = pytest.mark.slow

PROBE = (
    "import json, ingresslab\n"
    "from ingresslab.launcher import prepare_workspace\n"
    "from ingresslab.runner import notebooks_dir\n"
    "w = prepare_workspace()\n"
    "print(json.dumps({'package': ingresslab.__file__, 'notebooks': str(notebooks_dir()), 'path': str(w.path),\n"
    "                  'from_checkout': w.from_checkout, 'copied': w.copied}))\n"
)


def test_an_installed_wheel_ships_the_notebooks_and_copies_them_to_the_learners_home(repo_copy, tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(repo_copy)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = dist.glob("ingresslab-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        manifest = archive.getinfo("ingresslab/notebooks/istio-deepdive/depl-helloworld.yaml")
        assert (manifest.external_attr >> 28) != 0o12, "the manifest must be a real file, not a symlink"
        assert b"kind: Deployment" in archive.read(manifest)
    assert "ingresslab/notebooks/00-start-here.ipynb" in names
    assert (repo_copy / "tests/reference/go/kube/go.mod").is_file()
    stray = [n for n in names if not n.startswith("ingresslab/") and ".dist-info/" not in n]
    assert not stray, f"only the package ships, not the reference cluster or other test files: {stray[:5]}"
    # pure Python: one wheel for every platform Binder or JupyterHub installs it on
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    assert not [n for n in names if n.endswith((".so", ".pyd", ".c"))]

    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "INGRESSLAB_NOTEBOOKS"}
    env.update(PYTHONPATH=str(site), HOME=str(home))
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen["package"].startswith(str(site))
    assert seen["notebooks"] == str(site / "ingresslab" / "notebooks")
    assert seen["path"] == str(home / "ingresslab-notebooks") and not seen["from_checkout"]
    assert "00-start-here.ipynb" in seen["copied"] and "istio-deepdive/depl-helloworld.yaml" in seen["copied"]
    assert (home / "ingresslab-notebooks" / "istio-deepdive" / "depl-helloworld.yaml").is_file()
