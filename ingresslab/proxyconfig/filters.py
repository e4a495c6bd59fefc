"""istioctl's `--fqdn/--port/--subset/--direction`, `--address/--port/--type`, `--name` and
`--cluster/--address/--port/--status` filters, with the same (sometimes surprising) matching rules."""

from __future__ import annotations

from dataclasses import dataclass

from ingresslab.proxyconfig.describe import listener_type
from ingresslab.proxyconfig.model import Cluster, HostStatus, LbEndpoint, Listener, RouteConfig

__all__ = ["ClusterFilter", "EndpointFilter", "ListenerFilter", "RouteFilter"]


@dataclass(frozen=True)
class ClusterFilter:
    """ClusterFilter.Verify: substring matches on the whole cluster name; port as `|<port>|`."""

    fqdn: str = ""
    port: int = 0
    subset: str = ""
    direction: str = ""

    def verify(self, cluster: Cluster) -> bool:
        name = cluster.name
        if self.fqdn and self.fqdn not in name:
            return False
        if self.direction and self.direction not in name:
            return False
        if self.subset and self.subset not in name:
            return False
        return not (self.port and f"|{self.port}|" not in name)


@dataclass(frozen=True)
class ListenerFilter:
    """ListenerFilter.Verify: address (any of the listener's addresses, case-insensitive), port, type."""

    address: str = ""
    port: int = 0
    type: str = ""

    def verify(self, listener: Listener) -> bool:
        if self.address:
            addresses = [*listener.additional_addresses, listener.address]
            if not any(a.casefold() == self.address.casefold() for a in addresses):
                return False
        if self.port and listener.port != self.port:
            return False
        return not (self.type and listener_type(listener).casefold() != self.type.casefold())


@dataclass(frozen=True)
class RouteFilter:
    """RouteFilter.Verify: an exact route-configuration name."""

    name: str = ""

    def verify(self, route_config: RouteConfig) -> bool:
        return not (self.name and self.name != route_config.name)


@dataclass(frozen=True)
class EndpointFilter:
    """EndpointFilter.Verify for both endpoint sources.

    From `/clusters?format=json` the address is the bare IP; from the config dump's EDS section
    (`proxy-config all`) it is `ip:port`, so `--address` must be written that way there, as in istioctl.
    """

    address: str = ""
    port: int = 0
    cluster: str = ""
    status: str = ""

    def verify_host(self, host: HostStatus, cluster: str) -> bool:
        if self.address and host.address.casefold() != self.address.casefold():
            return False
        return self._rest(host.port, cluster, host.health_status)

    def verify_lb_endpoint(self, endpoint: LbEndpoint, cluster: str) -> bool:
        if self.address and not any(a.casefold() == self.address.casefold() for a in endpoint.addresses):
            return False
        return self._rest(endpoint.port, cluster, endpoint.health_status)

    def _rest(self, port: int, cluster: str, status: str) -> bool:
        if self.port and port != self.port:
            return False
        if self.cluster and cluster.casefold() != self.cluster.casefold():
            return False
        return not (self.status and status.casefold() != self.status.casefold())
