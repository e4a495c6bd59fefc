"""The benchmark runs end to end in quick mode and reports a ratio per format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingresslab.logs import FORMATS
from ingresslab.logs.fastpath import accelerated

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_logs.py"


def test_bench_quick_reports_every_format():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--lines", "500"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("format")))
    assert lines[header].split() == [
        "format",
        "iterate",
        "parse",
        "x",
        "auto",
        "x",
        "read",
        "x",
        "python",
        "x",
    ]
    rows = {line.split()[0]: line.split() for line in lines[header + 1 :]}
    assert set(rows) == set(FORMATS)
    for cells in rows.values():
        assert all(float(cells[i]) > 0 for i in (3, 5, 7, 9))  # each way's rate / iteration's
    expected = "in use" if accelerated() else "not built"
    assert any(line.startswith("compiled line checks: " + expected) for line in lines)
