"""`kubectl describe` layouts for the demo's Service, Endpoints, Ingress and Pods (golden text)."""

from __future__ import annotations

import pytest

from ingresslab.kube.describe import describable, describe

from .demo_objects import KINDS_WITH_ISTIO, NOW, endpoints_v1, nginx_ingress, pods_v1, service_v1

resolve = KINDS_WITH_ISTIO.resolve  # built-in kinds and Istio's, as a cluster with Istio serves them


def related_demo() -> dict:
    svc_v2 = service_v1()
    svc_v2["metadata"]["name"] = "dest-svc-v2"
    svc_v2["spec"]["ports"][0]["name"] = "http-v2"
    ep_v2 = endpoints_v1()
    ep_v2["metadata"]["name"] = "dest-svc-v2"
    ep_v2["subsets"] = [
        {
            "addresses": [{"ip": "10.244.0.12"}],
            "ports": [{"name": "http-v2", "port": 5678, "protocol": "TCP"}],
        }
    ]
    svc_err = service_v1()
    svc_err["metadata"]["name"] = "dest-svc-error"
    svc_err["spec"]["ports"][0]["name"] = "http-error"
    ep_err = endpoints_v1()
    ep_err["metadata"]["name"] = "dest-svc-error"
    ep_err["subsets"] = []
    return {"services": [service_v1(), svc_v2, svc_err], "endpoints": [endpoints_v1(), ep_v2, ep_err]}


def test_service_shows_its_endpoints_from_the_endpoints_object():
    text = describe(resolve("svc"), service_v1(), now=NOW, related={"endpoints": [endpoints_v1()]})
    assert text == (
        "Name:                     dest-svc-v1\n"
        "Namespace:                application\n"
        "Labels:                   app=hw-v1\n"
        "Annotations:              <none>\n"
        "Selector:                 app=hw-v1\n"
        "Type:                     NodePort\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        "IP:                       10.108.78.105\n"
        "IPs:                      10.108.78.105\n"
        "Port:                     http-v1  7777/TCP\n"
        "TargetPort:               5678/TCP\n"
        "NodePort:                 http-v1  30001/TCP\n"
        "Endpoints:                10.244.0.10:5678,10.244.0.11:5678\n"
        "Session Affinity:         None\n"
        "External Traffic Policy:  Cluster\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n"
    )


def test_service_endpoints_via_lookup_and_from_endpointslices():
    def lookup(key, name, namespace):
        return (
            endpoints_v1() if (key, name, namespace) == ("endpoints", "dest-svc-v1", "application") else None
        )

    via_lookup = describe(resolve("svc"), service_v1(), now=NOW, lookup=lookup)
    assert "Endpoints:                10.244.0.10:5678,10.244.0.11:5678\n" in via_lookup
    eps = {
        "metadata": {
            "name": "dest-svc-v1-x",
            "namespace": "application",
            "labels": {"kubernetes.io/service-name": "dest-svc-v1"},
        },
        "ports": [{"name": "http-v1", "port": 5678, "protocol": "TCP"}],
        "endpoints": [
            {"addresses": ["10.244.0.10"], "conditions": {"ready": True}},
            {"addresses": ["10.244.0.11"], "conditions": {"ready": False}},
        ],
    }
    from_slices = describe(
        resolve("svc"), service_v1(), now=NOW, related={"endpointslices.discovery.k8s.io": [eps]}
    )
    assert "Endpoints:                10.244.0.10:5678\n" in from_slices
    assert "Endpoints:                <none>\n" in describe(resolve("svc"), service_v1(), now=NOW)


def test_multiline_labels_and_annotations_align_under_the_value_column():
    svc = service_v1()
    svc["metadata"]["labels"] = {"app": "hw-v1", "tier": "demo"}
    svc["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
        "owner": "yuya",
    }
    text = describe(resolve("svc"), svc, now=NOW)
    assert (
        "Labels:                   app=hw-v1\n                          tier=demo\nAnnotations:              owner: yuya\n"
        in text
    )


def test_ingress_rules_table_and_backends():
    text = describe(resolve("ing"), nginx_ingress(), now=NOW, related=related_demo())
    assert text == (
        "Name:             my-nginx-ingress\n"
        "Labels:           <none>\n"
        "Namespace:        application\n"
        "Address:          192.168.76.2\n"
        "Ingress Class:    nginx\n"
        "Default backend:  <default>\n"
        "Rules:\n"
        "  Host           Path  Backends\n"
        "  ----           ----  --------\n"
        "  *.example.com  \n"
        "                 /v1   dest-svc-v1:http-v1 (10.244.0.10:5678,10.244.0.11:5678)\n"
        "                 /v2   dest-svc-v2:http-v2 (10.244.0.12:5678)\n"
        "                 /     dest-svc-error:http-error (<none>)\n"
        # The rules table and what follows form one tabwriter block, so these align with `Host`, as in kubectl.
        "Annotations:     <none>\n"
        "Events:          <none>\n"
    )


def test_ingress_backend_for_a_missing_service_says_so():
    text = describe(resolve("ing"), nginx_ingress(), now=NOW, related={"services": [service_v1()]})
    assert 'dest-svc-v2:http-v2 (<error: services "dest-svc-v2" not found>)' in text


def test_ingress_events_get_their_own_table():
    event = {
        "involvedObject": {"kind": "Ingress", "name": "my-nginx-ingress", "namespace": "application"},
        "metadata": {"name": "e1", "namespace": "application"},
        "type": "Normal",
        "reason": "Sync",
        "message": "Scheduled for sync",
        "source": {"component": "nginx-ingress-controller"},
        "count": 2,
        "firstTimestamp": "2024-09-15T08:48:00Z",
        "lastTimestamp": "2024-09-15T08:59:30Z",
    }
    text = describe(resolve("ing"), nginx_ingress(), now=NOW, related={**related_demo(), "events": [event]})
    assert text.endswith(
        "Annotations:     <none>\n"
        "Events:\n"
        "  Type    Reason  Age                From                      Message\n"
        "  ----    ------  ----               ----                      -------\n"
        "  Normal  Sync    30s (x2 over 12m)  nginx-ingress-controller  Scheduled for sync\n"
    )


def test_endpoints_subsets():
    text = describe(resolve("ep"), endpoints_v1(), now=NOW)
    assert text == (
        "Name:         dest-svc-v1\n"
        "Namespace:    application\n"
        "Labels:       app=hw-v1\n"
        "Annotations:  <none>\n"
        "Subsets:\n"
        "  Addresses:          10.244.0.10,10.244.0.11\n"
        "  NotReadyAddresses:  <none>\n"
        "  Ports:\n"
        "    Name     Port  Protocol\n"
        "    ----     ----  --------\n"
        "    http-v1  5678  TCP\n"
        "\n"
        "Events:  <none>\n"
    )


def test_pod_describe_layout():
    text = describe(resolve("pod"), pods_v1()[0], now=NOW)
    assert text == (
        "Name:             dest-depl-v1-7d9c8b6f4-2xkqp\n"
        "Namespace:        application\n"
        "Priority:         0\n"
        "Service Account:  default\n"
        "Node:             minikube/192.168.76.2\n"
        "Start Time:       Sun, 15 Sep 2024 08:47:48 +0000\n"
        "Labels:           app=hw-v1\n"
        "                  pod-template-hash=7d9c8b6f4\n"
        "                  version=v1\n"
        "Annotations:      <none>\n"
        "Status:           Running\n"
        "IP:               10.244.0.10\n"
        "IPs:\n"
        "  IP:           10.244.0.10\n"
        "Controlled By:  ReplicaSet/dest-depl-v1-7d9c8b6f4\n"
        "Containers:\n"
        "  dest-countainer-v1:\n"
        "    Container ID:  docker://4f1c2d\n"
        "    Image:         hashicorp/http-echo\n"
        "    Image ID:      docker-pullable://hashicorp/http-echo@sha256:fcb75f\n"
        "    Port:          7777/TCP\n"
        "    Host Port:     0/TCP\n"
        "    Args:\n"
        "      -text=Hello World V1 from dest-depl-v1\n"
        "    State:          Running\n"
        "      Started:      Sun, 15 Sep 2024 08:47:52 +0000\n"
        "    Ready:          True\n"
        "    Restart Count:  0\n"
        "    Environment:    <none>\n"
        "    Mounts:\n"
        "      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-5qv8d (ro)\n"
        "Conditions:\n"
        "  Type                        Status\n"
        "  PodReadyToStartContainers   True \n"
        "  Initialized                 True \n"
        "  Ready                       True \n"
        "  ContainersReady             True \n"
        "  PodScheduled                True \n"
        "Volumes:\n"
        "  kube-api-access-5qv8d:\n"
        "    Type:                    Projected (a volume that contains injected data from multiple sources)\n"
        "    TokenExpirationSeconds:  3607\n"
        "    ConfigMapName:           kube-root-ca.crt\n"
        "    ConfigMapOptional:       <nil>\n"
        "    DownwardAPI:             true\n"
        "QoS Class:                   BestEffort\n"
        "Node-Selectors:              <none>\n"
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        "Events:                      <none>\n"
    )


def test_terminating_pod_and_waiting_container():
    pod = pods_v1()[1]
    pod["metadata"]["deletionTimestamp"] = "2024-09-15T08:59:30Z"
    pod["metadata"]["deletionGracePeriodSeconds"] = 30
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    text = describe(resolve("pod"), pod, now=NOW)
    assert "Status:                    Terminating (lasts 30s)\nTermination Grace Period:  30s\n" in text
    assert "    State:          Waiting\n      Reason:       CrashLoopBackOff\n" in text


def test_other_kinds_use_the_generic_describer():
    assert describable(resolve("svc")) and not describable(resolve("gw"))
    gw = {
        "apiVersion": "networking.istio.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "my-istio-ingress-gw", "namespace": "application", "uid": "u1", "generation": 1},
        "spec": {
            "selector": {"istio": "ingressgateway"},
            "servers": [
                {
                    "hosts": ["*.yuya.com", "example.com"],
                    "port": {"name": "http", "number": 80, "protocol": "HTTP"},
                }
            ],
        },
    }
    assert describe(resolve("gw"), gw, now=NOW) == (
        "Name:         my-istio-ingress-gw\n"
        "Namespace:    application\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "API Version:  networking.istio.io/v1\n"
        "Kind:         Gateway\n"
        "Metadata:\n"
        "  Generation:  1\n"
        "  UID:         u1\n"
        "Spec:\n"
        "  Selector:\n"
        "    Istio:  ingressgateway\n"
        "  Servers:\n"
        "    Hosts:\n"
        "      *.yuya.com\n"
        "      example.com\n"
        "    Port:\n"
        "      Name:      http\n"
        "      Number:    80\n"
        "      Protocol:  HTTP\n"
        # Consecutive tab lines share a block, so Events lines up with the last field, as in kubectl.
        "Events:          <none>\n"
    )


def test_describe_rejects_something_that_is_not_an_object():
    with pytest.raises(TypeError, match="needs a Kubernetes object"):
        describe(resolve("svc"), ["not", "an", "object"], now=NOW)
