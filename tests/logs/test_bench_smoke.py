"""The benchmark runs end to end in quick mode and reports every way, ratio and target per format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_logs.py"
BENCHED = ("ingress-nginx", "istio", "envoy", "coredns")


def test_bench_quick_reports_every_format_and_target():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--lines", "500", "--requests", "200"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("format")))
    assert lines[header].split() == ["format", "iterate", "naive", "every", "x", "one", "x", "cli"]
    rows = {line.split()[0]: line.split() for line in lines[header + 1 : header + 1 + len(BENCHED)]}
    assert set(rows) == set(BENCHED)
    for cells in rows.values():
        assert all(float(cell.replace(",", "")) > 0 for cell in cells[1:])
    assert any(line.startswith("trace: `ingresslab trace` over 200 requests") for line in lines)
    targets = [line for line in lines if line.startswith("  ")]
    assert len(targets) == 3 * len(BENCHED)
    assert all(line.split()[0] in ("met", "NOT") for line in targets)
    assert "parsing: pure Python (no compiled code)" in lines
