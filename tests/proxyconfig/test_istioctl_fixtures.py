"""istioctl's own config dumps render exactly like istioctl's golden outputs."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingresslab.proxyconfig import load_config_dump, render

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "istioctl"
ROUTE_CASES = ["empty-gateway", "istio-gateway-http-route-prefix", "k8s-gateway-http-route-path-prefix"]


@pytest.fixture
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.skip("../shared/fixtures/istioctl is not beside the project")
    return FIXTURES


def _same(got: str, want: str) -> None:
    assert [line.rstrip() for line in got.splitlines()] == [line.rstrip() for line in want.splitlines()]


@pytest.mark.parametrize("case", ROUTE_CASES)
def test_route_summary_matches_istioctl_golden(fixtures: Path, case: str) -> None:
    dump = load_config_dump((fixtures / "routes" / case / "configdump.json").read_text())
    got = render(dump, "route")
    want = (fixtures / "routes" / case / "output.txt").read_text()
    _same(got, want)
    assert got == want  # byte for byte, trailing padding included


def test_all_summary_matches_istioctl_golden(fixtures: Path) -> None:
    dump = load_config_dump((fixtures / "proxyconfig" / "config_dump.json").read_bytes())
    # VALID CERT depends on the clock: `default` expired in 2023, ROOTCA is valid until 2033.
    got = render(dump, "all", now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    want = (fixtures / "proxyconfig" / "config_dump_summary.txt").read_text()
    _same(got, want)
    assert got == want


def test_describe_fixture_gateway_lists_http_8080_route_and_bookinfo_cluster(fixtures: Path) -> None:
    dump = load_config_dump(fixtures / "describe" / "http_config.json")
    routes = render(dump, "route", name="http.8080")
    assert routes.splitlines()[1].split()[0] == "http.8080"
    assert all(line.startswith(("NAME", "http.8080", " ")) for line in routes.splitlines())
    clusters = render(dump, "cluster", fqdn="productpage", subset="v1")
    rows = clusters.splitlines()[1:]
    assert rows and all(
        row.split()[:4] == ["productpage.default.svc.cluster.local", "9080", "v1", "outbound"] for row in rows
    )
