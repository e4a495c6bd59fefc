"""Custom kinds through the real API server's discovery: Istio's and the Gateway API's upstream CRDs.

The CRDs are installed on the reference cluster as upstream ships them (tests/live/live_reference.py); then
LiveBackend applies, reads and lists their kinds, and kubectl emulation resolves their names and prints their
columns as the real kubectl 1.31 does against the same server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from live_reference import Crds

from ingresslab.backends.base import Discovery
from ingresslab.backends.live import LiveBackend
from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.errors import Invalid, NotFound

ISTIO = "networking.istio.io"
GATEWAY_API = "gateway.networking.k8s.io"


def kubectl(backend: LiveBackend, line: str) -> CommandResult:
    return Kubectl(backend)(Invocation(["kubectl", *line.split()]))


def preferred_version(cluster: Any, group: str) -> str:
    done = cluster.kubectl_run("get", "--raw", f"/apis/{group}")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["preferredVersion"]["version"]


def custom(group_version: str, kind: str, name: str, spec: dict) -> dict:
    return {"apiVersion": group_version, "kind": kind, "metadata": {"name": name}, "spec": spec}


def virtual_service() -> dict:
    route = {"destination": {"host": "dest-svc-v1", "port": {"number": 7777}}}
    spec = {"hosts": ["yuya.example.com"], "gateways": ["my-gw"], "http": [{"route": [route]}]}
    return custom(f"{ISTIO}/v1", "VirtualService", "vs1", spec)


def http_route(hostname: str = "yuya.example.com") -> dict:
    rules = [{"backendRefs": [{"name": "dest-svc-v1", "port": 7777}]}]
    spec = {"parentRefs": [{"name": "my-gw"}], "hostnames": [hostname], "rules": rules}
    return custom(f"{GATEWAY_API}/v1", "HTTPRoute", "route1", spec)


def istio_gateway(version: str, name: str) -> dict:
    return custom(
        f"{ISTIO}/{version}", "Gateway", name, {"selector": {"istio": "ingressgateway"}, "servers": []}
    )


@pytest.fixture
def with_crds(crds: Crds, live: LiveBackend) -> LiveBackend:
    return live


def test_apply_an_istio_virtual_service_through_discovery(with_crds: LiveBackend) -> None:
    live = with_crds
    first, again = live.apply(virtual_service()), live.apply(virtual_service())
    assert (first.action, again.action) == ("created", "unchanged")
    stored = live.get("virtualservices.networking.istio.io", "vs1")
    assert stored["spec"]["hosts"] == ["yuya.example.com"]
    assert [v["metadata"]["name"] for v in live.list("vs")] == ["vs1"]
    changed = live.apply({**virtual_service(), "spec": {**virtual_service()["spec"], "hosts": ["b.example"]}})
    assert changed.action == "configured" and live.get("vs", "vs1")["spec"]["hosts"] == ["b.example"]


def test_apply_a_gateway_api_http_route_gets_the_crds_defaults(with_crds: LiveBackend, crds: Crds) -> None:
    live = with_crds
    result = live.apply(http_route())
    assert result.action == "created"
    # The rule names no match: the API server fills in the default that the CRD's schema declares.
    schema = next(v for v in crds.named(GATEWAY_API, "HTTPRoute")["spec"]["versions"] if v["name"] == "v1")
    rule = schema["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["rules"]["items"]
    assert result.object["spec"]["rules"][0]["matches"] == rule["properties"]["matches"]["default"]
    assert [r["metadata"]["name"] for r in live.list("httproute")] == ["route1"]
    assert live.get("httproutes.gateway.networking.k8s.io", "route1")["kind"] == "HTTPRoute"


def test_the_crds_schema_rejects_an_invalid_hostname(with_crds: LiveBackend) -> None:
    with pytest.raises(Invalid) as info:
        with_crds.apply(http_route("Not_A_Host"))
    message = info.value.message
    assert message.startswith('HTTPRoute.gateway.networking.k8s.io "route1" is invalid: ')
    assert 'spec.hostnames[0]: Invalid value: "Not_A_Host": spec.hostnames[0] in body should match' in message
    with pytest.raises(NotFound):
        with_crds.get("httproute", "route1")


def test_istio_kinds_use_the_version_the_cluster_prefers(
    with_crds: LiveBackend, crds: Crds, reference_cluster: Any
) -> None:
    live = with_crds
    # The seed's istio-gateway.yaml is written for v1alpha3; the server serves every version of the CRD.
    gateway = istio_gateway("v1alpha3", "gw")
    assert "v1alpha3" in crds.served_versions(ISTIO, "Gateway")
    assert live.apply(gateway).object["apiVersion"] == f"{ISTIO}/v1alpha3"
    preferred = preferred_version(reference_cluster, ISTIO)
    assert live.get("gw", "gw")["apiVersion"] == f"{ISTIO}/{preferred}"
    assert live.discovery().resolve("gw").api_version == f"{ISTIO}/{preferred}"


def test_apply_of_an_unserved_kind_says_to_install_the_crd(live: LiveBackend) -> None:
    with pytest.raises(NotFound, match="ensure CRDs are installed first"):
        live.apply({"apiVersion": "nope.example/v1", "kind": "Gizmo", "metadata": {"name": "g"}})


def test_custom_kinds_come_from_the_clusters_crds(with_crds: LiveBackend, crds: Crds) -> None:
    live = with_crds
    assert isinstance(live, Discovery)
    kinds = live.discovery()
    assert kinds.resolve("httproutes.gateway.networking.k8s.io").kind == "HTTPRoute"
    assert kinds.resolve("gateway").group == kinds.resolve("gw").group == ISTIO
    assert kinds.find("nope") is None
    # Printer columns are the CRD's own additionalPrinterColumns.
    vs_crd = crds.named(ISTIO, "VirtualService")
    preferred = kinds.resolve("vs").version
    version = next(v for v in vs_crd["spec"]["versions"] if v["name"] == preferred)
    wanted = [c["name"] for c in version.get("additionalPrinterColumns") or []]
    assert [c.name for c in kinds.resolve("vs").printer_columns or ()] == wanted


@pytest.mark.parametrize("kind", ["gw", "vs", "httproute"])
def test_kubectl_get_of_a_custom_kind_prints_the_real_kubectls_columns(
    with_crds: LiveBackend, reference_cluster: Any, namespace: str, kind: str
) -> None:
    live = with_crds
    live.apply(istio_gateway("v1beta1", "gw1"))
    live.apply(virtual_service())
    live.apply(http_route())
    ours = kubectl(live, f"get {kind}")
    real = reference_cluster.kubectl_run("get", kind, "-n", namespace)
    assert (ours.returncode, real.returncode) == (0, 0), ours.stderr + real.stderr
    assert ours.stdout.splitlines()[0].split() == real.stdout.splitlines()[0].split()
    assert [line.split()[0] for line in ours.stdout.splitlines()[1:]] == [
        line.split()[0] for line in real.stdout.splitlines()[1:]
    ]


def test_kubectl_get_of_an_unknown_kind_words_the_error_as_the_real_kubectl(
    live: LiveBackend, reference_cluster: Any
) -> None:
    real = reference_cluster.kubectl_run("get", "gizmos")
    ours = kubectl(live, "get gizmos")
    assert ours.returncode == real.returncode == 1
    assert ours.stderr == real.stderr == 'error: the server doesn\'t have a resource type "gizmos"\n'
