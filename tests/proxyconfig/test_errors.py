"""Malformed input gives a ProxyConfigError naming the source and the JSON path, never a deep traceback."""

from __future__ import annotations

import json

import pytest

from ingresslab.proxyconfig import ProxyConfigError, load_clusters, load_config_dump, render

from .seed_dumps import gateway_dump

CLUSTERS = "type.googleapis.com/envoy.admin.v3.ClustersConfigDump"


def _error(data, **kwargs) -> ProxyConfigError:
    with pytest.raises(ProxyConfigError) as info:
        load_config_dump(data, **kwargs)
    return info.value


def test_text_that_is_not_json_names_the_file_and_position() -> None:
    err = _error("{configs: [", source="dump.json")
    assert err.source == "dump.json"
    assert "not JSON" in str(err) and "line 1 column 2" in str(err) and str(err).startswith("dump.json")


def test_empty_input_and_non_object_json_are_rejected() -> None:
    assert "empty input" in str(_error(b"  \n"))
    assert "found a list" in str(_error("[1, 2]"))


def test_json_without_configs_says_it_is_not_a_config_dump() -> None:
    err = _error({"foo": 1})
    assert "no `configs` list" in str(err) and err.path == "$"
    assert "proxy-config endpoint" in str(_error({"cluster_statuses": []}))


def test_wrong_shapes_report_the_json_path() -> None:
    assert _error({"configs": {"a": 1}}).path == "$.configs"
    assert _error({"configs": [{"bootstrap": {}}]}).path == "$.configs[0]"
    err = _error({"configs": [{"@type": CLUSTERS, "dynamic_active_clusters": {"cluster": {}}}]})
    assert err.path == "$.configs[0].dynamic_active_clusters" and "expected a list" in str(err)
    err = _error({"configs": [{"@type": CLUSTERS, "static_clusters": [{"cluster": {"name": 7}}]}]})
    assert err.path == "$.configs[0].static_clusters[0].cluster.name"
    dump = gateway_dump()
    listeners = next(c for c in dump["configs"] if c["@type"].endswith("ListenersConfigDump"))
    listeners["dynamic_listeners"][0]["active_state"]["listener"]["address"]["socket_address"][
        "port_value"
    ] = "http"
    err = _error(json.dumps(dump), source="gw.json")
    assert (
        err.path
        == "$.configs[3].dynamic_listeners[0].active_state.listener.address.socket_address.port_value"
    )
    assert "expected an integer" in str(err)


def test_unknown_config_types_are_skipped() -> None:
    dump = gateway_dump()
    dump["configs"].append(
        {"@type": "type.googleapis.com/envoy.admin.v3.SomethingNew", "whatever": [1, {"x": None}]}
    )
    assert load_config_dump(dump).clusters


def test_missing_section_names_the_type_istioctl_looks_for() -> None:
    dump = {"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump"}]}
    with pytest.raises(ProxyConfigError, match=f"no configuration type {CLUSTERS}"):
        render(dump, "cluster")
    with pytest.raises(ProxyConfigError, match="no routes found"):
        render(dump, "route")


def test_config_dump_given_as_clusters_json_and_bad_arguments_are_explained() -> None:
    with pytest.raises(ProxyConfigError, match="clusters\\?format=json"):
        load_clusters(gateway_dump())
    with pytest.raises(ProxyConfigError, match="unknown proxy-config kind"):
        render(gateway_dump(), "clustres")
    with pytest.raises(ProxyConfigError, match="output format 'wide' not supported"):
        render(gateway_dump(), "cluster", output="wide")
    with pytest.raises(ProxyConfigError, match="`route` has no filter fqdn"):
        render(gateway_dump(), "route", fqdn="x")
    with pytest.raises(ProxyConfigError, match="port must be a number"):
        render(gateway_dump(), "cluster", port="http")
