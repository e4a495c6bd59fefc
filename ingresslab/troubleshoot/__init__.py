"""Troubleshooting: break the demo on purpose, observe the symptom, guess, and let `diagnose` name the cause.

run = lab.scenario("selector-typo").apply()
response = run.observe()            # 503
print(lab.diagnose(response))       # FAULT [selector-matches-no-pod] … evidence … fix
run.undo()
"""

from __future__ import annotations

from ingresslab.troubleshoot import workload_scenarios  # noqa: F401  (registers its scenarios)
from ingresslab.troubleshoot.diagnose import diagnose
from ingresslab.troubleshoot.findings import CAUSES, Clue, Diagnosis, cause_title
from ingresslab.troubleshoot.guess import Guess, GuessBox
from ingresslab.troubleshoot.probe import PodRequest, request_from_pod
from ingresslab.troubleshoot.scenarios import (
    SCENARIOS,
    Scenario,
    ScenarioRun,
    get_scenario,
    register_scenario,
)

__all__ = [
    "CAUSES",
    "SCENARIOS",
    "Clue",
    "Diagnosis",
    "Guess",
    "GuessBox",
    "PodRequest",
    "Scenario",
    "ScenarioRun",
    "cause_title",
    "diagnose",
    "get_scenario",
    "register_scenario",
    "request_from_pod",
]
