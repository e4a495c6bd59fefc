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
from ingresslab.errors import ApiError
from ingresslab.troubleshoot.faults import Create, Patch, Relabel, Remove, Sh, Step
from ingresslab.troubleshoot.probe import request_from_pod

__all__ = [
    "EGRESS_BASELINE",
    "EGRESS_DR_ELSEWHERE",
    "GATEWAY_API_ENTRY_POINTS",
    "SCENARIOS",
    "SHOP_REFERENCE_GRANT",
    "Scenario",
    "ScenarioRun",
    "docs_curl",
    "ensure_egress_gateway",
    "get_scenario",
    "register_scenario",
]


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
    gateway: str | None = None  # the Gateway API Gateway a request is sent to (`gateway=` of lab.request)
    probe: Callable[[Any], Any] | None = None  # a custom observation (DNS from a pod, the docs' curl)
    options: tuple[tuple[str, Any], ...] = ()  # more `lab.request` options (egress: from_pod, scheme)
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
        self._prepare_gateway_api()
        if "egress" in wanted:
            ensure_egress_gateway(self.lab)
        if not ({"istio", "nginx", "pod", "egress", *GATEWAY_API_ENTRY_POINTS} & set(wanted)):
            tutorial.ensure_demo_app(self.lab)

    def _prepare_gateway_api(self, *, only_missing: bool = False) -> None:
        """Notebook 07's catch-up (Istio, the CRDs, the seed's Gateway and HTTPRoute; NGINX Gateway Fabric for
        its entry point). `only_missing`: only when the seed's HTTPRoute (or NGF's Gateway) is not there yet."""
        wanted = set(self.scenario.entry_points)
        ngf = "gateway-api-nginx" in wanted
        if not (wanted & set(GATEWAY_API_ENTRY_POINTS)):
            return
        ready = _exists(self.lab, ROUTES, "seed-routes", "application") and (
            not ngf or _exists(self.lab, GATEWAYS, "seed-ngf", "nginx-gateway")
        )
        if only_missing and ready:
            return
        tutorial.ensure_gateway_api(self.lab, ngf=ngf)

    def apply(self, *, prepare: bool = True) -> ScenarioRun:
        """Inject the fault; `prepare=False` skips the catch-up (the caller set up the Ingress front ends),
        except the Gateway API's seed routes when they are missing: no Ingress catch-up makes them."""
        if self.applied:
            return self
        if prepare:
            self.prepare()
        else:
            self._prepare_gateway_api(only_missing=True)
            if "egress" in self.scenario.entry_points and not _egress_ready(self.lab):
                ensure_egress_gateway(self.lab)  # no Ingress catch-up makes the egress gateway task's objects
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
        options = {"gateway": self.scenario.gateway} if via in GATEWAY_API_ENTRY_POINTS else {}
        options.update(dict(self.scenario.options))
        return self.lab.request(host=self.scenario.host, path=self.scenario.path, via=via, **options)

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
GATEWAY_API_ENTRY_POINTS = ("gateway-api", "gateway-api-nginx")
GATEWAYS = "gateways.gateway.networking.k8s.io"
ROUTES = "httproutes.gateway.networking.k8s.io"


def _exists(lab: Any, kind: str, name: str, namespace: str | None) -> bool:
    try:
        lab.backend.get(kind, name, namespace)
    except (ApiError, LookupError):  # NotFound, or the kind itself is unknown (no CRDs yet)
        return False
    return True


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


# -- the Gateway API's failure modes (notebook 07's demo: `tutorial.ensure_gateway_api`) ---------------------
# Each breaks the seed's Gateway API routing the way a learner following the docs does; `diagnose` reads the
# gateway's access line, then the Gateway's and HTTPRoutes' status conditions the controller wrote.
class _TunnelStopped(Step):
    """`minikube tunnel --cleanup`: LoadBalancer Services are <pending> again; undo starts the tunnel again
    only if it was running."""

    def apply(self, lab: Any) -> Any:
        result = lab.sh("minikube tunnel --cleanup")
        return "tunnel stopped" in result.stdout.lower()

    def undo(self, lab: Any, memo: Any) -> None:
        if memo:
            lab.sh("minikube tunnel")


def _rule_backend(index: int, name: str) -> Callable[[dict], dict]:
    """A merge patch renaming the backendRef of rule `index` (a list is replaced whole, so: all rules)."""

    def edit(route: dict) -> dict:
        rules = [dict(rule) for rule in route["spec"]["rules"]]
        refs = [dict(ref) for ref in rules[index]["backendRefs"]]
        refs[0]["name"] = name
        rules[index]["backendRefs"] = refs
        return {"spec": {"rules": rules}}

    return edit


def _listeners_from(where: str) -> Callable[[dict], dict]:
    def edit(gateway: dict) -> dict:
        listeners = [
            dict(listener, allowedRoutes={"namespaces": {"from": where}})
            for listener in gateway["spec"]["listeners"]
        ]
        return {"spec": {"listeners": listeners}}

    return edit


# the platform team keeps HTTPRoutes next to the Gateway, the Service stays with the app team
_CROSS_NAMESPACE_ROUTE = {
    "apiVersion": "gateway.networking.k8s.io/v1",
    "kind": "HTTPRoute",
    "metadata": {"name": "shop-routes", "namespace": "istio-ingress"},
    "spec": {
        "parentRefs": [{"name": "seed-gateway"}],
        "hostnames": ["shop.example.com"],
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/v1"}}],
                "backendRefs": [{"name": "dest-svc-v1", "namespace": "application", "port": 7777}],
            }
        ],
    },
}

# the ReferenceGrant that fixes it (in the Service's namespace: the owner of the target grants the access)
SHOP_REFERENCE_GRANT = {
    "apiVersion": "gateway.networking.k8s.io/v1beta1",
    "kind": "ReferenceGrant",
    "metadata": {"name": "shop-routes-to-services", "namespace": "application"},
    "spec": {
        "from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "istio-ingress"}],
        "to": [{"group": "", "kind": "Service"}],
    },
}

# a Gateway made while following the docs on minikube, with no `minikube tunnel` running
_DOCS_GATEWAY = {
    "apiVersion": "gateway.networking.k8s.io/v1",
    "kind": "Gateway",
    "metadata": {"name": "docs-gateway", "namespace": "istio-ingress"},
    "spec": {
        "gatewayClassName": "istio",
        "listeners": [
            {
                "name": "http",
                "hostname": "*.example.com",
                "port": 80,
                "protocol": "HTTP",
                "allowedRoutes": {"namespaces": {"from": "All"}},
            }
        ],
    },
}

DOCS_CURL = """\
kubectl wait -n istio-ingress --for=condition=programmed gateways.gateway.networking.k8s.io {name} --timeout=5s
export INGRESS_HOST=$(kubectl get gtw {name} -n istio-ingress -o jsonpath='{{.status.addresses[0].value}}')
curl -s -S -i -H "Host: {host}" "http://$INGRESS_HOST{path}"
"""


def docs_curl(lab: Any, name: str = "docs-gateway", host: str = "yuya.example.com", path: str = "/v1") -> Any:
    """The Istio docs' way to reach a Gateway (its `.status.addresses[0].value`), kept as the `Response`
    `lab.request` returns: `status` when curl got an answer, else `error` (curl's message)."""
    from ingresslab.request import Response, _new_id, _now, _parse_head

    script = DOCS_CURL.format(name=name, host=host, path=path)
    request_id = _new_id(lab)
    sent = _now(lab)
    result = lab.sh(script)
    response = Response(
        "gateway-api",
        "http://$INGRESS_HOST" + path,
        host,
        path,
        request_id,
        sent,
        _now(lab),
        command=script,
        gateway=f"istio-ingress/{name}",
    )
    lines = result.stdout.split("HTTP/", 1)
    if result.returncode != 0 or len(lines) < 2:
        curl_error = [line for line in result.stderr.splitlines() if line.startswith("curl:")]
        response.error = (curl_error or result.stderr.strip().splitlines() or ["curl failed"])[-1]
        return response
    response.status, response.headers, response.body = _parse_head("HTTP/" + lines[1])
    return response


for _scenario in (
    Scenario(
        "cross-namespace-backend",
        "A backendRef into another namespace without a ReferenceGrant",
        "500 from the Gateway for shop.example.com/v1; the HTTPRoute says ResolvedRefs False RefNotPermitted",
        "backend-ref-not-permitted",
        (Create(_CROSS_NAMESPACE_ROUTE),),
        entry_points=("gateway-api",),
        host="shop.example.com",
        gateway="seed-gateway",
        notes="an HTTPRoute in istio-ingress (next to its Gateway) sends to application/dest-svc-v1: a "
        "ReferenceGrant in application (SHOP_REFERENCE_GRANT) allows it",
    ),
    Scenario(
        "backend-name-typo",
        "A backendRef naming a Service that does not exist",
        "500 from the Gateway for /v1; the HTTPRoute says ResolvedRefs False BackendNotFound",
        "backend-not-found",
        (Patch(ROUTES, "seed-routes", "application", _rule_backend(0, "dest-service-v1")),),
        entry_points=("gateway-api",),
        gateway="seed-gateway",
    ),
    Scenario(
        "listener-same-namespace",
        "A listener that admits routes from its own namespace only",
        "404 from the Gateway for every host; the HTTPRoute says Accepted False NotAllowedByListeners",
        "httproute-not-allowed",
        (Patch(GATEWAYS, "seed-gateway", "istio-ingress", _listeners_from("Same")),),
        entry_points=("gateway-api",),
        gateway="seed-gateway",
    ),
    Scenario(
        "route-hostname-mismatch",
        "Route hostnames outside the listener's",
        "404 from the Gateway for yuya.example.com; the HTTPRoute says Accepted False NoMatchingListenerHostname",
        "httproute-hostname-mismatch",
        (
            Patch(
                ROUTES, "seed-routes", "application", lambda r: {"spec": {"hostnames": ["yuya.example.org"]}}
            ),
        ),
        entry_points=("gateway-api",),
        gateway="seed-gateway",
        notes="the listener is *.example.com: yuya.example.org does not intersect it, so the route is not attached",
    ),
    Scenario(
        "gateway-address-pending",
        "Following the docs without `minikube tunnel`",
        "kubectl wait --for=condition=programmed times out, INGRESS_HOST is empty and curl cannot send the request",
        "gateway-address-not-assigned",
        (_TunnelStopped(), Create(_DOCS_GATEWAY)),
        entry_points=("gateway-api",),
        gateway="istio-ingress/docs-gateway",
        probe=docs_curl,
        notes="the Gateway's <gw>-istio Service is a LoadBalancer: minikube gives it no address without a tunnel, "
        "so istiod reports Programmed False AddressNotAssigned and no .status.addresses",
    ),
    # the same faults at NGINX Gateway Fabric: its own condition messages and its own 500/404 pages
    Scenario(
        "backend-name-typo-nginx",
        "A backendRef naming a Service that does not exist (NGINX Gateway Fabric)",
        "500 from NGINX for /v1 (upstream invalid-backend-ref); the HTTPRoute says ResolvedRefs False "
        "BackendNotFound",
        "backend-not-found",
        (Patch(ROUTES, "seed-routes", "application", _rule_backend(0, "dest-service-v1")),),
        entry_points=("gateway-api-nginx",),
        gateway="seed-ngf",
    ),
    Scenario(
        "listener-same-namespace-nginx",
        "A listener that admits routes from its own namespace only (NGINX Gateway Fabric)",
        "404 from NGINX for every host; the HTTPRoute says Accepted False NotAllowedByListeners",
        "httproute-not-allowed",
        (Patch(GATEWAYS, "seed-ngf", "nginx-gateway", _listeners_from("Same")),),
        entry_points=("gateway-api-nginx",),
        gateway="seed-ngf",
    ),
):
    register_scenario(_scenario)


# -- egress (Istio's "Egress Gateways" task: the curl pod in default, edition.cnn.com through the gateway) -----
EGRESS_CLIENT_URL = "https://raw.githubusercontent.com/istio/istio/release-1.24/samples/curl/curl.yaml"
EGRESS_BASELINE = """\
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cnn
  namespace: default
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 80
    name: http-port
    protocol: HTTP
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: istio-egressgateway
  namespace: default
spec:
  selector:
    istio: egressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - edition.cnn.com
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: egressgateway-for-cnn
  namespace: default
spec:
  host: istio-egressgateway.istio-system.svc.cluster.local
  subsets:
  - name: cnn
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: direct-cnn-through-egress-gateway
  namespace: default
spec:
  hosts:
  - edition.cnn.com
  gateways:
  - istio-egressgateway
  - mesh
  http:
  - match:
    - gateways:
      - mesh
      port: 80
    route:
    - destination:
        host: istio-egressgateway.istio-system.svc.cluster.local
        subset: cnn
        port:
          number: 80
      weight: 100
  - match:
    - gateways:
      - istio-egressgateway
      port: 80
    route:
    - destination:
        host: edition.cnn.com
        port:
          number: 80
      weight: 100
"""
EGRESS_OPTIONS = (("from_pod", "curl"), ("namespace", "default"))
_INSTALL = "istioctl install --set profile=demo -y"
_REGISTRY_ONLY = (
    "istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY -y"
)


def ensure_egress_gateway(lab: Any) -> str:
    """The egress gateway task's end state: Istio's demo profile (which has istio-egressgateway), injection in
    `default`, the curl sample there, and the ServiceEntry, Gateway, DestinationRule and VirtualService that send
    edition.cnn.com through the gateway (re-applied, so a scenario always starts from the healthy path)."""
    script = []
    if not _exists(lab, "deployments", "istiod", "istio-system"):
        script.append(_INSTALL)
    ns = lab.backend.get("namespaces", "default")
    if (ns["metadata"].get("labels") or {}).get("istio-injection") != "enabled":
        script.append("kubectl label namespace default istio-injection=enabled")
    if not _exists(lab, "deployments", "curl", "default"):
        script.append(f"kubectl apply -n default -f {EGRESS_CLIENT_URL}")
    script.append(f"kubectl apply -f - <<EOF\n{EGRESS_BASELINE}EOF")
    result = lab.sh("\n".join(script))
    if result.returncode != 0:
        raise RuntimeError(f"catching up failed:\n{result.text}")
    return "the egress gateway routes edition.cnn.com"


def _egress_ready(lab: Any) -> bool:
    return (
        _exists(lab, "deployments", "curl", "default")
        and _exists(lab, "serviceentries", "cnn", "default")
        and _exists(
            lab, "virtualservices.networking.istio.io", "direct-cnn-through-egress-gateway", "default"
        )
    )


def _subset(name: str) -> Callable[[dict], dict]:
    return lambda dr: {"spec": {"subsets": [{"name": name}]}}


def _mesh_only(vs: dict) -> dict:
    """Someone bound the VirtualService to the sidecars only and kept one route, straight to the site."""
    return {
        "spec": {
            "gateways": ["mesh"],
            "http": [
                {
                    "route": [
                        {"destination": {"host": "edition.cnn.com", "port": {"number": 80}}, "weight": 100}
                    ]
                }
            ],
        }
    }


_EGRESS_CONFIG_NS = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "egress-config"}}
_DR_ELSEWHERE = {
    "apiVersion": "networking.istio.io/v1",
    "kind": "DestinationRule",
    "metadata": {"name": "egressgateway-for-cnn", "namespace": "egress-config"},
    "spec": {"host": "istio-egressgateway.istio-system.svc.cluster.local", "subsets": [{"name": "cnn"}]},
}

for _scenario in (
    Scenario(
        "egress-registry-only",
        "REGISTRY_ONLY and no ServiceEntry for the site",
        "curl http://httpbin.org/headers from the curl pod gets 502 with an empty body; the sidecar logs "
        "direct_response … block_all",
        "egress-blocked-registry-only",
        (Sh(_REGISTRY_ONLY, _INSTALL),),
        entry_points=("egress",),
        host="httpbin.org",
        path="/headers",
        options=EGRESS_OPTIONS,
    ),
    Scenario(
        "egress-registry-only-tls",
        "REGISTRY_ONLY and no ServiceEntry for an HTTPS site",
        "curl https://www.google.com from the curl pod fails with exit 35 (SSL_ERROR_SYSCALL); the sidecar logs "
        "0 UH … BlackHoleCluster",
        "egress-blocked-registry-only",
        (Sh(_REGISTRY_ONLY, _INSTALL),),
        entry_points=("egress",),
        host="www.google.com",
        path="/",
        options=(*EGRESS_OPTIONS, ("scheme", "https")),
    ),
    Scenario(
        "egress-subset-typo",
        "The VirtualService's subset is misspelt in the DestinationRule",
        "503 from the curl pod's sidecar: 503 NC cluster_not_found, upstream cluster -",
        "egress-subset-not-found",
        (Patch("destinationrules", "egressgateway-for-cnn", "default", _subset("ccn")),),
        entry_points=("egress",),
        host="edition.cnn.com",
        path="/politics",
        options=EGRESS_OPTIONS,
    ),
    Scenario(
        "egress-destinationrule-missing",
        "The DestinationRule with the gateway's subset was never applied",
        "503 from the curl pod's sidecar: 503 NC cluster_not_found, upstream cluster -",
        "egress-subset-not-found",
        (Remove("destinationrules", "egressgateway-for-cnn", "default"),),
        entry_points=("egress",),
        host="edition.cnn.com",
        path="/politics",
        options=EGRESS_OPTIONS,
    ),
    Scenario(
        "egress-gateway-hosts",
        "The egress Gateway lists another host",
        "404 from the egress gateway (server: envoy): 404 NR route_not_found on http.8080",
        "egress-gateway-hosts-mismatch",
        (
            Patch(
                "gateways.networking.istio.io",
                "istio-egressgateway",
                "default",
                lambda gw: {
                    "spec": {"servers": [dict(s, hosts=["edition.cnn.org"]) for s in gw["spec"]["servers"]]}
                },
            ),
        ),
        entry_points=("egress",),
        host="edition.cnn.com",
        path="/politics",
        options=EGRESS_OPTIONS,
    ),
    Scenario(
        "egress-gateway-bypassed",
        "A VirtualService bound to mesh only: traffic skips the egress gateway",
        "301 from edition.cnn.com as before, but the egress gateway logs nothing: the sidecar sends it straight out",
        "egress-gateway-bypassed",
        (
            Patch(
                "virtualservices.networking.istio.io",
                "direct-cnn-through-egress-gateway",
                "default",
                _mesh_only,
            ),
        ),
        entry_points=("egress",),
        host="edition.cnn.com",
        path="/politics",
        options=EGRESS_OPTIONS,
    ),
):
    register_scenario(_scenario)

# istiod gives a client's sidecar the DestinationRules of its own namespace, the service's and istio-system only
# (dataplane.envoy.visible_destination_rules), so a rule in egress-config leaves the subset cluster out: 503 NC.
EGRESS_DR_ELSEWHERE = Scenario(
    "egress-destinationrule-namespace",
    "The DestinationRule is applied in another namespace",
    "503 NC cluster_not_found from the curl pod's sidecar: a sidecar in default does not read "
    "DestinationRules of egress-config",
    "egress-destinationrule-wrong-namespace",
    (
        Remove("destinationrules", "egressgateway-for-cnn", "default"),
        Create(_EGRESS_CONFIG_NS),
        Create(_DR_ELSEWHERE),
    ),
    entry_points=("egress",),
    host="edition.cnn.com",
    path="/politics",
    options=EGRESS_OPTIONS,
    notes="istiod reads a client's DestinationRules from its own namespace, the service's, then istio-system",
)
register_scenario(EGRESS_DR_ELSEWHERE)
