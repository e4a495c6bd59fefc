"""Does a kube context answer? A bounded check that `connect()` and `ingresslab doctor` use to pick a backend.

The whole check (loading credentials, connecting, one discovery request) runs in a daemon thread joined with
the timeout, so even a server that accepts connections and never answers cannot hold a notebook up.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ingresslab.backends.live.errors import ClusterUnreachable
from ingresslab.backends.live.kubeconfig import (
    IN_CLUSTER_CONTEXT,
    ContextInfo,
    KubeconfigError,
    find_kubeconfig_files,
    in_cluster_available,
    read_kubeconfig,
    server_host,
)
from ingresslab.backends.live.transport import ApiTransport, new_api_client
from ingresslab.errors import Forbidden, IngresslabError, Unauthorized

__all__ = ["ContextProbe", "probe_context"]

NO_KUBECONFIG_REASON = "no kubeconfig found (looked in $KUBECONFIG / ~/.kube/config)"


@dataclass(frozen=True, slots=True)
class ContextProbe:
    reachable: bool
    context: str | None
    server: str | None  # host:port only, never with credentials
    reason: str

    def __bool__(self) -> bool:
        return self.reachable


def _check(files: list[Path], info: ContextInfo, secrets: frozenset[str], timeout: float) -> tuple[bool, str]:
    host = server_host(info.server)
    try:
        api_client = new_api_client(tuple(files), info, secrets=secrets)
        transport = ApiTransport(api_client, context=info.name, host=host, secrets=secrets)
        # /api needs an authenticated user, so an answer here also proves the credentials work.
        transport.request("GET", "/api", timeout=(timeout, timeout))
    except ClusterUnreachable as exc:
        return False, f"context {info.name} unreachable: {exc.problem} ({host})"
    except Unauthorized:
        return (
            False,
            f"context {info.name} answered at {host} but rejected the credentials (401 Unauthorized)",
        )
    except Forbidden:
        return True, f"context {info.name} answered at {host} (discovery is forbidden to this user)"
    except IngresslabError as exc:
        return False, f"context {info.name} unusable: {exc}"
    return True, f"context {info.name} answered at {host}"


def probe_context(
    context: str | None = None,
    timeout: float = 2.0,
    *,
    kubeconfig: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> ContextProbe:
    """Whether `context` (default: the current one) answers within `timeout` seconds, and why not."""
    files = [Path(kubeconfig)] if kubeconfig else find_kubeconfig_files(environ, home)
    secrets: frozenset[str] = frozenset()
    if files:
        try:
            view = read_kubeconfig(files)
            info = view.context(context)
        except KubeconfigError as exc:
            return ContextProbe(False, context, None, str(exc))
        secrets = view.secrets
    elif in_cluster_available(environ):
        env = os.environ if environ is None else environ
        info = ContextInfo(
            IN_CLUSTER_CONTEXT,
            server=f"https://{env['KUBERNETES_SERVICE_HOST']}:{env.get('KUBERNETES_SERVICE_PORT', '443')}",
        )
    else:
        return ContextProbe(False, context, None, NO_KUBECONFIG_REASON)
    host = server_host(info.server)
    if not info.server:
        return ContextProbe(False, info.name, None, f"context {info.name} has no cluster server URL")

    outcome: list[tuple[bool, str]] = []
    worker = threading.Thread(
        target=lambda: outcome.append(_check(files, info, secrets, timeout)),
        name=f"ingresslab-probe-{info.name}",
        daemon=True,  # an abandoned probe must never keep the interpreter alive
    )
    worker.start()
    worker.join(timeout)
    if not outcome:
        return ContextProbe(
            False,
            info.name,
            host,
            f"context {info.name} unreachable: no answer from {host} within {timeout:g} s",
        )
    reachable, reason = outcome[0]
    return ContextProbe(reachable, info.name, host, reason)
