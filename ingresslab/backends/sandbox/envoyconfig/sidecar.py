"""A sidecar's listeners and routes: `virtualOutbound` (15001), `virtualInbound` (15006), one outbound
listener per Service port, and the route configurations they use.

Facts modelled (Istio 1.23 sidecar config, no Sidecar resource, outbound policy ALLOW_ANY):
- iptables sends every outbound connection to 15001, whose `use_original_dst` hands it to the listener for
  the original destination; unmatched traffic leaves through `PassthroughCluster`, traffic aimed at 15001
  itself is dropped (`BlackHoleCluster`).
- HTTP Service ports share one listener `0.0.0.0_<port>` whose HTTP chain (plain text, HTTP/1.1 or h2c)
  takes routes from RDS `<port>`: one virtual host per Service on that port, named `<fqdn>:<port>` with the
  names a client may use (`dest-svc-v1`, `dest-svc-v1.application`, ..., the ClusterIP, each also with
  `:<port>`), plus `allow_any` to `PassthroughCluster`; other traffic on the port passes through.
- TCP/TLS ports get a listener on `<ClusterIP>_<port>` proxying to the Service's cluster; ports whose
  protocol is sniffed add an HTTP chain with RDS `<fqdn>:<port>`.
- Inbound, for each port a Service selecting the pod targets: an mTLS chain (ALPN `istio-http/*`) and a
  plain-text chain matching `<pod IP>/32:<port>`, both routing to `inbound|<port>||`, which the proxy sends
  to the app from 127.0.0.6.
"""

from __future__ import annotations

from typing import NamedTuple

from ingresslab.backends.sandbox.envoyconfig.gateway import RETRY_POLICY, ordered_route
from ingresslab.backends.sandbox.envoyconfig.mesh import HTTP_PROTOCOLS, MeshPort, port_protocol
from ingresslab.proxyconfig import builders as b

__all__ = [
    "InboundPort",
    "inbound_ports",
    "inbound_resources",
    "outbound_resources",
    "service_domains",
    "virtual_outbound",
]

_MTLS_ALPN = ["istio-http/1.0", "istio-http/1.1", "istio-h2"]
_TCP_MTLS_ALPN = ["istio-peer-exchange", "istio"]
_HTTP_ALPN = ["http/1.1", "h2c"]


def service_domains(port: MeshPort, client_namespace: str) -> list[str]:
    """The names a client in `client_namespace` may use for this Service, each bare and with `:<port>`."""
    hosts = [port.fqdn]
    if port.namespace == client_namespace:
        hosts.append(port.name)
    hosts += [f"{port.name}.{port.namespace}.svc", f"{port.name}.{port.namespace}"]
    if port.cluster_ip and not port.headless:
        hosts.append(port.cluster_ip)
    return [d for host in hosts for d in (host, f"{host}:{port.number}")]


def _default_route(cluster: str, fqdn: str, number: int) -> dict:
    out = b.route(prefix="/", name="default")
    out["route"] = {
        "cluster": cluster,
        "timeout": "0s",
        "retry_policy": dict(RETRY_POLICY),
        "max_grpc_timeout": "0s",
    }
    out["decorator"] = {"operation": f"{fqdn}:{number}/*"}
    return ordered_route(out)


def _allow_any() -> dict:
    route = b.route(prefix="/", name="allow_any")
    route["route"] = {"cluster": "PassthroughCluster", "timeout": "0s", "max_grpc_timeout": "0s"}
    return b.virtual_host("allow_any", ["*"], [ordered_route(route)], include_request_attempt_count=True)


def _outbound_listener(name: str, address: str, port: int, chains: list[dict]) -> dict:
    return b.listener(name, address, port, chains, traffic_direction="OUTBOUND", bind_to_port=False)


def outbound_resources(ports: list[MeshPort], namespace: str) -> tuple[list[dict], list[dict]]:
    """(per-port outbound listeners, their RDS route configurations) for a sidecar in `namespace`."""
    listeners: list[dict] = []
    routes: list[dict] = []
    http_ports: dict[int, list[MeshPort]] = {}
    for port in ports:
        if port.protocol in HTTP_PROTOCOLS:
            http_ports.setdefault(port.number, []).append(port)
            continue
        if port.headless or port.discovery_type == "STRICT_DNS":
            continue  # reached through the wildcard listeners / DNS, not a VIP of their own
        cluster = port.key().name
        name = f"{port.cluster_ip}_{port.number}"
        tcp = b.filter_chain([b.tcp_proxy(cluster, stat_prefix=cluster)])
        if port.protocol == "AUTO":
            rds = f"{port.fqdn}:{port.number}"
            http = b.filter_chain(
                [b.http_connection_manager(rds=rds, stat_prefix=f"outbound_{port.cluster_ip}_{port.number}")],
                match=b.chain_match(application_protocols=_HTTP_ALPN),
            )
            listeners.append(_outbound_listener(name, port.cluster_ip, port.number, [http, tcp]))
            vhost = b.virtual_host(
                rds,
                ["*"],
                [_default_route(cluster, port.fqdn, port.number)],
                include_request_attempt_count=True,
            )
            routes.append(b.route_configuration(rds, [vhost]))
        else:
            listeners.append(_outbound_listener(name, port.cluster_ip, port.number, [tcp]))
    for number in sorted(http_ports):
        rds = str(number)
        passthrough = b.filter_chain([b.tcp_proxy("PassthroughCluster")])
        http = b.filter_chain(
            [b.http_connection_manager(rds=rds, stat_prefix=f"outbound_0.0.0.0_{number}")],
            match=b.chain_match(transport_protocol="raw_buffer", application_protocols=_HTTP_ALPN),
        )
        listeners.append(_outbound_listener(f"0.0.0.0_{number}", "0.0.0.0", number, [passthrough, http]))
        vhosts = [
            b.virtual_host(
                f"{p.fqdn}:{number}",
                service_domains(p, namespace),
                [_default_route(p.key().name, p.fqdn, number)],
                include_request_attempt_count=True,
            )
            for p in sorted(http_ports[number], key=lambda p: p.fqdn)
        ]
        routes.append(b.route_configuration(rds, [*vhosts, _allow_any()]))
    return listeners, routes


# -- inbound ------------------------------------------------------------------------------------------------
class InboundPort(NamedTuple):
    """A workload port some Service targets, with the Service port's protocol."""

    number: int
    protocol: str


def _target_port(service_port: dict, pod: dict) -> int | None:
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int) or str(target).isdigit():
        return int(target)
    for container in (pod.get("spec") or {}).get("containers") or []:
        for declared in container.get("ports") or []:
            if declared.get("name") == target:
                return int(declared["containerPort"])
    return None


def inbound_ports(cluster, pod: dict) -> list[InboundPort]:
    """The ports Services selecting this pod forward to, with their protocols (first Service wins)."""
    meta = pod["metadata"]
    labels = meta.get("labels") or {}
    found: dict[int, str] = {}
    for svc in cluster.list("services", meta.get("namespace") or "default"):
        selector = (svc.get("spec") or {}).get("selector") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            continue
        for service_port in svc["spec"].get("ports") or []:
            protocol = port_protocol(service_port)
            number = _target_port(service_port, pod)
            if protocol == "UDP" or number is None:
                continue
            found.setdefault(number, protocol)
    return [InboundPort(n, found[n]) for n in sorted(found)]


def _inbound_route(number: int, protocol: str) -> dict:
    cluster = f"inbound|{number}||"
    route = b.route(prefix="/", name="default")
    route["route"] = {"cluster": cluster, "timeout": "0s", "max_grpc_timeout": "0s"}
    route = ordered_route(route)
    kind = "http" if protocol in HTTP_PROTOCOLS or protocol == "AUTO" else protocol.lower()
    vhost = b.virtual_host(f"inbound|{kind}|{number}", ["*"], [route])
    return b.route_configuration(cluster, [vhost])


def inbound_resources(pod_ip: str, ports: list[InboundPort]) -> tuple[dict, list[dict]]:
    """(the virtualInbound listener, the inline route configurations its HTTP chains carry, one per chain)."""
    chains = [
        b.filter_chain(
            [b.tcp_proxy("BlackHoleCluster")],
            name="virtualInbound-blackhole",
            match=b.chain_match(destination_port=15006),
        )
    ]
    inline: list[dict] = []
    ranges = [(pod_ip, 32)]
    for port in ports:
        cluster = f"inbound|{port.number}||"
        http = port.protocol in HTTP_PROTOCOLS or port.protocol == "AUTO"
        for tls in (True, False):
            if http:
                route_config = _inbound_route(port.number, port.protocol)
                inline.append(route_config)
                network = b.http_connection_manager(route_config=route_config, stat_prefix=cluster)
            else:
                network = b.tcp_proxy(cluster, stat_prefix=cluster)
            match = b.chain_match(
                destination_port=port.number,
                prefix_ranges=ranges,
                transport_protocol="tls" if tls else "",
                application_protocols=(_MTLS_ALPN if http else _TCP_MTLS_ALPN) if tls else (),
            )
            chains.append(b.filter_chain([network], name=f"0.0.0.0_{port.number}", match=match))
    for transport in ("tls", "raw_buffer"):
        chains.append(
            b.filter_chain(
                [b.tcp_proxy("InboundPassthroughCluster")],
                name="virtualInbound",
                match=b.chain_match(transport_protocol=transport),
            )
        )
    listener = b.listener(
        "virtualInbound",
        "0.0.0.0",
        15006,
        chains,
        traffic_direction="INBOUND",
        use_original_dst=True,
        listener_filters=[
            {"name": "envoy.filters.listener.original_dst"},
            {"name": "envoy.filters.listener.tls_inspector"},
            {"name": "envoy.filters.listener.http_inspector"},
        ],
    )
    return listener, inline


def virtual_outbound() -> dict:
    return b.listener(
        "virtualOutbound",
        "0.0.0.0",
        15001,
        [
            b.filter_chain(
                [b.tcp_proxy("BlackHoleCluster")],
                name="virtualOutbound-blackhole",
                match=b.chain_match(destination_port=15001),
            )
        ],
        default_filter_chain=b.filter_chain(
            [b.tcp_proxy("PassthroughCluster")], name="PassthroughFilterChain"
        ),
        traffic_direction="OUTBOUND",
        use_original_dst=True,
    )
