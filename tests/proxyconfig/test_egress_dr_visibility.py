"""proxy-config agrees with the data plane on which DestinationRules a sidecar sees: a rule applied in an
unrelated namespace gives the curl pod's sidecar no `cnn` subset cluster, and requests through it get 503 NC."""

from __future__ import annotations

import ingresslab
from ingresslab.manifests import DEMO_DIR

SUBSET_ROW = ["istio-egressgateway.istio-system.svc.cluster.local", "80", "cnn"]


def _has_subset_cluster(lab) -> bool:
    table = lab.sh("istioctl proxy-config cluster deploy/curl -n default").check().stdout
    return any(line.split()[:3] == SUBSET_ROW for line in table.splitlines())


def test_a_destination_rule_elsewhere_gives_no_subset_cluster_and_503_nc():
    lab = ingresslab.connect("sandbox", state=None, seed=8, cwd=DEMO_DIR.parent)
    run = lab.scenario("egress-destinationrule-namespace")
    run.prepare()
    assert _has_subset_cluster(lab)
    run.apply(prepare=False)
    try:
        assert not _has_subset_cluster(lab)
        response = run.observe()
        assert response.status == 503
        line = lab.sh("kubectl logs deploy/curl -n default -c istio-proxy | tail -n 1").stdout
        assert " 503 NC cluster_not_found " in line
    finally:
        run.undo()
    assert _has_subset_cluster(lab)
