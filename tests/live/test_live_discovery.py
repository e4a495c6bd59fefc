"""kubectl emulation on a live cluster resolves names through the cluster's discovery, like on the sandbox."""

from __future__ import annotations

from live_fakeapi import FakeApiServer

from ingresslab.backends.base import Discovery
from ingresslab.backends.live import LiveBackend
from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import CommandResult, Invocation


def kubectl(backend: LiveBackend, line: str) -> CommandResult:
    return Kubectl(backend)(Invocation(["kubectl", *line.split()]))


def test_custom_kinds_come_from_the_discovery_documents(backend: LiveBackend) -> None:
    assert isinstance(backend, Discovery)
    kinds = backend.discovery()
    assert kinds.resolve("gw").api_version == "networking.istio.io/v1beta1"  # the only version served
    assert kinds.resolve("widgets.example.com").kind == "Widget"
    assert kinds.find("nope") is None
    # Without CRDs to read, a custom kind prints the server's default columns.
    assert [c.name for c in kinds.resolve("vs").printer_columns or ()] == ["Age"]


def test_kubectl_get_of_a_custom_kind_on_a_live_cluster(backend: LiveBackend, api: FakeApiServer) -> None:
    api.put("networking.istio.io", "gateways", {"metadata": {"name": "gw1", "namespace": "application"}})
    result = kubectl(backend, "get gw")
    assert result.returncode == 0 and result.stdout.splitlines()[0].split() == ["NAME", "AGE"]
    assert result.stdout.splitlines()[1].startswith("gw1 ")
    unknown = kubectl(backend, "get gizmos")
    assert unknown.stderr == 'error: the server doesn\'t have a resource type "gizmos"\n'
