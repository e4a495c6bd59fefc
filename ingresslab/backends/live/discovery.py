"""Which URL serves a kind: the built-in kinds' table first, the API server's discovery for anything else.

Built-in kinds need no discovery at all. Custom resources (Istio's, a learner's own CRD) are looked up
through `/api` and `/apis` and cached. `discovery()` is the same `Kinds` index the sandbox builds from its
stored CRDs — built from the cluster's CRDs when they can be listed (printer columns included), else from the
discovery documents — so kubectl emulation resolves names the same way on both backends. Writing a CRD
through this resolver forgets what was cached, so its kind shows up (or goes) right away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingresslab.backends.live.transport import ApiTransport
from ingresslab.errors import ApiError, NotFound
from ingresslab.kube.crds import kinds_with, printer_columns, version_order
from ingresslab.kube.resources import BUILTIN, Kinds, ResourceType, UnknownResourceType

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
        self._kinds: Kinds | None = None

    def forget(self) -> None:
        """Drop everything discovery told us (after a CRD was created, changed or deleted)."""
        self._group_versions.clear()
        self._resource_lists.clear()
        self._kinds = None

    def _noting_crds(self, resource: ApiResource) -> ApiResource:
        if resource.plural == "customresourcedefinitions" and resource.group == "apiextensions.k8s.io":
            self.forget()  # the caller is about to write a CRD: the served kinds change with it
        return resource

    def for_object(self, api_version: str, kind: str) -> ApiResource:
        """The resource for a manifest's apiVersion/kind, in exactly the version the manifest asks for."""
        group, _, version = api_version.rpartition("/")
        try:
            return self._noting_crds(ApiResource.from_table(BUILTIN.resolve_kind(api_version, kind), version))
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
        builtin = BUILTIN.find(name)
        if builtin is not None:
            return self._noting_crds(ApiResource.from_table(builtin))
        return self._discover_name(name)

    def discovery(self) -> Kinds:
        """The kinds this cluster serves: built-ins, then its CRDs' kinds (or, when CRDs cannot be listed,
        the custom kinds the discovery documents name, with the server's default NAME/AGE columns)."""
        if self._kinds is None:
            try:
                crds = self._transport.request(
                    "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
                )
                from_crds = list(kinds_with((crds or {}).get("items") or []))
            except ApiError:  # listing CRDs is optional (RBAC may forbid it): discovery documents suffice
                from_crds = list(BUILTIN)
            known = {r.key for r in from_crds}
            extra = [r for r in self._documented_types() if r.key not in known]
            self._kinds = Kinds([*from_crds, *extra])
        return self._kinds

    def _documented_types(self) -> list[ResourceType]:
        """Custom kinds as `/apis` and each group's preferred version list them."""
        builtin_groups = {r.group for r in BUILTIN}
        found = []
        for group, version in self._all_group_versions():
            if group in builtin_groups:
                continue
            others = tuple(v for v in self._served_versions(group) if v != version)
            for entry in self._resources(group, version):
                if "/" in entry.get("name", "") or not entry.get("kind"):
                    continue
                found.append(
                    ResourceType(
                        group=group,
                        version=version,
                        kind=entry["kind"],
                        plural=entry["name"],
                        singular=entry.get("singularName") or entry["kind"].lower(),
                        namespaced=bool(entry.get("namespaced")),
                        short_names=tuple(entry.get("shortNames") or ()),
                        other_versions=tuple(dict.fromkeys(sorted(others, key=version_order))),
                        categories=tuple(entry.get("categories") or ()),
                        printer_columns=printer_columns({}),
                    )
                )
        return found

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
