"""The contract suite's own helpers: when live runs, table parsing, and retrying only on a live cluster."""

from __future__ import annotations

import pytest
from contract_support import LIVE_ENV_VAR, eventually, live_setup, parse_table


def test_live_variant_is_off_without_the_context_variable_and_says_how_to_turn_it_on() -> None:
    off = live_setup({})
    assert off.context is None and LIVE_ENV_VAR in off.reason and "minikube" in off.reason
    on = live_setup({LIVE_ENV_VAR: " minikube "})
    assert on.context == "minikube"


def test_parse_table_keeps_multi_word_headers_and_empty_cells() -> None:
    text = (
        "NAME          VHOST NAME     DOMAINS     MATCH                  VIRTUAL SERVICE\n"
        "http.8080     *:80           *           /v1                    vs.application\n"
        "              backend        *           /healthz/ready*        \n"
    )
    rows = parse_table(text)
    assert list(rows[0]) == ["NAME", "VHOST NAME", "DOMAINS", "MATCH", "VIRTUAL SERVICE"]
    assert rows[0]["VIRTUAL SERVICE"] == "vs.application" and rows[0]["MATCH"] == "/v1"
    assert (rows[1]["NAME"], rows[1]["VHOST NAME"], rows[1]["VIRTUAL SERVICE"]) == ("", "backend", "")


def test_eventually_retries_on_live_but_asserts_once_on_the_sandbox() -> None:
    calls: list[int] = []

    def third_time_lucky() -> int:
        calls.append(1)
        assert len(calls) >= 3, "not yet"
        return len(calls)

    assert eventually(third_time_lucky, live=True, timeout=5, interval=0.01) == 3
    calls.clear()
    with pytest.raises(AssertionError, match="not yet"):
        eventually(third_time_lucky, live=False, interval=0.01)
    assert len(calls) == 1
