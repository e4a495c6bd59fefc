"""Differential test: the sandbox's nslookup prints exactly what BusyBox's applet prints for the same replies.

A tiny DNS server on 127.0.0.1 (random high port) answers each question with a scripted `Reply`, encoded
on the wire by this test; the real `busybox nslookup -port=N NAME 127.0.0.1` and the sandbox's printer are
given the same replies. Skipped when busybox is not installed (`apt-get install busybox`).
"""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import threading

import pytest
from oracles import require_binary

from ingresslab.backends.sandbox.dns.nslookup import print_replies
from ingresslab.backends.sandbox.dns.transport import Answer
from ingresslab.backends.sandbox.dns.wire import (
    Reply,
    a_record,
    cname_record,
    ptr_record,
    soa_record,
    srv_record,
)

BUSYBOX = shutil.which("busybox")


@pytest.fixture(autouse=True)
def _busybox() -> None:
    require_binary("busybox", package="busybox")  # the oracle: skipped locally without it, a failure in CI


_TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "AAAA": 28, "SRV": 33}
_RCODES = {"NOERROR": 0, "SERVFAIL": 2, "NXDOMAIN": 3}
_BITS = {"qr": 0x8000, "aa": 0x0400, "tc": 0x0200, "rd": 0x0100, "ra": 0x0080}


def _name(name: str) -> bytes:
    labels = [label for label in name.rstrip(".").split(".") if label]
    return b"".join(bytes([len(x)]) + x.encode() for x in labels) + b"\0"


def _rdata(record) -> bytes:
    if record.rtype == "A":
        return socket.inet_aton(record.text)
    if record.rtype in ("PTR", "CNAME", "NS"):
        return _name(record.text)
    if record.rtype == "SRV":
        prio, weight, port, target = record.text.split()
        return struct.pack("!HHH", int(prio), int(weight), int(port)) + _name(target)
    if record.rtype == "SOA":
        mname, rname, *nums = record.text.split()
        return _name(mname) + _name(rname) + struct.pack("!5I", *map(int, nums))
    raise AssertionError(record.rtype)


def _encode(query: bytes, reply: Reply) -> bytes:
    qid = query[:2]
    question = query[12:]  # busybox sends one question and no OPT record
    flags = sum(_BITS[f] for f in reply.flags) | _RCODES[reply.rcode]
    sections = (reply.answer, reply.authority, reply.additional)
    head = qid + struct.pack("!HHHHH", flags, 1, *(len(s) for s in sections))
    body = b""
    for section in sections:
        for r in section:
            data = _rdata(r)
            body += _name(r.name) + struct.pack("!HHIH", _TYPES[r.rtype], 1, r.ttl, len(data)) + data
    return head + question + body


def _qname(query: bytes) -> tuple[str, int]:
    i, labels = 12, []
    while query[i]:
        labels.append(query[i + 1 : i + 1 + query[i]].decode())
        i += query[i] + 1
    qtype = struct.unpack("!H", query[i + 1 : i + 3])[0]
    return ".".join(labels), qtype


def _serve(sock: socket.socket, script: dict, seen: list) -> None:
    names = {v: k for k, v in _TYPES.items()}
    while True:
        try:
            data, peer = sock.recvfrom(512)
        except OSError:
            return
        name, qtype = _qname(data)
        key = (names.get(qtype, str(qtype)), name)
        if key not in script:
            continue
        seen.append(key)
        sock.sendto(_encode(data, script[key]), peer)


def _run_busybox(args: list[str], script: dict) -> tuple[str, int, list]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    seen: list = []
    thread = threading.Thread(target=_serve, args=(sock, script, seen), daemon=True)
    thread.start()
    try:
        proc = subprocess.run(
            [BUSYBOX, "nslookup", f"-port={port}", "-timeout=2", *args, "127.0.0.1"],
            capture_output=True,
            text=True,
            timeout=15,
        )
    finally:
        sock.close()
    return proc.stdout.replace(f":{port}", ":53"), proc.returncode, seen


def _sandbox_output(script: dict, seen: list) -> tuple[str, int]:
    answers = [Answer(qtype, name, 0, script[(qtype, name)], 0) for qtype, name in seen]
    result = print_replies("127.0.0.1", "127.0.0.1", 53, answers, False)
    return result.stdout, result.returncode


SOA = soa_record(
    "cluster.local",
    "ns.dns.cluster.local",
    "hostmaster.cluster.local",
    1726389000,
    (7200, 1800, 86400, 30),
    30,
)
NAME = "dest-svc-v1.application.svc.cluster.local"


def _check(args: list[str], script: dict) -> str:
    out, code, seen = _run_busybox(args, script)
    assert seen, "busybox sent no query to the scripted server"
    ours, our_code = _sandbox_output(script, seen)
    assert ours == out
    assert our_code == code
    return out


def test_a_answer_then_aaaa_nodata_prints_like_busybox():
    script = {
        ("A", NAME): Reply("NOERROR", ("qr", "aa", "rd"), answer=[a_record(NAME, "10.108.78.105")]),
        ("AAAA", NAME): Reply("NOERROR", ("qr", "aa", "rd"), authority=[SOA]),
    }
    out = _check([NAME], script)
    # The seed's block, then one empty line per reply (the NODATA reply is only a blank line).
    assert out == (
        f"Server:\t\t127.0.0.1\nAddress:\t127.0.0.1:53\n\nName:\t{NAME}\nAddress: 10.108.78.105\n\n\n"
    )


def test_nxdomain_from_upstream_prints_server_cant_find_and_fails():
    root_soa = soa_record(
        ".", "a.root-servers.net", "nstld.verisign-grs.com", 1, (1800, 900, 604800, 86400), 86400
    )
    nx = Reply("NXDOMAIN", ("qr", "rd", "ra"), authority=[root_soa])
    out = _check(["google.com"], {("A", "google.com"): nx, ("AAAA", "google.com"): nx})
    assert "** server can't find google.com: NXDOMAIN\n" in out


def test_non_authoritative_answer_header_for_forwarded_records():
    script = {
        ("A", "example.org"): Reply(
            "NOERROR", ("qr", "rd", "ra"), answer=[a_record("example.org", "93.184.215.14")]
        ),
        ("AAAA", "example.org"): Reply("NOERROR", ("qr", "rd", "ra")),
    }
    out = _check(["example.org"], script)
    assert out.count("Non-authoritative answer:\n") == 2


def test_ptr_and_srv_and_cname_layouts_match():
    ptr = "105.78.108.10.in-addr.arpa"
    _check(
        ["10.108.78.105"],
        {("PTR", ptr): Reply("NOERROR", ("qr", "aa", "rd"), answer=[ptr_record(ptr, NAME)])},
    )
    srv = "_http-v1._tcp." + NAME
    reply = Reply(
        "NOERROR",
        ("qr", "aa", "rd"),
        answer=[srv_record(srv, 0, 100, 7777, NAME)],
        additional=[a_record(NAME, "10.108.78.105")],
    )
    _check(["-type=srv", srv], {("SRV", srv): reply})
    ext = "ext.application.svc.cluster.local"
    cname = Reply("NOERROR", ("qr", "aa", "rd"), answer=[cname_record(ext, "example.com")])
    _check(["-type=cname", ext], {("CNAME", ext): cname})


def test_soa_layout_matches():
    _check(
        ["-type=soa", "cluster.local"],
        {("SOA", "cluster.local"): Reply("NOERROR", ("qr", "aa", "rd"), answer=[SOA])},
    )
