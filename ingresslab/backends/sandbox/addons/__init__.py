"""Add-ons installed into the sandbox on request: minikube's ingress addon (ingress-nginx) and Istio.

Importing this package registers their admission hooks and controllers with the Cluster.
"""

from ingresslab.backends.sandbox.addons import ingress_nginx, istio

__all__ = ["ingress_nginx", "istio"]
