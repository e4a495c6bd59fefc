"""HTTPRoute precedence: the order in which the matches of all rules of all routes on one listener+host are tried.

The spec (gateway.networking.k8s.io/v1 HTTPRouteRule) orders, continuing on ties:
  1. path match type: Exact, then PathPrefix, then RegularExpression (Istio's `getURIRank`: 3/2/1);
  2. the longest path value (in characters; Istio compares the length for every type);
  3. a method match before none;
  4. the most header matches;
  5. the most query-param matches;
then the oldest route (creationTimestamp), then `namespace/name` alphabetically, then rule order, then match
order. Istio 1.23 (`sortConfigByCreationTime` + a stable `sortHTTPRoutes`) yields exactly this order: routes
are taken by (creationTimestamp, namespace, name) and each rule's matches in order, then stably sorted by 1–5.
"""

from __future__ import annotations

from ingresslab.routing.gatewayapi.matching import EXACT, PATH_PREFIX, REGULAR_EXPRESSION, defaulted_match

__all__ = ["match_key", "route_order_key"]

_RANK = {EXACT: 3, PATH_PREFIX: 2, REGULAR_EXPRESSION: 1}


def match_key(match: dict) -> tuple[int, int, int, int, int]:
    """Sort key of one HTTPRouteMatch (smaller sorts first): criteria 1–5 above."""
    match = defaulted_match(match)
    path_type, value = match["path"]["type"], match["path"]["value"]
    if path_type == PATH_PREFIX and value != "/" and value.endswith("/"):
        value = value[:-1]
    return (
        -_RANK.get(path_type, 0),
        -len(value),
        0 if match.get("method") else 1,
        -len(match.get("headers") or []),
        -len(match.get("queryParams") or []),
    )


def route_order_key(route: dict) -> tuple[str, str, str]:
    """The tie-breaker between routes: oldest first, then namespace, then name."""
    meta = route.get("metadata") or {}
    return (meta.get("creationTimestamp") or "", meta.get("namespace") or "default", meta.get("name") or "")
