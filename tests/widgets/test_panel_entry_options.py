"""The request panel passes each entry point the options it needs: a Gateway for the Gateway API front ends, the
client pod for egress — and the traces it shows go through them."""

from __future__ import annotations

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR
from ingresslab.widgets import RequestPanel

CURL = "https://raw.githubusercontent.com/istio/istio/release-1.24/samples/curl/curl.yaml"


def test_the_gateway_field_reaches_the_gateway_api_entry_point():
    lab = ingresslab.connect("sandbox", state=None, seed=6, cwd=DEMO_DIR.parent)
    tutorial.ensure_gateway_api(lab)
    panel = RequestPanel(lab, via="gateway-api", gateway="istio-ingress/seed-gateway")
    panel.send(2)
    traces = [trace for _, trace in panel.report().results]
    assert all(
        t.complete and t.hop("istio-gateway-api").pod.startswith("seed-gateway-istio-") for t in traces
    )
    assert "seed-gateway-istio-" in panel.hops.value


def test_the_from_pod_field_sends_egress_requests_from_that_pod():
    lab = ingresslab.connect("sandbox", state=None, seed=6, cwd=DEMO_DIR.parent)
    tutorial.ensure_istio(lab)
    lab.sh(f"kubectl apply -f {CURL}").check()
    panel = RequestPanel(lab, via="egress", host="httpbin.org", path="/headers", from_pod="deploy/curl")
    panel.send(1)
    response, trace = panel.report().results[-1]
    assert (
        response.status == 200 and response.from_pod == "deploy/curl" and response.namespace == "application"
    )
    assert trace.hop("sidecar").pod.startswith("curl-")
    assert trace.hops[-1].title == "external host httpbin.org"
