"""The cluster's CoreDNS: minikube's plugin chain (hosts → kubernetes → forward) and the `log` plugin's line.

The plugin order is CoreDNS's own (fixed at build time, not the Corefile's order): `hosts` answers
`host.minikube.internal`, `kubernetes` the cluster zones, and `forward` sends the rest to the node's
resolver, which answers from the emulated internet (`outside.resolver`: the tutorial's public sites, NXDOMAIN
for any other name) — not authoritative, with recursion available (`qr,rd,ra`), where cluster names are
authoritative (`qr,aa,rd`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ingresslab.backends.sandbox.dns import kubernetes
from ingresslab.backends.sandbox.dns.cache import cache_lookup, cache_store
from ingresslab.backends.sandbox.dns.corefile import CorefileView, corefile_text, parse_corefile
from ingresslab.backends.sandbox.dns.wire import (
    Reply,
    a_record,
    aaaa_record,
    fqdn,
    ptr_record,
    request_size,
    response_size,
    reverse_name,
)
from ingresslab.backends.sandbox.store import parse_time

__all__ = [
    "VERSION_LINES",
    "Exchange",
    "answer",
    "format_log_line",
    "format_seconds",
    "handle",
    "note_configuration",
    "startup_lines",
    "upstream_reply",
]

_HOSTS_TTL = 3600  # the hosts plugin's default ttl
VERSION_LINES = ("CoreDNS-1.11.1", "linux/amd64, go1.20.7, ae2bbc2")  # minikube's coredns image


def _sha512(corefile: str) -> str:
    return hashlib.sha512(corefile.encode()).hexdigest()


def startup_lines(corefile: str) -> list[str]:
    """What CoreDNS prints when it starts: its server blocks, the config hash (reload plugin), its version."""
    return [
        ".:53",
        f"[INFO] plugin/reload: Running configuration SHA512 = {_sha512(corefile)}",
        *VERSION_LINES,
    ]


def note_configuration(cluster, pod: dict, corefile: str, at: float) -> None:
    """Write the start-up lines once per pod, and the reload plugin's lines when the Corefile changed.

    The reload plugin notices a changed Corefile by its hash and logs the new one (with or without `log`).
    """
    meta = pod["metadata"]
    container = pod["spec"]["containers"][0]["name"]
    seen = cluster.state.extra.setdefault("corednsConfig", {})
    key = f"{meta['namespace']}/{meta['name']}"
    digest = _sha512(corefile)
    if key not in seen:
        if not cluster.logs.read(meta["namespace"], meta["name"], container):
            started = at
            stamp = pod.get("status", {}).get("startTime")
            if stamp:
                started = min(at, parse_time(stamp))
            cluster.log(
                meta["namespace"], meta["name"], container, "\n".join(startup_lines(corefile)), at=started
            )
    elif seen[key] != digest:
        cluster.log(
            meta["namespace"],
            meta["name"],
            container,
            f"[INFO] Reloading\n[INFO] plugin/reload: Running configuration SHA512 = {digest}\n[INFO] Reloading complete",
            at=at,
        )
    seen[key] = digest


@dataclass(frozen=True, slots=True)
class Exchange:
    """One query as the server saw it, with what the `log` plugin prints about it."""

    client: str
    port: int
    qid: int
    qtype: str
    name: str
    reply: Reply
    size: int
    rsize: int
    duration_ns: int
    proto: str = "udp"
    do: bool = False
    bufsize: int = 512


def format_seconds(ns: int) -> str:
    """Go's `strconv.FormatFloat(d.Seconds(), 'f', -1, 64)`: shortest decimal, no trailing zeros."""
    text = f"{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}".rstrip("0").rstrip(".")
    return text + "s"


def format_log_line(ex: Exchange) -> str:
    """The `log` plugin's default format (CoreDNS 1.6.3+)."""
    remote = f"[{ex.client}]" if ":" in ex.client else ex.client
    return (
        f'[INFO] {remote}:{ex.port} - {ex.qid} "{ex.qtype} IN {ex.name} {ex.proto} {ex.size} '
        f'{"true" if ex.do else "false"} {ex.bufsize}" {ex.reply.rcode} {ex.reply.rflags} {ex.rsize} '
        f"{format_seconds(ex.duration_ns)}"
    )


def upstream_reply(name: str, qtype: str = "A") -> Reply:
    """What the node's resolver answers: the emulated internet's records for its sites (see
    `outside.resolver`), NXDOMAIN with the root zone's SOA for any other name."""
    from ingresslab.backends.sandbox.outside.resolver import upstream_answer

    return upstream_answer(name, qtype)


def _hosts(view: CorefileView, qtype: str, name: str) -> Reply | None:
    addresses = view.hosts.get(name)
    if addresses is not None:
        # The name exists: A/AAAA answer what the file has; any other type is NODATA (no SOA: no zone).
        if qtype == "A":
            answer = [a_record(name, ip, _HOSTS_TTL) for ip in addresses if ":" not in ip]
        elif qtype == "AAAA":
            answer = [aaaa_record(name, ip, _HOSTS_TTL) for ip in addresses if ":" in ip]
        else:
            answer = []
        return Reply("NOERROR", ("qr", "aa", "rd"), answer=answer)
    if qtype == "PTR":
        for host, ips in view.hosts.items():
            if any(reverse_name(ip) == name for ip in ips):
                return Reply("NOERROR", ("qr", "aa", "rd"), answer=[ptr_record(name, host, _HOSTS_TTL)])
    return None


def answer(cluster, view: CorefileView, qtype: str, name: str) -> tuple[Reply, bool]:
    """(reply, forwarded?) for one question through the plugin chain."""
    reply = _hosts(view, qtype, name)
    if reply is not None:
        return reply, False
    if view.kubernetes and kubernetes.handles(name):
        reply = kubernetes.lookup(cluster, qtype, name)
        if reply is not None:
            return reply, False
    if view.forward:
        return upstream_reply(name, qtype), True
    # No plugin left to handle it: CoreDNS answers SERVFAIL ("no next plugin found").
    return Reply("SERVFAIL", ("qr", "rd")), False


def handle(
    cluster,
    coredns_pod: dict,
    client: str,
    port: int,
    qid: int,
    qtype: str,
    name: str,
    at: float,
    *,
    edns_bufsize: int | None = None,
) -> Exchange:
    """Answer one query at virtual time `at`; append the `log` line when the Corefile has `log`."""
    edns = edns_bufsize is not None
    text = corefile_text(cluster)
    note_configuration(cluster, coredns_pod, text, at)
    view = parse_corefile(text)
    name = fqdn(name)
    pod_name = coredns_pod["metadata"]["name"]
    cached = cache_lookup(cluster, pod_name, qtype, name, at) if view.cache else None
    if cached is not None:
        reply, forwarded = cached, False
    else:
        reply, forwarded = answer(cluster, view, qtype, name)
        if view.cache:
            reply = cache_store(cluster, pod_name, qtype, name, reply, at, view.cache)
    rng = cluster.store.rng
    # Cluster names are answered from memory in tens of microseconds; a forward waits on the upstream.
    duration = rng.randint(800_000, 9_000_000) if forwarded else rng.randint(28_000, 160_000)
    ex = Exchange(
        client=client,
        port=port,
        qid=qid,
        qtype=qtype,
        name=name,
        reply=reply,
        size=request_size(name, edns=edns),
        # The log plugin measures the reply before the server appends its OPT record (real CoreDNS logs
        # the same response size with and without EDNS0), while the request size includes the client's OPT.
        rsize=response_size(name, reply),
        duration_ns=duration,
        do=False,
        # the log shows the client's EDNS0 buffer size; 512 without EDNS0 (or below 512 over UDP)
        bufsize=max(512, edns_bufsize or 0),
    )
    if view.log:
        meta = coredns_pod["metadata"]
        container = coredns_pod["spec"]["containers"][0]["name"]
        cluster.log(meta["namespace"], meta["name"], container, format_log_line(ex), at=at + duration / 1e9)
    return ex
