"""Host matching as each front end reads a request's Host.

Two wildcard readings exist, and they differ on purpose:
- an Ingress host `*.example.com` covers exactly one more DNS label (networking.k8s.io/v1; ingress-nginx writes
  it as the regex `~^(?<subdomain>[\\w-]+)\\.example\\.com$`), so `a.b.example.com` is not covered;
- an Envoy virtual-host domain (and an Istio Gateway/VirtualService host) `*.example.com` is a suffix match
  that spans labels, plus `prefix*` domains and the lone `*`.
Both compare case-insensitively and ignore a `:port` in the Host header. An exact host always beats a wildcard.
"""

from __future__ import annotations

import re

__all__ = [
    "LABEL_WILDCARD",
    "SUFFIX_WILDCARD",
    "domain_matches",
    "domain_rank",
    "host_part",
    "ingress_host_matches",
    "normalize_host",
]

LABEL_WILDCARD = "label"  # `*.x` covers one label (Ingress rules, ingress-nginx server names)
SUFFIX_WILDCARD = "suffix"  # `*.x` covers any name ending in `.x` (Envoy domains, Istio hosts)
_LABEL = re.compile(r"^[\w-]+$")


def normalize_host(host: str, *, strip_trailing_dot: bool = False) -> str:
    """The Host header as routing compares it: lowercase, without a `:port` (IPv6 literals keep theirs).

    nginx also drops one trailing dot (`ngx_http_validate_host`); Envoy keeps it unless configured otherwise.
    """
    bare = host.lower()
    if bare.count(":") == 1:
        bare = bare.rsplit(":", 1)[0]
    if strip_trailing_dot and bare.endswith("."):
        bare = bare[:-1]
    return bare


def ingress_host_matches(rule_host: str | None, host: str) -> bool:
    """Whether an Ingress rule's host covers a request host; an empty rule host covers every host."""
    if not rule_host or rule_host == "*":
        return True
    bare = normalize_host(host, strip_trailing_dot=True)
    pattern = rule_host.lower()
    if pattern.startswith("*."):
        suffix = pattern[1:]
        return bare.endswith(suffix) and bool(_LABEL.match(bare[: -len(suffix)]))
    return bare == pattern


def domain_matches(domain: str, host: str, *, wildcard: str = SUFFIX_WILDCARD) -> bool:
    """Whether a virtual host's domain covers a normalized host (see `normalize_host`)."""
    domain = domain.lower()
    if domain in ("*", "_"):
        return True
    if wildcard == LABEL_WILDCARD:
        return ingress_host_matches(domain, host)
    if domain.startswith("*"):
        return host.endswith(domain[1:]) and len(host) > len(domain) - 1
    if domain.endswith("*"):
        return host.startswith(domain[:-1]) and len(host) > len(domain) - 1
    return host == domain


def domain_rank(domain: str) -> tuple[int, int]:
    """Envoy's domain precedence (higher wins): exact, then the longest `*.suffix`, then `prefix*`, then `*`."""
    if domain in ("*", "_"):
        return (0, 0)
    if domain.startswith("*"):
        return (2, len(domain))
    if domain.endswith("*"):
        return (1, len(domain))
    return (3, len(domain))


def host_part(host: str) -> str:
    """An Istio Gateway host without its optional `namespace/` prefix."""
    return host.split("/", 1)[1] if "/" in host else host
