"""AGE text: apimachinery's HumanDuration boundaries, timestamps and describe's RFC1123Z dates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ingresslab.kube.timefmt import age, human_duration, parse_time, rfc1123z, since

NOW = datetime(2024, 9, 15, 9, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"),
        (-1.5, "0s"),
        (0, "0s"),
        (45, "45s"),
        (119, "119s"),
        (120, "2m"),
        (312, "5m12s"),
        (599, "9m59s"),
        (600, "10m"),
        (179 * 60 + 59, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 4 * 60 + 59, "3h4m"),
        (8 * 3600, "8h"),
        (47 * 3600 + 3599, "47h"),
        (48 * 3600, "2d"),
        (53 * 3600, "2d5h"),
        (7 * 86400 + 23 * 3600, "7d23h"),
        (8 * 86400, "8d"),
        (45 * 86400, "45d"),
        (729 * 86400, "729d"),
        (730 * 86400, "2y"),
        (3 * 365 * 86400 + 20 * 86400, "3y20d"),
        (9 * 365 * 86400 + 20 * 86400, "9y"),
    ],
)
def test_human_duration_matches_kubectl_age_rules(seconds, text):
    assert human_duration(timedelta(seconds=seconds)) == text


def test_age_counts_from_creation_timestamp_to_the_given_now():
    obj = {"metadata": {"creationTimestamp": "2024-09-15T08:47:48Z"}}
    assert age(obj, NOW) == "12m"


def test_age_without_timestamp_is_unknown():
    assert age({"metadata": {}}, NOW) == "<unknown>"
    assert since(None, NOW) == "<unknown>"


def test_parse_time_accepts_offsets_and_fractions():
    assert parse_time("2024-09-15T10:00:00.123+02:00") == datetime(
        2024, 9, 15, 8, 0, 0, 123000, tzinfo=timezone.utc
    )


def test_parse_time_rejects_garbage_with_a_clear_message():
    with pytest.raises(ValueError, match="expected RFC 3339"):
        parse_time("yesterday")


def test_rfc1123z_is_locale_independent():
    assert rfc1123z("2024-09-15T08:47:52Z") == "Sun, 15 Sep 2024 08:47:52 +0000"
