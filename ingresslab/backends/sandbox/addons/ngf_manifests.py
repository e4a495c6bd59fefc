"""The objects NGINX Gateway Fabric v2.6.7's install manifests hold, and those its control plane provisions.

NGF's docs install it with two `kubectl apply -f` of raw GitHub URLs (after the Gateway API CRDs):

    https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/crds.yaml
    https://raw.githubusercontent.com/nginx/nginx-gateway-fabric/v2.6.7/deploy/default/deploy.yaml

`objects_for_url(url)` returns each file's objects in the file's order (names, labels, args, images as
the real files have them), so a URL registry can serve them offline. The CRDs are compact descriptions:
group, names, scope, versions with their printer columns and the top-level `spec` fields; nested objects
keep unknown fields. deploy.yaml's RBAC objects are included as written (a store that does not serve
`rbac.authorization.k8s.io` can drop them with `served=`).

`gateway_objects(gateway)` builds what the control plane creates for a Gateway of class `nginx`
(internal/controller/provisioner/objects.go): ServiceAccount, Service and Deployment `<gateway>-nginx` in the
Gateway's namespace, owned by the Gateway, labelled with the instance, `managed-by: nginx-gateway-nginx`,
`app.kubernetes.io/name: <gateway>-nginx` and `gateway.networking.k8s.io/gateway-name`; the Service is a
LoadBalancer with externalTrafficPolicy Local (from the NginxProxy `nginx-gateway-proxy-config`), one
`port-<n>` per listener port.

Importing this module registers both URLs with `kube.bundled` (`register()`); deploy.yaml is served there
without its RBAC objects, which the sandbox does not serve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "CONTROLLER_IMAGE",
    "CONTROL_PLANE_LABELS",
    "CRDS_URL",
    "DEPLOY_URL",
    "NAMESPACE",
    "NGF_CRDS",
    "NGINX_IMAGE",
    "VERSION",
    "NgfCrd",
    "crd_objects",
    "deploy_objects",
    "gateway_objects",
    "gateway_resource_name",
    "objects_for_url",
    "register",
    "urls",
]

VERSION = "2.6.7"
NAMESPACE = "nginx-gateway"
_RAW = "https://raw.githubusercontent.com/nginx/nginx-gateway-fabric"
CRDS_URL = f"{_RAW}/v{VERSION}/deploy/crds.yaml"
DEPLOY_URL = f"{_RAW}/v{VERSION}/deploy/default/deploy.yaml"
CONTROLLER_IMAGE = f"ghcr.io/nginx/nginx-gateway-fabric:{VERSION}"
NGINX_IMAGE = f"ghcr.io/nginx/nginx-gateway-fabric/nginx:{VERSION}"
PROXY_CONFIG = "nginx-gateway-proxy-config"
_GROUP = "gateway.nginx.org"

_SELECTOR = {"app.kubernetes.io/instance": "nginx-gateway", "app.kubernetes.io/name": "nginx-gateway"}
CONTROL_PLANE_LABELS = {**_SELECTOR, "app.kubernetes.io/version": VERSION}


# -- CRDs (deploy/crds.yaml, controller-gen v0.20.1) --------------------------------------------------------
@dataclass(frozen=True)
class NgfCrd:
    """One CRD of crds.yaml: names, its single served version, top-level spec fields, status subresource."""

    plural: str
    kind: str
    short_names: tuple[str, ...] = ()
    version: str = "v1alpha1"
    spec: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    status: bool = True


NGF_CRDS: tuple[NgfCrd, ...] = (
    NgfCrd("authenticationfilters", "AuthenticationFilter", ("authfilter", "authenticationfilter"),
           spec=("basic", "jwt", "oidc", "type"), required=("type",)),
    NgfCrd("clientsettingspolicies", "ClientSettingsPolicy", ("cspolicy",),
           spec=("body", "keepAlive", "targetRef"), required=("targetRef",)),
    NgfCrd("nginxgateways", "NginxGateway", spec=("logging",)),
    NgfCrd("nginxproxies", "NginxProxy", version="v1alpha2",
           spec=("disableHTTP2", "disableSNIHostValidation", "dnsResolver", "ipFamily", "kubernetes", "logging",
                 "metrics", "nginxPlus", "rewriteClientIP", "serverTokens", "telemetry", "waf",
                 "workerConnections"), status=False),
    NgfCrd("observabilitypolicies", "ObservabilityPolicy", version="v1alpha2",
           spec=("targetRefs", "tracing"), required=("targetRefs",)),
    NgfCrd("proxysettingspolicies", "ProxySettingsPolicy", ("pspolicy",),
           spec=("buffering", "targetRefs", "timeout"), required=("targetRefs",)),
    NgfCrd("ratelimitpolicies", "RateLimitPolicy", ("rlpolicy",), spec=("rateLimit", "targetRefs"),
           required=("targetRefs",)),
    NgfCrd("snippetsfilters", "SnippetsFilter", ("snippetsfilter",), spec=("snippets",), required=("snippets",)),
    NgfCrd("snippetspolicies", "SnippetsPolicy", ("snippetspolicy",), spec=("snippets", "targetRefs"),
           required=("targetRefs",)),
    NgfCrd("upstreamsettingspolicies", "UpstreamSettingsPolicy", ("uspolicy",),
           spec=("hashMethodKey", "keepAlive", "loadBalancingMethod", "targetRefs", "zoneSize"),
           required=("targetRefs",)),
    NgfCrd("wafpolicies", "WAFPolicy", ("wgbpolicy",), spec=("policySource", "securityLogs", "targetRefs", "type"),
           required=("policySource", "targetRefs", "type")),
)  # fmt: skip


def _crd(crd: NgfCrd) -> dict:
    spec_schema: dict = {
        "type": "object",
        "properties": {
            name: {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
            if name
            not in ("type", "serverTokens", "hashMethodKey", "loadBalancingMethod", "zoneSize", "ipFamily")
            else {"type": "string"}
            for name in crd.spec
        },
    }
    for name in ("disableHTTP2", "disableSNIHostValidation"):
        if name in crd.spec:
            spec_schema["properties"][name] = {"type": "boolean"}
    if "workerConnections" in crd.spec:
        spec_schema["properties"]["workerConnections"] = {"type": "integer"}
    for name in ("targetRefs",):
        if name in crd.spec:
            spec_schema["properties"][name] = {
                "type": "array",
                "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
            }
    if crd.required:
        spec_schema["required"] = list(crd.required)
    properties: dict = {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": spec_schema,
    }
    if crd.status:
        properties["status"] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    names: dict = {
        "categories": ["nginx-gateway-fabric"],
        "kind": crd.kind,
        "listKind": f"{crd.kind}List",
        "plural": crd.plural,
    }
    if crd.short_names:
        names["shortNames"] = list(crd.short_names)
    names["singular"] = crd.kind.lower()
    version: dict = {
        "additionalPrinterColumns": [
            {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"}
        ],
        "name": crd.version,
        "schema": {"openAPIV3Schema": {"type": "object", "properties": properties}},
        "served": True,
        "storage": True,
    }
    if crd.status:
        version["subresources"] = {"status": {}}
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "annotations": {"controller-gen.kubebuilder.io/version": "v0.20.1"},
            "name": f"{crd.plural}.{_GROUP}",
        },
        "spec": {"group": _GROUP, "names": names, "scope": "Namespaced", "versions": [version]},
    }


def crd_objects() -> list[dict]:
    """deploy/crds.yaml: NGF's CustomResourceDefinitions, alphabetical as in the file."""
    return [_crd(c) for c in NGF_CRDS]


# -- deploy/default/deploy.yaml ----------------------------------------------------------------------------
def _meta(name: str, namespace: str | None = NAMESPACE) -> dict:
    meta: dict = {"labels": dict(CONTROL_PLANE_LABELS), "name": name}
    if namespace:
        meta["namespace"] = namespace
    return meta


def _rule(groups: list[str], resources: list[str], verbs: list[str]) -> dict:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs}


_CRUD = ["create", "update", "delete", "list", "get", "watch"]
_CLUSTER_ROLE_RULES = [
    _rule([""], ["namespaces"], ["get", "list", "watch"]),
    _rule([""], ["nodes"], ["list"]),
    _rule(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
    _rule(["apiextensions.k8s.io"], ["customresourcedefinitions"], ["list", "watch"]),
    _rule(["gateway.networking.k8s.io"], ["gatewayclasses"], ["list", "watch"]),
    _rule(["gateway.networking.k8s.io"], ["gatewayclasses/status"], ["update"]),
    _rule([""], ["secrets", "configmaps", "serviceaccounts", "services"], _CRUD),
    _rule([""], ["pods"], ["get", "list", "watch"]),
    _rule(["events.k8s.io", ""], ["events"], ["create", "patch"]),
    _rule(["apps"], ["deployments", "daemonsets"], _CRUD),
    _rule(["apps"], ["replicasets"], ["get", "list"]),
    _rule(["autoscaling"], ["horizontalpodautoscalers"], _CRUD),
    _rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch"]),
    _rule(
        ["gateway.networking.k8s.io"],
        ["gateways", "httproutes", "referencegrants", "grpcroutes", "backendtlspolicies", "tlsroutes",
         "listenersets"],
        ["list", "watch"],
    ),
    _rule(
        ["gateway.networking.k8s.io"],
        ["httproutes/status", "gateways/status", "gateways/finalizers", "gatewayclasses/status",
         "grpcroutes/status", "backendtlspolicies/status", "tlsroutes/status", "listenersets/status"],
        ["update"],
    ),
    _rule([_GROUP], ["nginxgateways"], ["get", "list", "watch"]),
    _rule(
        [_GROUP],
        ["nginxproxies", "clientsettingspolicies", "observabilitypolicies", "upstreamsettingspolicies",
         "authenticationfilters", "proxysettingspolicies", "ratelimitpolicies", "wafpolicies"],
        ["list", "watch"],
    ),
    _rule(
        [_GROUP],
        ["nginxgateways/status", "clientsettingspolicies/status", "observabilitypolicies/status",
         "upstreamsettingspolicies/status", "authenticationfilters/status", "proxysettingspolicies/status",
         "ratelimitpolicies/status", "wafpolicies/status"],
        ["update"],
    ),
    _rule(["coordination.k8s.io"], ["leases"], ["create", "get", "update"]),
]  # fmt: skip

_RESTRICTED = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "runAsGroup": 1001,
    "runAsUser": 101,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def _field_env(name: str, path: str) -> dict:
    return {"name": name, "valueFrom": {"fieldRef": {"fieldPath": path}}}


def _controller_deployment() -> dict:
    container = {
        "args": [
            "controller",
            "--gateway-ctlr-name=gateway.nginx.org/nginx-gateway-controller",
            "--gatewayclass=nginx",
            "--config=nginx-gateway-config",
            "--service=nginx-gateway",
            "--agent-tls-secret=agent-tls",
            "--metrics-port=9113",
            "--health-port=8081",
            "--leader-election-lock-name=nginx-gateway-leader-election",
        ],
        "env": [
            _field_env("POD_NAMESPACE", "metadata.namespace"),
            _field_env("POD_NAME", "metadata.name"),
            _field_env("POD_UID", "metadata.uid"),
            _field_env("INSTANCE_NAME", "metadata.labels['app.kubernetes.io/instance']"),
            {"name": "IMAGE_NAME", "value": CONTROLLER_IMAGE},
        ],
        "image": CONTROLLER_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "name": "nginx-gateway",
        "ports": [
            {"containerPort": 8443, "name": "agent-grpc"},
            {"containerPort": 9113, "name": "metrics"},
            {"containerPort": 8081, "name": "health"},
        ],
        "readinessProbe": {
            "failureThreshold": 3,
            "httpGet": {"path": "/readyz", "port": "health"},
            "initialDelaySeconds": 3,
            "periodSeconds": 10,
            "successThreshold": 1,
            "timeoutSeconds": 1,
        },
        "securityContext": dict(_RESTRICTED),
        "volumeMounts": [{"mountPath": "/var/run/secrets/ngf", "name": "nginx-agent-tls"}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta("nginx-gateway"),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": dict(_SELECTOR)},
            "template": {
                "metadata": {
                    "annotations": {"prometheus.io/port": "9113", "prometheus.io/scrape": "true"},
                    "labels": dict(_SELECTOR),
                },
                "spec": {
                    "automountServiceAccountToken": True,
                    "containers": [container],
                    "securityContext": {"fsGroup": 1001, "runAsNonRoot": True},
                    "serviceAccountName": "nginx-gateway",
                    "terminationGracePeriodSeconds": 30,
                    "volumes": [{"name": "nginx-agent-tls", "secret": {"secretName": "server-tls"}}],
                },
            },
        },
    }


def _cert_job() -> dict:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _meta("nginx-gateway-cert-generator"),
        "spec": {
            "template": {
                "metadata": {"annotations": None},
                "spec": {
                    "automountServiceAccountToken": True,
                    "containers": [
                        {
                            "args": [
                                "generate-certs",
                                "--service=nginx-gateway",
                                "--cluster-domain=cluster.local",
                                "--server-tls-secret=server-tls",
                                "--agent-tls-secret=agent-tls",
                            ],
                            "env": [_field_env("POD_NAMESPACE", "metadata.namespace")],
                            "image": CONTROLLER_IMAGE,
                            "imagePullPolicy": "IfNotPresent",
                            "name": "cert-generator",
                            "securityContext": dict(_RESTRICTED),
                        }
                    ],
                    "restartPolicy": "Never",
                    "securityContext": {"fsGroup": 1001, "runAsNonRoot": True},
                    "serviceAccountName": "nginx-gateway-cert-generator",
                },
            },
            "ttlSecondsAfterFinished": 30,
        },
    }


def deploy_objects() -> list[dict]:
    """deploy/default/deploy.yaml in the file's order."""
    rbac = "rbac.authorization.k8s.io/v1"
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}},
        {"apiVersion": "v1", "automountServiceAccountToken": False, "kind": "ServiceAccount",
         "metadata": _meta("nginx-gateway")},
        {"apiVersion": "v1", "automountServiceAccountToken": False, "kind": "ServiceAccount",
         "metadata": _meta("nginx-gateway-cert-generator")},
        {"apiVersion": rbac, "kind": "Role", "metadata": _meta("nginx-gateway-cert-generator"),
         "rules": [_rule([""], ["secrets"], ["create", "update", "get"])]},
        {"apiVersion": rbac, "kind": "ClusterRole", "metadata": _meta("nginx-gateway", None),
         "rules": [dict(r) for r in _CLUSTER_ROLE_RULES]},
        {"apiVersion": rbac, "kind": "RoleBinding", "metadata": _meta("nginx-gateway-cert-generator"),
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "nginx-gateway-cert-generator"},
         "subjects": [{"kind": "ServiceAccount", "name": "nginx-gateway-cert-generator", "namespace": NAMESPACE}]},
        {"apiVersion": rbac, "kind": "ClusterRoleBinding", "metadata": _meta("nginx-gateway", None),
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "nginx-gateway"},
         "subjects": [{"kind": "ServiceAccount", "name": "nginx-gateway", "namespace": NAMESPACE}]},
        {"apiVersion": "v1", "kind": "Service", "metadata": _meta("nginx-gateway"),
         "spec": {"ports": [{"name": "agent-grpc", "port": 443, "protocol": "TCP", "targetPort": 8443}],
                  "selector": dict(_SELECTOR), "type": "ClusterIP"}},
        _controller_deployment(),
        _cert_job(),
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": _meta("nginx", None),
         "spec": {"controllerName": "gateway.nginx.org/nginx-gateway-controller",
                  "parametersRef": {"group": _GROUP, "kind": "NginxProxy", "name": PROXY_CONFIG,
                                    "namespace": NAMESPACE}}},
        {"apiVersion": f"{_GROUP}/v1alpha1", "kind": "NginxGateway", "metadata": _meta("nginx-gateway-config"),
         "spec": {"logging": {"level": "info"}}},
        {"apiVersion": f"{_GROUP}/v1alpha2", "kind": "NginxProxy", "metadata": _meta(PROXY_CONFIG),
         "spec": {"kubernetes": {
             "deployment": {"container": {"image": {"pullPolicy": "IfNotPresent",
                                                    "repository": "ghcr.io/nginx/nginx-gateway-fabric/nginx",
                                                    "tag": VERSION}},
                            "replicas": 1},
             "service": {"externalTrafficPolicy": "Local", "type": "LoadBalancer"}}}},
    ]  # fmt: skip


def urls() -> dict[str, Callable[[], list[dict]]]:
    """The install URLs NGF's docs apply, each with the function building its objects."""
    return {CRDS_URL: crd_objects, DEPLOY_URL: deploy_objects}


def objects_for_url(url: str, served: Callable[[dict], bool] | None = None) -> list[dict] | None:
    """The objects behind one of NGF's install URLs (None: not one of ours); `served` filters kinds."""
    build = urls().get(url)
    if build is None:
        return None
    objects = build()
    return [o for o in objects if served(o)] if served is not None else objects


# -- what the control plane provisions per Gateway -----------------------------------------------------------
def gateway_resource_name(gateway: str, gateway_class: str = "nginx") -> str:
    """controller.CreateNginxResourceName: `<gateway>-<class>` (truncated with a hash past 63 characters)."""
    import hashlib

    full = f"{gateway}-{gateway_class}"
    if len(full) <= 63:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    keep = 63 - 2 - 8 - len(gateway_class)
    return f"{gateway[:keep].rstrip('-')}-{digest}-{gateway_class}"


def _listener_ports(gateway: dict) -> list[int]:
    ports: list[int] = []
    for listener in (gateway.get("spec") or {}).get("listeners") or []:
        port = int(listener.get("port", 80))
        if port not in ports:
            ports.append(port)
    return sorted(ports)


def gateway_objects(gateway: dict, gateway_class: str = "nginx", proxy: dict | None = None) -> list[dict]:
    """ServiceAccount, Service and Deployment NGF creates for a Gateway (NginxProxy `proxy` or the default)."""
    meta = gateway["metadata"]
    name = gateway_resource_name(meta["name"], gateway_class)
    namespace = meta.get("namespace") or "default"
    selector = {
        "app.kubernetes.io/instance": "nginx-gateway",
        "app.kubernetes.io/managed-by": gateway_resource_name("nginx-gateway", gateway_class),
        "app.kubernetes.io/name": name,
        "gateway.networking.k8s.io/gateway-name": meta["name"],
    }
    labels = {**selector, **((gateway.get("spec") or {}).get("infrastructure") or {}).get("labels", {})}
    owner = {
        "apiVersion": gateway.get("apiVersion", "gateway.networking.k8s.io/v1"),
        "kind": "Gateway",
        "name": meta["name"],
        "uid": meta.get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }

    def object_meta() -> dict:
        return {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "ownerReferences": [dict(owner)],
        }

    kube = ((proxy or deploy_objects()[-1]).get("spec") or {}).get("kubernetes") or {}
    svc_cfg = kube.get("service") or {}
    dep_cfg = kube.get("deployment") or {}
    image_cfg = ((dep_cfg.get("container") or {}).get("image")) or {}
    image = f"{image_cfg.get('repository', NGINX_IMAGE.rsplit(':', 1)[0])}:{image_cfg.get('tag', VERSION)}"
    svc_type = svc_cfg.get("type", "LoadBalancer")
    ports = _listener_ports(gateway)
    svc_spec: dict = {
        "type": svc_type,
        "ports": [{"name": f"port-{p}", "port": p, "protocol": "TCP", "targetPort": p} for p in ports],
        "selector": dict(selector),
        "ipFamilyPolicy": "PreferDualStack",
    }
    if svc_type != "ClusterIP":
        svc_spec["externalTrafficPolicy"] = svc_cfg.get("externalTrafficPolicy", "Local")
    container = {
        "name": "nginx",
        "image": image,
        "imagePullPolicy": image_cfg.get("pullPolicy", "IfNotPresent"),
        "ports": [{"containerPort": p, "name": f"port-{p}", "protocol": "TCP"} for p in ports]
        + [{"containerPort": 9113, "name": "metrics", "protocol": "TCP"}],
        "readinessProbe": {
            "httpGet": {"path": "/readyz", "port": 8081},
            "initialDelaySeconds": 3,
        },
        "securityContext": dict(_RESTRICTED),
    }
    init = {
        "name": "init",
        "image": CONTROLLER_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": [
            "/usr/bin/gateway", "initialize",
            "--source", "/agent/nginx-agent.conf", "--destination", "/etc/nginx-agent",
            "--source", "/includes/main.conf", "--destination", "/etc/nginx/main-includes",
            "--source", "/includes/events.conf", "--destination", "/etc/nginx/events-includes",
        ],
        "securityContext": dict(_RESTRICTED),
    }  # fmt: skip
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": object_meta(),
        "spec": {
            "replicas": int(dep_cfg.get("replicas", 1)),
            "selector": {"matchLabels": dict(selector)},
            "template": {
                "metadata": {
                    "annotations": {"prometheus.io/port": "9113", "prometheus.io/scrape": "true"},
                    "labels": dict(labels),
                },
                "spec": {
                    "initContainers": [init],
                    "containers": [container],
                    "serviceAccountName": name,
                    "securityContext": {"fsGroup": 1001, "runAsNonRoot": True},
                    "terminationGracePeriodSeconds": 30,
                },
            },
        },
    }
    return [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": object_meta(),
            "automountServiceAccountToken": False,
        },
        {"apiVersion": "v1", "kind": "Service", "metadata": object_meta(), "spec": svc_spec},
        deployment,
    ]


_RBAC_GROUP = "rbac.authorization.k8s.io/"


def _sandbox_deploy_objects() -> list[dict]:
    """deploy.yaml without the RBAC objects (the sandbox's API server does not serve rbac.authorization.k8s.io)."""
    return [o for o in deploy_objects() if not o["apiVersion"].startswith(_RBAC_GROUP)]


def register() -> None:
    """Make `kubectl apply -f` of NGF's two install URLs work offline (kube.bundled's URL registry)."""
    from ingresslab.kube import bundled

    bundled.register_url(CRDS_URL, crd_objects, note=f"NGINX Gateway Fabric v{VERSION} CRDs")
    bundled.register_url(
        DEPLOY_URL, _sandbox_deploy_objects, note=f"NGINX Gateway Fabric v{VERSION} (RBAC objects left out)"
    )


register()
