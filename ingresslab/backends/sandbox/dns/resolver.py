"""A pod's stub resolver (getaddrinfo): /etc/hosts, then DNS through resolv.conf's search list and ndots.

Both C libraries the tutorial's images use are modelled, because they differ in ways a learner can see:
- candidates: a name ending in `.` is tried as-is only. With fewer dots than `ndots`, each search domain is
  tried in order, then the name as-is. With at least `ndots` dots, glibc tries it as-is first and then the
  search list; musl tries it as-is only.
- each candidate gets an A and an AAAA query written back to back from one fresh socket (one source port);
- glibc moves on after NXDOMAIN or an empty answer (NODATA) and stops at the first candidate with records;
  musl moves on only after NXDOMAIN — a NODATA answer ends the lookup.
- a server that never answers ends the lookup with a temporary failure, after the resolver's timeout.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ingresslab.backends.sandbox.dns.podfiles import ResolvConf, hosts_entries, resolv_conf
from ingresslab.backends.sandbox.dns.transport import Answer, exchange, open_socket
from ingresslab.backends.sandbox.dns.wire import fqdn

__all__ = ["Lookup", "candidates", "getaddrinfo"]

_MESSAGES = {
    "glibc": {
        "EAI_NONAME": "Name or service not known",
        "EAI_NODATA": "No address associated with hostname",
        "EAI_AGAIN": "Temporary failure in name resolution",
    },
    "musl": {
        "EAI_NONAME": "Name does not resolve",
        "EAI_NODATA": "Name has no usable address",
        "EAI_AGAIN": "Try again",
    },
}
TIMEOUT_SECONDS = 5.0  # resolv.conf's default `timeout:5`


@dataclass
class Lookup:
    """The outcome of one getaddrinfo call."""

    name: str
    addresses: list[str] = field(default_factory=list)
    canonical: str | None = None
    error: str | None = None
    """None, or EAI_NONAME / EAI_NODATA / EAI_AGAIN."""
    message: str = ""
    answers: list[Answer] = field(default_factory=list)
    source: str = "dns"
    """"numeric", "hosts" or "dns": where the answer came from."""

    @property
    def ok(self) -> bool:
        return self.error is None


def candidates(name: str, conf: ResolvConf, libc: str = "glibc") -> list[str]:
    """Absolute names to try, in order."""
    if name.endswith("."):
        return [fqdn(name)]
    searched = [fqdn(f"{name}.{domain}") for domain in conf.searches]
    if name.count(".") >= conf.ndots:
        return [fqdn(name)] + ([] if libc == "musl" else searched)
    return [*searched, fqdn(name)]


def _numeric(name: str) -> str | None:
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return None


def getaddrinfo(cluster, pod: dict, name: str, *, libc: str = "glibc", family: str = "any") -> Lookup:
    """Resolve `name` from inside `pod` (family "any", "ipv4" or "ipv6"); queries reach CoreDNS's log."""
    messages = _MESSAGES["musl" if libc == "musl" else "glibc"]
    result = Lookup(name)
    numeric = _numeric(name)
    if numeric is not None:
        result.addresses, result.source = [numeric], "numeric"
        return result
    wanted = name.lower().rstrip(".")
    for ip, names in hosts_entries(pod):
        if wanted in names and (family == "any" or (":" in ip) == (family == "ipv6")):
            result.addresses.append(ip)
    if result.addresses:
        result.source = "hosts"
        return result
    conf = resolv_conf(pod)
    qtypes = {"any": ["A", "AAAA"], "ipv4": ["A"], "ipv6": ["AAAA"]}[family]
    nodata = False
    for candidate in candidates(name, conf, libc):
        replies = _ask(cluster, pod, conf, [(q, candidate) for q in qtypes])
        if replies is None:
            cluster.store.advance(TIMEOUT_SECONDS)
            result.error = "EAI_AGAIN"
            break
        result.answers += replies
        rcodes = {a.reply.rcode for a in replies}
        if "NXDOMAIN" in rcodes and (libc == "musl" or rcodes == {"NXDOMAIN"}):
            continue
        if rcodes - {"NOERROR", "NXDOMAIN"}:
            result.error = "EAI_AGAIN"
            break
        found = [r.text for a in replies for r in a.reply.answer if r.rtype in ("A", "AAAA")]
        if found:
            result.addresses = found
            result.canonical = candidate.rstrip(".")
            return result
        nodata = True
        if libc == "musl":
            break
    if result.error is None:
        result.error = "EAI_NODATA" if nodata else "EAI_NONAME"
    result.message = messages[result.error]
    return result


def _ask(cluster, pod: dict, conf: ResolvConf, questions: list[tuple[str, str]]) -> list[Answer] | None:
    """Try each nameserver in turn until one answers; a fresh socket per candidate name."""
    edns = 1200 if "edns0" in conf.options else None  # glibc's EDNS0 buffer size
    for server in conf.nameservers:
        sock = open_socket(cluster, pod)
        replies = exchange(cluster, sock, server, questions, edns_bufsize=edns)
        if replies is not None:
            return replies
    return None
