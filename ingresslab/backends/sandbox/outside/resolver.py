"""The resolver upstream of the cluster: what CoreDNS's `forward . /etc/resolv.conf` gets back from the node's
nameserver (minikube's docker network gateway, recursing to the internet).

A name of the emulated internet (`sites.SITES`) answers its A records (NOERROR, `qr,rd,ra`, the site's TTL);
AAAA and other types of such a name answer NODATA with the zone's SOA; every other name is NXDOMAIN with
the root zone's SOA — what the sandbox always answered, so cluster-only lessons keep their lines.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.dns.wire import Reply, a_record, soa_record
from ingresslab.backends.sandbox.outside.sites import by_name

__all__ = ["upstream_answer"]

_FLAGS = ("qr", "rd", "ra")


def _root_nxdomain() -> Reply:
    soa = soa_record(
        ".", "a.root-servers.net", "nstld.verisign-grs.com", 2024091500, (1800, 900, 604800, 86400), 86400
    )
    return Reply("NXDOMAIN", _FLAGS, authority=[soa])


def upstream_answer(name: str, qtype: str | None = "A") -> Reply:
    """The upstream's reply to one question (`name` fully qualified)."""
    site = by_name(name)
    if site is None:
        return _root_nxdomain()
    if qtype == "A":
        return Reply("NOERROR", _FLAGS, answer=[a_record(name, ip, site.ttl) for ip in site.addresses])
    zone, mname, rname = site.soa
    soa = soa_record(zone, mname, rname, 2024091501, (7200, 900, 1209600, 300), 300)
    return Reply("NOERROR", _FLAGS, authority=[soa])
