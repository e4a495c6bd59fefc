"""Add-ons installed into the sandbox on request: minikube's ingress addon (ingress-nginx) and Istio.

Their admission hooks and controllers run from `controlplane.control_plane()`, in its declared order.
"""

from ingresslab.backends.sandbox.addons import ingress_nginx, istio

__all__ = ["ingress_nginx", "istio"]
