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

__all__ = ["gateway_nodeport", "host_port_80", "service_nodeport"]

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
