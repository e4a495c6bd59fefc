"""NGINX Gateway Fabric v2.6.7 in the sandbox: its install, and what its control plane does after each change.

    install(cluster)        # the objects of crds.yaml and deploy.yaml the sandbox serves, cert Job finished
    installed(cluster)      # the control-plane Deployment `nginx-gateway` exists
    reconcile(cluster)      # one pass of the controller (what `on_change` runs once a burst has settled)
    resolution(cluster, gw) # NGF's binding of routes to a Gateway (routing.gatewayapi.ngf.resolve), cached

The controller (`--gatewayclass=nginx`, controllerName `gateway.nginx.org/nginx-gateway-controller`):
- GatewayClass `nginx`: Accepted, SupportedVersion (from the Gateway API CRDs' bundle-version annotation:
  best effort unless it is v1.5.x), ResolvedRefs for its NginxProxy parametersRef; another class naming the
  same controller is `GatewayClassConflict`;
- per Gateway of class `nginx`: ServiceAccount, Service (LoadBalancer, externalTrafficPolicy Local, `port-<n>`
  per listener port) and Deployment `<gw>-nginx` in the Gateway's namespace, owned by the Gateway;
- once that Deployment has a running pod (the agent connected and nginx took the config): Gateway status
  (Accepted, Programmed, addresses = the Service's load-balancer IPs — none while `<pending>`, NGF still
  reports Programmed True), listener statuses with attachedRoutes, and HTTPRoute parents for its Gateways.
Route semantics come from `ingresslab.routing.gatewayapi.ngf`; this module only reads and writes objects.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.addons.common import ensure, run_job, write_status
from ingresslab.backends.sandbox.addons.ngf_manifests import (
    NAMESPACE,
    PROXY_CONFIG,
    crd_objects,
    deploy_objects,
    gateway_objects,
    gateway_resource_name,
)
from ingresslab.backends.sandbox.cluster import Cluster, Event
from ingresslab.backends.sandbox.store import clone, format_time
from ingresslab.routing.gatewayapi.ngf import (
    CONTROLLER_NAME,
    GATEWAY_CLASS,
    GATEWAY_CONDITIONS,
    LISTENER_CONDITIONS,
    Condition,
    Resolution,
    gateway_class_conditions,
    resolve,
)

__all__ = [
    "WATCHED",
    "gateway_pods",
    "install",
    "installed",
    "on_change",
    "reconcile",
    "resolution",
]

GATEWAYS = "gateways.gateway.networking.k8s.io"
GATEWAY_CLASSES = "gatewayclasses.gateway.networking.k8s.io"
HTTP_ROUTES = "httproutes.gateway.networking.k8s.io"
REFERENCE_GRANTS = "referencegrants.gateway.networking.k8s.io"
NGINX_PROXIES = "nginxproxies.gateway.nginx.org"
_GROUP = "gateway.networking.k8s.io"
_BUNDLE_ANNOTATION = "gateway.networking.k8s.io/bundle-version"

WATCHED = (
    GATEWAY_CLASSES,
    GATEWAYS,
    HTTP_ROUTES,
    REFERENCE_GRANTS,
    NGINX_PROXIES,
    "services",
    "namespaces",
    "pods",
    "deployments.apps",
    "customresourcedefinitions.apiextensions.k8s.io",
)
"""The type keys `on_change` is registered for in the control plane."""


# -- install -----------------------------------------------------------------------------------------------
def installed(cluster: Cluster) -> bool:
    return cluster.get("deployments", "nginx-gateway", NAMESPACE) is not None


def _served(cluster: Cluster, obj: dict) -> bool:
    try:
        rtype = cluster.store.type_of(obj)
    except Exception:  # a kind the sandbox does not serve (RBAC)
        return False
    return cluster.serves(rtype)


def install(cluster: Cluster) -> list[dict]:
    """`kubectl apply -f crds.yaml` then `-f deploy.yaml` (kinds the sandbox serves); returns what was applied."""
    applied: list[dict] = []
    for obj in crd_objects():
        applied.append(ensure(cluster, obj))
    for obj in deploy_objects():
        if obj["kind"] == "Job":
            applied.append(run_job(cluster, obj, round(cluster.store.rng.uniform(2.0, 4.0), 3)))
        elif _served(cluster, obj):
            applied.append(ensure(cluster, obj))
    reconcile(cluster)
    return applied


# -- reading the cluster -----------------------------------------------------------------------------------
def _bundle_versions(cluster: Cluster) -> list[str]:
    versions = []
    for crd in cluster.list("customresourcedefinitions"):
        if (crd.get("spec") or {}).get("group") == _GROUP:
            version = (crd["metadata"].get("annotations") or {}).get(_BUNDLE_ANNOTATION)
            if version:
                versions.append(version)
    return sorted(set(versions))


def _our_class(cluster: Cluster) -> dict | None:
    gc = cluster.get(GATEWAY_CLASSES, GATEWAY_CLASS)
    if gc is None or (gc.get("spec") or {}).get("controllerName") != CONTROLLER_NAME:
        return None
    return gc


def _class_conditions(cluster: Cluster, gc: dict) -> list[Condition]:
    ref = (gc.get("spec") or {}).get("parametersRef")
    if ref is None:
        resolved = None
    else:
        found = cluster.get(NGINX_PROXIES, ref.get("name", ""), ref.get("namespace") or NAMESPACE)
        resolved = found is not None and ref.get("kind") == "NginxProxy"
    return gateway_class_conditions(_bundle_versions(cluster), resolved)


def _class_accepted(cluster: Cluster) -> bool:
    gc = _our_class(cluster)
    if gc is None:
        return False
    return any(c.type == "Accepted" and c.status == "True" for c in _class_conditions(cluster, gc))


def _our_gateways(cluster: Cluster) -> list[dict]:
    return [
        g for g in cluster.list(GATEWAYS) if (g.get("spec") or {}).get("gatewayClassName") == GATEWAY_CLASS
    ]


def resolution(cluster: Cluster, gateway: dict) -> Resolution:
    """NGF's binding of every HTTPRoute to `gateway`, rebuilt only after the cluster changed."""
    from ingresslab.backends.sandbox.dataplane import net

    meta = gateway["metadata"]
    key = f"ngf:{meta.get('namespace')}/{meta['name']}"
    return net.cached(
        cluster,
        key,
        lambda: resolve(
            gateway,
            cluster.list(HTTP_ROUTES),
            cluster.list("services"),
            cluster.list(REFERENCE_GRANTS),
            cluster.list("namespaces"),
        ),
    )


def gateway_pods(cluster: Cluster, gateway: dict) -> list[dict]:
    """The running NGINX pods of a Gateway's data plane."""
    meta = gateway["metadata"]
    ns = meta.get("namespace") or "default"
    return [
        p
        for p in cluster.list("pods", ns)
        if (p["metadata"].get("labels") or {}).get("gateway.networking.k8s.io/gateway-name") == meta["name"]
        and (p["metadata"].get("labels") or {}).get("app.kubernetes.io/instance") == "nginx-gateway"
        and (p.get("status") or {}).get("phase") == "Running"
    ]


# -- status writing ----------------------------------------------------------------------------------------
def _conditions(conds: list[Condition], generation: int | None, previous: list[dict], now: str) -> list[dict]:
    """metav1 conditions; a condition whose status did not change keeps its lastTransitionTime."""
    before = {c.get("type"): c for c in previous or []}
    out = []
    for cond in conds:
        old = before.get(cond.type)
        when = old["lastTransitionTime"] if old and old.get("status") == cond.status else now
        out.append(cond.as_dict(generation, when))
    return out


def _sync_class(cluster: Cluster, now: str) -> None:
    for gc in cluster.list(GATEWAY_CLASSES):
        if (gc.get("spec") or {}).get("controllerName") != CONTROLLER_NAME:
            continue
        if gc["metadata"]["name"] == GATEWAY_CLASS:
            conds = _class_conditions(cluster, gc)
        else:
            conds = [
                Condition(
                    "Accepted",
                    "False",
                    "GatewayClassConflict",
                    "The resource is ignored due to a conflicting GatewayClass resource",
                )
            ]
        previous = (gc.get("status") or {}).get("conditions") or []
        status = dict(gc.get("status") or {})
        status["conditions"] = _conditions(conds, gc["metadata"].get("generation"), previous, now)
        write_status(cluster, gc, status)


def _provision(cluster: Cluster, gateway: dict) -> None:
    proxy = cluster.get(NGINX_PROXIES, PROXY_CONFIG, NAMESPACE)
    for obj in gateway_objects(gateway, GATEWAY_CLASS, proxy):
        found = cluster.get(obj["kind"].lower() + "s", obj["metadata"]["name"], obj["metadata"]["namespace"])
        if found is None:
            cluster.create(obj)
        elif obj["kind"] == "Service" and [p["port"] for p in found["spec"].get("ports") or []] != [
            p["port"] for p in obj["spec"]["ports"]
        ]:
            updated = clone(found)
            updated["spec"]["ports"] = obj["spec"]["ports"]
            cluster.update(updated)


def _addresses(cluster: Cluster, gateway: dict) -> list[dict]:
    meta = gateway["metadata"]
    svc = cluster.get("services", gateway_resource_name(meta["name"], GATEWAY_CLASS), meta.get("namespace"))
    if svc is None:
        return []
    ips: list[str] = []
    hostnames: list[str] = []
    if svc["spec"].get("type") == "LoadBalancer":
        for ingress in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            if ingress.get("ip"):
                ips.append(ingress["ip"])
            elif ingress.get("hostname"):
                hostnames.append(ingress["hostname"])
    elif svc["spec"].get("clusterIP"):
        ips.append(svc["spec"]["clusterIP"])
    return [{"type": "IPAddress", "value": ip} for ip in ips] + [
        {"type": "Hostname", "value": h} for h in hostnames
    ]


def _sync_gateway(cluster: Cluster, gateway: dict, now: str) -> Resolution:
    res = resolution(cluster, gateway)
    generation = gateway["metadata"].get("generation")
    old = gateway.get("status") or {}
    old_listeners = {lst.get("name"): lst for lst in old.get("listeners") or []}
    listeners = []
    for lst in (gateway.get("spec") or {}).get("listeners") or []:
        previous = (old_listeners.get(lst["name"]) or {}).get("conditions") or []
        listeners.append(
            {
                "name": lst["name"],
                "supportedKinds": [
                    {"group": _GROUP, "kind": "HTTPRoute"},
                    {"group": _GROUP, "kind": "GRPCRoute"},
                ],
                "attachedRoutes": len(res.attached.get(lst["name"], [])),
                "conditions": _conditions(list(LISTENER_CONDITIONS), generation, previous, now),
            }
        )
    status: dict = {}
    addresses = _addresses(cluster, gateway)
    if addresses:
        status["addresses"] = addresses
    status["conditions"] = _conditions(list(GATEWAY_CONDITIONS), generation, old.get("conditions") or [], now)
    status["listeners"] = listeners
    write_status(cluster, gateway, status)
    return res


def _sync_routes(cluster: Cluster, programmed: list[tuple[dict, Resolution]], now: str) -> None:
    for route in cluster.list(HTTP_ROUTES):
        meta = route["metadata"]
        key = (meta.get("namespace") or "default", meta["name"])
        old_parents = (route.get("status") or {}).get("parents") or []
        previous = {
            (
                p["parentRef"].get("namespace"),
                p["parentRef"].get("name"),
                p["parentRef"].get("sectionName"),
            ): p
            for p in old_parents
            if p.get("controllerName") == CONTROLLER_NAME
        }
        ours = []
        for gateway, res in programmed:
            for parent, conds in res.parents.get(key, []):
                ref = {
                    "group": _GROUP,
                    "kind": "Gateway",
                    "name": gateway["metadata"]["name"],
                    "namespace": gateway["metadata"].get("namespace") or "default",
                }
                if parent.get("sectionName"):
                    ref["sectionName"] = parent["sectionName"]
                if parent.get("port") is not None:
                    ref["port"] = parent["port"]
                prior = previous.get((ref["namespace"], ref["name"], ref.get("sectionName"))) or {}
                conditions = _conditions(conds, meta.get("generation"), prior.get("conditions") or [], now)
                ours.append({"parentRef": ref, "controllerName": CONTROLLER_NAME, "conditions": conditions})
        # Other controllers' entries stay where they are and ours replace ours in place: a route shared with
        # Istio's Gateway must not flip-flop between two orderings, each controller rewriting the other's.
        fresh = {_parent_key(p): p for p in ours}
        parents = []
        for p in old_parents:
            if p.get("controllerName") != CONTROLLER_NAME:
                parents.append(p)
            elif _parent_key(p) in fresh:
                parents.append(fresh.pop(_parent_key(p)))
        parents += fresh.values()
        if parents == old_parents:
            continue
        status = dict(route.get("status") or {})
        status["parents"] = parents
        write_status(cluster, route, status)


def _parent_key(parent: dict) -> tuple:
    ref = parent.get("parentRef") or {}
    return (ref.get("namespace"), ref.get("name"), ref.get("sectionName"), ref.get("port"))


def reconcile(cluster: Cluster) -> None:
    """One pass of NGF's control plane over the current objects (idempotent: unchanged status is not rewritten)."""
    if not installed(cluster):
        return
    now = format_time(cluster.store.now)
    _sync_class(cluster, now)
    if not _class_accepted(cluster):
        return
    programmed = []
    for gateway in _our_gateways(cluster):
        _provision(cluster, gateway)
        gateway = cluster.get(GATEWAYS, gateway["metadata"]["name"], gateway["metadata"].get("namespace"))
        if gateway is None or not gateway_pods(cluster, gateway):
            continue  # no nginx has taken the config yet: the status stays as the API server defaulted it
        programmed.append((gateway, _sync_gateway(cluster, gateway, now)))
    _sync_routes(cluster, programmed, now)


def on_change(cluster: Cluster, event: Event) -> None:
    """The controller hook: any watched change schedules one reconcile once the burst has settled."""
    if not installed(cluster) and event[1].key != "deployments.apps":
        return
    cluster.defer(("ngf", "reconcile"), lambda: reconcile(cluster))
