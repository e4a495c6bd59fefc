"""The objects `istioctl install` (Istio 1.23.2) creates, per component, for the built-in profiles.

Only the kinds the sandbox serves are kept (RBAC, PodDisruptionBudgets and the mutating webhook are left
out). Every object carries the operator's labels, which is how `istioctl uninstall --purge` finds them again.
"""

from __future__ import annotations

from ingresslab.backends.sandbox.addons.istio_crds import ISTIO_CRDS, IstioCrd, crd_spec

__all__ = [
    "COMPONENTS",
    "ISTIO_NAMESPACE",
    "ISTIO_VERSION",
    "OUTBOUND_MODES",
    "PROFILES",
    "PROXY_IMAGE",
    "component_objects",
    "mesh_config",
]

ISTIO_VERSION = "1.23.2"
ISTIO_NAMESPACE = "istio-system"
PROXY_IMAGE = f"docker.io/istio/proxyv2:{ISTIO_VERSION}"
PILOT_IMAGE = f"docker.io/istio/pilot:{ISTIO_VERSION}"

# (component label, what istioctl calls it, icon) in install order.
COMPONENTS = {
    "Base": ("Istio core", "⛵️"),
    "Pilot": ("Istiod", "🧠"),
    "EgressGateways": ("Egress gateways", "🛫"),
    "IngressGateways": ("Ingress gateways", "🛬"),
}

# profile -> (components, access log to stdout)
PROFILES: dict[str, tuple[tuple[str, ...], bool]] = {
    "demo": (("Base", "Pilot", "EgressGateways", "IngressGateways"), True),
    "default": (("Base", "Pilot", "IngressGateways"), False),
    "minimal": (("Base", "Pilot"), False),
}


def _labels(component: str, **extra: str) -> dict:
    return {
        **extra,
        "install.operator.istio.io/owning-resource": "unknown",
        "install.operator.istio.io/owning-resource-namespace": ISTIO_NAMESPACE,
        "istio.io/rev": "default",
        "operator.istio.io/component": component,
        "operator.istio.io/managed": "Reconcile",
        "operator.istio.io/version": ISTIO_VERSION,
        "release": "istio",
    }


def _meta(name: str, component: str, namespaced: bool = True, **extra: str) -> dict:
    meta: dict = {"name": name, "labels": _labels(component, **extra)}
    if namespaced:
        meta["namespace"] = ISTIO_NAMESPACE
    return meta


OUTBOUND_MODES = ("REGISTRY_ONLY", "ALLOW_ANY")


def mesh_config(access_log: bool, outbound_mode: str | None = None) -> str:
    """The `mesh` key of ConfigMap istio-system/istio (MeshConfig as YAML, keys sorted as helm writes them).

    `outbound_mode` is `meshConfig.outboundTrafficPolicy.mode` as given to `istioctl install --set`; no
    profile sets it, so without the flag the mesh config has no such key (and the mesh default is ALLOW_ANY).
    """
    lines = ["accessLogFile: /dev/stdout"] if access_log else []
    lines += [
        "defaultConfig:",
        "  discoveryAddress: istiod.istio-system.svc:15012",
        "defaultProviders:",
        "  metrics:",
        "  - prometheus",
        "enablePrometheusMerge: true",
    ]
    if outbound_mode:
        lines += ["outboundTrafficPolicy:", f"  mode: {outbound_mode}"]
    lines += [
        "rootNamespace: istio-system",
        "trustDomain: cluster.local",
    ]
    return "\n".join(lines) + "\n"


def _crd(crd: IstioCrd) -> dict:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            **_meta(
                f"{crd.plural}.{crd.group}",
                "Base",
                False,
                app="istio-pilot",
                chart="istio",
                heritage="Tiller",
            ),
            "annotations": {"helm.sh/resource-policy": "keep"},
        },
        "spec": crd_spec(crd),
    }


def _webhook(name: str, component: str) -> dict:
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": _meta(name, component, False, app="istiod", istio="istiod"),
        "webhooks": [
            {
                "admissionReviewVersions": ["v1"],
                "clientConfig": {
                    "service": {
                        "name": "istiod",
                        "namespace": ISTIO_NAMESPACE,
                        "path": "/validate",
                        "port": 443,
                    }
                },
                "failurePolicy": "Ignore",
                "name": "rev.validation.istio.io" if component == "Pilot" else "validation.istio.io",
                "rules": [
                    {
                        "apiGroups": [
                            "security.istio.io",
                            "networking.istio.io",
                            "telemetry.istio.io",
                            "extensions.istio.io",
                        ],
                        "apiVersions": ["*"],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": ["*"],
                        "scope": "*",
                    }
                ],
                "sideEffects": "None",
            }
        ],
    }


def _service_account(name: str, component: str) -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta(name, component)}


def _base() -> list[dict]:
    return [
        *(_crd(crd) for crd in ISTIO_CRDS),
        _service_account("istio-reader-service-account", "Base"),
        _webhook("istiod-default-validator", "Base"),
    ]


def _pilot(access_log: bool, outbound_mode: str | None = None) -> list[dict]:
    pod_labels = {
        "app": "istiod",
        "istio.io/rev": "default",
        "install.operator.istio.io/owning-resource": "unknown",
        "sidecar.istio.io/inject": "false",
        "operator.istio.io/component": "Pilot",
        "istio": "pilot",
    }
    return [
        _service_account("istiod", "Pilot"),
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta("istio", "Pilot"),
            "data": {"mesh": mesh_config(access_log, outbound_mode), "meshNetworks": "networks: {}"},
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta("istio-sidecar-injector", "Pilot"),
            "data": {
                "values": '{"global":{"proxy":{"image":"proxyv2"},"hub":"docker.io/istio","tag":"1.23.2"}}'
            },
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": _meta("istiod", "Pilot", app="istiod", istio="pilot"),
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"istio": "pilot"}},
                "template": {
                    "metadata": {
                        "labels": pod_labels,
                        "annotations": {"prometheus.io/port": "15014", "prometheus.io/scrape": "true"},
                    },
                    "spec": {
                        "serviceAccountName": "istiod",
                        "containers": [
                            {
                                "name": "discovery",
                                "image": PILOT_IMAGE,
                                "args": [
                                    "discovery",
                                    "--monitoringAddr=:15014",
                                    "--log_output_level=default:info",
                                    "--domain",
                                    "cluster.local",
                                    "--keepaliveMaxServerConnectionAge",
                                    "30m",
                                ],
                                "ports": [
                                    {"containerPort": 8080, "protocol": "TCP"},
                                    {"containerPort": 15010, "protocol": "TCP"},
                                    {"containerPort": 15017, "protocol": "TCP"},
                                ],
                                "readinessProbe": {
                                    "httpGet": {"path": "/ready", "port": 8080},
                                    "initialDelaySeconds": 1,
                                    "periodSeconds": 3,
                                },
                            }
                        ],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta("istiod", "Pilot", app="istiod", istio="pilot"),
            "spec": {
                "ports": [
                    {"name": "grpc-xds", "port": 15010, "protocol": "TCP"},
                    {"name": "https-dns", "port": 15012, "protocol": "TCP"},
                    {"name": "https-webhook", "port": 443, "targetPort": 15017, "protocol": "TCP"},
                    {"name": "http-monitoring", "port": 15014, "protocol": "TCP"},
                ],
                "selector": {"app": "istiod", "istio": "pilot"},
            },
        },
        _webhook("istio-validator-istio-system", "Pilot"),
    ]


def _gateway(
    name: str, istio: str, component: str, ports: list[tuple[str, int, int]], svc_type: str
) -> list[dict]:
    selector = {"app": name, "istio": istio}
    pod_labels = {
        **selector,
        "heritage": "Tiller",
        "release": "istio",
        "chart": "gateways",
        "service.istio.io/canonical-name": name,
        "service.istio.io/canonical-revision": "latest",
        "istio.io/rev": "default",
        "install.operator.istio.io/owning-resource": "unknown",
        "operator.istio.io/component": component,
        "sidecar.istio.io/inject": "false",
    }
    container = {
        "name": "istio-proxy",
        "image": PROXY_IMAGE,
        "args": [
            "proxy",
            "router",
            "--domain",
            "$(POD_NAMESPACE).svc.cluster.local",
            "--proxyLogLevel=warning",
            "--proxyComponentLogLevel=misc:error",
            "--log_output_level=default:info",
        ],
        "ports": [{"containerPort": target, "protocol": "TCP"} for _, _, target in ports]
        + [{"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"}],
        "readinessProbe": {"httpGet": {"path": "/healthz/ready", "port": 15021, "scheme": "HTTP"}},
    }
    return [
        _service_account(f"{name}-service-account", component),
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": _meta(name, component, **selector),
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": dict(selector)},
                "template": {
                    "metadata": {
                        "labels": pod_labels,
                        "annotations": {
                            "istio.io/rev": "default",
                            "prometheus.io/path": "/stats/prometheus",
                            "prometheus.io/port": "15020",
                            "prometheus.io/scrape": "true",
                            "sidecar.istio.io/inject": "false",
                        },
                    },
                    "spec": {
                        "securityContext": {"runAsUser": 1337, "runAsGroup": 1337, "runAsNonRoot": True},
                        "serviceAccountName": f"{name}-service-account",
                        "containers": [container],
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta(name, component, **selector),
            "spec": {
                "type": svc_type,
                "selector": dict(selector),
                "ports": [
                    {"name": port_name, "port": port, "protocol": "TCP", "targetPort": target}
                    for port_name, port, target in ports
                ],
            },
        },
    ]


# The demo profile opens more ingress ports than the default one (tcp and tls for other tasks).
_INGRESS_PORTS = {
    "demo": [
        ("status-port", 15021, 15021),
        ("http2", 80, 8080),
        ("https", 443, 8443),
        ("tcp", 31400, 31400),
        ("tls", 15443, 15443),
    ],
    "default": [("status-port", 15021, 15021), ("http2", 80, 8080), ("https", 443, 8443)],
}


def component_objects(component: str, profile: str, mesh: dict | None = None) -> list[dict]:
    """The objects of one component, in the order istioctl applies them.

    `mesh` holds the `meshConfig.*` values given with `--set` (`accessLogFile`, `outboundTrafficPolicy.mode`).
    """
    mesh = mesh or {}
    if component == "Base":
        return _base()
    if component == "Pilot":
        access_log = PROFILES[profile][1] or mesh.get("accessLogFile") == "/dev/stdout"
        return _pilot(access_log, mesh.get("outboundTrafficPolicy.mode"))
    if component == "IngressGateways":
        ports = _INGRESS_PORTS.get(profile, _INGRESS_PORTS["default"])
        return _gateway("istio-ingressgateway", "ingressgateway", component, ports, "LoadBalancer")
    if component == "EgressGateways":
        ports = [("http2", 80, 8080), ("https", 443, 8443)]
        return _gateway("istio-egressgateway", "egressgateway", component, ports, "ClusterIP")
    raise ValueError(f"unknown Istio component {component!r}")
