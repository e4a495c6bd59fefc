"""The reference cluster itself: minikube's shape where it is data, loopback only, stopped by pid."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cluster import STATE_FILE, down, status

pytestmark = pytest.mark.reference

HERE = Path(__file__).resolve().parent


def _get(cluster, *args: str) -> dict:
    done = cluster.kubectl_run("get", *args, "-o", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_node_is_minikube_ready_with_its_pod_cidr(reference_cluster):
    node = _get(reference_cluster, "node", "minikube")
    conditions = {c["type"]: c["status"] for c in node["status"]["conditions"]}
    assert conditions["Ready"] == "True"
    assert node["spec"]["podCIDR"] == "10.244.0.0/24"
    assert {"address": "127.0.0.1", "type": "InternalIP"} in node["status"]["addresses"]
    assert node["metadata"]["labels"]["node-role.kubernetes.io/control-plane"] == ""


def test_kube_dns_answers_at_its_minikube_address(reference_cluster):
    svc = _get(reference_cluster, "service", "kube-dns", "-n", "kube-system")
    assert svc["spec"]["clusterIP"] == "10.96.0.10"
    pods = _get(reference_cluster, "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns")["items"]
    assert [p["status"]["phase"] for p in pods] == ["Running"]
    assert ipaddress.ip_address(pods[0]["status"]["podIP"]) in ipaddress.ip_network("10.244.0.0/24")


def test_the_server_reports_the_pinned_release(reference_cluster):
    done = reference_cluster.kubectl_run("version", "-o", "json")
    assert done.returncode == 0, done.stderr
    versions = json.loads(done.stdout)
    assert versions["serverVersion"]["gitVersion"] == "v1.31.0"
    assert versions["clientVersion"]["gitVersion"] == "v1.31.0"


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def _decode(address: str) -> str:
    """An address of /proc/net/{tcp,udp}[6] (little-endian hex) as text."""
    host = address.split(":")[0]
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return str(ipaddress.IPv6Address(words))


def _sockets() -> dict[str, tuple[str, str, str]]:
    table = {}
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        for line in Path(f"/proc/net/{proto}").read_text().splitlines()[1:]:
            fields = line.split()
            table[fields[9]] = (proto, _decode(fields[1]), _decode(fields[2]))
    return table


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def test_no_component_listens_or_connects_outside_loopback(reference_cluster):
    state = json.loads((reference_cluster.directory / STATE_FILE).read_text())
    sockets = _sockets()
    seen = 0
    for name, proc in state["processes"].items():
        for inode in _socket_inodes(proc["pid"]):
            if inode not in sockets:
                continue  # a unix socket
            proto, local, remote = sockets[inode]
            seen += 1
            # Bound to loopback (never 0.0.0.0, which would listen on every interface); a peer, if any,
            # on loopback too (an unset peer is a listener or an unconnected UDP socket).
            assert _ip(local).is_loopback, f"{name} has a {proto} socket on {local}"
            assert _ip(remote).is_loopback or _ip(remote).is_unspecified, f"{name} talks {proto} to {remote}"
    assert seen >= 10  # etcd, the API server and its clients, CoreDNS … really were inspected


def test_status_names_every_component(reference_cluster):
    running = status(reference_cluster.directory)
    assert set(running) == {
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kwok",
        "dnsstub",
        "coredns",
    }
    assert all(running.values())


def test_down_stops_only_the_processes_it_started(tmp_path):
    """A recorded pid now running another program is left alone; ours is stopped; files stay."""
    ours = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    other = subprocess.Popen(["sleep", "60"])
    try:
        (tmp_path / "keep.txt").write_text("x")
        state = {
            "processes": {
                "ours": {"pid": ours.pid, "argv0": sys.executable},
                "reused": {"pid": other.pid, "argv0": "/not/the/program/we/started"},
            }
        }
        (tmp_path / STATE_FILE).write_text(json.dumps(state))
        assert down(tmp_path) == ["ours"]
        assert ours.wait(timeout=10) is not None
        time.sleep(0.2)
        assert other.poll() is None
        assert (tmp_path / "keep.txt").exists()
        assert status(tmp_path) == {}
    finally:
        for proc in (ours, other):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
