"""The seed's demo as API-server-shaped objects (minikube, after `kubectl apply -f depl-helloworld.yaml`)."""

from __future__ import annotations

from datetime import datetime, timezone

from ingresslab.backends.sandbox.addons.istio_manifests import component_objects
from ingresslab.kube.crds import kinds_with

NOW = datetime(2024, 9, 15, 9, 0, 0, tzinfo=timezone.utc)
CREATED = "2024-09-15T08:47:48Z"  # 12m12s before NOW
NS = "application"


def _meta(name: str, namespace: str | None = NS, labels: dict | None = None, **extra) -> dict:
    meta = {"name": name, "creationTimestamp": extra.pop("created", CREATED), "uid": f"uid-{name}"}
    if namespace:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    meta.update(extra)
    return meta


def service_v1() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta("dest-svc-v1", labels={"app": "hw-v1"}),
        "spec": {
            "clusterIP": "10.108.78.105",
            "clusterIPs": ["10.108.78.105"],
            "externalTrafficPolicy": "Cluster",
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [
                {"name": "http-v1", "nodePort": 30001, "port": 7777, "protocol": "TCP", "targetPort": 5678}
            ],
            "selector": {"app": "hw-v1"},
            "sessionAffinity": "None",
            "type": "NodePort",
        },
        "status": {"loadBalancer": {}},
    }


def endpoints_v1() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": _meta("dest-svc-v1", labels={"app": "hw-v1"}),
        "subsets": [
            {
                "addresses": [
                    {
                        "ip": "10.244.0.10",
                        "nodeName": "minikube",
                        "targetRef": {"kind": "Pod", "name": "dest-depl-v1-7d9c8b6f4-2xkqp"},
                    },
                    {
                        "ip": "10.244.0.11",
                        "nodeName": "minikube",
                        "targetRef": {"kind": "Pod", "name": "dest-depl-v1-7d9c8b6f4-9hmzt"},
                    },
                ],
                "ports": [{"name": "http-v1", "port": 5678, "protocol": "TCP"}],
            }
        ],
    }


def pod_v1(name: str, ip: str, *, started: str = "2024-09-15T08:47:52Z") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": _meta(
            name,
            labels={"app": "hw-v1", "pod-template-hash": "7d9c8b6f4", "version": "v1"},
            generateName="dest-depl-v1-7d9c8b6f4-",
            ownerReferences=[
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "dest-depl-v1-7d9c8b6f4",
                    "controller": True,
                }
            ],
        ),
        "spec": {
            "containers": [
                {
                    "args": ["-text=Hello World V1 from dest-depl-v1"],
                    "image": "hashicorp/http-echo",
                    "name": "dest-countainer-v1",
                    "ports": [{"containerPort": 7777, "protocol": "TCP"}],
                    "volumeMounts": [
                        {
                            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                            "name": "kube-api-access-5qv8d",
                            "readOnly": True,
                        }
                    ],
                }
            ],
            "nodeName": "minikube",
            "priority": 0,
            "serviceAccountName": "default",
            "tolerations": [
                {
                    "effect": "NoExecute",
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "tolerationSeconds": 300,
                },
                {
                    "effect": "NoExecute",
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "tolerationSeconds": 300,
                },
            ],
            "volumes": [
                {
                    "name": "kube-api-access-5qv8d",
                    "projected": {
                        "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {"configMap": {"name": "kube-root-ca.crt"}},
                            {"downwardAPI": {}},
                        ]
                    },
                }
            ],
        },
        "status": {
            "conditions": [
                {"status": "True", "type": "PodReadyToStartContainers"},
                {"status": "True", "type": "Initialized"},
                {"status": "True", "type": "Ready"},
                {"status": "True", "type": "ContainersReady"},
                {"status": "True", "type": "PodScheduled"},
            ],
            "containerStatuses": [
                {
                    "containerID": "docker://4f1c2d",
                    "image": "hashicorp/http-echo:latest",
                    "imageID": "docker-pullable://hashicorp/http-echo@sha256:fcb75f",
                    "name": "dest-countainer-v1",
                    "ready": True,
                    "restartCount": 0,
                    "started": True,
                    "state": {"running": {"startedAt": started}},
                }
            ],
            "hostIP": "192.168.76.2",
            "phase": "Running",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": "2024-09-15T08:47:48Z",
        },
    }


def pods_v1() -> list[dict]:
    return [
        pod_v1("dest-depl-v1-7d9c8b6f4-2xkqp", "10.244.0.10"),
        pod_v1("dest-depl-v1-7d9c8b6f4-9hmzt", "10.244.0.11"),
    ]


def nginx_controller_service() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(
            "ingress-nginx-controller",
            "ingress-nginx",
            labels={"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "ingress-nginx"},
            created="2024-09-15T07:00:00Z",
        ),
        "spec": {
            "clusterIP": "10.105.24.57",
            "clusterIPs": ["10.105.24.57"],
            "ports": [
                {
                    "appProtocol": "http",
                    "name": "http",
                    "nodePort": 31440,
                    "port": 80,
                    "protocol": "TCP",
                    "targetPort": "http",
                },
                {
                    "appProtocol": "https",
                    "name": "https",
                    "nodePort": 30652,
                    "port": 443,
                    "protocol": "TCP",
                    "targetPort": "https",
                },
            ],
            "selector": {
                "app.kubernetes.io/component": "controller",
                "app.kubernetes.io/name": "ingress-nginx",
            },
            "type": "NodePort",
        },
    }


def istio_gateway_service() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta(
            "istio-ingressgateway",
            "istio-system",
            labels={"app": "istio-ingressgateway", "istio": "ingressgateway"},
            created="2024-09-15T06:00:00Z",
        ),
        "spec": {
            "clusterIP": "10.98.44.170",
            "clusterIPs": ["10.98.44.170"],
            "ports": [
                {
                    "name": "status-port",
                    "nodePort": 31867,
                    "port": 15021,
                    "protocol": "TCP",
                    "targetPort": 15021,
                },
                {"name": "http2", "nodePort": 30736, "port": 80, "protocol": "TCP", "targetPort": 8080},
                {"name": "https", "nodePort": 32195, "port": 443, "protocol": "TCP", "targetPort": 8443},
            ],
            "selector": {"app": "istio-ingressgateway", "istio": "ingressgateway"},
            "type": "LoadBalancer",
        },
        "status": {"loadBalancer": {}},
    }


def nginx_ingress() -> dict:
    def path(p: str, kind: str, svc: str, port: str) -> dict:
        return {"backend": {"service": {"name": svc, "port": {"name": port}}}, "path": p, "pathType": kind}

    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": _meta("my-nginx-ingress", generation=1),
        "spec": {
            "ingressClassName": "nginx",
            "rules": [
                {
                    "host": "*.example.com",
                    "http": {
                        "paths": [
                            path("/v1", "Exact", "dest-svc-v1", "http-v1"),
                            path("/v2", "Exact", "dest-svc-v2", "http-v2"),
                            path("/", "Prefix", "dest-svc-error", "http-error"),
                        ]
                    },
                }
            ],
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "192.168.76.2"}]}},
    }


def deployment_v1() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta("dest-depl-v1", labels={"version": "v1"}),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "hw-v1"}},
            "template": {
                "metadata": {"labels": {"app": "hw-v1", "version": "v1"}},
                "spec": {"containers": [{"name": "dest-countainer-v1", "image": "hashicorp/http-echo"}]},
            },
        },
        "status": {"availableReplicas": 2, "readyReplicas": 2, "replicas": 2, "updatedReplicas": 2},
    }


# What a cluster with Istio's CRDs serves: built-in kinds plus Gateway, VirtualService, … from those CRDs.
KINDS_WITH_ISTIO = kinds_with(
    o for o in component_objects("Base", "demo") if o["kind"] == "CustomResourceDefinition"
)
