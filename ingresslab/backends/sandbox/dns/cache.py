"""CoreDNS's `cache` plugin, as a learner sees it in replies and in the `log` plugin's lines.

minikube's Corefile says `cache 30`: every answer is kept for at most 30 s (positive and negative alike)
and at least 5 s. The first reply to a question already carries the capped TTL on every record (`cache`
rewrites them, "to avoid a jarring TTL experience"); so a forwarded NXDOMAIN shows the root SOA with TTL
30, not its own 86400, and `host.minikube.internal` (the hosts plugin's 3600) shows 30 too. A repeat of the
question while the entry lives is answered from the cache: every record's TTL is what remains, and the
reply is authoritative (`aa` set — CoreDNS sets it on every cached reply, because some clients drop
non-authoritative answers). Entries live per CoreDNS pod (its process memory) in the sandbox's state.
"""

from __future__ import annotations

from dataclasses import replace

from ingresslab.backends.sandbox.dns.wire import Record, Reply

__all__ = ["CACHE_MIN_TTL", "cache_caps", "cache_lookup", "cache_store"]

CACHE_MIN_TTL = 5  # dnsutil.MinimalDefaultTTL: the shortest time anything is cached
_MAX_TTL = 3600  # dnsutil.MaximumDefaulTTL: the cap without a TTL argument (and the scan's start)
_STATE_KEY = "coredns-cache"


def cache_caps(ttl: int | None) -> tuple[int, int]:
    """(success, denial) caps: `cache N` uses N for both; bare `cache` keeps 3600 s and 1800 s."""
    return (ttl, ttl) if ttl is not None else (_MAX_TTL, _MAX_TTL // 2)


def _kind(reply: Reply) -> str:
    if reply.rcode == "NXDOMAIN":
        return "denial"
    if reply.rcode == "NOERROR":
        return "success" if reply.answer else "denial"  # NODATA is a denial
    return "error"  # SERVFAIL and the like are not cached


def _message_ttl(reply: Reply) -> int:
    """The smallest TTL in the reply (dnsutil.MinimalTTL); a reply with no records gets the minimum."""
    records = reply.answer + reply.authority + reply.additional
    if not records:
        return CACHE_MIN_TTL
    return min(_MAX_TTL, *(r.ttl for r in records))


def _with_ttl(reply: Reply, ttl: int, *, authoritative: bool = False) -> Reply:
    flags = (*reply.flags, "aa") if authoritative and "aa" not in reply.flags else reply.flags
    return Reply(
        reply.rcode,
        flags,
        answer=[replace(r, ttl=ttl) for r in reply.answer],
        authority=[replace(r, ttl=ttl) for r in reply.authority],
        additional=[replace(r, ttl=ttl) for r in reply.additional],
    )


def _entries_to_write(cluster, pod: str) -> dict:
    """The pod's cache for a write; caches of CoreDNS pods that are gone are dropped on the way."""
    caches = cluster.state.extra.setdefault(_STATE_KEY, {})
    live = {p["metadata"]["name"] for p in cluster.list("pods", "kube-system")}
    for gone in [name for name in caches if name not in live]:
        del caches[gone]  # a restarted CoreDNS starts with an empty cache
    return caches.setdefault(pod, {})


def _key(qtype: str, name: str) -> str:
    return f"{qtype} {name.lower()}"  # the DO bit is part of the key too; no sandbox client sets it


def cache_lookup(cluster, pod: str, qtype: str, name: str, now: float) -> Reply | None:
    """The cached reply for this question at `now`, with its remaining TTL; None on a miss."""
    # A lookup only reads (the answering pod is alive; pruning waits for the next write).
    entry = cluster.state.extra.get(_STATE_KEY, {}).get(pod, {}).get(_key(qtype, name))
    if entry is None:
        return None
    remaining = entry["ttl"] - int(now - entry["stored"])  # item.ttl(): whole seconds, truncated
    if remaining <= 0:
        return None
    return _with_ttl(_decode(entry["reply"]), remaining, authoritative=True)


def cache_store(
    cluster, pod: str, qtype: str, name: str, reply: Reply, now: float, caps: tuple[int, int]
) -> Reply:
    """Remember `reply` (when it is cacheable) and return it as the client gets it: TTLs capped."""
    kind = _kind(reply)
    if kind == "error":
        return reply
    cap = caps[0] if kind == "success" else caps[1]
    ttl = max(CACHE_MIN_TTL, min(_message_ttl(reply), cap))
    capped = _with_ttl(reply, ttl)
    entries = _entries_to_write(cluster, pod)
    for key in [k for k, e in entries.items() if e["ttl"] - int(now - e["stored"]) <= 0]:
        del entries[key]  # expired: CoreDNS would never serve them again
    entries[_key(qtype, name)] = {"stored": now, "ttl": ttl, "reply": _encode(capped)}
    return capped


def _encode(reply: Reply) -> list:
    def records(rs: list[Record]) -> list:
        return [[r.name, r.rtype, r.ttl, r.text, r.rdlength] for r in rs]

    return [
        reply.rcode,
        list(reply.flags),
        records(reply.answer),
        records(reply.authority),
        records(reply.additional),
    ]


def _decode(data: list) -> Reply:
    rcode, flags, answer, authority, additional = data
    return Reply(
        rcode,
        tuple(flags),
        answer=[Record(*r) for r in answer],
        authority=[Record(*r) for r in authority],
        additional=[Record(*r) for r in additional],
    )
