"""The notebook suite's cost next to its floor: executing the same number of empty notebooks (kernel start,
papermill overhead) in the same run. Target: the suite within 2x the floor. Also times `import ingresslab`.

    python bench/bench_notebooks.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from ingresslab.runner import find_notebooks, run_notebooks

REPEATS = 3


def empty_notebooks(directory: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        nb = new_notebook(
            cells=[
                new_code_cell(
                    'backend = "auto"\nstate = "default"\nseed = 0', metadata={"tags": ["parameters"]}
                )
            ]
        )
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        path = directory / f"{i:02d}-empty.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def import_ms() -> float:
    code = "import time; t = time.perf_counter(); import ingresslab; print((time.perf_counter() - t) * 1000)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
            ).stdout
        )
        for _ in range(5)
    ]
    return min(runs)


def main() -> None:
    # Kernels import ingresslab from source; compile it once, as `pip install` does for an installed package
    # (some environments set PYTHONDONTWRITEBYTECODE, which would otherwise bill every kernel for compiling).
    import compileall

    import ingresslab

    compileall.compile_dir(Path(ingresslab.__file__).parent, quiet=1)
    notebooks = find_notebooks()
    floors, suites, results = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "empty").mkdir()
        empties = empty_notebooks(tmp_path / "empty", len(notebooks))
        # Interleave floor and suite runs and keep the best of each: kernel start-up time swings with load.
        for round_ in range(REPEATS):
            t0 = time.perf_counter()
            run_notebooks(empties, output_dir=tmp_path / f"out-empty-{round_}")
            floors.append(time.perf_counter() - t0)
            t1 = time.perf_counter()
            results = run_notebooks(notebooks, backend="sandbox", output_dir=tmp_path / f"out-{round_}")
            suites.append(time.perf_counter() - t1)
    for r in results:
        print(f"  {r.notebook.name:<28} {r.seconds:6.1f} s")
    suite, floor = min(suites), min(floors)
    print(
        f"suite: {suite:.1f} s for {len(notebooks)} notebooks; floor (empty notebooks): {floor:.1f} s; "
        f"ratio {suite / floor:.2f}x (best of {REPEATS} interleaved runs each)"
    )
    print(f"import ingresslab: {import_ms():.1f} ms (best of 5, fresh interpreters)")


if __name__ == "__main__":
    main()
