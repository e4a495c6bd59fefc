"""What a learner sees in JupyterLab at a 1400×1000 window after Run All on notebooks 02, 04 and 05: a diagram
readable without zooming, hop tables that show each raw line once, terminal rows kept whole, stderr where it was
written, and Send updating the view. Screenshots of each land in test-artifacts/."""

from __future__ import annotations

import pytest
from lab_browser import ARTIFACTS, LabPage, copy_tutorial_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WINDOW = (1400, 1000)

_DIAGRAMS_JS = """() => [...document.querySelectorAll('.ingresslab-diagram svg')].map(svg => {
    const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    return {scale, min: Math.min(...sizes), texts: sizes.length, width: svg.getBoundingClientRect().width,
            area: svg.closest('.jp-OutputArea-output').getBoundingClientRect().width,
            select: getComputedStyle(svg.querySelector('text')).userSelect};
})"""

_HOP_TABLES_JS = """() => [...document.querySelectorAll('.ingresslab-trace table')].map(table => ({
    raws: [...table.querySelectorAll('pre.raw')].map(p => p.textContent),
    rows: [...table.querySelectorAll('tr.hop')].map(r => r.getBoundingClientRect().height),
    open: [...table.querySelectorAll('details')].filter(d => d.open).length,
    cites: table.querySelectorAll('.cite').length,
    colour: getComputedStyle(table.querySelector('td')).color,
}))"""

_TERMINALS_JS = """() => [...document.querySelectorAll('pre.ingresslab-terminal')].map(pre => {
    const style = getComputedStyle(pre);
    const lineHeight = parseFloat(style.lineHeight);
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    return {
        whiteSpace: style.whiteSpace, overflowX: style.overflowX, lineHeight,
        lines: pre.textContent.replace(/\\n$/, '').split('\\n').length,
        height: pre.scrollHeight - padding, scrollWidth: pre.scrollWidth, clientWidth: pre.clientWidth,
        streams: [...pre.children].map(span => span.className.replace('ingresslab-', '')),
        text: pre.textContent,
        exit: pre.parentElement.querySelector('.ingresslab-exit-status')?.textContent || null,
    };
})"""


# Relative luminance (0 black … 1 white) of each hop-table cell's text and of the first opaque ground behind it.
_CONTRAST_JS = """() => {
    const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = c => { const [r, g, b] = rgb(c); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
    const ground = el => {
        for (; el; el = el.parentElement) {
            const [r, g, b, a] = rgb(getComputedStyle(el).backgroundColor);
            if (a === undefined || a > 0.5) return lum(`rgb(${r},${g},${b})`);
        }
        return 1;
    };
    return [...document.querySelectorAll('.ingresslab-trace table.hops td b')].slice(0, 12)
        .map(el => ({text: lum(getComputedStyle(el).color), ground: ground(el)}));
}"""


def _run(make_jupyterlab_server, make_browser_page, lab_root, tmp_path, prefix, extra_cells=()) -> LabPage:
    name = copy_tutorial_notebook(lab_root, prefix, tmp_path / "lab.json", extra_cells)
    page = make_browser_page(make_jupyterlab_server(), viewport=WINDOW)
    page.open_notebook(name)
    page.run_all_cells(timeout=300)
    errors = page.page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t.split(":")[0]]
    assert tracebacks == [], tracebacks
    return page


def _shoot(page: LabPage, selector: str, name: str, index: int = 0) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = page.page.locator(selector).nth(index)
    target.scroll_into_view_if_needed()
    path = ARTIFACTS / f"{name}.png"
    target.screenshot(path=str(path))
    assert path.stat().st_size > 0


def _assert_terminal_rows_whole(page: LabPage) -> list[dict]:
    terminals = page.page.evaluate(_TERMINALS_JS)
    assert terminals, "no command output on the page"
    for t in terminals:
        assert t["whiteSpace"] == "pre" and t["overflowX"] == "auto", t
        # every row is one line high: nothing wrapped (a wide row scrolls sideways instead)
        assert abs(t["height"] - t["lines"] * t["lineHeight"]) < t["lineHeight"] * 0.6, (t["text"][:200], t)
    return terminals


def _assert_hop_tables(page: LabPage, at_least: int) -> list[dict]:
    tables = page.page.evaluate(_HOP_TABLES_JS)
    assert len(tables) >= at_least
    for table in tables:
        assert len(table["raws"]) == len(set(table["raws"])), "a raw line appears twice in one hop table"
        assert table["open"] == 0  # raw lines wait behind their disclosure
        assert table["rows"] and max(table["rows"]) < 220, table["rows"]
    return tables


def test_notebook_02_keeps_wide_log_lines_on_one_row(
    make_jupyterlab_server, make_browser_page, lab_root, tmp_path
):
    page = _run(make_jupyterlab_server, make_browser_page, lab_root, tmp_path, "02")
    terminals = _assert_terminal_rows_whole(page)
    wide = [i for i, t in enumerate(terminals) if t["scrollWidth"] > t["clientWidth"]]
    assert wide, "the controller's access log line should be wider than the output area"
    _shoot(page, "pre.ingresslab-terminal", "02-wide-access-log", wide[0])


def test_notebook_04_diagram_hop_table_and_send(
    make_jupyterlab_server, make_browser_page, lab_root, tmp_path
):
    page = _run(make_jupyterlab_server, make_browser_page, lab_root, tmp_path, "04")
    diagrams = page.page.evaluate(_DIAGRAMS_JS)
    assert len(diagrams) >= 2, diagrams  # the trace's diagram and the NGINX/Istio comparison
    for d in diagrams:
        assert d["texts"] > 20 and d["min"] >= 11, d
        assert d["width"] <= max(1000, d["area"]) and abs(d["scale"] - 1) < 0.01, d
        assert d["select"] != "none"
    _shoot(page, ".ingresslab-diagram", "04-hop-diagram", 0)
    _shoot(page, ".ingresslab-diagram", "04-nginx-vs-istio", len(diagrams) - 1)
    tables = _assert_hop_tables(page, at_least=2)  # the trace cell and the panel's view
    assert all(t["cites"] >= 2 for t in tables)  # the Service and pod rows point back to the gateway's line
    _shoot(page, ".jp-OutputArea-output .ingresslab-trace", "04-hop-table", 0)
    _assert_terminal_rows_whole(page)

    # Send updates the panel's view: twelve requests, and the hop table shows the newest one
    panel = page.page.locator(
        ".jp-OutputArea-output .jupyter-widgets", has_text="request(s) sent from this panel"
    )
    page.wait_for_text("6 request(s) sent from this panel", timeout=30)
    before = panel.locator(".ingresslab-trace p").first.inner_text()
    send = page.page.locator(".jp-OutputArea-output button.widget-button", has_text="Send").first
    send.scroll_into_view_if_needed()
    send.click()
    page.wait_for_text("12 request(s) sent from this panel", timeout=60)
    after = panel.locator(".ingresslab-trace p").first.inner_text()
    assert after != before and "via istio" in after, (before, after)
    _assert_hop_tables(page, at_least=2)

    # JupyterLab's dark theme: the hop table follows it (light text on a dark ground)
    page.page.get_by_role("menuitem", name="Settings", exact=True).click()
    page.page.locator(".lm-Menu-item", has_text="Theme").first.hover()  # a Lumino submenu opens on hover
    page.page.locator(".lm-Menu-item", has_text="JupyterLab Dark").first.click()
    page.page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=30_000)
    page.page.wait_for_timeout(500)
    contrast = page.page.evaluate(_CONTRAST_JS)
    assert contrast and all(c["text"] > 0.5 > c["ground"] for c in contrast), contrast
    _shoot(page, ".jp-OutputArea-output .ingresslab-trace", "04-hop-table-dark", 0)
    _shoot(page, ".ingresslab-diagram", "04-hop-diagram-dark", 0)


def test_notebook_05_wide_tables_scroll_and_stderr_stays_where_it_was_written(
    make_jupyterlab_server, make_browser_page, lab_root, tmp_path
):
    # The case, appended after the clean-up (so on what is left): a command that writes only stderr,
    # then a wide table, then a failure.
    extra = (
        "lab.sh('''\n"
        "kubectl get svc -n nowhere\n"
        "kubectl get pods -A -o wide\n"
        "kubectl get pod no-such-pod\n"
        "''')",
    )
    page = _run(make_jupyterlab_server, make_browser_page, lab_root, tmp_path, "05", extra)
    terminals = _assert_terminal_rows_whole(page)
    tables = [
        i for i, t in enumerate(terminals) if "SERVICE FQDN" in t["text"] or "RESOURCE NAME" in t["text"]
    ]
    assert tables and any(terminals[i]["scrollWidth"] > terminals[i]["clientWidth"] for i in tables)
    _shoot(page, "pre.ingresslab-terminal", "05-proxy-config-cluster", tables[0])
    _shoot(page, "pre.ingresslab-terminal", "05-proxy-config-all", tables[-1])

    mixed = next(t for t in terminals if "nowhere" in t["text"])
    assert mixed["streams"] == ["stderr", "stdout", "stderr"], mixed["streams"]
    assert (
        mixed["text"].index("nowhere") < mixed["text"].index("NAMESPACE") < mixed["text"].index("no-such-pod")
    )
    assert mixed["exit"] and "exit code 1" in mixed["exit"]
    # the Gateway the text talks about is listed, not "No resources found"
    listed = next(
        t for t in terminals if "kubectl get gateway" not in t["text"] and "my-istio-ingress-gw" in t["text"]
    )
    assert "No resources found" not in listed["text"]
    _shoot(
        page, ".jp-OutputArea-output:has(pre.ingresslab-terminal .ingresslab-stderr)", "05-stderr-in-order", 0
    )
    last = page.page.locator(".jp-OutputArea-output:has(.ingresslab-exit-status)")
    last.last.scroll_into_view_if_needed()
    last.last.screenshot(path=str(ARTIFACTS / "05-stderr-and-exit-status.png"))
