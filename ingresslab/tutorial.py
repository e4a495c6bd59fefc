"""Catch-up steps, so a learner (or a test) can open any notebook without having run the ones before it.

Each step runs the tutorial's own commands through `lab.sh` and only when its result is missing, so running it
after the earlier notebooks changes nothing.
"""

from __future__ import annotations

from typing import Any

from ingresslab.errors import NotFound

__all__ = ["ensure_demo_app", "ensure_istio", "ensure_nginx_ingress"]


def _exists(lab: Any, kind: str, name: str, namespace: str | None = None) -> bool:
    try:
        lab.backend.get(kind, name, namespace)
    except NotFound:
        return False
    return True


def ensure_demo_app(lab: Any) -> str:
    """Notebook 01's result: namespace `application` (the context's default) with the demo deployed."""
    script = []
    if not _exists(lab, "namespaces", "application"):
        script.append("kubectl create namespace application")
    if lab.backend.current_namespace() != "application":
        script.append("kubectl config set-context --current --namespace=application")
    if not _exists(lab, "deployments", "dest-depl-v1", "application"):
        script.append("kubectl apply -f istio-deepdive/depl-helloworld.yaml")
    return _run(lab, script, "the demo app is deployed")


def ensure_nginx_ingress(lab: Any) -> str:
    """Notebook 02's setup: minikube's ingress addon and the NGINX Ingress rules."""
    ensure_demo_app(lab)
    script = []
    if not _exists(lab, "deployments", "ingress-nginx-controller", "ingress-nginx"):
        script.append("minikube addons enable ingress")
    if not _exists(lab, "ingresses", "my-nginx-ingress", "application"):
        script.append("kubectl apply -f istio-deepdive/ingress.yaml")
    return _run(lab, script, "the NGINX ingress is set up")


def ensure_istio(lab: Any, *, gateway: bool = False) -> str:
    """Notebook 04's setup: Istio installed, injection on, the Istio Ingress applied and the app restarted so
    its pods have sidecars. `gateway=True` also applies notebook 04's hand-written Gateway `my-istio-ingress-gw`
    (notebook 05 reads it; the troubleshooting scenarios start without it)."""
    ensure_demo_app(lab)
    script = []
    if not _exists(lab, "deployments", "istiod", "istio-system"):
        script.append("istioctl install --set profile=demo -y")
    ns = lab.backend.get("namespaces", "application")
    if (ns["metadata"].get("labels") or {}).get("istio-injection") != "enabled":
        script.append("kubectl label namespace application istio-injection=enabled")
    if not _exists(lab, "ingresses", "my-istio-ingress", "application"):
        script.append("kubectl apply -f istio-deepdive/istio-ingress.yaml")
    # istioctl install brings the Gateway CRD: before it, the kind itself is unknown
    installing = bool(script) and script[0].startswith("istioctl install")
    if gateway and (installing or not _exists(lab, "gateways", "my-istio-ingress-gw", "application")):
        script.append("kubectl apply -f istio-deepdive/istio-gateway.yaml")
    pods = lab.backend.list("pods", "application", label_selector="app=hw-v1")
    if not all(any(c["name"] == "istio-proxy" for c in p["spec"]["containers"]) for p in pods):
        script += [
            "kubectl delete -f istio-deepdive/depl-helloworld.yaml",
            "kubectl apply -f istio-deepdive/depl-helloworld.yaml",
        ]
    return _run(lab, script, "Istio is installed and the app has sidecars")


def _run(lab: Any, script: list[str], done: str) -> str:
    if not script:
        return f"nothing to do: {done}"
    result = lab.sh("\n".join(script))
    if result.returncode != 0:
        raise RuntimeError(f"catching up failed:\n{result.text}")
    return f"caught up ({len(script)} command(s)): {done}"
