"""CoreDNS's `cache 30` in the sandbox: capped TTLs on the first reply, `aa` and what remains on a repeat.

The facts were measured on real CoreDNS 1.11.1 with minikube's Corefile (tests/reference pins the same
comparison against it): a forwarded NXDOMAIN's root SOA shows TTL 30, not 86400; the hosts entry 30, not
3600; a repeat within the TTL is authoritative with the TTL counted down; the log plugin logs the same
response size with and without EDNS0.
"""

from __future__ import annotations

from ingresslab.backends.sandbox import SandboxBackend
from ingresslab.backends.sandbox.dns import coredns
from ingresslab.backends.sandbox.dns.corefile import parse_corefile


def _ask(backend: SandboxBackend, qtype: str, name: str, *, after: float = 0.0, edns: int | None = None):
    with backend.transaction(tick=False) as cluster:
        pod = cluster.list("pods", "kube-system")
        pod = next(p for p in pod if p["metadata"]["name"].startswith("coredns-"))
        return coredns.handle(
            cluster, pod, "10.244.0.9", 40000, 1, qtype, name, cluster.store.now + after, edns_bufsize=edns
        )


def test_the_first_reply_carries_ttls_capped_at_the_cache_ttl(sandbox):
    forwarded = _ask(sandbox, "A", "example.com.")
    assert forwarded.reply.rcode == "NXDOMAIN"
    assert [r.ttl for r in forwarded.reply.authority] == [30]
    assert forwarded.reply.rflags == "qr,rd,ra"
    host = _ask(sandbox, "A", "host.minikube.internal.")
    assert [r.ttl for r in host.reply.answer] == [30]


def test_a_repeat_within_the_ttl_is_authoritative_and_counts_down(sandbox):
    _ask(sandbox, "A", "example.org.")
    again = _ask(sandbox, "A", "example.org.", after=7.6)
    assert again.reply.rflags == "qr,aa,rd,ra"
    assert [r.ttl for r in again.reply.authority] == [23]  # 30 - int(7.6)
    svc = _ask(sandbox, "A", "kube-dns.kube-system.svc.cluster.local.")
    assert [r.ttl for r in svc.reply.answer] == [30]
    assert [r.ttl for r in _ask(sandbox, "A", svc.name, after=12).reply.answer] == [18]


def test_an_expired_entry_is_asked_again(sandbox):
    _ask(sandbox, "A", "example.net.")
    later = _ask(sandbox, "A", "example.net.", after=30.0)
    assert later.reply.rflags == "qr,rd,ra"
    assert [r.ttl for r in later.reply.authority] == [30]


def test_the_cache_key_is_the_question_in_any_case(sandbox):
    _ask(sandbox, "A", "Example.COM.")
    assert _ask(sandbox, "A", "example.com.", after=1).reply.rflags == "qr,aa,rd,ra"
    assert _ask(sandbox, "AAAA", "example.com.", after=1).reply.rflags == "qr,rd,ra"  # another key


def test_the_logged_response_size_leaves_out_the_opt_record(sandbox):
    plain = _ask(sandbox, "A", "kube-dns.kube-system.svc.cluster.local.")
    with_edns = _ask(sandbox, "A", "kube-dns.kube-system.svc.cluster.local.", after=1, edns=1232)
    assert (plain.size, plain.rsize) == (56, 110)
    assert (with_edns.size, with_edns.rsize) == (67, 110)


def test_corefile_cache_caps():
    assert parse_corefile(".:53 {\n cache 30\n forward . 8.8.8.8\n}\n").cache == (30, 30)
    assert parse_corefile(".:53 {\n cache\n}\n").cache == (3600, 1800)
    assert parse_corefile(".:53 {\n forward . 8.8.8.8\n}\n").cache is None


def test_without_the_cache_plugin_nothing_is_remembered(sandbox):
    with sandbox.transaction() as cluster:
        cm = cluster.get("configmaps", "coredns", "kube-system")
        cm["data"]["Corefile"] = cm["data"]["Corefile"].replace("    cache 30\n", "")
        cluster.update(cm)
    first = _ask(sandbox, "A", "example.com.")
    assert [r.ttl for r in first.reply.authority] == [86400]
    assert _ask(sandbox, "A", "example.com.", after=1).reply.rflags == "qr,rd,ra"
