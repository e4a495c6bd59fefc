"""DNS from inside a pod: read its resolv.conf and CoreDNS's query log, and say why a name did not resolve.

The resolver's rule an expert checks first: a name with at least `ndots` dots is tried as-is first (musl:
only as-is), so `svc.namespace` never gets `.svc.cluster.local` appended when ndots is low.
"""

from __future__ import annotations

from typing import Any

from ingresslab.logs import CoreDNSQuery
from ingresslab.trace import parse_sources
from ingresslab.troubleshoot.findings import Clue, Diagnosis
from ingresslab.troubleshoot.probe import PodRequest
from ingresslab.troubleshoot.rules import Cluster

__all__ = ["diagnose_pod_request", "resolv_conf"]


def resolv_conf(
    lab: Any, pod: str, namespace: str, container: str | None = None
) -> tuple[list[str], int, str]:
    """(search domains, ndots, raw text) from `kubectl exec POD -- cat /etc/resolv.conf`."""
    argv = ["exec", pod, "-n", namespace, *(["-c", container] if container else []), "--"]
    result = lab.kubectl([*argv, "cat", "/etc/resolv.conf"])
    searches: list[str] = []
    ndots = 1  # the resolver's default when resolv.conf says nothing
    for line in result.stdout.splitlines():
        words = line.split()
        if words[:1] == ["search"]:
            searches = words[1:]
        elif words[:1] == ["options"]:
            for opt in words[1:]:
                if opt.startswith("ndots:") and opt[6:].isdigit():
                    ndots = int(opt[6:])
    return searches, ndots, result.stdout


def _coredns_queries(lab: Any, pod_ip: str | None, host: str) -> list[CoreDNSQuery]:
    sources = [s for s in lab.logs() if s.component == "coredns"]
    wanted = host.lower().rstrip(".") + "."
    out = []
    for line in parse_sources(sources):
        rec = line.record
        if (
            isinstance(rec, CoreDNSQuery)
            and rec.name.lower().startswith(wanted[:-1])
            and (pod_ip is None or rec.remote == pod_ip)
        ):
            out.append(rec)
    return out


def diagnose_pod_request(lab: Any, probe: PodRequest) -> Diagnosis:
    checked = ["curl from the pod"]
    clues = [
        Clue(probe.command or "curl", (probe.stderr or probe.stdout).strip() or f"exit {probe.returncode}")
    ]
    if probe.ok:
        return Diagnosis(None, f"{probe.url} answered from pod {probe.pod}", clues, "", checked)
    if probe.returncode != 6 and "resolve" not in probe.stderr.lower():
        return Diagnosis("unknown", "the request failed, but not in name resolution", clues, "", checked)
    host = probe.host
    cluster = Cluster.read(lab.backend)
    pod = cluster.get("pods", probe.namespace, probe.pod)
    pod_ip = (pod or {}).get("status", {}).get("podIP")
    searches, ndots, raw = resolv_conf(lab, probe.pod, probe.namespace, probe.container)
    checked.append("resolv.conf")
    if raw:
        clues.append(Clue(f"{probe.pod}:/etc/resolv.conf", " | ".join(raw.strip().splitlines())))
    queries = _coredns_queries(lab, pod_ip, host)
    checked.append("CoreDNS log")
    for q in queries[-6:]:
        clues.append(Clue("coredns", q.raw or f"{q.type} {q.name} {q.rcode}"))
    asked = {q.name.lower().rstrip(".") for q in queries}
    expansions = [f"{host}.{d}".lower() for d in searches]
    existing = [name for name in expansions if _service_for(cluster, name)]
    checked.append("Services")
    dots = host.rstrip(".").count(".")
    if existing and dots >= ndots and not (asked & set(expansions)):
        fqdn = existing[0]
        return Diagnosis(
            "ndots-skips-search-list",
            f"{host} has {dots} dot(s) and the pod's resolv.conf says ndots:{ndots}, so the resolver asked for "
            f"{host}. as-is (NXDOMAIN) and never tried the search list; {fqdn} exists",
            clues,
            f"use the fully qualified name {fqdn} (or with a trailing dot), or drop the low ndots "
            "from the pod's dnsConfig",
            checked,
        )
    return Diagnosis(
        "dns-name-not-found",
        f"{host} does not resolve: no Service answers to it under the pod's search domains",
        clues,
        "check the Service's name and namespace: kubectl get svc -A",
        checked,
    )


def _service_for(cluster: Cluster, name: str) -> dict | None:
    """`svc.ns.svc.cluster.local` → that Service, if it exists."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[2] == "svc":
        return cluster.get("services", parts[1], parts[0])
    return None
