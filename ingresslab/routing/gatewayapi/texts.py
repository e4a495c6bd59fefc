"""Per-implementation status texts: what each controller writes in condition messages.

The resolution (`resolution.py`) decides *what* holds — which reason, with which arguments — and a `Texts`
record decides how a controller words it. `ISTIO_TEXTS` are Istio 1.23's (pilot/pkg/config/kube/gateway:
conversion.go, conditions.go, gatewayclass.go, context.go); another controller (NGINX Gateway Fabric) plugs
in its own `Texts` with the same keys. Templates use `str.format` with the `Problem.args` of each key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ISTIO_TEXTS", "Texts", "go_quote", "human_join"]


def go_quote(s: str) -> str:
    """Go's `%q` for the plain strings status messages quote (a JSON string literal, no HTML escaping)."""
    return json.dumps(s, ensure_ascii=False)


def human_join(items: list[str]) -> str:
    """Istio's `humanReadableJoin`: `a`, `a and b`, `a, b, and c`."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


@dataclass(frozen=True, slots=True)
class Texts:
    """Condition messages of one implementation, keyed by the situation (see `ISTIO_TEXTS` for the keys)."""

    class_accepted: str
    gateway_accepted: str
    gateway_programmed: str  # no service assigned yet
    gateway_programmed_to: str  # {services}: `a:80 and b:80`
    gateway_partially_assigned: str  # {services}, {warnings}
    gateway_not_assigned: str  # {warnings}
    listener_ok: str
    listener_invalid_kinds: str
    route_accepted: str
    route_accepted_many: str  # {count}
    route_resolved: str
    # Problem key → template (args as in resolution.Problem)
    problems: Mapping[str, str] = field(default_factory=dict)

    def problem(self, key: str, args: tuple) -> str:
        template = self.problems.get(key)
        if template is None:
            return key
        return template.format(*args, q=[go_quote(str(a)) for a in args])


ISTIO_TEXTS = Texts(
    class_accepted="Handled by Istio controller",
    gateway_accepted="Resource accepted",
    gateway_programmed="Resource programmed",
    gateway_programmed_to="Resource programmed, assigned to service(s) {services}",
    gateway_partially_assigned=(
        "Assigned to service(s) {services}, but failed to assign to all requested addresses: {warnings}"
    ),
    gateway_not_assigned="Failed to assign to any requested addresses: {warnings}",
    listener_ok="No errors found",
    listener_invalid_kinds="Invalid route kinds",
    route_accepted="Route was valid",
    route_accepted_many="Route was valid, bound to {count} parents",
    route_resolved="All references resolved",
    problems={
        # parent (Accepted False)
        "port_not_found": "port {0} not found",
        "section_not_found": "sectionName {q[0]} not found",
        "namespace_not_allowed": (
            "hostnames matched parent hostname {q[0]}, but namespace {q[1]} is not allowed by the parent"
        ),
        "no_hostname": "no hostnames matched parent hostname {q[0]}",
        "kind_not_allowed": "kind {0} is not allowed",
        # backends (ResolvedRefs False)
        "ref_not_permitted": (
            "backendRef {0}/{1} not accessible to a {2} in namespace {q[3]} (missing a ReferenceGrant?)"
        ),
        "backend_not_found": "backend({0}) not found",
        "invalid_kind": "referencing unsupported backendRef: group {q[0]} kind {q[1]}",
        "port_required": "port is required in backendRef",
        "service_name_invalid": "serviceName invalid; the name of the Service must be used, not the hostname.",
        # gateway address warnings
        "address_pending": "address pending for hostname {q[0]}",
        "no_instances": "no instances found for hostname {q[0]}",
        "hostname_not_found": "hostname {q[0]} not found",
        "no_address": "Failed to assign to any requested addresses",
    },
)
