"""Execute the tutorial's notebooks in order with papermill, headless, one shared lab for the whole run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NotebookFailed", "RunResult", "find_notebooks", "notebooks_dir", "run_notebooks"]


class NotebookFailed(Exception):
    """A notebook stopped on an error; names the notebook, the cell and the error."""

    def __init__(self, notebook: Path, cell: int | None, error: str) -> None:
        where = f"cell {cell}" if cell is not None else "a cell"
        super().__init__(f"{notebook.name}: {where} failed: {error}")
        self.notebook, self.cell, self.error = notebook, cell, error


@dataclass(frozen=True, slots=True)
class RunResult:
    notebook: Path
    output: Path
    seconds: float


def notebooks_dir() -> Path:
    """The tutorial's notebooks: beside the package in a checkout, or $INGRESSLAB_NOTEBOOKS."""
    env = os.environ.get("INGRESSLAB_NOTEBOOKS")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "notebooks", here / "notebooks"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        "cannot find the tutorial's notebooks; run from a checkout of ingresslab or set INGRESSLAB_NOTEBOOKS"
    )


def find_notebooks(names: Sequence[str] = (), directory: Path | None = None) -> list[Path]:
    """The numbered notebooks in reading order, or the ones named (by file name or number prefix)."""
    directory = directory or notebooks_dir()
    ordered = sorted(p for p in directory.glob("[0-9][0-9]-*.ipynb"))
    if not names:
        return ordered
    chosen = []
    for name in names:
        path = Path(name)
        if path.is_file():
            chosen.append(path)
            continue
        matches = [p for p in ordered if p.name == name or p.stem == name or p.name.startswith(f"{name}-")]
        if not matches:
            known = ", ".join(p.stem for p in ordered)
            raise FileNotFoundError(f"no notebook {name!r}; the tutorial has: {known}")
        chosen += matches
    return chosen


def _failure(exc: Exception, notebook: Path) -> NotebookFailed:
    cell = getattr(exc, "exec_count", None)
    name = getattr(exc, "ename", type(exc).__name__)
    value = getattr(exc, "evalue", str(exc))
    return NotebookFailed(notebook, cell, f"{name}: {value}")


def run_notebooks(
    notebooks: Sequence[Path],
    *,
    backend: str = "sandbox",
    output_dir: Path | None = None,
    state: str | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    kernel_name: str | None = None,
) -> list[RunResult]:
    """Execute `notebooks` in order sharing one sandbox; raises NotebookFailed at the first failure."""
    import time

    import papermill

    output_dir = output_dir or Path(tempfile.mkdtemp(prefix="ingresslab-run-"))
    output_dir.mkdir(parents=True, exist_ok=True)
    # A fresh sandbox for the run, shared by its notebooks in order (02 builds on what 01 deployed).
    state = state or str(output_dir / "sandbox.json")
    results = []
    for notebook in notebooks:
        out = output_dir / notebook.name
        if progress:
            progress(f"running {notebook.name} …")
        started = time.perf_counter()
        try:
            papermill.execute_notebook(
                str(notebook),
                str(out),
                parameters={"backend": backend, "state": state, "seed": seed},
                cwd=str(notebook.parent),
                kernel_name=kernel_name or "python3",
                language="python",
                progress_bar=False,
                log_output=False,
            )
        except papermill.PapermillExecutionError as exc:
            raise _failure(exc, notebook) from None
        results.append(RunResult(notebook, out, time.perf_counter() - started))
        if progress:
            progress(f"  ok in {results[-1].seconds:.1f} s → {out}")
    return results
