"""DNS differential: the sandbox's CoreDNS against real CoreDNS 1.11.1 serving the reference cluster.

Both clusters get the same objects (a Deployment, a ClusterIP Service at a fixed address with a named port,
a headless Service, an ExternalName Service). The same questions — A/AAAA/SRV/PTR for Services and pods,
the NXDOMAIN search chain of an external name, minikube's hosts entry — go to both servers through real
`dig` and real busybox `nslookup`; rcodes, flags, sections, TTLs and message sizes must be equal, and so must
the `log` plugin's lines. Pod IPs are the only thing allowed to differ (each side's allocator picks its
own): they are replaced by a placeholder, and a size difference that comes from their text length alone is
accounted for.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from oracles import missing, require_binary
from sandbox_dns import SandboxDnsServer

from ingresslab.backends.sandbox import SandboxBackend

# One worker asks every question, in order: the reference CoreDNS's cache is shared by the whole run, and
# a question asked twice is answered from it (TTL counted down, `aa` set).
pytestmark = [pytest.mark.reference, pytest.mark.xdist_group("dns-differential")]

NS = "dnsdiff"
SERVICE_IP = "10.100.50.50"
MANIFESTS = f"""
apiVersion: v1
kind: Namespace
metadata: {{name: {NS}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {NS}}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: hashicorp/http-echo
        args: ["-listen=:8080", "-text=hello"]
        ports: [{{containerPort: 8080, name: http}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: {NS}}}
spec:
  clusterIP: {SERVICE_IP}
  selector: {{app: web}}
  ports: [{{name: http, port: 80, targetPort: 8080, protocol: TCP}}]
---
apiVersion: v1
kind: Service
metadata: {{name: web-headless, namespace: {NS}}}
spec:
  clusterIP: None
  selector: {{app: web}}
  ports: [{{name: http, port: 80, targetPort: 8080, protocol: TCP}}]
---
apiVersion: v1
kind: Service
metadata: {{name: ext, namespace: {NS}}}
spec:
  type: ExternalName
  externalName: example.org
"""


def _questions(pod_ip: str) -> list[tuple[str, str]]:
    dashed = pod_ip.replace(".", "-")
    reverse = ".".join(reversed(pod_ip.split("."))) + ".in-addr.arpa."
    svc = "svc.cluster.local."
    return [
        ("A", f"web.{NS}.{svc}"),
        ("AAAA", f"web.{NS}.{svc}"),
        ("SRV", f"_http._tcp.web.{NS}.{svc}"),
        ("SRV", f"web.{NS}.{svc}"),
        ("A", f"web-headless.{NS}.{svc}"),
        ("SRV", f"_http._tcp.web-headless.{NS}.{svc}"),
        ("A", f"{dashed}.web-headless.{NS}.{svc}"),
        ("A", f"{dashed}.{NS}.pod.cluster.local."),
        ("PTR", "50.50.100.10.in-addr.arpa."),
        ("PTR", reverse),
        ("PTR", "10.0.96.10.in-addr.arpa."),
        ("A", "kube-dns.kube-system.svc.cluster.local."),
        ("A", "kubernetes.default.svc.cluster.local."),
        ("A", f"nosuch.{NS}.{svc}"),
        ("A", f"web.nosuchns.{svc}"),
        ("A", f"{NS}.{svc}"),
        ("A", f"ext.{NS}.{svc}"),
        ("A", "host.minikube.internal."),
        # the search chain of `example.com` from a pod in NS (ndots:5), ending at the forwarded name
        ("A", f"example.com.{NS}.{svc}"),
        ("A", "example.com.svc.cluster.local."),
        ("A", "example.com.cluster.local."),
        ("A", "example.com."),
        ("AAAA", "example.com."),
    ]


@dataclass
class Side:
    name: str
    port: int
    pod_ip: str
    log: Callable[[], list[str]]  # the CoreDNS log's query lines so far


def _wait_reference_ready(cluster) -> str:
    """The pod's IP once the API server lists it in the Endpoints of both Services that select it."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        done = cluster.kubectl_run("get", "endpoints", "web", "web-headless", "-n", NS, "-o", "json")
        if done.returncode == 0:
            found = [
                [a["ip"] for s in ep.get("subsets") or [] for a in s.get("addresses") or []]
                for ep in json.loads(done.stdout).get("items") or []
            ]
            if len(found) == 2 and all(found) and found[0] == found[1]:
                return found[0][0]
        time.sleep(0.5)
    raise AssertionError("the reference cluster's endpoints for web and web-headless never became ready")


def _wait_coredns_sees(port: int, pod_ip: str, services: int) -> None:
    """CoreDNS's informers learn of new endpoints a moment after the API server has them: wait until the
    pod IP's PTR names every Service whose Endpoints hold it, as the API server lists them."""
    reverse = ".".join(reversed(pod_ip.split("."))) + ".in-addr.arpa."
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        # +dnssec: the DO bit is part of CoreDNS's cache key, so this poll leaves no entry the questions
        # below could hit (they would see a lower TTL and `aa`).
        answer = _run_dig(port, "+dnssec", "+short", "+time=2", "PTR", reverse)  # a later +time wins
        if len(answer.split()) == services:
            return
        time.sleep(0.5)
    raise AssertionError(f"the reference CoreDNS never named {services} Services for {pod_ip}")


@pytest.fixture(scope="module")
def sides(reference_cluster):
    done = reference_cluster.kubectl_run("apply", "-f", "-", stdin=MANIFESTS)
    assert done.returncode == 0, done.stderr
    ref_pod_ip = _wait_reference_ready(reference_cluster)
    _wait_coredns_sees(reference_cluster.dns_port, ref_pod_ip, services=2)
    ref_log = Path(reference_cluster.directory) / "logs" / "coredns.log"

    sandbox = SandboxBackend(None, seed=11)
    sandbox.apply_many(list(yaml.safe_load_all(MANIFESTS)))
    sb_pod_ip = next(  # any endpoint address: every Service here selects the one pod
        a["ip"]
        for ep in sandbox.list("endpoints", NS)
        for s in ep.get("subsets") or []
        for a in s.get("addresses") or []
    )
    server = SandboxDnsServer(sandbox)

    def sandbox_log() -> list[str]:
        coredns = next(
            p for p in sandbox.list("pods", "kube-system") if p["metadata"]["name"].startswith("coredns")
        )
        text = sandbox.logs(coredns["metadata"]["name"], "kube-system")
        return [line for line in text.splitlines() if line.startswith("[INFO] 127.0.0.1:")]

    def reference_log() -> list[str]:
        return [line for line in ref_log.read_text().splitlines() if line.startswith("[INFO] 127.0.0.1:")]

    yield {
        "sandbox": Side("sandbox", server.port, sb_pod_ip, sandbox_log),
        "reference": Side("reference", reference_cluster.dns_port, ref_pod_ip, reference_log),
    }
    server.close()
    reference_cluster.kubectl_run("delete", "namespace", NS, "--wait=false")


def _normalise(text: str, side: Side) -> str:
    # The cluster zone's SOA serial is a timestamp (when the API data last changed): random by nature.
    text = re.sub(r"(hostmaster\.cluster\.local\. )\d+", r"\1SERIAL", text)
    ip = side.pod_ip
    text = text.replace(".".join(reversed(ip.split("."))) + ".in-addr.arpa", "POD.REV.in-addr.arpa")
    text = text.replace(ip.replace(".", "-"), "POD-IP")
    text = re.sub(rf"(?<![\d.]){re.escape(ip)}(?![\d])", "POD.IP", text)
    return text


def _size_shift(text: str, side: Side, other: Side) -> int:
    """Bytes the message would differ by from the pod IPs' text length alone (names are uncompressed)."""
    grow = len(other.pod_ip) - len(side.pod_ip)
    names = text.count(side.pod_ip.replace(".", "-")) + text.count(".".join(reversed(side.pod_ip.split("."))))
    return grow * names


def _run_dig(port: int, *args: str) -> str:
    """Real dig's output for one query to 127.0.0.1:`port` (one try, a few seconds at most)."""
    dig = require_binary("dig", package="dnsutils")
    done = subprocess.run(
        [dig, "@127.0.0.1", "-p", str(port), "+tries=1", "+time=3", *args],
        capture_output=True,
        text=True,
        timeout=15,
        check=False,
    )
    return done.stdout


def _dig(side: Side, qtype: str, name: str) -> str:
    # +nocookie: no client in the sandbox sends DNS cookies (glibc, musl and busybox do not), so its
    # CoreDNS does not model them; everything else is dig's default query (EDNS0, 1232-byte buffer).
    return _run_dig(side.port, "+nocookie", qtype, name)


_VOLATILE = re.compile(r"^;; (Query time|SERVER|WHEN):.*$|^; <<>> DiG .*$|, id: \d+", re.M)


def _sorted_records(body: str) -> str:
    """Records of one section in a fixed order: CoreDNS's order is not specified (`loadbalance` shuffles
    address records; a PTR for an IP behind several Services comes from an index kept in a map)."""
    blocks = body.split("\n\n")
    return "\n\n".join(
        "\n".join([b.splitlines()[0], *sorted(b.splitlines()[1:])]) if b.startswith(";; ") else b
        for b in blocks
    )


def _dig_view(text: str, side: Side, other: Side) -> tuple[str, int | None]:
    size = re.search(r"MSG SIZE\s+rcvd: (\d+)", text)
    body = _VOLATILE.sub("", text)
    body = re.sub(r"^;; MSG SIZE.*$", "", body, flags=re.M)
    body = _sorted_records(body)
    shifted = int(size.group(1)) + _size_shift(text, side, other) if size else None
    return _normalise(body, side).strip(), shifted


@pytest.mark.parametrize("index", range(len(_questions("10.244.0.9"))))
def test_dig_sees_the_same_reply(sides, index):
    sb, ref = sides["sandbox"], sides["reference"]
    qtype, sb_name = _questions(sb.pod_ip)[index]
    _, ref_name = _questions(ref.pod_ip)[index]
    sb_text, sb_size = _dig_view(_dig(sb, qtype, sb_name), sb, ref)
    ref_text, ref_size = _dig_view(_dig(ref, qtype, ref_name), ref, ref)
    if not ref_text:
        missing("the reference CoreDNS did not answer")
    assert sb_text == ref_text
    assert sb_size == ref_size


def _nslookup(side: Side, qtype: str, name: str) -> str:
    busybox = require_binary("busybox", package="busybox")
    done = subprocess.run(
        [busybox, "nslookup", f"-type={qtype.lower()}", f"-port={side.port}", name.rstrip("."), "127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=15,
        check=False,
    )
    lines = _normalise(done.stdout + done.stderr, side).replace(f":{side.port}", ":PORT").splitlines()
    # several PTR answers come in no specified order (see _sorted_records)
    ptr = sorted(line for line in lines if "name = " in line)
    lines = [ptr.pop(0) if "name = " in line else line for line in lines]
    return "\n".join(lines) + f"\nexit {done.returncode}"


@pytest.mark.parametrize("index", [0, 1, 2, 4, 8, 9, 13, 16, 17, 21])
def test_busybox_nslookup_prints_the_same(sides, index):
    sb, ref = sides["sandbox"], sides["reference"]
    qtype, sb_name = _questions(sb.pod_ip)[index]
    _, ref_name = _questions(ref.pod_ip)[index]
    assert _nslookup(sb, qtype, sb_name) == _nslookup(ref, qtype, ref_name)


_LOG = re.compile(r'^\[INFO\] 127\.0\.0\.1:\d+ - \d+ "(?P<q>[^"]+)" (?P<rest>\S+ \S+ \d+) [\d.]+s$')


def _log_for(
    lines: list[str], side: Side, other: Side, qtype: str, name: str, *, first: bool = False
) -> str | None:
    """The latest (or first) line for this question without the DO bit (the readiness poll sets it)."""
    for line in lines if first else reversed(lines):
        m = _LOG.match(line)
        if m and m.group("q").startswith(f"{qtype} IN {name} udp ") and m.group("q").split()[5] == "false":
            q, rest = m.group("q"), m.group("rest")
            rcode, flags, size = rest.split()
            qsize = q.split()[4]
            shift = _size_shift(name, side, other)
            return _normalise(f"{q.replace(qsize, str(int(qsize) + shift), 1)} {rcode} {flags} ", side) + str(
                int(size) + _size_shift(line, side, other)
            )
    return None


def test_coredns_log_lines_agree(sides):
    """Every question was logged alike — request size, EDNS, rcode, flags, reply size — when first asked
    (a fresh answer) and when asked again (from the cache: `aa`)."""
    sb, ref = sides["sandbox"], sides["reference"]
    for index, (qtype, sb_name) in enumerate(_questions(sb.pod_ip)):
        ref_name = _questions(ref.pod_ip)[index][1]
        first_sb = _log_for(sb.log(), sb, ref, qtype, sb_name, first=True)
        first_ref = _log_for(ref.log(), ref, ref, qtype, ref_name, first=True)
        if first_ref is not None:  # asked by the dig test above (not when this test runs alone)
            assert first_sb == first_ref, f"first ask: {qtype} {sb_name}"
        _dig(sb, qtype, sb_name)
        _dig(ref, qtype, ref_name)
        time.sleep(0.05)
        sb_line = _log_for(sb.log(), sb, ref, qtype, sb_name)
        ref_line = _log_for(ref.log(), ref, ref, qtype, ref_name)
        assert ref_line is not None, f"the reference CoreDNS logged no line for {qtype} {ref_name}"
        assert sb_line == ref_line, f"{qtype} {sb_name}"
