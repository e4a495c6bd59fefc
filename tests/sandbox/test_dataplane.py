"""Requests walked through the sandbox: the seed's NGINX and Istio flows and every failure path, checked
through the lines each component logs (parsed with ingresslab.logs) and what the client receives."""

from __future__ import annotations

import pytest
from dataplane_fixtures import demo, load, with_istio, with_nginx

from ingresslab.backends.sandbox.dataplane.walk import send_request
from ingresslab.logs import EnvoyAccess, HttpEchoRequest, NginxAccess, parse_line

NODE = "192.168.76.2"


@pytest.fixture(scope="module")
def nginx_lab():
    return with_nginx()


@pytest.fixture(scope="module")
def istio_lab():
    return with_istio()


def _records(backend, namespace: str, pod: str, container: str | None = None) -> list:
    text = backend.logs(pod, namespace, container=container)
    return [r for r in (parse_line(line) for line in text.splitlines()) if r is not None]


def _pods(backend, namespace: str, selector: str) -> list[dict]:
    return backend.list("pods", namespace, label_selector=selector)


def _endpoints(backend, name: str) -> set[str]:
    ep = backend.get("endpoints", name, "application")
    return {f"{a['ip']}:{p['port']}" for s in ep["subsets"] for a in s["addresses"] for p in s["ports"]}


def _send(backend, **kw):
    with backend.transaction() as cluster:
        return send_request(cluster, **kw)


def _controller(backend) -> str:
    return _pods(backend, "ingress-nginx", "app.kubernetes.io/component=controller")[0]["metadata"]["name"]


def _gateway(backend) -> str:
    return _pods(backend, "istio-system", "istio=ingressgateway")[0]["metadata"]["name"]


def _gateway_port(backend) -> int:
    svc = backend.get("services", "istio-ingressgateway", "istio-system")
    return next(p["nodePort"] for p in svc["spec"]["ports"] if p["name"] == "http2")


def _last_nginx(backend) -> NginxAccess:
    recs = [r for r in _records(backend, "ingress-nginx", _controller(backend)) if isinstance(r, NginxAccess)]
    return recs[-1]


# -- the seed's NGINX flow ----------------------------------------------------------------------------
def test_seed_nginx_request_logs_upstream_endpoint_and_request_length(nginx_lab):
    r = _send(nginx_lab, url=f"http://{NODE}/v1", host_header="yuya.example.com")
    assert (r.status, r.body) == (200, "Hello World V1 from dest-depl-v1\n")
    assert [k for k, _ in r.headers] == [
        "Date",
        "Content-Type",
        "Content-Length",
        "Connection",
        "X-App-Name",
        "X-App-Version",
    ]
    rec = _last_nginx(nginx_lab)
    assert rec.remote_addr == "192.168.76.1"  # hostPort: no SNAT
    assert (rec.status, rec.body_bytes_sent, rec.request_length) == (200, 33, 82)
    assert rec.http_user_agent == "curl/7.81.0"
    assert rec.proxy_upstream_name == "application-dest-svc-v1-http-v1"
    assert rec.upstream_addr[0] in _endpoints(nginx_lab, "dest-svc-v1")
    assert rec.upstream_status == [200] and rec.upstream_response_length == [33]
    assert len(rec.req_id) == 32 and int(rec.req_id, 16) >= 0
    assert 0.0 <= rec.request_time <= 0.004 and 0.0 <= rec.upstream_response_time[0] <= 0.003


def test_nginx_forwards_the_clients_request_id_and_http_echo_logs_the_request(nginx_lab):
    rid = "0123456789abcdef0123456789abcdef"
    _send(nginx_lab, url=f"http://{NODE}/v2", host_header="yuya.example.com", headers={"X-Request-ID": rid})
    rec = _last_nginx(nginx_lab)
    assert rec.req_id == rid and rec.proxy_upstream_name == "application-dest-svc-v2-http-v2"
    ip = rec.upstream_addr[0].split(":")[0]
    pod = next(p for p in _pods(nginx_lab, "application", "app=hw-v2") if p["status"]["podIP"] == ip)
    echo = [
        r
        for r in _records(nginx_lab, "application", pod["metadata"]["name"])
        if isinstance(r, HttpEchoRequest)
    ]
    nginx_ip = _pods(nginx_lab, "ingress-nginx", "app.kubernetes.io/component=controller")[0]["status"][
        "podIP"
    ]
    assert echo[-1].host == "yuya.example.com" and echo[-1].path == "/v2"
    assert echo[-1].remote_addr.split(":")[0] == nginx_ip  # nginx goes straight to the pod, not via ClusterIP


def test_nginx_balances_round_robin_over_the_endpoints(nginx_lab):
    seen = []
    for _ in range(4):
        _send(nginx_lab, url=f"http://{NODE}/v1", host_header="yuya.example.com")
        seen.append(_last_nginx(nginx_lab).upstream_addr[0])
    assert seen[0] != seen[1] and seen[0] == seen[2] and set(seen) == _endpoints(nginx_lab, "dest-svc-v1")


def test_unknown_host_gets_the_catch_all_404_from_the_default_backend(nginx_lab):
    r = _send(nginx_lab, url=f"http://{NODE}/v1", host_header="example.com")
    assert r.status == 404 and r.header("content-length") == "146" and "<hr><center>nginx</center>" in r.body
    assert r.header("server") is None  # server tokens are cleared
    rec = _last_nginx(nginx_lab)
    assert (rec.status, rec.proxy_upstream_name, rec.upstream_addr) == (
        404,
        "upstream-default-backend",
        ["127.0.0.1:8181"],
    )


def test_host_matched_path_not_goes_to_upstream_default_backend():
    lab = with_nginx()
    ing = load("ingress.yaml")[0]
    ing["spec"]["rules"][0]["http"]["paths"] = ing["spec"]["rules"][0]["http"]["paths"][:2]
    lab.apply(ing)
    r = _send(lab, url=f"http://{NODE}/v3", host_header="yuya.example.com")
    rec = _last_nginx(lab)
    assert r.status == 404 and rec.status == 404 and rec.body_bytes_sent == 146
    assert rec.proxy_upstream_name == "upstream-default-backend"
    assert rec.upstream_addr == ["127.0.0.1:8181"] and rec.upstream_status == [404]


def test_service_without_endpoints_gives_503_with_dash_upstream_fields():
    lab = with_nginx()
    lab.patch("deployments", "dest-depl-v1", {"spec": {"replicas": 0}}, "application")
    r = _send(lab, url=f"http://{NODE}/v1", host_header="yuya.example.com")
    rec = _last_nginx(lab)
    assert (
        r.status == 503
        and r.reason == "Service Temporarily Unavailable"
        and r.header("content-length") == "190"
    )
    assert rec.proxy_upstream_name == "application-dest-svc-v1-http-v1"
    assert rec.upstream_addr == [] and rec.upstream_status == [] and rec.upstream_response_time == []


def test_wrong_target_port_gives_502_after_three_refused_attempts():
    lab = with_nginx()
    lab.patch(
        "services",
        "dest-svc-v1",
        {"spec": {"ports": [{"name": "http-v1", "port": 7777, "targetPort": 7777, "nodePort": 30001}]}},
        "application",
    )
    r = _send(lab, url=f"http://{NODE}/v1", host_header="yuya.example.com")
    rec = _last_nginx(lab)
    assert r.status == 502 and rec.status == 502
    assert len(rec.upstream_addr) == 3 and all(a.endswith(":7777") for a in rec.upstream_addr)
    assert rec.upstream_status == [502, 502, 502]
    log = lab.logs(_controller(lab), "ingress-nginx")
    assert "connect() failed (111: Connection refused) while connecting to upstream" in log


def test_direct_node_port_is_snatted_to_the_bridge_address(nginx_lab):
    r = _send(nginx_lab, url=f"http://{NODE}:30001/v1")
    assert r.status == 200 and [k for k, _ in r.headers][:2] == ["X-App-Name", "X-App-Version"]
    lines = [
        rec
        for p in _pods(nginx_lab, "application", "app=hw-v1")
        for rec in _records(nginx_lab, "application", p["metadata"]["name"])
        if isinstance(rec, HttpEchoRequest) and rec.host == f"{NODE}:30001"
    ]
    assert lines and lines[-1].remote_addr.startswith("10.244.0.1:")


def test_unknown_port_and_unrouted_addresses_fail_like_tcp(nginx_lab):
    assert _send(nginx_lab, url=f"http://{NODE}:1234/").error == "refused"
    assert _send(nginx_lab, url="http://127.0.0.1/").error == "refused"
    before = nginx_lab.now()
    r = _send(nginx_lab, url="http://10.96.0.10/")
    assert r.error == "timeout" and (nginx_lab.now() - before).total_seconds() >= 127


# -- the seed's Istio flow -----------------------------------------------------------------------------
def test_seed_istio_gateway_and_sidecar_lines_share_one_request_id(istio_lab):
    r = _send(istio_lab, url=f"http://{NODE}:{_gateway_port(istio_lab)}/v1", host_header="yuya.example.com")
    assert (r.status, r.body) == (200, "Hello World V1 from dest-depl-v1\n")
    assert r.header("server") == "istio-envoy" and r.header("x-envoy-upstream-service-time") is not None
    assert all(k == k.lower() for k, _ in r.headers)
    gw_pod = _pods(istio_lab, "istio-system", "istio=ingressgateway")[0]
    gw = [
        x
        for x in _records(istio_lab, "istio-system", _gateway(istio_lab), "istio-proxy")
        if isinstance(x, EnvoyAccess)
    ][-1]
    assert gw.upstream_cluster == "outbound|7777||dest-svc-v1.application.svc.cluster.local"
    assert gw.downstream_local_address == f"{gw_pod['status']['podIP']}:8080"
    assert gw.downstream_remote_address.startswith("10.244.0.1:") and gw.x_forwarded_for == "10.244.0.1"
    assert gw.upstream_local_address.startswith(gw_pod["status"]["podIP"] + ":")
    assert gw.route_name is None and gw.requested_server_name is None
    assert gw.response_code_details == "via_upstream" and gw.bytes_sent == 33
    assert gw.request_id[14] == "9" and len(gw.request_id) == 36
    assert gw.upstream_host in _endpoints(istio_lab, "dest-svc-v1")
    pod = next(
        p
        for p in _pods(istio_lab, "application", "app=hw-v1")
        if f"{p['status']['podIP']}:5678" == gw.upstream_host
    )
    side = [
        x
        for x in _records(istio_lab, "application", pod["metadata"]["name"], "istio-proxy")
        if isinstance(x, EnvoyAccess)
    ][-1]
    assert side.request_id == gw.request_id
    assert side.upstream_cluster == "inbound|5678||" and side.upstream_local_address.startswith("127.0.0.6:")
    assert side.downstream_remote_address == "10.244.0.1:0"
    assert side.requested_server_name == "outbound_.7777_._.dest-svc-v1.application.svc.cluster.local"
    assert side.route_name == "default" and side.upstream_host == gw.upstream_host
    echo = [
        x
        for x in _records(istio_lab, "application", pod["metadata"]["name"], "dest-countainer-v1")
        if isinstance(x, HttpEchoRequest)
    ]
    assert echo[-1].remote_addr == side.upstream_local_address


def test_gateway_without_a_route_answers_404_nr(istio_lab):
    lab = with_istio()
    for ing in load("istio-ingress.yaml"):
        ing["spec"]["rules"][0]["http"]["paths"] = ing["spec"]["rules"][0]["http"]["paths"][:1]
        lab.apply(ing)
    r = _send(lab, url=f"http://{NODE}:{_gateway_port(lab)}/nothing", host_header="yuya.example.com")
    gw = [
        x for x in _records(lab, "istio-system", _gateway(lab), "istio-proxy") if isinstance(x, EnvoyAccess)
    ][-1]
    assert r.status == 404 and gw.response_flags == ["NR"] and gw.response_code_details == "route_not_found"
    assert gw.upstream_cluster is None


def test_gateway_with_no_endpoints_answers_503_uh():
    lab = with_istio()
    lab.patch("deployments", "dest-depl-v1", {"spec": {"replicas": 0}}, "application")
    r = _send(lab, url=f"http://{NODE}:{_gateway_port(lab)}/v1", host_header="yuya.example.com")
    gw = [
        x for x in _records(lab, "istio-system", _gateway(lab), "istio-proxy") if isinstance(x, EnvoyAccess)
    ][-1]
    assert (r.status, r.body) == (503, "no healthy upstream")
    assert gw.response_flags == ["UH"] and gw.response_code_details == "no_healthy_upstream"


def test_gateway_to_a_pod_not_listening_logs_uf():
    lab = demo()
    with lab.transaction() as cluster:
        from ingresslab.backends.sandbox.addons import istio

        istio.install(cluster)
    lab.apply_many(load("istio-ingress.yaml"))  # pods not injected: the gateway dials the app directly
    lab.patch(
        "services",
        "dest-svc-v1",
        {"spec": {"ports": [{"name": "http-v1", "port": 7777, "targetPort": 7777, "nodePort": 30001}]}},
        "application",
    )
    r = _send(lab, url=f"http://{NODE}:{_gateway_port(lab)}/v1", host_header="yuya.example.com")
    gw = [
        x for x in _records(lab, "istio-system", _gateway(lab), "istio-proxy") if isinstance(x, EnvoyAccess)
    ][-1]
    assert r.status == 503 and "UF" in gw.response_flags
    assert (
        gw.response_code_details
        == "upstream_reset_before_response_started{remote_connection_failure,delayed_connect_error:_111}"
    )
    assert gw.upstream_transport_failure_reason == "delayed connect error: 111"


def test_nginx_to_an_injected_pod_is_captured_by_its_sidecar_in_plaintext():
    lab = with_istio(nginx=True)
    rid = "feedfacefeedfacefeedfacefeedface"
    r = _send(lab, url=f"http://{NODE}/v1", host_header="yuya.example.com", headers={"X-Request-ID": rid})
    assert r.status == 200
    rec = _last_nginx(lab)
    pod = next(
        p
        for p in _pods(lab, "application", "app=hw-v1")
        if f"{p['status']['podIP']}:5678" == rec.upstream_addr[0]
    )
    side = [
        x
        for x in _records(lab, "application", pod["metadata"]["name"], "istio-proxy")
        if isinstance(x, EnvoyAccess)
    ][-1]
    assert side.request_id == rid and side.requested_server_name is None
    assert side.x_forwarded_for == "192.168.76.1" and side.downstream_remote_address == "192.168.76.1:0"


def test_wget_from_an_injected_pod_goes_through_both_sidecars():
    lab = with_istio()
    lab.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "client", "namespace": "application"},
            "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"]}]},
        }
    )
    from ingresslab.backends.sandbox.dataplane import podprograms  # noqa: F401

    out = lab.exec("client", ["wget", "-qO-", "http://dest-svc-v1:7777/v1"], "application", container="c")
    assert (out.returncode, out.stdout) == (0, "Hello World V1 from dest-depl-v1\n")
    client = [x for x in _records(lab, "application", "client", "istio-proxy") if isinstance(x, EnvoyAccess)][
        -1
    ]
    svc_ip = lab.get("services", "dest-svc-v1", "application")["spec"]["clusterIP"]
    assert client.upstream_cluster == "outbound|7777||dest-svc-v1.application.svc.cluster.local"
    assert client.downstream_local_address == f"{svc_ip}:7777" and client.route_name == "default"
    assert client.user_agent == "Wget" and client.authority == "dest-svc-v1:7777"
    bad = lab.exec("client", ["wget", "-qO-", "http://nope:7777/"], "application", container="c")
    assert bad.returncode == 1 and bad.stderr == "wget: bad address 'nope'\n"


def test_same_seed_same_logs():
    def run():
        lab = with_istio(seed=3, nginx=True)
        _send(lab, url=f"http://{NODE}/v1", host_header="yuya.example.com")
        _send(lab, url=f"http://{NODE}:{_gateway_port(lab)}/v1", host_header="yuya.example.com")
        return lab.logs(_controller(lab), "ingress-nginx"), lab.logs(
            _gateway(lab), "istio-system", container="istio-proxy"
        )

    assert run() == run()
