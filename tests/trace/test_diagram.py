"""The hop diagram: SVG readable at a notebook's width (every label at least 11 px), PNG for files, and two
paths compared hop for hop in one figure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR
from ingresslab.trace.diagram import MIN_FONT_PX, Diagram, compare, draw

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def traces():
    lab = ingresslab.connect("sandbox", state=None, seed=3, cwd=DEMO_DIR.parent)
    tutorial.ensure_istio(lab)
    istio = lab.trace(lab.request(host="yuya.example.com", path="/v1", via="istio"))
    tutorial.ensure_nginx_ingress(lab)
    nginx = lab.trace(lab.request(host="yuya.example.com", path="/v1", via="nginx"))
    assert istio.complete and nginx.complete
    return nginx, istio


def _style(element) -> dict[str, str]:
    pairs = (p.split(":", 1) for p in element.get("style", "").split(";") if ":" in p)
    return {k.strip(): v.strip() for k, v in pairs}


def _parse(diagram: Diagram):
    root = ET.fromstring(diagram.svg)
    texts = list(root.iter(f"{SVG}text"))
    boxes = [g for g in root.iter(f"{SVG}g") if "hop" in g.get("class", "").split()]
    return root, texts, boxes


def _rect(group):
    r = group.find(f"{SVG}rect")
    return (*(float(r.get(k)) for k in ("x", "y", "width", "height")), r)


def test_seven_hops_fit_a_1000_px_output_area_with_every_label_at_least_11_px(traces):
    _, istio = traces
    assert len(istio.hops) == 7
    root, texts, boxes = _parse(draw(istio))
    assert float(root.get("width")) <= 1000
    assert texts and all(float(_style(t)["font-size"].removesuffix("px")) >= 11 for t in texts)
    assert MIN_FONT_PX >= 11
    assert len(boxes) == 7
    # more hops than fit one row: the boxes wrap into rows instead of shrinking
    rows = {_rect(b)[1] for b in boxes}
    assert len(rows) == 2
    widths = {_rect(b)[2] for b in boxes}
    assert min(widths) >= 180


def test_each_box_names_component_pod_addresses_status_and_time(traces):
    _, istio = traces
    svg = draw(istio).svg
    gateway = istio.hop("istio-ingressgateway")
    for text in (
        gateway.title,
        gateway.dest_addr,
        gateway.source_addr,
        "status 200",
        f"{gateway.duration_ms:.1f} ms",
    ):
        assert text in svg, text
    assert gateway.pod[-5:] in svg  # long pod names keep their distinctive tail


def test_text_stays_inside_its_box(traces):
    """An estimate with a generous glyph width: no label runs past the right edge of the box it sits in."""
    for trace in traces:
        for diagram in (draw(trace), compare(*traces)):
            _, texts, boxes = _parse(diagram)
            rects = [_rect(b)[:4] for b in boxes]
            for t in texts:
                x, y = float(t.get("x")), float(t.get("y"))
                size = float(_style(t)["font-size"].removesuffix("px"))
                inside = [r for r in rects if r[0] <= x <= r[0] + r[2] and r[1] <= y <= r[1] + r[3]]
                if not inside or t.get("text-anchor") != "start":
                    continue
                right = inside[0][0] + inside[0][2]
                assert x + len(t.text) * size * 0.6 <= right + 1, (t.text, x, right)


def test_hops_that_log_nothing_are_dashed(traces):
    _, istio = traces
    _, _, boxes = _parse(draw(istio))
    dashed = {b.get("data-component") for b in boxes if _rect(b)[4].get("stroke-dasharray")}
    assert dashed == {"node", "service"}  # kube-proxy's NodePort, and the ClusterIP nobody crossed


def test_svg_in_notebooks_inline_and_selectable(traces):
    diagram = draw(traces[1])
    bundle = diagram._repr_mimebundle_()
    assert "<svg" in bundle["text/html"] and "<img" not in bundle["text/html"]
    assert "image/png" not in bundle  # no second copy in the notebook
    assert "var(--jp-ui-font-color1" in diagram.svg  # the arrows follow the theme


def test_png_and_svg_for_files(traces, tmp_path):
    diagram = draw(traces[0])
    diagram.savefig(tmp_path / "trace.png")
    assert (tmp_path / "trace.png").read_bytes()[:4] == b"\x89PNG"
    diagram.savefig(tmp_path / "trace.svg")
    assert ET.fromstring((tmp_path / "trace.svg").read_text()).tag == f"{SVG}svg"
    assert diagram.png()[:4] == b"\x89PNG"


def test_the_png_has_the_svgs_layout_one_css_pixel_per_pixel_at_dpi_100(traces):
    import struct

    diagram = draw(traces[1])
    root = ET.fromstring(diagram.svg)
    png = diagram.png(dpi=100)
    width, height = struct.unpack(">II", png[16:24])
    assert abs(width - float(root.get("width"))) <= 2 and abs(height - float(root.get("height"))) <= 2
    # twice that by default: crisp, and as readable as the SVG where it is shown at half its pixel size
    assert struct.unpack(">II", diagram.png()[16:24])[0] == 2 * width


def test_drawing_on_given_axes_returns_the_matplotlib_figure(traces):
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot(1, 1, 1)
    assert draw(traces[0], ax=ax) is fig


def test_compare_pairs_the_paths_hop_for_hop(traces):
    nginx, istio = traces
    diagram = compare(nginx, istio)
    root, texts, boxes = _parse(diagram)
    assert float(root.get("width")) <= 1000
    assert all(float(_style(t)["font-size"].removesuffix("px")) >= 11 for t in texts)
    by_component: dict[str, list[float]] = {}
    for b in boxes:
        by_component.setdefault(b.get("data-component"), []).append(_rect(b)[1])
    # each role sits on one row for both paths, the two entry points side by side
    for component in ("client", "node", "service", "pod", "app"):
        assert len(set(by_component[component])) == 1, component
    assert by_component["ingress-nginx"] == by_component["istio-ingressgateway"]
    assert len(boxes) == len(nginx.hops) + len(istio.hops)
    labels = [t.text for t in texts]
    assert "via nginx" in labels and "via istio" in labels


def test_compare_leaves_a_blank_where_one_path_has_no_such_hop(traces):
    nginx, istio = traces
    without_sidecar = type(nginx)(
        nginx.request_id, nginx.via, [h for h in nginx.hops if h.component != "sidecar"]
    )
    texts = [t.text for t in _parse(compare(without_sidecar, istio))[1]]
    assert texts.count("— no such hop on this path —") == 1
