"""The seed's routing written as Gateway API objects (notebook 07 applies them with `kubectl apply -f - <<EOF`).

The seed's Ingress (`istio-deepdive/ingress.yaml`): host `*.example.com`, Exact `/v1` → dest-svc-v1, Exact `/v2` →
dest-svc-v2, Prefix `/` → dest-svc-error. As Gateway API: one Gateway per implementation in its own namespace,
a listener for `*.example.com` on port 80 that admits routes from every namespace, and one HTTPRoute in
`application` that names both Gateways as parents — the same routes served twice.
"""

from __future__ import annotations

__all__ = ["SEED_GATEWAY", "SEED_NGF_GATEWAY", "SEED_ROUTES"]

SEED_GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: seed-gateway
  namespace: istio-ingress
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    hostname: "*.example.com"
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: All
"""

SEED_NGF_GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: seed-ngf
  namespace: nginx-gateway
spec:
  gatewayClassName: nginx
  listeners:
  - name: http
    hostname: "*.example.com"
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: All
"""

SEED_ROUTES = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: seed-routes
  namespace: application
spec:
  parentRefs:
  - name: seed-gateway
    namespace: istio-ingress
  hostnames: ["*.example.com"]
  rules:
  - matches:
    - path:
        type: Exact
        value: /v1
    backendRefs:
    - name: dest-svc-v1
      port: 7777
  - matches:
    - path:
        type: Exact
        value: /v2
    backendRefs:
    - name: dest-svc-v2
      port: 7777
  - matches:
    - path:
        type: PathPrefix
        value: /
    backendRefs:
    - name: dest-svc-error
      port: 7777
"""
