"""How a request reaches each built-in front end from outside the cluster: the URL and curl arguments.

- ingress-nginx binds hostPort 80 on the node: the name is pinned to the node IP with `--resolve`, as the
  tutorial does, so the Host header and SNI stay the real name;
- Istio's ingress gateway is a LoadBalancer Service; on minikube it is reached through the NodePort of its
  `http2` port, with the name in a Host header;
- any Service of type NodePort: its first port's NodePort on the node.
"""

from __future__ import annotations

from ingresslab.entrypoints.registry import EntryRequest
from ingresslab.errors import IngresslabError, NotFound

__all__ = [
    "find_gateway",
    "gateway_controller",
    "gateway_nodeport",
    "gateway_service_url",
    "host_port_80",
    "service_nodeport",
]

_GATEWAY_SERVICE = ("istio-ingressgateway", "istio-system")


def host_port_80(req: EntryRequest) -> tuple[str, list[str]]:
    return f"http://{req.host}{req.path}", ["--resolve", f"{req.host}:80:{req.node_ip}"]


def gateway_nodeport(req: EntryRequest) -> tuple[str, list[str]]:
    name, namespace = _GATEWAY_SERVICE
    try:
        svc = req.backend.get("services", name, namespace)
    except NotFound:
        raise IngresslabError(
            "Istio's ingress gateway is not installed: run `istioctl install --set profile=demo -y`"
        ) from None
    port = next((p.get("nodePort") for p in svc["spec"].get("ports") or [] if p.get("name") == "http2"), None)
    if port is None:
        raise IngresslabError(f"the {name} Service has no http2 NodePort")
    return f"http://{req.node_ip}:{port}{req.path}", ["-H", f"Host: {req.host}"]


def service_nodeport(req: EntryRequest) -> tuple[str, list[str]]:
    if not req.service:
        raise IngresslabError('via="nodeport" needs service="NAME" (e.g. service="dest-svc-v1")')
    svc = req.backend.get("services", req.service, req.namespace)
    port = next((p.get("nodePort") for p in svc["spec"].get("ports") or [] if p.get("nodePort")), None)
    if port is None:
        raise IngresslabError(
            f"Service {req.namespace}/{req.service} has no NodePort (type {svc['spec'].get('type')})"
        )
    return f"http://{req.node_ip}:{port}{req.path}", ["-H", f"Host: {req.host}"]


# -- Gateway API ------------------------------------------------------------------------------------
GATEWAYS = "gateways.gateway.networking.k8s.io"
GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"


def find_gateway(backend, ref: str | None, default_namespace: str = "") -> dict:
    """The Gateway API Gateway `NAME` or `NAMESPACE/NAME`; a bare name is looked up in every namespace."""
    if not ref:
        raise IngresslabError('a Gateway API entry point needs gateway="NAME" (or "NAMESPACE/NAME")')
    namespace, _, name = ref.rpartition("/")
    try:
        gateways = backend.list(GATEWAYS, namespace or "*")
    except (NotFound, IngresslabError):
        raise IngresslabError(
            "the Gateway API CRDs are not installed: kubectl apply -f "
            "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.1.0/standard-install.yaml"
        ) from None
    found = [g for g in gateways if g["metadata"]["name"] == name]
    if not found:
        where = f"namespace {namespace}" if namespace else "any namespace"
        known = ", ".join(f"{g['metadata']['namespace']}/{g['metadata']['name']}" for g in gateways) or "none"
        raise IngresslabError(f"no Gateway {name!r} in {where} (Gateways: {known})")
    if len(found) > 1:
        preferred = [g for g in found if g["metadata"].get("namespace") == default_namespace]
        if len(preferred) != 1:
            spots = ", ".join(f"{g['metadata']['namespace']}/{name}" for g in found)
            raise IngresslabError(f"Gateway {name!r} exists in several namespaces; say which: {spots}")
        found = preferred
    return found[0]


def gateway_controller(backend, gateway: dict) -> str | None:
    """The controllerName of the Gateway's GatewayClass (None: the class does not exist)."""
    cls = gateway.get("spec", {}).get("gatewayClassName", "")
    try:
        return (
            backend.get("gatewayclasses.gateway.networking.k8s.io", cls).get("spec", {}).get("controllerName")
        )
    except NotFound:
        return None


def _listener_port(gateway: dict, host: str) -> int:
    from ingresslab.routing.gatewayapi.hostnames import covers

    listeners = [
        lst
        for lst in gateway.get("spec", {}).get("listeners") or []
        if str(lst.get("protocol", "")).upper() == "HTTP"
    ]
    for lst in listeners:
        if not lst.get("hostname") or covers(lst["hostname"], host.split(":")[0]):
            return int(lst["port"])
    if listeners:
        return int(listeners[0]["port"])
    raise IngresslabError(f"Gateway {gateway['metadata']['name']} has no HTTP listener")


def gateway_service_url(req: EntryRequest, gateway: dict) -> tuple[str, list[str]]:
    """Where a request reaches a Gateway's own Service from outside: its load-balancer IP once `minikube tunnel`
    gave it one, else the listener port's NodePort on the node, else (ClusterIP type) the ClusterIP, which the
    host reaches only through the tunnel's route."""
    meta = gateway["metadata"]
    services = req.backend.list(
        "services", meta["namespace"], label_selector=f"{GATEWAY_NAME_LABEL}={meta['name']}"
    )
    if not services:
        raise IngresslabError(
            f"Gateway {meta['namespace']}/{meta['name']} has no Service yet: is its controller running? "
            f"(kubectl get gtw {meta['name']} -n {meta['namespace']} shows its conditions)"
        )
    svc = services[0]
    port = _listener_port(gateway, req.host)
    spec = svc.get("spec", {})
    entry = next((p for p in spec.get("ports") or [] if int(p.get("port", 0)) == port), None)
    if entry is None:
        raise IngresslabError(f"Service {svc['metadata']['name']} has no port {port}")
    ingress = (svc.get("status", {}).get("loadBalancer") or {}).get("ingress") or []
    address = next(
        (i.get("ip") or i.get("hostname") for i in ingress if i.get("ip") or i.get("hostname")), None
    )
    headers = ["-H", f"Host: {req.host}"]
    if address:
        return f"http://{address}{'' if port == 80 else f':{port}'}{req.path}", headers
    if entry.get("nodePort"):
        return f"http://{req.node_ip}:{entry['nodePort']}{req.path}", headers
    return f"http://{spec.get('clusterIP')}{'' if port == 80 else f':{port}'}{req.path}", headers
