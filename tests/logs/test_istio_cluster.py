"""Istio cluster names decode into direction, port, subset and host, in both spellings."""

from __future__ import annotations

import pytest

from ingresslab.logs import IstioCluster, decode_istio_cluster

HOST = "dest-svc-v1.application.svc.cluster.local"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (f"outbound|7777||{HOST}", IstioCluster("outbound", 7777, None, HOST)),
        (f"outbound|7777|v1|{HOST}", IstioCluster("outbound", 7777, "v1", HOST)),
        ("inbound|5678||", IstioCluster("inbound", 5678, None, None)),
        (
            "inbound|9080|http|reviews.default.svc.cluster.local",
            IstioCluster("inbound", 9080, "http", "reviews.default.svc.cluster.local"),
        ),
        (f"outbound_.7777_._.{HOST}", IstioCluster("outbound", 7777, None, HOST)),
        (f"outbound_.7777_.v2_.{HOST}", IstioCluster("outbound", 7777, "v2", HOST)),
        (f"invalid:outbound_.7777_._.{HOST}", IstioCluster("outbound", 7777, None, HOST)),
        (f"outbound|7777||{HOST};", IstioCluster("outbound", 7777, None, HOST)),
        (
            "inbound-vip|80|http|svc.ns.svc.cluster.local",
            IstioCluster("inbound-vip", 80, "http", "svc.ns.svc.cluster.local"),
        ),
    ],
)
def test_cluster_keys_decode(name, expected):
    assert decode_istio_cluster(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "PassthroughCluster",
        "BlackHoleCluster",
        "InboundPassthroughClusterIpv4",
        "-",
        "",
        None,
        "outbound|x||h",
        "weird|1||h",
    ],
)
def test_names_that_are_not_cluster_keys(name):
    assert decode_istio_cluster(name) is None


def test_cluster_encodes_back_to_both_forms():
    cluster = decode_istio_cluster(f"outbound|7777|v1|{HOST}")
    assert cluster.name == f"outbound|7777|v1|{HOST}"
    assert cluster.sni == f"outbound_.7777_.v1_.{HOST}"
    assert decode_istio_cluster(cluster.sni) == cluster
    assert IstioCluster("inbound", 5678).name == "inbound|5678||"
