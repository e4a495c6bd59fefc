"""kubectl emulation resolves names through the backend's discovery, and asks it afresh once on a miss."""

from __future__ import annotations

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import Invocation
from ingresslab.kube.resources import BUILTIN, Kinds

WIDGETS = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Cluster",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
        "versions": [{"name": "v1", "served": True, "storage": True}],
    },
}


class StaleDiscovery(SandboxBackend):
    """A backend whose cached discovery predates the CRD (as a live client's cache may)."""

    fresh_calls = 0

    def discovery(self, *, fresh: bool = False) -> Kinds:
        if not fresh:
            return BUILTIN
        self.fresh_calls += 1
        return super().discovery()


def test_a_miss_asks_discovery_again_before_giving_up():
    backend = StaleDiscovery(None)
    backend.apply(WIDGETS)
    backend.apply({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}})
    kubectl = Kubectl(backend)
    listed = kubectl(Invocation(["kubectl", "get", "widgets"]))
    assert listed.returncode == 0 and listed.stdout.startswith("NAME   AGE\nw1     ")
    assert backend.fresh_calls == 1
    assert kubectl(Invocation(["kubectl", "get", "pods", "-A"])).returncode == 0
    assert backend.fresh_calls == 1  # a hit needs no second look


def test_a_cluster_scoped_custom_kind_has_no_namespace_column():
    backend = SandboxBackend(None)
    backend.apply(WIDGETS)
    backend.apply({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}})
    table = Kubectl(backend)(Invocation(["kubectl", "get", "widget", "-A"])).stdout
    assert table.splitlines()[0].split() == ["NAME", "AGE"]
