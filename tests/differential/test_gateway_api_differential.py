"""Gateway API's standard CRDs, sandbox against the real thing: real kubectl 1.31 and kube-apiserver 1.31.

The shared reference cluster deliberately lacks gateways.gateway.networking.k8s.io (it would take `kubectl get
gateway` from Istio's kind, see tests/live/live_reference.py), so these cases get a cluster of their own. The
sandbox applies the release URL (its offline bundle); the real side applies the same release's CRD files from
the Go module cache, concatenated as the release's standard-install.yaml is.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diffrunner import Case, ReferenceSide, SandboxSide, Step, compare, prepare_directory

URL = "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.1.0/standard-install.yaml"
DOCS_LINE = (
    "kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || "
    '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0" | kubectl apply -f -; }'
)
NS_SETUP = "kubectl create namespace $NS && kubectl config set-context --current --namespace=$NS"

OBJECTS = """\
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: $NS}
spec: {controllerName: example.com/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: $NS
  listeners:
  - {name: http, protocol: HTTP, port: 80}
  - {name: web, protocol: HTTP, port: 8080, hostname: "*.example.com", allowedRoutes: {namespaces: {from: All}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw, sectionName: web}]
  hostnames: [a.example.com, b.example.com]
  rules:
  - backendRefs: [{name: web, port: 80}]
  - matches: [{path: {type: Exact, value: /get}, headers: [{name: x-a, value: "1"}]}]
    backendRefs: [{name: web, port: 80, weight: 5}]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: grant}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: other}]
  to: [{group: "", kind: Service}]
"""
BAD_PATH = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bad-path}
spec:
  rules:
  - matches: [{path: {type: PathPrefix, value: get}}]
"""
DUPLICATE_LISTENERS = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: dup}
spec:
  gatewayClassName: $NS
  listeners:
  - {name: http, protocol: HTTP, port: 80}
  - {name: http, protocol: HTTP, port: 8080}
"""
NO_PORT = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: no-port}
spec:
  rules:
  - backendRefs: [{name: web}]
"""
ISTIO_GATEWAY = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: igw}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
"""
STATUS = (
    '{"status":{"addresses":[{"type":"IPAddress","value":"10.0.0.1"},'
    '{"type":"Hostname","value":"gw.example.com"}]}}'
)


def _case(id_: str, index: int, setup: list[str], commands: list[str], files: dict[str, str]) -> Case:
    steps = [Step(s, (), False, False) for s in setup]
    steps += [Step(c, ("stdout", "stderr", "rc"), True, False) for c in commands]
    return Case(id_, index, tuple(steps), files)


CASES = [
    _case(
        "gwapi-install",
        901,
        [],
        [
            f"kubectl apply -f {URL}",
            f"kubectl apply -f {URL}",  # the files' status stub: "configured", every time
            f"kubectl apply --server-side -f {URL}",
            "kubectl get crd",
            "kubectl api-resources --api-group=gateway.networking.k8s.io",
            "kubectl api-resources --categories=gateway-api -o name",
            DOCS_LINE,  # the CRD exists: nothing runs, nothing printed
            "kubectl get crd gateways.gateway.networking.k8s.io -o jsonpath='{.spec.versions[*].name}'",
        ],
        {},
    ),
    _case(
        "gwapi-objects",
        902,
        [f"kubectl apply -f {URL}", NS_SETUP],
        [
            "kubectl apply -f objs.yaml",
            "kubectl get gc $NS",
            "kubectl get gtw,httproute,refgrant",
            "kubectl get gc $NS -o wide",
            "kubectl get httproute r -o yaml",
            "kubectl get gtw gw -o yaml",
            "kubectl get gc $NS -o yaml",
            "kubectl apply -f objs.yaml",  # lists the server defaulted differ: "configured"
            f"kubectl patch gtw gw --subresource=status --type=merge -p '{STATUS}'",
            "kubectl get gtw",  # ADDRESS: the first address only
            "kubectl get gateway-api",
            "kubectl apply -f bad-path.yaml",
            "kubectl apply -f dup-listeners.yaml",
            "kubectl apply -f no-port.yaml",
            "kubectl get httproute",
        ],
        {
            "objs.yaml": OBJECTS,
            "bad-path.yaml": BAD_PATH,
            "dup-listeners.yaml": DUPLICATE_LISTENERS,
            "no-port.yaml": NO_PORT,
        },
    ),
    _case(
        "gwapi-gateway-resolution",
        903,
        [f"kubectl apply -f {URL}", NS_SETUP],
        [
            "kubectl apply -f istio-gateway-crd.yaml",
            "kubectl apply -f objs.yaml -f istio-gw.yaml",
            "kubectl get gateway",  # gateway.networking.k8s.io's, as real kubectl resolves it
            "kubectl get gateways",
            "kubectl get gtw -o name",
            "kubectl get gw -o name",
            "kubectl get gateways.networking.istio.io -o name",
            "kubectl get gateway.gateway.networking.k8s.io -o name",
        ],
        {"objs.yaml": OBJECTS, "istio-gw.yaml": ISTIO_GATEWAY},
    ),
]


@pytest.fixture(scope="module")
def gateway_cluster(tmp_path_factory):
    """A reference cluster of these cases' own, and the upstream CRD files for its side."""
    from cluster import ClusterError, down, up
    from gobuild import BuildError, GoMissing, crd_files
    from oracles import missing

    directory = tmp_path_factory.mktemp("gwapi") / "cluster"
    try:
        files = crd_files()
        cluster = up(directory, quiet=True)
    except GoMissing as err:
        missing(f"reference cluster unavailable: {err}")
    except (BuildError, ClusterError) as err:
        pytest.fail(f"the reference cluster did not come up: {err}", pytrace=False)
    install = "# Gateway API v1.1.0 standard channel, from the Go module cache\n" + "".join(
        f"---\n#\n# {path.name}\n#\n{path.read_text(encoding='utf-8')}" for path in files["gateway-api"]
    )
    istio = [
        d
        for d in yaml.safe_load_all(files["istio"][0].read_text(encoding="utf-8"))
        if isinstance(d, dict) and d.get("metadata", {}).get("name") == "gateways.networking.istio.io"
    ]
    try:
        yield cluster, install, yaml.safe_dump_all(istio, sort_keys=False)
    finally:
        down(directory)


@pytest.mark.reference
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gateway_api_case(case, gateway_cluster, tmp_path):
    cluster, install, istio_crd = gateway_cluster
    sandbox_dir, reference_dir = tmp_path / "sandbox", tmp_path / "reference"
    for directory in (sandbox_dir, reference_dir):
        directory.mkdir()
        prepare_directory(case, directory)
        (directory / "istio-gateway-crd.yaml").write_text(istio_crd, encoding="utf-8")
    (reference_dir / "standard-install.yaml").write_text(install, encoding="utf-8")
    sandbox = SandboxSide(case, sandbox_dir)
    ours = [sandbox.run(case.substitute(step.run)) for step in case.steps]
    reference = ReferenceSide(case, reference_dir, cluster)
    try:
        theirs = [
            reference.run(case.substitute(step.run).replace(URL, "standard-install.yaml"))
            for step in case.steps
        ]
    finally:
        reference.close()
    diff, _ = compare(case, ours, theirs, [])
    if diff:
        pytest.fail(
            f"sandbox and real kubectl differ in {case.id} (normalised, -reference +sandbox):\n{diff}"
        )
