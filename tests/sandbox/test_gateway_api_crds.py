"""Gateway API's standard CRDs in the sandbox: installed as the docs install them (release URL, server-side apply,
Istio's `kubectl kustomize … | kubectl apply -f -` line), their kinds, columns, defaults and CEL rules, and how
`kubectl get gateway` resolves once Istio's own Gateway kind is served too (as real kubectl 1.31 does)."""

from __future__ import annotations

import json

import pytest
import yaml

from ingresslab import Lab
from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.addons.gateway_api_crds import RELEASES, kustomize_build, standard_install
from ingresslab.kube import bundled
from ingresslab.kube.crds import resource_type

URL = "https://github.com/kubernetes-sigs/gateway-api/releases/download/{}/standard-install.yaml"
V110, V161 = URL.format("v1.1.0"), URL.format("v1.6.1")
ISTIO_DOCS_LINE = (
    "kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || "
    '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0" | kubectl apply -f -; }'
)
CRD = "customresourcedefinition.apiextensions.k8s.io/{}.gateway.networking.k8s.io {}"
V110_PLURALS = ("gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants")

OBJECTS = """\
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: example}
spec: {controllerName: example.com/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: example
  listeners:
  - {name: http, protocol: HTTP, port: 80}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  hostnames: [a.example.com, b.example.com]
  rules:
  - backendRefs: [{name: web, port: 80}]
"""


@pytest.fixture
def lab(tmp_path):
    (tmp_path / "objs.yaml").write_text(OBJECTS)
    return Lab(SandboxBackend(None, seed=5), cwd=tmp_path)


def lines(*plurals: str, action: str) -> str:
    return "".join(CRD.format(p, action) + "\n" for p in plurals)


def test_the_release_url_applies_the_crds_in_the_files_order(lab):
    first = lab.sh(f"kubectl apply -f {V110}")
    assert (first.stdout, first.stderr, first.returncode) == (lines(*V110_PLURALS, action="created"), "", 0)
    # The files carry a `status` stub the server ignores: kubectl's patch is never empty, so "configured".
    assert lab.sh(f"kubectl apply -f {V110}").stdout == lines(*V110_PLURALS, action="configured")
    assert lab.sh(f"kubectl apply --server-side -f {V110}").stdout == lines(
        *V110_PLURALS, action="serverside-applied"
    )


def test_the_current_release_adds_kinds_and_the_safe_upgrades_policy(lab):
    out = lab.sh(f"kubectl apply --server-side=true -f {V161}").stdout.splitlines()
    plurals = [line.split("/")[1].split(".")[0] for line in out[:10]]
    assert plurals == sorted(plurals) and {"listenersets", "tlsroutes", "udproutes"} <= set(plurals)
    assert out[10:] == [
        "validatingadmissionpolicy.admissionregistration.k8s.io/safe-upgrades.gateway.networking.k8s.io "
        "serverside-applied",
        "validatingadmissionpolicybinding.admissionregistration.k8s.io/safe-upgrades.gateway.networking.k8s.io "
        "serverside-applied",
    ]
    resources = lab.sh("kubectl api-resources --api-group=gateway.networking.k8s.io").stdout
    assert "referencegrants      refgrant     gateway.networking.k8s.io/v1" in resources
    assert "listenersets         lset         gateway.networking.k8s.io/v1" in resources


def test_istio_docs_line_installs_once(lab):
    first = lab.sh(ISTIO_DOCS_LINE)
    assert (first.stdout, first.returncode) == (lines(*V110_PLURALS, action="created"), 0)
    again = lab.sh(ISTIO_DOCS_LINE)
    assert (again.stdout, again.stderr, again.returncode) == ("", "", 0)


def test_kustomize_prints_the_crds_as_yaml(lab):
    result = lab.sh(
        'kubectl kustomize "https://github.com/kubernetes-sigs/gateway-api//config/crd?ref=v1.1.0"'
    )
    docs = list(yaml.safe_load_all(result.stdout))
    assert [d["metadata"]["name"].split(".")[0] for d in docs] == list(V110_PLURALS)
    assert docs == kustomize_build("v1.1.0")


def test_any_other_url_says_the_sandbox_is_offline_and_what_it_carries(lab):
    result = lab.sh(
        "kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.0/x.yaml"
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        'error: unable to read URL "https://github.com/kubernetes-sigs/gateway-api/'
    )
    assert "the sandbox is offline" in result.stderr and V110 in result.stderr and V161 in result.stderr
    missing = lab.sh("kubectl kustomize github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.0.0")
    assert missing.returncode == 1 and "config/crd?ref=v1.1.0" in missing.stderr


@pytest.mark.parametrize("version", sorted(RELEASES))
def test_kinds_versions_and_columns_per_release(version):
    kinds = {
        r.kind: r
        for r in (resource_type(o) for o in standard_install(version) if o["kind"].endswith("Definition"))
    }
    assert kinds["GatewayClass"].short_names == ("gc",) and not kinds["GatewayClass"].namespaced
    assert kinds["Gateway"].short_names == ("gtw",) and kinds["Gateway"].categories == ("gateway-api",)
    assert [c.name for c in kinds["Gateway"].printer_columns] == ["Class", "Address", "Programmed", "Age"]
    assert [(c.name, c.priority) for c in kinds["GatewayClass"].printer_columns][-1] == ("Description", 1)
    grant = kinds["ReferenceGrant"]
    assert grant.short_names == ("refgrant",) and grant.storage_version == "v1beta1"
    assert grant.version == ("v1beta1" if version == "v1.1.0" else "v1")


def test_printer_columns_before_any_controller_and_after_a_status_write(lab):
    lab.sh(f"kubectl apply -f {V110}").check()
    assert lab.sh("kubectl apply -f objs.yaml").returncode == 0
    listing = lab.sh("kubectl get gc,gtw,httproute -A").stdout.splitlines()
    assert listing[1].split()[1:3] == ["example.com/gateway-controller", "Unknown"]
    assert listing[4].split()[2:4] == ["example", "Unknown"]  # no address yet: an empty cell
    assert listing[7].split()[2] == '["a.example.com","b.example.com"]'
    assert lab.sh("kubectl get gc -o wide").stdout.splitlines()[0].split() == [
        "NAME", "CONTROLLER", "ACCEPTED", "AGE", "DESCRIPTION",
    ]  # fmt: skip
    status = {
        "status": {"addresses": [{"value": "10.0.0.1"}, {"type": "Hostname", "value": "gw.example.com"}]}
    }
    patched = lab.sh(f"kubectl patch gtw gw --subresource=status --type=merge -p '{json.dumps(status)}'")
    assert patched.stdout == "gateway.gateway.networking.k8s.io/gw patched\n"
    assert lab.sh("kubectl get gtw").stdout.splitlines()[1].split()[:4] == [
        "gw",
        "example",
        "10.0.0.1",
        "Unknown",
    ]


def test_the_servers_defaults_fill_in_what_the_crds_declare(lab):
    lab.sh(f"kubectl apply -f {V110}").check()
    lab.sh("kubectl apply -f objs.yaml").check()
    gateway = yaml.safe_load(lab.sh("kubectl get gtw gw -o yaml").stdout)
    assert gateway["spec"]["listeners"][0]["allowedRoutes"] == {"namespaces": {"from": "Same"}}
    assert [(c["type"], c["status"], c["reason"]) for c in gateway["status"]["conditions"]] == [
        ("Accepted", "Unknown", "Pending"),
        ("Programmed", "Unknown", "Pending"),
    ]
    gc = yaml.safe_load(lab.sh("kubectl get gc example -o yaml").stdout)
    assert gc["status"]["conditions"][0]["reason"] == "Waiting"  # v1.1.0; v1.6.1 says Pending
    route = yaml.safe_load(lab.sh("kubectl get httproute r -o yaml").stdout)
    assert route["spec"]["parentRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"}
    ]
    assert route["spec"]["rules"] == [
        {
            "backendRefs": [{"group": "", "kind": "Service", "name": "web", "port": 80, "weight": 1}],
            "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
        }
    ]
    assert "status" not in route  # HTTPRoute's CRD declares no status default
    # JSON merge patches replace lists whole: the defaulted lists differ from the manifest's, so "configured".
    assert lab.sh("kubectl apply -f objs.yaml").stdout.split("\n")[:3] == [
        "gatewayclass.gateway.networking.k8s.io/example unchanged",
        "gateway.gateway.networking.k8s.io/gw configured",
        "httproute.gateway.networking.k8s.io/r configured",
    ]


BAD_PATH = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bad}
spec:
  rules:
  - matches: [{path: {type: PathPrefix, value: "get"}}]
"""
DUPLICATE_LISTENERS = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: dup}
spec:
  gatewayClassName: example
  listeners:
  - {name: http, protocol: HTTP, port: 80}
  - {name: http, protocol: HTTP, port: 8080}
"""


def test_cel_rules_and_list_keys_reject_as_the_server_does(lab):
    lab.sh(f"kubectl apply -f {V110}").check()
    bad = lab.sh(f"kubectl apply -f - <<'EOF'\n{BAD_PATH}EOF")
    assert (bad.returncode, bad.stderr) == (
        1,
        'The HTTPRoute "bad" is invalid: spec.rules[0].matches[0].path: Invalid value: "object": value must be '
        "an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']\n",
    )
    dup = lab.sh(f"kubectl apply -f - <<'EOF'\n{DUPLICATE_LISTENERS}EOF")
    assert dup.stderr == (
        'The Gateway "dup" is invalid: \n'
        '* spec.listeners[1]: Duplicate value: map[string]interface {}{"name":"http"}\n'
        '* spec.listeners: Invalid value: "array": Listener name must be unique within the Gateway\n'
    )
    assert lab.sh("kubectl get httproute,gtw").stderr == "No resources found in default namespace.\n"


def test_gateway_means_the_gateway_api_kind_once_both_are_served(lab):
    """Real kubectl 1.31 against kube-apiserver 1.31 (the reference cluster): aggregated discovery lists CRD groups
    (all of priority 1000) by name, and kubectl's RESTMapper takes the first group that has the resource, so
    `gateway` is gateway.networking.k8s.io's ("gateway…" < "networking.istio.io"); `gw` stays Istio's."""
    lab.sh("istioctl install --set profile=demo -y").check()
    kinds = lab.backend.discovery()
    assert kinds.resolve("gateway").group == "networking.istio.io"  # Istio alone
    lab.sh(f"kubectl apply -f {V110}").check()
    kinds = lab.backend.discovery()
    assert kinds.resolve("gateway").group == kinds.resolve("gateways").group == "gateway.networking.k8s.io"
    assert kinds.resolve("gtw").group == "gateway.networking.k8s.io"
    assert (
        kinds.resolve("gw").group
        == kinds.resolve("gateways.networking.istio.io").group
        == "networking.istio.io"
    )
    istio_gateway = (
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: igw}\nspec: {servers: []}\n"
    )
    lab.sh(f"kubectl apply -f objs.yaml && kubectl apply -f - <<'EOF'\n{istio_gateway}EOF").check()
    assert lab.sh("kubectl get gateway").stdout.splitlines()[0].split() == [
        "NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE",
    ]  # fmt: skip
    assert lab.sh("kubectl get gtw -o name").stdout == "gateway.gateway.networking.k8s.io/gw\n"
    assert lab.sh("kubectl get gw -o name").stdout == "gateway.networking.istio.io/igw\n"
    assert (
        lab.sh("kubectl get gateways.networking.istio.io -o name").stdout
        == "gateway.networking.istio.io/igw\n"
    )


def test_bundles_registry_lists_what_it_carries():
    urls, kustomizations = bundled.known()
    assert {V110, V161} <= {b.key for b in urls}
    assert any("config/crd?ref=v1.6.1" in b.key for b in kustomizations)
