"""The sandbox's CoreDNS on a real UDP socket (127.0.0.1), so real `dig` and busybox can ask it.

Each datagram is decoded (question, id, the client's EDNS0 buffer size), answered by the sandbox's own
CoreDNS (`coredns.handle`, which also writes its `log` line; the sandbox's clock advances in real time while
it serves, so its cache ages like the real one) and laid out on the wire the way the sandbox
models a reply — the question echoed, every record's owner name in full (no compression), an OPT record
when the query had one — so the message size real clients see is the size the sandbox claims in its log.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

import dns.message
import dns.rdatatype

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.dns import coredns
from ingresslab.backends.sandbox.dns.wire import Record, Reply

__all__ = ["SandboxDnsServer", "encode_reply"]

_RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5}
_BITS = {"qr": 0x8000, "aa": 0x0400, "tc": 0x0200, "rd": 0x0100, "ra": 0x0080, "ad": 0x0020, "cd": 0x0010}


def _name(name: str) -> bytes:
    labels = [label for label in name.rstrip(".").split(".") if label]
    return b"".join(bytes([len(label)]) + label.encode() for label in labels) + b"\0"


def _rdata(record: Record) -> bytes:
    fields = record.text.split()
    if record.rtype == "A":
        return socket.inet_aton(record.text)
    if record.rtype == "AAAA":
        return socket.inet_pton(socket.AF_INET6, record.text)
    if record.rtype in ("PTR", "CNAME", "NS"):
        return _name(record.text)
    if record.rtype == "SRV":
        return struct.pack("!HHH", *map(int, fields[:3])) + _name(fields[3])
    if record.rtype == "SOA":
        return _name(fields[0]) + _name(fields[1]) + struct.pack("!5I", *map(int, fields[2:]))
    raise ValueError(f"no wire form for {record.rtype} records")


def encode_reply(qid: int, question: bytes, reply: Reply, *, edns_bufsize: int | None) -> bytes:
    """One reply on the wire: header, the query's question bytes, the sections, then OPT if asked."""
    flags = sum(_BITS[f] for f in reply.flags) | _RCODES[reply.rcode]
    sections = (reply.answer, reply.authority, reply.additional)
    additional = len(reply.additional) + (1 if edns_bufsize is not None else 0)
    out = struct.pack("!HHHHHH", qid, flags, 1, len(reply.answer), len(reply.authority), additional)
    out += question
    for section in sections:
        for record in section:
            data = _rdata(record)
            rtype = dns.rdatatype.from_text(record.rtype)
            out += _name(record.name) + struct.pack("!HHIH", rtype, 1, record.ttl, len(data)) + data
    if edns_bufsize is not None:
        out += b"\0" + struct.pack("!HHIH", 41, edns_bufsize, 0, 0)
    return out


class SandboxDnsServer:
    """Serves one sandbox's CoreDNS on 127.0.0.1:`port` from a thread until `close()`."""

    def __init__(self, backend: SandboxBackend) -> None:
        self.backend = backend
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._clock: tuple[float, float] | None = None  # (virtual, monotonic) at the first query
        self._thread = threading.Thread(target=self._serve, name="sandbox-dns", daemon=True)
        self._thread.start()

    def _coredns_pod(self, cluster) -> dict:
        pods = [
            p for p in cluster.list("pods", "kube-system") if p["metadata"]["name"].startswith("coredns-")
        ]
        return pods[0]

    def _answer(self, wire: bytes, peer: tuple[str, int]) -> bytes | None:
        try:
            query = dns.message.from_wire(wire)
        except Exception:
            return None
        q = query.question[0]
        edns = query.payload if query.edns >= 0 else None
        end = 12 + len(_name(q.name.to_text())) + 4  # the question as the client wrote it
        with self.backend.transaction(tick=False) as cluster:
            if self._clock is None:
                self._clock = (cluster.store.now, time.monotonic())
            # The sandbox's clock runs in real time here, so its cache entries age as real CoreDNS's do.
            at = self._clock[0] + (time.monotonic() - self._clock[1])
            ex = coredns.handle(
                cluster,
                self._coredns_pod(cluster),
                peer[0],
                peer[1],
                query.id,
                dns.rdatatype.to_text(q.rdtype),
                q.name.to_text(),
                at,
                edns_bufsize=edns,
            )
        return encode_reply(query.id, wire[12:end], ex.reply, edns_bufsize=edns)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            reply = self._answer(wire, peer)
            if reply is not None:
                self.sock.sendto(reply, peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()

    def __enter__(self) -> SandboxDnsServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
