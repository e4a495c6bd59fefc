"""Gathering the logs a trace needs, through any Backend: ingress controllers, ingress gateways, sidecars,
app containers and CoreDNS. On a live cluster this is the same set of `kubectl logs` calls a person would make."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ingresslab.entrypoints.components import Component
from ingresslab.entrypoints.registry import EntryPoints
from ingresslab.errors import IngresslabError
from ingresslab.logs import ParseReport, parse_lines

__all__ = ["TAIL", "LogSource", "ParsedLine", "collect", "parse_sources", "plan_sources", "source_format"]

TAIL = 2000
"""How many of each log's last lines a trace reads (`kubectl logs --tail`); the followed logs start there too."""

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


def plan_sources(pods: Iterable[dict], entry_points: EntryPoints) -> list[tuple[dict, str, str]]:
    """Which containers' logs a trace reads, in reading order, as (pod, component, container): each entry
    point's pods (recognised by the registry's selectors), CoreDNS, and every container outside the system
    namespaces."""
    chosen: list[tuple[dict, str, str]] = []
    for pod in pods:
        meta, spec = pod["metadata"], pod.get("spec", {})
        labels = meta.get("labels") or {}
        ns = meta.get("namespace")
        containers = [c["name"] for c in spec.get("containers") or []]
        entry = entry_points.for_pod(pod)
        if entry is not None and entry.component is not None:
            chosen.append((pod, entry.component, entry.container(pod) or ""))
        elif labels.get("k8s-app") == "kube-dns":
            chosen.append((pod, Component.COREDNS, containers[0]))
        elif ns in _SYSTEM_NAMESPACES:
            continue
        else:
            chosen += [
                (pod, Component.SIDECAR if c == "istio-proxy" else Component.APP, c) for c in containers
            ]
    return chosen


def source_format(component: str, entry_points: EntryPoints) -> str:
    """The log format a component writes: an entry point's own, CoreDNS's, else detected line by line."""
    entry = entry_points.for_component(component)
    if entry is not None:
        return entry.log_format
    return "coredns" if component == Component.COREDNS else "auto"


def collect(
    backend,
    *,
    tail: int | None = TAIL,
    since_seconds: int | None = None,
    entry_points: EntryPoints | None = None,
) -> list[LogSource]:
    """The logs of every component on the ingress path (see `plan_sources`), most recent `tail` lines of each."""
    entry_points = entry_points if entry_points is not None else _default_entry_points()
    sources: list[LogSource] = []
    for pod, component, container in plan_sources(backend.list("pods", "*"), entry_points):
        meta = pod["metadata"]
        text = _logs(backend, pod, container, tail, since_seconds)
        ip = pod.get("status", {}).get("podIP")
        sources.append(LogSource(component, meta.get("namespace"), meta["name"], container, text, ip))
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
        fmt = source_format(source.component, entry_points)
        for record in parse_lines(source.text.splitlines(), format=fmt, report=report):
            yield ParsedLine(source, record)
