"""Sandbox emulation of `istioctl` 1.23.2 (listed in tools.sandbox_tools).

Subcommands: `install` (`--set profile=demo`, `--set meshConfig.outboundTrafficPolicy.mode=...`,
`--set meshConfig.accessLogFile=/dev/stdout`, `-y`; other `--set` values are accepted and ignored), `uninstall --purge` (`-y`), `version`,
`x precheck`, and `proxy-config`/`pc`, which is handed to
`ingresslab.backends.sandbox.envoyconfig.proxy_config(backend, argv)` when that module exists.
Wording, progress lines and exit codes follow istioctl's own (operator/cmd/mesh, pkg/version).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from ingresslab.backends.sandbox.addons import istio, istio_manifests
from ingresslab.commands.result import CommandFunc, CommandResult, Invocation

if TYPE_CHECKING:
    from ingresslab.backends.sandbox.backend import SandboxBackend

__all__ = ["Istioctl", "factory"]

_PROXY_CONFIG_MODULE = "ingresslab.backends.sandbox.envoyconfig"
_NAMES = {
    "Base": "Istio core",
    "Pilot": "Istiod",
    "IngressGateways": "Ingress gateways",
    "EgressGateways": "Egress gateways",
}


def _error(message: str) -> CommandResult:
    """cobra's RunE error: `Error: ...` on stderr, exit 1."""
    return CommandResult("", f"Error: {message}\n", 1)


def _human_join(items: list[str]) -> str:
    """humanReadableJoin: `a`, `a and b`, `a, b, and c`."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return ", ".join(items[:-1]) + f", and {items[-1]}"


class Istioctl:
    """A CommandFunc for `istioctl ...` against one sandbox backend."""

    def __init__(self, backend: SandboxBackend) -> None:
        self.backend = backend
        self.subcommands: dict[str, Callable[[list[str], Invocation], CommandResult]] = {
            "install": self.install,
            "uninstall": self.uninstall,
            "version": self.version,
            "proxy-config": self.proxy_config,
            "pc": self.proxy_config,
            "experimental": self.experimental,
            "x": self.experimental,
            "exp": self.experimental,
        }

    def __call__(self, invocation: Invocation) -> CommandResult:
        argv = invocation.argv[1:]
        positional = [a for a in argv if not a.startswith("-")]
        if not positional and ("--help" in argv or "-h" in argv or not argv):
            return CommandResult(
                "Istio configuration command line utility for service operators to\n"
                "debug and diagnose their Istio mesh.\n\nUsage:\n  istioctl [command]\n"
            )
        name = positional[0] if positional else argv[0]
        if name not in self.subcommands:
            return CommandResult(
                "", f'Error: unknown command "{name}" for "istioctl"\nRun \'istioctl --help\' for usage.\n', 1
            )
        rest = list(argv)
        rest.remove(name)
        return self.subcommands[name](rest, invocation)

    # istioctl install
    def install(self, args: list[str], invocation: Invocation) -> CommandResult:
        profile, yes, error = "default", False, None
        mesh: dict[str, str] = {}
        i = 0
        while i < len(args):
            arg = args[i]
            if arg in ("-y", "--skip-confirmation"):
                yes = True
            elif arg in ("--set", "-s") or arg.startswith("--set="):
                value = (
                    arg.partition("=")[2]
                    if arg.startswith("--set=")
                    else (args[i + 1] if i + 1 < len(args) else "")
                )
                i += 0 if arg.startswith("--set=") else 1
                key, _, val = value.partition("=")
                if key == "profile":
                    profile = val
                elif key.startswith("meshConfig."):
                    mesh[key.removeprefix("meshConfig.")] = val
                elif not key:
                    error = "flag needs an argument: --set"
            elif arg in ("--verify", "--readiness-timeout") or arg.startswith("--readiness-timeout="):
                i += 1 if arg == "--readiness-timeout" else 0
            else:
                error = (
                    f"unknown flag: {arg}"
                    if arg.startswith("-")
                    else f'unknown command "{arg}" for "istioctl install"'
                )
            i += 1
        if error:
            return _error(error)
        mode = mesh.get("outboundTrafficPolicy.mode")
        if mode is not None and mode not in istio_manifests.OUTBOUND_MODES:
            return _error(
                f'generate config: could not unmarshal mesh config: unknown value "{mode}" for enum '
                "istio.mesh.v1alpha1.MeshConfig.OutboundTrafficPolicy.Mode"
            )
        if profile not in istio.PROFILES:
            return _error(
                f"generate config: failed to read profile {profile} from embedded profiles: "
                f"open profiles/{profile}.yaml: file does not exist"
            )
        components = [_NAMES[c] for c in istio.PROFILES[profile][0]]
        # The prompt lists components as they appear in the IstioOperator (ingress before egress).
        listed = [
            c for c in ("Istio core", "Istiod", "Ingress gateways", "Egress gateways") if c in components
        ]
        prompt = (
            f'This will install the Istio {istio.ISTIO_VERSION} "{profile}" profile (with components: '
            f"{_human_join(listed)}) into the cluster. Proceed? (y/N) "
        )
        out = ""
        if not yes:
            answer = invocation.stdin.strip().lower()
            out = prompt
            if answer not in ("y", "yes"):
                return CommandResult(out + "Cancelled.\n", "", 1)
        with self.backend.transaction() as cluster:
            first = (
                istio.installed(cluster) is None
                and cluster.get("deployments", "istiod", istio.ISTIO_NAMESPACE) is None
            )
            installed = istio.install(cluster, profile, mesh)
        for component in installed:
            name, icon = istio.COMPONENTS[component]
            out += f"✔ {name} installed {icon}\n"
        out += "✔ Installation complete\n"
        if first:
            out += "Made this installation the default for cluster-wide operations.\n"
        return CommandResult(out)

    # istioctl uninstall
    def uninstall(self, args: list[str], invocation: Invocation) -> CommandResult:
        purge = "--purge" in args
        yes = "-y" in args or "--skip-confirmation" in args
        has_target = any(a.startswith(("--revision", "-r", "--filename", "-f")) for a in args)
        for arg in args:
            if arg.startswith("-") and arg not in ("--purge", "-y", "--skip-confirmation") and not has_target:
                return _error(f"unknown flag: {arg}")
            if not arg.startswith("-") and not has_target:
                return _error("istioctl uninstall does not take arguments")
        if not purge and not has_target:
            return _error(
                "at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set"
            )
        if not purge:
            return _error("the sandbox emulates `istioctl uninstall --purge` only")
        message = "All Istio resources will be pruned from the cluster\n"
        out = ""
        if not yes:
            out = message + "Proceed? (y/N) "
            if invocation.stdin.strip().lower() not in ("y", "yes"):
                return CommandResult(out + "Cancelled.\n", "", 1)
        else:
            out = message + "\n"
        with self.backend.transaction() as cluster:
            removed = istio.uninstall(cluster)
        out += "".join(f"  Removed {item}.\n" for item in removed)
        out += "✔ Uninstall complete\n"
        return CommandResult(out)

    # istioctl version
    def version(self, args: list[str], invocation: Invocation) -> CommandResult:
        remote = "--remote=false" not in args
        if "-o" in args or any(a.startswith("--output") for a in args):
            return _error("the sandbox prints the short version format only")
        out = f"client version: {istio.ISTIO_VERSION}\n"
        if not remote:
            return CommandResult(out)
        with self.backend.transaction(write=False, tick=False) as cluster:
            record = istio.installed(cluster)
            istiod_running = istio.control_plane_running(cluster)
            count = len(istio.proxies(cluster))
        if not record or not istiod_running:
            return CommandResult(
                out,
                f'Istio is not present in the cluster: no running Istio pods in namespace "{istio.ISTIO_NAMESPACE}"\n',
            )
        out += f"control plane version: {record['version']}\n"
        out += (
            f"data plane version: {record['version']} ({count} proxies)\n"
            if count
            else "data plane version: none\n"
        )
        return CommandResult(out)

    # istioctl x precheck
    def experimental(self, args: list[str], invocation: Invocation) -> CommandResult:
        positional = [a for a in args if not a.startswith("-")]
        if positional[:1] != ["precheck"]:
            what = positional[0] if positional else ""
            return _error(f'unknown command "{what}" for "istioctl experimental"')
        with self.backend.transaction(write=False, tick=False) as cluster:
            present = istio.installed(cluster)
        if present:
            return CommandResult(
                "✔ No issues found when checking the cluster. Istio is safe to upgrade\n"
                "  To get started, check out https://istio.io/latest/docs/setup/upgrade/\n"
            )
        return CommandResult(
            "✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n"
            "  To get started, check out https://istio.io/latest/docs/setup/getting-started/\n"
        )

    # istioctl proxy-config / pc
    def proxy_config(self, args: list[str], invocation: Invocation) -> CommandResult:
        try:
            module = importlib.import_module(_PROXY_CONFIG_MODULE)
        except ModuleNotFoundError as exc:
            if exc.name != _PROXY_CONFIG_MODULE:
                raise
            module = None
        handler = getattr(module, "proxy_config", None) if module is not None else None
        if handler is None:
            return CommandResult(
                "",
                "istioctl proxy-config is not available in this sandbox yet: the Envoy configuration "
                "generator is missing. Use a live cluster, or update ingresslab.\n",
                1,
            )
        return handler(self.backend, list(invocation.argv))


def factory(backend: SandboxBackend, cwd: str) -> CommandFunc:
    return Istioctl(backend)
