"""The resource kinds a cluster serves, and the lookup kubectl does from what a learner types to a kind.

A `ResourceType` only states facts, as a discovery document does: group, versions, kind, plural, singular,
scope, short names, categories and — for custom resources — the CRD's printer columns. `RESOURCES` is the
static part, the kinds every API server has (core, apps, batch, networking.k8s.io, discovery,
admissionregistration, apiextensions). Everything else is served only while its CRD exists: a `Kinds` index
is built per cluster from the built-ins plus its CRDs (`kube.crds.kinds_with`), like a discovery client.
`resolve()`/`resolve_kind()` look up the built-ins alone, for code that only ever names built-in kinds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BUILTIN",
    "RESOURCES",
    "Kinds",
    "PrinterColumn",
    "ResourceType",
    "UnknownResourceType",
    "resolve",
    "resolve_kind",
]


@dataclass(frozen=True, slots=True)
class PrinterColumn:
    """One `additionalPrinterColumns` entry of a CRD version (`priority > 0`: only with `-o wide`)."""

    name: str
    type: str  # integer, number, boolean, string or date
    json_path: str
    priority: int = 0
    format: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class ResourceType:
    group: str  # "" for the core group
    version: str  # preferred version
    kind: str
    plural: str
    singular: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    other_versions: tuple[str, ...] = field(default=())  # the other served versions
    categories: tuple[str, ...] = ()
    storage_version: str = ""  # "" means the preferred version
    # Custom resources print the columns their CRD declares; None means a built-in printer.
    printer_columns: tuple[PrinterColumn, ...] | None = None

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def versions(self) -> tuple[str, ...]:
        return (self.version, *self.other_versions)

    @property
    def custom(self) -> bool:
        """Whether a CRD defines this kind (its table comes from the CRD, not a built-in printer)."""
        return self.printer_columns is not None

    @property
    def qualified_plural(self) -> str:
        """`services`, `ingresses.networking.k8s.io`: how kubectl names the type in messages."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def key(self) -> str:
        """A stable identifier used as the store's index: `deployments.apps`, `services`."""
        return self.qualified_plural


class UnknownResourceType(LookupError):
    """Raised when a name is not a known resource type; `name` is what was asked for."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


_ALL = ("all",)

RESOURCES: tuple[ResourceType, ...] = (
    ResourceType("", "v1", "Namespace", "namespaces", "namespace", namespaced=False, short_names=("ns",)),
    ResourceType("", "v1", "Node", "nodes", "node", namespaced=False, short_names=("no",)),
    ResourceType("", "v1", "Pod", "pods", "pod", short_names=("po",), categories=_ALL),
    ResourceType("", "v1", "Service", "services", "service", short_names=("svc",), categories=_ALL),
    ResourceType("", "v1", "Endpoints", "endpoints", "endpoints", short_names=("ep",)),
    ResourceType("", "v1", "ConfigMap", "configmaps", "configmap", short_names=("cm",)),
    ResourceType("", "v1", "Secret", "secrets", "secret"),
    ResourceType("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", short_names=("sa",)),
    ResourceType("", "v1", "Event", "events", "event", short_names=("ev",)),
    ResourceType(
        "apps", "v1", "Deployment", "deployments", "deployment", short_names=("deploy",), categories=_ALL
    ),
    ResourceType(
        "apps", "v1", "ReplicaSet", "replicasets", "replicaset", short_names=("rs",), categories=_ALL
    ),
    ResourceType("apps", "v1", "DaemonSet", "daemonsets", "daemonset", short_names=("ds",), categories=_ALL),
    ResourceType(
        "apps", "v1", "StatefulSet", "statefulsets", "statefulset", short_names=("sts",), categories=_ALL
    ),
    # Served by every API server (kubectl api-resources lists them) though the sandbox never creates one.
    ResourceType("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision"),
    ResourceType("batch", "v1", "Job", "jobs", "job", categories=_ALL),
    ResourceType("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice"),
    ResourceType("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", short_names=("ing",)),
    ResourceType(
        "networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", namespaced=False
    ),
    ResourceType(
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        "networkpolicy",
        short_names=("netpol",),
    ),
    ResourceType(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        "validatingwebhookconfiguration",
        namespaced=False,
    ),
    ResourceType(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingAdmissionPolicy",
        "validatingadmissionpolicies",
        "validatingadmissionpolicy",
        namespaced=False,
    ),
    ResourceType(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingAdmissionPolicyBinding",
        "validatingadmissionpolicybindings",
        "validatingadmissionpolicybinding",
        namespaced=False,
    ),
    ResourceType(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        "customresourcedefinition",
        namespaced=False,
        short_names=("crd", "crds"),
    ),
)


def _names(r: ResourceType) -> set[str]:
    """Every spelling kubectl accepts for a type: plural, singular, kind, short names, and `.group` forms."""
    names = {r.plural, r.singular, r.kind.lower(), *r.short_names}
    if r.group:
        names |= {f"{n}.{r.group}" for n in (r.plural, r.singular, r.kind.lower())}
        names |= {f"{n}.{v}.{r.group}" for n in (r.plural, r.singular) for v in r.versions}
    return names


class Kinds:
    """An immutable index of the kinds one cluster serves: what `kubectl` resolves names against.

    `types` come in discovery order (built-ins first); on a clash of names the earlier type wins, so a CRD
    cannot shadow `po` or `svc`. `schemas` maps (type key, version) to the version's `openAPIV3Schema`.
    """

    def __init__(
        self, types: Iterable[ResourceType], schemas: Mapping[tuple[str, str], dict[str, Any]] | None = None
    ) -> None:
        self._types = tuple(types)
        self._schemas = dict(schemas or {})
        self._by_kind: dict[tuple[str, str], ResourceType] = {}
        self._by_name: dict[str, ResourceType] = {}
        self._by_key = {r.key: r for r in self._types}
        for r in self._types:
            self._by_kind.setdefault((r.group, r.kind), r)
            for name in _names(r):
                self._by_name.setdefault(name, r)

    def __iter__(self) -> Iterator[ResourceType]:
        return iter(self._types)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_name

    def serves(self, rtype: ResourceType) -> bool:
        """Whether this exact type (same key) is served now."""
        return rtype.key in self._by_key

    def find(self, name: str) -> ResourceType | None:
        return self._by_name.get(name.lower())

    def resolve(self, name: str) -> ResourceType:
        """A kubectl resource name (`svc`, `Services`, `ingress.networking.k8s.io`, `vs`) to its type."""
        found = self.find(name)
        if found is None:
            raise UnknownResourceType(name)
        return found

    def resolve_kind(self, api_version: str, kind: str) -> ResourceType:
        """The `apiVersion`/`kind` pair of a manifest; raises UnknownResourceType unless that version is served."""
        group, _, version = api_version.rpartition("/")
        found = self._by_kind.get((group, kind))
        if found is None or version not in found.versions:
            raise UnknownResourceType(f"{kind} in version {version!r}" if found else kind)
        return found

    def category(self, name: str) -> list[ResourceType]:
        """The types in a category (`all`, `istio-io`), in discovery order; empty if none."""
        wanted = name.lower()
        groups = list(dict.fromkeys(r.group for r in self._types))
        found = [r for r in self._types if wanted in r.categories]
        # Discovery lists groups in order and each group version's resources alphabetically.
        return sorted(found, key=lambda r: (groups.index(r.group), r.plural))

    def schema(self, rtype: ResourceType, version: str) -> dict[str, Any] | None:
        """The `openAPIV3Schema` a CRD declares for one version of its kind, if any."""
        return self._schemas.get((rtype.key, version))


BUILTIN = Kinds(RESOURCES)
"""The kinds every API server serves, with no CRD installed."""


def resolve(name: str) -> ResourceType:
    """Resolve a built-in kind's kubectl name (`svc`, `Services`, `ingress.networking.k8s.io`)."""
    return BUILTIN.resolve(name)


def resolve_kind(api_version: str, kind: str) -> ResourceType:
    """Resolve a built-in kind from a manifest's `apiVersion`/`kind`; raises UnknownResourceType otherwise."""
    return BUILTIN.resolve_kind(api_version, kind)
