"""What the sandbox's CoreDNS reads from its Corefile (ConfigMap kube-system/coredns).

Only the parts that change what a learner can observe: whether the `log` plugin is on (no `log`, no query
lines), the `hosts` block's entries (minikube's `host.minikube.internal`), and whether the `kubernetes` and
`forward` plugins are present. Edits take effect on the next query, as if `reload` had already fired.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ingresslab.backends.sandbox.dns.cache import cache_caps

__all__ = ["CorefileView", "corefile_text", "parse_corefile", "read_corefile"]


@dataclass(frozen=True)
class CorefileView:
    log: bool = False
    kubernetes: bool = False
    forward: bool = False
    hosts: dict[str, list[str]] = field(default_factory=dict)
    """Lowercased absolute name → addresses, in file order."""
    cache: tuple[int, int] | None = None
    """(success, denial) TTL caps of the `cache` plugin; None without it."""


def parse_corefile(text: str) -> CorefileView:
    """Read the plugins of the root server block (`.:53 { … }`); other server blocks are ignored."""
    plugins: set[str] = set()
    hosts: dict[str, list[str]] = {}
    cache_ttl: int | None = None
    depth = 0
    in_root = False
    current = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        opens, closes = line.count("{"), line.count("}")
        words = line.replace("{", " ").replace("}", " ").split()
        if depth == 0 and words:
            in_root = words[0] in (".", ".:53", "dns://.", "dns://.:53")
        elif depth == 1 and in_root and words:
            current = words[0]
            plugins.add(current)
            if current == "cache" and len(words) > 1 and words[1].isdigit():
                cache_ttl = int(words[1])
        elif depth == 2 and in_root and current == "hosts" and len(words) >= 2 and _is_ip(words[0]):
            for name in words[1:]:
                hosts.setdefault(name.lower().rstrip(".") + ".", []).append(words[0])
        depth += opens - closes
        depth = max(depth, 0)
    return CorefileView(
        log="log" in plugins,
        kubernetes="kubernetes" in plugins,
        forward="forward" in plugins,
        hosts=hosts,
        cache=cache_caps(cache_ttl) if "cache" in plugins else None,
    )


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def corefile_text(cluster) -> str:
    """The Corefile in ConfigMap kube-system/coredns ("" when the ConfigMap is gone)."""
    cm = cluster.get("configmaps", "coredns", "kube-system")
    return ((cm or {}).get("data") or {}).get("Corefile", "")


def read_corefile(cluster) -> CorefileView:
    """The parsed Corefile; without one, CoreDNS could not have started and no plugin is on."""
    text = corefile_text(cluster)
    return parse_corefile(text) if text else CorefileView()
