"""The Gateway API steps that need no data plane, written once and run on the sandbox and on a reference cluster.

The learner installs the Gateway API's CRDs, writes a GatewayClass, a Gateway and an HTTPRoute, and reads them
back before any controller has acted: every condition is the CRD's default (Unknown, Pending, "Waiting for
controller"). The API server's own validation (the CRDs' CEL rules) rejects a bad route with one message. With
Istio's CRDs installed too, `kubectl get gateway` still means the Gateway API's Gateway and `gw` Istio's.

The sandbox runs these steps without Istio until the step that installs it (its istiod would otherwise act on
Gateways), and the Gateway's class is one no controller serves, so nothing reconciles on either backend.

The shared reference cluster leaves the Gateway API's Gateway CRD out on purpose (tests/live/live_reference.py:
the seed flow's `kubectl get gateway -A` means Istio's there), so this module starts a reference cluster of its
own, installs the CRDs from the real v1.1.0 files as the learner's kubectl would apply them, and stops it at the
end. No live variant: a learner's cluster may already hold these CRDs (notebook 07), and the clean-up deletes them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from contract_support import make_lab, make_reference_lab, parse_table

from ingresslab.lab import Lab

# ordered steps on one cluster per backend: one xdist worker, in order
pytestmark = pytest.mark.xdist_group("gateway-api-flow")

NS = "gwapi-contract"
GROUP = "gateway.networking.k8s.io"
KINDS = ("gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants")
CRDS = [f"{plural}.{GROUP}" for plural in KINDS]
# the Istio docs' install and clean-up (https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/)
DOCS_INSTALL = (
    'kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0" | kubectl apply -f -'
)
DOCS_REMOVE = (
    'kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0" | kubectl delete -f -'
)

OBJECTS = f"""\
apiVersion: {GROUP}/v1
kind: GatewayClass
metadata:
  name: example
spec:
  controllerName: example.net/gateway-controller
---
apiVersion: {GROUP}/v1
kind: Gateway
metadata:
  name: gw
spec:
  gatewayClassName: example
  listeners:
  - name: http
    hostname: "*.example.com"
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: All
---
apiVersion: {GROUP}/v1
kind: HTTPRoute
metadata:
  name: web
spec:
  parentRefs:
  - name: gw
  hostnames: ["a.example.com", "b.example.com"]
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /v1
    backendRefs:
    - name: web
      port: 80
"""

BAD_ROUTE = f"""\
apiVersion: {GROUP}/v1
kind: HTTPRoute
metadata:
  name: bad
spec:
  parentRefs:
  - name: gw
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: v1
"""


def heredoc(command: str, manifest: str) -> str:
    return f"{command} -f - <<EOF\n{manifest}EOF"


def run(lab: Lab, script: str) -> str:
    result = lab.sh(script)
    assert result.returncode == 0, f"$ {script}\n{result.stdout}{result.stderr}"
    return result.stdout


def tables(text: str) -> list[list[dict[str, str]]]:
    """`kubectl get a,b` prints one table per kind, a blank line between them; each without AGE."""
    out = []
    for block in text.strip().split("\n\n"):
        out.append([{k: v for k, v in row.items() if k != "AGE"} for row in parse_table(block)])
    return out


@pytest.fixture(scope="module", params=["sandbox", "reference"])
def lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """This module's own Lab per backend (overrides the contract's shared one): a fresh sandbox, or a reference
    cluster started for this module alone, stopped when the module ends."""
    if request.param == "sandbox":
        yield make_lab("sandbox")
        return
    from cluster import ClusterError, down, up
    from gobuild import BuildError, GoMissing, crd_files
    from oracles import missing

    directory = tmp_path_factory.mktemp("gwapi-contract") / "cluster"
    try:
        files = crd_files()
        cluster = up(directory, quiet=True)
    except GoMissing as err:
        missing(f"reference cluster unavailable: {err}")
    except (BuildError, ClusterError) as err:
        pytest.fail(f"reference: the cluster did not come up: {err}", pytrace=False)
    try:
        bindir = str(Path(cluster.kubectl).parent)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
            lab = make_reference_lab(cluster, tmp_path_factory.mktemp("gwapi-reference-home"))
            lab.env["PATH"] = os.environ["PATH"]
            _REFERENCE[id(lab)] = {"cluster": cluster, "files": files}
            yield lab
    finally:
        down(directory)


_REFERENCE: dict[int, dict[str, Any]] = {}  # the reference Lab's cluster and CRD files, by id(lab)


def reference(lab: Lab) -> dict[str, Any] | None:
    return _REFERENCE.get(id(lab))


@pytest.mark.usefixtures("lab")
class TestGatewayApiFlow:
    """CRDs, objects before any controller, validation, `gateway` resolution with Istio's CRDs, clean-up."""

    ordered = True  # conftest: a failed step skips the later ones on that backend

    def test_the_crds_are_installed(self, lab: Lab) -> None:
        ref = reference(lab)
        if ref is None:
            out = run(lab, DOCS_INSTALL)
        else:  # the same v1.1.0 files, from the Go module cache (no network here)
            out = run(lab, "kubectl apply " + " ".join(f"-f {f}" for f in ref["files"]["gateway-api"]))
        assert out.splitlines() == [
            f"customresourcedefinition.apiextensions.k8s.io/{crd} created" for crd in CRDS
        ]
        run(
            lab,
            "kubectl wait --for=condition=Established --timeout=60s " + " ".join(f"crd/{c}" for c in CRDS),
        )
        rows = parse_table(run(lab, "kubectl api-resources --api-group=gateway.networking.k8s.io"))
        assert [(r["NAME"], r["SHORTNAMES"], r["NAMESPACED"], r["KIND"]) for r in rows] == [
            ("gatewayclasses", "gc", "false", "GatewayClass"),
            ("gateways", "gtw", "true", "Gateway"),
            ("grpcroutes", "", "true", "GRPCRoute"),
            ("httproutes", "", "true", "HTTPRoute"),
            ("referencegrants", "refgrant", "true", "ReferenceGrant"),
        ]

    def test_namespace_and_objects_are_created(self, lab: Lab) -> None:
        assert run(lab, f"kubectl create namespace {NS}") == f"namespace/{NS} created\n"
        out = run(lab, heredoc(f"kubectl apply -n {NS}", OBJECTS))
        assert out.splitlines() == [
            f"gatewayclass.{GROUP}/example created",
            f"gateway.{GROUP}/gw created",
            f"httproute.{GROUP}/web created",
        ]

    def test_before_a_controller_acts_every_condition_is_unknown(self, lab: Lab) -> None:
        [classes] = tables(run(lab, "kubectl get gatewayclass example"))
        assert classes == [
            {"NAME": "example", "CONTROLLER": "example.net/gateway-controller", "ACCEPTED": "Unknown"}
        ]
        gateways, routes = tables(run(lab, f"kubectl get gtw,httproute -n {NS}"))
        assert gateways == [
            {"NAME": f"gateway.{GROUP}/gw", "CLASS": "example", "ADDRESS": "", "PROGRAMMED": "Unknown"}
        ]
        assert routes == [
            {"NAME": f"httproute.{GROUP}/web", "HOSTNAMES": '["a.example.com","b.example.com"]'}
        ]
        reasons = "{range .status.conditions[*]}{.type}={.status}/{.reason}:{.message};{end}"
        assert run(lab, f"kubectl get gtw gw -n {NS} -o jsonpath='{reasons}'") == (
            "Accepted=Unknown/Pending:Waiting for controller;Programmed=Unknown/Pending:Waiting for controller;"
        )
        assert run(lab, f"kubectl get gc example -o jsonpath='{reasons}'") == (
            "Accepted=Unknown/Waiting:Waiting for controller;"
        )
        # no controller wrote the route's status, and the CRD defaults none
        assert run(lab, f"kubectl get httproute web -n {NS} -o jsonpath='{{.status}}'") == ""

    def test_an_invalid_route_is_rejected_by_the_crds_validation(self, lab: Lab) -> None:
        result = lab.sh(heredoc(f"kubectl apply -n {NS}", BAD_ROUTE))
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.strip() == (
            'The HTTPRoute "bad" is invalid: spec.rules[0].matches[0].path: Invalid value: "object": value must '
            "be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"
        )
        assert "NotFound" in lab.sh(f"kubectl get httproute bad -n {NS}").stderr

    def test_with_istios_crds_gateway_still_means_the_gateway_apis(self, lab: Lab) -> None:
        ref = reference(lab)
        if ref is None:  # the seed's install: istiod too, which leaves a class it does not serve alone
            run(lab, "istioctl install --set profile=demo -y")
        else:  # what `istioctl install` registers with the API server (istiod cannot run here)
            istio = [
                d
                for d in yaml.safe_load_all(Path(ref["files"]["istio"][0]).read_text(encoding="utf-8"))
                if isinstance(d, dict) and d.get("kind") == "CustomResourceDefinition"
            ]
            run(lab, heredoc("kubectl apply --server-side", yaml.safe_dump_all(istio)))
            run(
                lab, "kubectl wait --for=condition=Established --timeout=60s crd/gateways.networking.istio.io"
            )
        [gateways] = tables(run(lab, f"kubectl get gateway -n {NS}"))
        assert gateways == [{"NAME": "gw", "CLASS": "example", "ADDRESS": "", "PROGRAMMED": "Unknown"}]
        [gateways] = tables(run(lab, f"kubectl get gateways.gateway.networking.k8s.io -n {NS}"))
        assert gateways[0]["NAME"] == "gw"
        for istios in ("gw", "gateways.networking.istio.io"):
            result = lab.sh(f"kubectl get {istios} -n {NS}")
            assert (result.returncode, result.stdout, result.stderr) == (
                0,
                "",
                f"No resources found in {NS} namespace.\n",
            ), istios

    def test_clean_up_removes_the_objects_and_the_crds(self, lab: Lab) -> None:
        out = run(lab, f"kubectl delete httproute web -n {NS} && kubectl delete gtw gw -n {NS}")
        assert out.splitlines() == [f'httproute.{GROUP} "web" deleted', f'gateway.{GROUP} "gw" deleted']
        assert run(lab, "kubectl delete gatewayclass example") == f'gatewayclass.{GROUP} "example" deleted\n'
        ref = reference(lab)
        if ref is None:
            out = run(lab, DOCS_REMOVE)
        else:
            out = run(lab, "kubectl delete " + " ".join(f"-f {f}" for f in ref["files"]["gateway-api"]))
        assert out.splitlines() == [
            f'customresourcedefinition.apiextensions.k8s.io "{c}" deleted' for c in CRDS
        ]
        run(lab, f"kubectl delete namespace {NS} --wait=false")
        left = run(lab, "kubectl get crd -o name")
        assert not [line for line in left.splitlines() if line.endswith(f".{GROUP}")], left
