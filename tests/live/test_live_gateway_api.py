"""Gateway API in live mode, no data plane needed: the upstream v1.1.0 CRDs applied with real kubectl, then the
live backend's discovery, apply, get and describe against a real API server.

The shared reference cluster leaves gateways.gateway.networking.k8s.io out on purpose (live_reference.py), so
this module starts a reference cluster of its own and installs all five standard CRDs plus Istio's Gateway CRD
— the situation of a learner who follows Istio's Gateway API task — and checks the live lab resolves
`gateway` as real kubectl does there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from ingresslab.backends.live import LiveBackend
from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.errors import Invalid

pytestmark = pytest.mark.reference

GROUP = "gateway.networking.k8s.io"
PLURALS = ("gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants")
NAMESPACE = "gwapi-live"


def _run(cluster: Any, *args: str, stdin: str | None = None) -> Any:
    return cluster.kubectl_run(*args, stdin=stdin, timeout=120)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Iterator[tuple[Any, str]]:
    """A reference cluster of this module's own with the CRDs applied by real kubectl; yields (cluster, output)."""
    from cluster import ClusterError, down, up
    from gobuild import BuildError, GoMissing, crd_files
    from oracles import missing

    directory = tmp_path_factory.mktemp("gwapi-live") / "cluster"
    try:
        files = crd_files()
        cluster = up(directory, quiet=True)
    except GoMissing as err:
        missing(f"reference cluster unavailable: {err}")
    except (BuildError, ClusterError) as err:
        pytest.fail(f"the reference cluster did not come up: {err}", pytrace=False)
    try:
        applied = _run(cluster, "apply", *(arg for f in files["gateway-api"] for arg in ("-f", str(f))))
        assert applied.returncode == 0, applied.stderr
        istio = [
            d
            for d in yaml.safe_load_all(files["istio"][0].read_text(encoding="utf-8"))
            if isinstance(d, dict) and d.get("metadata", {}).get("name") == "gateways.networking.istio.io"
        ]
        assert _run(cluster, "apply", "-f", "-", stdin=yaml.safe_dump_all(istio)).returncode == 0
        names = [f"crd/{p}.{GROUP}" for p in PLURALS] + ["crd/gateways.networking.istio.io"]
        waited = _run(cluster, "wait", "--for=condition=Established", "--timeout=60s", *names)
        assert waited.returncode == 0, waited.stderr
        assert _run(cluster, "create", "namespace", NAMESPACE).returncode == 0
        yield cluster, applied.stdout
    finally:
        down(directory)


@pytest.fixture
def live(installed: tuple[Any, str]) -> LiveBackend:
    cluster, _ = installed
    return LiveBackend(kubeconfig=cluster.kubeconfig, namespace=NAMESPACE, request_timeout=15.0)


def kubectl(backend: LiveBackend, line: str) -> CommandResult:
    return Kubectl(backend)(Invocation(["kubectl", *line.split()]))


def test_real_kubectl_prints_what_the_sandbox_prints_for_the_install(installed: tuple[Any, str]) -> None:
    from ingresslab import Lab
    from ingresslab.backends.sandbox import SandboxBackend

    _, real = installed
    url = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.1.0/standard-install.yaml"
    assert Lab(SandboxBackend(None, seed=2)).sh(f"kubectl apply -f {url}").stdout == real


def test_live_discovery_resolves_gateway_as_real_kubectl(
    installed: tuple[Any, str], live: LiveBackend
) -> None:
    cluster, _ = installed
    kinds = live.discovery()
    assert kinds.resolve("gateway").group == kinds.resolve("gtw").group == GROUP
    assert kinds.resolve("gw").group == "networking.istio.io"
    assert kinds.resolve("refgrant").version == "v1beta1"
    verbose = _run(cluster, "get", "gateway", "-n", NAMESPACE, "-v=6")
    assert f"/apis/{GROUP}/v1/namespaces/{NAMESPACE}/gateways" in verbose.stderr


GATEWAY = {
    "apiVersion": f"{GROUP}/v1",
    "kind": "Gateway",
    "metadata": {"name": "gw"},
    "spec": {"gatewayClassName": "example", "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]},
}
ROUTE = {
    "apiVersion": f"{GROUP}/v1",
    "kind": "HTTPRoute",
    "metadata": {"name": "r"},
    "spec": {
        "parentRefs": [{"name": "gw"}],
        "hostnames": ["a.example.com", "b.example.com"],
        "rules": [{"backendRefs": [{"name": "web", "port": 80}]}],
    },
}


def test_get_and_describe_through_the_live_backend_match_real_kubectl(
    installed: tuple[Any, str], live: LiveBackend
) -> None:
    cluster, _ = installed
    created = live.apply(GATEWAY)
    assert created.action == "created"
    assert [c["status"] for c in created.object["status"]["conditions"]] == ["Unknown", "Unknown"]
    live.apply(ROUTE)
    status = {
        "status": {"addresses": [{"value": "10.0.0.1"}, {"type": "Hostname", "value": "gw.example.com"}]}
    }
    patched = _run(
        cluster,
        "patch",
        "gtw",
        "gw",
        "-n",
        NAMESPACE,
        "--subresource=status",
        "--type=merge",
        "-p",
        json.dumps(status),
    )
    assert patched.returncode == 0, patched.stderr
    for what in ("gtw", "httproute", "gateway"):
        ours = kubectl(live, f"get {what}")
        real = _run(cluster, "get", what, "-n", NAMESPACE)
        assert [line.split()[:-1] for line in ours.stdout.splitlines()] == [
            line.split()[:-1] for line in real.stdout.splitlines()
        ], (ours.stdout, real.stdout)  # all but AGE
    ours = kubectl(live, "describe gtw gw")
    real = _run(cluster, "describe", "gtw", "gw", "-n", NAMESPACE)
    cut = [line for line in real.stdout.splitlines() if "Creation Timestamp" not in line]
    assert [line for line in ours.stdout.splitlines() if "Creation Timestamp" not in line][:8] == cut[:8]


def test_the_api_servers_cel_rule_reaches_the_live_lab(live: LiveBackend) -> None:
    bad = {
        **ROUTE,
        "metadata": {"name": "bad"},
        "spec": {"rules": [{"matches": [{"path": {"value": "get"}}]}]},
    }
    with pytest.raises(Invalid) as info:
        live.apply(bad)
    assert "value must be an absolute path and start with '/'" in info.value.message
