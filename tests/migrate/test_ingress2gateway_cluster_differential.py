"""`ingress2gateway print` reading a cluster: the real one against the reference cluster's API server, the
sandbox's against its own store, holding the same objects (the seed's Services and Ingress, given the class).

What only the cluster path shows: named ports resolve through the cluster's Services (from files they never
do in v1.1.0), and the report names a listed Ingress without a kind (`object: : <ns>/<name>`). Orders that come
from Go maps are normalised as in test_ingress2gateway_differential.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml
from test_ingress2gateway_differential import normalised

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.tools.ingress2gateway import Ingress2Gateway
from ingresslab.commands.result import CommandResult, Invocation
from ingresslab.manifests import DEMO_DIR

pytestmark = [pytest.mark.reference, pytest.mark.xdist_group("ingress2gateway-cluster")]

NAMESPACE = "i2g-migration"


def _objects() -> list[dict]:
    services = [
        d
        for d in yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text(encoding="utf-8"))
        if d and d["kind"] == "Service"
    ]
    ingress = yaml.safe_load((DEMO_DIR / "ingress.yaml").read_text(encoding="utf-8"))
    ingress["spec"]["ingressClassName"] = "nginx"
    ingress["metadata"]["annotations"] = {"nginx.ingress.kubernetes.io/limit-rps": "5"}
    second = json.loads(json.dumps(ingress))
    second["metadata"] = {"name": "app-root"}
    second["spec"] = {
        "ingressClassName": "nginx",
        "defaultBackend": {"service": {"name": "dest-svc-v1", "port": {"name": "http-v1"}}},
        "rules": [
            {
                "http": {
                    "paths": [
                        {
                            "path": "/docs/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": "dest-svc-v2", "port": {"name": "http-v2"}}},
                        }
                    ]
                }
            }
        ],
    }
    classless = yaml.safe_load((DEMO_DIR / "ingress.yaml").read_text(encoding="utf-8"))
    classless["metadata"]["name"] = "seed-as-it-is"
    return [*services, ingress, second, classless]


@pytest.fixture(scope="module")
def real_cluster(reference_cluster):
    from gobuild import tool_path
    from oracles import missing

    binary = tool_path("ingress2gateway")
    if binary is None:
        missing("no real ingress2gateway: build it (python tests/reference/gobuild.py)")
    reference_cluster.kubectl_run("create", "namespace", NAMESPACE)
    stream = "".join(
        f"---\n{yaml.safe_dump({**o, 'metadata': {**o['metadata'], 'namespace': NAMESPACE}})}"
        for o in _objects()
    )
    done = reference_cluster.kubectl_run("apply", "-f", "-", stdin=stream)
    assert done.returncode == 0, done.stderr
    yield reference_cluster, str(binary)
    reference_cluster.kubectl_run("delete", "namespace", NAMESPACE, "--wait=false")


@pytest.fixture(scope="module")
def sandbox_cluster() -> SandboxBackend:
    backend = SandboxBackend(None, seed=7)
    backend.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
    backend.apply_many([{**o, "metadata": {**o["metadata"], "namespace": NAMESPACE}} for o in _objects()])
    return backend


CASES = {
    "namespace": ["-n", NAMESPACE],
    "namespace-no-color": ["-n", NAMESPACE, "--no-color"],
    "other-class": ["-n", NAMESPACE, "--ingress-nginx-ingress-class", "traefik"],
    "empty-namespace": ["-n", "i2g-nothing-here"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_print_from_the_cluster_matches(case: str, real_cluster, sandbox_cluster: SandboxBackend) -> None:
    cluster, binary = real_cluster
    args = ["print", "--providers=ingress-nginx", *CASES[case]]
    done = subprocess.run(
        [binary, *args], capture_output=True, text=True, env=cluster.env(), timeout=60, check=False
    )
    real = CommandResult(done.stdout, done.stderr, done.returncode)
    emulated = Ingress2Gateway(sandbox_cluster)(Invocation(["ingress2gateway", *args]))
    assert normalised(emulated) == normalised(real)


def test_the_cluster_case_shows_what_files_cannot(real_cluster) -> None:
    cluster, binary = real_cluster
    done = subprocess.run(
        [binary, "print", "--providers=ingress-nginx", "-n", NAMESPACE, "--no-color"],
        capture_output=True,
        text=True,
        env=cluster.env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("port: 7777") == 5  # three seed paths, /docs/, the default backend
    assert f"│  object: : {NAMESPACE}/my-nginx-ingress\n" in done.stderr
    assert "seed-as-it-is" not in done.stdout
