"""Field documentation for `kubectl explain`: OpenAPI v3 schemas as the API server serves them.

Built-in kinds read `fielddocs.json.gz`, the components a v1.31 kube-apiserver serves under `/openapi/v3/<gv>`
for the kinds a learner explains (Pod, Deployment, ReplicaSet, Service, Endpoints, EndpointSlice, Ingress,
IngressClass, ConfigMap, Secret, Namespace, ServiceAccount, Node) and everything they refer to, cut down to
the keys explain reads. It is regenerated from the reference cluster by tests/differential/gen_fielddocs.py.

A custom resource's schema is built from its CRD the way apiextensions-apiserver builds its OpenAPI v3: the
version's `openAPIV3Schema` with `apiVersion`, `kind` and `metadata` (a reference to ObjectMeta) set on it, and
the kind's group-version-kind; a version without a schema is a bare `object`.
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
from importlib import resources
from typing import Any

__all__ = ["REF_PREFIX", "builtin_schemas", "crd_schema", "definition_name"]

REF_PREFIX = "#/components/schemas/"
_OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

# apimachinery's TypeMeta and PartialObjectMetadata descriptions, as the CRD OpenAPI builder sets them.
_API_VERSION = (
    "APIVersion defines the versioned schema of this representation of an object. Servers should convert "
    "recognized schemas to the latest internal value, and may reject unrecognized values. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"
)
_KIND = (
    "Kind is a string value representing the REST resource this object represents. Servers may infer this "
    "from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"
)
_METADATA = (
    "Standard object's metadata. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)


@functools.cache
def builtin_schemas() -> dict[str, Any]:
    """Definition name → schema for the built-in kinds (read once; callers must not change it)."""
    data = resources.files("ingresslab.kube").joinpath("fielddocs.json.gz").read_bytes()
    return json.loads(gzip.decompress(data))


def definition_name(group: str, version: str, kind: str) -> str:
    """The name the CRD builder gives a kind's schema: the group reversed, then version and kind
    (`com.example.v1.Widget`, `io.istio.networking.v1.VirtualService`)."""
    return ".".join([*reversed(group.split(".")), version, kind])


def crd_schema(crd: dict[str, Any], version: str) -> dict[str, Any] | None:
    """The OpenAPI v3 schema of a CRD's kind at `version`, or None when the CRD does not serve it."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    found = next(
        (
            v
            for v in spec.get("versions") or ()
            if isinstance(v, dict) and v.get("name") == version and v.get("served")
        ),
        None,
    )
    if found is None:
        return None
    raw = ((found.get("schema") or {}).get("openAPIV3Schema")) or (
        (spec.get("validation") or {}).get("openAPIV3Schema")
    )
    if isinstance(raw, dict) and raw:
        schema = copy.deepcopy(raw)
        props = schema.setdefault("properties", {})
        props["metadata"] = {"description": _METADATA, "allOf": [{"$ref": REF_PREFIX + _OBJECT_META}]}
        props["apiVersion"] = {"description": _API_VERSION, "type": "string"}
        props["kind"] = {"description": _KIND, "type": "string"}
    else:
        schema = {"type": "object"}
    schema["x-kubernetes-group-version-kind"] = [
        {"group": spec.get("group", ""), "kind": names.get("kind", ""), "version": version}
    ]
    return schema
