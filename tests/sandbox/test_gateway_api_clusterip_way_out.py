"""The other way out of minikube's pending LoadBalancer, as Istio's getting-started guide takes it: annotate the
Gateway with a ClusterIP service type; the gateway's Service is recreated as ClusterIP, its DNS name becomes the
Gateway's address and the Gateway is Programmed — no tunnel needed."""

from __future__ import annotations

import ingresslab
from ingresslab import tutorial
from ingresslab.manifests import DEMO_DIR


def test_the_clusterip_annotation_programs_the_gateway_with_the_services_name():
    lab = ingresslab.connect("sandbox", state=None, seed=4, cwd=DEMO_DIR.parent)
    tutorial.ensure_gateway_api(lab)
    pending = lab.sh("kubectl wait -n istio-ingress --for=condition=programmed gtw seed-gateway --timeout=2s")
    assert pending.returncode == 1 and "timed out waiting for the condition" in pending.stderr
    result = lab.sh(
        "kubectl annotate gateway seed-gateway networking.istio.io/service-type=ClusterIP -n istio-ingress\n"
        "kubectl wait -n istio-ingress --for=condition=programmed gateways.gateway.networking.k8s.io seed-gateway"
    )
    assert result.stdout.splitlines() == [
        "gateway.gateway.networking.k8s.io/seed-gateway annotated",
        "gateway.gateway.networking.k8s.io/seed-gateway condition met",
    ]
    row = lab.sh("kubectl get gtw seed-gateway -n istio-ingress --no-headers").stdout.split()
    assert row[:4] == ["seed-gateway", "istio", "seed-gateway-istio.istio-ingress.svc.cluster.local", "True"]
    svc = lab.backend.get("services", "seed-gateway-istio", "istio-ingress")
    assert svc["spec"]["type"] == "ClusterIP" and all("nodePort" not in p for p in svc["spec"]["ports"])
