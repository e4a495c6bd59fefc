"""`istioctl proxy-config routes` of the automated `gateway-istio` deployment against istioctl's own golden
output for a Gateway API HTTPRoute (istioctl/pkg/writer/envoy/configdump/testdata/routes/
k8s-gateway-http-route-path-prefix), row for row as istioctl prints it."""

from __future__ import annotations

from test_gateway_api_istio import lab  # noqa: F401 - the Lab with the docs' Gateway API task applied


def test_route_rows_match_istioctls_golden_output(lab, shared_dir):  # noqa: F811
    golden = (
        shared_dir / "fixtures/istioctl/routes/k8s-gateway-http-route-path-prefix/output.txt"
    ).read_text()
    ours = lab.sh("istioctl proxy-config routes deploy/gateway-istio -n istio-ingress").check().stdout
    assert ours.splitlines()[:2] == golden.splitlines()[:2]
    assert sorted(ours.splitlines()[2:]) == sorted(golden.splitlines()[2:])
