"""One table of the resource kinds ingresslab knows, read by kubectl emulation, printers and backends.

Each entry only states facts (group, version, kind, plural, short names, whether it is namespaced), in the
way kubectl's discovery does; `resolve()` turns what a learner types (`svc`, `services`,
`ingress.networking.k8s.io`, `vs`) into an entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RESOURCES", "ResourceType", "UnknownResourceType", "resolve", "resolve_kind"]


@dataclass(frozen=True, slots=True)
class ResourceType:
    group: str  # "" for the core group
    version: str  # preferred version
    kind: str
    plural: str
    singular: str
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    other_versions: tuple[str, ...] = field(default=())

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def versions(self) -> tuple[str, ...]:
        return (self.version, *self.other_versions)

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


RESOURCES: tuple[ResourceType, ...] = (
    ResourceType("", "v1", "Namespace", "namespaces", "namespace", namespaced=False, short_names=("ns",)),
    ResourceType("", "v1", "Node", "nodes", "node", namespaced=False, short_names=("no",)),
    ResourceType("", "v1", "Pod", "pods", "pod", short_names=("po",)),
    ResourceType("", "v1", "Service", "services", "service", short_names=("svc",)),
    ResourceType("", "v1", "Endpoints", "endpoints", "endpoints", short_names=("ep",)),
    ResourceType("", "v1", "ConfigMap", "configmaps", "configmap", short_names=("cm",)),
    ResourceType("", "v1", "Secret", "secrets", "secret"),
    ResourceType("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", short_names=("sa",)),
    ResourceType("", "v1", "Event", "events", "event", short_names=("ev",)),
    ResourceType("apps", "v1", "Deployment", "deployments", "deployment", short_names=("deploy",)),
    ResourceType("apps", "v1", "ReplicaSet", "replicasets", "replicaset", short_names=("rs",)),
    ResourceType("apps", "v1", "DaemonSet", "daemonsets", "daemonset", short_names=("ds",)),
    ResourceType("apps", "v1", "StatefulSet", "statefulsets", "statefulset", short_names=("sts",)),
    ResourceType("batch", "v1", "Job", "jobs", "job"),
    ResourceType("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice"),
    ResourceType("networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", short_names=("ing",)),
    ResourceType(
        "networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", namespaced=False
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
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        "customresourcedefinition",
        namespaced=False,
        short_names=("crd", "crds"),
    ),
    ResourceType(
        "networking.istio.io",
        "v1",
        "Gateway",
        "gateways",
        "gateway",
        short_names=("gw",),
        other_versions=("v1beta1", "v1alpha3"),
    ),
    ResourceType(
        "networking.istio.io",
        "v1",
        "VirtualService",
        "virtualservices",
        "virtualservice",
        short_names=("vs",),
        other_versions=("v1beta1", "v1alpha3"),
    ),
    ResourceType(
        "networking.istio.io",
        "v1",
        "DestinationRule",
        "destinationrules",
        "destinationrule",
        short_names=("dr",),
        other_versions=("v1beta1", "v1alpha3"),
    ),
    ResourceType(
        "networking.istio.io",
        "v1",
        "ServiceEntry",
        "serviceentries",
        "serviceentry",
        short_names=("se",),
        other_versions=("v1beta1", "v1alpha3"),
    ),
)

_BY_KIND: dict[tuple[str, str], ResourceType] = {(r.group, r.kind): r for r in RESOURCES}


def _names(r: ResourceType) -> set[str]:
    names = {r.plural, r.singular, r.kind.lower(), *r.short_names}
    if r.group:
        names |= {f"{n}.{r.group}" for n in (r.plural, r.singular, r.kind.lower())}
        names |= {f"{n}.{v}.{r.group}" for n in (r.plural, r.singular) for v in r.versions}
    return names


_BY_NAME: dict[str, ResourceType] = {}
for _r in RESOURCES:
    for _n in _names(_r):
        _BY_NAME.setdefault(_n, _r)


def resolve(name: str) -> ResourceType:
    """Resolve a kubectl resource name (`svc`, `Services`, `ingress.networking.k8s.io`) to its type."""
    found = _BY_NAME.get(name.lower())
    if found is None:
        raise UnknownResourceType(name)
    return found


def resolve_kind(api_version: str, kind: str) -> ResourceType:
    """Resolve the `apiVersion`/`kind` pair of a manifest; raises UnknownResourceType if not served."""
    group, _, version = api_version.rpartition("/")
    found = _BY_KIND.get((group, kind))
    if found is None or version not in found.versions:
        raise UnknownResourceType(f"{kind} in version {version!r}" if found else kind)
    return found
