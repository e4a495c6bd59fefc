"""Every notebook runs clean on a fresh sandbox under papermill; its checkpoint cells are the assertions."""

from __future__ import annotations

import json

import pytest

from ingresslab.runner import NotebookFailed, find_notebooks, run_notebooks

NOTEBOOKS = find_notebooks()


def test_notebooks_are_numbered_and_committed_without_outputs():
    assert [nb.name[:2] for nb in NOTEBOOKS] == [f"{i:02d}" for i in range(len(NOTEBOOKS))]
    for nb in NOTEBOOKS:
        data = json.loads(nb.read_text())
        cells = data["cells"]
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells), nb.name
        assert all(
            not c.get("outputs") and c.get("execution_count") is None
            for c in cells
            if c["cell_type"] == "code"
        ), nb.name
        text = "\n".join("".join(c["source"]) for c in cells)
        for heading in ("## Overview", "## Prerequisites", "## Summary", "## What's next"):
            assert heading in text, f"{nb.name} lacks {heading}"
        assert "Checkpoint" in text, f"{nb.name} has no checkpoint"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_clean_on_a_fresh_sandbox(notebook, tmp_path):
    results = run_notebooks(
        [notebook], backend="sandbox", output_dir=tmp_path, state=str(tmp_path / "lab.json")
    )
    executed = json.loads(results[0].output.read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    checkpoint_outputs = [
        "".join(o.get("text", ""))
        for c in executed["cells"]
        if "assert" in "".join(c["source"])
        for o in c.get("outputs", [])
    ]
    assert any("checkpoint passed" in text for text in checkpoint_outputs)


def _checkpoints_passed(executed: dict) -> list[str]:
    return [
        "".join(o.get("text", ""))
        for c in executed["cells"]
        if c["cell_type"] == "code" and "assert" in "".join(c["source"])
        for o in c.get("outputs", [])
        if "checkpoint passed" in "".join(o.get("text", ""))
    ]


@pytest.mark.slow
def test_the_whole_series_runs_in_order_on_one_sandbox(tmp_path):
    """What a learner does: 00 to 06 one after the other on one cluster. Each notebook's catch-up must then
    change nothing it narrates, and every checkpoint must hold on the state the earlier notebooks left."""
    results = run_notebooks(
        NOTEBOOKS, backend="sandbox", output_dir=tmp_path, state=str(tmp_path / "lab.json")
    )
    assert [r.notebook for r in results] == NOTEBOOKS
    for result in results:
        executed = json.loads(result.output.read_text())
        errors = [
            o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"
        ]
        assert errors == [], result.notebook.name
        checkpoints = [
            c for c in executed["cells"] if c["cell_type"] == "code" and "assert" in "".join(c["source"])
        ]
        assert len(_checkpoints_passed(executed)) == len(checkpoints), result.notebook.name


def test_a_failing_cell_is_reported_with_the_notebook_and_the_error(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_code_cell("backend = 'sandbox'", metadata={"tags": ["parameters"]}),
            new_code_cell("assert 1 == 2, 'boom'"),
        ]
    )
    path = tmp_path / "99-broken.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(NotebookFailed) as err:
        run_notebooks([path], output_dir=tmp_path / "out")
    assert "99-broken.ipynb" in str(err.value) and "AssertionError: boom" in str(err.value)
