"""DNS messages as the sandbox needs them: records, replies, and their sizes on the wire (RFC 1035).

CoreDNS's `log` plugin prints the request size and the response size in bytes, so the sandbox computes
both the way the wire format lays a message out:

- header: 12 bytes;
- a name: each label as one length byte plus its characters, then the root's zero byte
  (`dest-svc-v1.application.svc.cluster.local.` is 12+12+4+8+6+1 = 43 bytes);
- a question: name + type (2) + class (2);
- a resource record: owner name + type (2) + class (2) + TTL (4) + rdlength (2) + rdata;
- an EDNS0 OPT pseudo-record (when the client sends one, and the server echoes it): 11 bytes.

CoreDNS answers small replies uncompressed (it only compresses when a reply would not fit the client's
buffer), so the response size counts every owner name in full. Worked through for the seed's lines:

- request `A IN dest-svc-v1.application.svc.cluster.local.`: 12 + 43 + 4 = 59 (busybox sends no OPT, so
  the log shows `false 512`);
- response A: 59 + answer (43 + 10 + 4) = 116;
- response AAAA in an IPv4 cluster is NODATA: no answer, but the zone's SOA in the authority section
  (`cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. …`):
  15 (owner) + 10 + 22 (mname) + 26 (rname) + 20 (five 32-bit counters) = 93, and 59 + 93 = 152.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

__all__ = [
    "FLAG_ORDER",
    "OPT_RR_SIZE",
    "Record",
    "Reply",
    "a_record",
    "aaaa_record",
    "cname_record",
    "fqdn",
    "name_size",
    "ptr_record",
    "request_size",
    "response_size",
    "reverse_name",
    "soa_record",
    "srv_record",
]

OPT_RR_SIZE = 11  # root name (1) + type (2) + class/udp size (2) + ttl/flags (4) + rdlength (2), no options
FLAG_ORDER = ("qr", "aa", "tc", "rd", "ra", "z", "ad", "cd")  # the order CoreDNS prints rflags in


def fqdn(name: str) -> str:
    """Lowercased and absolute, as CoreDNS logs names (`Dest-Svc` → `dest-svc.`)."""
    name = name.lower()
    return name if name.endswith(".") else name + "."


def name_size(name: str) -> int:
    """Bytes of an uncompressed name on the wire."""
    labels = [label for label in fqdn(name).split(".") if label]
    return sum(len(label.encode()) + 1 for label in labels) + 1


def request_size(name: str, *, edns: bool = False) -> int:
    """A one-question query: header + question (+ OPT when the client speaks EDNS0)."""
    return 12 + name_size(name) + 4 + (OPT_RR_SIZE if edns else 0)


@dataclass(frozen=True, slots=True)
class Record:
    """One resource record; `rdlength` is the rdata's size on the wire, `text` its presentation form."""

    name: str
    rtype: str
    ttl: int
    text: str
    rdlength: int

    @property
    def size(self) -> int:
        return name_size(self.name) + 10 + self.rdlength


@dataclass(slots=True)
class Reply:
    """A DNS response: rcode name, set header flags, and the three record sections."""

    rcode: str
    flags: tuple[str, ...]
    answer: list[Record] = field(default_factory=list)
    authority: list[Record] = field(default_factory=list)
    additional: list[Record] = field(default_factory=list)

    @property
    def rflags(self) -> str:
        """Flags in CoreDNS's log order, comma-joined (`qr,aa,rd`)."""
        return ",".join(f for f in FLAG_ORDER if f in self.flags)

    @property
    def authoritative(self) -> bool:
        return "aa" in self.flags


def response_size(name: str, reply: Reply, *, edns: bool = False) -> int:
    """The reply echoes the question (and the OPT record if the query had one) and adds its records."""
    records = reply.answer + reply.authority + reply.additional
    return request_size(name, edns=edns) + sum(r.size for r in records)


def a_record(name: str, ip: str, ttl: int = 30) -> Record:
    return Record(fqdn(name), "A", ttl, ip, 4)


def aaaa_record(name: str, ip: str, ttl: int = 30) -> Record:
    return Record(fqdn(name), "AAAA", ttl, str(ipaddress.IPv6Address(ip)), 16)


def cname_record(name: str, target: str, ttl: int = 30) -> Record:
    return Record(fqdn(name), "CNAME", ttl, fqdn(target), name_size(target))


def ptr_record(name: str, target: str, ttl: int = 30) -> Record:
    return Record(fqdn(name), "PTR", ttl, fqdn(target), name_size(target))


def srv_record(name: str, priority: int, weight: int, port: int, target: str, ttl: int = 30) -> Record:
    # priority, weight and port are 16 bits each, then the target name
    return Record(fqdn(name), "SRV", ttl, f"{priority} {weight} {port} {fqdn(target)}", 6 + name_size(target))


def soa_record(
    zone: str, mname: str, rname: str, serial: int, times: tuple[int, int, int, int], ttl: int
) -> Record:
    refresh, retry, expire, minimum = times
    text = f"{fqdn(mname)} {fqdn(rname)} {serial} {refresh} {retry} {expire} {minimum}"
    return Record(fqdn(zone), "SOA", ttl, text, name_size(mname) + name_size(rname) + 20)


def reverse_name(ip: str) -> str | None:
    """`10.96.0.10` → `10.0.96.10.in-addr.arpa.`; None when `ip` is not an address."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    return addr.reverse_pointer + "."
