"""Ingress rule matching as ingress-nginx applies it (networking.k8s.io/v1 semantics), as pure functions.

- Which Ingresses the controller serves: class `nginx` by `spec.ingressClassName`, by the legacy
  `kubernetes.io/ingress.class` annotation, or — with neither — when the `nginx` IngressClass is the default.
- Servers by host: an exact host beats a wildcard; `*.example.com` is generated as the regex
  `~^(?<subdomain>[\\w-]+)\\.example\\.com$`, so it matches exactly one label; case-insensitive; the port in
  the Host header is ignored. No server → the controller's catch-all `_` server.
- Locations in a server: Exact matches the whole path; Prefix matches whole path elements (`/foo` matches
  `/foo` and `/foo/bar`, not `/foobar`; a trailing `/` is ignored); ImplementationSpecific is a plain string
  prefix (nginx's own `location /foo`). The longest path wins, Exact before Prefix at equal length. A server
  with no `/` rule sends everything else to the default backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "NGINX_CONTROLLER",
    "Location",
    "Match",
    "Server",
    "build_servers",
    "host_matches",
    "nginx_serves",
    "path_matches",
    "route",
    "select_server",
    "upstream_name",
]

NGINX_CONTROLLER = "k8s.io/ingress-nginx"
_LABEL = re.compile(r"^[\w-]+$")


def host_matches(pattern: str, host: str) -> bool:
    """Whether an Ingress host (maybe `*.suffix`) matches a request host (port ignored, any case)."""
    host = host.lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
    pattern = pattern.lower()
    if pattern.startswith("*."):
        suffix = pattern[1:]
        return host.endswith(suffix) and bool(_LABEL.match(host[: -len(suffix)]))
    return host == pattern


def path_matches(path_type: str, rule_path: str, path: str) -> bool:
    """Whether one Ingress path (type Exact/Prefix/ImplementationSpecific) matches a request path."""
    if path_type == "Exact":
        return path == rule_path
    if path_type == "Prefix":
        base = rule_path.rstrip("/")
        if not base:
            return path.startswith("/")
        return path == base or path.startswith(base + "/")
    return path.startswith(rule_path)  # ImplementationSpecific: nginx's plain prefix location


def upstream_name(namespace: str, service: str, port: dict) -> str:
    """ingress-nginx's upstream name: `<ns>-<svc>-<port name or number>` as the backend names the port."""
    key = port.get("name") if port.get("name") else port.get("number")
    return f"{namespace}-{service}-{key}"


def nginx_serves(ingress: dict, classes: list[dict]) -> bool:
    """Whether the ingress-nginx controller (class `nginx`) picks this Ingress up."""
    annotations = ingress.get("metadata", {}).get("annotations") or {}
    legacy = annotations.get("kubernetes.io/ingress.class")
    if legacy is not None:
        return legacy == "nginx"
    by_name = {c["metadata"]["name"]: c for c in classes}
    wanted = ingress.get("spec", {}).get("ingressClassName")
    if wanted is not None:
        cls = by_name.get(wanted)
        return cls is not None and cls.get("spec", {}).get("controller") == NGINX_CONTROLLER
    return any(
        c.get("spec", {}).get("controller") == NGINX_CONTROLLER
        and (c["metadata"].get("annotations") or {}).get("ingressclass.kubernetes.io/is-default-class")
        == "true"
        for c in classes
    )


@dataclass(frozen=True)
class Location:
    path: str
    path_type: str
    namespace: str
    service: str
    port: dict  # the Ingress backend's port: {"name": ...} or {"number": ...}
    ingress: str

    @property
    def upstream(self) -> str:
        return upstream_name(self.namespace, self.service, self.port)


@dataclass
class Server:
    """One nginx `server` block: a host (or `_`) and its locations."""

    host: str
    locations: list[Location] = field(default_factory=list)

    @property
    def wildcard(self) -> bool:
        return self.host.startswith("*.")


@dataclass(frozen=True)
class Match:
    server: Server
    location: Location | None  # None: the default backend answers


def _created(ing: dict) -> tuple:
    meta = ing["metadata"]
    return (meta.get("creationTimestamp") or "", meta.get("namespace") or "", meta["name"])


def build_servers(ingresses: list[dict]) -> list[Server]:
    """Servers as the controller generates them from the Ingresses it serves (oldest Ingress first)."""
    servers: dict[str, Server] = {}
    for ing in sorted(ingresses, key=_created):
        ns, name = ing["metadata"].get("namespace") or "default", ing["metadata"]["name"]
        for rule in ing.get("spec", {}).get("rules") or []:
            host = (rule.get("host") or "_").lower()
            server = servers.setdefault(host, Server(host))
            for p in (rule.get("http") or {}).get("paths") or []:
                svc = (p.get("backend") or {}).get("service")
                if not svc:
                    continue
                loc = Location(
                    p.get("path") or "/",
                    p.get("pathType") or "ImplementationSpecific",
                    ns,
                    svc["name"],
                    dict(svc.get("port") or {}),
                    name,
                )
                # The first Ingress to claim a host+path keeps it, as the controller does for duplicates.
                if not any(x.path == loc.path and x.path_type == loc.path_type for x in server.locations):
                    server.locations.append(loc)
    return list(servers.values())


def select_server(servers: list[Server], host: str) -> Server | None:
    """nginx's server_name choice: exact name first, then the wildcard (regex) servers in order."""
    bare = host.lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
    for server in servers:
        if not server.wildcard and server.host == bare:
            return server
    for server in servers:
        if server.wildcard and host_matches(server.host, bare):
            return server
    for server in servers:
        if server.host == "_":
            return server
    return None


def _rank(loc: Location) -> tuple[int, int]:
    return (len(loc.path.rstrip("/") or "/"), 1 if loc.path_type == "Exact" else 0)


def route(servers: list[Server], host: str, path: str) -> Match | None:
    """The location a request lands in; None when no server takes the host (the catch-all answers 404)."""
    server = select_server(servers, host)
    if server is None:
        return None
    hits = [loc for loc in server.locations if path_matches(loc.path_type, loc.path, path)]
    if not hits:
        return Match(server, None)
    return Match(server, max(hits, key=_rank))
