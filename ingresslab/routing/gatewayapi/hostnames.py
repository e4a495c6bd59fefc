"""Gateway API hostnames: listener ∩ route, and which listener is the most specific.

- An empty hostname (listener or route) means any host; `*.example.com` matches any depth below
  `example.com` (`a.b.example.com`) but not `example.com` itself (unlike an Ingress host, one label).
- A route hostname and a listener hostname intersect when either covers the other; the intersection is the
  more specific of the two (`*.example.com` ∩ `foo.example.com` = `foo.example.com`).
- Listener specificity: exact, then wildcards with more labels, then none.
These are Istio's `host.Name` `Matches` / `SubsetOf` (bidirectional suffix matching).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ANY",
    "covers",
    "intersect",
    "listener_rank",
    "matches",
    "route_hosts",
    "subset_of",
]

ANY = "*"


def _norm(name: str | None) -> str:
    return (name or ANY).lower()


def covers(pattern: str | None, host: str) -> bool:
    """Whether a hostname (exact, `*.suffix`, empty/`*`) covers a concrete request host."""
    pattern, host = _norm(pattern), host.lower()
    if pattern == ANY:
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def subset_of(a: str | None, b: str | None) -> bool:
    """Whether every host `a` covers is covered by `b` (Istio `host.Name.SubsetOf`)."""
    a, b = _norm(a), _norm(b)
    if b == ANY:
        return True
    if a == ANY:
        return False
    if b.startswith("*"):
        return a.endswith(b[1:]) if a.startswith("*") else covers(b, a)
    return not a.startswith("*") and a == b


def matches(a: str | None, b: str | None) -> bool:
    """Whether two hostnames share a host (Istio `host.Name.Matches`, bidirectional)."""
    return subset_of(a, b) or subset_of(b, a)


def intersect(listener: str | None, route: str | None) -> str | None:
    """The hostnames' intersection (the more specific one); `*` for any; None when disjoint."""
    if subset_of(route, listener):
        return _norm(route)
    if subset_of(listener, route):
        return _norm(listener)
    return None


def route_hosts(listener: str | None, route_hostnames: Iterable[str]) -> list[str]:
    """The hosts a route serves on a listener: each route hostname ∩ the listener's (none given: the listener's).

    Non-intersecting route hostnames are dropped; duplicates are kept once, in the route's order.
    """
    out: list[str] = []
    for h in list(route_hostnames) or [ANY]:
        got = intersect(listener, h)
        if got is not None and got not in out:
            out.append(got)
    return out


def listener_rank(hostname: str | None) -> tuple[int, int]:
    """Specificity of a listener hostname (higher first): exact, then wildcard by label count, then empty."""
    name = _norm(hostname)
    if name == ANY:
        return (0, 0)
    if name.startswith("*"):
        return (1, name.count("."))
    return (2, name.count("."))
