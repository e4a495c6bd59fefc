"""The objects minikube's `ingress` addon applies (its ingress-deploy.yaml for ingress-nginx v1.11.2).

Only the kinds the sandbox serves are kept (RBAC objects are left out); names, labels, ports, hostPorts,
arguments and images follow the addon's manifest.
"""

from __future__ import annotations

__all__ = [
    "ADMISSION_JOBS",
    "CERTGEN_IMAGE",
    "CONTROLLER_CLASS",
    "CONTROLLER_IMAGE",
    "CONTROLLER_LABELS",
    "INGRESS_CLASS",
    "NAMESPACE",
    "WEBHOOK_NAME",
    "cluster_objects",
    "namespaced_objects",
]

NAMESPACE = "ingress-nginx"
INGRESS_CLASS = "nginx"
CONTROLLER_CLASS = "k8s.io/ingress-nginx"
CONTROLLER_IMAGE = "registry.k8s.io/ingress-nginx/controller:v1.11.2"
CERTGEN_IMAGE = "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.3"
WEBHOOK_NAME = "validate.nginx.ingress.kubernetes.io"

_BASE = {"app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx"}
CONTROLLER_LABELS = {"app.kubernetes.io/component": "controller", **_BASE}
_ADMISSION_LABELS = {"app.kubernetes.io/component": "admission-webhook", **_BASE}
_NODE_SELECTOR = {"minikube.k8s.io/primary": "true", "kubernetes.io/os": "linux"}
_POD_NAMESPACE_ENV = {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}


def _meta(name: str, labels: dict, namespace: str | None = NAMESPACE) -> dict:
    meta: dict = {"name": name, "labels": dict(labels)}
    if namespace:
        meta["namespace"] = namespace
    return meta


def _controller_deployment() -> dict:
    probe = {
        "failureThreshold": 5,
        "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
        "initialDelaySeconds": 10,
        "periodSeconds": 10,
        "successThreshold": 1,
        "timeoutSeconds": 1,
    }
    container = {
        "name": "controller",
        "image": CONTROLLER_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "args": [
            "/nginx-ingress-controller",
            "--election-id=ingress-nginx-leader",
            f"--controller-class={CONTROLLER_CLASS}",
            "--watch-ingress-without-class=true",
            "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
            "--tcp-services-configmap=$(POD_NAMESPACE)/tcp-services",
            "--udp-services-configmap=$(POD_NAMESPACE)/udp-services",
            "--validating-webhook=:8443",
            "--validating-webhook-certificate=/usr/local/certificates/cert",
            "--validating-webhook-key=/usr/local/certificates/key",
        ],
        "env": [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            _POD_NAMESPACE_ENV,
            {"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"},
        ],
        "lifecycle": {"preStop": {"exec": {"command": ["/wait-shutdown"]}}},
        "livenessProbe": probe,
        "readinessProbe": {**probe, "failureThreshold": 3},
        # hostPort 80/443: the node itself answers on :80, which is why `curl --resolve host:80:$(minikube ip)`
        # reaches the controller without a NodePort.
        "ports": [
            {"containerPort": 80, "hostPort": 80, "name": "http", "protocol": "TCP"},
            {"containerPort": 443, "hostPort": 443, "name": "https", "protocol": "TCP"},
            {"containerPort": 8443, "name": "webhook", "protocol": "TCP"},
        ],
        "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}},
        "securityContext": {
            "allowPrivilegeEscalation": True,
            "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
            "runAsUser": 101,
        },
        "volumeMounts": [{"mountPath": "/usr/local/certificates/", "name": "webhook-cert", "readOnly": True}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta("ingress-nginx-controller", CONTROLLER_LABELS),
        "spec": {
            "minReadySeconds": 0,
            "revisionHistoryLimit": 10,
            "replicas": 1,
            "selector": {"matchLabels": dict(CONTROLLER_LABELS)},
            "strategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
            "template": {
                "metadata": {"labels": {**CONTROLLER_LABELS, "gcp-auth-skip-secret": "true"}},
                "spec": {
                    "containers": [container],
                    "dnsPolicy": "ClusterFirst",
                    "nodeSelector": dict(_NODE_SELECTOR),
                    "serviceAccountName": "ingress-nginx",
                    "terminationGracePeriodSeconds": 0,
                    "tolerations": [
                        {"effect": "NoSchedule", "key": "node-role.kubernetes.io/master", "operator": "Equal"}
                    ],
                    "volumes": [
                        {"name": "webhook-cert", "secret": {"secretName": "ingress-nginx-admission"}}
                    ],
                },
            },
        },
    }


def _job(name: str, container: str, args: list[str]) -> dict:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _meta(name, _ADMISSION_LABELS),
        "spec": {
            "template": {
                "metadata": {"labels": dict(_ADMISSION_LABELS), "name": name},
                "spec": {
                    "containers": [
                        {
                            "name": container,
                            "image": CERTGEN_IMAGE,
                            "imagePullPolicy": "IfNotPresent",
                            "args": args,
                            "env": [_POD_NAMESPACE_ENV],
                            "securityContext": {"allowPrivilegeEscalation": False},
                        }
                    ],
                    "nodeSelector": dict(_NODE_SELECTOR),
                    "restartPolicy": "OnFailure",
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 2000},
                    "serviceAccountName": "ingress-nginx-admission",
                },
            }
        },
    }


ADMISSION_JOBS = (
    _job(
        "ingress-nginx-admission-create",
        "create",
        [
            "create",
            "--host=ingress-nginx-controller-admission,ingress-nginx-controller-admission.$(POD_NAMESPACE).svc",
            "--namespace=$(POD_NAMESPACE)",
            "--secret-name=ingress-nginx-admission",
        ],
    ),
    _job(
        "ingress-nginx-admission-patch",
        "patch",
        [
            "patch",
            "--webhook-name=ingress-nginx-admission",
            "--namespace=$(POD_NAMESPACE)",
            "--patch-mutating=false",
            "--secret-name=ingress-nginx-admission",
            "--patch-failure-policy=Fail",
        ],
    ),
)


def namespaced_objects() -> list[dict]:
    """Namespace, ServiceAccounts, ConfigMaps, Services and the controller Deployment, in manifest order."""
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": _meta(NAMESPACE, _BASE, None)},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": _meta("ingress-nginx", CONTROLLER_LABELS)},
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": _meta("ingress-nginx-admission", _ADMISSION_LABELS),
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": _meta("ingress-nginx-controller", CONTROLLER_LABELS),
            "data": {"hsts": "false"},
        },
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("tcp-services", CONTROLLER_LABELS)},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _meta("udp-services", CONTROLLER_LABELS)},
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta("ingress-nginx-controller", CONTROLLER_LABELS),
            "spec": {
                "ipFamilies": ["IPv4"],
                "ipFamilyPolicy": "SingleStack",
                "ports": [
                    {
                        "name": "http",
                        "port": 80,
                        "protocol": "TCP",
                        "targetPort": "http",
                        "appProtocol": "http",
                    },
                    {
                        "name": "https",
                        "port": 443,
                        "protocol": "TCP",
                        "targetPort": "https",
                        "appProtocol": "https",
                    },
                ],
                "selector": dict(CONTROLLER_LABELS),
                "type": "NodePort",
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": _meta("ingress-nginx-controller-admission", CONTROLLER_LABELS),
            "spec": {
                "ports": [
                    {"name": "https-webhook", "port": 443, "targetPort": "webhook", "appProtocol": "https"}
                ],
                "selector": dict(CONTROLLER_LABELS),
                "type": "ClusterIP",
            },
        },
        _controller_deployment(),
    ]


def cluster_objects(ca_bundle: str) -> list[dict]:
    """The default IngressClass and the validating webhook (its caBundle filled in by the patch job)."""
    return [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "IngressClass",
            "metadata": {
                **_meta(INGRESS_CLASS, CONTROLLER_LABELS, None),
                "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"},
            },
            "spec": {"controller": CONTROLLER_CLASS},
        },
        {
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": "ValidatingWebhookConfiguration",
            "metadata": _meta("ingress-nginx-admission", _ADMISSION_LABELS, None),
            "webhooks": [
                {
                    "admissionReviewVersions": ["v1"],
                    "clientConfig": {
                        "caBundle": ca_bundle,
                        "service": {
                            "name": "ingress-nginx-controller-admission",
                            "namespace": NAMESPACE,
                            "path": "/networking/v1/ingresses",
                            "port": 443,
                        },
                    },
                    "failurePolicy": "Fail",
                    "matchPolicy": "Equivalent",
                    "name": WEBHOOK_NAME,
                    "namespaceSelector": {},
                    "objectSelector": {},
                    "rules": [
                        {
                            "apiGroups": ["networking.k8s.io"],
                            "apiVersions": ["v1"],
                            "operations": ["CREATE", "UPDATE"],
                            "resources": ["ingresses"],
                            "scope": "*",
                        }
                    ],
                    "sideEffects": "None",
                    "timeoutSeconds": 10,
                }
            ],
        },
    ]
