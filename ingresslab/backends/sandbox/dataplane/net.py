"""The sandbox's network: who answers a TCP connection to an address, and through which hops.

`connect` follows a connection the way the node's netfilter rules and the pods' listeners would:
- the node IP: a hostPort (ingress-nginx binds 80/443, DNAT without SNAT), else a NodePort (kube-proxy
  DNAT to a random ready endpoint, masqueraded to 10.244.0.1), else nothing listens (refused);
- a ClusterIP: kube-proxy DNAT (no SNAT, except hairpin); a Service port with no endpoints is REJECTed
  (refused); a port the Service does not have has no rule at all (the SYN goes nowhere: timeout);
- a pod IP: into the pod — through its sidecar's inbound listener when it has one — to whatever listens.
- any other address: out of the cluster (`egress.leave_cluster`): the client's sidecar decides (outbound
  traffic policy, ServiceEntries, VirtualServices), then the emulated internet answers (`outside`).
Every component on the way appends its own access log line.
"""

from __future__ import annotations

import ipaddress
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from ingresslab.backends.sandbox.dataplane import httpbin, httpecho, images, kubeproxy
from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse
from ingresslab.backends.sandbox.topology import NODE_IP, POD_CIDR, SERVICE_CIDR

__all__ = [
    "Conn",
    "Result",
    "cached",
    "connect",
    "deliver_pod",
    "hop",
    "is_gateway",
    "is_injected",
    "pod_by_ip",
]

SIDECAR_PORTS = frozenset({15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090})


@dataclass(frozen=True)
class Conn:
    """A TCP connection as its receiver sees it; `sni` is set when a client proxy opened Istio mTLS, or with
    `tls` when the application itself speaks TLS (its ClientHello's SNI; proxies see no HTTP inside)."""

    src_ip: str
    src_port: int
    dst_ip: str
    dst_port: int
    sni: str | None = None
    tls: bool = False


@dataclass
class Result:
    response: HttpResponse | None
    # None, "refused", "timeout"; for connections that were accepted and then failed: "reset" (closed
    # before any response), "tls_syscall" (closed during the TLS handshake), "tls_version" (not TLS)
    error: str | None
    end: float


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cached(cluster, key: str, build: Callable[[], object]):
    """`build()` once per state version: routing tables are rebuilt only after the cluster changed."""
    per = _CACHE.setdefault(cluster, {})
    version = (id(cluster.state), cluster.state.resource_version)
    hit = per.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = build()
    per[key] = (version, value)
    return value


def hop(cluster) -> float:
    """One network traversal between two processes on the node (veth, bridge): 40–250 µs."""
    return cluster.store.rng.uniform(0.00004, 0.00025)


def _pods_by_ip(cluster) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for pod in cluster.list("pods"):
        ip = pod.get("status", {}).get("podIP")
        if ip and not pod["spec"].get("hostNetwork") and pod["status"].get("phase") == "Running":
            out[ip] = pod
    return out


def pod_by_ip(cluster, ip: str) -> dict | None:
    return cached(cluster, "pods_by_ip", lambda: _pods_by_ip(cluster)).get(ip)


def _host_ports(cluster) -> dict[int, tuple[dict, int]]:
    out: dict[int, tuple[dict, int]] = {}
    for pod in cluster.list("pods"):
        if pod.get("status", {}).get("phase") != "Running":
            continue
        for c in pod["spec"].get("containers") or []:
            for p in c.get("ports") or []:
                if p.get("hostPort") and p.get("protocol", "TCP") == "TCP":
                    out[int(p["hostPort"])] = (pod, int(p["containerPort"]))
    return out


def is_injected(pod: dict) -> bool:
    """A workload with an Istio sidecar (the gateways run Envoy as their main container instead)."""
    names = {c["name"] for c in pod["spec"].get("containers") or []}
    return "istio-proxy" in names and not is_gateway(pod)


GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"


def is_gateway(pod: dict) -> bool:
    """An Istio gateway: istioctl's ingress/egress gateways, or a Gateway API Gateway's automated deployment."""
    labels = pod["metadata"].get("labels") or {}
    if labels.get("istio") in ("ingressgateway", "egressgateway"):
        return True
    return GATEWAY_NAME_LABEL in labels and any(
        c.get("name") == "istio-proxy" for c in pod["spec"].get("containers") or []
    )


def _is_nginx(pod: dict) -> bool:
    return any("ingress-nginx/controller" in c.get("image", "") for c in pod["spec"].get("containers") or [])


def connect(
    cluster, conn: Conn, request: HttpRequest, start: float, *, client_pod: dict | None = None
) -> Result:
    """Send `request` over a new connection; `conn.src_*` is the client, `conn.dst_*` where it dialled."""
    t = start + hop(cluster)
    ip = ipaddress.ip_address(conn.dst_ip)
    if conn.dst_ip == NODE_IP:
        bound = cached(cluster, "host_ports", lambda: _host_ports(cluster)).get(conn.dst_port)
        if bound is not None:
            pod, port = bound
            inner = Conn(conn.src_ip, conn.src_port, pod["status"]["podIP"], port, conn.sni)
            return deliver_pod(cluster, pod, inner, request, t)
        sp = kubeproxy.by_node_port(cluster, conn.dst_port)
        if sp is None:
            return Result(None, "refused", t)
        return _to_service(cluster, conn, sp, request, t, masquerade=True)
    if ip in SERVICE_CIDR:
        _svc, sp = kubeproxy.by_cluster_ip(cluster, conn.dst_ip, conn.dst_port)
        if sp is None:
            return Result(None, "timeout", t)
        if client_pod is not None and is_injected(client_pod):
            from ingresslab.backends.sandbox.dataplane import envoy

            return envoy.sidecar_outbound(cluster, client_pod, conn, sp, request, t)
        # kube-proxy (clusterCIDR set) masquerades traffic from outside the pod network, e.g. through the tunnel
        outside = ipaddress.ip_address(conn.src_ip) not in POD_CIDR
        return _to_service(cluster, conn, sp, request, t, masquerade=outside)
    if ip in POD_CIDR:
        pod = pod_by_ip(cluster, conn.dst_ip)
        if pod is None:
            return Result(None, "timeout", t)
        return deliver_pod(cluster, pod, conn, request, t)
    # Anything else leaves the cluster: through the client's sidecar when it has one, else straight out
    from ingresslab.backends.sandbox.dataplane import egress

    return egress.leave_cluster(cluster, conn, request, t, client_pod)


def _to_service(
    cluster, conn: Conn, sp: kubeproxy.ServicePort, request: HttpRequest, t: float, *, masquerade: bool
) -> Result:
    backends = kubeproxy.ready_endpoints(cluster, sp.service, sp.port)
    chosen = kubeproxy.choose(cluster, backends)
    if chosen is None:
        return Result(None, "refused", t)  # kube-proxy REJECTs Services without endpoints
    src_ip, src_port = conn.src_ip, conn.src_port
    if masquerade or src_ip == chosen.ip:
        src_ip, src_port = kubeproxy.snat(cluster)
    pod = pod_by_ip(cluster, chosen.ip)
    if pod is None:
        return Result(None, "timeout", t)
    return deliver_pod(cluster, pod, Conn(src_ip, src_port, chosen.ip, chosen.port, conn.sni), request, t)


def deliver_pod(
    cluster, pod: dict, conn: Conn, request: HttpRequest, start: float, *, capture: bool = True
) -> Result:
    """Into the pod's network namespace: the sidecar captures inbound traffic, else the listener answers."""
    if capture and is_injected(pod) and conn.dst_port not in SIDECAR_PORTS:
        from ingresslab.backends.sandbox.dataplane import envoy

        return envoy.sidecar_inbound(cluster, pod, conn, request, start)
    for container in pod["spec"].get("containers") or []:
        if httpecho.is_http_echo(container) and httpecho.listen_port(container) == conn.dst_port:
            remote = f"{conn.src_ip}:{conn.src_port}"
            response, end = httpecho.serve(cluster, pod, container, request, remote, start)
            return Result(response, None, end)
        if httpbin.is_httpbin(container) and httpbin.listen_port(container) == conn.dst_port:
            remote = f"{conn.src_ip}:{conn.src_port}"
            response, end = httpbin.serve(cluster, pod, container, request, remote, start)
            return Result(response, None, end)
        serve = images.server_for(container, conn.dst_port)  # hello-app, nginx, echoserver, agnhost
        if serve is not None:
            response, end = serve(cluster, pod, container, request, f"{conn.src_ip}:{conn.src_port}", start)
            return Result(response, None, end)
    from ingresslab.backends.sandbox.dataplane import ngf

    if ngf.is_ngf_pod(pod):
        return ngf.handle(cluster, pod, conn, request, start)
    if _is_nginx(pod) and conn.dst_port in (80, 443):
        from ingresslab.backends.sandbox.dataplane import nginx

        return nginx.handle(cluster, pod, conn, request, start)
    if is_gateway(pod):
        from ingresslab.backends.sandbox.dataplane import envoy

        result = envoy.gateway(cluster, pod, conn, request, start)
        if result is not None:
            return result
    return Result(None, "refused", start)
