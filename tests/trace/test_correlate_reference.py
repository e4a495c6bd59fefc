"""Traces rebuilt from the real log lines of the reference (no sandbox): the seed's /v1 via NGINX and via Istio."""

from __future__ import annotations

import pytest

from ingresslab.trace import LogSource, Topology, correlate, parse_sources

from .reference import (
    APP_LINE_ISTIO,
    APP_LINE_NGINX,
    GATEWAY_LINE,
    NGINX_LINE,
    SIDECAR_LINE,
    V1_PODS,
    seed_objects,
)


def _lines(*sources: LogSource):
    return list(parse_sources(sources))


def test_nginx_trace_from_the_seeds_lines():
    topo = Topology.from_objects(seed_objects(sidecars=False))
    lines = _lines(
        LogSource(
            "ingress-nginx",
            "ingress-nginx",
            "ingress-nginx-controller-bc57996ff-9hq7w",
            "controller",
            NGINX_LINE,
            "10.244.0.5",
        ),
        LogSource("app", "application", V1_PODS[0], "dest-countainer-v1", APP_LINE_NGINX, "10.244.0.10"),
    )
    trace = correlate("5b0de41158eb9e86c19b0fc0174e4450", lines, topo, client="curl on the host")
    assert trace.via == "nginx" and trace.complete and trace.status == 200
    assert [h.component for h in trace.hops] == ["client", "node", "ingress-nginx", "service", "pod", "app"]
    nginx = trace.hop("ingress-nginx")
    assert nginx.evidence[0].fields["proxy_upstream_name"] == "application-dest-svc-v1-http-v1"
    assert nginx.evidence[0].raw == NGINX_LINE
    service = trace.hop("service")
    assert service.bypassed and service.dest_addr == "10.108.78.105:7777"
    pod = trace.hop("pod")
    assert (pod.pod, pod.dest_addr) == (V1_PODS[0], "10.244.0.10:5678")
    assert trace.hop("node").inferred
    assert any("no sidecar" in n for n in trace.notes)


def test_istio_trace_from_the_seeds_lines_joins_gateway_and_sidecar_by_request_id():
    topo = Topology.from_objects(seed_objects())
    lines = _lines(
        LogSource(
            "istio-ingressgateway",
            "istio-system",
            "istio-ingressgateway-6c9d5c7d9b-x2k4p",
            "istio-proxy",
            GATEWAY_LINE,
            "10.244.0.8",
        ),
        LogSource("sidecar", "application", V1_PODS[0], "istio-proxy", SIDECAR_LINE, "10.244.0.10"),
        LogSource("app", "application", V1_PODS[0], "dest-countainer-v1", APP_LINE_ISTIO, "10.244.0.10"),
    )
    trace = correlate("3170f1cf-61ea-9166-b63c-35273a31e6f5", lines, topo)
    assert trace.via == "istio" and trace.complete
    assert [h.component for h in trace.hops] == [
        "client",
        "node",
        "istio-ingressgateway",
        "service",
        "pod",
        "sidecar",
        "app",
    ]
    gateway = trace.hop("istio-ingressgateway")
    assert gateway.pod == "istio-ingressgateway-6c9d5c7d9b-x2k4p"
    assert (
        gateway.evidence[0].fields["upstream_cluster"]
        == "outbound|7777||dest-svc-v1.application.svc.cluster.local"
    )
    assert gateway.source_addr == "10.244.0.1:6131"
    sidecar = trace.hop("sidecar")
    assert (
        sidecar.evidence[0].fields["requested_server_name"]
        == "outbound_.7777_._.dest-svc-v1.application.svc.cluster.local"
    )
    assert sidecar.evidence[0].fields["upstream_local_address"] == "127.0.0.6:42109"
    assert trace.hop("app").source_addr == "127.0.0.6:42109"


def test_trace_from_files_with_kubectl_prefix_finds_the_sidecar_by_pod_ip():
    topo = Topology.from_objects(seed_objects())
    text = "\n".join(
        [
            f"[pod/istio-ingressgateway-6c9d5c7d9b-x2k4p/istio-proxy] {GATEWAY_LINE}",
            f"[pod/{V1_PODS[0]}/istio-proxy] {SIDECAR_LINE}",
        ]
    )
    lines = _lines(LogSource("unknown", None, None, None, text))
    trace = correlate("3170f1cf-61ea-9166-b63c-35273a31e6f5", lines, topo)
    assert [h.component for h in trace.hops][:6] == [
        "client",
        "node",
        "istio-ingressgateway",
        "service",
        "pod",
        "sidecar",
    ]


@pytest.mark.parametrize(
    ("line", "stopped"),
    [
        (
            NGINX_LINE.replace("200 33", "404 548")
            .replace("[application-dest-svc-v1-http-v1]", "[upstream-default-backend]")
            .replace("10.244.0.10:5678 33 0.000 200", "127.0.0.1:8181 548 0.000 404"),
            "no Ingress rule matched",
        ),
        (
            NGINX_LINE.replace("200 33", "503 190").replace("10.244.0.10:5678 33 0.000 200", "- - - -"),
            "has no ready endpoints",
        ),
    ],
)
def test_nginx_failures_say_where_and_why_the_request_stopped(line, stopped):
    topo = Topology.from_objects(seed_objects(sidecars=False))
    trace = correlate(
        "5b0de41158eb9e86c19b0fc0174e4450",
        _lines(LogSource("ingress-nginx", "ingress-nginx", "c", "controller", line)),
        topo,
    )
    assert not trace.complete and stopped in trace.stopped


@pytest.mark.parametrize(
    ("flags", "code", "details", "stopped"),
    [("NR", 404, "route_not_found", "no route"), ("UH", 503, "no_healthy_upstream", "no healthy upstream")],
)
def test_gateway_failures_name_the_envoy_flag(flags, code, details, stopped):
    line = GATEWAY_LINE.replace("200 - via_upstream", f"{code} {flags} {details}")
    if flags == "NR":
        line = line.replace("outbound|7777||dest-svc-v1.application.svc.cluster.local", "-").replace(
            '"10.244.0.10:5678"', '"-"'
        )
    topo = Topology.from_objects(seed_objects())
    trace = correlate(
        "3170f1cf-61ea-9166-b63c-35273a31e6f5",
        _lines(LogSource("istio-ingressgateway", "istio-system", "gw", "istio-proxy", line)),
        topo,
    )
    assert trace.status == code and stopped in trace.stopped and not trace.complete


def test_unknown_request_id_is_explained():
    trace = correlate("nope", [], Topology())
    assert not trace.complete and "no ingress controller or gateway logged request id nope" in trace.stopped


def test_views_render_text_html_and_a_diagram_without_warnings(recwarn, tmp_path):
    topo = Topology.from_objects(seed_objects())
    lines = _lines(
        LogSource("istio-ingressgateway", "istio-system", "gw", "istio-proxy", GATEWAY_LINE, "10.244.0.8"),
        LogSource("sidecar", "application", V1_PODS[0], "istio-proxy", SIDECAR_LINE, "10.244.0.10"),
    )
    trace = correlate("3170f1cf-61ea-9166-b63c-35273a31e6f5", lines, topo)
    text = trace.to_text()
    assert text.splitlines()[2].split() == ["#", "HOP", "WHERE", "FROM", "TO", "STATUS", "TIME", "EVIDENCE"]
    html = trace._repr_html_()
    assert "<mark>outbound|7777||dest-svc-v1.application.svc.cluster.local</mark>" in html
    fig = trace.diagram()
    out = tmp_path / "trace.png"
    fig.savefig(out)
    assert out.stat().st_size > 5000 and out.read_bytes()[:4] == b"\x89PNG"
    assert not [w for w in recwarn.list if "matplotlib" in str(w.filename) or "Glyph" in str(w.message)]
