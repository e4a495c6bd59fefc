"""Gathering the logs a trace needs, through any Backend: ingress controllers, ingress gateways, sidecars,
app containers and CoreDNS. On a live cluster this is the same set of `kubectl logs` calls a person would make."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ingresslab.entrypoints.components import Component
from ingresslab.entrypoints.registry import EntryPoints
from ingresslab.errors import IngresslabError
from ingresslab.logs import ParseReport, parse_lines

__all__ = ["LogSource", "ParsedLine", "collect", "parse_sources"]

_SYSTEM_NAMESPACES = {"kube-system", "kube-public", "kube-node-lease", "istio-system", "ingress-nginx"}


def _default_entry_points() -> EntryPoints:
    # Imported here: the built-in records point at strategies that import this module.
    from ingresslab.entrypoints.builtin import default_entry_points

    return default_entry_points()


@dataclass(slots=True)
class LogSource:
    """One container's log text and what it is."""

    component: str  # ingress-nginx, istio-ingressgateway, sidecar, app, coredns, or unknown (a file)
    namespace: str | None
    pod: str | None
    container: str | None
    text: str
    pod_ip: str | None = None

    @property
    def name(self) -> str:
        return "/".join(x for x in (self.namespace, self.pod, self.container) if x) or "log"


@dataclass(slots=True)
class ParsedLine:
    source: LogSource
    record: object


def _logs(backend, pod: dict, container: str, tail: int | None, since: int | None) -> str:
    try:
        return backend.logs(
            pod["metadata"]["name"],
            pod["metadata"]["namespace"],
            container=container,
            tail=tail,
            since_seconds=since,
        )
    except IngresslabError:
        return ""  # a pod that went away between list and logs leaves no evidence; the trace says what is missing


def collect(
    backend,
    *,
    tail: int | None = 2000,
    since_seconds: int | None = None,
    entry_points: EntryPoints | None = None,
) -> list[LogSource]:
    """The logs of every component on the ingress path, most recent `tail` lines of each: each entry point's
    pods (recognised by the registry's selectors), CoreDNS, and every container outside the system namespaces."""
    entry_points = entry_points if entry_points is not None else _default_entry_points()
    sources: list[LogSource] = []
    pods = backend.list("pods", "*")
    for pod in pods:
        meta, spec = pod["metadata"], pod.get("spec", {})
        labels = meta.get("labels") or {}
        ns = meta.get("namespace")
        containers = [c["name"] for c in spec.get("containers") or []]
        ip = pod.get("status", {}).get("podIP")
        entry = entry_points.for_pod(pod)
        if entry is not None and entry.component is not None:
            chosen = [(entry.component, entry.container(pod) or "")]
        elif labels.get("k8s-app") == "kube-dns":
            chosen = [(Component.COREDNS, containers[0])]
        elif ns in _SYSTEM_NAMESPACES:
            continue
        else:
            chosen = [(Component.SIDECAR if c == "istio-proxy" else Component.APP, c) for c in containers]
        for component, container in chosen:
            text = _logs(backend, pod, container, tail, since_seconds)
            sources.append(LogSource(component, ns, meta["name"], container, text, ip))
    return sources


def parse_sources(
    sources: Iterable[LogSource],
    report: ParseReport | None = None,
    *,
    entry_points: EntryPoints | None = None,
) -> Iterator[ParsedLine]:
    """Parse each source in its component's log format (an entry point's own, CoreDNS's, else detected)."""
    entry_points = entry_points if entry_points is not None else _default_entry_points()
    for source in sources:
        entry = entry_points.for_component(source.component)
        if entry is not None:
            fmt = entry.log_format
        else:
            fmt = "coredns" if source.component == Component.COREDNS else "auto"
        for record in parse_lines(source.text.splitlines(), format=fmt, report=report):
            yield ParsedLine(source, record)
