"""Setups the data-plane tests share: the demo app, the NGINX ingress addon, Istio with injection."""

from __future__ import annotations

import yaml

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.addons import ingress_nginx, istio
from ingresslab.manifests import DEMO_DIR

__all__ = ["demo", "load", "with_istio", "with_nginx"]


def load(name: str) -> list[dict]:
    return [d for d in yaml.safe_load_all((DEMO_DIR / name).read_text()) if d]


def demo(seed: int = 7) -> SandboxBackend:
    """A fresh in-memory sandbox with the demo app in namespace `application`."""
    backend = SandboxBackend(None, seed=seed)
    backend.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    backend.set_namespace("application")
    backend.apply_many(load("depl-helloworld.yaml"))
    return backend


def with_nginx(seed: int = 7) -> SandboxBackend:
    """The seed's NGINX part: `minikube addons enable ingress` and the Ingress rules."""
    backend = demo(seed)
    with backend.transaction() as cluster:
        ingress_nginx.enable(cluster)
    backend.apply_many(load("ingress.yaml"))
    return backend


def with_istio(seed: int = 7, *, nginx: bool = False) -> SandboxBackend:
    """The seed's Istio part: install, label the namespace, Ingress + Gateway, recreate the app (injected)."""
    backend = with_nginx(seed) if nginx else demo(seed)
    with backend.transaction() as cluster:
        istio.install(cluster)
    backend.label("namespaces", "application", {"istio-injection": "enabled"})
    backend.apply_many(load("istio-ingress.yaml"))
    backend.apply_many(load("istio-gateway.yaml"))
    app = load("depl-helloworld.yaml")
    for doc in app:
        backend.delete(doc["kind"].lower() + "s", doc["metadata"]["name"], "application")
    backend.apply_many(app)
    return backend
