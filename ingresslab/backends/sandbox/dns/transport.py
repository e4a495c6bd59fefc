"""Getting a query from a pod to a nameserver and back: one UDP socket, the route, the answering server.

A nameserver address is reached the way the node's network reaches it: a Service ClusterIP (kube-dns's
10.96.0.10) goes through kube-proxy to one of the Service's ready endpoints — which must be a CoreDNS pod
to get an answer; a CoreDNS pod IP reaches that pod; the docker network's gateway is the node's upstream
resolver. Anything else, or a Service without ready CoreDNS endpoints, never answers (a timeout).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ingresslab.backends.sandbox.dns import coredns
from ingresslab.backends.sandbox.dns.wire import Reply, fqdn
from ingresslab.backends.sandbox.topology import HOST_IP, POD_CIDR, POD_GATEWAY

__all__ = ["Answer", "Socket", "client_address", "exchange", "open_socket", "server_for"]

EPHEMERAL_PORTS = (32768, 60999)  # Linux's default net.ipv4.ip_local_port_range
UPSTREAM_NS = (2_000_000, 12_000_000)  # the node's resolver, which has no internet to ask


@dataclass(frozen=True, slots=True)
class Socket:
    """A client's UDP socket: every query written to it leaves from the same address and port."""

    client: str
    port: int


@dataclass(frozen=True, slots=True)
class Answer:
    qtype: str
    name: str
    qid: int
    reply: Reply
    elapsed_ns: int


def client_address(pod: dict) -> str:
    """Where the pod's packets come from as CoreDNS sees them.

    A hostNetwork pod talks from the node; kube-proxy masquerades node traffic to a ClusterIP, so the
    server sees the bridge address.
    """
    ip = pod.get("status", {}).get("podIP") or POD_GATEWAY
    try:
        inside = ipaddress.ip_address(ip) in POD_CIDR
    except ValueError:
        inside = False
    return ip if inside else POD_GATEWAY


def open_socket(cluster, pod: dict) -> Socket:
    return Socket(client_address(pod), cluster.store.rng.randint(*EPHEMERAL_PORTS))


def _is_coredns(pod: dict | None) -> bool:
    if pod is None or pod.get("status", {}).get("phase") != "Running":
        return False
    return any("coredns" in c.get("image", "") for c in pod.get("spec", {}).get("containers") or [])


def server_for(cluster, server_ip: str) -> tuple[str, dict | None] | None:
    """("coredns", pod) or ("upstream", None) for an address that answers DNS; None when nothing does."""
    if server_ip == HOST_IP:
        return ("upstream", None)
    for svc in cluster.store.service_using("clusterIP", server_ip):
        if not any(
            p.get("port") == 53 and p.get("protocol", "TCP") == "UDP" for p in svc["spec"].get("ports") or []
        ):
            continue
        ep = cluster.get("endpoints", svc["metadata"]["name"], svc["metadata"]["namespace"])
        pods = []
        for subset in (ep or {}).get("subsets") or []:
            for address in subset.get("addresses") or []:
                ref = address.get("targetRef") or {}
                pod = cluster.get("pods", ref.get("name", ""), ref.get("namespace"))
                if _is_coredns(pod):
                    pods.append(pod)
        if pods:
            # kube-proxy picks one endpoint per flow (one socket); conntrack keeps it for the socket's life.
            return ("coredns", pods[0] if len(pods) == 1 else cluster.store.rng.choice(pods))
        return None
    for pod in cluster.list("pods", "kube-system"):
        if pod.get("status", {}).get("podIP") == server_ip and _is_coredns(pod):
            return ("coredns", pod)
    return None


def exchange(
    cluster,
    sock: Socket,
    server_ip: str,
    questions: list[tuple[str, str]],
    *,
    at: float | None = None,
    edns_bufsize: int | None = None,
    qids: list[int] | None = None,
) -> list[Answer] | None:
    """Send (qtype, name) questions from one socket to one server; None if the server never answers."""
    server = server_for(cluster, server_ip)
    if server is None:
        return None
    kind, pod = server
    rng = cluster.store.rng
    start = cluster.store.now if at is None else at
    out: list[Answer] = []
    for i, (qtype, name) in enumerate(questions):
        qid = qids[i] if qids is not None else rng.randint(0, 65535)
        sent = start + i * 0.000004  # the client writes its queries back to back
        if kind == "coredns":
            ex = coredns.handle(
                cluster, pod, sock.client, sock.port, qid, qtype, name, sent, edns_bufsize=edns_bufsize
            )
            reply, took = (
                ex.reply,
                ex.duration_ns + rng.randint(40_000, 120_000),
            )  # plus the network round trip
        else:
            reply, took = coredns.upstream_reply(fqdn(name), qtype), rng.randint(*UPSTREAM_NS)
        out.append(Answer(qtype, name, qid, reply, took))
    return out
