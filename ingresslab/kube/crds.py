"""Kinds from CustomResourceDefinitions: what the API server starts serving when a CRD is created.

`resource_type(crd)` reads a CRD the way the apiextensions server does for discovery: group, served versions
(the preferred one first, by Kubernetes' version priority `v1 > v1beta1 > v1alpha3`), the storage version,
names (plural, singular, kind, short names, categories), scope, and the preferred version's
`additionalPrinterColumns` (an `Age` column when it declares none, as the server defaults it).
`kinds_with(crds)` is one cluster's discovery: the built-in kinds plus every CRD's kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ingresslab.kube.resources import RESOURCES, Kinds, PrinterColumn, ResourceType

__all__ = ["CRD_KEY", "kinds_with", "printer_columns", "resource_type", "version_order"]

CRD_KEY = "customresourcedefinitions.apiextensions.k8s.io"
"""The store key of CustomResourceDefinition objects."""

_AGE = PrinterColumn("Age", "date", ".metadata.creationTimestamp")
_KUBE_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_order(name: str) -> tuple:
    """Sort key of Kubernetes' version priority: GA, then beta, then alpha, newest first; others last."""
    m = _KUBE_VERSION.match(name)
    if not m:
        return (3, 0, 0, name)
    stage = {None: 0, "beta": 1, "alpha": 2}[m.group(2)]
    return (stage, -int(m.group(1)), -int(m.group(3) or 0), name)


def printer_columns(version: dict[str, Any]) -> tuple[PrinterColumn, ...]:
    """A CRD version's printer columns, defaulted to `Age` when it declares none."""
    columns = tuple(
        PrinterColumn(
            name=str(c.get("name", "")),
            type=str(c.get("type", "string")),
            json_path=str(c.get("jsonPath", "")),
            priority=int(c.get("priority") or 0),
            format=str(c.get("format") or ""),
            description=str(c.get("description") or ""),
        )
        for c in version.get("additionalPrinterColumns") or ()
        if isinstance(c, dict)
    )
    return columns or (_AGE,)


def _served(crd: dict[str, Any]) -> list[dict[str, Any]]:
    versions = [v for v in (crd.get("spec") or {}).get("versions") or () if isinstance(v, dict)]
    served = [v for v in versions if v.get("served") and v.get("name")]
    return sorted(served, key=lambda v: version_order(str(v["name"])))


def resource_type(crd: dict[str, Any]) -> ResourceType | None:
    """The kind a CRD defines, or None when it serves no version (then nothing is served)."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    served = _served(crd)
    if not served or not spec.get("group") or not names.get("plural") or not names.get("kind"):
        return None
    storage = next((v["name"] for v in (spec.get("versions") or ()) if v.get("storage")), served[0]["name"])
    return ResourceType(
        group=str(spec["group"]),
        version=str(served[0]["name"]),
        kind=str(names["kind"]),
        plural=str(names["plural"]),
        singular=str(names.get("singular") or names["kind"].lower()),
        namespaced=spec.get("scope", "Namespaced") != "Cluster",
        short_names=tuple(names.get("shortNames") or ()),
        other_versions=tuple(str(v["name"]) for v in served[1:]),
        categories=tuple(names.get("categories") or ()),
        storage_version=str(storage),
        printer_columns=printer_columns(served[0]),
    )


def kinds_with(crds: Iterable[dict[str, Any]]) -> Kinds:
    """One cluster's discovery: built-in kinds first, then each CRD's kind by group and plural."""
    custom: list[tuple[ResourceType, dict[str, Any]]] = []
    for crd in crds:
        rtype = resource_type(crd)
        if rtype is not None:
            custom.append((rtype, crd))
    custom.sort(key=lambda pair: (pair[0].group, pair[0].plural))
    schemas = {}
    for rtype, crd in custom:
        for v in _served(crd):
            schema = (v.get("schema") or {}).get("openAPIV3Schema")
            if isinstance(schema, dict):
                schemas[(rtype.key, str(v["name"]))] = schema
    return Kinds([*RESOURCES, *(r for r, _ in custom)], schemas)
