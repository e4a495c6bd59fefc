"""The sandbox's registries belong to a cluster or backend and come in one declared order, whatever was
imported first: admission hooks, controllers, programs inside containers, host tools."""

from __future__ import annotations

import json
import subprocess
import sys

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.backends.sandbox.controlplane import ControlPlane, control_plane
from ingresslab.backends.sandbox.state import ClusterState

_DUMP = """
import json
from ingresslab.backends.sandbox.backend import SandboxBackend
from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.backends.sandbox.state import ClusterState

name = lambda f: f"{f.__module__}.{f.__qualname__}"
plane = Cluster(ClusterState(seed=0)).plane
backend = SandboxBackend(None)

class _Lab:
    cwd = "."

print(json.dumps({
    "admissions": [name(f) for f in plane.admissions],
    "controllers": {k: [name(f) for f in v] for k, v in plane.controllers.items()},
    "pod_commands": list(backend.pod_commands),
    "tools": list(backend.tools(_Lab())),
    "names": [p["metadata"]["name"] for p in backend.list("pods", "*")],
}))
"""

_ORDERS = {
    "package first": "import ingresslab.backends.sandbox\n",
    "add-ons and programs first": (
        "import ingresslab.backends.sandbox.tools.curl\n"
        "import ingresslab.backends.sandbox.addons.istio\n"
        "import ingresslab.backends.sandbox.dataplane.podprograms\n"
        "import ingresslab.backends.sandbox.controllers.workloads\n"
    ),
    "nothing first": "",
}


def _registries(prelude: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", prelude + _DUMP], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout)


def test_import_order_does_not_change_any_registry():
    results = {label: _registries(prelude) for label, prelude in _ORDERS.items()}
    first = results["package first"]
    assert first["admissions"][0].endswith("core.validate_name")
    assert first["admissions"][-1].endswith("istio.sidecar_injector")
    assert first["controllers"]["pods"] == [
        "ingresslab.backends.sandbox.controllers.endpoints.on_pod",
        "ingresslab.backends.sandbox.controllers.workloads.start_pods",
        "ingresslab.backends.sandbox.controllers.workloads.pod_changes_reach_replicaset",
        "ingresslab.backends.sandbox.addons.ngf.on_change",  # NGF programs a Gateway once its pod runs
    ]
    assert first["pod_commands"][-2:] == ["wget", "curl"] and "nslookup" in first["pod_commands"]
    assert first["tools"] == ["minikube", "istioctl", "curl", "ingress2gateway"]
    for label, result in results.items():
        assert result == first, label


def test_each_cluster_owns_its_control_plane():
    one, two = Cluster(ClusterState(seed=0)), Cluster(ClusterState(seed=0))
    assert one.plane is not two.plane and one.plane == two.plane
    assert not hasattr(Cluster, "register_admission") and not hasattr(Cluster, "admissions")


def test_a_cluster_runs_only_the_control_plane_it_was_given():
    seen: list[str] = []
    plane = ControlPlane.build(
        admissions=[lambda cluster, rtype, obj, old: seen.append(f"admit {obj['metadata']['name']}")],
        controllers=[("*", lambda cluster, event: seen.append(f"{event[0]} {event[3]['metadata']['name']}"))],
    )
    cluster = Cluster(ClusterState(seed=0), plane=plane)
    cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "quiet"}})
    assert seen == ["admit quiet", "added quiet"]
    assert "labels" not in cluster.get("namespaces", "quiet")["metadata"]  # no namespace defaulting ran
    assert control_plane().watching("pods")[-1].__name__ == "collect_garbage"  # own type first, then "*"


def test_programs_and_tools_are_per_backend():
    one, two = SandboxBackend(None), SandboxBackend(None)
    one.pod_commands.pop("wget")
    assert "wget" in two.pod_commands and "wget" not in one.pod_commands
