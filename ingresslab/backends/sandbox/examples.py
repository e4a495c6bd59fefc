"""kubernetes.io's example manifests, served offline for `kubectl apply -f https://k8s.io/examples/…`.

The networking pages of kubernetes.io apply their examples by URL (`https://k8s.io/examples/<path>`, which
redirects to `https://kubernetes.io/examples/<path>`). The sandbox describes the objects those files hold —
kinds, names, fields, in the file's order — and registers each under the spellings a learner meets: the
k8s.io short link, the kubernetes.io address and the raw file in the website repository. Any other URL still
fails with `kube.bundled`'s offline message.
"""

from __future__ import annotations

from collections.abc import Callable

from ingresslab.kube import bundled

__all__ = ["EXAMPLES", "urls_for"]

_PREFIXES = (
    "https://k8s.io/examples/",
    "https://kubernetes.io/examples/",
    "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/",
)


def urls_for(path: str) -> list[str]:
    """Every address the example at `path` (e.g. `service/networking/example-ingress.yaml`) is served at."""
    return [prefix + path for prefix in _PREFIXES]


def _backend(service: str, port: int) -> dict:
    return {"service": {"name": service, "port": {"number": port}}}


def _path(path: str, service: str, port: int) -> dict:
    return {"path": path, "pathType": "Prefix", "backend": _backend(service, port)}


def _ingress(name: str, spec: dict) -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name}, "spec": spec}


def _rule(host: str | None, *paths: dict) -> dict:
    rule: dict = {"host": host} if host else {}
    rule["http"] = {"paths": list(paths)}
    return rule


def _example_ingress() -> list[dict]:
    """The minikube Ingress task's file: hello-world.example → Service web:8080, class nginx."""
    return [
        _ingress(
            "example-ingress",
            {"ingressClassName": "nginx", "rules": [_rule("hello-world.example", _path("/", "web", 8080))]},
        )
    ]


def _minimal_ingress() -> list[dict]:
    return [
        _ingress(
            "minimal-ingress",
            {"ingressClassName": "nginx-example", "rules": [_rule(None, _path("/testpath", "test", 80))]},
        )
    ]


def _test_ingress() -> list[dict]:
    return [_ingress("test-ingress", {"defaultBackend": _backend("test", 80)})]


def _simple_fanout() -> list[dict]:
    rule = _rule("foo.bar.com", _path("/foo", "service1", 4200), _path("/bar", "service2", 8080))
    return [_ingress("simple-fanout-example", {"rules": [rule]})]


def _name_virtual_host() -> list[dict]:
    rules = [
        _rule("foo.bar.com", _path("/", "service1", 80)),
        _rule("bar.foo.com", _path("/", "service2", 80)),
    ]
    return [_ingress("name-virtual-host-ingress", {"rules": rules})]


def _name_virtual_host_no_third_host() -> list[dict]:
    rules = [
        _rule("first.bar.com", _path("/", "service1", 80)),
        _rule("second.bar.com", _path("/", "service2", 80)),
        _rule(None, _path("/", "service3", 80)),
    ]
    return [_ingress("name-virtual-host-ingress-no-third-host", {"rules": rules})]


def _wildcard_host() -> list[dict]:
    rules = [
        _rule("foo.bar.com", _path("/bar", "service1", 80)),
        _rule("*.foo.com", _path("/foo", "service2", 80)),
    ]
    return [_ingress("ingress-wildcard-host", {"rules": rules})]


def _tls_example() -> list[dict]:
    spec = {
        "tls": [{"hosts": ["https-example.foo.com"], "secretName": "testsecret-tls"}],
        "rules": [_rule("https-example.foo.com", _path("/", "service1", 80))],
    }
    return [_ingress("tls-example-ingress", spec)]


def _run_my_nginx() -> list[dict]:
    """Connecting Applications with Services: two nginx pods labelled run=my-nginx, port 80."""
    labels = {"run": "my-nginx"}
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "my-nginx"},
            "spec": {
                "selector": {"matchLabels": dict(labels)},
                "replicas": 2,
                "template": {
                    "metadata": {"labels": dict(labels)},
                    "spec": {
                        "containers": [
                            {"name": "my-nginx", "image": "nginx", "ports": [{"containerPort": 80}]}
                        ]
                    },
                },
            },
        }
    ]


def _nginx_svc() -> list[dict]:
    return [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "my-nginx", "labels": {"run": "my-nginx"}},
            "spec": {"ports": [{"port": 80, "protocol": "TCP"}], "selector": {"run": "my-nginx"}},
        }
    ]


def _curlpod() -> list[dict]:
    labels = {"app": "curlpod"}
    container = {
        "name": "curlpod",
        "command": ["sh", "-c", "while true; do sleep 1; done"],
        "image": "curlimages/curl",
        "volumeMounts": [{"mountPath": "/etc/nginx/ssl", "name": "secret-volume"}],
    }
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "curl-deployment"},
            "spec": {
                "selector": {"matchLabels": dict(labels)},
                "replicas": 1,
                "template": {
                    "metadata": {"labels": dict(labels)},
                    "spec": {
                        "volumes": [{"name": "secret-volume", "secret": {"secretName": "nginxsecret"}}],
                        "containers": [container],
                    },
                },
            },
        }
    ]


def _hello_application() -> list[dict]:
    """Use a Service to Access an Application in a Cluster: two hello-app 2.0 pods labelled
    run=load-balancer-example, port 8080."""
    labels = {"run": "load-balancer-example"}
    container = {
        "name": "hello-world",
        "image": "us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0",
        "ports": [{"containerPort": 8080, "protocol": "TCP"}],
    }
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "hello-world"},
            "spec": {
                "selector": {"matchLabels": dict(labels)},
                "replicas": 2,
                "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": [container]}},
            },
        }
    ]


EXAMPLES: dict[str, tuple[Callable[[], list[dict]], str]] = {
    "service/networking/example-ingress.yaml": (_example_ingress, "Set up Ingress on Minikube"),
    "service/networking/minimal-ingress.yaml": (_minimal_ingress, "Ingress concept page"),
    "service/networking/test-ingress.yaml": (_test_ingress, "Ingress concept page"),
    "service/networking/simple-fanout-example.yaml": (_simple_fanout, "Ingress concept page"),
    "service/networking/name-virtual-host-ingress.yaml": (_name_virtual_host, "Ingress concept page"),
    "service/networking/name-virtual-host-ingress-no-third-host.yaml": (
        _name_virtual_host_no_third_host,
        "Ingress concept page",
    ),
    "service/networking/ingress-wildcard-host.yaml": (_wildcard_host, "Ingress concept page"),
    "service/networking/tls-example-ingress.yaml": (_tls_example, "Ingress concept page"),
    "service/networking/run-my-nginx.yaml": (_run_my_nginx, "Connecting Applications with Services"),
    "service/networking/nginx-svc.yaml": (_nginx_svc, "Connecting Applications with Services"),
    "service/networking/curlpod.yaml": (_curlpod, "Connecting Applications with Services"),
    "service/access/hello-application.yaml": (
        _hello_application,
        "Use a Service to Access an Application in a Cluster",
    ),
}
"""Example path → (its objects, the kubernetes.io page that applies it)."""

for _example, (_objects, _page) in EXAMPLES.items():
    for _url in urls_for(_example):
        bundled.register_url(_url, _objects, note=f"kubernetes.io example: {_page}")
