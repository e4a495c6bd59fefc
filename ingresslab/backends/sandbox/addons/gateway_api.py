"""istiod's Gateway API side (Istio 1.23): its GatewayClasses, the automated gateway deployment, and status.

    reconcile(cluster)        # what istiod's class, deployment and status controllers do now
    on_change(cluster, event) # the controller registered for every kind that can change the outcome
    gateway_service(cluster, gw)  # the `<gw>-istio` Service of a managed Gateway, or None

Facts modelled (istio/istio 1.23: pilot/pkg/config/kube/gateway/{gatewayclass,deploymentcontroller,
conversion,context}.go, manifests/.../files/kube-gateway.yaml):
- Once istiod runs and the GatewayClass CRD is served (whichever comes second), istiod creates the classes
  `istio` (`istio.io/gateway-controller`, "The default Istio GatewayClass") and `istio-remote`
  (`istio.io/unmanaged-gateway`, PILOT_MULTI_NETWORK_DISCOVER_GATEWAY_API defaults on) and marks them
  Accepted "Handled by Istio controller". Ambient is off in the demo profile: no waypoint class, and no
  `istio.io/dataplane-mode: none` label on the generated objects.
- A Gateway of a class handled by `istio.io/gateway-controller` without `spec.addresses` of type Hostname
  gets the annotation `gateway.istio.io/controller-version: "5"` and, rendered from kube-gateway.yaml, a
  ServiceAccount, a Deployment and a Service, all named `<gw>-<class>` in its namespace and owned by it
  (apiVersion gateway.networking.k8s.io/v1beta1, no controller flag). Labels: the Gateway's own, plus
  `gateway.networking.k8s.io/gateway-name` and `istio.io/gateway-name` (1.23 still writes both) and
  `gateway.istio.io/managed: istio.io-gateway-controller`; annotations: the Gateway's own minus
  last-applied-configuration and istiod's override/version keys. The Service has `status-port` 15021
  (appProtocol tcp) and one port per distinct listener port named after the listener, appProtocol the
  lower-cased protocol; type LoadBalancer unless `networking.istio.io/service-type` says otherwise.
- Gateway status: Accepted "Resource accepted"; Programmed from the Service — an external address
  (LoadBalancer ingress, e.g. with `minikube tunnel`) or, with none, the Service's FQDN when it is not a
  LoadBalancer; a LoadBalancer still pending gives Programmed False `AddressNotAssigned`; an address once
  reported is never removed. The wording, listener entries (attachedRoutes) and HTTPRoute `parents` are
  `ingresslab.routing.gatewayapi.status`'s; this module tells it what the Service looks like.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingresslab.backends.sandbox.addons import istio
from ingresslab.backends.sandbox.addons.common import write_status
from ingresslab.backends.sandbox.addons.istio_manifests import ISTIO_NAMESPACE, PROXY_IMAGE
from ingresslab.backends.sandbox.store import clone, format_time
from ingresslab.kube.crds import CRD_KEY
from ingresslab.routing import gatewayapi
from ingresslab.routing.gatewayapi import status as gwstatus
from ingresslab.routing.names import service_fqdn

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.cluster import Cluster, Event

__all__ = [
    "CLASSES",
    "CONTROLLER",
    "GATEWAY_KEY",
    "GATEWAY_NAME_LABEL",
    "WATCHED",
    "deployment_name",
    "gateway_service",
    "is_managed",
    "managed_gateways",
    "on_change",
    "on_gateway_deleted",
    "reconcile",
    "rendered_objects",
]

GROUP = "gateway.networking.k8s.io"
GATEWAYCLASS_KEY = f"gatewayclasses.{GROUP}"
GATEWAY_KEY = f"gateways.{GROUP}"
HTTPROUTE_KEY = f"httproutes.{GROUP}"
GRPCROUTE_KEY = f"grpcroutes.{GROUP}"
REFERENCEGRANT_KEY = f"referencegrants.{GROUP}"

CONTROLLER = "istio.io/gateway-controller"
UNMANAGED_CONTROLLER = "istio.io/unmanaged-gateway"
CLASSES: dict[str, tuple[str, str]] = {
    "istio": (CONTROLLER, "The default Istio GatewayClass"),
    "istio-remote": (
        UNMANAGED_CONTROLLER,
        "Remote to this cluster. Does not deploy or affect configuration.",
    ),
}
CLASS_ACCEPTED_MESSAGE = "Handled by Istio controller"

GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"
DEPRECATED_GATEWAY_NAME_LABEL = "istio.io/gateway-name"
MANAGED_LABEL = "gateway.istio.io/managed"
MANAGED_VALUE = CONTROLLER.replace("/", "-")
SERVICE_TYPE_ANNOTATION = "networking.istio.io/service-type"
CONTROLLER_VERSION_ANNOTATION = "gateway.istio.io/controller-version"
CONTROLLER_VERSION = "5"
NAME_OVERRIDE = "gateway.istio.io/name-override"
SA_OVERRIDE = "gateway.istio.io/service-account"
_OMITTED_ANNOTATIONS = (
    "kubectl.kubernetes.io/last-applied-configuration",
    NAME_OVERRIDE,
    SA_OVERRIDE,
    CONTROLLER_VERSION_ANNOTATION,
)
_OWNER_API = f"{GROUP}/v1beta1"

WATCHED = (
    CRD_KEY,
    GATEWAYCLASS_KEY,
    GATEWAY_KEY,
    HTTPROUTE_KEY,
    GRPCROUTE_KEY,
    REFERENCEGRANT_KEY,
    "services",
    "endpoints",
    "namespaces",
    "deployments.apps",
)
"""The type keys whose changes can change what istiod's Gateway API controllers write."""


# -- reading the cluster ----------------------------------------------------------------------------
def _list(cluster: Cluster, key: str, namespace: str | None = None) -> list[dict]:
    rtype = cluster.store.kinds.find(key)
    return cluster.store.list(rtype, namespace) if rtype is not None else []


def _get(cluster: Cluster, key: str, name: str, namespace: str | None = None) -> dict | None:
    rtype = cluster.store.kinds.find(key)
    return cluster.store.get(rtype, name, namespace) if rtype is not None else None


def _istiod_running(cluster: Cluster) -> bool:
    return bool(istio.installed(cluster)) and istio.control_plane_running(cluster)


def class_controller(cluster: Cluster, class_name: str) -> str | None:
    """The controllerName a Gateway's class names (istiod falls back to its built-in classes)."""
    gc = _get(cluster, GATEWAYCLASS_KEY, class_name)
    if gc is not None:
        return (gc.get("spec") or {}).get("controllerName")
    builtin = CLASSES.get(class_name)
    return builtin[0] if builtin else None


def is_managed(gw: dict) -> bool:
    """IsManaged: no addresses, or one IP address (then the Service asks for it as loadBalancerIP)."""
    addresses = (gw.get("spec") or {}).get("addresses") or []
    if not addresses:
        return True
    if len(addresses) > 1:
        return False
    return addresses[0].get("type", "IPAddress") == "IPAddress"


def deployment_name(gw: dict) -> str:
    meta = gw["metadata"]
    override = (meta.get("annotations") or {}).get(NAME_OVERRIDE)
    return override or f"{meta['name']}-{gw['spec'].get('gatewayClassName', '')}"


def managed_gateways(cluster: Cluster) -> list[dict]:
    """Gateways istiod deploys for: class handled by `istio.io/gateway-controller`, managed addresses."""
    return [
        gw
        for gw in _list(cluster, GATEWAY_KEY)
        if class_controller(cluster, (gw.get("spec") or {}).get("gatewayClassName", "")) == CONTROLLER
    ]


def gateway_service(cluster: Cluster, gw: dict) -> dict | None:
    """The Service that carries a Gateway's traffic: `<gw>-istio`, or the Hostname address's Service."""
    ns = gw["metadata"]["namespace"]
    if is_managed(gw):
        return cluster.get("services", deployment_name(gw), ns)
    for address in (gw.get("spec") or {}).get("addresses") or []:
        if address.get("type") != "Hostname":
            continue
        value = address.get("value", "")
        name, _, rest = value.partition(".")
        return cluster.get("services", name, rest.split(".")[0] if rest else ns)
    return None


# -- the classes ----------------------------------------------------------------------------------------
def _ensure_classes(cluster: Cluster) -> None:
    """ClassController: create the built-in classes if absent; GetClassStatus: Accepted on every class
    whose controller istiod implements."""
    for name, (controller, description) in CLASSES.items():
        if _get(cluster, GATEWAYCLASS_KEY, name) is None:
            cluster.create(
                {
                    "apiVersion": f"{GROUP}/v1",
                    "kind": "GatewayClass",
                    "metadata": {"name": name},
                    "spec": {"controllerName": controller, "description": description},
                }
            )
    now = format_time(cluster.store.now)
    for gc in _list(cluster, GATEWAYCLASS_KEY):
        if (gc.get("spec") or {}).get("controllerName") not in (CONTROLLER, UNMANAGED_CONTROLLER):
            continue
        status = gwstatus.gateway_class_status(gc, gatewayapi.ISTIO.texts, now, gc.get("status"))
        write_status(cluster, gc, {**(gc.get("status") or {}), **status})


# -- the automated deployment ---------------------------------------------------------------------------
def _annotations(gw: dict) -> dict:
    source = gw["metadata"].get("annotations") or {}
    infra = ((gw.get("spec") or {}).get("infrastructure") or {}).get("annotations")
    if infra is not None:
        source = {k: v for k, v in infra.items() if not k.startswith(f"{GROUP}/")}
    return {k: v for k, v in source.items() if k not in _OMITTED_ANNOTATIONS}


def _labels(gw: dict) -> dict:
    infra = ((gw.get("spec") or {}).get("infrastructure") or {}).get("labels")
    if infra is not None:
        base = {k: v for k, v in infra.items() if not k.startswith(f"{GROUP}/")}
    else:
        base = dict(gw["metadata"].get("labels") or {})
    name = gw["metadata"]["name"]
    return {**base, GATEWAY_NAME_LABEL: name, DEPRECATED_GATEWAY_NAME_LABEL: name}


def _owner(gw: dict) -> list[dict]:
    return [
        {
            "apiVersion": _OWNER_API,
            "kind": "Gateway",
            "name": gw["metadata"]["name"],
            "uid": gw["metadata"]["uid"],
        }
    ]


def service_ports(gw: dict) -> list[dict]:
    """extractServicePorts: status-port, then one port per distinct listener port, named after the listener."""
    ports = [{"name": "status-port", "port": 15021, "protocol": "TCP", "appProtocol": "tcp"}]
    seen: set[int] = set()
    for i, listener in enumerate((gw.get("spec") or {}).get("listeners") or []):
        number = int(listener.get("port", 0))
        if number in seen:
            continue
        seen.add(number)
        protocol = str(listener.get("protocol", "")).lower()
        ports.append(
            {
                "name": listener.get("name") or f"{protocol}-{i}",
                "port": number,
                "protocol": "TCP",
                "appProtocol": protocol,
            }
        )
    return ports


def _env(name: str, namespace: str) -> list[dict]:
    def field(path: str) -> dict:
        return {"fieldRef": {"fieldPath": path}}

    def resource(res: str) -> dict:
        return {"resourceFieldRef": {"resource": res}}

    return [
        {"name": "PILOT_CERT_PROVIDER", "value": "istiod"},
        {"name": "CA_ADDR", "value": f"istiod.{ISTIO_NAMESPACE}.svc:15012"},
        {"name": "POD_NAME", "valueFrom": field("metadata.name")},
        {"name": "POD_NAMESPACE", "valueFrom": field("metadata.namespace")},
        {"name": "INSTANCE_IP", "valueFrom": field("status.podIP")},
        {"name": "SERVICE_ACCOUNT", "valueFrom": field("spec.serviceAccountName")},
        {"name": "HOST_IP", "valueFrom": field("status.hostIP")},
        {"name": "ISTIO_CPU_LIMIT", "valueFrom": resource("limits.cpu")},
        {"name": "PROXY_CONFIG", "value": "{}\n"},
        {"name": "ISTIO_META_POD_PORTS", "value": "[]"},
        {"name": "ISTIO_META_APP_CONTAINERS", "value": ""},
        {"name": "GOMEMLIMIT", "valueFrom": resource("limits.memory")},
        {"name": "GOMAXPROCS", "valueFrom": resource("limits.cpu")},
        {"name": "ISTIO_META_CLUSTER_ID", "value": "Kubernetes"},
        {"name": "ISTIO_META_NODE_NAME", "valueFrom": field("spec.nodeName")},
        {"name": "ISTIO_META_INTERCEPTION_MODE", "value": "REDIRECT"},
        {"name": "ISTIO_META_WORKLOAD_NAME", "value": name},
        {
            "name": "ISTIO_META_OWNER",
            "value": f"kubernetes://apis/apps/v1/namespaces/{namespace}/deployments/{name}",
        },
        {"name": "ISTIO_META_MESH_ID", "value": "cluster.local"},
        {"name": "TRUST_DOMAIN", "value": "cluster.local"},
    ]


def _probe(**extra: int) -> dict:
    return {"httpGet": {"path": "/healthz/ready", "port": 15021, "scheme": "HTTP"}, **extra}


def _pod_spec(name: str, namespace: str, sa: str) -> dict:
    mounts = [
        {"name": "workload-socket", "mountPath": "/var/run/secrets/workload-spiffe-uds"},
        {"name": "credential-socket", "mountPath": "/var/run/secrets/credential-uds"},
        {"name": "workload-certs", "mountPath": "/var/run/secrets/workload-spiffe-credentials"},
        {"mountPath": "/var/run/secrets/istio", "name": "istiod-ca-cert"},
        {"mountPath": "/var/lib/istio/data", "name": "istio-data"},
        {"mountPath": "/etc/istio/proxy", "name": "istio-envoy"},
        {"mountPath": "/var/run/secrets/tokens", "name": "istio-token"},
        {"name": "istio-podinfo", "mountPath": "/etc/istio/pod"},
    ]
    volumes = [
        {"emptyDir": {}, "name": "workload-socket"},
        {"emptyDir": {}, "name": "credential-socket"},
        {"emptyDir": {}, "name": "workload-certs"},
        {"emptyDir": {"medium": "Memory"}, "name": "istio-envoy"},
        {"name": "istio-data", "emptyDir": {}},
        {
            "name": "istio-podinfo",
            "downwardAPI": {
                "items": [
                    {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                    {"path": "annotations", "fieldRef": {"fieldPath": "metadata.annotations"}},
                ]
            },
        },
        {
            "name": "istio-token",
            "projected": {
                "sources": [
                    {
                        "serviceAccountToken": {
                            "path": "istio-token",
                            "expirationSeconds": 43200,
                            "audience": "istio-ca",
                        }
                    }
                ]
            },
        },
        {"name": "istiod-ca-cert", "configMap": {"name": "istio-ca-root-cert"}},
    ]
    container = {
        "name": "istio-proxy",
        "image": PROXY_IMAGE,
        "resources": {
            "limits": {"cpu": "2", "memory": "1Gi"},
            "requests": {"cpu": "10m", "memory": "40Mi"},
        },
        "securityContext": {
            "capabilities": {"drop": ["ALL"]},
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "runAsUser": 1337,
            "runAsGroup": 1337,
            "runAsNonRoot": True,
        },
        "ports": [
            {"containerPort": 15021, "name": "status-port", "protocol": "TCP"},
            {"containerPort": 15090, "protocol": "TCP", "name": "http-envoy-prom"},
        ],
        "args": [
            "proxy",
            "router",
            "--domain",
            "$(POD_NAMESPACE).svc.cluster.local",
            "--proxyLogLevel",
            "warning",
            "--proxyComponentLogLevel",
            "misc:error",
            "--log_output_level",
            "default:info",
        ],
        "env": _env(name, namespace),
        "startupProbe": _probe(
            failureThreshold=30, initialDelaySeconds=1, periodSeconds=1, successThreshold=1, timeoutSeconds=1
        ),
        "readinessProbe": _probe(
            failureThreshold=4, initialDelaySeconds=0, periodSeconds=15, successThreshold=1, timeoutSeconds=1
        ),
        "volumeMounts": mounts,
    }
    return {
        "securityContext": {"sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}]},
        "serviceAccountName": sa,
        "containers": [container],
        "volumes": volumes,
    }


def rendered_objects(gw: dict) -> list[dict]:
    """kube-gateway.yaml rendered for `gw`: ServiceAccount, Deployment, Service (istiod adds the managed label)."""
    meta = gw["metadata"]
    name, namespace = deployment_name(gw), meta["namespace"]
    sa = (meta.get("annotations") or {}).get(SA_OVERRIDE) or name
    annotations = _annotations(gw)
    labels = {**_labels(gw), MANAGED_LABEL: MANAGED_VALUE}
    selector = {GATEWAY_NAME_LABEL: meta["name"]}
    pod_labels = {
        "sidecar.istio.io/inject": "false",
        "service.istio.io/canonical-name": name,
        "service.istio.io/canonical-revision": "latest",
        **_labels(gw),
    }
    pod_annotations = {
        **annotations,
        "istio.io/rev": "default",
        "prometheus.io/path": "/stats/prometheus",
        "prometheus.io/port": "15020",
        "prometheus.io/scrape": "true",
    }
    service_type = (meta.get("annotations") or {}).get(SERVICE_TYPE_ANNOTATION, "LoadBalancer")

    def metadata(obj_name: str) -> dict:
        out = {
            "name": obj_name,
            "namespace": namespace,
            "labels": dict(labels),
            "ownerReferences": _owner(gw),
        }
        if annotations:
            out["annotations"] = dict(annotations)
        return out

    service_spec: dict = {"ports": service_ports(gw), "selector": dict(selector), "type": service_type}
    addresses = (gw.get("spec") or {}).get("addresses") or []
    if addresses and service_type == "LoadBalancer":
        service_spec["loadBalancerIP"] = addresses[0].get("value", "")
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata(sa)},
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": metadata(name),
            "spec": {
                "selector": {"matchLabels": dict(selector)},
                "template": {
                    "metadata": {"annotations": pod_annotations, "labels": pod_labels},
                    "spec": _pod_spec(name, namespace, sa),
                },
            },
        },
        {"apiVersion": "v1", "kind": "Service", "metadata": metadata(name), "spec": service_spec},
    ]


def _apply(cluster: Cluster, desired: dict) -> None:
    """Server-side apply of one rendered object, only over objects istiod manages (canManage)."""
    meta = desired["metadata"]
    found = cluster.get(desired["kind"].lower() + "s", meta["name"], meta["namespace"])
    applied = cluster.state.extra.setdefault("istiodGatewayApplied", {})
    key = f"{desired['kind']}/{meta['namespace']}/{meta['name']}"
    if found is None:
        cluster.create(clone(desired))
        applied[key] = clone(desired)
        return
    if applied.get(key) == desired:
        return  # the same apply again changes nothing
    applied[key] = clone(desired)
    if MANAGED_LABEL not in (found["metadata"].get("labels") or {}):
        return  # someone else's object: istiod leaves it alone
    updated = clone(found)
    changed = False
    for key in ("labels", "annotations", "ownerReferences"):
        if key in meta and updated["metadata"].get(key) != meta[key]:
            updated["metadata"][key] = clone(meta[key])
            changed = True
    spec = desired.get("spec")
    if spec is not None:
        merged = clone(updated.get("spec") or {})
        for key, value in spec.items():
            if key == "ports":
                old_ports = {p.get("name"): p for p in merged.get("ports") or []}
                value = [{**old_ports.get(p["name"], {}), **p} for p in value]
                value = [_keep_node_port(p, spec.get("type")) for p in value]
            if key == "template":
                value = _merge_template(merged.get("template") or {}, value)
            merged[key] = clone(value)
        if merged != updated.get("spec"):
            updated["spec"] = merged
            changed = True
    if changed:
        cluster.update(updated)


def _keep_node_port(port: dict, service_type: str | None) -> dict:
    if service_type not in ("LoadBalancer", "NodePort"):
        port = {k: v for k, v in port.items() if k != "nodePort"}
    return port


def _merge_template(old: dict, new: dict) -> dict:
    """The pod template as apply leaves it: the API server's defaults kept where istiod sets nothing."""
    merged = clone(old)
    merged["metadata"] = clone(new.get("metadata") or {})
    spec = merged.setdefault("spec", {})
    for key, value in (new.get("spec") or {}).items():
        if key == "containers":
            old_c = {c["name"]: c for c in spec.get("containers") or []}
            value = [{**old_c.get(c["name"], {}), **c} for c in value]
        spec[key] = clone(value)
    return merged


def _deploy(cluster: Cluster, gw: dict) -> dict:
    """configureIstioGateway: stamp the controller version, then apply the rendered objects."""
    annotations = gw["metadata"].get("annotations") or {}
    if annotations.get(CONTROLLER_VERSION_ANNOTATION) != CONTROLLER_VERSION:
        updated = clone(gw)
        updated["metadata"].setdefault("annotations", {})[CONTROLLER_VERSION_ANNOTATION] = CONTROLLER_VERSION
        gw = cluster.update(updated)
    for obj in rendered_objects(gw):
        _apply(cluster, obj)
    return gw


def on_gateway_deleted(cluster: Cluster, event: Event) -> None:
    """The garbage collector for a deleted Gateway's dependents (ServiceAccount, Deployment, Service)."""
    verb, rtype, old, _ = event
    if verb != "deleted" or old is None or rtype.key != GATEWAY_KEY:
        return
    for owned_type, obj in cluster.store.owned(old["metadata"].get("uid", "")):
        cluster.delete(owned_type, obj["metadata"]["name"], obj["metadata"].get("namespace"))


# -- Gateway status -----------------------------------------------------------------------------------
def _listener_ports(gw: dict) -> list[int]:
    return sorted({int(x.get("port", 0)) for x in (gw.get("spec") or {}).get("listeners") or []})


def _external_addresses(svc: dict) -> list[str]:
    found = [
        entry.get("ip") or entry.get("hostname")
        for entry in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    ]
    found += list((svc.get("spec") or {}).get("externalIPs") or [])
    return [a for a in found if a]


def _has_instances(cluster: Cluster, svc: dict, port: int) -> bool:
    from ingresslab.backends.sandbox.dataplane import kubeproxy

    sp = next((p for p in (svc.get("spec") or {}).get("ports") or [] if int(p["port"]) == port), None)
    return sp is not None and bool(kubeproxy.ready_endpoints(cluster, svc, sp))


def _service_view(cluster: Cluster, gw: dict) -> gwstatus.GatewayService | None:
    """What istiod sees of the Service a Gateway is assigned to (ResolveGatewayInstances' inputs)."""
    ns = gw["metadata"]["namespace"]
    if is_managed(gw):
        fqdn = service_fqdn(deployment_name(gw), ns)
    else:
        hostnames = [
            a.get("value", "")
            for a in (gw.get("spec") or {}).get("addresses") or []
            if a.get("type") == "Hostname"
        ]
        if not hostnames:
            return None
        fqdn = hostnames[0] if "." in hostnames[0] else service_fqdn(hostnames[0], ns)
    name, _, rest = fqdn.partition(".")
    svc = cluster.get("services", name, rest.split(".")[0])
    if svc is None:
        return gwstatus.GatewayService(fqdn, found=False, ready=False)
    ready = all(_has_instances(cluster, svc, port) for port in _listener_ports(gw))
    external = tuple(_external_addresses(svc))
    pending = svc["spec"].get("type") == "LoadBalancer" and not external
    return gwstatus.GatewayService(fqdn, found=True, ready=ready, pending=pending, external=external)


def inputs(cluster: Cluster) -> gatewayapi.Inputs:
    """routing.gatewayapi's Inputs from the cluster's objects now."""
    return gatewayapi.Inputs(
        gateway_classes=tuple(_list(cluster, GATEWAYCLASS_KEY)),
        gateways=tuple(_list(cluster, GATEWAY_KEY)),
        http_routes=tuple(_list(cluster, HTTPROUTE_KEY)),
        reference_grants=tuple(_list(cluster, REFERENCEGRANT_KEY)),
        services={(s["metadata"]["namespace"], s["metadata"]["name"]): s for s in cluster.list("services")},
        namespaces={n["metadata"]["name"]: n for n in cluster.list("namespaces")},
    )


def resolution(cluster: Cluster) -> gatewayapi.Resolution | None:
    """istiod's view of the Gateway API objects, or None while Gateways are not served."""
    if cluster.store.kinds.find(GATEWAY_KEY) is None:
        return None
    return gatewayapi.resolve(inputs(cluster), gatewayapi.ISTIO)


def istio_conversion(cluster: Cluster):
    """The internal Gateways and VirtualServices istiod derives from Gateway API objects (a routing.istio
    Conversion), or None when istiod is not running or the CRDs are absent."""
    if not _istiod_running(cluster):
        return None
    found = resolution(cluster)
    return gatewayapi.istio_conversion(found) if found is not None else None


def _write_statuses(cluster: Cluster, now: str) -> None:
    found = resolution(cluster)
    if found is None:
        return
    previous = {("Gateway", g.namespace, g.name): g.obj.get("status") or {} for g in found.gateways}
    previous.update({("HTTPRoute", r.namespace, r.name): r.obj.get("status") or {} for r in found.routes})
    services = {(g.namespace, g.name): _service_view(cluster, g.obj) for g in found.gateways}
    result = gwstatus.statuses(found, now, services, previous)
    for kind_key, status_map in ((GATEWAY_KEY, result.gateways), (HTTPROUTE_KEY, result.routes)):
        for (ns, name), status in status_map.items():
            current = _get(cluster, kind_key, name, ns)
            if current is not None:
                write_status(cluster, current, {**(current.get("status") or {}), **status})


# -- the controller -----------------------------------------------------------------------------------
def reconcile(cluster: Cluster) -> None:
    """istiod's class controller, deployment controller and status writer, once, idempotently."""
    if cluster.store.kinds.find(GATEWAYCLASS_KEY) is None or not _istiod_running(cluster):
        return
    _ensure_classes(cluster)
    if cluster.store.kinds.find(GATEWAY_KEY) is None:
        return
    for gw in managed_gateways(cluster):
        if is_managed(gw):
            _deploy(cluster, gw)
    _write_statuses(cluster, format_time(cluster.store.now))


def on_change(cluster: Cluster, event: Event) -> None:
    """Registered for every kind in WATCHED: reconcile once the current burst of changes has settled."""
    if event[1].key == CRD_KEY or cluster.store.kinds.find(GATEWAYCLASS_KEY) is not None:
        cluster.defer(("istiod", "gateway-api"), lambda: reconcile(cluster))
