"""Finding kubeconfig files and reading their contexts without ever exposing the credentials in them.

kubectl merges every file named in `$KUBECONFIG` (first definition of a name wins) and falls back to
`~/.kube/config`; inside a pod it uses the service account. This module follows the same order and keeps
only names, server URLs and namespaces: tokens, keys and passwords never leave the kubernetes client.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from ingresslab.errors import IngresslabError

__all__ = [
    "IN_CLUSTER_CONTEXT",
    "ContextInfo",
    "KubeconfigError",
    "KubeconfigView",
    "find_kubeconfig_files",
    "in_cluster_available",
    "read_kubeconfig",
    "server_host",
]

IN_CLUSTER_CONTEXT = "in-cluster"
_SERVICE_ACCOUNT_TOKEN = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")


class KubeconfigError(IngresslabError):
    """No usable kubeconfig or context; the message says where we looked and what to do."""


@dataclass(frozen=True, slots=True)
class ContextInfo:
    """The harmless part of a kube context: enough to name it and to say where it points."""

    name: str
    cluster: str | None = None
    server: str | None = None
    namespace: str | None = None

    @property
    def host(self) -> str | None:
        return server_host(self.server)


@dataclass(frozen=True, slots=True)
class KubeconfigView:
    files: tuple[Path, ...]
    current_context: str | None
    contexts: Mapping[str, ContextInfo] = field(default_factory=dict)
    # Credential values, kept only so error messages can be scrubbed of them; never shown.
    secrets: frozenset[str] = field(default=frozenset(), repr=False)

    def context(self, name: str | None = None) -> ContextInfo:
        """The named context, or the current one; raises KubeconfigError with the names that exist."""
        wanted = name or self.current_context
        where = ", ".join(str(f) for f in self.files) or "(no files)"
        if wanted is None:
            raise KubeconfigError(
                f"no current context is set in {where}; pick one with `kubectl config use-context NAME` "
                f"(available: {', '.join(sorted(self.contexts)) or 'none'})"
            )
        if wanted not in self.contexts:
            raise KubeconfigError(
                f"context {wanted!r} is not defined in {where}; "
                f"available: {', '.join(sorted(self.contexts)) or 'none'}"
            )
        return self.contexts[wanted]


def server_host(server: str | None) -> str | None:
    """`host:port` of an API server URL, dropping any user info so nothing secret is ever printed."""
    if not server:
        return None
    parts = urlsplit(server if "://" in server else f"//{server}")
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def find_kubeconfig_files(environ: Mapping[str, str] | None = None, home: Path | None = None) -> list[Path]:
    """Existing files named by `$KUBECONFIG` (path-separator list), else `~/.kube/config` if it exists."""
    env = os.environ if environ is None else environ
    listed = env.get("KUBECONFIG", "")
    if listed.strip():
        paths = [Path(p).expanduser() for p in listed.split(os.pathsep) if p.strip()]
    else:
        paths = [(home or Path.home()) / ".kube" / "config"]
    return [p for p in paths if p.is_file()]


def in_cluster_available(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(env.get("KUBERNETES_SERVICE_HOST")) and _SERVICE_ACCOUNT_TOKEN.is_file()


def _named(entries: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for entry in entries or []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out[entry["name"]] = entry
    return out


_SECRET_KEYS = frozenset(
    {"token", "password", "client-key-data", "client-certificate-data", "id-token", "refresh-token",
     "client-secret", "access-token"}
)  # fmt: skip


def _collect_secrets(value: Any, into: set[str], under_secret: bool = False) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            secret_key = under_secret or key in _SECRET_KEYS or key == "config"  # auth-provider config
            _collect_secrets(item, into, secret_key)
    elif isinstance(value, list):
        for item in value:
            _collect_secrets(item, into, under_secret)
    elif under_secret and isinstance(value, str) and value:
        into.add(value)


def read_kubeconfig(files: list[Path]) -> KubeconfigView:
    """Merge kubeconfig files as kubectl does: the first file to define a name or current-context wins."""
    contexts: dict[str, dict[str, Any]] = {}
    clusters: dict[str, dict[str, Any]] = {}
    current: str | None = None
    secrets: set[str] = set()
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            # Only the file name and error class: a YAML error's snippet could quote a token.
            raise KubeconfigError(
                f"cannot read kubeconfig {path}: {type(exc).__name__}; check that it is valid YAML"
            ) from None
        if not isinstance(data, dict):
            raise KubeconfigError(f"kubeconfig {path} is not a mapping; check that it is a kubeconfig file")
        for name, entry in _named(data.get("contexts")).items():
            contexts.setdefault(name, entry)
        for name, entry in _named(data.get("clusters")).items():
            clusters.setdefault(name, entry)
        for entry in _named(data.get("users")).values():
            _collect_secrets(entry.get("user"), secrets)
        if current is None and data.get("current-context"):
            current = str(data["current-context"])
    infos: dict[str, ContextInfo] = {}
    for name, entry in contexts.items():
        ctx = entry.get("context") or {}
        cluster_name = ctx.get("cluster")
        cluster = (clusters.get(cluster_name) or {}).get("cluster") or {}
        infos[name] = ContextInfo(
            name=name,
            cluster=cluster_name,
            server=cluster.get("server"),
            namespace=ctx.get("namespace"),
        )
    return KubeconfigView(
        files=tuple(files), current_context=current, contexts=infos, secrets=frozenset(secrets)
    )
