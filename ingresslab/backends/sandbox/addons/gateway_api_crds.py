"""Gateway API's standard channel (gateway.networking.k8s.io), releases v1.1.0 and v1.6.1, as compact descriptions.

`standard_install(version)` gives the objects of that release's `standard-install.yaml` in the file's order (the
release script concatenates `config/crd/standard/gateway*.yaml`, so alphabetically by file name):
- v1.1.0: the CRDs of GatewayClass, Gateway, GRPCRoute, HTTPRoute and ReferenceGrant, nothing else;
- v1.6.1: BackendTLSPolicy, GatewayClass, Gateway, GRPCRoute, HTTPRoute, ListenerSet, ReferenceGrant, TCPRoute,
  TLSRoute, UDPRoute, then the ValidatingAdmissionPolicy `safe-upgrades.gateway.networking.k8s.io` and its binding.
`kustomize_build(version)` is what `kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=…"`
prints: the kustomization lists the same files (v1.1.0: the five CRDs), in its default (legacy) order.

Each CRD keeps what discovery, `kubectl get` and the API server read from the real one — names, short names,
the `gateway-api` category, scope, every version (served or not) with the storage one, printer columns, the
`status` default a new object shows before any controller acts — and a schema subset: the fields users write
(spec, listeners, parentRefs, rules, matches, backendRefs …) with types, enums, required lists and `default`s,
so the server's defaulting fills in what it fills in. Nested objects the subset does not spell out keep
unknown fields. A few of the CRDs' CEL rules (`x-kubernetes-validations`) are emulated; their predicates are
registered with `kube.crds` under the rule text written here (see `EMULATED_RULES`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from ingresslab.kube import bundled
from ingresslab.kube import crds as kube_crds

__all__ = [
    "EMULATED_RULES",
    "GROUP",
    "KUSTOMIZE_TARGET",
    "RELEASES",
    "RELEASE_URL",
    "GatewayApiCrd",
    "Release",
    "crd_object",
    "kustomize_build",
    "standard_install",
]

GROUP = "gateway.networking.k8s.io"


# -- schema building blocks --------------------------------------------------------------------------------
def _s(*, enum: tuple[str, ...] = (), default: str | None = None, max_len: int | None = None) -> dict:
    out: dict[str, Any] = {"type": "string"}
    if default is not None:
        out["default"] = default
    if enum:
        out["enum"] = list(enum)
    if max_len:
        out["maxLength"] = max_len
    return out


def _i(*, minimum: int | None = None, maximum: int | None = None, default: int | None = None) -> dict:
    out: dict[str, Any] = {"type": "integer", "format": "int32"}
    if default is not None:
        out["default"] = default
    if minimum is not None:
        out["minimum"] = minimum
    if maximum is not None:
        out["maximum"] = maximum
    return out


def _o(
    props: dict[str, dict],
    *,
    required: tuple[str, ...] = (),
    default: Any = None,
    open_: bool = False,
    rules: tuple[tuple[str, str], ...] = (),
) -> dict:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if default is not None:
        out["default"] = default
    if required:
        out["required"] = list(required)
    if open_:
        out["x-kubernetes-preserve-unknown-fields"] = True
    if rules:
        out["x-kubernetes-validations"] = [{"message": m, "rule": r} for r, m in rules]
    return out


def _a(
    items: dict,
    *,
    max_items: int | None = None,
    min_items: int | None = None,
    default: Any = None,
    map_keys: tuple[str, ...] = (),
    rules: tuple[tuple[str, str], ...] = (),
) -> dict:
    out: dict[str, Any] = {"type": "array", "items": items}
    if default is not None:
        out["default"] = default
    if max_items:
        out["maxItems"] = max_items
    if min_items:
        out["minItems"] = min_items
    if map_keys:
        out["x-kubernetes-list-map-keys"] = list(map_keys)
        out["x-kubernetes-list-type"] = "map"
    if rules:
        out["x-kubernetes-validations"] = [{"message": m, "rule": r} for r, m in rules]
    return out


_OPEN = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
_STRINGS16 = _a(_s(max_len=253), max_items=16)
_PORT = _i(minimum=1, maximum=65535)


# -- CEL rules the sandbox evaluates (rule text → predicate over the node the rule sits on) ----------------
_ABSOLUTE = "self.type in ['Exact', 'PathPrefix'] ? self.value.startsWith('/') : true"
_NO_DOUBLE_SLASH = "self.type in ['Exact', 'PathPrefix'] ? !self.value.contains('//') : true"
_UNIQUE_LISTENER_NAMES = "self.all(l1, self.exists_one(l2, l1.name == l2.name))"
_UNIQUE_LISTENER_TRIPLES = "self.all(l1, self.exists_one(l2, same port, protocol and hostname))"
_NO_TLS_FOR_PLAIN = "self.all(l, l.protocol in ['HTTP', 'TCP', 'UDP'] ? !has(l.tls) : true)"
_SERVICE_PORT = "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true"
_IMMUTABLE = "self == oldSelf"


def _prefix_path(node: Any) -> tuple[str, str] | None:
    if isinstance(node, dict) and node.get("type") in ("Exact", "PathPrefix"):
        value = node.get("value")
        if isinstance(value, str):
            return node["type"], value
    return None


def _absolute(node: Any) -> bool:
    found = _prefix_path(node)
    return found is None or found[1].startswith("/")


def _no_double_slash(node: Any) -> bool:
    found = _prefix_path(node)
    return found is None or "//" not in found[1]


def _unique(node: Any, key) -> bool:
    if not isinstance(node, list):
        return True
    keys = [key(item) for item in node if isinstance(item, dict)]
    return len(keys) == len(set(keys))


def _unique_names(node: Any) -> bool:
    return _unique(node, lambda item: item.get("name"))


def _unique_triples(node: Any) -> bool:
    return _unique(node, lambda item: (item.get("port"), item.get("protocol"), item.get("hostname")))


def _no_tls_for_plain(node: Any) -> bool:
    if not isinstance(node, list):
        return True
    return not any(
        isinstance(item, dict) and item.get("protocol") in ("HTTP", "TCP", "UDP") and "tls" in item
        for item in node
    )


def _service_port(node: Any) -> bool:
    if not isinstance(node, dict):
        return True
    if node.get("group", "") == "" and node.get("kind", "Service") == "Service":
        return "port" in node
    return True


EMULATED_RULES = {
    _ABSOLUTE: _absolute,
    _NO_DOUBLE_SLASH: _no_double_slash,
    _UNIQUE_LISTENER_NAMES: _unique_names,
    _UNIQUE_LISTENER_TRIPLES: _unique_triples,
    _NO_TLS_FOR_PLAIN: _no_tls_for_plain,
    _SERVICE_PORT: _service_port,
}
"""The CEL rules the sandbox evaluates, by the rule text its CRD descriptions carry. The real CRDs carry many more
(header names, filter combinations, hostnames' characters, …); those are declared nowhere here, so not checked."""

for _rule, _check in EMULATED_RULES.items():
    kube_crds.register_rule(_rule, _check)

_PATH_MODES = "when type one of ['Exact', 'PathPrefix']"


# -- the kinds' schemas --------------------------------------------------------------------------------------
def _parent_ref() -> dict:
    return _o(
        {
            "group": _s(default=GROUP, max_len=253),
            "kind": _s(default="Gateway", max_len=63),
            "name": _s(max_len=253),
            "namespace": _s(max_len=63),
            "port": _PORT,
            "sectionName": _s(max_len=253),
        },
        required=("name",),
    )


def _backend_ref() -> dict:
    return _o(
        {
            "filters": _a(_OPEN, max_items=16),
            "group": _s(default="", max_len=253),
            "kind": _s(default="Service", max_len=63),
            "name": _s(max_len=253),
            "namespace": _s(max_len=63),
            "port": _PORT,
            "weight": _i(minimum=0, maximum=1000000, default=1),
        },
        required=("name",),
        rules=((_SERVICE_PORT, "Must have port for Service reference"),),
    )


def _name_value(types: tuple[str, ...]) -> dict:
    return _o(
        {"name": _s(max_len=256), "type": _s(enum=types, default="Exact"), "value": _s(max_len=4096)},
        required=("name", "value"),
    )


_ROOT_PATH = {"type": "PathPrefix", "value": "/"}


def _http_route_spec(release: str, version: str = "") -> dict:
    path = _o(
        {
            "type": _s(enum=("Exact", "PathPrefix", "RegularExpression"), default="PathPrefix"),
            "value": _s(default="/", max_len=1024),
        },
        default=dict(_ROOT_PATH),
        rules=(
            (_ABSOLUTE, f"value must be an absolute path and start with '/' {_PATH_MODES}"),
            (_NO_DOUBLE_SLASH, f"must not contain '//' {_PATH_MODES}"),
        ),
    )
    match = _o(
        {
            "headers": _a(_name_value(("Exact", "RegularExpression")), max_items=16, map_keys=("name",)),
            "method": _s(
                enum=("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
            ),
            "path": path,
            "queryParams": _a(_name_value(("Exact", "RegularExpression")), max_items=16, map_keys=("name",)),
        }
    )
    rule_props = {
        "backendRefs": _a(_backend_ref(), max_items=16),
        "filters": _a(_OPEN, max_items=16),
        "matches": _a(
            match, max_items=8 if release == "v1.1.0" else 64, default=[{"path": dict(_ROOT_PATH)}]
        ),
    }
    if release != "v1.1.0":
        rule_props |= {"name": _s(max_len=253), "timeouts": _OPEN}
    return _o(
        {
            "hostnames": _STRINGS16,
            "parentRefs": _a(_parent_ref(), max_items=32),
            "rules": _a(
                _o(rule_props, open_=True),
                max_items=16,
                min_items=1 if release != "v1.1.0" else None,
                default=[{"matches": [{"path": dict(_ROOT_PATH)}]}],
            ),
        }
    )


def _grpc_route_spec(release: str, version: str = "") -> dict:
    return _o(
        {
            "hostnames": _STRINGS16,
            "parentRefs": _a(_parent_ref(), max_items=32),
            "rules": _a(_OPEN, max_items=16),
        }
    )


def _gateway_spec(release: str, version: str = "") -> dict:
    listener = _o(
        {
            "allowedRoutes": _o(
                {
                    "kinds": _a(
                        _o(
                            {"group": _s(default=GROUP, max_len=253), "kind": _s(max_len=63)},
                            required=("kind",),
                        ),
                        max_items=8,
                    ),
                    "namespaces": _o(
                        {"from": _s(enum=("All", "Selector", "Same"), default="Same"), "selector": _OPEN},
                        default={"from": "Same"},
                    ),
                },
                default={"namespaces": {"from": "Same"}},
            ),
            "hostname": _s(max_len=253),
            "name": _s(max_len=253),
            "port": _PORT,
            "protocol": _s(max_len=255),
            "tls": _o(
                {
                    "certificateRefs": _a(
                        _o(
                            {
                                "group": _s(default="", max_len=253),
                                "kind": _s(default="Secret", max_len=63),
                                "name": _s(max_len=253),
                                "namespace": _s(max_len=63),
                            },
                            required=("name",),
                        ),
                        max_items=64,
                    ),
                    "mode": _s(enum=("Terminate", "Passthrough"), default="Terminate"),
                    "options": {
                        "type": "object",
                        "additionalProperties": _s(max_len=4096),
                        "maxProperties": 16,
                    },
                },
                open_=True,
            ),
        },
        required=("name", "port", "protocol"),
    )
    props = {
        "addresses": _a(
            _o(
                {"type": _s(default="IPAddress", max_len=253), "value": _s(max_len=253)},
                required=("value",) if release == "v1.1.0" else (),
            ),
            max_items=16,
        ),
        "gatewayClassName": _s(max_len=253),
        "listeners": _a(
            listener,
            max_items=64,
            min_items=1,
            map_keys=("name",),
            rules=(
                (_NO_TLS_FOR_PLAIN, "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"),
                (_UNIQUE_LISTENER_NAMES, "Listener name must be unique within the Gateway"),
                (
                    _UNIQUE_LISTENER_TRIPLES,
                    "Combination of port, protocol and hostname must be unique for each listener",
                ),
            ),
        ),
    }
    if release != "v1.1.0":
        props |= {
            "allowedListeners": _o(
                {
                    "namespaces": _o(
                        {
                            "from": _s(enum=("All", "Selector", "Same", "None"), default="None"),
                            "selector": _OPEN,
                        },
                        default={"from": "None"},
                    )
                }
            ),
            "infrastructure": _OPEN,
            "tls": _OPEN,
        }
    return _o(props, required=("gatewayClassName", "listeners"))


def _gateway_class_spec(release: str, version: str = "") -> dict:
    return _o(
        {
            "controllerName": {
                **_s(max_len=253),
                "x-kubernetes-validations": [{"message": "Value is immutable", "rule": _IMMUTABLE}],
            },
            "description": _s(max_len=64),
            "parametersRef": _o(
                {
                    "group": _s(max_len=253),
                    "kind": _s(max_len=63),
                    "name": _s(max_len=253),
                    "namespace": _s(max_len=63),
                },
                required=("group", "kind", "name"),
            ),
        },
        required=("controllerName",),
    )


def _reference_grant_spec(release: str, version: str = "") -> dict:
    return _o(
        {
            "from": _a(
                _o(
                    {"group": _s(max_len=253), "kind": _s(max_len=63), "namespace": _s(max_len=63)},
                    required=("group", "kind", "namespace"),
                ),
                max_items=16,
                min_items=1,
            ),
            "to": _a(
                _o(
                    {"group": _s(max_len=253), "kind": _s(max_len=63), "name": _s(max_len=253)},
                    required=("group", "kind"),
                ),
                max_items=16,
                min_items=1,
            ),
        },
        required=("from", "to"),
    )


def _open_spec(required: tuple[str, ...], *, older: tuple[str, ...] | None = None, **fields_: dict):
    """A spec whose top-level fields are typed and whose nested objects keep unknown fields; `older` is the
    required list of the kind's v1alpha2 schema where it differs."""

    def spec(release: str, version: str = "") -> dict:
        wanted = older if older is not None and version == "v1alpha2" else required
        return _o(dict(sorted(fields_.items())), required=wanted)

    return spec


_ROUTE_SPEC = _open_spec(("rules",), parentRefs=_a(_parent_ref(), max_items=32), rules=_a(_OPEN, max_items=1))


# -- the CRDs -----------------------------------------------------------------------------------------------
_AGE = ("Age", "date", ".metadata.creationTimestamp", 0)
_ACCEPTED = ("Accepted", "string", '.status.conditions[?(@.type=="Accepted")].status', 0)
_PROGRAMMED = ("Programmed", "string", '.status.conditions[?(@.type=="Programmed")].status', 0)
_HOSTNAMES = ("Hostnames", "string", ".spec.hostnames", 0)


def _pending(*types: str, reason: str = "Pending") -> dict:
    return {
        "conditions": [
            {
                "lastTransitionTime": "1970-01-01T00:00:00Z",
                "message": "Waiting for controller",
                "reason": reason,
                "status": "Unknown",
                "type": t,
            }
            for t in types
        ]
    }


@dataclass(frozen=True)
class GatewayApiCrd:
    plural: str
    kind: str
    versions: tuple[tuple[str, bool, bool], ...]  # (name, served, storage) in the file's order
    spec: Any  # (release, version) → the spec's schema
    short_names: tuple[str, ...] = ()
    scope: str = "Namespaced"
    columns: tuple[tuple[str, str, str, int], ...] = (_AGE,)  # (name, type, jsonPath, priority)
    status_default: dict | None = None
    spec_required: bool = True  # the root schema requires `spec`
    status_subresource: bool = True  # else the versions say `subresources: {}`
    bare_versions: tuple[str, ...] = ()  # versions whose entry has no `subresources` at all

    @property
    def name(self) -> str:
        return f"{self.plural}.{GROUP}"


@dataclass(frozen=True)
class Release:
    version: str
    approval: str  # the `api-approved.kubernetes.io` annotation
    crds: tuple[GatewayApiCrd, ...]
    policy: bool = False  # ships the safe-upgrades ValidatingAdmissionPolicy (and its binding)
    status_stub: bool = False  # each CRD file ends with an empty `status:` (v1.1.0's do)
    kustomized: tuple[str, ...] = field(default=())  # plurals config/crd/kustomization.yaml lists


def _deprecated(version: str, kind: str, upgrade_to: str) -> dict:
    return {
        "deprecated": True,
        "deprecationWarning": f"The {version} version of {kind} has been deprecated and will be removed in a "
        f"future release of the API. Please upgrade to {upgrade_to}.",
    }


_GC_COLUMNS = (
    ("Controller", "string", ".spec.controllerName", 0),
    _ACCEPTED,
    _AGE,
    ("Description", "string", ".spec.description", 1),
)
_GTW_COLUMNS = (
    ("Class", "string", ".spec.gatewayClassName", 0),
    ("Address", "string", ".status.addresses[*].value", 0),
    _PROGRAMMED,
    _AGE,
)
_V1_V1BETA1 = (("v1", True, True), ("v1beta1", True, False))


def _release_v1_1_0() -> Release:
    return Release(
        "v1.1.0",
        "https://github.com/kubernetes-sigs/gateway-api/pull/2997",
        (
            GatewayApiCrd("gatewayclasses", "GatewayClass", _V1_V1BETA1, _gateway_class_spec, ("gc",), "Cluster",
                          _GC_COLUMNS, _pending("Accepted", reason="Waiting")),
            GatewayApiCrd("gateways", "Gateway", _V1_V1BETA1, _gateway_spec, ("gtw",), columns=_GTW_COLUMNS,
                          status_default=_pending("Accepted", "Programmed")),
            GatewayApiCrd("grpcroutes", "GRPCRoute", (("v1", True, True), ("v1alpha2", False, False)),
                          _grpc_route_spec, columns=(_HOSTNAMES, _AGE), spec_required=False,
                          bare_versions=("v1alpha2",)),
            GatewayApiCrd("httproutes", "HTTPRoute", _V1_V1BETA1, _http_route_spec, columns=(_HOSTNAMES, _AGE)),
            GatewayApiCrd("referencegrants", "ReferenceGrant", (("v1alpha2", False, False), ("v1beta1", True, True)),
                          _reference_grant_spec, ("refgrant",), spec_required=False, status_subresource=False),
        ),
        kustomized=("gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants"),
        status_stub=True,
    )  # fmt: skip


def _release_v1_6_1() -> Release:
    routes = (("v1", True, True), ("v1alpha2", False, False))
    return Release(
        "v1.6.1",
        "https://github.com/kubernetes-sigs/gateway-api/pull/4530",
        (
            GatewayApiCrd("backendtlspolicies", "BackendTLSPolicy", (("v1", True, True), ("v1alpha3", False, False)),
                          _open_spec(("targetRefs", "validation"), options={"type": "object", "additionalProperties": _s()},
                                     targetRefs=_a(_OPEN, max_items=16), validation=_OPEN),
                          ("btlspolicy",)),
            GatewayApiCrd("gatewayclasses", "GatewayClass", _V1_V1BETA1, _gateway_class_spec, ("gc",), "Cluster",
                          _GC_COLUMNS, _pending("Accepted")),
            GatewayApiCrd("gateways", "Gateway", _V1_V1BETA1, _gateway_spec, ("gtw",), columns=_GTW_COLUMNS,
                          status_default=_pending("Accepted", "Programmed")),
            GatewayApiCrd("grpcroutes", "GRPCRoute", (("v1", True, True),), _grpc_route_spec,
                          columns=(_HOSTNAMES, _AGE)),
            GatewayApiCrd("httproutes", "HTTPRoute", _V1_V1BETA1, _http_route_spec, columns=(_HOSTNAMES, _AGE)),
            GatewayApiCrd("listenersets", "ListenerSet", (("v1", True, True),),
                          _open_spec(("listeners", "parentRef"), listeners=_a(_OPEN, max_items=64), parentRef=_OPEN), ("lset",),
                          columns=(_ACCEPTED, _PROGRAMMED, _AGE), status_default=_pending("Accepted", "Programmed")),
            GatewayApiCrd("referencegrants", "ReferenceGrant", (("v1", True, False), ("v1beta1", True, True)),
                          _reference_grant_spec, ("refgrant",), status_subresource=False),
            GatewayApiCrd("tcproutes", "TCPRoute", routes, _ROUTE_SPEC),
            GatewayApiCrd("tlsroutes", "TLSRoute", (*routes, ("v1alpha3", False, False)),
                          _open_spec(("hostnames", "rules"), older=("rules",), hostnames=_a(_s(max_len=253), max_items=1024),
                                     parentRefs=_a(_parent_ref(), max_items=32), rules=_a(_OPEN, max_items=1))),
            GatewayApiCrd("udproutes", "UDPRoute", routes, _ROUTE_SPEC),
        ),
        policy=True,
        kustomized=("gatewayclasses", "gateways", "grpcroutes", "httproutes", "referencegrants",
                    "backendtlspolicies", "listenersets", "tcproutes", "tlsroutes", "udproutes"),
    )  # fmt: skip


RELEASES: dict[str, Release] = {r.version: r for r in (_release_v1_1_0(), _release_v1_6_1())}
"""The releases the sandbox carries, by tag."""


# -- objects ------------------------------------------------------------------------------------------------
def _annotations(release: Release, *, approved: bool = True) -> dict:
    out = {"api-approved.kubernetes.io": release.approval} if approved else {}
    out |= {
        "gateway.networking.k8s.io/bundle-version": release.version,
        "gateway.networking.k8s.io/channel": "standard",
    }
    return out


def _upgrade_target(crd: GatewayApiCrd) -> str:
    served = [v for v, s, _ in crd.versions if s]
    return "v1beta1" if crd.kind == "ReferenceGrant" and "v1" not in served else "v1"


def crd_object(release: Release, crd: GatewayApiCrd) -> dict:
    """One CustomResourceDefinition, shaped as the release's file (status stub included, as the files carry)."""
    versions = []
    for name, served, storage in crd.versions:
        root: dict[str, Any] = {
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object"},
                "spec": crd.spec(release.version, name),
            },
        }
        if crd.status_subresource or crd.status_default is not None:
            status: dict[str, Any] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
            if crd.status_default is not None:
                status["default"] = crd.status_default
            root["properties"]["status"] = status
        if crd.spec_required:
            root["required"] = ["spec"]
        version: dict[str, Any] = {}
        columns = (
            crd.columns
            if served or crd.kind in ("ReferenceGrant", "TCPRoute", "TLSRoute", "UDPRoute")
            else ()
        )
        if columns:
            version["additionalPrinterColumns"] = [
                {"jsonPath": path, "name": col, **({"priority": prio} if prio else {}), "type": kind}
                for col, kind, path, prio in columns
            ]
        if not served:
            version |= _deprecated(name, crd.kind, _upgrade_target(crd))
        version |= {"name": name, "schema": {"openAPIV3Schema": root}, "served": served, "storage": storage}
        if name not in crd.bare_versions:
            version["subresources"] = {"status": {}} if crd.status_subresource else {}
        versions.append(version)
    names: dict[str, Any] = {
        "categories": ["gateway-api"],
        "kind": crd.kind,
        "listKind": f"{crd.kind}List",
        "plural": crd.plural,
    }
    if crd.short_names:
        names["shortNames"] = list(crd.short_names)
    names["singular"] = crd.kind.lower()
    out = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"annotations": _annotations(release), "name": crd.name},
        "spec": {"group": GROUP, "names": names, "scope": crd.scope, "versions": versions},
    }
    if (
        release.status_stub
    ):  # older controller-gen wrote one; the server ignores it (kubectl's patch does not)
        out["status"] = {
            "acceptedNames": {"kind": "", "plural": ""},
            "conditions": None,
            "storedVersions": None,
        }
    return out


_POLICY = "safe-upgrades.gateway.networking.k8s.io"
_CRD_WRITES = {
    "apiGroups": ["apiextensions.k8s.io"],
    "apiVersions": ["v1"],
    "operations": ["CREATE", "UPDATE"],
}


def _policy_objects(release: Release) -> list[dict]:
    """The safe-upgrades policy (v1.5+): refuses experimental CRDs over standard ones and bundles before v1.5.0.
    The expressions here say that in short; the sandbox does not run admission policies."""
    policy = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"annotations": _annotations(release, approved=False), "name": _POLICY},
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {"resourceRules": [{**_CRD_WRITES, "resources": ["*"]}]},
            "validations": [
                {
                    "expression": "object.spec.group != 'gateway.networking.k8s.io' || oldObject == null || "
                    "<channel stays standard unless it was experimental>",
                    "message": "Installing experimental CRDs on top of standard channel CRDs is prohibited by "
                    f"default. Uninstall ValidatingAdmissionPolicy {_POLICY} to install experimental CRDs on "
                    "top of standard channel CRDs.",
                    "reason": "Invalid",
                },
                {
                    "expression": "object.spec.group != 'gateway.networking.k8s.io' || "
                    "<bundle-version is a release candidate or v1.5.0 or later>",
                    "message": "Installing CRDs with version before v1.5.0 is prohibited by default. Uninstall "
                    f"ValidatingAdmissionPolicy {_POLICY} to install older versions.",
                    "reason": "Invalid",
                },
            ],
        },
    }
    binding = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"annotations": _annotations(release, approved=False), "name": _POLICY},
        "spec": {
            "matchResources": {
                "resourceRules": [{**_CRD_WRITES, "resources": ["customresourcedefinitions"]}]
            },
            "policyName": _POLICY,
            "validationActions": ["Deny"],
        },
    }
    return [policy, binding]


def standard_install(version: str) -> list[dict]:
    """The objects of the release's `standard-install.yaml`, in the file's order."""
    release = RELEASES[version]
    crds = sorted(release.crds, key=lambda c: c.plural)  # the files, alphabetically
    return [*(crd_object(release, c) for c in crds), *(_policy_objects(release) if release.policy else [])]


def kustomize_build(version: str) -> list[dict]:
    """What `kubectl kustomize` builds from the release's config/crd: its CRDs sorted by name (kustomize's
    legacy order puts CRDs before kinds it does not rank, such as the admission policy and its binding)."""
    release = RELEASES[version]
    by_plural = {c.plural: c for c in release.crds}
    crds = sorted((by_plural[p] for p in release.kustomized), key=lambda c: c.name)
    return [*(crd_object(release, c) for c in crds), *(_policy_objects(release) if release.policy else [])]


RELEASE_URL = (
    "https://github.com/kubernetes-sigs/gateway-api/releases/download/{version}/standard-install.yaml"
)
KUSTOMIZE_TARGET = "github.com/kubernetes-sigs/gateway-api/config/crd?ref={version}"


def _register() -> None:
    for version in RELEASES:
        note = f"Gateway API {version}, standard channel"
        bundled.register_url(
            RELEASE_URL.format(version=version), partial(standard_install, version), note=note
        )
        bundled.register_kustomization(
            KUSTOMIZE_TARGET.format(version=version), partial(kustomize_build, version), note=note
        )


_register()
