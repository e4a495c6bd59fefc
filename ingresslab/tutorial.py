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
    if gateway and (
        installing or not _exists(lab, "gateways.networking.istio.io", "my-istio-ingress-gw", "application")
    ):
        script.append("kubectl apply -f istio-deepdive/istio-gateway.yaml")
    pods = lab.backend.list("pods", "application", label_selector="app=hw-v1")
    if not all(any(c["name"] == "istio-proxy" for c in p["spec"]["containers"]) for p in pods):
        script += [
            "kubectl delete -f istio-deepdive/depl-helloworld.yaml",
            "kubectl apply -f istio-deepdive/depl-helloworld.yaml",
        ]
    return _run(lab, script, "Istio is installed and the app has sidecars")


GATEWAY_API_CRDS = (
    "kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || "
    '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0" | kubectl apply -f -; }'
)


def ensure_gateway_api(lab: Any, *, ngf: bool = False) -> str:
    """Notebook 07's setup: Istio (notebook 04), Gateway API's CRDs, and the seed's routing as Gateway API
    (`manifests.gateway_api`: Gateway `seed-gateway` in istio-ingress, HTTPRoute `seed-routes` in application).
    `ngf=True` also installs NGINX Gateway Fabric, its Gateway `seed-ngf` in nginx-gateway, and makes the
    route name both Gateways as parents."""
    from ingresslab.manifests import gateway_api

    ensure_istio(lab)
    script = []
    if not _exists(lab, "customresourcedefinitions", "gateways.gateway.networking.k8s.io", None):
        script.append(GATEWAY_API_CRDS)
    if not _exists(lab, "namespaces", "istio-ingress", None):
        script.append("kubectl create namespace istio-ingress")
    if script or not _exists(lab, "httproutes.gateway.networking.k8s.io", "seed-routes", "application"):
        script.append(_apply(gateway_api.SEED_GATEWAY + "---\n" + gateway_api.SEED_ROUTES))
    if ngf:
        if not _exists(lab, "deployments", "nginx-gateway", "nginx-gateway"):
            script += [f"kubectl apply -f {url}" for url in NGF_URLS]
        script.append(_apply(gateway_api.SEED_NGF_GATEWAY))
        script.append(
            "kubectl patch httproute seed-routes -n application --type=merge -p "
            '\'{"spec":{"parentRefs":[{"name":"seed-gateway","namespace":"istio-ingress"},'
            '{"name":"seed-ngf","namespace":"nginx-gateway"}]}}\''
        )
    return _run(lab, script, "Gateway API serves the seed's routes" + (" on Istio and NGF" if ngf else ""))


def _apply(manifest: str) -> str:
    return f"kubectl apply -f - <<EOF\n{manifest}EOF"


NGF_URLS = (
    "https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/crds.yaml",
    "https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/default/deploy.yaml",
)


def _run(lab: Any, script: list[str], done: str) -> str:
    if not script:
        return f"nothing to do: {done}"
    result = lab.sh("\n".join(script))
    if result.returncode != 0:
        raise RuntimeError(f"catching up failed:\n{result.text}")
    return f"caught up ({len(script)} command(s)): {done}"
