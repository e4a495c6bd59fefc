"""The upstream resolver the reference CoreDNS forwards to: on loopback, with no internet behind it.

It answers every question NXDOMAIN with the root zone's SOA (flags `qr rd ra`), which is what the sandbox's
node resolver answers, so a forwarded name gets the same reply on both sides and nothing leaves the
machine. Run as `python dnsstub.py PORT_FILE`: it binds a free port on 127.0.0.1, writes its number to
PORT_FILE, and serves until it is stopped.
"""

from __future__ import annotations

import os
import socket
import sys

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

__all__ = ["answer", "serve"]

ROOT_SOA = "a.root-servers.net. nstld.verisign-grs.com. 2024091500 1800 900 604800 86400"


def answer(wire: bytes) -> bytes | None:
    """The reply to one query in wire format, or None for a packet that is not a query."""
    try:
        query = dns.message.from_wire(wire)
    except Exception:  # not DNS: a resolver drops it
        return None
    reply = dns.message.make_response(query, recursion_available=True)
    reply.set_rcode(dns.rcode.NXDOMAIN)
    reply.authority.append(dns.rrset.from_text(".", 86400, dns.rdataclass.IN, dns.rdatatype.SOA, ROOT_SOA))
    return reply.to_wire()


def serve(port_file: str) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port: no window for another process to take it
    tmp = port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(str(sock.getsockname()[1]))
    os.replace(tmp, port_file)
    while True:
        wire, peer = sock.recvfrom(4096)
        if peer[0] != "127.0.0.1":  # loopback only, by construction and by check
            continue
        reply = answer(wire)
        if reply is not None:
            sock.sendto(reply, peer)


if __name__ == "__main__":
    serve(sys.argv[1])
