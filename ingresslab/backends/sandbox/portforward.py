"""`kubectl port-forward`'s listeners on the learner's machine, kept in the sandbox's state.

Real kubectl listens on 127.0.0.1 and [::1] (or `--address`) until it is interrupted, and carries every
accepted connection through the API server to the kubelet, which dials `localhost:PORT` inside the pod's
network namespace: the pod sees the connection come from 127.0.0.1, and no Service, kube-proxy or sidecar
capture is on the way. A notebook cell has to finish, so the sandbox's command returns and its listeners stay
in `state.extra` while the pod they forward to exists; a sandbox reset clears them with the rest of the state.
When the pod is gone (deleted, replaced, not running), kubectl would have exited with `lost connection to
pod`: its listeners go, and a connection to them is refused.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from ingresslab.backends.sandbox.topology import HOST_IP

__all__ = [
    "Listener",
    "bind_error",
    "deliver",
    "forwards",
    "is_local_address",
    "lookup",
    "prune",
    "start",
]

_KEY = "portForwards"


@dataclass(frozen=True)
class Listener:
    address: str  # 127.0.0.1, ::1, 0.0.0.0, …
    port: int  # the local port
    namespace: str
    pod: str
    uid: str
    remote: int  # the pod's port
    pid: int

    def to_json(self) -> dict:
        return {
            "address": self.address,
            "port": self.port,
            "namespace": self.namespace,
            "pod": self.pod,
            "uid": self.uid,
            "remote": self.remote,
            "pid": self.pid,
        }

    @classmethod
    def from_json(cls, data: dict) -> Listener:
        return cls(
            str(data["address"]),
            int(data["port"]),
            str(data["namespace"]),
            str(data["pod"]),
            str(data.get("uid", "")),
            int(data["remote"]),
            int(data.get("pid", 0)),
        )


def _alive(cluster, listener: Listener) -> bool:
    pod = cluster.get("pods", listener.pod, listener.namespace)
    if pod is None or (listener.uid and pod["metadata"].get("uid") != listener.uid):
        return False
    return (pod.get("status") or {}).get("phase") == "Running" and not pod["metadata"].get(
        "deletionTimestamp"
    )


def forwards(cluster) -> list[Listener]:
    """Every listener recorded, alive or not."""
    return [Listener.from_json(x) for x in cluster.state.extra.get(_KEY) or []]


def prune(cluster) -> list[Listener]:
    """Drop the listeners of port-forwards whose pod is gone (kubectl has exited); returns the live ones."""
    every = forwards(cluster)
    live = [x for x in every if _alive(cluster, x)]
    if len(live) != len(every):
        _store(cluster, live)
    return live


def _store(cluster, listeners: list[Listener]) -> None:
    if listeners:
        cluster.state.extra[_KEY] = [x.to_json() for x in listeners]
    else:
        cluster.state.extra.pop(_KEY, None)


def _family(address: str) -> int:
    return ipaddress.ip_address(address).version


def _overlaps(a: str, b: str) -> bool:
    """Two binds of one port collide: same family and the same address, or either is the wildcard."""
    if _family(a) != _family(b):
        return False
    return a == b or ipaddress.ip_address(a).is_unspecified or ipaddress.ip_address(b).is_unspecified


def is_local_address(address: str) -> bool:
    """An address the learner's machine has: loopback, the wildcard, or its side of minikube's network."""
    ip = ipaddress.ip_address(address)
    return ip.is_loopback or ip.is_unspecified or address == HOST_IP


def bind_error(cluster, address: str, port: int) -> str | None:
    """Why `bind(address:port)` fails on the learner's machine (Go's wording after `bind: `), or None."""
    if not is_local_address(address):
        return "cannot assign requested address"
    if 0 < port < 1024:
        return "permission denied"  # the learner is not root (net.ipv4.ip_unprivileged_port_start=1024)
    if any(x.port == port and _overlaps(x.address, address) for x in prune(cluster)):
        return "address already in use"
    return None


def start(cluster, listeners: list[Listener]) -> None:
    _store(cluster, prune(cluster) + listeners)


def lookup(cluster, ip: str, port: int) -> Listener | None:
    """The port-forward listening where the learner's machine dials `ip:port`, if one does."""
    try:
        dialled = ipaddress.ip_address(ip)
    except ValueError:
        return None
    for x in forwards(cluster):
        if x.port != port or _family(x.address) != dialled.version:
            continue
        bound = ipaddress.ip_address(x.address)
        if bound == dialled or (bound.is_unspecified and is_local_address(ip)):
            return x
    return None


def deliver(cluster, listener: Listener, request, start_time: float, src_port: int):
    """One connection through the forward: into the pod's network namespace, to localhost:REMOTE.

    Real kubectl also prints `Handling connection for PORT` on its own stdout for each connection; the
    sandbox's command has already returned, so there is nowhere to print it.
    """
    from ingresslab.backends.sandbox.dataplane import net

    t = start_time + net.hop(cluster)
    if not _alive(cluster, listener):
        prune(cluster)
        return net.Result(None, "refused", t)  # kubectl exited: nothing listens on the port any more
    pod = cluster.get("pods", listener.pod, listener.namespace)
    loopback = "::1" if _family(listener.address) == 6 else "127.0.0.1"
    conn = net.Conn(loopback, src_port, loopback, listener.remote)
    # Traffic to localhost inside the pod is not captured by an Istio sidecar's iptables rules.
    result = net.deliver_pod(cluster, pod, conn, request, t + net.hop(cluster), capture=False)
    if result.response is None and result.error == "refused":
        # The kubelet's dial failed: kubectl accepted the connection, closes it empty and exits
        # (`error: lost connection to pod`), so its listeners are gone.
        _store(cluster, [x for x in forwards(cluster) if x.pid != listener.pid])
        return net.Result(None, "empty", result.end)
    return result
