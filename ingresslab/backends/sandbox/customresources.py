"""What the API server does for custom resources beyond storing them: schema checks and CRD deletion.

- `check(kinds, rtype, obj)`: on create/update of a custom resource, prune the fields its CRD's schema does
  not declare, fill in its `default`s and validate the rest (`kube.schema`, then list-map keys and the CEL
  rules `kube.crds` knows), raising `Invalid` with the server's message; a new object gets
  `metadata.generation` (bumped by the cluster when its spec changes); a CRD gets the status the server keeps;
- `drop_objects_of(cluster, crd)`: deleting a CRD deletes every object of its kind first (the server's
  finalizer), so nothing of an unserved kind is left behind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingresslab.errors import Invalid
from ingresslab.kube import schema
from ingresslab.kube.crds import CRD_KEY, apply_defaults, crd_status, resource_type, rule_errors
from ingresslab.kube.resources import Kinds, ResourceType

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.cluster import Cluster

__all__ = ["check", "drop_objects_of"]


def check(kinds: Kinds, rtype: ResourceType, obj: dict) -> None:
    """Prune and validate a custom resource in place against its version's schema (no-op for built-ins);
    a new one starts at `metadata.generation` 1, as every custom resource does."""
    if rtype.key == CRD_KEY:
        obj["status"] = crd_status(obj)  # the server's to write, whatever the manifest says
    if not rtype.custom:
        return
    obj.setdefault("metadata", {}).setdefault("generation", 1)
    version = str(obj.get("apiVersion", "")).rpartition("/")[2]
    found = kinds.schema(rtype, version)
    if found is None:
        return
    schema.prune(obj, found)
    apply_defaults(obj, found)
    errors = schema.validate(obj, found) or rule_errors(obj, found)
    if errors:
        name = (obj.get("metadata") or {}).get("name", "")
        raise Invalid(schema.invalid_message(rtype.kind, name, errors))


def drop_objects_of(cluster: Cluster, rtype: ResourceType, crd: dict) -> None:
    """Before a CRD goes, delete every object of the kind it defines (watchers hear of each)."""
    if rtype.key != CRD_KEY:
        return
    served = resource_type(crd)
    if served is None:
        return
    for obj in list(cluster.store.list(served)):
        meta = obj["metadata"]
        cluster.delete(served, meta["name"], meta.get("namespace"))
