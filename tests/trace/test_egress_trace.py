"""Tracing egress from log lines alone: the client's sidecar outbound line, the egress gateway's line with the same
request id, the external host — from collected logs (components known) and from saved files (`ingresslab trace`,
components unknown). Lines are Istio's default format as real proxies wrote them (egress fact sheet)."""

from __future__ import annotations

from ingresslab.entrypoints import Component, default_entry_points
from ingresslab.logs import parse_line
from ingresslab.trace import LogSource, RequestHint, Topology, correlate, parse_sources
from ingresslab.trace.collect import ParsedLine
from ingresslab.trace.egress import egress_line, egress_matches_hint, egress_request_id

RID = "085155d7-7ec9-9a5f-8049-a821b27f72c4"
SIDECAR = (
    f'[2023-11-01T11:59:56.880Z] "GET /politics HTTP/1.1" 301 - via_upstream - "-" 0 0 45 44 "-" "curl/8.4.0" '
    f'"{RID}" "edition.cnn.com" "10.244.0.61:8080" '
    "outbound|80|cnn|istio-egressgateway.istio-system.svc.cluster.local 10.244.0.67:36494 151.101.3.5:80 "
    "10.244.0.67:36492 - -"
)
GATEWAY = (
    f'[2023-11-01T11:59:56.883Z] "GET /politics HTTP/2" 301 - via_upstream - "-" 0 0 41 41 "10.244.0.67" '
    f'"curl/8.4.0" "{RID}" "edition.cnn.com" "151.101.3.5:80" outbound|80||edition.cnn.com '
    "10.244.0.61:35544 10.244.0.61:8080 10.244.0.67:36494 - -"
)
BLOCK_ALL = (
    '[2023-11-01T12:00:01.000Z] "GET / HTTP/1.1" 502 - direct_response - "-" 0 0 0 - "-" "curl/7.81.0-DEV" '
    '"6f1c1f3a-1111-2222-3333-444455556666" "www.baidu.com" "-" - - 180.97.34.94:80 10.244.0.67:48708 - block_all'
)
BLACKHOLE = (
    '[2023-11-01T12:00:02.000Z] "- - -" 0 UH - - "-" 0 0 0 - "-" "-" "-" "-" "-" BlackHoleCluster - '
    "142.251.36.4:443 10.244.0.67:49062 - -"
)
INGRESS = (
    '[2023-11-01T12:00:03.000Z] "GET /v1 HTTP/1.1" 200 - via_upstream - "-" 0 12 3 2 "192.168.49.1" "curl/8.4.0" '
    '"aaaa-bbbb" "yuya.example.com" "10.244.0.20:5678" outbound|7777||dest-svc-v1.application.svc.cluster.local '
    "10.244.0.9:51234 10.244.0.9:8080 192.168.49.1:40000 - -"
)


def _pod(name: str, ns: str, ip: str, labels: dict, containers: list[str]) -> dict:
    return {
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"containers": [{"name": c} for c in containers]},
        "status": {"podIP": ip},
    }


TOPOLOGY = Topology(
    pods=[
        _pod("sleep-9454cc476-p2mlm", "default", "10.244.0.67", {"app": "sleep"}, ["sleep", "istio-proxy"]),
        _pod(
            "istio-egressgateway-7b8b6b9f-x",
            "istio-system",
            "10.244.0.61",
            {"istio": "egressgateway"},
            ["istio-proxy"],
        ),
    ],
    services=[
        {
            "kind": "Service",
            "metadata": {"name": "istio-egressgateway", "namespace": "istio-system"},
            "spec": {
                "clusterIP": "10.96.84.162",
                "ports": [{"port": 80, "targetPort": 8080, "name": "http2"}],
            },
        }
    ],
)


def _collected() -> list[LogSource]:
    return [
        LogSource(
            Component.SIDECAR,
            "default",
            "sleep-9454cc476-p2mlm",
            "istio-proxy",
            f"{SIDECAR}\n{BLOCK_ALL}\n{BLACKHOLE}\n",
            "10.244.0.67",
        ),
        LogSource(
            Component.ISTIO_EGRESSGATEWAY,
            "istio-system",
            "istio-egressgateway-7b8b6b9f-x",
            "istio-proxy",
            GATEWAY + "\n",
            "10.244.0.61",
        ),
    ]


def test_lines_are_claimed_and_keyed():
    side = ParsedLine(_collected()[0], parse_line(SIDECAR))
    gate = ParsedLine(_collected()[1], parse_line(GATEWAY))
    assert egress_line(side) and egress_line(gate)
    assert egress_request_id(side.record) == RID
    assert egress_request_id(gate.record) == RID + "@istio-egressgateway"
    unknown = LogSource(Component.UNKNOWN, None, None, None, "")
    assert not egress_line(
        ParsedLine(unknown, parse_line(INGRESS))
    )  # an ingress gateway's line stays istio's
    assert egress_line(ParsedLine(unknown, parse_line(GATEWAY)))
    assert egress_line(ParsedLine(unknown, parse_line(BLACKHOLE)))


def test_trace_through_the_egress_gateway():
    lines = list(parse_sources(_collected()))
    trace = correlate(RID, lines, TOPOLOGY)
    assert trace.via == "egress" and trace.status == 301 and trace.complete
    assert [str(h.component) for h in trace.hops] == [
        "client",
        "sidecar",
        "service",
        "istio-egressgateway",
        "app",
    ]
    client, sidecar, service, gateway, external = trace.hops
    assert (client.pod, client.container, client.source_addr) == (
        "sleep-9454cc476-p2mlm",
        "sleep",
        "10.244.0.67:36492",
    )
    assert sidecar.dest_addr == "10.244.0.61:8080" and "subset cnn" in sidecar.note
    assert service.bypassed and service.dest_addr == "10.96.84.162:80"
    assert gateway.source_addr == "10.244.0.67:36494" and "X-Forwarded-For 10.244.0.67" in gateway.note
    assert gateway.evidence[0].fields["request_id"] == RID
    assert external.title == "external host edition.cnn.com" and external.dest_addr == "151.101.3.5:80"
    assert external.inferred


def test_saved_files_trace_the_same_way():
    text = "\n".join([INGRESS, SIDECAR, GATEWAY]) + "\n"
    lines = list(parse_sources([LogSource(Component.UNKNOWN, None, None, None, text)]))
    trace = correlate(RID, lines, Topology())
    assert trace.via == "egress"
    assert [str(h.component) for h in trace.hops][-3:] == ["sidecar", "istio-egressgateway", "app"]
    ingress = correlate("aaaa-bbbb", lines, Topology())
    assert ingress.via == "istio"


def test_blocked_requests_stop_at_the_sidecar():
    lines = list(parse_sources(_collected()))
    blocked = correlate("6f1c1f3a-1111-2222-3333-444455556666", lines, TOPOLOGY)
    assert blocked.status == 502 and "block_all" in blocked.stopped and "REGISTRY_ONLY" in blocked.stopped
    assert [str(h.component) for h in blocked.hops] == ["client", "sidecar"]
    tls = parse_line(BLACKHOLE)
    hint = RequestHint(path="/", host="www.google.com", after=tls.start_time, before=tls.start_time)
    assert egress_matches_hint(tls, hint)
    assert not egress_matches_hint(parse_line(GATEWAY), RequestHint(host="edition.cnn.com"))
    dropped = correlate("no-such-id", lines, TOPOLOGY, hint=hint, entry_points=default_entry_points())
    assert dropped.via == "egress" and "BlackHoleCluster" in dropped.stopped


def test_views_show_the_egress_hops():
    trace = correlate(RID, list(parse_sources(_collected())), TOPOLOGY)
    text = trace.to_text()
    assert "Istio egress gateway (Envoy)" in text and "external host edition.cnn.com" in text
    html = trace._repr_html_()
    assert "istio-egressgateway" in html
    svg = trace.diagram().svg
    assert "edition.cnn.com" in svg and 'data-component="istio-egressgateway"' in svg


def test_ingresslab_trace_reads_saved_egress_logs(tmp_path, capsys):
    from ingresslab.cli import main

    sidecar = tmp_path / "sleep.log"
    sidecar.write_text(f"[pod/sleep-9454cc476-p2mlm/istio-proxy] {SIDECAR}\n")
    gateway = tmp_path / "egress.log"
    gateway.write_text(f"[pod/istio-egressgateway-7b8b6b9f-x/istio-proxy] {GATEWAY}\n")
    assert main(["trace", "--request-id", RID, str(sidecar), str(gateway)]) == 0
    out = capsys.readouterr().out
    assert (
        "via egress" in out
        and "Istio egress gateway (Envoy)" in out
        and "external host edition.cnn.com" in out
    )


def test_sandbox_tls_through_the_gateway_is_joined_by_the_connection():
    """HTTPS passthrough: neither line has a request id; the sidecar's line is found by SNI and time, the
    gateway's by the address the sidecar connected from (its DOWNSTREAM_REMOTE_ADDRESS)."""
    import pytest

    pytest.importorskip("ingresslab.commands.shell", reason="the lab's shell is not in this checkout yet")
    import ingresslab

    lab = ingresslab.connect("sandbox", state=None)
    lab.sh("istioctl install --set profile=demo -y").check()
    lab.sh("kubectl label namespace default istio-injection=enabled").check()
    lab.sh(
        "kubectl apply -f https://raw.githubusercontent.com/istio/istio/release-1.24/samples/curl/curl.yaml"
    ).check()
    google = lab.request(host="www.google.com", path="/", via="egress", from_pod="curl", scheme="https")
    direct = lab.trace(google)
    assert google.status == 200 and direct.hops[-1].title == "external host www.google.com"
    assert direct.hop("sidecar").evidence[0].fields["upstream_cluster"] == "PassthroughCluster"
    assert lab.diagnose(google).ok
    lab.sh(
        """kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cnn}
spec:
  hosts: [edition.cnn.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: istio-egressgateway}
spec:
  selector: {istio: egressgateway}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: [edition.cnn.com]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: egressgateway-for-cnn}
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets: [{name: cnn}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: direct-cnn-through-egress-gateway}
spec:
  hosts: [edition.cnn.com]
  gateways: [mesh, istio-egressgateway]
  tls:
  - match: [{gateways: [mesh], port: 443, sniHosts: [edition.cnn.com]}]
    route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: cnn, port: {number: 443}}}]
  - match: [{gateways: [istio-egressgateway], port: 443, sniHosts: [edition.cnn.com]}]
    route: [{destination: {host: edition.cnn.com, port: {number: 443}}, weight: 100}]
EOF
"""
    ).check()
    cnn = lab.request(host="edition.cnn.com", path="/politics", via="egress", from_pod="curl", scheme="https")
    trace = lab.trace(cnn)
    assert [str(h.component) for h in trace.hops] == [
        "client",
        "sidecar",
        "service",
        "istio-egressgateway",
        "app",
    ]
    sidecar, gateway = (
        trace.hop("sidecar").evidence[0].fields,
        trace.hop("istio-egressgateway").evidence[0].fields,
    )
    assert sidecar["upstream_local_address"] == gateway["downstream_remote_address"]
    assert gateway["requested_server_name"] == "edition.cnn.com"
    assert trace.hops[-1].dest_addr == gateway["upstream_host"]
