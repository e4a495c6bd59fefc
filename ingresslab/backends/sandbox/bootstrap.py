"""A freshly started minikube: namespaces, the node, the API server's Service, CoreDNS and kube-dns."""

from __future__ import annotations

from ingresslab.backends.sandbox.cluster import Cluster
from ingresslab.backends.sandbox.topology import (
    HOST_IP,
    KUBE_DNS_IP,
    KUBERNETES_VERSION,
    NODE_IP,
    NODE_NAME,
)

__all__ = ["COREFILE", "bootstrap"]

# minikube's Corefile: the kubeadm default plus `log` and a hosts entry for the host machine.
COREFILE = f""".:53 {{
    log
    errors
    health {{
       lameduck 5s
    }}
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {{
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }}
    prometheus :9153
    hosts {{
       {HOST_IP} host.minikube.internal
       fallthrough
    }}
    forward . /etc/resolv.conf {{
       max_concurrent 1000
    }}
    cache 30
    loop
    reload
    loadbalance
}}
"""

_STATIC_PODS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler")


def _node() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": NODE_NAME,
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": NODE_NAME,
                "kubernetes.io/os": "linux",
                "minikube.k8s.io/name": NODE_NAME,
                "minikube.k8s.io/primary": "true",
                "node-role.kubernetes.io/control-plane": "",
                "node.kubernetes.io/exclude-from-external-load-balancers": "",
            },
        },
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
        "status": {
            "addresses": [
                {"address": NODE_IP, "type": "InternalIP"},
                {"address": NODE_NAME, "type": "Hostname"},
            ],
            "capacity": {"cpu": "2", "memory": "8015448Ki", "pods": "110"},
            "allocatable": {"cpu": "2", "memory": "8015448Ki", "pods": "110"},
            "conditions": [
                {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure"},
                {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID"},
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                },
            ],
            "nodeInfo": {
                "architecture": "amd64",
                "containerRuntimeVersion": "docker://27.2.0",
                "kernelVersion": "5.15.0-119-generic",
                "kubeProxyVersion": KUBERNETES_VERSION,
                "kubeletVersion": KUBERNETES_VERSION,
                "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.4 LTS",
            },
        },
    }


def _static_pod(component: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{component}-{NODE_NAME}",
            "namespace": "kube-system",
            "labels": {"component": component, "tier": "control-plane"},
        },
        "spec": {
            "hostNetwork": True,
            "priorityClassName": "system-node-critical",
            "containers": [{"name": component, "image": f"registry.k8s.io/{component}:{KUBERNETES_VERSION}"}],
        },
    }


def bootstrap(cluster: Cluster) -> None:
    """Create what `minikube start` leaves behind, in the order it appears."""
    for name in ("default", "kube-node-lease", "kube-public", "kube-system"):
        cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    cluster.create(_node())
    cluster.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "targetPort": 8443}]},
        }
    )
    for component in _STATIC_PODS:
        cluster.create(_static_pod(component))
    cluster.create(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "coredns", "namespace": "kube-system"},
            "data": {"Corefile": COREFILE},
        }
    )
    cluster.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kube-dns",
                "namespace": "kube-system",
                "labels": {
                    "k8s-app": "kube-dns",
                    "kubernetes.io/cluster-service": "true",
                    "kubernetes.io/name": "CoreDNS",
                },
                "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
            },
            "spec": {
                "clusterIP": KUBE_DNS_IP,
                "selector": {"k8s-app": "kube-dns"},
                "ports": [
                    {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                    {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                    {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
                ],
            },
        }
    )
    cluster.create(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
                "template": {
                    "metadata": {"labels": {"k8s-app": "kube-dns"}},
                    "spec": {
                        "priorityClassName": "system-cluster-critical",
                        "serviceAccountName": "coredns",
                        "dnsPolicy": "Default",
                        "containers": [
                            {
                                "name": "coredns",
                                "image": "registry.k8s.io/coredns/coredns:v1.11.1",
                                "args": ["-conf", "/etc/coredns/Corefile"],
                                "ports": [
                                    {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                    {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                    {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                                ],
                            }
                        ],
                    },
                },
            },
        }
    )
    cluster.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": f"kube-proxy-{cluster.store.rng.suffix()}",
                "namespace": "kube-system",
                "labels": {"k8s-app": "kube-proxy"},
            },
            "spec": {
                "hostNetwork": True,
                "containers": [
                    {"name": "kube-proxy", "image": f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}"}
                ],
            },
        }
    )
    cluster.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "storage-provisioner",
                "namespace": "kube-system",
                "labels": {
                    "addonmanager.kubernetes.io/mode": "Reconcile",
                    "integration-test": "storage-provisioner",
                },
            },
            "spec": {
                "hostNetwork": True,
                "containers": [
                    {"name": "storage-provisioner", "image": "gcr.io/k8s-minikube/storage-provisioner:v5"}
                ],
            },
        }
    )
