"""Path matching for the three Ingress path types, as each controller reads them.

- Exact: the whole path, case-sensitively (`/foo` does not match `/foo/`).
- Prefix: by path element (`/foo` matches `/foo`, `/foo/`, `/foo/bar`, not `/foobar`; a trailing `/` in the
  rule is ignored). ingress-nginx and Istio both implement it that way (Istio as Envoy's
  `path_separated_prefix`).
- ImplementationSpecific: up to the controller. ingress-nginx writes a plain `location /foo`, an nginx string
  prefix, so `/foo` matches `/foobar`. Istio's Ingress conversion (`createFallbackStringMatch`) reads `/foo/*`
  and `/foo.*` as the prefix `/foo`, an empty path or `*`, `/*`, `.*` as match-all, anything else as Exact.
"""

from __future__ import annotations

from ingresslab.routing.model import RouteMatch

__all__ = [
    "EXACT",
    "IMPLEMENTATION_SPECIFIC",
    "PATH_TYPES",
    "PREFIX",
    "istio_string_match",
    "nginx_route_match",
    "path_matches",
    "uri_route_match",
]

EXACT = "Exact"
PREFIX = "Prefix"
IMPLEMENTATION_SPECIFIC = "ImplementationSpecific"
PATH_TYPES = (EXACT, PREFIX, IMPLEMENTATION_SPECIFIC)


def nginx_route_match(path_type: str, path: str) -> RouteMatch:
    """The match one Ingress path becomes in ingress-nginx's locations."""
    path = path or "/"
    if path_type == EXACT:
        return RouteMatch("exact", path)
    if path_type == PREFIX:
        base = path.rstrip("/")
        return RouteMatch("path_separated_prefix", base) if base else RouteMatch("prefix", "/")
    if path_type == IMPLEMENTATION_SPECIFIC:
        return RouteMatch("prefix", path)
    raise ValueError(f"unknown pathType {path_type!r}: expected one of {', '.join(PATH_TYPES)}")


def istio_string_match(path_type: str, path: str) -> dict | None:
    """The VirtualService `uri` match istiod writes for one Ingress path (None: match every path)."""
    if path_type == EXACT:
        return {"exact": path}
    if path_type == PREFIX:
        return {"prefix": path}
    if path_type != IMPLEMENTATION_SPECIFIC:
        raise ValueError(f"unknown pathType {path_type!r}: expected one of {', '.join(PATH_TYPES)}")
    if path in ("", "*", "/*", ".*"):
        return None
    if path.endswith("/*") or path.endswith(".*"):
        return {"prefix": path[:-2] or "/"}
    return {"exact": path}


def uri_route_match(uri: dict | None, *, ingress_semantics: bool) -> RouteMatch:
    """The Envoy match a VirtualService `uri` becomes (None: every path).

    With istiod's ingress route semantics (converted Ingresses), a prefix without a trailing `/` is matched
    by path element: Envoy's `path_separated_prefix`.
    """
    if not uri:
        return RouteMatch("prefix", "/")
    if "exact" in uri:
        return RouteMatch("exact", uri["exact"])
    if "regex" in uri:
        return RouteMatch("regex", uri["regex"])
    prefix = uri.get("prefix", "/")
    if ingress_semantics and prefix != "/" and not prefix.endswith("/"):
        return RouteMatch("path_separated_prefix", prefix)
    return RouteMatch("prefix", prefix)


def path_matches(path_type: str, rule_path: str, path: str, *, controller: str = "nginx") -> bool:
    """Whether one Ingress path matches a request path (query string ignored) for `controller`."""
    path = path.split("?", 1)[0] or "/"
    if controller == "istio":
        return uri_route_match(istio_string_match(path_type, rule_path), ingress_semantics=True).matches(path)
    return nginx_route_match(path_type, rule_path).matches(path)
