"""The sandbox's `ingress2gateway` without an oracle: the Lab's shell, the cluster's Ingresses, what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

import ingresslab
from ingresslab.backends.sandbox.tools.ingress2gateway import Ingress2Gateway
from ingresslab.commands.result import Invocation
from ingresslab.manifests import DEMO_DIR
from ingresslab.migrate import ConversionFailed, NotEmulated, convert
from ingresslab.migrate.ingress2gateway import name_from_host, route_name
from ingresslab.tools import INSTALL_HINTS, find_tool, ingress2gateway_print_argv

PATCH_CLASS = (
    """kubectl patch ingress my-nginx-ingress --type=merge -p '{"spec":{"ingressClassName":"nginx"}}'"""
)


@pytest.fixture
def lab():
    lab = ingresslab.connect("sandbox", state=None, cwd=str(DEMO_DIR.parent))
    lab.sh(
        "kubectl create namespace application && kubectl config set-context --current --namespace=application\n"
        "kubectl apply -f istio-deepdive/depl-helloworld.yaml -f istio-deepdive/ingress.yaml"
    ).check()
    return lab


@pytest.mark.parametrize(
    ("host", "slug"),
    [
        ("*.example.com", "example-com"),
        ("*", "all-hosts"),
        ("", "all-hosts"),
        ("foo.example.com", "foo-example-com"),
        ("a--b..c", "a-b-c"),
        ("-x_y", "x-y"),
    ],
)
def test_listener_and_route_slugs(host: str, slug: str) -> None:
    assert name_from_host(host) == slug
    assert route_name("my-nginx-ingress", host) == f"my-nginx-ingress-{slug}"


def test_the_seeds_classless_ingress_converts_to_nothing(lab) -> None:
    result = lab.sh("ingress2gateway print --providers=ingress-nginx --no-color")
    assert result.returncode == 0
    assert result.stdout == "No resources found in application namespace\n"
    assert "URL normalization" in result.stderr and "STANDARD_EMITTER" in result.stderr


def test_from_the_cluster_named_ports_resolve_through_its_services(lab) -> None:
    lab.sh(PATCH_CLASS).check()
    result = lab.sh("ingress2gateway print --providers=ingress-nginx --no-color").check()
    assert result.stdout.startswith(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  annotations:\n"
        "    gateway.networking.k8s.io/generator: ingress2gateway-1.1.0\n  name: nginx\n  namespace: application\n"
        "spec:\n  gatewayClassName: nginx\n  listeners:\n  - hostname: '*.example.com'\n    name: example-com-http\n"
        "    port: 80\n    protocol: HTTP\n---\n"
    )
    assert "  name: my-nginx-ingress-example-com\n" in result.stdout
    assert result.stdout.count("      port: 7777\n") == 3  # http-v1, http-v2, http-error → the Services' 7777
    assert 'host "*.example.com" with a self-signed certificate' in result.stderr


def test_namespace_flags_choose_what_is_read(lab) -> None:
    lab.sh(PATCH_CLASS).check()
    assert lab.sh("ingress2gateway print --providers=ingress-nginx -n default").stdout == (
        "No resources found in default namespace\n"
    )
    assert "namespace: application" in lab.sh("ingress2gateway print --providers=ingress-nginx -A").stdout


def test_a_cluster_ingress_is_named_without_a_kind_in_the_report(lab) -> None:
    lab.sh(
        'kubectl patch ingress my-nginx-ingress --type=merge -p \'{"spec":{"ingressClassName":"nginx"},'
        '"metadata":{"annotations":{"nginx.ingress.kubernetes.io/limit-rps":"5"}}}\''
    ).check()
    result = lab.sh("ingress2gateway print --providers=ingress-nginx --no-color").check()
    assert (
        "│  Unsupported annotation nginx.ingress.kubernetes.io/limit-rps\n│  source: INGRESS-NGINX\n"
        "│  object: : application/my-nginx-ingress\n"
    ) in result.stderr


def test_version_prints_the_emulated_release(lab) -> None:
    assert lab.sh("ingress2gateway version").stdout == (
        "ingress2gateway version: 1.1.0\nBuilt with Go version: go1.25.9\n"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ("--providers=istio", "the istio provider"),
        ("--providers=ingress-nginx -o json", "-o json"),
        ("--providers=ingress-nginx --emitter=kgateway", "the kgateway emitter"),
    ],
)
def test_what_is_not_emulated_says_so(args: str, said: str, tmp_path: Path) -> None:
    (tmp_path / "in.yaml").write_text((DEMO_DIR / "ingress.yaml").read_text())
    result = Ingress2Gateway(None, str(tmp_path))(
        Invocation(["ingress2gateway", "print", *args.split(), "--input-file", "in.yaml"], cwd=str(tmp_path))
    )
    assert result.returncode == 1 and said in result.stderr and "not emulated in the sandbox" in result.stderr


def _ingress(annotations: dict[str, str] | None = None, paths: list[dict] | None = None) -> dict:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "i", "namespace": "n", "annotations": annotations or {}},
        "spec": {
            "ingressClassName": "nginx",
            "rules": [
                {
                    "host": "h.example.com",
                    "http": {
                        "paths": paths
                        or [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "s", "port": {"number": 80}}},
                            }
                        ]
                    },
                }
            ],
        },
    }


def test_translated_annotations_beyond_the_model_are_refused() -> None:
    with pytest.raises(NotEmulated, match=r"nginx.ingress.kubernetes.io/canary-weight"):
        convert([_ingress({"nginx.ingress.kubernetes.io/canary-weight": "10"})])
    # Reported-only annotations are modelled: a warning, and the conversion goes on.
    done = convert([_ingress({"nginx.ingress.kubernetes.io/server-snippet": "x"})])
    messages = [(n.source, n.message) for n in done.notifications]
    assert ("ingress-nginx", "Unsupported annotation nginx.ingress.kubernetes.io/server-snippet") in messages
    assert messages[-1][0] == "standard_emitter" and "URL normalization" in messages[-1][1]


def test_named_port_without_its_service_is_the_real_error() -> None:
    backend = {"service": {"name": "dest-svc-v1", "port": {"name": "http-v1"}}}
    with pytest.raises(ConversionFailed) as info:
        convert([_ingress(paths=[{"path": "/v1", "pathType": "Exact", "backend": backend}])])
    assert str(info.value) == (
        '\n\n# Encountered 1 errors # paths.backends[0].service.port: Invalid value: "name": '
        "cannot find port with name http-v1 in service dest-svc-v1"
    )
    service = {"kind": "Service", "metadata": {"name": "dest-svc-v1", "namespace": "n"},
               "spec": {"ports": [{"name": "http-v1", "port": 7777}]}}  # fmt: skip
    done = convert(
        [_ingress(paths=[{"path": "/v1", "pathType": "Exact", "backend": backend}])], services=[service]
    )
    assert done.httproutes[0]["spec"]["rules"][0]["backendRefs"] == [{"name": "dest-svc-v1", "port": 7777}]


def test_live_mode_knows_the_binary_and_how_to_install_it(tmp_path: Path) -> None:
    assert "go install github.com/kubernetes-sigs/ingress2gateway@v1.1.0" in INSTALL_HINTS["ingress2gateway"]
    assert "releases/tag/v1.1.0" in INSTALL_HINTS["ingress2gateway"]
    assert ingress2gateway_print_argv(input_files=["in.yaml"], namespace="application") == [
        "ingress2gateway", "print", "--providers=ingress-nginx", "--input-file", "in.yaml",
        "--namespace", "application",
    ]  # fmt: skip
    assert ingress2gateway_print_argv(all_namespaces=True, ingress_class="nginx")[-2:] == [
        "--all-namespaces",
        "--ingress-nginx-ingress-class=nginx",
    ]
    fake = tmp_path / "ingress2gateway"
    fake.write_text(
        "#!/bin/sh\necho 'ingress2gateway version: 1.1.0'\necho 'Built with Go version: go1.25.9'\n"
    )
    fake.chmod(0o755)
    assert find_tool("ingress2gateway", path=str(tmp_path)).version == "1.1.0"


def test_with_the_ingress_addon_the_seeds_ingress_converts_from_the_cluster_not_from_its_file() -> None:
    """minikube's nginx IngressClass is the default: DefaultIngressClass writes `ingressClassName: nginx` into
    the seed's Ingress when it is created, so the cluster's copy converts while the file stays class-less."""
    lab = ingresslab.connect("sandbox", state=None, cwd=str(DEMO_DIR.parent))
    lab.sh(
        "minikube addons enable ingress\n"
        "kubectl create namespace application && kubectl config set-context --current --namespace=application\n"
        "kubectl apply -f istio-deepdive/depl-helloworld.yaml -f istio-deepdive/ingress.yaml"
    ).check()
    from_cluster = lab.sh("ingress2gateway print --providers=ingress-nginx").check()
    assert "  name: my-nginx-ingress-example-com\n" in from_cluster.stdout
    from_file = lab.sh(
        "ingress2gateway print --providers=ingress-nginx --input-file istio-deepdive/ingress.yaml"
    )
    assert from_file.check().stdout == "No resources found\n"
