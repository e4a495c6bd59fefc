"""`kubectl events` (kubectl 1.31, pkg/cmd/events) over the sandbox: the table, its order, filters, output
formats, the bounded watch and kubectl's texts (tests/differential compares it with real kubectl)."""

from __future__ import annotations

import json
import re

import pytest
import yaml

import ingresslab
from ingresslab.kube.printers.events import (
    EventWatchPrinter,
    event_interval,
    sort_events,
    typed_event,
)
from ingresslab.kube.timefmt import parse_time
from ingresslab.proxyconfig.gosort import go_sort_slice


@pytest.fixture
def lab():
    lab = ingresslab.connect("sandbox", state=None)
    assert lab.kubectl("create namespace ev").returncode == 0
    assert lab.kubectl("-n ev create deployment web --image=nginx --replicas=2").returncode == 0
    return lab


def _rows(text: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines()]


def test_the_table_names_objects_by_kind_and_sorts_by_time(lab):
    r = lab.kubectl("-n ev events")
    assert r.returncode == 0 and r.stderr == ""
    rows = _rows(r.stdout)
    assert rows[0] == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    objects = {row[3].split("/")[0] for row in rows[1:]}
    assert objects == {
        "Pod",
        "ReplicaSet",
        "Deployment",
    }  # the Kind as stored, not `kubectl get`'s lower case
    reasons = [row[2] for row in rows[1:]]
    assert {"ScalingReplicaSet", "SuccessfulCreate", "Scheduled"} <= set(reasons)
    events = lab.backend.list("events", "ev")
    times = [parse_time(e.get("lastTimestamp") or e["eventTime"]).timestamp() for e in sort_events(events)]
    assert times == sorted(times)


def test_for_filters_on_the_involved_object(lab):
    r = lab.kubectl("-n ev events --for deployment/web")
    rows = _rows(r.stdout)
    assert rows[0] == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert [row[1:4] for row in rows[1:]] == [["Normal", "ScalingReplicaSet", "Deployment/web"]]
    assert rows[1][4].startswith("Scaled up replica set web-") and rows[1][4].endswith(" to 2")
    assert _rows(lab.kubectl("-n ev events --for deploy/web").stdout) == rows  # any name the mapper knows
    pod = lab.backend.list("pods", "ev")[0]["metadata"]["name"]
    mine = _rows(lab.kubectl(f"-n ev events --for pod/{pod}").stdout)[1:]
    assert mine and {row[3] for row in mine} == {f"Pod/{pod}"}


def test_nothing_found_is_said_on_stderr(lab):
    r = lab.kubectl("-n ev events --types=Warning")
    assert (r.stdout, r.stderr, r.returncode) == ("", "No events found in ev namespace.\n", 0)
    r = lab.kubectl("events -A --types warning")
    assert (r.stdout, r.stderr, r.returncode) == ("", "No events found.\n", 0)
    r = lab.kubectl("-n ev events --for deployment/nope -o yaml")
    assert (r.stdout, r.stderr, r.returncode) == ("", "No events found in ev namespace.\n", 0)


def test_types_are_case_insensitive_and_may_repeat(lab):
    r = lab.kubectl("-n ev events --types normal,Normal --types=NORMAL --no-headers")
    assert r.returncode == 0
    assert r.stdout and not r.stdout.startswith("LAST SEEN")
    assert r.stdout == lab.kubectl("-n ev events --no-headers").stdout


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        ("--for deployment", "error: --for must be in resource/name form\n"),
        ("--for a/b/c", "error: arguments in resource/name form may not have more than one slash\n"),
        ("--for foo/bar", 'the server doesn\'t have a resource type "foo"\n'),
        ("--types=Foo", "error: valid --types are Normal or Warning\n"),
        (
            "-o wide",
            'error: unable to match a printer suitable for the output format "wide", allowed formats are: '
            "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,"
            "yaml\n",
        ),
    ],
)
def test_kubectls_errors(lab, args, stderr):
    r = lab.kubectl(f"-n ev events {args}")
    assert (r.stdout, r.stderr, r.returncode) == ("", stderr, 1)


def test_all_namespaces_adds_the_namespace_column(lab):
    rows = _rows(lab.kubectl("events -A").stdout)
    assert rows[0] == ["NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert any(row[0] == "ev" and row[4] == "Deployment/web" for row in rows[1:])


def test_json_is_a_typed_event_list_in_struct_order(lab):
    r = lab.kubectl("-n ev events --for deployment/web -o json")
    assert r.stdout.startswith('{\n    "kind": "EventList",\n    "apiVersion": "v1",\n    "metadata": {},\n')
    data = json.loads(r.stdout)
    (item,) = data["items"]
    assert list(item) == [
        "kind",
        "apiVersion",
        "metadata",
        "involvedObject",
        "reason",
        "message",
        "source",
        "firstTimestamp",
        "lastTimestamp",
        "count",
        "type",
        "eventTime",
        "reportingComponent",
        "reportingInstance",
    ]
    assert list(item["metadata"]) == ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"]
    assert list(item["involvedObject"]) == [
        "kind",
        "namespace",
        "name",
        "uid",
        "apiVersion",
        "resourceVersion",
    ]
    assert item["eventTime"] is None and item["reportingInstance"] == ""


def test_a_scheduler_event_has_no_count_and_null_timestamps(lab):
    pod = lab.backend.list("pods", "ev")[0]["metadata"]["name"]
    data = json.loads(lab.kubectl(f"-n ev events --for pod/{pod} -o json").stdout)
    scheduled = next(i for i in data["items"] if i["reason"] == "Scheduled")
    assert "count" not in scheduled and scheduled["source"] == {}
    assert scheduled["firstTimestamp"] is None and scheduled["lastTimestamp"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", scheduled["eventTime"])
    assert scheduled["action"] == "Binding" and scheduled["reportingComponent"] == "default-scheduler"


def test_yaml_is_the_same_list_with_sorted_keys(lab):
    text = lab.kubectl("-n ev events --for deployment/web -o yaml").stdout
    assert text.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  count: 1\n  eventTime: null\n")
    assert text.endswith("kind: EventList\nmetadata: {}\n")
    assert yaml.safe_load(text)["items"][0]["reason"] == "ScalingReplicaSet"


def test_name_prints_nothing_and_jsonpath_sees_the_list(lab):
    assert (lab.kubectl("-n ev events -o name").stdout, lab.kubectl("-n ev events -o name").returncode) == (
        "",
        0,
    )
    assert lab.kubectl("-n ev events -o jsonpath={.kind}").stdout == "EventList"
    kinds = lab.kubectl("-n ev events -o jsonpath={.items[*].kind}").stdout.split()
    assert set(kinds) == {"Event"}


def test_watch_lists_in_key_order_and_ends_with_the_get_w_note(lab):
    r = lab.kubectl("-n ev events -w")
    get_w = lab.kubectl("-n ev get pods -w")
    assert r.returncode == 0 and r.stderr == get_w.stderr.splitlines(True)[-1]
    names = [e["metadata"]["name"] for e in lab.backend.list("events", "ev")]
    rows = _rows(r.stdout)
    assert rows[0] == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"] and len(rows) == len(names) + 1
    assert "after 2s" in lab.kubectl("-n ev events -w --request-timeout=2s").stderr
    quiet = lab.kubectl("-n ev events -w --types=Warning")
    assert quiet.stdout == "" and "No events" not in quiet.stderr


def test_the_watch_tabwriter_remembers_widths():
    now = parse_time("2024-09-15T08:40:20Z")

    def ev(reason: str, kind: str, name: str) -> dict:
        return {
            "metadata": {"name": f"{name}.1", "namespace": "ev"},
            "involvedObject": {"kind": kind, "name": name},
            "type": "Normal",
            "reason": reason,
            "message": "m",
            "count": 1,
            "firstTimestamp": "2024-09-15T08:40:10Z",
            "lastTimestamp": "2024-09-15T08:40:10Z",
        }

    printer = EventWatchPrinter(now)
    out = printer.print(ev("Scheduled", "Pod", "web-x"))
    out += printer.print(ev("SuccessfulCreate", "ReplicaSet", "web-54466ccbf7"))
    out += printer.print(ev("Killing", "Pod", "a"))
    assert out == (
        "LAST SEEN   TYPE     REASON      OBJECT      MESSAGE\n"
        "10s         Normal   Scheduled   Pod/web-x   m\n"
        "10s         Normal   SuccessfulCreate   ReplicaSet/web-54466ccbf7   m\n"
        "10s         Normal   Killing            Pod/a                       m\n"
    )


def test_last_seen_of_repeats_and_series():
    now = parse_time("2024-09-15T09:00:00Z")
    counted = {
        "count": 4,
        "firstTimestamp": "2024-09-15T08:50:00Z",
        "lastTimestamp": "2024-09-15T08:57:00Z",
        "eventTime": None,
    }
    assert event_interval(counted, now) == "3m (x4 over 10m)"
    once = {"count": 1, "firstTimestamp": "2024-09-15T08:50:00Z", "lastTimestamp": "2024-09-15T08:57:00Z"}
    assert event_interval(once, now) == "10m"  # a single event shows its first time, not its last
    series = {
        "eventTime": "2024-09-15T08:55:00.000000Z",
        "series": {"count": 2, "lastObservedTime": "2024-09-15T08:59:30.000000Z"},
    }
    assert event_interval(series, now) == "30s (x2 over 5m)"
    assert event_interval({}, now) == "<unknown>"


def test_a_series_sorts_by_its_last_observation():
    old = {"lastTimestamp": "2024-09-15T08:00:00Z"}
    series = {
        "eventTime": "2024-09-15T07:00:00.000000Z",
        "series": {"lastObservedTime": "2024-09-15T08:30:00.000000Z"},
    }
    assert sort_events([series, old]) == [old, series]


def test_events_sort_like_gos_sort_sort_with_ties():
    # Go 1.22+ `sort.Sort` of 60 items keyed (i*7)%5 by key alone: pdqsort is not stable beyond 12 items.
    items = [((i * 7) % 5, i) for i in range(60)]
    go_sort_slice(items, lambda a, b: a[0] < b[0])
    assert [i for _, i in items] == [
        40, 25, 55, 30, 20, 5, 0, 10, 15, 45, 35, 50, 58, 13, 38, 8, 48, 33, 18, 43, 53, 3, 28, 23, 31, 36, 26, 1,
        56, 51, 21, 6, 46, 11, 41, 16, 49, 24, 14, 39, 59, 34, 54, 4, 44, 9, 29, 19, 47, 7, 37, 32, 52, 17, 42, 2,
        22, 57, 27, 12,
    ]  # fmt: skip
    small = [(k, i) for i, k in enumerate([1, 0, 1, 0, 1, 0])]
    go_sort_slice(small, lambda a, b: a[0] < b[0])
    assert [i for _, i in small] == [1, 3, 5, 0, 2, 4]  # insertion sort: stable up to 12


def test_cells_are_cut_at_a_line_break_and_terminal_escapes_shown():
    ev = {
        "metadata": {"name": "x.1", "namespace": "ev"},
        "involvedObject": {"kind": "Pod", "name": "x"},
        "type": "Warning",
        "reason": "Bad",
        "message": "  first line\nsecond \x1b[31mred  ",
        "count": 1,
        "firstTimestamp": "2024-09-15T08:40:10Z",
        "lastTimestamp": "2024-09-15T08:40:10Z",
    }
    line = EventWatchPrinter(parse_time("2024-09-15T08:40:10Z"), no_headers=True).print(ev)
    assert line == "0s    Warning   Bad   Pod/x   first line...\n"
    ev["message"] = "a \x1b[31m b"
    assert (
        EventWatchPrinter(parse_time("2024-09-15T08:40:10Z"), no_headers=True)
        .print(ev)
        .endswith("a ^[[31m b\n")
    )


def test_typed_event_keeps_omitempty_rules():
    out = typed_event({"metadata": {"name": "a", "namespace": "b"}, "involvedObject": {}, "source": {}})
    assert out["source"] == {} and out["firstTimestamp"] is None and out["eventTime"] is None
    assert "count" not in out and "type" not in out and out["reportingComponent"] == ""


def test_watch_names_each_event_and_jsonpath_as_json(lab):
    r = lab.kubectl("-n ev events -w --for deployment/web -o name")
    assert re.fullmatch(r"event/web\.[0-9a-f]{16}\n", r.stdout)
    r = lab.kubectl("-n ev events --for deployment/web -o jsonpath-as-json={.items[*].reason}")
    assert r.stdout == '[\n    "ScalingReplicaSet"\n]\n'
    assert (
        lab.kubectl("-n ev events -o jsonpath").stderr
        == "error: template format specified but no template given\n"
    )
