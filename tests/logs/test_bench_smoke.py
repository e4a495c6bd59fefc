"""The benchmark runs end to end in quick mode and reports a ratio per format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingresslab.logs import FORMATS

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
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    assert set(rows) == set(FORMATS)
    for cells in rows.values():
        assert float(cells[3]) > 0 and float(cells[5]) > 0  # parse / iterate ratios
