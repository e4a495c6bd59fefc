"""CoreDNS's `kubernetes` plugin as minikube configures it: `kubernetes cluster.local in-addr.arpa ip6.arpa
{ pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }`.

Names it answers (the Kubernetes DNS specification):
- `<svc>.<ns>.svc.cluster.local` — A: the ClusterIP, or the ready endpoint IPs of a headless Service;
  AAAA: NOERROR with no answer in this IPv4-only cluster; an ExternalName Service: a CNAME.
- `<endpoint>.<svc>.<ns>.svc.cluster.local` — an endpoint's hostname or dashed IP (`10-244-0-10`).
- `_<port-name>._<proto>.<svc>.<ns>.svc.cluster.local` — SRV for a named port.
- `<a-b-c-d>.<ns>.pod.cluster.local` — `pods insecure`: the address spelled in the name.
- PTR for ClusterIPs and endpoint IPs; other reverse names fall through to the next plugin.
Everything else under cluster.local is NXDOMAIN; "no such record" answers carry the zone's SOA.
"""

from __future__ import annotations

import ipaddress

from ingresslab.backends.sandbox.dns.wire import (
    Record,
    Reply,
    a_record,
    cname_record,
    ptr_record,
    soa_record,
    srv_record,
)
from ingresslab.backends.sandbox.topology import CLUSTER_DOMAIN

__all__ = ["TTL", "ZONE", "endpoint_label", "handles", "lookup", "zone_soa"]

ZONE = CLUSTER_DOMAIN + "."
TTL = 30
_REVERSE = ("in-addr.arpa.", "ip6.arpa.")
_AUTH = ("qr", "aa", "rd")


def handles(name: str) -> bool:
    """Whether the name is in one of the plugin's zones."""
    return any(name == z or name.endswith("." + z) for z in (ZONE, *_REVERSE))


def zone_soa(cluster) -> Record:
    # The plugin's SOA: serial is the time the API data last changed; refresh/retry/expire fixed; minimum = ttl.
    serial = int(cluster.store.now)
    return soa_record(ZONE, f"ns.dns.{ZONE}", f"hostmaster.{ZONE}", serial, (7200, 1800, 86400, TTL), TTL)


def _nxdomain(cluster) -> Reply:
    return Reply("NXDOMAIN", _AUTH, authority=[zone_soa(cluster)])


def _nodata(cluster) -> Reply:
    return Reply("NOERROR", _AUTH, authority=[zone_soa(cluster)])


def endpoint_label(address: dict) -> str:
    """An endpoint's DNS label: its hostname if set, else its IP with dashes."""
    return address.get("hostname") or address["ip"].replace(".", "-").replace(":", "-")


def _ready_addresses(cluster, svc: dict) -> list[tuple[dict, dict]]:
    """(address, subset) pairs of the Service's Endpoints, ready ones only."""
    ep = cluster.get("endpoints", svc["metadata"]["name"], svc["metadata"]["namespace"])
    out = []
    for subset in (ep or {}).get("subsets") or []:
        for address in subset.get("addresses") or []:
            out.append((address, subset))
    return out


def _headless(svc: dict) -> bool:
    return svc.get("spec", {}).get("clusterIP") == "None"


def lookup(cluster, qtype: str, name: str) -> Reply | None:
    """The plugin's reply, or None to fall through (reverse names it does not know)."""
    if not name.endswith(ZONE):
        return _reverse(cluster, qtype, name)
    rest = name[: -len(ZONE)].rstrip(".")
    labels = rest.split(".") if rest else []
    if not labels:
        if qtype == "SOA":
            return Reply("NOERROR", _AUTH, answer=[zone_soa(cluster)])
        return _nodata(cluster)
    kind, labels = labels[-1], labels[:-1]
    if kind == "svc":
        return _service_names(cluster, qtype, name, labels)
    if kind == "pod":
        return _pod_names(cluster, qtype, name, labels)
    return _nxdomain(cluster)


def _namespace_exists(cluster, ns: str) -> bool:
    return cluster.get("namespaces", ns) is not None


def _service_names(cluster, qtype: str, name: str, labels: list[str]) -> Reply:
    if not labels:
        return _nodata(cluster)
    ns = labels[-1]
    if not _namespace_exists(cluster, ns):
        return _nxdomain(cluster)
    if len(labels) == 1:
        return _nodata(cluster)  # `<ns>.svc.cluster.local` exists as an empty non-terminal
    svc = cluster.get("services", labels[-2], ns)
    if svc is None:
        return _nxdomain(cluster)
    if len(labels) == 2:
        return _service(cluster, qtype, name, svc)
    if len(labels) == 3:
        return _endpoint(cluster, qtype, name, svc, labels[0])
    if len(labels) == 4 and labels[0].startswith("_") and labels[1].startswith("_"):
        return _srv(cluster, qtype, name, svc, labels[0][1:], labels[1][1:])
    return _nxdomain(cluster)


def _service_fqdn(svc: dict) -> str:
    return f"{svc['metadata']['name']}.{svc['metadata']['namespace']}.svc.{ZONE}"


def _service(cluster, qtype: str, name: str, svc: dict) -> Reply:
    spec = svc.get("spec", {})
    if spec.get("type") == "ExternalName":
        if qtype in ("A", "AAAA", "CNAME"):
            return Reply("NOERROR", _AUTH, answer=[cname_record(name, spec.get("externalName", ""), TTL)])
        return _nodata(cluster)
    if qtype == "SRV":
        return _srv(cluster, qtype, name, svc, None, None)
    if qtype != "A":
        return _nodata(cluster)  # AAAA in an IPv4 cluster, TXT, MX, …: the name exists, the type does not
    if _headless(svc):
        addresses = _ready_addresses(cluster, svc)
        if not addresses:
            return _nxdomain(cluster)
        return Reply("NOERROR", _AUTH, answer=[a_record(name, a["ip"], TTL) for a, _ in addresses])
    ip = spec.get("clusterIP")
    if not ip:
        return _nodata(cluster)
    return Reply("NOERROR", _AUTH, answer=[a_record(name, ip, TTL)])


def _endpoint(cluster, qtype: str, name: str, svc: dict, label: str) -> Reply:
    for address, _ in _ready_addresses(cluster, svc):
        if endpoint_label(address) == label:
            if qtype == "A":
                return Reply("NOERROR", _AUTH, answer=[a_record(name, address["ip"], TTL)])
            return _nodata(cluster)
    return _nxdomain(cluster)


def _srv(cluster, qtype: str, name: str, svc: dict, port_name: str | None, proto: str | None) -> Reply:
    ports = [
        p
        for p in svc.get("spec", {}).get("ports") or []
        if p.get("name")
        and (port_name is None or p["name"] == port_name)
        and (proto is None or p.get("protocol", "TCP").lower() == proto)
    ]
    if not ports:
        return _nxdomain(cluster)
    if qtype == "A" and not _headless(svc):
        return Reply("NOERROR", _AUTH, answer=[a_record(name, svc["spec"]["clusterIP"], TTL)])
    if qtype != "SRV":
        return _nodata(cluster)
    targets: list[tuple[str, int, str]] = []  # (target name, port, ip)
    if _headless(svc):
        for address, subset in _ready_addresses(cluster, svc):
            for port in ports:
                number = next(
                    (sp["port"] for sp in subset.get("ports") or [] if sp.get("name") == port["name"]), None
                )
                if number is not None:
                    targets.append((f"{endpoint_label(address)}.{_service_fqdn(svc)}", number, address["ip"]))
    else:
        targets = [(_service_fqdn(svc), p["port"], svc["spec"]["clusterIP"]) for p in ports]
    if not targets:
        return _nxdomain(cluster)
    # CoreDNS spreads a weight of 100 over the records of one priority: floor(100 / count).
    weight = 100 // len(targets)
    answer = [srv_record(name, 0, weight, port, target, TTL) for target, port, _ in targets]
    extra: list[Record] = []
    for target, _, ip in targets:
        record = a_record(target, ip, TTL)
        if record not in extra:
            extra.append(record)
    return Reply("NOERROR", _AUTH, answer=answer, additional=extra)


def _pod_names(cluster, qtype: str, name: str, labels: list[str]) -> Reply:
    if not labels or not _namespace_exists(cluster, labels[-1]):
        return _nxdomain(cluster)
    if len(labels) == 1:
        return _nodata(cluster)
    if len(labels) != 2:
        return _nxdomain(cluster)
    # `pods insecure`: the answer is the address spelled in the name, whether or not such a pod exists.
    try:
        ip = ipaddress.IPv4Address(labels[0].replace("-", "."))
    except ValueError:
        return _nxdomain(cluster)
    if qtype == "A":
        return Reply("NOERROR", _AUTH, answer=[a_record(name, str(ip), TTL)])
    return _nodata(cluster)


def _ip_of_reverse(name: str) -> str | None:
    if name.endswith(".in-addr.arpa."):
        parts = name[: -len(".in-addr.arpa.")].split(".")
        if len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts):
            return ".".join(reversed(parts))
    return None


def _reverse(cluster, qtype: str, name: str) -> Reply | None:
    ip = _ip_of_reverse(name)
    if qtype != "PTR" or ip is None:
        return None
    answer = [
        ptr_record(name, _service_fqdn(svc), TTL) for svc in cluster.store.service_using("clusterIP", ip)
    ]
    if not answer:
        for ep in cluster.list("endpoints"):
            fqdn_ = f"{ep['metadata']['name']}.{ep['metadata']['namespace']}.svc.{ZONE}"
            for subset in ep.get("subsets") or []:
                for address in subset.get("addresses") or []:
                    if address.get("ip") == ip:
                        record = ptr_record(name, f"{endpoint_label(address)}.{fqdn_}", TTL)
                        if record not in answer:
                            answer.append(record)
    if not answer:
        return None  # `fallthrough in-addr.arpa`: the next plugin (forward) tries
    return Reply("NOERROR", _AUTH, answer=answer)
