"""Istio cluster names: `outbound|7777||dest-svc-v1.application.svc.cluster.local` and its SNI twin.

istiod names every Envoy cluster it generates `direction|port|subset|host`. The client proxy sends the same
key joined by `_.` as the TLS SNI on mTLS, so a server-side sidecar logs it as REQUESTED_SERVER_NAME
(`outbound_.7777_._.dest-svc-v1.application.svc.cluster.local`); some Envoy builds prefixed `invalid:`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IstioCluster", "decode_istio_cluster"]

_DIRECTIONS = frozenset({"inbound", "outbound", "inbound-vip", "outbound-vip"})


@dataclass(frozen=True, slots=True)
class IstioCluster:
    """A decoded cluster key. `subset` and `host` are None when empty (`inbound|5678||` has neither).

    Before Istio 1.8 the inbound key was `inbound|<svcPort>|<portName>|<host>`; the port name then lands
    in `subset`, because the key has no other place for it.
    """

    direction: str
    port: int | None
    subset: str | None = None
    host: str | None = None

    @property
    def name(self) -> str:
        """The cluster name as Envoy's config and access log show it (`outbound|7777||host`)."""
        return "|".join((self.direction, _port(self.port), self.subset or "", self.host or ""))

    @property
    def sni(self) -> str:
        """The `_.`-joined form an Istio client proxy sends as SNI (`outbound_.7777_._.host`)."""
        return "_.".join((self.direction, _port(self.port), self.subset or "", self.host or ""))


def _port(port: int | None) -> str:
    return "" if port is None else str(port)


def decode_istio_cluster(name: str | None) -> IstioCluster | None:
    """Decode either form; None for names that are not a cluster key (`PassthroughCluster`, `-`, None)."""
    if not name or name == "-":
        return None
    if name.endswith(";"):
        name = name[:-1]  # Istio 1.23+ non-RAW %UPSTREAM_CLUSTER% appends one
    if name.startswith("invalid:"):
        name = name[len("invalid:") :]
    if "|" in name:
        parts = name.split("|", 3)
    elif "_." in name:
        parts = name.split("_.", 3)
    else:
        return None
    if len(parts) != 4 or parts[0] not in _DIRECTIONS:
        return None
    direction, port, subset, host = parts
    if port and not port.isdigit():
        return None
    return IstioCluster(direction, int(port) if port else None, subset or None, host or None)
