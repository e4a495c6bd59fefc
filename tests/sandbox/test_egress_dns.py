"""The emulated internet without Istio: a pod's own lookups of public names (CoreDNS's search-list misses, then
the forwarded answer from the upstream resolver) and its requests straight out through the node."""

from __future__ import annotations

import json
import re

import pytest

import ingresslab
from ingresslab.backends.sandbox.outside import PUBLIC_SOURCE_IP, SITES

pytest.importorskip("ingresslab.commands.shell", reason="the lab's shell is not in this checkout yet")

CURL_URL = "https://raw.githubusercontent.com/istio/istio/release-1.24/samples/curl/curl.yaml"
LINE = re.compile(
    r'\[INFO\] (?P<ip>[\d.]+):\d+ - \d+ "(?P<type>A|AAAA) IN (?P<name>\S+) udp (?P<size>\d+) false 512" '
    r"(?P<rcode>\w+) (?P<flags>[a-z,]+) (?P<rsize>\d+) [\d.]+s"
)


@pytest.fixture
def lab():
    lab = ingresslab.connect("sandbox", state=None)
    lab.sh(f"kubectl apply -f {CURL_URL}").check()
    return lab


def test_public_names_resolve_through_coredns_forward(lab):
    out = lab.sh(
        'kubectl exec deploy/curl -- curl -sS -o /dev/null -w "%{http_code} %{remote_ip}\\n" http://edition.cnn.com/'
    )
    assert out.check().stdout == f"301 {SITES['edition.cnn.com'].addresses[0]}\n"
    pod_ip = lab.sh("kubectl get pod -l app=curl -o jsonpath='{.items[0].status.podIP}'").check().stdout
    logs = lab.sh("kubectl logs -n kube-system -l k8s-app=kube-dns --tail 100 | grep edition.cnn.com").check()
    found = [LINE.fullmatch(line) for line in logs.stdout.splitlines()]
    assert all(found)
    rows = [(m["ip"], m["type"], m["name"], m["rcode"], m["flags"]) for m in found]  # type: ignore[index]
    searched = [
        (pod_ip, qtype, f"edition.cnn.com.{suffix}.", "NXDOMAIN", "qr,aa,rd")
        for suffix in ("default.svc.cluster.local", "svc.cluster.local", "cluster.local")
        for qtype in ("A", "AAAA")
    ]
    forwarded = [(pod_ip, qtype, "edition.cnn.com.", "NOERROR", "qr,rd,ra") for qtype in ("A", "AAAA")]
    assert rows == searched + forwarded
    a_reply = next(m for m in found if m["name"] == "edition.cnn.com." and m["type"] == "A")  # type: ignore[index]
    assert int(a_reply["rsize"]) == 12 + (16 + 1 + 4) + 4 * (17 + 10 + 4)  # header, question, four A records


def test_sites_answer_a_pod_without_a_sidecar(lab):
    origin = json.loads(lab.sh("kubectl exec deploy/curl -- curl -sS https://httpbin.org/ip").check().stdout)
    assert origin == {"origin": PUBLIC_SOURCE_IP}
    head = lab.sh("kubectl exec deploy/curl -- curl -sI http://edition.cnn.com/politics").check().stdout
    assert head.startswith("HTTP/1.1 301 Moved Permanently\r\n")
    assert "Location: https://edition.cnn.com/politics\r\n" in head and "Server: Varnish\r\n" in head
    missing = lab.sh("kubectl exec deploy/curl -- curl -sS http://example.com/")
    assert (missing.returncode, missing.stderr) == (
        6,
        "curl: (6) Could not resolve host: example.com\ncommand terminated with exit code 6\n",
    )
    nowhere = lab.sh("kubectl exec deploy/curl -- curl -sS -m 3 http://203.0.113.99/")
    assert nowhere.returncode == 28
