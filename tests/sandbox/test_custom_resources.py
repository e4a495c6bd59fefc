"""Kinds from CRDs: applying a CRD makes its kind servable (discovery, names, categories, printer columns,
schema validation and pruning); deleting it takes the kind and its objects away again."""

from __future__ import annotations

import json
import shlex
from datetime import timedelta

import pytest
import yaml

from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation


def crd(group: str, kind: str, versions: list[dict], **names) -> dict:
    """A namespaced CRD; `names` adds shortNames, categories, …"""
    plural = f"{kind.lower()}s"
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"plural": plural, "singular": kind.lower(), "kind": kind, **names},
            "versions": versions,
        },
    }


WIDGET_CRD = crd(
    "example.com",
    "Widget",
    shortNames=["wd"],
    categories=["toys"],
    versions=[
        {"name": "v1alpha1", "served": True, "storage": False},
        {
            "name": "v1",
            "served": True,
            "storage": True,
            "additionalPrinterColumns": [
                {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                {"name": "Colors", "type": "string", "jsonPath": ".spec.colors"},
                {"name": "First", "type": "string", "jsonPath": ".spec.parts[*].name"},
                {"name": "Ready", "type": "boolean", "jsonPath": ".status.ready"},
                {"name": "Owner", "type": "string", "jsonPath": ".spec.owner", "priority": 1},
                {"name": "Started", "type": "date", "jsonPath": ".status.startedAt"},
            ],
            "schema": {
                "openAPIV3Schema": {
                    "type": "object",
                    "properties": {
                        "spec": {
                            "type": "object",
                            "required": ["size"],
                            "properties": {
                                "size": {"type": "integer"},
                                "owner": {"type": "string"},
                                "shade": {"type": "string", "enum": ["light", "dark"]},
                                "colors": {"type": "array", "items": {"type": "string"}},
                                "parts": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["name"],
                                        "properties": {"name": {"type": "string"}},
                                    },
                                },
                            },
                        },
                        "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                    },
                }
            },
        },
    ],
)


def widget(name: str, **spec) -> dict:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": name}, "spec": spec}


@pytest.fixture
def kubectl(sandbox):
    tool = Kubectl(sandbox, cwd=".")

    def run(line: str, stdin: object = None):
        text = stdin if isinstance(stdin, str) or stdin is None else yaml.safe_dump_all(stdin)
        return tool(Invocation(["kubectl", *shlex.split(line)], stdin=text or "", cwd="."))

    assert run("create namespace application").returncode == 0
    assert run("config set-context --current --namespace=application").returncode == 0
    return run


@pytest.fixture
def widgets(kubectl, sandbox):
    assert kubectl("apply -f -", [WIDGET_CRD]).stdout == (
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n"
    )
    started = (sandbox.now() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M:%SZ")
    w1 = widget("w1", size=3, colors=["red", "blue"], parts=[{"name": "gear"}, {"name": "axle"}], owner="ann")
    w1["status"] = {"ready": True, "startedAt": started}
    w2 = widget("w2", size=1)
    assert (
        kubectl("apply -f -", [w1, w2]).stdout
        == "widget.example.com/w1 created\nwidget.example.com/w2 created\n"
    )
    return kubectl


def test_a_kind_is_unknown_until_its_crd_is_applied(kubectl):
    assert kubectl("get widgets").stderr == 'error: the server doesn\'t have a resource type "widgets"\n'
    result = kubectl("apply -f -", [widget("w1", size=1)])
    assert result.returncode == 1
    assert 'no matches for kind "Widget" in version "example.com/v1"' in result.stderr


def test_printer_columns_follow_the_api_servers_table_convertor(widgets):
    # NAME first, then the CRD's columns only (no AGE: the CRD does not list it); a list prints as compact
    # JSON, `[*]` shows only its first value, a missing field is an empty cell, a date is an age.
    assert widgets("get widgets").stdout == (
        "NAME   SIZE   COLORS           FIRST   READY   STARTED\n"
        'w1     3      ["red","blue"]   gear    true    20m\n'
        "w2     1                                       \n"
    )
    assert widgets("get wd -o wide").stdout.splitlines()[0].split() == [
        "NAME", "SIZE", "COLORS", "FIRST", "READY", "OWNER", "STARTED",
    ]  # fmt: skip
    assert "ann" in widgets("get wd w1 -o wide").stdout


@pytest.mark.parametrize(
    "name", ["widgets", "widget", "wd", "Widget", "widgets.example.com", "widget/w1", "toys"]
)
def test_every_kubectl_name_of_the_kind_resolves(widgets, name):
    result = widgets(f"get {name}")
    assert result.returncode == 0 and "w1" in result.stdout


def test_discovery_lists_the_kind_with_its_preferred_version(widgets, sandbox):
    kinds = sandbox.discovery()
    rtype = kinds.resolve("wd")
    assert (rtype.api_version, rtype.other_versions, rtype.storage_version) == (
        "example.com/v1",
        ("v1alpha1",),
        "v1",
    )
    assert kinds.category("toys") == [rtype]
    listed = widgets("api-resources --api-group=example.com").stdout
    assert listed.splitlines()[1].split() == ["widgets", "wd", "example.com/v1", "true", "Widget"]
    assert widgets("api-resources -o name --categories=toys").stdout == "widgets.example.com\n"


def test_schema_validation_speaks_the_api_servers_words(widgets):
    missing = widgets("apply -f -", [widget("bad", size=1, parts=[{"name": "a"}, {}])])
    assert missing.returncode == 1
    assert missing.stderr == 'The Widget "bad" is invalid: spec.parts[1].name: Required value\n'
    wrong = widgets("apply -f -", [widget("bad", size="big", shade="purple")])
    assert wrong.stderr == (
        'The Widget "bad" is invalid: \n'
        '* spec.shade: Unsupported value: "purple": supported values: "light", "dark"\n'
        '* spec.size: Invalid value: "big": spec.size in body must be of type integer: "string"\n'
    )
    assert widgets("get widget bad").returncode == 1  # nothing was stored


def test_unknown_fields_are_pruned_unless_preserved(widgets):
    sent = widget("w3", size=2, sparkle=True)
    sent["status"] = {"anything": {"goes": 1}}
    assert widgets("apply -f -", [sent]).returncode == 0
    stored = json.loads(widgets("get wd w3 -o json").stdout)
    assert stored["spec"] == {"size": 2}
    assert stored["status"] == {"anything": {"goes": 1}}


def test_deleting_the_crd_stops_serving_the_kind_and_drops_its_objects(widgets):
    assert widgets("delete widget w2").stdout == 'widget.example.com "w2" deleted\n'
    assert widgets("delete crd widgets.example.com").returncode == 0
    for name in ("widgets", "wd", "widgets.example.com"):
        assert widgets(f"get {name}").stderr == f'error: the server doesn\'t have a resource type "{name}"\n'
    assert widgets("apply -f -", [WIDGET_CRD]).returncode == 0
    assert widgets("get widgets").stderr == "No resources found in application namespace.\n"


def test_a_gateway_api_route_gets_the_servers_required_value_message(kubectl):
    route_crd = crd("gateway.networking.k8s.io", "HTTPRoute", listKind="HTTPRouteList", categories=["gateway-api"],
            versions=[{
                "name": "v1", "served": True, "storage": True,
                "additionalPrinterColumns": [
                    {"name": "Hostnames", "type": "string", "jsonPath": ".spec.hostnames"},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                ],
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {
                    "type": "object",
                    "properties": {
                        "hostnames": {"type": "array", "items": {"type": "string"}},
                        "parentRefs": {"type": "array", "items": {
                            "type": "object", "required": ["name"],
                            "properties": {"name": {"type": "string"}, "namespace": {"type": "string"}},
                        }},
                    },
                }}}},
            }],
    )  # fmt: skip
    assert kubectl("apply -f -", [route_crd]).returncode == 0
    route = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "x"},
        "spec": {"parentRefs": [{"namespace": "infra"}], "hostnames": ["yuya.example.com"]},
    }
    bad = kubectl("apply -f -", [route])
    assert bad.stderr == 'The HTTPRoute "x" is invalid: spec.parentRefs[0].name: Required value\n'
    route["spec"]["parentRefs"][0]["name"] = "gw"
    assert kubectl("apply -f -", [route]).stdout == "httproute.gateway.networking.k8s.io/x created\n"
    table = kubectl("get httproutes").stdout.splitlines()
    assert table[0].split() == ["NAME", "HOSTNAMES", "AGE"]
    assert table[1].split()[:2] == ["x", '["yuya.example.com"]']


def test_istio_kinds_come_from_the_crds_istio_installs(kubectl, sandbox):
    assert not sandbox.serves("vs")
    assert "networking.istio.io" not in kubectl("api-resources").stdout
    from ingresslab.backends.sandbox.addons import istio

    with sandbox.transaction() as cluster:
        istio.install(cluster, "minimal")
    rows = kubectl("api-resources --api-group=networking.istio.io").stdout.splitlines()
    assert [r.split()[:3] for r in rows[1:] if r.split()[0] in ("gateways", "virtualservices")] == [
        ["gateways", "gw", "networking.istio.io/v1"],
        ["virtualservices", "vs", "networking.istio.io/v1"],
    ]
    rtype = sandbox.discovery().resolve("vs")
    assert rtype.storage_version == "v1beta1" and rtype.other_versions == ("v1beta1", "v1alpha3")
    assert [c.name for c in rtype.printer_columns or ()] == ["Gateways", "Hosts", "Age"]
    assert "peerauthentications" in [r.plural for r in sandbox.discovery().category("istio-io")]


def test_a_custom_resource_has_a_generation_that_follows_its_spec(widgets):
    def generation() -> int:
        return json.loads(widgets("get wd w2 -o json").stdout)["metadata"]["generation"]

    assert generation() == 1
    widgets("label wd w2 team=toys")
    assert generation() == 1
    widgets("apply -f -", [widget("w2", size=7)])
    assert generation() == 2
