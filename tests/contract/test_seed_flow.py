"""The seed's whole flow through the Lab, one step per test, written once and run on every backend.

Each step runs the seed's own commands through `lab.sh` and checks what they print against the API objects
and the components' parsed log lines — facts any faithful cluster shows, whatever the generated names and IPs.
On a live cluster the checks are retried while the cluster settles; on the sandbox they must hold at once.
Steps marked `needs_data_plane` stay sandbox-only on the reference cluster (it runs no containers).
"""

from __future__ import annotations

import importlib.util
import json
import re
from typing import Any

import pytest
from contract_support import NAMESPACE, needs_data_plane, node_ip, parse_table, wait_for

from ingresslab.errors import NotFound
from ingresslab.lab import Lab
from ingresslab.logs import CoreDNSQuery, EnvoyAccess, NginxAccess, parse_line

HOST = "yuya.example.com"
V1_TEXT = "Hello World V1 from dest-depl-v1"
V1_FQDN = f"dest-svc-v1.{NAMESPACE}.svc.cluster.local"
NOTICE = "Defaulting debug container name to"

# The steps build on each other on one cluster per backend: keep them on one xdist worker, in order
# (pyproject.toml's addopts run xdist with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("seed-flow")


def run(lab: Lab, script: str) -> str:
    """Run seed text; a failing command fails the step with everything it printed."""
    result = lab.sh(script)
    assert result.returncode == 0, f"$ {script}\n{result.stdout}{result.stderr}"
    return result.stdout


def exists(lab: Lab, kind: str, name: str, namespace: str | None = None) -> bool:
    try:
        lab.backend.get(kind, name, namespace)
    except NotFound:
        return False
    return True


def v1_pods(lab: Lab) -> list[dict]:
    return lab.backend.list("pods", NAMESPACE, label_selector="app=hw-v1")


def ready(pod: dict) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def assert_pods_settled(
    lab: Lab, namespace: str, selector: str, *, sidecar: bool | None = None
) -> list[dict]:
    pods = lab.backend.list("pods", namespace, label_selector=selector)
    current = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
    assert current and len(current) == len(pods), f"{selector}: pods still starting or terminating"
    assert all(ready(p) for p in current), f"{selector}: not every pod is Ready yet"
    if sidecar is not None:
        has = [any(c["name"] == "istio-proxy" for c in p["spec"]["containers"]) for p in current]
        assert all(h == sidecar for h in has), f"{selector}: sidecars {has}, wanted {sidecar}"
    return current


def v1_endpoints(lab: Lab) -> set[str]:
    ep = lab.backend.get("endpoints", "dest-svc-v1", NAMESPACE)
    return {
        f"{a['ip']}:{p['port']}"
        for s in ep.get("subsets") or []
        for a in s.get("addresses") or []
        for p in s["ports"]
    }


def records(text: str, kind: type) -> list[Any]:
    return [r for r in (parse_line(line) for line in text.splitlines()) if isinstance(r, kind)]


def kube_dns_ip(lab: Lab) -> str:
    return lab.backend.get("services", "kube-dns", "kube-system")["spec"]["clusterIP"]


@pytest.mark.usefixtures("lab")
class TestSeedFlow:
    """The seed, top to bottom: demo app, NGINX Ingress, DNS, Istio gateway, proxy-config, clean-up."""

    ordered = True  # conftest: a failed step skips the later ones on that backend

    # -- demo app ---------------------------------------------------------------------------------------------

    def test_namespace_is_created_and_becomes_the_context_default(self, lab: Lab) -> None:
        out = run(
            lab,
            "kubectl create namespace application && kubectl config set-context --current --namespace=application",
        )
        assert out.splitlines()[0] == "namespace/application created"
        assert re.fullmatch(r'Context ".+" modified\.', out.splitlines()[1])
        assert exists(lab, "namespaces", NAMESPACE)
        assert run(lab, "kubectl config view --minify -o jsonpath='{..namespace}'").strip() == NAMESPACE

    def test_demo_app_is_applied_and_its_pods_become_ready(self, lab: Lab) -> None:
        out = run(lab, "kubectl apply -f istio-deepdive/depl-helloworld.yaml")
        for obj in ("service/dest-svc-v1", "deployment.apps/dest-depl-v1", "service/dest-svc-v2"):
            assert f"{obj} created" in out.splitlines()
        pods = wait_for(lab, lambda: assert_pods_settled(lab, NAMESPACE, "app=hw-v1", sidecar=False))
        deployment = lab.backend.get("deployments", "dest-depl-v1", NAMESPACE)
        assert len(pods) == deployment["spec"]["replicas"]

    def test_the_deployment_owns_a_replicaset_that_owns_the_pods(self, lab: Lab) -> None:
        [row] = parse_table(run(lab, "kubectl get rs -l app=hw-v1 -owide"))
        deployment = lab.backend.get("deployments", "dest-depl-v1", NAMESPACE)
        rs = lab.backend.get("replicasets", row["NAME"], NAMESPACE)
        replicas = str(deployment["spec"]["replicas"])
        assert (row["DESIRED"], row["CURRENT"], row["READY"]) == (replicas, replicas, replicas)
        template_hash = rs["metadata"]["labels"]["pod-template-hash"]
        assert row["NAME"] == f"dest-depl-v1-{template_hash}"
        assert row["SELECTOR"] == f"app=hw-v1,pod-template-hash={template_hash}"
        [owner] = rs["metadata"]["ownerReferences"]
        assert (owner["kind"], owner["name"], owner["uid"]) == (
            "Deployment",
            "dest-depl-v1",
            deployment["metadata"]["uid"],
        )
        for pod in v1_pods(lab):
            [owner] = pod["metadata"]["ownerReferences"]
            assert (owner["kind"], owner["uid"], owner["controller"]) == (
                "ReplicaSet",
                rs["metadata"]["uid"],
                True,
            )
            assert pod["metadata"]["name"].startswith(f"{row['NAME']}-")

    def test_get_svc_table_matches_the_service_object(self, lab: Lab) -> None:
        rows = parse_table(run(lab, "kubectl get svc -l app=hw-v1 -owide"))
        svc = lab.backend.get("services", "dest-svc-v1", NAMESPACE)
        [row] = rows
        ports = ",".join(
            f"{p['port']}:{p['nodePort']}/{p.get('protocol', 'TCP')}" for p in svc["spec"]["ports"]
        )
        assert (row["NAME"], row["TYPE"], row["CLUSTER-IP"]) == (
            "dest-svc-v1",
            "NodePort",
            svc["spec"]["clusterIP"],
        )
        assert (row["EXTERNAL-IP"], row["PORT(S)"], row["SELECTOR"]) == ("<none>", ports, "app=hw-v1")

    def test_get_endpoints_table_matches_the_endpoints_object(self, lab: Lab) -> None:
        [row] = parse_table(run(lab, "kubectl get endpoints -l app=hw-v1 -owide"))
        assert row["NAME"] == "dest-svc-v1"
        shown = set(row["ENDPOINTS"].split(","))
        pod_ips = {p["status"]["podIP"] for p in v1_pods(lab)}
        assert shown == v1_endpoints(lab) == {f"{ip}:5678" for ip in pod_ips}

    def test_endpointslices_list_the_same_ready_pods(self, lab: Lab) -> None:
        def listed() -> None:
            # a real endpointslice controller writes a pod into the slice a moment after it turns ready
            [row] = parse_table(
                run(lab, "kubectl get endpointslices -l kubernetes.io/service-name=dest-svc-v1")
            )
            pod_ips = {p["status"]["podIP"] for p in v1_pods(lab)}
            assert (row["ADDRESSTYPE"], row["PORTS"]) == ("IPv4", "5678")
            assert set(row["ENDPOINTS"].split(",")) == pod_ips
            assert row["NAME"].startswith("dest-svc-v1-")

        wait_for(lab, listed, timeout=60)

    def test_get_pod_table_matches_the_pod_objects(self, lab: Lab) -> None:
        rows = parse_table(run(lab, "kubectl get pod -l app=hw-v1  -owide"))
        pods = {p["metadata"]["name"]: p for p in v1_pods(lab)}
        assert {r["NAME"] for r in rows} == set(pods)
        for row in rows:
            pod = pods[row["NAME"]]
            assert (row["READY"], row["STATUS"]) == ("1/1", "Running")
            assert (row["IP"], row["NODE"]) == (pod["status"]["podIP"], pod["spec"]["nodeName"])

    def test_scaling_adds_and_removes_pods_and_endpoints(self, lab: Lab) -> None:
        replicas = lab.backend.get("deployments", "dest-depl-v1", NAMESPACE)["spec"]["replicas"]
        for count in (replicas + 1, replicas):
            out = run(lab, f"kubectl scale deployment dest-depl-v1 --replicas={count}")
            assert out == "deployment.apps/dest-depl-v1 scaled\n"

            def scaled(count: int = count) -> None:
                pods = assert_pods_settled(lab, NAMESPACE, "app=hw-v1")
                assert len(pods) == count, f"{len(pods)} pods, want {count}"
                assert v1_endpoints(lab) == {f"{p['status']['podIP']}:5678" for p in pods}

            wait_for(lab, scaled)

    def test_errors_are_worded_as_the_api_server_words_them(self, lab: Lab) -> None:
        cases = {
            "kubectl get svc nope": 'Error from server (NotFound): services "nope" not found',
            # kubectl 1.31 words a missing Deployment so here, not with the server's NotFound.
            "kubectl scale deployment nope --replicas=2": "error: no objects passed to scale",
            "kubectl create namespace application": (
                'Error from server (AlreadyExists): namespaces "application" already exists'
            ),
            # An immutable field: a Service keeps the cluster IP it was given.
            """kubectl patch svc dest-svc-v1 --type=merge -p '{"spec":{"clusterIP":"10.96.0.99"}}'""": (
                'The Service "dest-svc-v1" is invalid: spec.clusterIPs[0]: Invalid value: '
                '[]string{"10.96.0.99"}: may not change once set'
            ),
        }
        for command, message in cases.items():
            result = lab.sh(command)
            assert (result.returncode, result.stdout, result.stderr) == (1, "", f"{message}\n"), command

    def test_patch_says_whether_it_changed_the_object(self, lab: Lab) -> None:
        patch = (
            """kubectl patch svc dest-svc-v1 -p '{"metadata":{"annotations":{"ingresslab.io/seen":"yes"}}}'"""
        )
        first, again = run(lab, patch), run(lab, patch)
        annotations = lab.backend.get("services", "dest-svc-v1", NAMESPACE)["metadata"]["annotations"]
        assert annotations["ingresslab.io/seen"] == "yes"
        assert (first, again) == (
            "service/dest-svc-v1 patched\n",
            "service/dest-svc-v1 patched (no change)\n",
        )

    @needs_data_plane("curl through the node's NodePort (kube-proxy and a running http-echo)")
    def test_nodeport_url_and_curl_reach_v1(self, lab: Lab) -> None:
        svc = lab.backend.get("services", "dest-svc-v1", NAMESPACE)
        url = run(lab, "minikube -n application service dest-svc-v1 --url").strip().splitlines()[-1]
        assert url == f"http://{node_ip(lab)}:{svc['spec']['ports'][0]['nodePort']}"
        wait_for(lab, lambda: self._answers(lab, f"curl {url}", V1_TEXT), timeout=60)

    @staticmethod
    def _answers(lab: Lab, command: str, body: str) -> None:
        result = lab.sh(command)
        assert (result.returncode, result.stdout.strip()) == (0, body), result.text

    # -- NGINX Ingress ----------------------------------------------------------------------------------------

    @needs_data_plane("minikube addons enable ingress (the ingress-nginx controller's pods)")
    def test_ingress_addon_is_enabled(self, lab: Lab) -> None:
        run(lab, "minikube addons enable ingress")
        selector = "app.kubernetes.io/component=controller"
        wait_for(lab, lambda: assert_pods_settled(lab, "ingress-nginx", selector), timeout=300)

    def test_ingress_rules_are_applied_and_listed(self, lab: Lab) -> None:
        out = run(lab, "kubectl apply -f istio-deepdive/ingress.yaml")
        assert out == "ingress.networking.k8s.io/my-nginx-ingress created\n"
        ingress = lab.backend.get("ingresses", "my-nginx-ingress", NAMESPACE)
        [row] = parse_table(run(lab, "kubectl get ingress"))
        # minikube's addon marks its IngressClass default, and the API server writes it into the object.
        assert row["CLASS"] == (ingress["spec"].get("ingressClassName") or "<none>")
        assert (row["NAME"], row["HOSTS"], row["PORTS"]) == ("my-nginx-ingress", "*.example.com", "80")
        paths = [p["path"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]]
        assert paths == ["/v1", "/v2", "/"]

    @needs_data_plane("an ingress controller to write the Ingress's address")
    def test_ingress_gets_the_node_address(self, lab: Lab) -> None:
        def status() -> dict:
            out = run(lab, "kubectl get ingress -o jsonpath='{.items[0].status}'")
            found = json.loads(out)
            assert found.get("loadBalancer", {}).get("ingress"), "no address yet"
            return found

        assert wait_for(lab, status)["loadBalancer"]["ingress"][0]["ip"] == node_ip(lab)

    @needs_data_plane("a request through ingress-nginx, and its logs")
    def test_request_via_nginx_is_logged_with_upstream_and_endpoint(self, lab: Lab, memo: dict) -> None:
        assert run(lab, "CLUSTER_IP=$(minikube ip) && echo $CLUSTER_IP").strip() == node_ip(lab)

        def seed_curl() -> str:
            out = run(lab, f'curl --resolve "{HOST}:80:$CLUSTER_IP" -i http://{HOST}/v1')
            assert out.startswith("HTTP/1.1 200"), out.splitlines()[:1]
            return out

        assert wait_for(lab, seed_curl).rstrip().endswith(V1_TEXT)
        response = lab.request(host=HOST, path="/v1", via="nginx")
        assert response.status == 200 and response.body.strip() == V1_TEXT
        memo["nginx"] = response

        def our_line() -> NginxAccess:
            logs = run(
                lab,
                "NGINX_CONTROLLER=$(kubectl get -n ingress-nginx pod -l app.kubernetes.io/component=controller "
                "-ojsonpath='{.items[0].metadata.name}')\nkubectl logs $NGINX_CONTROLLER -n ingress-nginx",
            )
            # ingress-nginx logs the client's X-Request-ID as $req_id.
            mine = [r for r in records(logs, NginxAccess) if r.req_id == response.request_id]
            assert mine, f"no controller line with req_id {response.request_id} yet"
            return mine[-1]

        line = wait_for(lab, our_line, timeout=60)
        svc = lab.backend.get("services", "dest-svc-v1", NAMESPACE)
        port_name = svc["spec"]["ports"][0]["name"]
        assert (line.method, line.path, line.status) == ("GET", "/v1", 200)
        assert line.proxy_upstream_name == f"{NAMESPACE}-dest-svc-v1-{port_name}"
        assert line.upstream_addr and line.upstream_addr[-1] in v1_endpoints(lab)

    @needs_data_plane("the components' logs of a real request")
    def test_trace_of_the_nginx_request_lists_its_hops(self, lab: Lab, memo: dict) -> None:
        def complete() -> Any:
            trace = lab.trace(memo["nginx"])
            assert trace.complete, trace.stopped
            return trace

        trace = wait_for(lab, complete, timeout=60)
        assert [h.component for h in trace.hops] == [
            "client",
            "node",
            "ingress-nginx",
            "service",
            "pod",
            "app",
        ]
        assert trace.status == 200 and trace.hop("pod").dest_addr in v1_endpoints(lab)

    # -- DNS ------------------------------------------------------------------------------------------------------

    @needs_data_plane("an ephemeral debug container (kubectl debug)")
    def test_debug_container_shows_the_pods_resolv_conf(self, lab: Lab) -> None:
        result = lab.sh(
            "POD=$(kubectl get pod -l app=hw-v1 -ojsonpath='{.items[].metadata.name}')\n"
            "kubectl debug $POD -it --image=busybox -- cat /etc/resolv.conf"
        )
        assert result.returncode == 0, result.stderr
        assert lab.env.get("POD") in {p["metadata"]["name"] for p in v1_pods(lab)}
        lines = result.stdout.splitlines()
        assert f"nameserver {kube_dns_ip(lab)}" in lines
        assert f"search {NAMESPACE}.svc.cluster.local svc.cluster.local cluster.local" in lines
        assert "options ndots:5" in lines
        assert result.stderr.count(NOTICE) == 1, result.stderr

    @needs_data_plane("nslookup inside a pod's debug container")
    def test_nslookup_in_the_pod_answers_with_the_service_ip(self, lab: Lab) -> None:
        # busybox nslookup also walks the rest of the search list (NXDOMAIN there), so the exit code varies.
        result = lab.sh("kubectl debug $POD -it --image=busybox -- nslookup dest-svc-v1")
        svc_ip = lab.backend.get("services", "dest-svc-v1", NAMESPACE)["spec"]["clusterIP"]
        assert re.search(rf"^Server:\s+{re.escape(kube_dns_ip(lab))}$", result.stdout, re.M), result.text
        assert re.search(
            rf"^Name:\s+{re.escape(V1_FQDN)}\nAddress:\s+{re.escape(svc_ip)}$", result.stdout, re.M
        )
        assert result.stderr.count(NOTICE) == 1, result.stderr

    @needs_data_plane("CoreDNS pods' logs (kubectl logs asks a kubelet)")
    def test_coredns_logs_the_pods_A_and_AAAA_queries(self, lab: Lab) -> None:
        corefile = run(lab, "kubectl -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}'")
        if not re.search(r"^\s*log\s*$", corefile, re.M):
            pytest.skip(f"{lab.mode}: the Corefile has no `log` plugin, so CoreDNS logs no queries to check")
        pod_ip = run(lab, "kubectl get pod $POD -o jsonpath='{.status.podIP}'").strip()
        assert pod_ip == lab.backend.get("pods", lab.env["POD"], NAMESPACE)["status"]["podIP"]

        def queries() -> dict[str, CoreDNSQuery]:
            out = run(
                lab,
                "kubectl logs --namespace=kube-system -l k8s-app=kube-dns --tail 100 "
                "| grep dest-svc-v1.application.svc.cluster",
            )
            found = {q.type: q for q in records(out, CoreDNSQuery) if q.remote == pod_ip}
            assert {"A", "AAAA"} <= set(found), f"queries from {pod_ip} so far: {sorted(found)}"
            return found

        found = wait_for(lab, queries, timeout=60)
        for qtype in ("A", "AAAA"):
            assert (found[qtype].name, found[qtype].rcode) == (f"{V1_FQDN}.", "NOERROR")
            assert "aa" in found[qtype].rflags

    def test_nginx_ingress_rule_is_deleted(self, lab: Lab) -> None:
        out = run(lab, "kubectl delete -f istio-deepdive/ingress-controller-rule.yaml")
        assert out == 'ingress.networking.k8s.io "my-nginx-ingress" deleted\n'
        assert not exists(lab, "ingresses", "my-nginx-ingress", NAMESPACE)

    @needs_data_plane("minikube addons disable ingress")
    def test_ingress_addon_is_disabled(self, lab: Lab) -> None:
        run(lab, "minikube addons disable ingress")

        def controller_gone() -> None:
            assert not exists(lab, "deployments", "ingress-nginx-controller", "ingress-nginx")

        wait_for(lab, controller_gone, timeout=180)

    # -- Istio ----------------------------------------------------------------------------------------------------

    @needs_data_plane("istioctl install (istiod and the ingress gateway's pods)")
    def test_istio_is_installed(self, lab: Lab) -> None:
        run(lab, "istioctl install --set profile=demo -y")
        assert exists(lab, "deployments", "istiod", "istio-system")
        wait_for(
            lab, lambda: assert_pods_settled(lab, "istio-system", "app=istio-ingressgateway"), timeout=300
        )

    def test_injection_is_enabled_by_a_namespace_label(self, lab: Lab) -> None:
        out = run(lab, "kubectl label namespace application istio-injection=enabled")
        assert out == "namespace/application labeled\n"
        labels = lab.backend.get("namespaces", NAMESPACE)["metadata"].get("labels") or {}
        assert labels.get("istio-injection") == "enabled"
        refused = lab.sh("kubectl label namespace application istio-injection=disabled")
        assert (refused.returncode, refused.stderr) == (
            1,
            "error: 'istio-injection' already has a value (enabled), and --overwrite is false\n",
        )
        # Injection happens at pod creation: the running pods keep their single container.
        assert_pods_settled(lab, NAMESPACE, "app=hw-v1", sidecar=False)

    def test_istio_ingress_and_gateway_are_listed(self, lab: Lab) -> None:
        run(lab, "kubectl apply -f istio-deepdive/istio-ingress.yaml")
        rows = parse_table(run(lab, "kubectl get ingress -A"))
        # Other namespaces may hold other tests' Ingresses on the shared reference cluster.
        assert {r["NAME"] for r in rows if r["NAMESPACE"] == NAMESPACE} == {"my-istio-ingress"}
        run(lab, "kubectl apply -f istio-deepdive/istio-gateway.yaml")
        rows = parse_table(run(lab, "kubectl get gateway -A"))
        assert (NAMESPACE, "my-istio-ingress-gw") in {(r["NAMESPACE"], r["NAME"]) for r in rows}

    @needs_data_plane("sidecar injection by istiod's webhook (no istiod runs here)")
    def test_restarted_app_pods_get_sidecars(self, lab: Lab) -> None:
        run(
            lab,
            "kubectl delete -f istio-deepdive/depl-helloworld.yaml\nkubectl apply -f istio-deepdive/depl-helloworld.yaml",
        )
        wait_for(lab, lambda: assert_pods_settled(lab, NAMESPACE, "app=hw-v1", sidecar=True), timeout=300)
        rows = parse_table(run(lab, "kubectl get pod -l app=hw-v1"))
        assert rows and all((r["READY"], r["STATUS"]) == ("2/2", "Running") for r in rows)

    @needs_data_plane("requests through the Istio gateway and sidecars, and their logs")
    def test_request_via_istio_shares_a_request_id_between_gateway_and_sidecar(
        self, lab: Lab, memo: dict
    ) -> None:
        gw_svc = lab.backend.get("services", "istio-ingressgateway", "istio-system")
        http2 = next(p["nodePort"] for p in gw_svc["spec"]["ports"] if p["name"] == "http2")
        run(
            lab,
            "CLUSTER_IP=$(minikube ip)\nexport INGRESS_PORT=$(kubectl -n istio-system get svc istio-ingressgateway "
            "-o jsonpath='{.spec.ports[?(@.name==\"http2\")].nodePort}')",
        )
        assert lab.env["INGRESS_PORT"] == str(http2)
        seed_curl = f"curl -s -HHost:{HOST} http://$CLUSTER_IP:$INGRESS_PORT/v1"
        wait_for(lab, lambda: self._answers(lab, seed_curl, V1_TEXT), timeout=120)
        response = lab.request(host=HOST, path="/v1", via="istio")
        assert response.status == 200 and response.body.strip() == V1_TEXT
        memo["istio"] = response

        gw_pod = lab.backend.list("pods", "istio-system", label_selector="app=istio-ingressgateway")[0]
        upstream_cluster = f"outbound|7777||{V1_FQDN}"

        def gateway_line() -> EnvoyAccess:
            logs = run(
                lab,
                "ISTIO_INGRESS_GW=$(kubectl get -n istio-system pod -l app=istio-ingressgateway "
                "-ojsonpath='{.items[0].metadata.name}')\nkubectl logs $ISTIO_INGRESS_GW -n istio-system",
            )
            # The gateway may replace an outside caller's X-Request-ID, so take its newest /v1 line for the host.
            lines = [
                r
                for r in records(logs, EnvoyAccess)
                if (r.path, r.authority, r.response_code) == ("/v1", HOST, 200)
                and r.upstream_cluster == upstream_cluster
            ]
            assert len(lines) >= 2, "the gateway has not logged both /v1 requests yet"
            return lines[-1]

        gw = wait_for(lab, gateway_line, timeout=60)
        assert gw.upstream_host in v1_endpoints(lab)
        assert gw.downstream_local_address.split(":")[0] == gw_pod["status"]["podIP"]
        target = next(
            p["metadata"]["name"] for p in v1_pods(lab) if f"{p['status']['podIP']}:5678" == gw.upstream_host
        )
        lab.env["POD"] = target

        def sidecar_line() -> EnvoyAccess:
            logs = run(lab, "kubectl logs -c istio-proxy $POD")
            mine = [r for r in records(logs, EnvoyAccess) if r.request_id == gw.request_id]
            assert mine, f"no sidecar line with request id {gw.request_id} yet"
            return mine[-1]

        sidecar = wait_for(lab, sidecar_line, timeout=60)
        assert sidecar.upstream_cluster == "inbound|5678||"
        assert sidecar.requested_server_name == f"outbound_.7777_._.{V1_FQDN}"
        assert sidecar.upstream_local_address.startswith("127.0.0.6:")
        assert sidecar.downstream_local_address == gw.upstream_host

    @needs_data_plane("istioctl proxy-config (a running Envoy's config_dump)")
    def test_proxy_config_route_of_the_gateway_shows_the_ingress_routes(self, lab: Lab) -> None:
        if (
            lab.mode == "sandbox"
            and importlib.util.find_spec("ingresslab.backends.sandbox.envoyconfig") is None
        ):
            pytest.skip(
                "sandbox: ingresslab.backends.sandbox.envoyconfig is not there yet, so no config_dump"
            )
        result = lab.sh("istioctl proxy-config route $ISTIO_INGRESS_GW -n istio-system")
        if result.returncode == 127:
            pytest.skip(f"{lab.mode}: istioctl is not installed: {result.stderr.strip()}")
        assert result.returncode == 0, result.text
        rows = parse_table(result.stdout)
        assert list(rows[0])[:4] == ["NAME", "VHOST NAME", "DOMAINS", "MATCH"]
        routes = {r["MATCH"]: r for r in rows if r["NAME"] == "http.8080"}
        assert {"/v1", "/v2"} <= set(routes)
        assert "my-istio-ingress-istio-autogenerated-k8s-ingress" in routes["/v1"]["VIRTUAL SERVICE"]

    @needs_data_plane("the components' logs of a real request")
    def test_trace_of_the_istio_request_lists_gateway_and_sidecar_hops(self, lab: Lab, memo: dict) -> None:
        def complete() -> Any:
            trace = lab.trace(memo["istio"])
            assert trace.complete, trace.stopped
            return trace

        trace = wait_for(lab, complete, timeout=60)
        assert [h.component for h in trace.hops] == [
            "client",
            "node",
            "istio-ingressgateway",
            "service",
            "pod",
            "sidecar",
            "app",
        ]
        gateway = trace.hop("istio-ingressgateway").evidence[0].fields
        sidecar = trace.hop("sidecar").evidence[0].fields
        assert gateway["request_id"] == sidecar["request_id"]
        assert gateway["upstream_host"] == trace.hop("pod").dest_addr

    # -- clean-up -------------------------------------------------------------------------------------------------

    @needs_data_plane("istioctl uninstall --purge (istiod's own objects)")
    def test_clean_up_removes_istio(self, lab: Lab) -> None:
        run(lab, "istioctl uninstall --purge -y")
        wait_for(lab, lambda: self._gone(lab, "deployments", "istiod", "istio-system"), timeout=180)

    def test_clean_up_removes_the_namespace(self, lab: Lab) -> None:
        assert run(lab, "kubectl delete namespace application") == 'namespace "application" deleted\n'
        wait_for(lab, lambda: self._gone(lab, "namespaces", NAMESPACE), timeout=300)

    @staticmethod
    def _gone(lab: Lab, kind: str, name: str, namespace: str | None = None) -> None:
        assert not exists(lab, kind, name, namespace), f"{kind}/{name} still exists"
