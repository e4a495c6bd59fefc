"""Pod DNS files (resolv.conf, hosts) per dnsPolicy, and the glibc/musl stub resolvers' search rules."""

from __future__ import annotations

import pytest
import yaml

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.dns import candidates, getaddrinfo, hosts_file, resolv_conf
from ingresslab.manifests import DEMO_DIR

SEED_RESOLV = "nameserver 10.96.0.10\nsearch application.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n"


def pod(name: str = "p", ns: str = "application", **spec) -> dict:
    return {
        "metadata": {"name": name, "namespace": ns},
        "spec": {"containers": [{"name": "c", "image": "busybox"}], **spec},
        "status": {"podIP": "10.244.0.10", "podIPs": [{"ip": "10.244.0.10"}]},
    }


@pytest.fixture
def demo(sandbox: SandboxBackend) -> SandboxBackend:
    sandbox.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "application"}})
    sandbox.set_namespace("application")
    sandbox.apply_many(list(yaml.safe_load_all((DEMO_DIR / "depl-helloworld.yaml").read_text())))
    return sandbox


def query_lines(b: SandboxBackend) -> list[str]:
    """The `log` plugin's query lines (the start-up banner has no quoted question)."""
    name = b.list("pods", "kube-system", label_selector="k8s-app=kube-dns")[0]["metadata"]["name"]
    return [line for line in b.logs(name, "kube-system").splitlines() if '"' in line]


def queries(b: SandboxBackend) -> list[tuple[str, str]]:
    out = []
    for line in query_lines(b):
        qtype, _, qname = line.split('"')[1].split()[:3]
        out.append((qtype, qname))
    return out


def test_cluster_first_resolv_conf_is_the_seeds():
    assert resolv_conf(pod(dnsPolicy="ClusterFirst")).text() == SEED_RESOLV
    assert resolv_conf(pod()).text() == SEED_RESOLV  # ClusterFirst is the default


def test_default_policy_and_host_network_use_the_nodes_resolver():
    node = "nameserver 192.168.76.1\noptions edns0 trust-ad ndots:0\n"
    assert resolv_conf(pod(dnsPolicy="Default")).text() == node
    assert resolv_conf(pod(hostNetwork=True)).text() == node  # ClusterFirst falls back on the host network
    assert resolv_conf(pod(hostNetwork=True, dnsPolicy="ClusterFirstWithHostNet")).text() == SEED_RESOLV


def test_dns_config_merges_into_cluster_first_and_is_all_of_none():
    merged = resolv_conf(
        pod(
            dnsConfig={
                "nameservers": ["1.1.1.1"],
                "searches": ["corp.example"],
                "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}],
            }
        )
    )
    assert merged.nameservers == ("10.96.0.10", "1.1.1.1")
    assert merged.searches[-1] == "corp.example"
    assert merged.options == ("ndots:2", "edns0") and merged.ndots == 2
    none = resolv_conf(pod(dnsPolicy="None", dnsConfig={"nameservers": ["10.0.0.53"]}))
    assert none.text() == "nameserver 10.0.0.53\n"


def test_hosts_file_is_the_kubelets_with_the_pod_ip_and_name():
    assert hosts_file(pod("dest-depl-v1-abc-xyz12")) == (
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
        "10.244.0.10\tdest-depl-v1-abc-xyz12\n"
    )
    sub = hosts_file(
        pod(hostname="web-0", subdomain="web", hostAliases=[{"ip": "1.2.3.4", "hostnames": ["a", "b"]}])
    )
    assert "10.244.0.10\tweb-0.web.application.svc.cluster.local\tweb-0\n" in sub
    assert sub.endswith("\n# Entries added by HostAliases.\n1.2.3.4\ta\tb\n")
    assert hosts_file(pod(hostNetwork=True)).startswith("# Kubernetes-managed hosts file (host network).\n")


def test_candidates_follow_ndots_and_the_trailing_dot():
    conf = resolv_conf(pod())
    assert candidates("dest-svc-v1", conf) == [
        "dest-svc-v1.application.svc.cluster.local.",
        "dest-svc-v1.svc.cluster.local.",
        "dest-svc-v1.cluster.local.",
        "dest-svc-v1.",
    ]
    assert candidates("google.com.", conf) == ["google.com."]
    five = "a.b.c.d.e.f"
    assert candidates(five, conf)[0] == "a.b.c.d.e.f." and len(candidates(five, conf)) == 4
    assert candidates(five, conf, "musl") == ["a.b.c.d.e.f."]


def test_glibc_stops_at_the_first_candidate_with_records(demo):
    with demo.transaction() as cluster:
        found = getaddrinfo(cluster, demo.list("pods", label_selector="app=hw-v1")[0], "dest-svc-v1")
    assert found.ok and found.addresses == [demo.get("services", "dest-svc-v1")["spec"]["clusterIP"]]
    assert found.canonical == "dest-svc-v1.application.svc.cluster.local"
    assert queries(demo) == [
        ("A", "dest-svc-v1.application.svc.cluster.local."),
        ("AAAA", "dest-svc-v1.application.svc.cluster.local."),
    ]


def test_a_name_with_five_dots_goes_out_as_is_first(demo):
    with demo.transaction() as cluster:
        getaddrinfo(cluster, demo.list("pods", label_selector="app=hw-v1")[0], "a.b.c.d.e.f")
    assert queries(demo)[0] == ("A", "a.b.c.d.e.f.")
    assert queries(demo)[2] == ("A", "a.b.c.d.e.f.application.svc.cluster.local.")


def test_musl_stops_at_nodata_where_glibc_keeps_searching(demo):
    # `application.svc.cluster.local` exists (a namespace) but has no address: NODATA on the 2nd candidate.
    target = demo.list("pods", label_selector="app=hw-v1")[0]
    with demo.transaction() as cluster:
        musl = getaddrinfo(cluster, target, "application", libc="musl")
    musl_queries = len(queries(demo))
    with demo.transaction() as cluster:
        glibc = getaddrinfo(cluster, target, "application", libc="glibc")
    assert musl.error == glibc.error == "EAI_NODATA"
    assert musl_queries == 4
    assert len(queries(demo)) - musl_queries == 8


def test_each_candidate_uses_a_fresh_source_port_shared_by_a_and_aaaa(demo):
    target = demo.list("pods", label_selector="app=hw-v1")[0]
    with demo.transaction() as cluster:
        getaddrinfo(cluster, target, "nothing-here")
    ports = [line.split()[1].rsplit(":", 1)[1] for line in query_lines(demo)]
    assert len(ports) == 8
    pairs = [ports[i : i + 2] for i in range(0, 8, 2)]
    assert all(a == b for a, b in pairs)
    assert len({a for a, _ in pairs}) == 4


def test_hosts_file_and_numeric_names_skip_dns(demo):
    target = demo.list("pods", label_selector="app=hw-v1")[0]
    with demo.transaction() as cluster:
        me = getaddrinfo(cluster, target, target["metadata"]["name"])
        numeric = getaddrinfo(cluster, target, "10.1.2.3")
    assert (me.source, me.addresses) == ("hosts", [target["status"]["podIP"]])
    assert (numeric.source, numeric.addresses) == ("numeric", ["10.1.2.3"])
    assert queries(demo) == []


def test_default_policy_pods_never_reach_coredns(demo):
    target = demo.list("pods", label_selector="app=hw-v1")[0]
    target["spec"]["dnsPolicy"] = "Default"
    with demo.transaction() as cluster:
        found = getaddrinfo(cluster, target, "dest-svc-v1")
    assert found.error == "EAI_NONAME" and found.message == "Name or service not known"
    assert queries(demo) == []
