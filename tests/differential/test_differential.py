"""The sandbox judged by the real thing: every case of cases.yaml through both kubectls (see diffrunner.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffrunner import load_accepted, load_cases, run_case

CASES = load_cases()
RULES = load_accepted()


def test_corpus_is_large_and_unique():
    assert len(CASES) >= 80
    assert len({c.id for c in CASES}) == len(CASES)


def test_accepted_rules_have_specific_reasons():
    for rule in RULES:
        assert len(rule["reason"].split()) >= 8, rule["id"]


@pytest.mark.reference
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case, reference_cluster, tmp_path):
    outcome = run_case(case, reference_cluster, tmp_path, RULES)
    if outcome.diff:
        pytest.fail(
            f"sandbox and real kubectl differ in {case.id} (normalised, -reference +sandbox):\n{outcome.diff}"
        )
