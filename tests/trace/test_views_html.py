"""The hop table as HTML: one row per hop, the joining fields highlighted, each raw line shown once behind a
disclosure, theme colours only."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR
from ingresslab.trace.views import html_table


@pytest.fixture(scope="module")
def traces():
    lab = ingresslab.connect("sandbox", state=None, seed=5, cwd=DEMO_DIR.parent)
    tutorial.ensure_istio(lab)
    istio = lab.trace(lab.request(host="yuya.example.com", path="/v1", via="istio"))
    tutorial.ensure_nginx_ingress(lab)
    nginx = lab.trace(lab.request(host="yuya.example.com", path="/v1", via="nginx"))
    return {"nginx": nginx, "istio": istio}


class _Rows(HTMLParser):
    """Each <tr class="hop"> with the text inside its <pre> elements (the raw lines)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self._pre = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "hop" in (attrs.get("class") or "").split():
            self.rows.append({"component": attrs.get("data-component"), "raw": [], "details": 0})
        elif tag == "pre":
            self._pre = True
            self.rows[-1]["raw"].append("")
        elif tag == "details":
            self.rows[-1]["details"] += 1

    def handle_endtag(self, tag):
        if tag == "pre":
            self._pre = False

    def handle_data(self, data):
        if self._pre:
            self.rows[-1]["raw"][-1] += data


def _rows(html: str) -> list[dict]:
    parser = _Rows()
    parser.feed(html)
    return parser.rows


@pytest.mark.parametrize("via", ["nginx", "istio"])
def test_one_row_per_hop_and_each_raw_line_once(traces, via):
    trace = traces[via]
    rows = _rows(html_table(trace))
    assert [r["component"] for r in rows] == [str(h.component) for h in trace.hops]
    shown = [raw for r in rows for raw in r["raw"]]
    assert len(shown) == len(set(shown)), "a raw line is repeated"
    # every distinct raw line of the trace is shown exactly once, behind a disclosure
    distinct = {e.raw for h in trace.hops for e in h.evidence if e.raw}
    assert set(shown) == distinct
    assert sum(r["details"] for r in rows) == len(distinct)


def test_hops_that_cite_the_entry_line_show_their_fields_and_point_back(traces):
    trace = traces["istio"]
    html = html_table(trace)
    rows = _rows(html)
    service = next(r for r in rows if r["component"] == "service")
    pod = next(r for r in rows if r["component"] == "pod")
    assert service["raw"] == [] and pod["raw"] == []
    assert html.count("from the line shown at hop 2") == 2
    cluster = trace.hop("service").evidence[0].fields["upstream_cluster"]
    assert f'upstream_cluster</span> <b class="join"><mark>{cluster}</mark></b>' in html


def test_joining_fields_are_marked_in_the_raw_line(traces):
    trace = traces["nginx"]
    html = html_table(trace)
    req_id = trace.hop("ingress-nginx").evidence[0].fields["req_id"]
    assert f'<b class="join"><mark>{req_id}</mark></b>' in html
    assert "<mark>" in html


def test_the_table_uses_theme_colours_only(traces):
    html = html_table(traces["istio"])
    assert "var(--jp-ui-font-color1)" in html and "var(--jp-layout-color2)" in html
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", html), "fixed colours do not follow the dark theme"
    assert "<br>" not in html  # rows as tall as their text, no forced breaks
