"""Cluster DNS in the sandbox: CoreDNS (with its `log` plugin), pod resolv.conf/hosts, stub resolvers, nslookup.

- `coredns.handle` answers one query as minikube's CoreDNS would and logs it like the `log` plugin;
- `podfiles` writes what the kubelet puts in a container (/etc/resolv.conf, /etc/hosts, /etc/hostname);
- `resolver.getaddrinfo` resolves a name from inside a pod (glibc or musl rules), for any program;
- `nslookup.nslookup` is BusyBox's applet, output byte for byte.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.dns.coredns import Exchange, format_log_line, handle
from ingresslab.backends.sandbox.dns.nslookup import nslookup
from ingresslab.backends.sandbox.dns.podfiles import ResolvConf, hostname, hosts_file, resolv_conf
from ingresslab.backends.sandbox.dns.resolver import Lookup, candidates, getaddrinfo
from ingresslab.backends.sandbox.dns.wire import Record, Reply, request_size, response_size

__all__ = [
    "Exchange",
    "Lookup",
    "Record",
    "Reply",
    "ResolvConf",
    "candidates",
    "format_log_line",
    "getaddrinfo",
    "handle",
    "hostname",
    "hosts_file",
    "nslookup",
    "request_size",
    "resolv_conf",
    "response_size",
]
