"""Sandbox emulation of `minikube` (v1.34, docker driver on Linux), listed in tools.sandbox_tools.

Subcommands: `ip`, `status [-o json]`, `addons enable|disable|list`, `service NAME [-n NS] --url`,
`profile list`, `version`, `tunnel`. Output follows minikube's own wording, emoji prefixes and exit codes
(reason.go / exitcodes.go): e.g. `❌  Exiting due to SVC_NOT_FOUND: ...` with exit code 115.
`-p/--profile minikube` is accepted; any other profile does not exist in the sandbox.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from ingresslab.backends.sandbox.addons import ingress_nginx
from ingresslab.backends.sandbox.store import clone
from ingresslab.backends.sandbox.topology import KUBERNETES_VERSION, NODE_IP, SERVICE_CIDR
from ingresslab.commands.result import CommandFunc, CommandResult, Invocation

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.backend import SandboxBackend
    from ingresslab.backends.sandbox.cluster import Cluster

__all__ = ["ADDONS", "Minikube", "render_table"]

PROFILE = "minikube"
MINIKUBE_VERSION = "v1.34.0"
MINIKUBE_COMMIT = "210b148df93a80eb872ecbeb7e35281b3c582c61"

# minikube v1.34's addons: name -> maintainer (assets/addons.go); enabled by default on `minikube start`
# are default-storageclass and storage-provisioner.
ADDONS: dict[str, str] = {
    "ambassador": "3rd party (Ambassador)",
    "auto-pause": "minikube",
    "cloud-spanner": "Google",
    "csi-hostpath-driver": "Kubernetes",
    "dashboard": "Kubernetes",
    "default-storageclass": "Kubernetes",
    "efk": "3rd party (Elastic)",
    "freshpod": "Google",
    "gcp-auth": "Google",
    "gvisor": "minikube",
    "headlamp": "3rd party (kinvolk.io)",
    "helm-tiller": "3rd party (Helm)",
    "inaccel": "3rd party (InAccel [info@inaccel.com])",
    "ingress": "Kubernetes",
    "ingress-dns": "minikube",
    "inspektor-gadget": "3rd party (inspektor-gadget.io)",
    "istio": "3rd party (Istio)",
    "istio-provisioner": "3rd party (Istio)",
    "kong": "3rd party (Kong HQ)",
    "kubeflow": "3rd party",
    "kubevirt": "3rd party (KubeVirt)",
    "logviewer": "3rd party (unknown)",
    "metallb": "3rd party (MetalLB)",
    "metrics-server": "Kubernetes",
    "nvidia-device-plugin": "3rd party (NVIDIA)",
    "nvidia-driver-installer": "3rd party (NVIDIA)",
    "nvidia-gpu-device-plugin": "3rd party (NVIDIA)",
    "olm": "3rd party (Operator Framework)",
    "pod-security-policy": "3rd party (unknown)",
    "portainer": "3rd party (Portainer.io)",
    "registry": "minikube",
    "registry-aliases": "3rd party (unknown)",
    "registry-creds": "3rd party (UPMC Enterprises)",
    "storage-provisioner": "minikube",
    "storage-provisioner-gluster": "3rd party (Gluster)",
    "storage-provisioner-rancher": "3rd party (Rancher)",
    "volcano": "third-party (volcano)",
    "volumesnapshots": "Kubernetes",
    "yakd": "3rd party (marcnuri.com)",
}
_DEFAULT_ON = {"default-storageclass", "storage-provisioner"}
_OFFICIAL = {"Google", "Kubernetes", "minikube"}
# Addons the sandbox can actually run; enabling any other one explains that instead of pretending.
_RUNNABLE = {"ingress"}

# Exit codes (pkg/minikube/reason/exitcodes.go).
EX_PROGRAM_ERROR = 10
EX_PROGRAM_USAGE = 14
EX_SVC_NOT_FOUND = 115
EX_SVC_UNSUPPORTED = 116
EX_GUEST_NOT_FOUND = 85
EX_SVC_CONFLICT = 111


# -- output helpers ---------------------------------------------------------------------------------
def _width(text: str) -> int:
    """Terminal columns (emoji such as ✅ take two), as go-runewidth counts them."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def render_table(header: list[str], rows: list[list[str]], *, upper: bool = True) -> str:
    """olekukonko/tablewriter as minikube configures it: `|` borders, `-` rules, centred header."""
    header = [h.upper() if upper else h for h in header]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"

    def centred(text: str, width: int) -> str:
        gap = width - _width(text)
        return " " * (gap // 2) + text + " " * (gap - gap // 2)

    def cell(text: str, width: int) -> str:
        pad = " " * (width - _width(text))
        return pad + text if text.strip().isdigit() else text + pad  # numbers right-aligned

    lines = [rule, "| " + " | ".join(centred(h, w) for h, w in zip(header, widths, strict=True)) + " |", rule]
    lines += ["| " + " | ".join(cell(c, w) for c, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.append(rule)
    return "\n".join(lines) + "\n"


def _exit(reason_id: str, message: str, code: int) -> CommandResult:
    """exit.Message: a blank line, the ❌ line on stderr, a blank line (the blank lines go to stdout)."""
    return CommandResult("\n\n", f"❌  Exiting due to {reason_id}: {message}\n", code)


def _usage(message: str) -> CommandResult:
    return _exit("MK_USAGE", message, EX_PROGRAM_USAGE)


# -- the command ------------------------------------------------------------------------------------
class Minikube:
    """A CommandFunc for `minikube ...` against one sandbox backend."""

    def __init__(self, backend: SandboxBackend) -> None:
        self.backend = backend
        self.subcommands: dict[str, Callable[[list[str], dict[str, str]], CommandResult]] = {
            "ip": self.ip,
            "status": self.status,
            "addons": self.addons,
            "service": self.service,
            "profile": self.profile,
            "version": self.version,
            "tunnel": self.tunnel,
        }

    def __call__(self, invocation: Invocation) -> CommandResult:
        try:
            args, flags = _parse(invocation.argv[1:])
        except _FlagError as exc:
            return CommandResult("", f"Error: {exc}\nSee 'minikube --help' for usage.\n", EX_PROGRAM_USAGE)
        if not args:
            return CommandResult(
                "minikube provisions and manages local Kubernetes clusters optimized for development workflows.\n"
                '\nUsage:\n  minikube [command]\n\nUse "minikube [command] --help" for more information about a '
                "command.\n"
            )
        profile = flags.get("profile", PROFILE)
        name = args[0]
        if name not in self.subcommands:
            return CommandResult(
                "",
                f'Error: unknown command "{name}" for "minikube"\nRun \'minikube --help\' for usage.\n',
                EX_PROGRAM_USAGE,
            )
        if profile != PROFILE and name not in ("version", "profile"):
            return CommandResult(
                "",
                f'🤷  Profile "{profile}" not found. Run "minikube profile list" to view all profiles.\n'
                f'👉  To start a cluster, run: "minikube start -p {profile}"\n',
                EX_GUEST_NOT_FOUND,
            )
        return self.subcommands[name](args[1:], flags)

    # minikube ip
    def ip(self, args: list[str], flags: dict[str, str]) -> CommandResult:
        return CommandResult(f"{NODE_IP}\n")

    # minikube status
    def status(self, args: list[str], flags: dict[str, str]) -> CommandResult:
        fields = {
            "Name": PROFILE,
            "Host": "Running",
            "Kubelet": "Running",
            "APIServer": "Running",
            "Kubeconfig": "Configured",
            "Worker": False,
        }
        output = flags.get("output", "text")
        if output == "json":
            return CommandResult(json.dumps(fields, separators=(",", ":")) + "\n")
        if output != "text":
            return _usage(f"invalid output format: {output}. Valid values: 'text', 'json'")
        return CommandResult(
            f"{PROFILE}\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\n"
            "kubeconfig: Configured\n\n"
        )

    def version(self, args: list[str], flags: dict[str, str]) -> CommandResult:
        if "short" in flags:
            return CommandResult(f"{MINIKUBE_VERSION}\n")
        return CommandResult(f"minikube version: {MINIKUBE_VERSION}\ncommit: {MINIKUBE_COMMIT}\n")

    # minikube tunnel
    def tunnel(self, args: list[str], flags: dict[str, str]) -> CommandResult:
        """Start the tunnel (it stays up in the sandbox's state); an explicit `--cleanup` stops it."""
        with self.backend.transaction() as cluster:
            if "cleanup" in flags and flags["cleanup"] not in ("false", "0"):
                was = stop_tunnel(cluster)
                note = "stopped; LoadBalancer Services are <pending> again" if was else "was not running"
                return CommandResult(f"📌  (sandbox) The tunnel {note}.\n")
            if tunnel_running(cluster):
                # reason.SvcTunnelAlreadyRunning has style.Usage: 💡 instead of ❌
                message = (
                    "💡  Exiting due to TUNNEL_ALREADY_RUNNING: Another tunnel process is already running, "
                    "terminate the existing instance to start a new one\n"
                )
                return CommandResult("\n\n", message, EX_SVC_CONFLICT)
            pid = cluster.store.rng.randint(100000, 400000)
            patched = start_tunnel(cluster, pid)
        status = (
            "Status:\t\n"
            f"\tmachine: {PROFILE}\n"
            f"\tpid: {pid}\n"
            f"\troute: {SERVICE_CIDR} -> {NODE_IP}\n"
            "\tminikube: Running\n"
            f"\tservices: [{', '.join(patched)}]\n"
            "    errors: \n"
            "\t\tminikube: no errors\n"
            "\t\trouter: no errors\n"
            "\t\tloadbalancer emulator: no errors\n"
        )
        note = (
            "📌  (sandbox) The tunnel keeps running in the background: LoadBalancer Services get their "
            "ClusterIP as EXTERNAL-IP, reachable from this machine; `minikube tunnel --cleanup` stops it.\n"
        )
        return CommandResult(status, note)

    # minikube addons ...
    def addons(self, args: list[str], flags: dict[str, str]) -> CommandResult:
        if not args:
            return CommandResult(
                'addons modifies minikube addons files using subcommands like "minikube addons enable dashboard"\n'
                "\nAvailable Commands:\n  configure     Configures the addon w/ADDON_NAME within minikube "
                "(example: minikube addons configure registry-creds). For a list of available addons use: "
                "minikube addons list\n  disable       Disables the addon w/ADDON_NAME within minikube\n"
                "  enable        Enables the addon w/ADDON_NAME within minikube\n  list          Lists all "
                "available minikube addons as well as their current statuses (enabled/disabled)\n"
            )
        verb, rest = args[0], args[1:]
        if verb == "list":
            return self._addons_list(rest, flags)
        if verb in ("enable", "disable"):
            if len(rest) != 1:
                return _usage(f"usage: minikube addons {verb} ADDON_NAME")
            return self._enable(rest[0]) if verb == "enable" else self._disable(rest[0])
        return CommandResult(
            "",
            f'Error: unknown command "{verb}" for "minikube addons"\nRun \'minikube addons --help\' for usage.\n',
            EX_PROGRAM_USAGE,
        )

    def _enabled(self, cluster: Cluster) -> dict[str, bool]:
        state = dict.fromkeys(_DEFAULT_ON, True)
        state.update(cluster.state.extra.get("minikube", {}).get("addons", {}))
        state["ingress"] = ingress_nginx.installed(cluster)
        return state

    def _addons_list(self, args: list[str], flags: dict[str, str]) -> CommandResult:
        if args:
            return CommandResult("", "usage: minikube addons list\n", EX_PROGRAM_USAGE)
        with self.backend.transaction(write=False, tick=False) as cluster:
            enabled = self._enabled(cluster)
        output = flags.get("output", "list")
        if output == "json":
            data = {
                name: {"Profile": PROFILE, "Status": "enabled" if enabled.get(name) else "disabled"}
                for name in sorted(ADDONS)
            }
            return CommandResult(json.dumps(data, separators=(",", ":")) + "\n")
        if output != "list":
            return _usage(f"invalid output format: {output}. Valid values: 'list', 'json'")
        rows = [
            [name, PROFILE, "enabled ✅" if enabled.get(name) else "disabled    ", maintainer]
            for name, maintainer in sorted(ADDONS.items())
        ]
        return CommandResult(render_table(["Addon Name", "Profile", "Status", "Maintainer"], rows))

    def _enable(self, addon: str) -> CommandResult:
        maintainer = ADDONS.get(addon)
        if maintainer is None:
            return CommandResult(
                "\n\n",
                f"❌  Exiting due to MK_ADDON_ENABLE: enable failed: run callbacks: {addon} is not a valid addon\n",
                EX_PROGRAM_ERROR,
            )
        out = []
        if maintainer in _OFFICIAL:
            out.append(
                f"💡  {addon} is an addon maintained by {maintainer}. For any concerns contact minikube on GitHub.\n"
                "You can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/"
                "master/OWNERS\n"
            )
        else:
            out.append(
                f"❗  {addon} is a 3rd party addon and is not maintained or verified by minikube maintainers, "
                "enable at your own risk.\n"
            )
        if addon not in _RUNNABLE:
            return CommandResult(
                "".join(out),
                f"The sandbox only emulates the 'ingress' addon; '{addon}' is not available here. "
                "Use a live minikube cluster for it.\n",
                EX_PROGRAM_ERROR,
            )
        with self.backend.transaction() as cluster:
            ingress_nginx.enable(cluster)
        # Go ranges over the image map in random order; this is one order seen on real runs.
        certgen = "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.3"
        out += [
            f"    ▪ Using image {certgen}\n",
            "    ▪ Using image registry.k8s.io/ingress-nginx/controller:v1.11.2\n",
            f"    ▪ Using image {certgen}\n",
            f"🔎  Verifying {addon} addon...\n",
            f"🌟  The '{addon}' addon is enabled\n",
        ]
        return CommandResult("".join(out))

    def _disable(self, addon: str) -> CommandResult:
        if addon not in ADDONS:
            # The stray quote is minikube v1.34's own (disable.go).
            return CommandResult(
                "\n\n",
                f"❌  Exiting due to SVC_ADDON_UNSUPPORTED: \"'{addon}' is not a valid minikube addon\n",
                EX_SVC_UNSUPPORTED,
            )
        if addon == "ingress":
            with self.backend.transaction() as cluster:
                if ingress_nginx.installed(cluster) or cluster.get("namespaces", ingress_nginx.NAMESPACE):
                    ingress_nginx.disable(cluster)
        elif addon in _DEFAULT_ON:
            with self.backend.transaction() as cluster:
                cluster.state.extra.setdefault("minikube", {}).setdefault("addons", {})[addon] = False
        return CommandResult(f"🌑  \"The '{addon}' addon is disabled\n")

    # minikube service NAME --url
    def service(self, args: list[str], flags: dict[str, str]) -> CommandResult:
        namespace = flags.get("namespace", "default")
        if not args:
            return _usage("You must specify service name(s) or --all")
        if "url" not in flags:
            return CommandResult(
                "",
                "The sandbox cannot open a browser or a tunnel; add --url to print the service's URL.\n",
                EX_PROGRAM_USAGE,
            )
        out, err = [], []
        with self.backend.transaction(write=False, tick=False) as cluster:
            for name in args:
                svc = cluster.get("services", name, namespace)
                if svc is None:
                    return CommandResult(
                        "".join(out) + "\n\n",
                        "".join(err)
                        + f"❌  Exiting due to SVC_NOT_FOUND: Service '{name}' was not found in '{namespace}' "
                        f"namespace.\nYou may select another namespace by using 'minikube service {name} -n "
                        "<namespace>'. Or list out all the services using 'minikube service list'\n",
                        EX_SVC_NOT_FOUND,
                    )
                ports = [p for p in svc["spec"].get("ports") or [] if p.get("nodePort")]
                if not ports:
                    out.append(f"😿  service {namespace}/{name} has no node port\n")
                    err.append(
                        f'❗  Services [{namespace}/{name}] have type "ClusterIP" not meant to be exposed, however '
                        "for local development minikube allows you to access this !\n"
                    )
                    continue
                scheme = "https" if "https" in flags else "http"
                out += [f"{scheme}://{NODE_IP}:{p['nodePort']}\n" for p in ports]
                if not _has_running_pod(cluster, svc):
                    return CommandResult(
                        "".join(out) + "\n\n",
                        "".join(err)
                        + f"❌  Exiting due to SVC_UNREACHABLE: service not available: no running pod for service "
                        f"{name} found\n",
                        EX_SVC_NOT_FOUND,
                    )
        return CommandResult("".join(out), "".join(err))

    # minikube profile list
    def profile(self, args: list[str], flags: dict[str, str]) -> CommandResult:
        if not args:
            return CommandResult(f"{PROFILE}\n")
        if args[0] != "list":
            if args[0] == PROFILE:
                return CommandResult(f"✅  minikube profile was successfully set to {PROFILE}\n")
            return CommandResult(
                "", f'❗  Profile "{args[0]}" not found. Run "minikube profile list" to view all profiles.\n'
            )
        header = [
            "Profile",
            "VM Driver",
            "Runtime",
            "IP",
            "Port",
            "Version",
            "Status",
            "Nodes",
            "Active Profile",
            "Active Kubecontext",
        ]
        row = [PROFILE, "docker", "docker", NODE_IP, "8443", KUBERNETES_VERSION, "OK", "1", "*", "*"]
        return CommandResult(render_table(header, [row], upper=False))


def _has_running_pod(cluster: Cluster, svc: dict) -> bool:
    if svc["spec"].get("type") not in ("NodePort", "LoadBalancer"):
        return True
    selector = svc["spec"].get("selector") or {}
    for pod in cluster.list("pods", svc["metadata"]["namespace"]):
        labels = pod["metadata"].get("labels") or {}
        if (
            all(labels.get(k) == v for k, v in selector.items())
            and pod.get("status", {}).get("phase") == "Running"
        ):
            return True
    return False


# -- flags ------------------------------------------------------------------------------------------
class _FlagError(ValueError):
    pass


# flag -> canonical name; value-taking flags are listed in _WITH_VALUE.
_FLAGS = {
    "-p": "profile",
    "--profile": "profile",
    "-n": "namespace",
    "--namespace": "namespace",
    "-o": "output",
    "--output": "output",
    "--url": "url",
    "--https": "https",
    "--short": "short",
    "--alsologtostderr": "alsologtostderr",
    "-v": "v",
    "--v": "v",
    "--format": "format",
    "-c": "cleanup",
    "--cleanup": "cleanup",
    "--bind-address": "bind-address",
}
_WITH_VALUE = {"profile", "namespace", "output", "v", "format", "bind-address"}


def _parse(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """Split positional arguments from flags (cobra-style: flags may come anywhere)."""
    args: list[str] = []
    flags: dict[str, str] = {}
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            args += argv[i + 1 :]
            break
        if token.startswith("-") and token != "-":
            name, eq, value = token.partition("=")
            key = _FLAGS.get(name)
            if key is None:
                raise _FlagError(
                    f"unknown flag: {name}"
                    if name.startswith("--")
                    else f"unknown shorthand flag: '{name[1:2]}' in {token}"
                )
            if key in _WITH_VALUE and not eq:
                if i + 1 >= len(argv):
                    raise _FlagError(f"flag needs an argument: {name}")
                i += 1
                value = argv[i]
            flags[key] = value if key in _WITH_VALUE else (value or "true")
        else:
            args.append(token)
        i += 1
    return args, flags


# -- the tunnel's load balancer emulator -----------------------------------------------------------------
_TUNNEL = "minikubeTunnel"


def tunnel_running(cluster: Cluster) -> bool:
    """Whether `minikube tunnel` runs (kept in the sandbox's state until `--cleanup` or a reset)."""
    return bool(cluster.state.extra.get(_TUNNEL))


def _load_balancers(cluster: Cluster) -> list[dict]:
    return [s for s in cluster.list("services") if s["spec"].get("type") == "LoadBalancer"]


def _patch_ingress(cluster: Cluster, svc: dict, ingress: list[dict] | None) -> None:
    """updateServiceIP / cleanupService: a JSON patch of status.loadBalancer.ingress."""
    current = (svc.get("status") or {}).get("loadBalancer") or {}
    if (current.get("ingress") or None) == ingress:
        return
    updated = clone(svc)
    balancer = dict(current)
    if ingress:
        balancer["ingress"] = ingress
    else:
        balancer.pop("ingress", None)
    updated.setdefault("status", {})["loadBalancer"] = balancer
    cluster.update_status(updated)


def start_tunnel(cluster: Cluster, pid: int) -> list[str]:
    """Route the Service CIDR via the node and patch every LoadBalancer Service; returns their names."""
    cluster.state.extra[_TUNNEL] = {"pid": pid, "route": f"{SERVICE_CIDR} -> {NODE_IP}"}
    services = _load_balancers(cluster)
    for svc in services:
        _patch_ingress(cluster, svc, [{"ip": svc["spec"]["clusterIP"]}])
    return [s["metadata"]["name"] for s in services]


def stop_tunnel(cluster: Cluster) -> bool:
    """The tunnel's cleanup on exit: remove the route and the LoadBalancer ingress it patched."""
    if not cluster.state.extra.pop(_TUNNEL, None):
        return False
    for svc in _load_balancers(cluster):
        _patch_ingress(cluster, svc, None)
    return True


def emulate_load_balancers(cluster: Cluster, event) -> None:
    """While the tunnel runs, a new or changed LoadBalancer Service gets its ClusterIP as ingress IP."""
    verb, _, _, svc = event
    if verb == "deleted" or svc is None or not tunnel_running(cluster):
        return
    if svc["spec"].get("type") == "LoadBalancer" and svc["spec"].get("clusterIP"):
        _patch_ingress(cluster, svc, [{"ip": svc["spec"]["clusterIP"]}])


def factory(backend: SandboxBackend, cwd: str) -> CommandFunc:
    return Minikube(backend)
