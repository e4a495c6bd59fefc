"""Rule matching as the controllers do it, the Diagnosis views, and the guess box's logic without a browser."""

from __future__ import annotations

import pytest

from ingresslab.troubleshoot import CAUSES, Clue, Diagnosis, GuessBox
from ingresslab.troubleshoot.rules import gateway_host_matches, host_matches, match_ingresses, path_matches


@pytest.mark.parametrize(
    ("rule", "host", "expected"),
    [
        ("*.example.com", "yuya.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "a.b.example.com", False),
        (None, "anything.test", True),
        ("yuya.example.com", "YUYA.example.com:80", True),
    ],
)
def test_ingress_host_wildcard_covers_one_label(rule, host, expected):
    assert host_matches(rule, host) is expected


def test_gateway_hosts_accept_namespace_prefix_and_suffix_wildcards():
    assert gateway_host_matches("application/*.yuya.com", "a.b.yuya.com")
    assert not gateway_host_matches("*.yuya.com", "yuya.example.com")
    assert not gateway_host_matches("example.com", "yuya.example.com")


@pytest.mark.parametrize(
    ("ptype", "rule", "path", "expected"),
    [
        ("Exact", "/v1", "/v1", True),
        ("Exact", "/v1", "/v1/", False),
        ("Prefix", "/foo", "/foo/bar", True),
        ("Prefix", "/foo", "/foobar", False),
        ("Prefix", "/", "/anything", True),
    ],
)
def test_path_types_follow_networking_v1(ptype, rule, path, expected):
    assert path_matches(ptype, rule, path) is expected


def _ingress(paths):
    return {
        "metadata": {"name": "i", "namespace": "n"},
        "spec": {"rules": [{"host": "*.example.com", "http": {"paths": paths}}]},
    }


def test_longest_path_wins_and_exact_beats_prefix_at_equal_length():
    def p(path, ptype, svc):
        return {"path": path, "pathType": ptype, "backend": {"service": {"name": svc}}}

    ing = _ingress([p("/", "Prefix", "catch"), p("/v1", "Prefix", "pre"), p("/v1", "Exact", "exact")])
    assert match_ingresses([ing], "a.example.com", "/v1").service == "exact"
    assert match_ingresses([ing], "a.example.com", "/v1/x").service == "pre"
    assert match_ingresses([ing], "example.com", "/v1") is None


def test_diagnosis_views_show_cause_evidence_and_fix():
    d = Diagnosis("wrong-target-port", "refused", [Clue("Service", "port 7777 → <b>")], "kubectl edit svc x")
    text = str(d)
    assert text.startswith("FAULT [wrong-target-port]") and "Service: port 7777 → <b>" in text
    assert "kubectl edit svc x" in text
    assert "&lt;b&gt;" in d._repr_html_() and not d.ok
    assert str(Diagnosis(None, "fine")).startswith("OK [none] No fault")


class _FakeLab:
    def __init__(self, cause):
        self.cause, self.calls = cause, 0

    def diagnose(self, evidence):
        self.calls += 1
        return Diagnosis(self.cause, f"diagnosed {evidence}")


def test_guess_box_click_records_the_guess_against_diagnose():
    lab = _FakeLab("selector-matches-no-pod")
    box = GuessBox(lab, "evidence")
    box.dropdown.value = "wrong-target-port"
    box.button.click()
    box.dropdown.value = "selector-matches-no-pod"
    box.button.click()
    assert [g.right for g in box.guesses] == [False, True]
    assert lab.calls == 1  # diagnosed once, compared twice
    assert "right" in box.output.value and "diagnosed evidence" in repr(box)


def test_guess_box_no_fault_option_and_unknown_cause():
    box = GuessBox(_FakeLab(None), "e")
    assert box.check("none").right
    with pytest.raises(ValueError, match="pick one of"):
        box.check("not-a-cause")
    assert {v for _, v in box.dropdown.options} == {"none", *CAUSES}
