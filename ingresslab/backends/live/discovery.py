"""Which URL serves a kind: ingresslab's resource table first, the API server's discovery for anything else.

The table covers every kind the tutorial uses, so most calls need no discovery at all. Custom resources the
table does not know (a learner's own CRD) are looked up once through `/api` and `/apis` and cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingresslab.backends.live.transport import ApiTransport
from ingresslab.errors import NotFound
from ingresslab.kube.resources import ResourceType, UnknownResourceType, resolve, resolve_kind

__all__ = ["ApiResource", "ResourceResolver"]


@dataclass(frozen=True, slots=True)
class ApiResource:
    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def base_path(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    def collection_path(self, namespace: str | None) -> str:
        """The list/create URL; namespace None on a namespaced kind means all namespaces."""
        if self.namespaced and namespace is not None:
            return f"{self.base_path}/namespaces/{namespace}/{self.plural}"
        return f"{self.base_path}/{self.plural}"

    def item_path(self, name: str, namespace: str | None, subresource: str | None = None) -> str:
        path = f"{self.collection_path(namespace)}/{name}"
        return f"{path}/{subresource}" if subresource else path

    @classmethod
    def from_table(cls, rtype: ResourceType, version: str | None = None) -> ApiResource:
        return cls(rtype.group, version or rtype.version, rtype.kind, rtype.plural, rtype.namespaced)


class ResourceResolver:
    """Resolves kinds for one cluster, caching what discovery tells it."""

    def __init__(self, transport: ApiTransport) -> None:
        self._transport = transport
        self._group_versions: dict[str, list[str]] = {}
        self._resource_lists: dict[str, list[dict[str, Any]]] = {}

    def for_object(self, api_version: str, kind: str) -> ApiResource:
        """The resource for a manifest's apiVersion/kind, in exactly the version the manifest asks for."""
        group, _, version = api_version.rpartition("/")
        try:
            return ApiResource.from_table(resolve_kind(api_version, kind), version)
        except UnknownResourceType:
            pass
        for entry in self._resources(group, version):
            if entry.get("kind") == kind and "/" not in entry.get("name", ""):
                return ApiResource(group, version, kind, entry["name"], bool(entry.get("namespaced")))
        raise NotFound(
            f'resource mapping not found for kind "{kind}" in version "{api_version}"; '
            "ensure CRDs are installed first (for Istio kinds: `istioctl install --set profile=demo -y`)"
        )

    def for_name(self, name: str) -> ApiResource:
        """The resource for what a learner types (`svc`, `gw`, `widgets.example.com`)."""
        try:
            rtype = resolve(name)
        except UnknownResourceType:
            return self._discover_name(name)
        if not rtype.other_versions:
            return ApiResource.from_table(rtype)
        # Kinds served in several versions (Istio's): use the first one this cluster actually serves.
        served = self._served_versions(rtype.group)
        version = next((v for v in rtype.versions if v in served), rtype.version)
        return ApiResource.from_table(rtype, version)

    # -- discovery ------------------------------------------------------------------------------------------

    def _served_versions(self, group: str) -> list[str]:
        if group not in self._group_versions:
            try:
                data = self._transport.request("GET", f"/apis/{group}")
            except NotFound:
                data = {}
            preferred = ((data or {}).get("preferredVersion") or {}).get("version")
            versions = [v.get("version") for v in (data or {}).get("versions") or []]
            self._group_versions[group] = [v for v in [preferred, *versions] if v]
        return self._group_versions[group]

    def _resources(self, group: str, version: str) -> list[dict[str, Any]]:
        key = f"{group}/{version}"
        if key not in self._resource_lists:
            path = f"/apis/{group}/{version}" if group else f"/api/{version}"
            try:
                data = self._transport.request("GET", path)
            except NotFound:
                data = {}
            self._resource_lists[key] = list((data or {}).get("resources") or [])
        return self._resource_lists[key]

    def _all_group_versions(self) -> list[tuple[str, str]]:
        pairs = [("", v) for v in (self._transport.request("GET", "/api") or {}).get("versions") or []]
        for group in (self._transport.request("GET", "/apis") or {}).get("groups") or []:
            preferred = (group.get("preferredVersion") or {}).get("version")
            if group.get("name") and preferred:
                pairs.append((group["name"], preferred))
        return pairs

    def _discover_name(self, name: str) -> ApiResource:
        wanted = name.lower()
        resource_name, _, group_hint = wanted.partition(".")
        if group_hint:
            pairs = [(group_hint, v) for v in self._served_versions(group_hint)[:1]]
        else:
            pairs = self._all_group_versions()
        for group, version in pairs:
            for entry in self._resources(group, version):
                if "/" in entry.get("name", ""):
                    continue  # a subresource such as pods/log
                names = {
                    entry.get("name", ""),
                    entry.get("singularName", ""),
                    entry.get("kind", "").lower(),
                    *entry.get("shortNames", []),
                }
                if resource_name in names:
                    return ApiResource(
                        group, version, entry["kind"], entry["name"], bool(entry.get("namespaced"))
                    )
        raise NotFound(
            f'the server doesn\'t have a resource type "{name}"; '
            "check the spelling (`kubectl api-resources` lists them) or install its CRD first"
        )
