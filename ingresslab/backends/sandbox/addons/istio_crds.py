"""The CustomResourceDefinitions of Istio 1.23's base chart (`crd-all.gen.yaml`), as compact descriptions.

Each entry keeps what discovery and `kubectl get` read from the real CRD — group, plural, kind, short names,
categories, versions in the file's order with the storage one, and `additionalPrinterColumns` — plus a subset
of the `openAPIV3Schema`: the top-level `spec` fields with their types, enums and required lists as the real
schema declares them. Below that level the sandbox does not spell the schema out, so those nested objects
keep unknown fields (`x-kubernetes-preserve-unknown-fields`) instead of being pruned.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ISTIO_CRDS", "IstioCrd", "crd_spec"]

_NETWORKING = ("v1", "v1alpha3", "v1beta1")  # v1beta1 is the storage version in 1.23


@dataclass(frozen=True)
class IstioCrd:
    plural: str
    group: str
    kind: str
    short_names: tuple[str, ...] = ()
    versions: tuple[str, ...] = _NETWORKING
    storage: str = "v1beta1"
    columns: tuple[tuple[str, str, str], ...] = ()  # (name, type, jsonPath)
    spec: tuple[tuple[str, str], ...] = ()  # (field, type), or (field, "enum:A|B") for string enums
    required: tuple[str, ...] = ()


_AGE = ("Age", "date", ".metadata.creationTimestamp")
_STRINGS = "array:string"

ISTIO_CRDS: tuple[IstioCrd, ...] = (
    IstioCrd("wasmplugins", "extensions.istio.io", "WasmPlugin", versions=("v1alpha1",), storage="v1alpha1",
             columns=(_AGE,)),
    IstioCrd(
        "destinationrules", "networking.istio.io", "DestinationRule", ("dr",),
        columns=(("Host", "string", ".spec.host"), _AGE),
        spec=(("exportTo", _STRINGS), ("host", "string"), ("subsets", "array:object"),
              ("trafficPolicy", "object"), ("workloadSelector", "object")),
        required=("host",),
    ),
    IstioCrd("envoyfilters", "networking.istio.io", "EnvoyFilter", versions=("v1alpha3",), storage="v1alpha3"),
    IstioCrd("gateways", "networking.istio.io", "Gateway", ("gw",),
             spec=(("selector", "map:string"), ("servers", "array:object"))),
    IstioCrd("proxyconfigs", "networking.istio.io", "ProxyConfig", versions=("v1beta1",)),
    IstioCrd(
        "serviceentries", "networking.istio.io", "ServiceEntry", ("se",),
        columns=(("Hosts", "string", ".spec.hosts"), ("Location", "string", ".spec.location"),
                 ("Resolution", "string", ".spec.resolution"), _AGE),
        spec=(("addresses", _STRINGS), ("endpoints", "array:object"), ("exportTo", _STRINGS),
              ("hosts", _STRINGS), ("location", "enum:MESH_EXTERNAL|MESH_INTERNAL"),
              ("ports", "array:object"), ("resolution", "enum:NONE|STATIC|DNS|DNS_ROUND_ROBIN"),
              ("subjectAltNames", _STRINGS), ("workloadSelector", "object")),
        required=("hosts",),
    ),
    IstioCrd("sidecars", "networking.istio.io", "Sidecar"),
    IstioCrd(
        "virtualservices", "networking.istio.io", "VirtualService", ("vs",),
        columns=(("Gateways", "string", ".spec.gateways"), ("Hosts", "string", ".spec.hosts"), _AGE),
        spec=(("exportTo", _STRINGS), ("gateways", _STRINGS), ("hosts", _STRINGS), ("http", "array:object"),
              ("tcp", "array:object"), ("tls", "array:object")),
    ),
    IstioCrd("workloadentries", "networking.istio.io", "WorkloadEntry", ("we",),
             columns=(_AGE, ("Address", "string", ".spec.address"))),
    IstioCrd("workloadgroups", "networking.istio.io", "WorkloadGroup", ("wg",), columns=(_AGE,)),
    IstioCrd("authorizationpolicies", "security.istio.io", "AuthorizationPolicy", ("ap",),
             versions=("v1", "v1beta1"), columns=(("Action", "string", ".spec.action"), _AGE)),
    IstioCrd("peerauthentications", "security.istio.io", "PeerAuthentication", ("pa",),
             versions=("v1", "v1beta1"), columns=(("Mode", "string", ".spec.mtls.mode"), _AGE)),
    IstioCrd("requestauthentications", "security.istio.io", "RequestAuthentication", ("ra",),
             versions=("v1", "v1beta1")),
    IstioCrd("telemetries", "telemetry.istio.io", "Telemetry", ("telemetry",), versions=("v1", "v1alpha1"),
             storage="v1alpha1", columns=(_AGE,)),
)  # fmt: skip


def _field_schema(kind: str) -> dict:
    if kind.startswith("enum:"):
        return {"type": "string", "enum": kind[5:].split("|")}
    if kind.startswith("array:"):
        return {"type": "array", "items": _field_schema(kind[6:])}
    if kind.startswith("map:"):
        return {"type": "object", "additionalProperties": _field_schema(kind[4:])}
    if kind == "object":
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return {"type": kind}


def _schema(crd: IstioCrd) -> dict:
    spec: dict = {"type": "object"}
    if crd.spec:
        spec["properties"] = {name: _field_schema(kind) for name, kind in crd.spec}
    else:
        spec["x-kubernetes-preserve-unknown-fields"] = True
    if crd.required:
        spec["required"] = list(crd.required)
    return {
        "type": "object",
        "properties": {
            "spec": spec,
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
    }


def crd_spec(crd: IstioCrd) -> dict:
    """The CRD's `spec`, shaped as the real one (scope, names, versions with columns, schema, status)."""
    names: dict = {
        "categories": ["istio-io", crd.group.split(".")[0] + "-istio-io"],
        "kind": crd.kind,
        "listKind": f"{crd.kind}List",
        "plural": crd.plural,
    }
    if crd.short_names:
        names["shortNames"] = list(crd.short_names)
    names["singular"] = crd.kind.lower()
    versions = []
    for name in crd.versions:
        version: dict = {}
        if crd.columns:
            version["additionalPrinterColumns"] = [
                {"jsonPath": path, "name": col, "type": kind} for col, kind, path in crd.columns
            ]
        version.update(
            name=name,
            schema={"openAPIV3Schema": _schema(crd)},
            served=True,
            storage=name == crd.storage,
            subresources={"status": {}},
        )
        versions.append(version)
    return {"group": crd.group, "names": names, "scope": "Namespaced", "versions": versions}
