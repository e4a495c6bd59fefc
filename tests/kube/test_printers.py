"""`kubectl get` output: tables per kind (golden text from kubectl's printer rules), names, JSON and YAML."""

from __future__ import annotations

import copy
import json
import subprocess

import pytest
from oracles import kubectl_path

from ingresslab.kube import printers
from ingresslab.kube.printers.output import go_yaml_key_less as _go_yaml_key_less

from .demo_objects import (
    KINDS_WITH_ISTIO,
    NOW,
    deployment_v1,
    endpoints_v1,
    istio_gateway_service,
    nginx_controller_service,
    nginx_ingress,
    pod_v1,
    pods_v1,
    service_v1,
)

KUBECTL = kubectl_path()

resolve = KINDS_WITH_ISTIO.resolve  # built-in kinds and Istio's, as a cluster with Istio serves them


def table(kind: str, objs, **kw) -> str:
    return printers.print_table(resolve(kind), objs, now=NOW, **kw)


# ----------------------------------------------------------------------------------------- tables
def test_pods_wide_as_the_seed_lists_them():
    assert table("pods", pods_v1(), wide=True) == (
        "NAME                           READY   STATUS    RESTARTS   AGE   IP            NODE       NOMINATED NODE   READINESS GATES\n"
        "dest-depl-v1-7d9c8b6f4-2xkqp   1/1     Running   0          12m   10.244.0.10   minikube   <none>           <none>\n"
        "dest-depl-v1-7d9c8b6f4-9hmzt   1/1     Running   0          12m   10.244.0.11   minikube   <none>           <none>\n"
    )


def test_nodeport_service_wide_shows_ports_and_selector():
    assert table("svc", [service_v1()], wide=True) == (
        "NAME          TYPE       CLUSTER-IP      EXTERNAL-IP   PORT(S)          AGE   SELECTOR\n"
        "dest-svc-v1   NodePort   10.108.78.105   <none>        7777:30001/TCP   12m   app=hw-v1\n"
    )


def test_loadbalancer_without_ingress_is_pending():
    assert table("svc", [istio_gateway_service()]) == (
        "NAME                   TYPE           CLUSTER-IP     EXTERNAL-IP   PORT(S)                                      AGE\n"
        "istio-ingressgateway   LoadBalancer   10.98.44.170   <pending>     15021:31867/TCP,80:30736/TCP,443:32195/TCP   3h\n"
    )


def test_loadbalancer_address_is_clipped_to_16_characters_unless_wide():
    svc = istio_gateway_service()
    svc["status"]["loadBalancer"] = {"ingress": [{"hostname": "a-very-long-load-balancer.example.com"}]}
    assert "a-very-long-l... " in table("svc", [svc])
    assert "a-very-long-load-balancer.example.com" in table("svc", [svc], wide=True)


def test_all_namespaces_prepends_namespace_column():
    out = table("svc", [nginx_controller_service(), istio_gateway_service()], all_namespaces=True)
    assert out.splitlines()[0].split() == [
        "NAMESPACE",
        "NAME",
        "TYPE",
        "CLUSTER-IP",
        "EXTERNAL-IP",
        "PORT(S)",
        "AGE",
    ]
    assert out.splitlines()[1] == (
        "ingress-nginx   ingress-nginx-controller   NodePort       10.105.24.57   <none>        "
        "80:31440/TCP,443:30652/TCP                   120m"
    )


def test_endpoints_list_ip_port_pairs():
    assert table("ep", [endpoints_v1()], wide=True) == (
        "NAME          ENDPOINTS                           AGE\ndest-svc-v1   10.244.0.10:5678,10.244.0.11:5678   12m\n"
    )


def test_endpoints_beyond_three_say_how_many_more_and_empty_is_none():
    ep = endpoints_v1()
    ep["subsets"][0]["addresses"] = [{"ip": f"10.244.0.{i}"} for i in range(10, 15)]
    assert "10.244.0.10:5678,10.244.0.11:5678,10.244.0.12:5678 + 2 more..." in table("ep", [ep])
    empty = endpoints_v1()
    del empty["subsets"]
    assert table("ep", [empty]).splitlines()[1].split() == ["dest-svc-v1", "<none>", "12m"]


def test_endpointslice_columns():
    eps = {
        "metadata": {"name": "dest-svc-v1-abcde", "creationTimestamp": "2024-09-15T08:47:48Z"},
        "addressType": "IPv4",
        "ports": [{"name": "http-v1", "port": 5678, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.244.0.10"]}, {"addresses": ["10.244.0.11"]}],
    }
    assert table("endpointslices", [eps]) == (
        "NAME                ADDRESSTYPE   PORTS   ENDPOINTS                 AGE\n"
        "dest-svc-v1-abcde   IPv4          5678    10.244.0.10,10.244.0.11   12m\n"
    )


def test_ingress_shows_class_hosts_and_node_address():
    assert table("ing", [nginx_ingress()]) == (
        "NAME               CLASS   HOSTS           ADDRESS        PORTS   AGE\n"
        "my-nginx-ingress   nginx   *.example.com   192.168.76.2   80      12m\n"
    )


def test_ingress_without_class_or_host():
    ing = nginx_ingress()
    del ing["spec"]["ingressClassName"]
    del ing["spec"]["rules"][0]["host"]
    ing["status"] = {"loadBalancer": {}}
    assert table("ing", [ing]).splitlines()[1].split() == ["my-nginx-ingress", "<none>", "*", "80", "12m"]


def test_deployment_ready_and_wide_containers():
    assert table("deploy", [deployment_v1()], wide=True) == (
        "NAME           READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS           IMAGES                SELECTOR\n"
        "dest-depl-v1   2/2     2            2           12m   dest-countainer-v1   hashicorp/http-echo   app=hw-v1\n"
    )


def test_show_labels_appends_sorted_labels_or_none():
    out = table("svc", [service_v1(), nginx_controller_service()], show_labels=True).splitlines()
    assert out[0].endswith("AGE    LABELS")
    assert out[1].endswith("app=hw-v1")
    assert out[2].endswith("app.kubernetes.io/component=controller,app.kubernetes.io/name=ingress-nginx")
    no_labels = service_v1()
    del no_labels["metadata"]["labels"]
    assert table("svc", [no_labels], show_labels=True).splitlines()[1].endswith("<none>")


def test_no_headers_and_kind_prefix():
    out = table("deploy", [deployment_v1()], no_headers=True, kind_prefix="deployment.apps")
    assert out == "deployment.apps/dest-depl-v1   2/2   2     2     12m\n"


def test_empty_list_prints_nothing():
    assert table("pods", []) == ""


@pytest.mark.parametrize(
    ("mutate", "ready", "status", "restarts"),
    [
        (
            lambda p: p["status"]["containerStatuses"][0].update(
                state={"waiting": {"reason": "ContainerCreating"}}, ready=False
            ),
            "0/1",
            "ContainerCreating",
            "0",
        ),
        (
            lambda p: p["status"]["containerStatuses"][0].update(
                state={"waiting": {"reason": "CrashLoopBackOff"}},
                ready=False,
                restartCount=4,
                lastState={"terminated": {"exitCode": 1, "finishedAt": "2024-09-15T08:58:00Z"}},
            ),
            "0/1",
            "CrashLoopBackOff",
            "4 (2m ago)",
        ),
        (
            lambda p: p["status"]["containerStatuses"][0].update(
                state={"terminated": {"exitCode": 0, "reason": "Completed"}}, ready=False
            ),
            "0/1",
            "Completed",
            "0",
        ),
        (
            lambda p: p["status"]["containerStatuses"][0].update(
                state={"terminated": {"exitCode": 137}}, ready=False
            ),
            "0/1",
            "ExitCode:137",
            "0",
        ),
        (lambda p: p["metadata"].update(deletionTimestamp="2024-09-15T08:59:00Z"), "1/1", "Terminating", "0"),
        (
            lambda p: (p["status"].update(phase="Pending"), p["status"].pop("containerStatuses")),
            "0/1",
            "Pending",
            "0",
        ),
    ],
    ids=["creating", "crashloop", "completed", "exitcode", "terminating", "pending"],
)
def test_pod_status_column_follows_container_states(mutate, ready, status, restarts):
    pod = pod_v1("p", "10.244.0.12")
    mutate(pod)
    assert table("pods", [pod]).splitlines()[1].split()[1:4] == [ready, status, *restarts.split()[:1]]
    assert restarts in table("pods", [pod])


def test_injected_pod_counts_two_containers():
    pod = pod_v1("p", "10.244.0.12")
    pod["spec"]["containers"].append({"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.23.0"})
    pod["status"]["containerStatuses"].append(
        {"name": "istio-proxy", "ready": True, "restartCount": 0, "state": {"running": {}}}
    )
    assert table("pods", [pod]).splitlines()[1].split()[1] == "2/2"


def test_namespace_node_job_and_configmap_columns():
    ns = {
        "metadata": {"name": "application", "creationTimestamp": "2024-09-15T08:00:00Z"},
        "status": {"phase": "Active"},
    }
    assert table("ns", [ns]) == "NAME          STATUS   AGE\napplication   Active   60m\n"
    node = {
        "metadata": {
            "name": "minikube",
            "creationTimestamp": "2024-09-13T09:00:00Z",
            "labels": {"node-role.kubernetes.io/control-plane": ""},
        },
        "status": {
            "conditions": [{"type": "Ready", "status": "True"}],
            "nodeInfo": {
                "kubeletVersion": "v1.31.0",
                "osImage": "Ubuntu 22.04.4 LTS",
                "kernelVersion": "6.8.0",
                "containerRuntimeVersion": "docker://27.2.0",
            },
            "addresses": [{"type": "InternalIP", "address": "192.168.76.2"}],
        },
    }
    assert table("nodes", [node], wide=True) == (
        "NAME       STATUS   ROLES           AGE   VERSION   INTERNAL-IP    EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION   CONTAINER-RUNTIME\n"
        "minikube   Ready    control-plane   2d    v1.31.0   192.168.76.2   <none>        Ubuntu 22.04.4 LTS   6.8.0            docker://27.2.0\n"
    )
    job = {
        "metadata": {"name": "ingress-nginx-admission-create", "creationTimestamp": "2024-09-15T07:00:00Z"},
        "spec": {"completions": 1},
        "status": {
            "succeeded": 1,
            "startTime": "2024-09-15T07:00:00Z",
            "completionTime": "2024-09-15T07:00:09Z",
            "conditions": [{"type": "Complete", "status": "True"}],
        },
    }
    assert table("jobs", [job]).splitlines()[1].split() == [
        "ingress-nginx-admission-create",
        "Complete",
        "1/1",
        "9s",
        "120m",
    ]
    cm = {"metadata": {"name": "kube-root-ca.crt", "creationTimestamp": CREATED_CM}, "data": {"ca.crt": "x"}}
    assert table("cm", [cm]) == "NAME               DATA   AGE\nkube-root-ca.crt   1      12m\n"


CREATED_CM = "2024-09-15T08:47:48Z"


def test_istio_crd_printer_columns():
    vs = {
        "metadata": {"name": "vs-google-via-egress-gw", "creationTimestamp": CREATED_CM},
        "spec": {"gateways": ["gw-egress-google", "mesh"], "hosts": ["google.com"]},
    }
    assert table("vs", [vs]) == (
        "NAME                      GATEWAYS                      HOSTS            AGE\n"
        'vs-google-via-egress-gw   ["gw-egress-google","mesh"]   ["google.com"]   12m\n'
    )
    se = {
        "metadata": {"name": "se-google", "creationTimestamp": CREATED_CM},
        "spec": {"hosts": ["google.com"], "resolution": "DNS"},
    }
    assert (
        table("se", [se])
        == 'NAME        HOSTS            LOCATION   RESOLUTION   AGE\nse-google   ["google.com"]              DNS          12m\n'
    )
    gw = {"metadata": {"name": "my-istio-ingress-gw", "creationTimestamp": CREATED_CM}, "spec": {}}
    assert table("gw", [gw]) == "NAME                  AGE\nmy-istio-ingress-gw   12m\n"
    dr = {
        "metadata": {"name": "dr-egress-google", "creationTimestamp": CREATED_CM},
        "spec": {"host": "istio-egressgateway.istio-system.svc.cluster.local"},
    }
    assert table("dr", [dr]).splitlines()[0].split() == ["NAME", "HOST", "AGE"]


def test_table_cells_stop_at_line_breaks():
    cm = {"metadata": {"name": "a", "creationTimestamp": CREATED_CM}, "type": "x\ny"}
    assert table("secrets", [cm]).splitlines()[1].split()[1] == "x..."


# ----------------------------------------------------------------------------------- other outputs
def test_print_name_uses_group_qualified_singular():
    assert printers.print_name(resolve("svc"), [service_v1()]) == "service/dest-svc-v1\n"
    assert printers.print_name(resolve("deploy"), [deployment_v1()]) == "deployment.apps/dest-depl-v1\n"
    assert (
        printers.print_name(resolve("ing"), [nginx_ingress()])
        == "ingress.networking.k8s.io/my-nginx-ingress\n"
    )


def test_no_resources_message():
    assert printers.no_resources_message("application") == "No resources found in application namespace."
    assert printers.no_resources_message(None) == "No resources found"


def test_json_of_several_objects_is_a_list_with_four_space_indent():
    out = printers.print_json([service_v1(), endpoints_v1()])
    data = json.loads(out)
    assert data["kind"] == "List" and data["metadata"] == {"resourceVersion": ""} and len(data["items"]) == 2
    assert out.startswith('{\n    "apiVersion": "v1",\n    "items": [\n        {\n')
    assert printers.print_json([service_v1()]) == printers.print_json(service_v1())
    assert printers.print_json([]).endswith(
        '"kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
    )


def test_yaml_key_order_is_go_yaml_natural_order():
    assert _go_yaml_key_less("a9", "a10")
    assert _go_yaml_key_less("a_b", "aB")
    assert _go_yaml_key_less("app", "app.kubernetes.io/name")


def test_yaml_quotes_what_would_read_back_as_another_type():
    out = printers.print_yaml({"a": "y", "b": "80", "c": "*.example.com", "d": "", "e": "x\ny", "f": 1.5})
    assert out == 'a: "y"\nb: "80"\nc: \'*.example.com\'\nd: ""\ne: |-\n  x\n  y\nf: 1.5\n'


def _kubectl_output(obj: dict, fmt: str, tmp_path) -> str:
    path = tmp_path / "obj.json"
    path.write_text(json.dumps(obj))
    proc = subprocess.run(
        [KUBECTL, "label", "--local", "-f", str(path), "x=y", "-o", fmt],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.usefixtures("kubectl_oracle")
@pytest.mark.parametrize("make", [service_v1, nginx_ingress, lambda: pods_v1()[0], istio_gateway_service])
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_json_and_yaml_match_kubectl(make, fmt, tmp_path):
    obj = make()
    obj["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": json.dumps(obj, separators=(",", ":")) + "\n",
        "note": "a long sentence that goes on and on so that go-yaml has to fold it somewhere past eighty columns",
        "empty": "",
        "on": "on",
        "html": "<b>&</b>",
    }
    ours = copy.deepcopy(obj)
    ours["metadata"].setdefault("labels", {})["x"] = "y"
    printer = printers.print_json if fmt == "json" else printers.print_yaml
    assert printer(ours) == _kubectl_output(obj, fmt, tmp_path)
