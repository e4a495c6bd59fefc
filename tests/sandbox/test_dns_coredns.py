"""The sandbox's CoreDNS: kubernetes-plugin answers, wire sizes, and its `log` plugin lines."""

from __future__ import annotations

import hashlib
import re

import pytest
import yaml

import ingresslab.backends.sandbox.podexec  # noqa: F401  (registers the in-container programs)
from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.dns import coredns, kubernetes
from ingresslab.backends.sandbox.dns.corefile import parse_corefile, read_corefile
from ingresslab.backends.sandbox.dns.resolver import getaddrinfo
from ingresslab.backends.sandbox.dns.wire import request_size, response_size
from ingresslab.manifests import DEMO_DIR

# The log plugin's default format, field by field (CoreDNS 1.6.3+).
LOG_LINE = re.compile(
    r'^\[INFO\] (?P<remote>[\d.]+):(?P<port>\d+) - (?P<id>\d+) "(?P<type>\w+) IN (?P<name>\S+\.) (?P<proto>udp|tcp) '
    r'(?P<size>\d+) (?P<do>true|false) (?P<bufsize>\d+)" (?P<rcode>[A-Z]+) (?P<rflags>[a-z,]+) (?P<rsize>\d+) '
    r"(?P<duration>\d+\.\d+)s$"
)
SEED_NAME = "dest-svc-v1.application.svc.cluster.local."
# What CoreDNS prints besides queries: its start-up banner and the reload plugin's lines.
OTHER_LINE = re.compile(
    r"^(\.:53|CoreDNS-1\.11\.1|linux/amd64, go\S+, \w+|\[INFO\] Reloading( complete)?|"
    r"\[INFO\] plugin/reload: Running configuration SHA512 = [0-9a-f]{128})$"
)


def parse(text: str) -> list[dict]:
    """Query lines, each checked field by field; any line that is neither a query nor a known one fails."""
    out = []
    for line in text.splitlines():
        m = LOG_LINE.match(line)
        assert m or OTHER_LINE.match(line), f"not a CoreDNS log line: {line!r}"
        if m:
            out.append(m.groupdict())
    return out


@pytest.fixture
def demo(sandbox: SandboxBackend) -> SandboxBackend:
    sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    sandbox.set_namespace("application")
    sandbox.apply_many(list(yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text())))
    return sandbox


def coredns_pod(b: SandboxBackend) -> str:
    return b.list("pods", "kube-system", label_selector="k8s-app=kube-dns")[0]["metadata"]["name"]


def dns_log(b: SandboxBackend) -> list[dict]:
    return parse(b.logs(coredns_pod(b), "kube-system"))


def app_pod(b: SandboxBackend) -> dict:
    return b.list("pods", "application", label_selector="app=hw-v1")[0]


def ask(b: SandboxBackend, qtype: str, name: str):
    with b.transaction() as cluster:
        return coredns.answer(cluster, read_corefile(cluster), qtype, name)[0]


def test_wire_sizes_reproduce_the_seed_and_the_kubernetes_issue_lines(demo):
    a, aaaa = ask(demo, "A", SEED_NAME), ask(demo, "AAAA", SEED_NAME)
    assert request_size(SEED_NAME) == 59
    assert response_size(SEED_NAME, a) == 116
    assert response_size(SEED_NAME, aaaa) == 152  # NODATA: the SOA in the authority section
    long = "kubernetes.default.svc.cluster.local.default.svc.cluster.local."
    nx = ask(demo, "A", long)
    assert (request_size(long), response_size(long, nx)) == (80, 173)
    short = "kubernetes.default.svc.cluster.local."
    assert (request_size(short), response_size(short, ask(demo, "A", short))) == (54, 106)
    assert request_size(short, edns=True) == 65


def test_seed_nslookup_logs_a_and_aaaa_noerror_from_the_pod_ip_on_one_port(demo):
    pod = app_pod(demo)
    demo.debug(pod["metadata"]["name"], "busybox", ["nslookup", "dest-svc-v1"], "application")
    lines = [e for e in dns_log(demo) if "dest-svc-v1.application.svc.cluster" in e["name"]]
    assert [(e["type"], e["rcode"], e["rflags"], e["size"], e["rsize"]) for e in lines] == [
        ("A", "NOERROR", "qr,aa,rd", "59", "116"),
        ("AAAA", "NOERROR", "qr,aa,rd", "59", "152"),
    ]
    assert {e["remote"] for e in lines} == {pod["status"]["podIP"]}
    assert lines[0]["port"] == lines[1]["port"] and 32768 <= int(lines[0]["port"]) <= 60999
    assert (lines[0]["do"], lines[0]["bufsize"], lines[0]["proto"]) == ("false", "512", "udp")
    assert all(float(e["duration"]) < 0.001 for e in lines)  # answered from the plugin's memory


def test_a_query_answers_the_services_cluster_ip(demo):
    ip = demo.get("services", "dest-svc-v1")["spec"]["clusterIP"]
    reply = ask(demo, "A", SEED_NAME)
    assert [r.text for r in reply.answer] == [ip] and reply.rflags == "qr,aa,rd"
    assert ask(demo, "AAAA", SEED_NAME).answer == []


def test_unknown_cluster_name_is_authoritative_nxdomain_and_external_name_is_forwarded(demo):
    local = ask(demo, "A", "google.com.application.svc.cluster.local.")
    assert (local.rcode, local.rflags) == ("NXDOMAIN", "qr,aa,rd")
    assert local.authority[0].rtype == "SOA"
    outside = ask(demo, "A", "google.com.")
    assert (outside.rcode, outside.rflags) == ("NXDOMAIN", "qr,rd,ra")


def test_external_name_from_a_pod_walks_the_search_list_before_the_name_itself(demo):
    with demo.transaction() as cluster:
        found = getaddrinfo(cluster, app_pod(demo), "google.com")
    assert found.error == "EAI_NONAME"
    chain = [(e["type"], e["name"], e["rcode"], e["rflags"]) for e in dns_log(demo) if e["type"] == "A"]
    assert chain == [
        ("A", "google.com.application.svc.cluster.local.", "NXDOMAIN", "qr,aa,rd"),
        ("A", "google.com.svc.cluster.local.", "NXDOMAIN", "qr,aa,rd"),
        ("A", "google.com.cluster.local.", "NXDOMAIN", "qr,aa,rd"),
        ("A", "google.com.", "NXDOMAIN", "qr,rd,ra"),
    ]
    forwarded = [e for e in dns_log(demo) if e["name"] == "google.com."]
    assert all(0.0005 < float(e["duration"]) < 0.05 for e in forwarded)  # milliseconds: a round trip upstream


def test_headless_service_answers_its_ready_pod_ips(demo):
    demo.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "hw-headless", "namespace": "application"},
            "spec": {
                "clusterIP": "None",
                "selector": {"app": "hw-v1"},
                "ports": [{"name": "http", "port": 5678}],
            },
        }
    )
    ips = sorted(p["status"]["podIP"] for p in demo.list("pods", label_selector="app=hw-v1"))
    reply = ask(demo, "A", "hw-headless.application.svc.cluster.local.")
    assert sorted(r.text for r in reply.answer) == ips
    srv = ask(demo, "SRV", "_http._tcp.hw-headless.application.svc.cluster.local.")
    assert [r.text.split()[:3] for r in srv.answer] == [["0", "50", "5678"]] * 2
    assert sorted(r.text for r in srv.additional) == ips
    one = ips[0].replace(".", "-")
    assert [r.text for r in ask(demo, "A", f"{one}.hw-headless.application.svc.cluster.local.").answer] == [
        ips[0]
    ]


def test_srv_for_a_named_port_of_a_cluster_ip_service(demo):
    ip = demo.get("services", "dest-svc-v1")["spec"]["clusterIP"]
    reply = ask(demo, "SRV", "_http-v1._tcp." + SEED_NAME)
    assert [r.text for r in reply.answer] == [f"0 100 7777 {SEED_NAME}"]
    assert [r.text for r in reply.additional] == [ip]
    assert ask(demo, "SRV", "_nope._tcp." + SEED_NAME).rcode == "NXDOMAIN"


def test_pod_names_answer_the_dashed_address_in_insecure_mode(demo):
    reply = ask(demo, "A", "10-244-9-9.application.pod.cluster.local.")
    assert [r.text for r in reply.answer] == ["10.244.9.9"]
    assert ask(demo, "A", "10-244-9-9.no-such-ns.pod.cluster.local.").rcode == "NXDOMAIN"


def test_ptr_names_services_and_endpoints_and_forwards_unknown_addresses(demo):
    svc_ip = demo.get("services", "dest-svc-v1")["spec"]["clusterIP"]
    rev = ".".join(reversed(svc_ip.split("."))) + ".in-addr.arpa."
    assert [r.text for r in ask(demo, "PTR", rev).answer] == [SEED_NAME]
    pod_ip = app_pod(demo)["status"]["podIP"]
    rev_pod = ".".join(reversed(pod_ip.split("."))) + ".in-addr.arpa."
    assert [r.text for r in ask(demo, "PTR", rev_pod).answer] == [f"{pod_ip.replace('.', '-')}.{SEED_NAME}"]
    unknown = ask(demo, "PTR", "9.9.9.10.in-addr.arpa.")
    assert (unknown.rcode, unknown.rflags) == ("NXDOMAIN", "qr,rd,ra")


def test_host_minikube_internal_comes_from_the_hosts_plugin(demo):
    name = "host.minikube.internal."
    a = ask(demo, "A", name)
    assert [r.text for r in a.answer] == ["192.168.76.1"] and a.rflags == "qr,aa,rd"
    aaaa = ask(demo, "AAAA", name)
    assert (aaaa.rcode, aaaa.answer, aaaa.authority) == ("NOERROR", [], [])
    assert response_size(name, aaaa) == request_size(name)


def test_removing_log_from_the_corefile_stops_query_lines_and_restoring_it_resumes(demo):
    pod = app_pod(demo)["metadata"]["name"]
    cm = demo.get("configmaps", "coredns", "kube-system")
    original = cm["data"]["Corefile"]
    demo.patch(
        "configmaps", "coredns", {"data": {"Corefile": original.replace("    log\n", "")}}, "kube-system"
    )
    demo.debug(pod, "busybox", ["nslookup", "dest-svc-v1"], "application")
    assert dns_log(demo) == []
    demo.patch("configmaps", "coredns", {"data": {"Corefile": original}}, "kube-system")
    demo.debug(pod, "busybox", ["nslookup", "dest-svc-v1"], "application")
    assert len(dns_log(demo)) == 6


def test_coredns_log_starts_with_its_banner_and_logs_reloads(demo):
    pod = app_pod(demo)["metadata"]["name"]
    demo.debug(pod, "busybox", ["nslookup", "dest-svc-v1"], "application")
    corefile = demo.get("configmaps", "coredns", "kube-system")["data"]["Corefile"]
    lines = demo.logs(coredns_pod(demo), "kube-system").splitlines()
    assert lines[:4] == coredns.startup_lines(corefile)
    assert lines[1].endswith(hashlib.sha512(corefile.encode()).hexdigest())
    demo.patch(
        "configmaps",
        "coredns",
        {"data": {"Corefile": corefile.replace("cache 30", "cache 60")}},
        "kube-system",
    )
    demo.debug(pod, "busybox", ["nslookup", "dest-svc-v1"], "application")
    lines = demo.logs(coredns_pod(demo), "kube-system").splitlines()
    assert lines[10] == "[INFO] Reloading" and lines[12] == "[INFO] Reloading complete"
    assert len(parse("\n".join(lines))) == 12


def test_corefile_parser_reads_plugins_of_the_root_block_only():
    view = parse_corefile(
        "example.org:53 {\n    log\n}\n.:53 {\n    errors\n    hosts {\n       10.0.0.1 a.example b\n"
        "       fallthrough\n    }\n    forward . 8.8.8.8\n}\n"
    )
    assert (view.log, view.kubernetes, view.forward) == (False, False, True)
    assert view.hosts == {"a.example.": ["10.0.0.1"], "b.": ["10.0.0.1"]}


def test_without_the_kubernetes_plugin_cluster_names_are_forwarded(demo):
    original = demo.get("configmaps", "coredns", "kube-system")["data"]["Corefile"]
    start = original.index("    kubernetes")
    end = original.index("}\n", start) + 2
    demo.patch(
        "configmaps", "coredns", {"data": {"Corefile": original[:start] + original[end:]}}, "kube-system"
    )
    reply = ask(demo, "A", SEED_NAME)
    assert (reply.rcode, reply.rflags) == ("NXDOMAIN", "qr,rd,ra")


def test_nslookup_times_out_when_coredns_has_no_pods(demo):
    demo.patch("deployments", "coredns", {"spec": {"replicas": 0}}, "kube-system")
    result, _ = demo.debug(
        app_pod(demo)["metadata"]["name"], "busybox", ["nslookup", "dest-svc-v1"], "application"
    )
    assert (result.stdout, result.returncode) == (
        ";; connection timed out; no servers could be reached\n\n",
        1,
    )


def test_durations_print_like_go_float_seconds():
    assert coredns.format_seconds(88_042) == "0.000088042s"
    assert coredns.format_seconds(44_830) == "0.00004483s"
    assert coredns.format_seconds(1_500_000_000) == "1.5s"


def test_zone_soa_matches_the_kubernetes_plugin(demo):
    with demo.transaction() as cluster:
        soa = kubernetes.zone_soa(cluster)
    assert soa.name == "cluster.local." and soa.ttl == 30
    assert soa.text.split()[:2] == ["ns.dns.cluster.local.", "hostmaster.cluster.local."]
    assert soa.text.split()[3:] == ["7200", "1800", "86400", "30"]


def test_same_seed_gives_the_same_query_ids_ports_and_durations():
    def run() -> str:
        b = SandboxBackend(None, seed=11)
        b.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
        b.apply_many(
            list(yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text())), namespace="application"
        )
        pod = b.list("pods", "application", label_selector="app=hw-v1")[0]["metadata"]["name"]
        b.debug(pod, "busybox", ["nslookup", "dest-svc-v1"], "application")
        return b.logs(coredns_pod(b), "kube-system", timestamps=True)

    first = run()
    assert first and first == run()
