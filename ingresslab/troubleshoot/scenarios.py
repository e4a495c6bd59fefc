"""Troubleshooting scenarios as data: each names a fault, the steps that inject it into the demo, the symptom a
learner will see, and how to observe it. Like a network emulator's named topologies, they live in a registry:

    run = lab.scenario("selector-typo")   # a ScenarioRun bound to the lab
    run.apply(); response = run.observe(); print(lab.diagnose(response)); run.undo()

A scenario's `cause` is the answer the notebook checks guesses against; `diagnose` never reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ingresslab import tutorial
from ingresslab.troubleshoot.faults import Create, Patch, Relabel, Remove, Sh, Step
from ingresslab.troubleshoot.probe import request_from_pod

__all__ = ["SCENARIOS", "Scenario", "ScenarioRun", "get_scenario", "register_scenario"]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    symptom: str
    cause: str
    steps: tuple[Step, ...] = ()
    entry_points: tuple[str, ...] = ("nginx", "istio")  # where the fault shows ("pod" = from inside a pod)
    host: str = "yuya.example.com"
    path: str = "/v1"
    probe: Callable[[Any], Any] | None = None  # a custom observation (DNS from a pod)
    before: Callable[[Any], None] | None = None  # something to do just before the steps (traffic)
    notes: str = ""

    def bind(self, lab: Any) -> ScenarioRun:
        return ScenarioRun(self, lab)


@dataclass
class ScenarioRun:
    """A scenario on one lab: `apply()`, `observe()`, `undo()` (apply twice or undo twice changes nothing)."""

    scenario: Scenario
    lab: Any
    memos: list[Any] | None = field(default=None, repr=False)

    @property
    def applied(self) -> bool:
        return self.memos is not None

    def prepare(self) -> None:
        """The demo the fault is injected into: the catch-up steps for each entry point it uses."""
        wanted = self.scenario.entry_points
        if "istio" in wanted or "pod" in wanted:
            tutorial.ensure_istio(self.lab)
        if "nginx" in wanted:
            tutorial.ensure_nginx_ingress(self.lab)
        if not ({"istio", "nginx", "pod"} & set(wanted)):
            tutorial.ensure_demo_app(self.lab)

    def apply(self, *, prepare: bool = True) -> ScenarioRun:
        if self.applied:
            return self
        if prepare:
            self.prepare()
        if self.scenario.before is not None:
            self.scenario.before(self.lab)
        self.memos = [step.apply(self.lab) for step in self.scenario.steps]
        return self

    def undo(self) -> ScenarioRun:
        if self.memos is None:
            return self
        for step, memo in reversed(list(zip(self.scenario.steps, self.memos, strict=True))):
            step.undo(self.lab, memo)
        self.memos = None
        return self

    def observe(self, via: str | None = None) -> Any:
        """What a learner does first: send the request (or run the pod's lookup) and keep the result."""
        if self.scenario.probe is not None:
            return self.scenario.probe(self.lab)
        via = via or self.scenario.entry_points[0]
        if via not in self.scenario.entry_points:
            raise ValueError(
                f"scenario {self.scenario.name!r} shows at {', '.join(self.scenario.entry_points)}, not {via!r}"
            )
        return self.lab.request(host=self.scenario.host, path=self.scenario.path, via=via)

    def __enter__(self) -> ScenarioRun:
        return self.apply()

    def __exit__(self, *exc: object) -> None:
        self.undo()

    def _repr_html_(self) -> str:
        import html

        s = self.scenario
        state = "applied" if self.applied else "not applied"
        return (
            f"<div><b>{html.escape(s.title)}</b> <code>{html.escape(s.name)}</code> ({state})<br>"
            f"symptom: {html.escape(s.symptom)}<br>entry points: {html.escape(', '.join(s.entry_points))}</div>"
        )

    def __repr__(self) -> str:
        s = self.scenario
        return f"<ScenarioRun {s.name} ({'applied' if self.applied else 'not applied'}): {s.symptom}>"


SCENARIOS: dict[str, Scenario] = {}


def register_scenario(scenario: Scenario) -> Scenario:
    if scenario.name in SCENARIOS:
        raise ValueError(f"a scenario named {scenario.name!r} is already registered")
    SCENARIOS[scenario.name] = scenario
    return scenario


def get_scenario(name: str) -> Scenario:
    try:
        return SCENARIOS[name]
    except KeyError:
        raise KeyError(f"no scenario {name!r}; the scenarios are: {', '.join(SCENARIOS)}") from None


# -- the catalogue ---------------------------------------------------------------------------------------
def _set_host(host: str) -> Callable[[dict], dict]:
    def edit(ing: dict) -> dict:
        rules = [dict(rule, host=host) for rule in ing["spec"].get("rules") or []]
        return {"spec": {"rules": rules}}

    return edit


def _traffic(lab: Any) -> None:
    for via in ("nginx", "istio"):
        lab.request(via=via)


_DNS_CLIENT = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "dns-client", "namespace": "application", "labels": {"app": "dns-client"}},
    "spec": {
        "containers": [{"name": "curl", "image": "curlimages/curl", "command": ["sleep", "infinity"]}],
        # someone lowered ndots to save lookups for external names
        "dnsConfig": {"options": [{"name": "ndots", "value": "1"}]},
    },
}

for _scenario in (
    Scenario(
        "selector-typo",
        "A Service selector that matches no pod",
        "503 from NGINX; 503 UH (no healthy upstream) from the gateway; the Service's Endpoints are empty",
        "selector-matches-no-pod",
        (
            Patch(
                "services", "dest-svc-v1", "application", lambda s: {"spec": {"selector": {"app": "hw_v1"}}}
            ),
        ),
    ),
    Scenario(
        "wrong-target-port",
        "A targetPort where nothing listens",
        "502 from NGINX (503 through a sidecar); 503 UF,URX from the gateway: connection refused",
        "wrong-target-port",
        (
            Patch(
                "services",
                "dest-svc-v1",
                "application",
                lambda s: {"spec": {"ports": [dict(p, targetPort=7777) for p in s["spec"]["ports"]]}},
            ),
        ),
    ),
    Scenario(
        "unserved-class",
        "An Ingress with a class no controller serves",
        "NGINX's default backend answers 404 for every path",
        "ingress-class-not-served",
        (
            Patch(
                "ingresses",
                "my-nginx-ingress",
                "application",
                lambda i: {"spec": {"ingressClassName": "traefik"}},
            ),
        ),
        entry_points=("nginx",),
    ),
    Scenario(
        "exact-subpath",
        "Prefix vs Exact: /v1/hello is not /v1",
        "200, but the body is the error page's 'ERROR 404' instead of v1's greeting",
        "exact-path-misses-subpath",
        (),
        path="/v1/hello",
        notes="the fault is in the request: the rule /v1 is Exact, and the client asks for a sub-path",
    ),
    Scenario(
        "host-mismatch",
        "Rules for another host",
        "404 from NGINX's default backend; 404 NR (no route) from the gateway",
        "host-not-matched",
        (
            Patch(
                "ingresses", "my-nginx-ingress", "application", _set_host("www.example.com"), optional=True
            ),
            Patch(
                "ingresses", "my-istio-ingress", "application", _set_host("www.example.com"), optional=True
            ),
        ),
    ),
    Scenario(
        "handwritten-gateway",
        "Only the seed's hand-written Gateway",
        "404 NR from the gateway: the Gateway's hosts (*.yuya.com, example.com) match nothing sent",
        "gateway-hosts-match-nothing",
        (
            Remove("ingresses", "my-istio-ingress", "application"),
            Sh(
                "kubectl apply -f istio-deepdive/istio-gateway.yaml",
                "kubectl delete -f istio-deepdive/istio-gateway.yaml",
            ),
        ),
        entry_points=("istio",),
    ),
    Scenario(
        "no-sidecar",
        "Pods created before the injection label",
        "200 as usual, but the trace has no sidecar hop and the pod shows READY 1/1",
        "pod-missing-sidecar",
        (Relabel("application", "app=hw-v1"),),
        entry_points=("istio", "nginx"),
    ),
    Scenario(
        "ndots-short-name",
        "A name that only resolves fully qualified",
        "from a pod with ndots:1, curl http://dest-svc-v1.application:7777 says: Could not resolve host",
        "ndots-skips-search-list",
        (Create(_DNS_CLIENT),),
        entry_points=("pod",),
        probe=lambda lab: request_from_pod(
            lab, "dns-client", "http://dest-svc-v1.application:7777/v1", container="curl"
        ),
    ),
    Scenario(
        "scaled-to-zero",
        "Scaled to zero during traffic",
        "requests that worked a moment ago get 503 (NGINX) and 503 UH (gateway)",
        "deployment-scaled-to-zero",
        (Patch("deployments", "dest-depl-v1", "application", lambda d: {"spec": {"replicas": 0}}),),
        before=_traffic,
    ),
):
    register_scenario(_scenario)
