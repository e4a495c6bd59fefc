"""Service admission as the API server does it: defaults, ClusterIP and NodePort allocation and validation.

ClusterIPs are drawn at random from the upper band of the service CIDR (the lower 256 addresses are kept for
requested IPs, as Kubernetes ≥ 1.24 does); NodePorts at random from 30000–32767. Requested values are honoured
when free and in range, and rejected with the API server's own wording otherwise.
"""

from __future__ import annotations

import ipaddress

from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.backends.sandbox.topology import NODE_PORT_RANGE, SERVICE_CIDR
from ingresslab.errors import Invalid
from ingresslab.kube.resources import ResourceType

__all__: list[str] = []

_STATIC_BAND = 256


def _taken(cluster: Cluster, what: str, value: object, svc: dict) -> bool:
    """Whether another Service than `svc` holds this cluster IP or node port."""
    return any(not _same(other, svc) for other in cluster.store.service_using(what, value))


def _same(a: dict, b: dict | None) -> bool:
    return b is not None and (a["metadata"].get("namespace"), a["metadata"]["name"]) == (
        b["metadata"].get("namespace"),
        b["metadata"]["name"],
    )


def _invalid(svc: dict, detail: str) -> Invalid:
    return Invalid(f'Service "{svc["metadata"]["name"]}" is invalid: {detail}')


def service_admission(cluster: Cluster, rtype: ResourceType, svc: dict, old: dict | None) -> None:
    if rtype.kind != "Service":
        return
    spec = svc.setdefault("spec", {})
    old_spec = (old or {}).get("spec", {})
    spec.setdefault("type", "ClusterIP")
    svc_type = spec["type"]
    if svc_type not in ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"):
        raise _invalid(
            svc,
            f'spec.type: Unsupported value: "{svc_type}": supported values: "ClusterIP", "ExternalName", '
            '"LoadBalancer", "NodePort"',
        )
    spec.setdefault("sessionAffinity", "None")
    ports = spec.get("ports") or []
    if not ports and svc_type != "ExternalName" and spec.get("clusterIP") != "None":
        raise _invalid(svc, "spec.ports: Required value")
    for i, port in enumerate(ports):
        port.setdefault("protocol", "TCP")
        if "port" not in port:
            raise _invalid(svc, f"spec.ports[{i}].port: Required value")
        port.setdefault("targetPort", port["port"])
        if len(ports) > 1 and not port.get("name"):
            raise _invalid(svc, f"spec.ports[{i}].name: Required value")
    if svc_type == "ExternalName":
        return
    _assign_cluster_ip(cluster, svc, spec, old_spec)
    spec.setdefault("internalTrafficPolicy", "Cluster")
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    if svc_type in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
        _assign_node_ports(cluster, svc, ports, old_spec.get("ports") or [])
        if svc_type == "LoadBalancer":
            spec.setdefault("allocateLoadBalancerNodePorts", True)
    else:
        # dropTypeDependentFields: switching away from NodePort/LoadBalancer without touching the node ports
        # clears them (the allocator releases them) instead of failing validation.
        old_ports = old_spec.get("ports") or []
        unchanged = len(old_ports) == len(ports) and all(
            p.get("nodePort") == o.get("nodePort") for p, o in zip(ports, old_ports, strict=True)
        )
        if old_spec.get("type") in ("NodePort", "LoadBalancer") and unchanged:
            for port in ports:
                port.pop("nodePort", None)
        for port in ports:
            if port.get("nodePort"):
                raise _invalid(
                    svc,
                    f"spec.ports[{ports.index(port)}].nodePort: Forbidden: may not be used when `type` is "
                    "'ClusterIP'",
                )
        spec.pop("externalTrafficPolicy", None)
    svc.setdefault("status", {"loadBalancer": {}})


def _assign_cluster_ip(cluster: Cluster, svc: dict, spec: dict, old_spec: dict) -> None:
    requested = spec.get("clusterIP")
    if old_spec.get("clusterIP"):
        if requested and requested != old_spec["clusterIP"]:
            raise _invalid(
                svc, f'spec.clusterIPs[0]: Invalid value: []string{{"{requested}"}}: may not change once set'
            )
        spec["clusterIP"] = old_spec["clusterIP"]
    elif requested == "None":
        pass
    elif requested:
        try:
            address = ipaddress.ip_address(requested)
        except ValueError:
            raise _invalid(
                svc,
                f'spec.clusterIPs[0]: Invalid value: "{requested}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
            ) from None
        if address not in SERVICE_CIDR:
            raise _invalid(
                svc,
                f'spec.clusterIPs: Invalid value: []string{{"{requested}"}}: failed to allocate IP {requested}: '
                f"the provided IP ({requested}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}",
            )
        if _taken(cluster, "clusterIP", requested, svc):
            raise _invalid(
                svc,
                f'spec.clusterIPs: Invalid value: []string{{"{requested}"}}: failed to allocate IP {requested}: '
                "provided IP is already allocated",
            )
    else:
        base = int(SERVICE_CIDR.network_address)
        while True:
            ip = str(
                ipaddress.ip_address(
                    base + cluster.store.rng.randint(_STATIC_BAND, SERVICE_CIDR.num_addresses - 2)
                )
            )
            if not _taken(cluster, "clusterIP", ip, svc):
                break
        spec["clusterIP"] = ip
    spec["clusterIPs"] = [spec["clusterIP"]]


def _assign_node_ports(cluster: Cluster, svc: dict, ports: list[dict], old_ports: list[dict]) -> None:
    low, high = NODE_PORT_RANGE
    seen: set[int] = set()
    for i, port in enumerate(ports):
        requested = port.get("nodePort")
        if requested is None:
            # Keep what this port had before (kubectl apply does not send server-assigned NodePorts).
            for old in old_ports:
                if old.get("port") == port.get("port") and old.get("protocol", "TCP") == port["protocol"]:
                    requested = old.get("nodePort")
            if requested is None:
                while True:
                    candidate = cluster.store.rng.randint(low, high)
                    if candidate not in seen and not _taken(cluster, "nodePort", candidate, svc):
                        break
                port["nodePort"] = candidate
                seen.add(candidate)
                continue
        try:
            requested = int(requested)
        except (TypeError, ValueError):
            raise _invalid(
                svc, f"spec.ports[{i}].nodePort: Invalid value: {requested!r}: must be an integer"
            ) from None
        if not low <= requested <= high:
            raise _invalid(
                svc,
                f"spec.ports[{i}].nodePort: Invalid value: {requested}: provided port is not in the valid range. "
                f"The range of valid ports is {low}-{high}",
            )
        if requested in seen:
            raise _invalid(svc, f"spec.ports[{i}].nodePort: Duplicate value: {requested}")
        if _taken(cluster, "nodePort", requested, svc):
            raise _invalid(
                svc,
                f"spec.ports[{i}].nodePort: Invalid value: {requested}: provided port is already allocated",
            )
        port["nodePort"] = requested
        seen.add(requested)
