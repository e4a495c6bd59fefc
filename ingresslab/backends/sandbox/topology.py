"""The fixed facts of the sandbox's minikube-like node (docker driver), as the tutorial's cluster had them."""

from __future__ import annotations

import ipaddress

__all__ = [
    "CLUSTER_DOMAIN",
    "HOST_IP",
    "KUBERNETES_VERSION",
    "KUBE_DNS_IP",
    "NODE_IP",
    "NODE_NAME",
    "NODE_PORT_RANGE",
    "POD_CIDR",
    "POD_GATEWAY",
    "SERVICE_CIDR",
]

NODE_NAME = "minikube"
NODE_IP = "192.168.76.2"
HOST_IP = "192.168.76.1"  # the host side of minikube's docker network: where curl from the laptop comes from
POD_CIDR = ipaddress.ip_network("10.244.0.0/16")
POD_GATEWAY = "10.244.0.1"  # the bridge: kube-proxy's SNAT source for NodePort traffic
SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
KUBE_DNS_IP = "10.96.0.10"
NODE_PORT_RANGE = (30000, 32767)
CLUSTER_DOMAIN = "cluster.local"
KUBERNETES_VERSION = "v1.31.0"
