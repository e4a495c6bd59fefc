"""The normaliser and table checks the differential corpus relies on (no cluster needed)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffnorm import Tally, compare_text, normalise, table_layout_ok
from diffrunner import load_accepted, load_cases


def test_generated_names_ips_and_ports_become_class_placeholders():
    tally = Tally()
    text = "pod/dest-depl-v1-7b74f64fcf-ppdtf 10.244.0.3 10.108.78.105 7777:31234/TCP 192.168.76.2\n"
    assert (
        normalise(text, tally)
        == "pod/dest-depl-v1-<hash>-<sfx> <pod-ip> <cluster-ip> 7777:<node-port>/TCP <node-ip>\n"
    )
    assert tally.counts() == {"cluster-ip": 1, "hash": 1, "node-port": 1, "pod-ip": 1, "suffix": 1}


def test_declared_node_ports_fixed_service_ips_and_words_stay():
    text = "7777:30101/TCP 10.96.0.10 dest-svc-error hw-v1 kube-system\n"
    assert normalise(text, Tally(), declared_ports=frozenset({30101})) == text


def test_a_misaligned_table_is_reported_and_an_aligned_one_is_not():
    good = "NAME     READY   AGE\nweb      1/1     5s\nlonger   0/1     10m\n"
    assert table_layout_ok(good) is None
    bad = good.replace("web      1/1", "web     1/1 ")
    assert table_layout_ok(bad) is not None


def test_tables_compare_by_cells_whatever_width_the_random_values_had():
    tally = Tally()
    short = "NAME   IP           AGE\nweb    10.244.0.5   5s\n"
    long = "NAME   IP             AGE\nweb    10.244.0.155   12m\n"
    assert compare_text(short, tally, frozenset(), tables=True) == compare_text(
        long, Tally(), frozenset(), tables=True
    )


def test_headerless_tables_and_event_ages():
    a, problems = compare_text("web   1/1   2s\n", Tally(), frozenset(), tables=True, headerless=True)
    assert a == "web | 1/1 | <age>\n" and problems == []
    events = "Events:\n  Type    Reason     Age   From\n  Normal  Scheduled  12s   default-scheduler\n"
    text, _ = compare_text(events, Tally(), frozenset(), tables=True)
    assert "Normal | Scheduled | <age> | default-scheduler" in text


def test_the_corpus_loads_with_unique_namespaces_and_node_ports():
    cases = load_cases()
    ports = [p for c in cases for p in c.ports]
    assert len(set(ports)) == len(ports) and min(ports) > 30003 and max(ports) <= 32767
    assert len({c.namespaces for c in cases}) == len(cases)
    assert all(rule["_pattern"] for rule in load_accepted())


def test_an_events_name_ends_in_a_time():
    tally = Tally()
    text = "name: web-54466ccbf7.18eed0e17eb94085\nname: web.17f55e34034ad700\nhost: a.b\n"
    assert normalise(text, tally) == "name: web-<hash>.<event-ts>\nname: web.<event-ts>\nhost: a.b\n"
    assert tally.counts() == {"hash": 1}
