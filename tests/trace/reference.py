"""The seed's cluster as objects, and its real log lines, for trace tests that need no sandbox."""

from __future__ import annotations

NGINX_LINE = (
    '192.168.76.1 - - [15/Sep/2024:08:52:37 +0000] "GET /v1 HTTP/1.1" 200 33 "-" "curl/7.81.0" 82 0.001 '
    "[application-dest-svc-v1-http-v1] [] 10.244.0.10:5678 33 0.000 200 5b0de41158eb9e86c19b0fc0174e4450"
)
GATEWAY_LINE = (
    '[2024-09-15T12:35:56.471Z] "GET /v1 HTTP/1.1" 200 - via_upstream - "-" 0 33 0 0 "10.244.0.1" "curl/7.81.0" '
    '"3170f1cf-61ea-9166-b63c-35273a31e6f5" "yuya.example.com" "10.244.0.10:5678" '
    "outbound|7777||dest-svc-v1.application.svc.cluster.local 10.244.0.8:52522 10.244.0.8:8080 10.244.0.1:6131 - -"
)
SIDECAR_LINE = (
    '[2024-09-15T12:35:56.471Z] "GET /v1 HTTP/1.1" 200 - via_upstream - "-" 0 33 0 0 "10.244.0.1" "curl/7.81.0" '
    '"3170f1cf-61ea-9166-b63c-35273a31e6f5" "yuya.example.com" "10.244.0.10:5678" inbound|5678|| '
    "127.0.0.6:42109 10.244.0.10:5678 10.244.0.1:0 outbound_.7777_._.dest-svc-v1.application.svc.cluster.local default"
)
APP_LINE_NGINX = (
    '2024/09/15 08:52:37 yuya.example.com 10.244.0.5:41234 "GET /v1 HTTP/1.1" 200 33 "curl/7.81.0" 48.2µs'
)
APP_LINE_ISTIO = (
    '2024/09/15 12:35:56 yuya.example.com 127.0.0.6:42109 "GET /v1 HTTP/1.1" 200 33 "curl/7.81.0" 51.9µs'
)

V1_PODS = ("dest-depl-v1-7b74f64fcf-8k5xq", "dest-depl-v1-7b74f64fcf-fhwss")


def _pod(name: str, ns: str, ip: str, containers: list[str], labels: dict) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {"containers": [{"name": c} for c in containers]},
        "status": {"podIP": ip},
    }


def seed_objects(*, sidecars: bool = True) -> list[dict]:
    app = ["dest-countainer-v1", "istio-proxy"] if sidecars else ["dest-countainer-v1"]
    return [
        _pod(V1_PODS[0], "application", "10.244.0.10", app, {"app": "hw-v1"}),
        _pod(V1_PODS[1], "application", "10.244.0.11", app, {"app": "hw-v1"}),
        _pod(
            "istio-ingressgateway-6c9d5c7d9b-x2k4p",
            "istio-system",
            "10.244.0.8",
            ["istio-proxy"],
            {"istio": "ingressgateway", "app": "istio-ingressgateway"},
        ),
        _pod(
            "ingress-nginx-controller-bc57996ff-9hq7w",
            "ingress-nginx",
            "10.244.0.5",
            ["controller"],
            {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"},
        ),
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "dest-svc-v1", "namespace": "application", "labels": {"app": "hw-v1"}},
            "spec": {
                "type": "NodePort",
                "clusterIP": "10.108.78.105",
                "selector": {"app": "hw-v1"},
                "ports": [
                    {
                        "name": "http-v1",
                        "port": 7777,
                        "targetPort": 5678,
                        "nodePort": 30001,
                        "protocol": "TCP",
                    }
                ],
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": "dest-svc-v1", "namespace": "application"},
            "subsets": [
                {
                    "addresses": [{"ip": "10.244.0.10"}, {"ip": "10.244.0.11"}],
                    "ports": [{"name": "http-v1", "port": 5678, "protocol": "TCP"}],
                }
            ],
        },
    ]
