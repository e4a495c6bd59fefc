"""`diagnose(lab, evidence)`: walk a failed (or working) request the way an expert would and name the broken link.

The walk reads only what a person could read on any cluster: the request's trace (parsed logs), the Ingress and
Gateway rules, Services, Endpoints and pods through the Backend API, `istioctl proxy-config` when it answers,
and CoreDNS's query log. It never asks which scenario was applied.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from ingresslab.entrypoints import EntryPoint, EntryPoints, default_entry_points
from ingresslab.errors import IngresslabError
from ingresslab.lab import Lab
from ingresslab.trace import Trace
from ingresslab.troubleshoot.dns import diagnose_pod_request
from ingresslab.troubleshoot.findings import Clue, Diagnosis
from ingresslab.troubleshoot.probe import PodRequest
from ingresslab.troubleshoot.rules import (
    Cluster,
    gateway_host_matches,
    host_matches,
    match_ingresses,
    path_matches,
    rule_paths,
    selector_matches,
)

__all__ = ["diagnose"]

# Where well-known images listen when their arguments do not say (an expert knows these by heart).
_DEFAULT_LISTEN = {"hashicorp/http-echo": 5678}


def diagnose(lab: Any, evidence: Any) -> Diagnosis:
    """`evidence`: a Response from `lab.request`, a Trace, a request id, or a PodRequest (DNS from a pod)."""
    if isinstance(evidence, PodRequest):
        return diagnose_pod_request(lab, evidence)
    response = None
    if hasattr(evidence, "request_id") and hasattr(evidence, "via") and not isinstance(evidence, Trace):
        response = evidence
        trace = lab.trace(response)
    elif isinstance(evidence, Trace):
        trace = evidence
    elif isinstance(evidence, str) and evidence:
        trace = lab.trace(evidence)
    else:
        raise TypeError(
            "diagnose() takes what lab.request() returned, a Trace from lab.trace(), a request id, or a "
            f"PodRequest; got {type(evidence).__name__}"
        )
    return _Walk(lab, trace, response).run()


class _Walk:
    def __init__(self, lab: Any, trace: Trace, response: Any) -> None:
        self.lab = lab
        self.trace = trace
        self.response = response
        self.cluster = Cluster.read(lab.backend)
        self.entry_points: EntryPoints = lab.entry_points if isinstance(lab, Lab) else default_entry_points()
        self.checked: list[str] = ["trace"]
        self.clues: list[Clue] = []

    # -- helpers ---------------------------------------------------------------------------------
    def clue(self, source: str, text: str) -> None:
        self.clues.append(Clue(source, text))

    def done(self, cause: str | None, summary: str, fix: str = "") -> Diagnosis:
        return Diagnosis(cause, summary, self.clues, fix, self.checked)

    def entry_line(self) -> tuple[EntryPoint | None, dict]:
        """The entry point whose own log line the trace holds, and that line's fields."""
        for entry in self.entry_points.logging():
            hop = self.trace.hop(entry.component)
            if hop is not None and hop.evidence:
                ev = hop.evidence[0]
                self.clue(ev.source, ev.raw)
                return entry, ev.fields
        return None, {}

    def entry_fields(self, name: str) -> object:
        """A field of the first entry point's log line that has it (authority, path, …)."""
        for entry in self.entry_points.logging():
            hop = self.trace.hop(entry.component)
            if hop is not None and hop.evidence and hop.evidence[0].fields.get(name):
                return hop.evidence[0].fields[name]
        return None

    @property
    def host(self) -> str:
        if self.response is not None:
            return self.response.host
        authority = self.entry_fields("authority")
        if authority:
            return str(authority)
        found = re.search(r"matched host (\S+)", self.trace.stopped or "")
        return found.group(1) if found else ""

    @property
    def path(self) -> str:
        if self.response is not None:
            return self.response.path
        path = self.entry_fields("path")
        return str(path) if path else "/"

    # -- the walk --------------------------------------------------------------------------------
    def run(self) -> Diagnosis:
        entry, fields = self.entry_line()
        if entry is None:
            return self.unreached()
        found = entry.diagnose(self, fields) if entry.diagnose is not None else None
        if found is not None:
            return found
        if self.trace.stopped is None and self.trace.hop("app") is not None:
            return self.answered()
        return self.done("unknown", f"the request stopped: {self.trace.stopped or 'no answer'}")

    # -- no log line at any entry point --------------------------------------------------------------
    def unreached(self) -> Diagnosis:
        self.checked.append("entry points")
        error = getattr(self.response, "error", None) or self.trace.stopped or ""
        self.clue("client", error)
        via = getattr(self.response, "via", self.trace.via)
        entry = self.entry_points.get(via) if via in self.entry_points else None
        found = entry.unreached(self) if entry is not None and entry.unreached is not None else None
        if found is not None:
            return found
        return self.done("unknown", f"the request reached no entry point: {error}")

    # -- no rule: default backend (nginx) or NR (Envoy) ----------------------------------------------
    def no_rule(self, controller: str) -> Diagnosis:
        host, path = self.host, self.path
        self.checked.append("Ingress rules")
        unserved = [i for i in self.cluster.ingresses if self.cluster.served_by(i) is None]
        hit = match_ingresses(unserved, host, path, controller)
        if hit is not None:
            ing = hit.ingress
            name = ing["metadata"]["name"]
            from ingresslab.troubleshoot.rules import ingress_class

            cls = ingress_class(ing)
            self.clue("Ingress", hit.describe() + f" — class {cls!r}")
            known = ", ".join(c["metadata"]["name"] for c in self.cluster.classes) or "none"
            self.clue("IngressClasses", f"served classes: {known}")
            return self.done(
                "ingress-class-not-served",
                f"Ingress {name} has the rule for {host}{path}, but its class {cls!r} is served by no running "
                "controller, so the controller that got the request has no rule for it",
                f"kubectl patch ingress {name} -n {ing['metadata'].get('namespace')} "
                f'--type=merge -p \'{{"spec":{{"ingressClassName":"{controller}"}}}}\'',
            )
        served = [i for i in self.cluster.ingresses if self.cluster.served_by(i) == controller]
        if controller == "istio" and not served:
            return self.gateway_routes(host, path)
        return self._host_or_path(served, host, path, controller)

    def _host_or_path(self, served: list[dict], host: str, path: str, controller: str) -> Diagnosis:
        rules = [m for ing in served for m in rule_paths(ing)]
        for m in rules:
            self.clue("Ingress", m.describe())
        same_host = [m for m in rules if host_matches(m.rule_host, host, controller)]
        who = "the NGINX controller's default backend" if controller == "nginx" else "Envoy (NR)"
        if same_host:
            return self.done(
                "path-not-matched",
                f"a rule matches host {host} but none of its paths matches {path}: {who} answered 404",
                "add a path rule for it (mind Exact vs Prefix), or request one of the paths listed",
            )
        hosts = sorted({m.rule_host or "*" for m in rules}) or ["(no rules)"]
        first = served[0]["metadata"]["name"] if served else "INGRESS"
        return self.done(
            "host-not-matched",
            f"no rule's host matches {host} (the {controller} rules list {', '.join(hosts)}): {who} answered 404",
            f"send Host: one of {', '.join(hosts)} — or change the rule: kubectl edit ingress {first} "
            f"(spec.rules[].host: {host})",
        )

    def ingress_gateways(self) -> list[dict]:
        """Istio Gateways that select the ingress gateway's pods (its record's selector)."""
        selector = self.entry_points.get("istio").selector if "istio" in self.entry_points else {}
        return [
            g
            for g in self.cluster.gateways
            if selector
            and all((g.get("spec", {}).get("selector") or {}).get(k) == v for k, v in selector.items())
        ]

    def gateway_routes(self, host: str, path: str) -> Diagnosis:
        self.checked.append("Gateways and VirtualServices")
        self._proxy_config()
        gateways = self.ingress_gateways()
        for gw in gateways:
            hosts = [h for s in gw.get("spec", {}).get("servers") or [] for h in s.get("hosts") or []]
            self.clue(
                "Gateway",
                f"{gw['metadata'].get('namespace')}/{gw['metadata']['name']} hosts {', '.join(hosts)}",
            )
        matching = [
            gw
            for gw in gateways
            if any(
                gateway_host_matches(h, host)
                for s in gw.get("spec", {}).get("servers") or []
                for h in s.get("hosts") or []
            )
        ]
        if gateways and not matching:
            gw = gateways[0]["metadata"]
            return self.done(
                "gateway-hosts-match-nothing",
                f"the only Gateway(s) for istio=ingressgateway list hosts that do not match {host}, and no "
                "Istio Ingress exists: Envoy has no route for it (NR)",
                f"add {host} to the Gateway's hosts and bind a VirtualService to {gw['name']}, or serve the "
                "demo through an Istio Ingress: kubectl apply -f istio-deepdive/istio-ingress.yaml",
            )
        bound = [
            vs
            for vs in self.cluster.virtualservices
            if any(
                g.rpartition("/")[2] in {m["metadata"]["name"] for m in matching}
                for g in vs["spec"].get("gateways") or []
            )
        ]
        if matching and not bound:
            name = matching[0]["metadata"]["name"]
            return self.done(
                "gateway-without-virtualservice",
                f"Gateway {name} accepts {host} but no VirtualService binds to it: Envoy has no route (NR)",
                f"create a VirtualService with gateways: [{name}] and hosts: [{host}]",
            )
        return self.done(
            "unknown", f"Envoy found no route for {host}{path}; read the Gateway and VirtualServices"
        )

    def _proxy_config(self) -> None:
        """Envoy's own view, when istioctl answers (a live cluster, or a sandbox that models it)."""
        entry = self.entry_points.get("istio") if "istio" in self.entry_points else None
        gw = next((p for p in self.cluster.pods if entry is not None and entry.recognises(p)), None)
        if gw is None:
            return
        name = gw["metadata"]["name"]
        result = self.lab.istioctl(["proxy-config", "route", name, "-n", "istio-system"])
        self.checked.append("proxy-config route")
        if result.returncode == 0 and result.stdout.strip():
            for line in result.stdout.strip().splitlines()[:8]:
                self.clue(f"istioctl proxy-config route {name}", line)

    # -- a Service with no endpoints -------------------------------------------------------------
    def no_endpoints(self, svc: dict) -> Diagnosis:
        self.checked += ["Service", "Endpoints", "pods"]
        meta, spec = svc["metadata"], svc.get("spec", {})
        ns, name = meta.get("namespace"), meta["name"]
        selector = spec.get("selector") or {}
        self.clue("Service", f"{ns}/{name} selector {json.dumps(selector)}")
        self.clue("Endpoints", f"{ns}/{name}: {self._endpoint_text(ns, name)}")
        pods = [p for p in self.cluster.pods if p["metadata"].get("namespace") == ns]
        chosen = [p for p in pods if selector_matches(selector, p["metadata"].get("labels"))]
        if chosen:
            for p in chosen:
                self.clue(
                    "Pod", f"{p['metadata']['name']} phase {p.get('status', {}).get('phase')} not ready"
                )
            found = self._why_not_ready(chosen, ns)
            if found is not None:
                return found
            return self.done(
                "pods-not-ready",
                f"pods match {name}'s selector but none is ready",
                f"kubectl describe pod -n {ns} -l {_label_arg(selector)}",
            )
        owners = [
            d
            for d in self.cluster.deployments
            if d["metadata"].get("namespace") == ns
            and selector_matches(selector, d["spec"].get("template", {}).get("metadata", {}).get("labels"))
        ]
        if owners:
            dep = owners[0]
            replicas = dep["spec"].get("replicas", 1)
            self.clue("Deployment", f"{ns}/{dep['metadata']['name']} replicas {replicas}")
            if replicas == 0:
                return self.done(
                    "deployment-scaled-to-zero",
                    f"Deployment {dep['metadata']['name']} (whose pods {name} selects) is scaled to 0: "
                    "no pods, no endpoints, so requests get 503",
                    f"kubectl scale deployment {dep['metadata']['name']} -n {ns} --replicas=2",
                )
            return self.done("pods-not-ready", f"Deployment {dep['metadata']['name']} has no ready pods yet")
        # only the selector's keys: the other labels (pod-template-hash, Istio's) are noise here
        label_sets = sorted(
            {
                _label_arg({k: v for k, v in (p["metadata"].get("labels") or {}).items() if k in selector})
                for p in pods
            }
        )
        for labels in label_sets[:6]:
            self.clue("pod labels", labels)
        fix = f"kubectl edit service {name} -n {ns}   # make spec.selector match the pods' labels"
        for key, value in selector.items():
            values = sorted({(p["metadata"].get("labels") or {}).get(key) for p in pods} - {None})
            close = difflib.get_close_matches(value, values, n=1)
            if close:
                fix = (
                    f"kubectl patch service {name} -n {ns} --type=merge "
                    f'-p \'{{"spec":{{"selector":{{"{key}":"{close[0]}"}}}}}}\''
                )
        return self.done(
            "selector-matches-no-pod",
            f"Service {name}'s selector {_label_arg(selector)} matches no pod in {ns}, so its Endpoints are "
            "empty and the proxy has nowhere to send the request (503)",
            fix,
        )

    def _why_not_ready(self, pods: list[dict], ns: str | None) -> Diagnosis | None:
        """What `kubectl describe pod` shows an engineer: a container's waiting reason and the Warning Events."""
        self.checked.append("Events")
        stuck = [
            (p, c)
            for p in pods
            for c in p.get("status", {}).get("containerStatuses") or []
            if not c.get("ready") and ({"waiting", "terminated"} & set(c.get("state") or {}))
        ]
        if not stuck:
            return None
        pod, status = stuck[0]
        state = status["state"]
        reason = (state.get("waiting") or {}).get("reason", "")
        exited = state.get("terminated") or (status.get("lastState") or {}).get("terminated")
        if exited:
            self.clue(
                f"Pod {pod['metadata']['name']}",
                f"container {status['name']} exited with code {exited.get('exitCode')} ({exited.get('reason')}), "
                f"restarts {status.get('restartCount', 0)}",
            )
            if not reason and exited.get("exitCode"):
                reason = "CrashLoopBackOff"  # exited with an error: the kubelet restarts it with back-off
        name = pod["metadata"]["name"]
        try:
            events = self.lab.backend.list("events", ns)
        except IngresslabError:
            events = []
        for event in events:
            if event.get("type") == "Warning" and (event.get("involvedObject") or {}).get("name") == name:
                self.clue(f"Event {name}", f"{event.get('reason')}: {event.get('message', '')}")
        owner = _owner_deployment(self.cluster, pod)
        target = f"deployment/{owner}" if owner else f"pod/{name}"
        if reason in ("ErrImagePull", "ImagePullBackOff"):
            image = status.get("image", "?")
            return self.done(
                "image-pull-failed",
                f"the pods cannot start: the kubelet fails to pull image {image} ({reason}), so no pod is ready, "
                "the Endpoints are empty and requests get 503",
                f"kubectl set image {target} -n {ns} {status['name']}=<an image that exists>   "
                "# check the name and tag",
            )
        if reason == "CrashLoopBackOff":
            return self.done(
                "container-crash-looping",
                f"container {status['name']} keeps exiting (restarts: {status.get('restartCount', 0)}), the kubelet "
                "backs off restarting it, so no pod is ready and requests get 503",
                f"kubectl logs {name} -n {ns} -c {status['name']} --previous   # why it exited",
            )
        return None

    def _endpoint_text(self, ns: str | None, name: str) -> str:
        ep = self.cluster.get("endpoints", ns, name) or {}
        addrs = [
            f"{a['ip']}:{p['port']}"
            for s in ep.get("subsets") or []
            for a in s.get("addresses") or []
            for p in s.get("ports") or []
        ]
        return ", ".join(addrs) or "<none>"

    # -- a connection the endpoint refused -------------------------------------------------------
    def refused(self, address: str, svc: dict | None) -> Diagnosis:
        self.checked += ["Service ports", "pod"]
        ip, _, port_text = address.rpartition(":")
        port = int(port_text) if port_text.isdigit() else None
        pod = next((p for p in self.cluster.pods if p.get("status", {}).get("podIP") == ip), None)
        listening = _listen_ports(pod) if pod else set()
        if svc is not None:
            for p in svc.get("spec", {}).get("ports") or []:
                self.clue(
                    "Service",
                    f"{svc['metadata']['name']} port {p.get('name', '')} {p.get('port')} → targetPort "
                    f"{p.get('targetPort')}",
                )
        if pod is not None:
            self.clue(
                "Pod",
                f"{pod['metadata']['name']} ({ip}) app listens on {', '.join(map(str, sorted(listening))) or '?'}",
            )
        if port is not None and port not in listening:
            name = svc["metadata"]["name"] if svc else "SERVICE"
            ns = svc["metadata"].get("namespace") if svc else "NAMESPACE"
            right = min(listening) if listening else "<the app's port>"
            return self.done(
                "wrong-target-port",
                f"the endpoint {address} refuses connections: the Service sends to port {port}, but the app "
                f"listens on {right} (502/503, Envoy UF)",
                f"kubectl edit service {name} -n {ns}   # spec.ports[].targetPort: {right}",
            )
        return self.done(
            "unknown", f"the endpoint {address} did not answer, although the app should listen there"
        )

    # -- the request got an answer: was it the one meant? ------------------------------------------
    def answered(self) -> Diagnosis:
        self.checked.append("Ingress rules")
        pod_hop = self.trace.hop("pod")
        pod = self.cluster.get("pods", pod_hop.namespace, pod_hop.pod or "") if pod_hop else None
        host, path = self.host, self.path
        served = [i for i in self.cluster.ingresses if self.cluster.served_by(i) == self.trace.via]
        hit = match_ingresses(served, host, path, self.trace.via) if host else None
        if hit is not None and hit.path.get("pathType", "Prefix") != "Exact":
            near = [
                m
                for ing in served
                for m in rule_paths(ing)
                if m.path.get("pathType") == "Exact"
                and host_matches(m.rule_host, host, self.trace.via)
                and path != m.path.get("path")
                and path_matches("Prefix", m.path.get("path", "/"), path)
            ]
            if near:
                exact = near[0]
                self.clue("Ingress", exact.describe())
                self.clue("Ingress", hit.describe() + "   ← the rule that matched")
                return self.done(
                    "exact-path-misses-subpath",
                    f"{path} was answered by {hit.service} (catch-all {hit.path.get('path')}), not "
                    f"{exact.service}: the rule {exact.path.get('path')} is Exact, which never matches sub-paths",
                    f"change the rule to pathType: Prefix (path {exact.path.get('path')}) if sub-paths belong "
                    f"to {exact.service}, or request exactly {exact.path.get('path')}",
                )
        if pod is not None and self.cluster.istio_installed:
            self.checked.append("sidecar injection")
            ns = pod["metadata"].get("namespace")
            labelled = self.cluster.namespace_labels(ns).get("istio-injection") == "enabled"
            containers = [c["name"] for c in pod["spec"].get("containers") or []]
            if labelled and "istio-proxy" not in containers:
                self.clue("Namespace", f"{ns} istio-injection=enabled")
                self.clue(
                    "Pod", f"{pod['metadata']['name']} containers {', '.join(containers)} (no istio-proxy)"
                )
                for note in self.trace.notes:
                    self.clue("trace", note)
                owner = _owner_deployment(self.cluster, pod)
                return self.done(
                    "pod-missing-sidecar",
                    f"pod {pod['metadata']['name']} answered without a sidecar: it was created before its "
                    "namespace got istio-injection=enabled, so no mTLS, no sidecar log, no mesh policy",
                    f"kubectl rollout restart deployment {owner} -n {ns}"
                    if owner
                    else f"kubectl delete pod {pod['metadata']['name']} -n {ns}   # its owner recreates it injected",
                )
        return self.done(
            None,
            f"{host}{path} via {self.trace.via} answered {self.trace.status}"
            + (f" from pod {pod_hop.pod}" if pod_hop else "")
            + ": every hop is where the rules say it should be",
        )


def _label_arg(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _owner_deployment(cluster: Cluster, pod: dict) -> str | None:
    labels = pod["metadata"].get("labels") or {}
    ns = pod["metadata"].get("namespace")
    for dep in cluster.deployments:
        sel = dep["spec"].get("selector", {}).get("matchLabels")
        if dep["metadata"].get("namespace") == ns and selector_matches(sel, labels):
            return dep["metadata"]["name"]
    return None


def _listen_ports(pod: dict) -> set[int]:
    """Where the app containers really listen: their `-listen`/`--port` flags, the image's known default, and
    only then the declared containerPorts (which are informational, as the demo's 7777 shows)."""
    ports: set[int] = set()
    for c in pod.get("spec", {}).get("containers") or []:
        if c["name"] == "istio-proxy":
            continue
        found = None
        for arg in (c.get("args") or []) + (c.get("command") or []):
            m = re.match(r"--?(?:listen|port)[= ](?:[\w.]*:)?(\d+)$", arg)
            if m:
                found = int(m.group(1))
        repo = (
            c.get("image", "").split("@")[0].rsplit(":", 1)[0]
            if ":" in c.get("image", "").rpartition("/")[2]
            else c.get("image", "")
        )
        repo = repo.removeprefix("docker.io/")
        if found is None:
            found = _DEFAULT_LISTEN.get(repo)
        if found is not None:
            ports.add(found)
        else:
            ports |= {p["containerPort"] for p in c.get("ports") or [] if "containerPort" in p}
    return ports
