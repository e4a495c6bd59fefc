"""Diagnose rules for requests that leave the cluster (the `egress` entry point): what the client's sidecar line
and the egress gateway's line say, checked against the ServiceEntries, DestinationRules, Gateways and
VirtualServices the way a person would with `kubectl get se,dr,gw,vs -A` and the `istio` ConfigMap.

Evidence → cause (Istio 1.23):
- sidecar `502 … direct_response … block_all`, or `0 UH … BlackHoleCluster` (curl exit 35 for TLS), with
  `outboundTrafficPolicy: REGISTRY_ONLY` and no ServiceEntry for the host → egress-blocked-registry-only;
- sidecar `503 NC cluster_not_found` (cluster `-`) where a VirtualService routes the host to a subset:
  no DestinationRule defines that subset (missing or misspelt) → egress-subset-not-found; one does, but in a
  namespace the client's sidecar does not read (not the client's, the service's or istio-system) →
  egress-destinationrule-wrong-namespace;
- egress gateway `404 NR route_not_found`: its Gateway's hosts do not cover the host →
  egress-gateway-hosts-mismatch; they do, but no VirtualService route is bound to the Gateway →
  gateway-without-virtualservice;
- a sidecar line straight to `outbound|<port>||<host>` (no egress gateway line) while a Gateway for the egress
  gateway lists the host → egress-gateway-bypassed (the VirtualService is bound to `mesh` only, or its mesh
  route does not go to the gateway);
- otherwise the request went where the configuration says: no fault.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from ingresslab.entrypoints.components import Component
from ingresslab.logs import decode_istio_cluster
from ingresslab.troubleshoot.findings import Diagnosis

__all__ = ["egress_rules", "egress_unreached"]

_EGRESS_SELECTOR = {"istio": "egressgateway"}
_EGRESS_HOST = "istio-egressgateway.istio-system.svc.cluster.local"
_ROOT = "istio-system"


def _list(walk: Any, kind: str) -> list[dict]:
    try:
        return list(walk.lab.backend.list(kind, "*"))
    except Exception:  # the kind is unknown (no Istio CRDs) or the cluster cannot say
        return []


def _ns(obj: dict) -> str:
    return obj["metadata"].get("namespace") or "default"


def _ref(obj: dict) -> str:
    return f"{_ns(obj)}/{obj['metadata']['name']}"


def _fields(hop: Any) -> Mapping[str, Any]:
    return hop.evidence[0].fields if hop is not None and hop.evidence else {}


def _host_of(walk: Any, *fields: Mapping[str, Any]) -> str:
    if walk.response is not None and getattr(walk.response, "host", None):
        return str(walk.response.host).split(":")[0]
    for f in fields:
        name = (f.get("authority") or "").split(":")[0] or f.get("requested_server_name")
        if name:
            return str(name)
    return ""


def _client_namespace(walk: Any) -> str:
    if walk.response is not None and getattr(walk.response, "namespace", None):
        return str(walk.response.namespace)
    client = walk.trace.hop(Component.CLIENT)
    return (client.namespace if client is not None else None) or "default"


def _covers(pattern: str, host: str) -> bool:
    pattern = pattern.split("/", 1)[-1].lower()
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return pattern == host


def _mode(walk: Any) -> str:
    try:
        cm = walk.lab.backend.get("configmaps", "istio", _ROOT)
    except Exception:
        return "ALLOW_ANY"
    from ingresslab.routing.egress import outbound_mode

    return outbound_mode(((cm or {}).get("data") or {}).get("mesh"))


def _service_entries_for(walk: Any, host: str) -> list[dict]:
    return [
        se
        for se in _list(walk, "serviceentries")
        if any(_covers(h, host) for h in se["spec"].get("hosts") or [])
    ]


def _egress_gateways_for(walk: Any, host: str) -> list[dict]:
    out = []
    for gw in walk.cluster.gateways:
        selector = (gw.get("spec") or {}).get("selector") or {}
        if any(selector.get(k) != v for k, v in _EGRESS_SELECTOR.items()):
            continue
        hosts = [h for s in gw["spec"].get("servers") or [] for h in s.get("hosts") or []]
        if host and any(_covers(h, host) for h in hosts):
            out.append(gw)
    return out


def _egress_gateways(walk: Any) -> list[dict]:
    return [
        gw
        for gw in walk.cluster.gateways
        if all(
            ((gw.get("spec") or {}).get("selector") or {}).get(k) == v for k, v in _EGRESS_SELECTOR.items()
        )
    ]


def _virtual_services_for(walk: Any, host: str) -> list[dict]:
    return [
        vs
        for vs in walk.cluster.virtualservices
        if any(_covers(h, host) for h in (vs.get("spec") or {}).get("hosts") or [])
    ]


def _subset_destinations(vs: dict) -> list[tuple[str, str, str]]:
    """(destination host as resolved, subset, the VirtualService's namespace) of every route naming a subset."""
    from ingresslab.routing.names import resolve_host

    out = []
    for kind in ("http", "tls", "tcp"):
        for entry in (vs.get("spec") or {}).get(kind) or []:
            for route in entry.get("route") or []:
                dest = route.get("destination") or {}
                if dest.get("subset"):
                    out.append((resolve_host(dest.get("host", ""), _ns(vs)), dest["subset"], _ns(vs)))
    return out


# -- the rules ------------------------------------------------------------------------------------------------
def _blocked(walk: Any, sidecar: Mapping[str, Any], host: str) -> Diagnosis:
    walk.checked.append("outboundTrafficPolicy and ServiceEntries")
    mode = _mode(walk)
    walk.clue("ConfigMap istio-system/istio", f"meshConfig.outboundTrafficPolicy.mode: {mode}")
    entries = _service_entries_for(walk, host)
    if entries:
        ports = [
            f"{p.get('number')}/{p.get('protocol')}" for se in entries for p in se["spec"].get("ports") or []
        ]
        walk.clue("ServiceEntry", f"{', '.join(_ref(se) for se in entries)} ports {', '.join(ports)}")
        where = "its ServiceEntry does not declare this port and protocol"
    else:
        walk.clue("ServiceEntries", f"none lists {host or 'this host'}")
        where = f"no ServiceEntry declares {host or 'this host'}"
    what = (
        "answered 502 itself (route block_all, direct_response)"
        if sidecar.get("route_name") == "block_all"
        or sidecar.get("response_code_details") == "direct_response"
        else "sent the connection to BlackHoleCluster (0 UH): curl's TLS handshake was cut (exit 35)"
    )
    port = 443 if sidecar.get("upstream_cluster") == "BlackHoleCluster" else 80
    protocol = "TLS" if port == 443 else "HTTP"
    return walk.done(
        "egress-blocked-registry-only",
        f"the client's sidecar {what}: the mesh allows only registered hosts (REGISTRY_ONLY) and {where}",
        "declare the host (or go back to ALLOW_ANY):\n"
        "kubectl apply -f - <<EOF\n"
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n"
        f"  name: {(host or 'external').replace('.', '-')}\nspec:\n  hosts:\n  - {host or 'HOST'}\n"
        f"  ports:\n  - number: {port}\n    name: {protocol.lower()}\n    protocol: {protocol}\n"
        "  resolution: DNS\n  location: MESH_EXTERNAL\nEOF",
    )


def _cluster_not_found(walk: Any, host: str) -> Diagnosis | None:
    walk.checked.append("VirtualServices and DestinationRules")
    client_ns = _client_namespace(walk)
    wanted = [d for vs in _virtual_services_for(walk, host) for d in _subset_destinations(vs)]
    for vs in _virtual_services_for(walk, host):
        walk.clue("VirtualService", f"{_ref(vs)} hosts {', '.join(vs['spec'].get('hosts') or [])}")
    if not wanted:
        return None
    from ingresslab.routing.names import resolve_host

    rules = _list(walk, "destinationrules")
    for dest_host, subset, _vs_ns in wanted:
        service_ns = dest_host.split(".")[1] if dest_host.endswith(".svc.cluster.local") else None
        same_host = [r for r in rules if resolve_host(r["spec"].get("host", ""), _ns(r)) == dest_host]
        visible = [r for r in same_host if _ns(r) in (client_ns, service_ns, _ROOT)]
        for r in same_host:
            names = [s.get("name") for s in r["spec"].get("subsets") or []]
            walk.clue("DestinationRule", f"{_ref(r)} host {r['spec'].get('host')} subsets {names or '[]'}")
        if any(subset in [s.get("name") for s in r["spec"].get("subsets") or []] for r in visible):
            continue
        elsewhere = [
            r
            for r in same_host
            if r not in visible and subset in [s.get("name") for s in r["spec"].get("subsets") or []]
        ]
        if elsewhere:
            r = elsewhere[0]
            return walk.done(
                "egress-destinationrule-wrong-namespace",
                f"the VirtualService routes {host} to subset {subset!r} of {dest_host}; DestinationRule {_ref(r)} "
                f"defines it, but in namespace {_ns(r)}, which a sidecar in {client_ns} does not read (istiod looks "
                f"in the client's namespace, the service's, then {_ROOT}): the sidecar has no cluster for the "
                "subset and answers 503 NC cluster_not_found",
                f"kubectl get destinationrule {r['metadata']['name']} -n {_ns(r)} -o yaml | "
                f"sed 's/namespace: {_ns(r)}/namespace: {client_ns}/' | kubectl apply -f -\n"
                f"kubectl delete destinationrule {r['metadata']['name']} -n {_ns(r)}",
            )
        known = sorted({s.get("name") for r in visible for s in r["spec"].get("subsets") or []} - {None})
        close = difflib.get_close_matches(subset, known, n=1)
        if visible:
            r = visible[0]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            summary = (
                f"the VirtualService routes {host} to subset {subset!r} of {dest_host}, but DestinationRule "
                f"{_ref(r)} defines only {known or 'no subsets'}{hint}: no such cluster, 503 NC cluster_not_found"
            )
            fix = (
                f"kubectl edit destinationrule {r['metadata']['name']} -n {_ns(r)}   # subsets: - name: {subset}"
                if not close
                else f"name the subset the same in both: the VirtualService asks for {subset!r}, the "
                f"DestinationRule {r['metadata']['name']} says {close[0]!r}"
            )
        else:
            summary = (
                f"the VirtualService routes {host} to subset {subset!r} of {dest_host}, but no DestinationRule "
                f"defines subsets for that host: the sidecar has no cluster "
                f"outbound|…|{subset}|{dest_host} and answers 503 NC cluster_not_found"
            )
            fix = (
                "kubectl apply -n " + client_ns + " -f - <<EOF\n"
                "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n"
                f"  name: egressgateway-for-{host.split('.')[-2] if host.count('.') else 'external'}\n"
                f"spec:\n  host: {dest_host}\n  subsets:\n  - name: {subset}\nEOF"
            )
        return walk.done("egress-subset-not-found", summary, fix)
    return None


def _gateway_no_route(walk: Any, host: str) -> Diagnosis:
    walk.checked.append("egress Gateways and VirtualServices")
    gateways = _egress_gateways(walk)
    for gw in gateways:
        hosts = [h for s in gw["spec"].get("servers") or [] for h in s.get("hosts") or []]
        walk.clue("Gateway", f"{_ref(gw)} (istio: egressgateway) hosts {', '.join(hosts)}")
    matching = _egress_gateways_for(walk, host)
    if not matching:
        first = gateways[0] if gateways else None
        return walk.done(
            "egress-gateway-hosts-mismatch",
            f"the egress gateway has no route for {host}: no Gateway selecting it lists that host"
            + (f" ({_ref(first)} lists others)" if first else "")
            + ", so its listener answers 404 NR route_not_found",
            (
                f"kubectl edit gateway {first['metadata']['name']} -n {_ns(first)}   # servers[].hosts: - {host}"
                if first
                else f"create a Gateway with selector istio: egressgateway and hosts [{host}]"
            ),
        )
    gw = matching[0]
    bound = [
        vs
        for vs in _virtual_services_for(walk, host)
        if gw["metadata"]["name"] in ((vs.get("spec") or {}).get("gateways") or [])
        or f"{_ns(gw)}/{gw['metadata']['name']}" in ((vs.get("spec") or {}).get("gateways") or [])
    ]
    for vs in _virtual_services_for(walk, host):
        walk.clue("VirtualService", f"{_ref(vs)} gateways {vs['spec'].get('gateways') or ['mesh']}")
    return walk.done(
        "gateway-without-virtualservice",
        f"Gateway {_ref(gw)} lists {host}, but "
        + (
            "no route of the bound VirtualService matches the gateway"
            if bound
            else "no VirtualService for the host is bound to it"
        )
        + ": the egress gateway answers 404 NR route_not_found",
        f"add `{gw['metadata']['name']}` to the VirtualService's gateways and a route matching "
        f"`gateways: [{gw['metadata']['name']}]` to {host}",
    )


def _bypassed(walk: Any, host: str, cluster: str) -> Diagnosis | None:
    gateways = _egress_gateways_for(walk, host)
    if not gateways:
        return None
    walk.checked.append("egress Gateways and VirtualServices")
    gw = gateways[0]
    walk.clue("Gateway", f"{_ref(gw)} (istio: egressgateway) lists {host}")
    vss = _virtual_services_for(walk, host)
    for vs in vss:
        walk.clue("VirtualService", f"{_ref(vs)} gateways {vs['spec'].get('gateways') or ['mesh']}")
    walk.clue("trace", "no egress gateway line carries this request id")
    name = vss[0]["metadata"]["name"] if vss else "direct-cnn-through-egress-gateway"
    return walk.done(
        "egress-gateway-bypassed",
        f"the client's sidecar sent {host} straight out (cluster {cluster}) although Gateway {_ref(gw)} is set up "
        "for it: no VirtualService route for the sidecars (gateways `mesh`) sends it to the egress gateway, so "
        "the gateway's policy and log never see it",
        f"kubectl edit virtualservice {name}   # gateways: [{gw['metadata']['name']}, mesh]; "
        f"an http route matching gateways [mesh] → {_EGRESS_HOST} (subset cnn, port 80), and one matching "
        f"gateways [{gw['metadata']['name']}] → {host}",
    )


def _egress(walk: Any) -> Diagnosis | None:
    sidecar_hop = walk.trace.hop(Component.SIDECAR)
    gateway_hop = walk.trace.hop(Component.ISTIO_EGRESSGATEWAY)
    sidecar, gateway = _fields(sidecar_hop), _fields(gateway_hop)
    walk.clues[:] = [c for c in walk.clues if c.text.strip()]
    seen = {c.text for c in walk.clues}
    for hop in (sidecar_hop, gateway_hop):
        if hop is not None and hop.evidence and hop.evidence[0].raw not in seen:
            walk.clue(hop.evidence[0].source, hop.evidence[0].raw)
    host = _host_of(walk, sidecar, gateway)
    if not sidecar and not gateway:
        return None
    flags = sidecar.get("response_flags") or []
    if (
        sidecar.get("route_name") == "block_all"
        or sidecar.get("upstream_cluster") == "BlackHoleCluster"
        or (sidecar.get("response_code_details") == "direct_response" and sidecar.get("response_code") == 502)
    ):
        return _blocked(walk, sidecar, host)
    if "NC" in flags:
        return _cluster_not_found(walk, host)
    gw_flags = gateway.get("response_flags") or []
    if "NR" in gw_flags:
        return _gateway_no_route(walk, host)
    if "NC" in gw_flags:
        return _cluster_not_found(walk, host)
    cluster = str(sidecar.get("upstream_cluster") or "")
    decoded = decode_istio_cluster(cluster) if cluster else None
    if not gateway and decoded is not None and decoded.host == host:
        found = _bypassed(walk, host, cluster)
        if found is not None:
            return found
    status = walk.trace.status
    if walk.trace.stopped is None and status is not None and 0 < status < 500:
        via = "the egress gateway" if gateway else f"cluster {cluster or '-'}"
        return walk.done(
            None,
            f"{host}{walk.path} from pod {(walk.trace.hop(Component.CLIENT) or sidecar_hop).pod} answered {status} "
            f"through {via}: every hop is where the ServiceEntries, VirtualServices and Gateways say it should be",
        )
    if walk.trace.stopped is None and not flags and status in (0, None):
        return walk.done(None, f"the TLS connection to {host} went through ({cluster or 'passthrough'})")
    return None


def egress_rules(walk: Any, fields: Mapping[str, Any]) -> Diagnosis | None:
    """The egress gateway logged the request: read both proxies' lines."""
    return _egress(walk)


def egress_unreached(walk: Any) -> Diagnosis | None:
    """No egress gateway line: the client's sidecar line (if any) says why (block_all, BlackHole, NC, bypass)."""
    found = _egress(walk)
    if found is not None:
        return found
    client_pod = getattr(walk.response, "from_pod", None)
    if walk.trace.hop(Component.SIDECAR) is None and client_pod:
        walk.clue("trace", f"no sidecar line for this request: is pod {client_pod} injected (READY 2/2)?")
    return None
