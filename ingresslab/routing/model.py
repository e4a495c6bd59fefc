"""One ordered route model, shaped like Envoy's RouteConfiguration, that every front end is expressed in.

    RouteConfiguration ─ virtual hosts (domains) ─ ordered routes (match → action)

A request picks one virtual host by its Host (exact beats wildcard; see `hosts.domain_rank`) and then the
*first* route in order whose match holds, as Envoy does. ingress-nginx fits the same shape: its `server`
blocks are virtual hosts and its `location`s are routes, sorted the way nginx would choose among them, with
the controller's default backend as each server's last route. Every route names the object it came from
(`Source`), so diagnose() and the evidence can point at the Ingress rule or VirtualService that decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from ingresslab.routing.hosts import SUFFIX_WILDCARD, domain_matches, domain_rank, normalize_host

__all__ = [
    "ClusterKey",
    "DefaultBackend",
    "Destination",
    "DirectResponse",
    "Listener",
    "QueryMatch",
    "Redirect",
    "Route",
    "RouteConfiguration",
    "RouteMatch",
    "Selection",
    "Source",
    "Upstream",
    "VirtualHost",
    "select",
]

HeaderMatch = tuple[str, str, str]  # (name, exact/prefix/regex, value)
QueryMatch = tuple[str, str, str]  # (name, exact/regex, value): Envoy's query_parameters


@dataclass(frozen=True, slots=True)
class Source:
    """The object a route came from: its kind, namespace/name, and where in it (rule and path index)."""

    kind: str  # "Ingress", "VirtualService", or "default-backend"
    name: str
    namespace: str = ""
    rule: int | None = None  # spec.rules[i] (Ingress) or spec.http[i] (VirtualService)
    path: int | None = None  # spec.rules[i].http.paths[j] (Ingress)

    @property
    def ref(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """Envoy's route match: `kind` is exact, prefix, path_separated_prefix or regex, plus header matchers."""

    kind: str
    value: str
    headers: tuple[HeaderMatch, ...] = ()
    method: str | None = None  # Envoy's `:method` header matcher (exact); None: any method
    query: tuple[QueryMatch, ...] = ()

    def matches(
        self,
        path: str,
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        method: str | None = None,
    ) -> bool:
        """Whether a request path (no query string) and its lowercase-keyed headers satisfy the match.

        `query` (first value per parameter) and `method` (default: the `:method` header, else GET) are only
        consulted by matches that constrain them.
        """
        if self.method is not None:
            got = method or (headers or {}).get(":method") or "GET"
            if got != self.method:
                return False
        if self.query and not all(_query_ok(q, query or {}) for q in self.query):
            return False
        if self.kind == "exact":
            ok = path == self.value
        elif self.kind == "prefix":
            ok = path.startswith(self.value)
        elif self.kind == "path_separated_prefix":
            ok = path == self.value or path.startswith(self.value.rstrip("/") + "/")
        elif self.kind == "regex":
            ok = re.fullmatch(self.value, path) is not None
        else:
            raise ValueError(f"unknown route match kind {self.kind!r}")
        return ok and all(_header_ok(h, headers or {}) for h in self.headers)

    @property
    def display(self) -> str:
        """As `istioctl proxy-config route` prints it."""
        if self.kind == "prefix":
            return f"{self.value}*"
        if self.kind == "path_separated_prefix":
            return f"PathPrefix:{self.value}"
        return self.value


def _query_ok(param: QueryMatch, query: dict[str, str]) -> bool:
    name, kind, value = param
    got = query.get(name)  # query parameter names are case-sensitive
    if got is None:
        return False
    if kind == "exact":
        return got == value
    return re.fullmatch(value, got) is not None


def _header_ok(header: HeaderMatch, headers: dict[str, str]) -> bool:
    name, kind, value = header
    got = headers.get(name.lower())
    if got is None:
        return False
    if kind == "exact":
        return got == value
    if kind == "prefix":
        return got.startswith(value)
    return re.fullmatch(value, got) is not None


@dataclass(frozen=True, slots=True)
class ClusterKey:
    """An Istio cluster name `direction|port|subset|host`."""

    direction: str
    port: int
    subset: str = ""
    host: str = ""

    @property
    def name(self) -> str:
        return f"{self.direction}|{self.port}|{self.subset}|{self.host}"

    @property
    def sni(self) -> str:
        """The SNI a client proxy sends on mTLS to this cluster's endpoints."""
        return f"{self.direction}_.{self.port}_.{self.subset}_.{self.host}"


@dataclass(frozen=True, slots=True)
class Upstream:
    """An ingress-nginx upstream: a Service port as the Ingress backend names it (by name or number)."""

    namespace: str
    service: str
    port_name: str = ""
    port_number: int | None = None

    @property
    def name(self) -> str:
        """ingress-nginx's upstream name `<ns>-<svc>-<port number or name>` (`upstreamName`: number first)."""
        return f"{self.namespace}-{self.service}-{self.port_number or self.port_name}"

    @property
    def port(self) -> dict:
        """The Ingress backend's port as written: `{"name": ...}` or `{"number": ...}`."""
        return {"number": self.port_number} if self.port_number else {"name": self.port_name}


@dataclass(frozen=True, slots=True)
class Destination:
    """A weighted cluster of a route action."""

    cluster: ClusterKey | Upstream
    weight: int = 100


@dataclass(frozen=True, slots=True)
class DirectResponse:
    status: int


@dataclass(frozen=True, slots=True)
class Redirect:
    location: str
    status: int = 301


@dataclass(frozen=True, slots=True)
class DefaultBackend:
    """ingress-nginx's catch-all: `upstream-default-backend`, its built-in 404 server on 127.0.0.1:8181."""

    upstream: str = "upstream-default-backend"
    address: str = "127.0.0.1:8181"
    status: int = 404


Action = tuple[Destination, ...] | DirectResponse | Redirect | DefaultBackend


@dataclass(frozen=True, slots=True)
class Route:
    """One ordered route: a match and what to do (clusters, a direct response, a redirect, the default backend).

    `virtual_service` is the `<name>.<namespace>` Envoy's metadata carries; `source` names the user's object.
    """

    match: RouteMatch
    destinations: tuple[Destination, ...] = ()
    name: str | None = None
    virtual_service: str | None = None
    direct_status: int | None = None
    default_backend: DefaultBackend | None = None
    redirect: Redirect | None = None
    source: Source | None = None
    timeout: float | None = None  # seconds (a VirtualService `timeout`); None: the proxy's default

    @property
    def action(self) -> Action:
        if self.default_backend is not None:
            return self.default_backend
        if self.redirect is not None:
            return self.redirect
        if self.direct_status is not None:
            return DirectResponse(self.direct_status)
        return self.destinations


@dataclass(frozen=True, slots=True)
class VirtualHost:
    name: str
    domains: tuple[str, ...]
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True, slots=True)
class RouteConfiguration:
    """Virtual hosts of one listener; `wildcard` says how `*.x` domains read (see `hosts`)."""

    name: str
    virtual_hosts: tuple[VirtualHost, ...] = ()
    wildcard: str = SUFFIX_WILDCARD
    strip_trailing_dot: bool = False


@dataclass(frozen=True, slots=True)
class Listener:
    port: int
    route_config: RouteConfiguration
    address: str = "0.0.0.0"

    @property
    def name(self) -> str:
        return f"{self.address}_{self.port}"


@dataclass(frozen=True, slots=True)
class Selection:
    """What a request chose: the virtual host (None: no domain matched) and the route (None: no route)."""

    virtual_host: VirtualHost | None
    route: Route | None


def select(
    config: RouteConfiguration,
    host: str,
    path: str,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> Selection:
    """The virtual host by domain precedence, then the first route in order that matches.

    A query string in `path` feeds query-parameter matches; `method` (default GET) feeds method matches.
    """
    bare = normalize_host(host, strip_trailing_dot=config.strip_trailing_dot)
    best: tuple[tuple[int, int], VirtualHost] | None = None
    for vh in config.virtual_hosts:
        for domain in vh.domains:
            if domain_matches(domain, bare, wildcard=config.wildcard):
                rank = domain_rank(domain)
                if best is None or rank > best[0]:
                    best = (rank, vh)
    if best is None:
        return Selection(None, None)
    path, _, raw_query = path.partition("?")
    path = path or "/"
    query: dict[str, str] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        query.setdefault(key, value)
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    vh = best[1]
    return Selection(vh, next((r for r in vh.routes if r.match.matches(path, lowered, query, method)), None))
