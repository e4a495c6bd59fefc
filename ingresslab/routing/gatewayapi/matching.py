"""HTTPRoute match semantics (gateway.networking.k8s.io/v1 HTTPRouteMatch) in the route model.

- path `Exact`: the whole path, case-sensitive (`/abc` is not `/abc/`); `PathPrefix`: by path element, a
  trailing `/` ignored (`/abc` matches `/abc`, `/abc/`, `/abc/def`, not `/abcd`) — Envoy's
  `path_separated_prefix`, except `/` which is a plain `prefix`; `RegularExpression`: a full, case-sensitive
  match (Istio hands it to Envoy's RE2).
- headers `Exact` / `RegularExpression` (names case-insensitive), `method` (exact), `queryParams`
  (`Exact` / `RegularExpression`, names case-sensitive).
- The criteria of one match are ANDed; the matches of one rule are ORed; a rule without matches has the
  API server's default, one `PathPrefix /` match (the CRD's `default`), and so does a match without a path.
"""

from __future__ import annotations

from ingresslab.routing.model import RouteMatch

__all__ = [
    "EXACT",
    "PATH_PREFIX",
    "REGULAR_EXPRESSION",
    "defaulted_match",
    "route_match",
    "rule_matches",
]

EXACT = "Exact"
PATH_PREFIX = "PathPrefix"
REGULAR_EXPRESSION = "RegularExpression"
_KIND = {EXACT: "exact", REGULAR_EXPRESSION: "regex"}


def defaulted_match(match: dict | None) -> dict:
    """One HTTPRouteMatch with the CRD defaults filled in (path PathPrefix `/`, header/query type Exact)."""
    match = dict(match or {})
    path = dict(match.get("path") or {})
    path.setdefault("type", PATH_PREFIX)
    path.setdefault("value", "/")
    match["path"] = path
    for key in ("headers", "queryParams"):
        if match.get(key):
            match[key] = [{"type": EXACT, **h} for h in match[key]]
    return match


def rule_matches(rule: dict) -> list[dict]:
    """A rule's matches, defaulted; a rule without matches has one (`PathPrefix /`)."""
    return [defaulted_match(m) for m in (rule.get("matches") or [{}])]


def route_match(match: dict) -> RouteMatch:
    """The Envoy route match one HTTPRouteMatch becomes (Istio's `createURIMatch` + gateway semantics)."""
    match = defaulted_match(match)
    path_type, value = match["path"]["type"], match["path"]["value"]
    if path_type == EXACT:
        kind = "exact"
    elif path_type == REGULAR_EXPRESSION:
        kind = "regex"
    elif path_type == PATH_PREFIX:
        if value != "/" and value.endswith("/"):
            value = value[:-1]  # "When specified, a trailing `/` is ignored."
        kind = "prefix" if value == "/" else "path_separated_prefix"
    else:
        raise ValueError(f"unknown path match type {path_type!r}")
    headers = tuple(
        sorted((h["name"].lower(), _KIND[h["type"]], h["value"]) for h in match.get("headers") or [])
    )
    query = tuple((q["name"], _KIND[q["type"]], q["value"]) for q in match.get("queryParams") or [])
    return RouteMatch(kind, value, headers, match.get("method"), query)
