"""BusyBox's `nslookup` (the FEATURE_NSLOOKUP_BIG applet in the busybox, alpine and curl images).

It does not use getaddrinfo: it builds its own queries and writes them all from one socket.
- an address argument becomes one PTR query; otherwise an A and an AAAA query (or the `-type=` ones);
- a name WITHOUT a dot is tried under every search domain of /etc/resolv.conf (never bare); a name with a
  dot is sent as-is only (why `nslookup kubernetes.default` fails in a pod while `nslookup kubernetes`
  works); an explicit DNS_SERVER argument skips resolv.conf, so no search domains at all;
- every reply is printed as it arrives: `** server can't find NAME: NXDOMAIN` for errors, `Name:`/`Address:`
  for records, "Non-authoritative answer:" before a reply without the aa flag, and an empty line after
  each reply (so an empty NODATA reply shows as just a blank line); any error rcode makes the exit code 1.
"""

from __future__ import annotations

import ipaddress

from ingresslab.backends.base import ExecResult
from ingresslab.backends.sandbox.dns.podfiles import resolv_conf
from ingresslab.backends.sandbox.dns.resolver import getaddrinfo
from ingresslab.backends.sandbox.dns.transport import Answer, exchange, open_socket
from ingresslab.backends.sandbox.dns.wire import Reply

__all__ = ["BUSYBOX_BANNER", "USAGE", "format_reply", "nslookup", "print_replies", "query_names"]

BUSYBOX_BANNER = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary."
USAGE = (
    f"{BUSYBOX_BANNER}\n\n"
    "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n"
    "Query DNS about HOST\n\n"
    "QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n"
)
# The applet's table order, which is also the order queries are sent for several -type options.
_QTYPES = ("SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "PTR", "ANY")
_OPTIONS = ("type", "querytype", "port", "retry", "debug", "t", "timeout")


def _ptr_name(text: str) -> str | None:
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    return addr.reverse_pointer


def query_names(name: str, search: list[str] | None, qtypes: list[str]) -> list[tuple[str, str]]:
    """(qtype, name) in the order the applet sends them."""
    ptr = _ptr_name(name) if not qtypes else None
    if ptr is not None:
        return [("PTR", ptr)]
    out = []
    for qtype in qtypes or ["A", "AAAA"]:
        if qtype == "PTR" or not search or "." in name:
            out.append((qtype, name))
        else:
            out += [(qtype, f"{name}.{domain}") for domain in search]
    return out


def _bare(name: str) -> str:
    """Names as libresolv prints them: no trailing dot."""
    return name[:-1] if name.endswith(".") and name != "." else name


def format_reply(reply: Reply, *, debug: bool = False) -> str:
    """What the applet prints for one NOERROR reply (its answer section)."""
    out = []
    if not reply.authoritative:
        out.append("Non-authoritative answer:\n")
    elif debug:
        out.append("authoritative answer:\n")  # the applet prints its string from the 5th byte on
    for record in reply.answer:
        owner = _bare(record.name)
        if record.rtype in ("A", "AAAA"):
            out.append(f"Name:\t{owner}\nAddress: {record.text}\n")
        elif record.rtype in ("NS", "CNAME", "PTR"):
            label = {"NS": "nameserver", "CNAME": "canonical name", "PTR": "name"}[record.rtype]
            out.append(f"{owner}\t{label} = {_bare(record.text)}\n")
        elif record.rtype == "SRV":
            prio, weight, port, target = record.text.split()
            out.append(f"{owner}\tservice = {prio} {weight} {port} {_bare(target)}\n")
        elif record.rtype == "SOA":
            mname, rname, serial, refresh, retry, expire, minimum = record.text.split()
            out.append(
                f"{owner}\n\torigin = {_bare(mname)}\n\tmail addr = {_bare(rname)}\n\tserial = {serial}\n"
                f"\trefresh = {refresh}\n\tretry = {retry}\n\texpire = {expire}\n\tminimum = {minimum}\n"
            )
    return "".join(out)


def _server_address(server: str, port: int) -> str:
    return f"[{server}]:{port}" if ":" in server else f"{server}:{port}"


def nslookup(cluster, pod: dict, argv: list[str], *, libc: str = "glibc") -> ExecResult:
    """Run `nslookup ARGS…` inside `pod`."""
    args = list(argv[1:])
    qtypes: list[str] = []
    port, debug, timeout = 53, False, 5
    while args and args[0].startswith("-"):
        key, _, value = args.pop(0)[1:].partition("=")
        if key not in _OPTIONS:
            return ExecResult("", USAGE, 1)
        if key in ("type", "querytype"):
            if value.upper() not in _QTYPES:
                return ExecResult("", f'nslookup: invalid query type "{value}"\n', 1)
            if value.upper() not in qtypes:
                qtypes.append(value.upper())
        elif key == "debug":
            debug = True
        elif not value.isdigit() or not (1 <= int(value) <= (0xFFFF if key == "port" else 10**6)):
            return ExecResult("", f"nslookup: invalid number '{value}'\n", 1)
        elif key == "port":
            port = int(value)
        elif key in ("t", "timeout"):
            timeout = int(value)
    if not args or len(args) > 2:
        return ExecResult("", USAGE, 1)
    qtypes = [q for q in _QTYPES if q in qtypes]
    name = args[0]
    conf = resolv_conf(pod)
    if len(args) == 2:
        servers, search = [args[1]], None
    else:
        servers = list(conf.nameservers) or ["127.0.0.1"]
        search = [d for d in conf.searches if d != "."] or None
    queries = query_names(name, search, qtypes)
    for server in servers:
        address = server
        try:
            ipaddress.ip_address(server)
        except ValueError:
            found = getaddrinfo(cluster, pod, server, libc=libc)
            if not found.ok:
                return ExecResult("", f"nslookup: bad address '{server}'\n", 1)
            address = found.addresses[0]
        # CoreDNS and the node's resolver only listen on 53: another port never answers
        replies = exchange(cluster, open_socket(cluster, pod), address, queries) if port == 53 else None
        if replies:
            return print_replies(server, address, port, replies, debug)
        cluster.store.advance(float(timeout))  # waited the whole timeout (its retries fit inside it)
    return ExecResult(";; connection timed out; no servers could be reached\n\n", "", 1)


def print_replies(server: str, address: str, port: int, replies: list[Answer], debug: bool) -> ExecResult:
    out = [f"Server:\t\t{server}\n", f"Address:\t{_server_address(address, port)}\n\n"]
    code = 0
    elapsed = 0
    for n, answer in enumerate(replies):
        elapsed += answer.elapsed_ns
        if debug:
            out.append(f"Query #{n} completed in {elapsed // 1_000_000}ms:\n")
        if answer.reply.rcode != "NOERROR":
            out.append(f"** server can't find {answer.name}: {answer.reply.rcode}\n")
            code = 1
        else:
            out.append(format_reply(answer.reply, debug=debug))
        out.append("\n")
    return ExecResult("".join(out), "", code)
