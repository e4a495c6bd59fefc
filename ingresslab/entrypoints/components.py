"""The names of the components a request passes and a trace shows, as one enum.

The values are the strings traces, JSON output and the log explorer have always used, and the enum is a `str`,
so `hop.component == "ingress-nginx"` keeps working while code that names a component gets a checked name.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["Component"]


class Component(str, Enum):
    CLIENT = "client"
    NODE = "node"
    INGRESS_NGINX = "ingress-nginx"
    ISTIO_INGRESSGATEWAY = "istio-ingressgateway"
    ISTIO_GATEWAY_API = "istio-gateway-api"  # a Gateway API Gateway's `<gw>-istio` Envoy
    NGINX_GATEWAY_FABRIC = "nginx-gateway-fabric"  # a Gateway API Gateway's `<gw>-nginx` NGINX
    ISTIO_EGRESSGATEWAY = "istio-egressgateway"  # the demo profile's egress gateway (an Envoy)
    SERVICE = "service"
    POD = "pod"
    SIDECAR = "sidecar"
    APP = "app"
    COREDNS = "coredns"
    UNKNOWN = "unknown"  # a log read from a file: which component wrote it is not known

    def __str__(self) -> str:  # the plain value in f-strings and str(), on every Python version
        return self.value
