"""The one error the proxy-config reader and renderers raise on purpose."""

from __future__ import annotations

from ingresslab.errors import IngresslabError

__all__ = ["ProxyConfigError"]


class ProxyConfigError(IngresslabError, ValueError):
    """A config dump that cannot be read or rendered: says which file, where in the JSON, and what to do.

    `source` names the file (or "<data>"), `path` is a JSONPath-like location such as
    `configs[2].dynamic_active_clusters[0].cluster.name`.
    """

    def __init__(self, message: str, *, source: str | None = None, path: str | None = None) -> None:
        self.reason = message
        self.source = source
        self.path = path
        where = " ".join(part for part in (source, f"at {path}" if path else "") if part)
        super().__init__(f"{where}: {message}" if where else message)
