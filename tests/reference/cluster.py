"""A real Kubernetes control plane on 127.0.0.1, shaped like minikube where shape is only data.

    python tests/reference/cluster.py up --dir DIR      # build if needed, start, wait; last line: kubeconfig
    python tests/reference/cluster.py status --dir DIR
    python tests/reference/cluster.py down --dir DIR    # stops exactly the processes `up` started, by pid

Processes: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok (the kubelet stand-in:
node and pod status from stages.yaml, no containers), CoreDNS (minikube's Corefile, `log` on, forwarding to
dnsstub.py) and that stub. Every listener binds 127.0.0.1 and every address a process could dial is on
loopback: the node's InternalIP is 127.0.0.1, the API server never proxies to a node or pod (the tests ask for
no logs/exec/port-forward here), and CoreDNS forwards to the stub, never to the host's resolver.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gobuild import BINARIES, build  # noqa: E402
from refpki import Pki, make_pki  # noqa: E402

__all__ = ["CONTEXT", "Cluster", "ClusterError", "down", "status", "up"]

CONTEXT = "ingresslab-reference"
SERVICE_CIDR = "10.96.0.0/12"
CLUSTER_CIDR = "10.244.0.0/16"
NODE_NAME = "minikube"
STATE_FILE = "cluster.json"
START_TIMEOUT = 180.0
ADMISSION = (
    # minikube's list (bsutil templates)
    "NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,"
    "NodeRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota"
)


class ClusterError(RuntimeError):
    """The cluster could not be started or stopped; the message says which component and where its log is."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A running reference cluster as `up` left it."""

    directory: Path
    kubeconfig: Path
    server: str
    kubectl: Path
    dns_port: int
    bindir: Path

    def env(self) -> dict[str, str]:
        """Environment for a real kubectl against this cluster (nothing of the user's own kubeconfig)."""
        return {**os.environ, "KUBECONFIG": str(self.kubeconfig), "HOME": str(self.directory)}

    def kubectl_run(
        self, *args: str, stdin: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.kubectl), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=timeout,
            check=False,
        )


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port the kernel calls free on 127.0.0.1, for TCP (default) or UDP (`socket.SOCK_DGRAM`)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def write_kubeconfig(path: Path, server: str, ca: Path, token: str, *, namespace: str | None = None) -> Path:
    context: dict = {"cluster": CONTEXT, "user": CONTEXT}
    if namespace:
        context["namespace"] = namespace
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CONTEXT, "cluster": {"server": server, "certificate-authority": str(ca)}}],
        "users": [{"name": CONTEXT, "user": {"token": token}}],
        "contexts": [{"name": CONTEXT, "context": context}],
        "current-context": CONTEXT,
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    path.chmod(0o600)
    return path


# -- processes ---------------------------------------------------------------------------------------
def _state(directory: Path) -> dict:
    path = directory / STATE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"processes": {}}


def _save_state(directory: Path, state: dict) -> None:
    tmp = directory / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.replace(tmp, directory / STATE_FILE)


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _is_ours(pid: int, argv0: str) -> bool:
    """The pid still runs the program we started (a reused pid of another program is never signalled)."""
    cmd = _cmdline(pid)
    return bool(cmd) and cmd[0] == argv0


def _start(directory: Path, state: dict, name: str, argv: list[str]) -> subprocess.Popen:
    logs = directory / "logs"
    logs.mkdir(exist_ok=True)
    with (logs / f"{name}.log").open("ab") as sink:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=directory,
            start_new_session=True,  # a Ctrl-C in the terminal running pytest does not reach it first
        )
    state["processes"][name] = {"pid": proc.pid, "argv0": argv[0]}
    _save_state(directory, state)
    return proc


def _log_tail(directory: Path, name: str, lines: int = 15) -> str:
    path = directory / "logs" / f"{name}.log"
    if not path.is_file():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _wait(directory: Path, name: str, proc: subprocess.Popen, ready, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ClusterError(
                f"{name} exited with {proc.returncode} (log: {directory / 'logs' / (name + '.log')}):\n"
                + _log_tail(directory, name)
            )
        try:
            if ready():
                return
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
        time.sleep(0.25)
    raise ClusterError(f"{name} was not ready after {timeout:.0f} s:\n{_log_tail(directory, name)}")


def _http_ok(url: str, *, ca: Path | None = None, token: str | None = None) -> bool:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    context = ssl.create_default_context(cafile=str(ca)) if ca else None
    with urllib.request.urlopen(request, timeout=2, context=context) as response:
        return response.status == 200


# -- the components --------------------------------------------------------------------------------
def _component_kubeconfig(directory: Path, pki: Pki, server: str, user: str) -> Path:
    return write_kubeconfig(directory / f"{user}.kubeconfig", server, pki.ca_cert, pki.tokens[user])


def _corefile(directory: Path, port: int, stub_port: int, kubeconfig: Path) -> Path:
    # minikube's Corefile with every listener on 127.0.0.1 and the forward pointed at the loopback stub.
    health, ready, metrics = free_port(), free_port(), free_port()
    text = f""".:{port} {{
    bind 127.0.0.1
    log
    errors
    health 127.0.0.1:{health} {{
       lameduck 5s
    }}
    ready 127.0.0.1:{ready}
    kubernetes cluster.local in-addr.arpa ip6.arpa {{
       kubeconfig {kubeconfig} {CONTEXT}
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }}
    prometheus 127.0.0.1:{metrics}
    hosts {{
       192.168.76.1 host.minikube.internal
       fallthrough
    }}
    forward . 127.0.0.1:{stub_port} {{
       max_concurrent 1000
    }}
    cache 30
    loop
    reload
    loadbalance
}}
"""
    path = directory / "Corefile"
    path.write_text(text, encoding="utf-8")
    return path


def _kubectl(bindir: Path, kubeconfig: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [str(bindir / "kubectl"), "--kubeconfig", str(kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise ClusterError(f"kubectl {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _jsonpath(bindir: Path, kubeconfig: Path, *args: str) -> str:
    try:
        return _kubectl(bindir, kubeconfig, *args)
    except ClusterError:
        return ""


def up(directory: Path, *, quiet: bool = False) -> Cluster:
    """Start a cluster in `directory` (created if needed) and wait until it serves; idempotent when running."""
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    existing = _state(directory)
    if (
        existing.get("kubeconfig")
        and all(_is_ours(p["pid"], p["argv0"]) for p in existing["processes"].values())
        and existing["processes"]
    ):
        return _cluster_from(directory, existing)
    if any(_is_ours(p["pid"], p["argv0"]) for p in existing["processes"].values()):
        down(directory)

    bindir = build(quiet=quiet)
    # A new cluster each time: the store of an earlier run (ours, in this directory) is dropped.
    shutil.rmtree(directory / "etcd", ignore_errors=True)
    pki = make_pki(directory / "pki")
    state: dict = {"processes": {}, "bindir": str(bindir)}
    _save_state(directory, state)
    try:
        return _start_all(directory, bindir, pki, state)
    except BaseException:
        down(directory)
        raise


def _start_all(directory: Path, bindir: Path, pki: Pki, state: dict) -> Cluster:
    bin_ = {name: str(bindir / name) for name in BINARIES}
    etcd_client, etcd_peer = free_port(), free_port()
    etcd = _start(
        directory,
        state,
        "etcd",
        [
            bin_["etcd"],
            "--name=reference",
            f"--data-dir={directory / 'etcd'}",
            f"--listen-client-urls=http://127.0.0.1:{etcd_client}",
            f"--advertise-client-urls=http://127.0.0.1:{etcd_client}",
            f"--listen-peer-urls=http://127.0.0.1:{etcd_peer}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{etcd_peer}",
            f"--initial-cluster=reference=http://127.0.0.1:{etcd_peer}",
            "--unsafe-no-fsync=true",
            "--log-level=warn",
        ],
    )
    _wait(directory, "etcd", etcd, lambda: _http_ok(f"http://127.0.0.1:{etcd_client}/health"))

    # minikube serves the API on 8443; take it when free so the `kubernetes` Service looks the same.
    api_port = 8443 if _port_free(8443) else free_port()
    server = f"https://127.0.0.1:{api_port}"
    apiserver = _start(
        directory,
        state,
        "kube-apiserver",
        [
            bin_["kube-apiserver"],
            f"--etcd-servers=http://127.0.0.1:{etcd_client}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--secure-port={api_port}",
            f"--cert-dir={directory / 'pki'}",
            f"--tls-cert-file={pki.serving_cert}",
            f"--tls-private-key-file={pki.serving_key}",
            f"--client-ca-file={pki.ca_cert}",
            f"--token-auth-file={pki.token_file}",
            "--authorization-mode=Node,RBAC",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={pki.sa_pub}",
            f"--service-account-signing-key-file={pki.sa_key}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--service-node-port-range=30000-32767",
            # 127.0.0.1 may not be an Endpoints address; the `kubernetes` Endpoints are written as data below.
            "--endpoint-reconciler-type=none",
            "--kubelet-preferred-address-types=InternalIP",
            f"--enable-admission-plugins={ADMISSION}",
            "--allow-privileged=true",
            "--profiling=false",
        ],
    )
    _wait(
        directory,
        "kube-apiserver",
        apiserver,
        lambda: _http_ok(f"{server}/readyz", ca=pki.ca_cert, token=pki.tokens["admin"]),
    )
    admin = write_kubeconfig(directory / "kubeconfig", server, pki.ca_cert, pki.tokens["admin"])

    kcm = _start(
        directory,
        state,
        "kube-controller-manager",
        [
            bin_["kube-controller-manager"],
            f"--kubeconfig={_component_kubeconfig(directory, pki, server, 'kube-controller-manager')}",
            "--bind-address=127.0.0.1",
            f"--secure-port={free_port()}",
            "--leader-elect=false",
            "--allocate-node-cidrs=true",
            f"--cluster-cidr={CLUSTER_CIDR}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            f"--service-account-private-key-file={pki.sa_key}",
            f"--root-ca-file={pki.ca_cert}",
            "--use-service-account-credentials=true",
            "--controllers=*,-cloud-node-lifecycle-controller,-service-lb-controller,-node-route-controller",
            "--profiling=false",
        ],
    )
    scheduler = _start(
        directory,
        state,
        "kube-scheduler",
        [
            bin_["kube-scheduler"],
            f"--kubeconfig={_component_kubeconfig(directory, pki, server, 'kube-scheduler')}",
            "--bind-address=127.0.0.1",
            f"--secure-port={free_port()}",
            "--leader-elect=false",
            "--profiling=false",
        ],
    )

    _kubectl(bindir, admin, "apply", "-f", str(HERE / "bootstrap.yaml"))
    _set_node_status(bindir, admin)
    _write_kubernetes_endpoints(bindir, admin)
    _wait(
        directory,
        "kube-controller-manager",
        kcm,
        lambda: _jsonpath(bindir, admin, "get", "node", NODE_NAME, "-o", "jsonpath={.spec.podCIDR}") != "",
    )

    kwok_port = free_port()
    kwok = _start(
        directory,
        state,
        "kwok",
        [
            bin_["kwok"],
            f"--kubeconfig={_component_kubeconfig(directory, pki, server, 'kwok')}",
            "--manage-all-nodes=false",
            f"--manage-single-node={NODE_NAME}",
            "--node-ip=127.0.0.1",
            f"--node-port={kwok_port}",
            # With a node port and no address kwok serves its kubelet API on 0.0.0.0: keep it on loopback.
            f"--server-address=127.0.0.1:{kwok_port}",
            "--cidr=10.244.0.0/24",  # used only before the node has its podCIDR, which kwok prefers
            "--node-lease-duration-seconds=40",
            f"--config={HERE / 'stages.yaml'}",
        ],
    )

    port_file = directory / "dnsstub.port"
    port_file.unlink(missing_ok=True)
    stub = _start(directory, state, "dnsstub", [sys.executable, str(HERE / "dnsstub.py"), str(port_file)])
    _wait(directory, "dnsstub", stub, port_file.is_file, timeout=30)
    stub_port, dns_port = int(port_file.read_text(encoding="utf-8")), free_port(socket.SOCK_DGRAM)
    corefile = _corefile(
        directory, dns_port, stub_port, _component_kubeconfig(directory, pki, server, "coredns")
    )
    coredns = _start(directory, state, "coredns", [bin_["coredns"], "-conf", str(corefile)])

    ready_all = {"kube-scheduler": scheduler, "kwok": kwok, "dnsstub": stub, "coredns": coredns}
    _wait(
        directory,
        "kwok",
        kwok,
        lambda: _jsonpath(
            bindir, admin, "get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns",
            "-o", "jsonpath={.items[*].status.containerStatuses[*].ready}",
        ) == "true"
        and _jsonpath(bindir, admin, "get", "serviceaccount", "default", "-o", "name") != "",
    )  # fmt: skip
    _wait(directory, "coredns", coredns, lambda: "CoreDNS-" in _log_tail(directory, "coredns", 50))
    for name, proc in ready_all.items():
        if proc.poll() is not None:
            raise ClusterError(f"{name} exited with {proc.returncode}:\n{_log_tail(directory, name)}")

    state.update(kubeconfig=str(admin), server=server, dns_port=dns_port)
    _save_state(directory, state)
    return _cluster_from(directory, state)


def _set_node_status(bindir: Path, kubeconfig: Path) -> None:
    # Status is not taken on create; written here as minikube's kubelet reports it, with a loopback address.
    status = {
        "status": {
            "addresses": [
                {"address": "127.0.0.1", "type": "InternalIP"},
                {"address": NODE_NAME, "type": "Hostname"},
            ],
            "capacity": {"cpu": "2", "memory": "8015448Ki", "pods": "110"},
            "allocatable": {"cpu": "2", "memory": "8015448Ki", "pods": "110"},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": "",
                "containerRuntimeVersion": "docker://27.2.0",
                "kernelVersion": "5.15.0-119-generic",
                "kubeProxyVersion": "v1.31.0",
                "kubeletVersion": "v1.31.0",
                "machineID": "",
                "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.4 LTS",
                "systemUUID": "",
            },
        }
    }
    _kubectl(
        bindir, kubeconfig, "patch", "node", NODE_NAME, "--subresource=status", "--type=merge",
        "-p", json.dumps(status),
    )  # fmt: skip


def _write_kubernetes_endpoints(bindir: Path, kubeconfig: Path) -> None:
    # The reconciler is off (it would publish 127.0.0.1, which Endpoints refuse); minikube's value, as data:
    # nothing in this cluster dials a Service's endpoints (no kube-proxy).
    endpoints = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "kubernetes", "namespace": "default"},
        "subsets": [
            {
                "addresses": [{"ip": "192.168.76.2"}],
                "ports": [{"name": "https", "port": 8443, "protocol": "TCP"}],
            }
        ],
    }
    _kubectl(bindir, kubeconfig, "apply", "-f", "-", stdin=json.dumps(endpoints))


def _cluster_from(directory: Path, state: dict) -> Cluster:
    bindir = Path(state["bindir"])
    return Cluster(
        directory=directory,
        kubeconfig=Path(state["kubeconfig"]),
        server=state["server"],
        kubectl=bindir / "kubectl",
        dns_port=int(state["dns_port"]),
        bindir=bindir,
    )


def down(directory: Path, *, timeout: float = 15.0) -> list[str]:
    """Stop the processes `up` started in `directory` (by pid, newest first); remove nothing else."""
    directory = directory.resolve()
    state = _state(directory)
    stopped: list[str] = []
    for name, proc in reversed(list(state.get("processes", {}).items())):
        pid, argv0 = proc["pid"], proc["argv0"]
        if not _is_ours(pid, argv0):
            continue
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _is_ours(pid, argv0) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.1)
        if _is_ours(pid, argv0):
            os.kill(pid, signal.SIGKILL)
            _reap(pid)
        stopped.append(name)
    state["processes"] = {}
    state.pop("kubeconfig", None)
    if (directory / STATE_FILE).is_file():
        _save_state(directory, state)
    return stopped


def _reap(pid: int) -> None:
    """Collect the exit status when the process is our child, so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def status(directory: Path) -> dict[str, bool]:
    """Component → whether the process `up` started is still running."""
    state = _state(directory.resolve())
    return {name: _is_ours(p["pid"], p["argv0"]) for name, p in state.get("processes", {}).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--dir", required=True, type=Path, help="the cluster's directory")
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            cluster = up(args.dir)
            print(cluster.kubeconfig)
        elif args.command == "down":
            for name in down(args.dir):
                print(f"stopped {name}")
        else:
            running = status(args.dir)
            for name, alive in running.items():
                print(f"{name}: {'running' if alive else 'stopped'}")
            return 0 if running and all(running.values()) else 1
    except ClusterError as err:
        print(f"cluster.py: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
