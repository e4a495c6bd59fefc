"""Namespaces (defaults, cascading deletion), object-name validation, and owner-reference garbage collection."""

from __future__ import annotations

import re

from ingresslab.backends.sandbox.cluster import Cluster, Event
from ingresslab.errors import Invalid
from ingresslab.kube.resources import ResourceType, resolve

__all__ = ["ROOT_CA", "owned_by"]

# minikube's CA as the root-ca-cert-publisher copies it into every namespace (a placeholder certificate body).
ROOT_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDBjCCAe6gAwIBAgIBATANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwptaW5pa3ViZUNBMB4XDTI0MDkxNDA4MzAwMFoX\n"
    "-----END CERTIFICATE-----\n"
)

_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# Kinds whose names must be DNS-1123 labels (at most 63 characters), not subdomains.
_LABEL_NAMED = {"Namespace", "Service"}


def validate_name(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    name = obj.get("metadata", {}).get("name", "")
    # apimachinery's IsDNS1123Label / IsDNS1123Subdomain messages, regex included.
    if rtype.kind in _LABEL_NAMED:
        ok, limit, what = _DNS1123_LABEL.match(name), 63, "RFC 1123 label"
        chars = " or '-'"
        example = "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?'"
    else:
        ok, limit, what = _DNS1123_SUBDOMAIN.match(name), 253, "RFC 1123 subdomain"
        chars = ", '-' or '.'"
        example = (
            "'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'"
        )
    if not ok or len(name) > limit:
        raise Invalid(
            f'{rtype.kind} "{name}" is invalid: metadata.name: Invalid value: "{name}": a lowercase {what} '
            f"must consist of lower case alphanumeric characters{chars}, and must start and end with "
            f"an alphanumeric character (e.g. {example})"
        )


def namespace_defaults(cluster: Cluster, rtype: ResourceType, obj: dict, old: dict | None) -> None:
    if rtype.kind != "Namespace":
        return
    name = obj["metadata"]["name"]
    obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj["status"] = (old or {}).get("status") or {"phase": "Active"}


def namespace_lifecycle(cluster: Cluster, event: Event) -> None:
    """A new namespace gets its `default` ServiceAccount; a deleted one takes its contents along."""
    verb, _, old, new = event
    if verb == "added" and new is not None:
        cluster.create(
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {"name": "default", "namespace": new["metadata"]["name"]},
            }
        )
        # The root-ca-cert-publisher controller: every namespace gets the cluster's CA for in-pod clients.
        cluster.create(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "kube-root-ca.crt", "namespace": new["metadata"]["name"]},
                "data": {"ca.crt": ROOT_CA},
            }
        )
        return
    if verb != "deleted" or old is None:
        return
    for rtype, obj in cluster.store.objects_in_namespace(old["metadata"]["name"]):
        cluster.delete(rtype, obj["metadata"]["name"], obj["metadata"].get("namespace"))


def owned_by(cluster: Cluster, owner: dict, kind: str | None = None) -> list[tuple[ResourceType, dict]]:
    """Objects whose ownerReferences name the owner's uid (optionally of one kind, e.g. "pods")."""
    found = cluster.store.owned(owner["metadata"].get("uid", ""))
    if kind is None:
        return found
    key = resolve(kind).key
    return [(rtype, obj) for rtype, obj in found if rtype.key == key]


def collect_garbage(cluster: Cluster, event: Event) -> None:
    # Every change is also a moment the kubelet looks at the clock (back-offs, probes): this hook sees them all.
    from ingresslab.backends.sandbox.controllers import kubelet

    kubelet.catch_up(cluster)
    verb, rtype, old, _ = event
    if verb != "deleted" or old is None or rtype.kind not in ("Deployment", "ReplicaSet", "Service", "Job"):
        return
    for owned_type, obj in owned_by(cluster, old):
        cluster.delete(owned_type, obj["metadata"]["name"], obj["metadata"].get("namespace"))
