"""Regenerate ingresslab/kube/fielddocs.json.gz: the OpenAPI v3 schemas `kubectl explain` reads, for the built-in
kinds the sandbox explains, as the reference kube-apiserver v1.31 serves them (`/openapi/v3/<group-version>`).

    python tests/differential/gen_fielddocs.py --kubeconfig /path/to/reference/kubeconfig

Only the schemas reachable from the kinds in ROOTS are kept, and of each schema only the keys explain's template
reads (description, type, properties, required, items, additionalProperties, allOf, $ref, enum and the
x-kubernetes-group-version-kind of a top-level kind). Descriptions are kept as the API states them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "ingresslab" / "kube" / "fielddocs.json.gz"
GROUP_VERSIONS = ("api/v1", "apis/apps/v1", "apis/networking.k8s.io/v1", "apis/discovery.k8s.io/v1")
ROOTS = (
    "io.k8s.api.core.v1.Pod",
    "io.k8s.api.core.v1.Service",
    "io.k8s.api.core.v1.ConfigMap",
    "io.k8s.api.core.v1.Secret",
    "io.k8s.api.core.v1.Namespace",
    "io.k8s.api.core.v1.Endpoints",
    "io.k8s.api.core.v1.ServiceAccount",
    "io.k8s.api.core.v1.Node",
    "io.k8s.api.apps.v1.Deployment",
    "io.k8s.api.apps.v1.ReplicaSet",
    "io.k8s.api.networking.v1.Ingress",
    "io.k8s.api.networking.v1.IngressClass",
    "io.k8s.api.discovery.v1.EndpointSlice",
    # what a CRD's `metadata` refers to (in every group-version's document)
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
)
KEEP = {
    "description",
    "type",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "allOf",
    "$ref",
    "enum",
    "x-kubernetes-group-version-kind",
}


def _prune(schema):
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key not in KEEP:
            continue
        if key == "properties":
            out[key] = {name: _prune(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = _prune(value)
        elif key == "allOf":
            out[key] = [_prune(sub) for sub in value]
        else:
            out[key] = value
    return out


def _refs(value, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "$ref" and isinstance(sub, str):
                found.add(sub.rpartition("/")[2])
            else:
                _refs(sub, found)
    elif isinstance(value, list):
        for sub in value:
            _refs(sub, found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--kubectl", default="kubectl")
    args = parser.parse_args(argv)
    schemas: dict = {}
    for gv in GROUP_VERSIONS:
        raw = subprocess.run(
            [args.kubectl, "--kubeconfig", args.kubeconfig, "get", "--raw", f"/openapi/v3/{gv}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        schemas.update(json.loads(raw)["components"]["schemas"])
    seen: set[str] = set()
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        found: set[str] = set()
        _refs(schemas[name], found)
        todo += sorted(found)
    data = {name: _prune(schemas[name]) for name in sorted(seen)}
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"{OUT}: {len(data)} schemas, {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
