"""Running the real kubectl, minikube, istioctl and curl binaries: argument lists, timeouts, clear errors.

Nothing here goes through a shell: every call is an argument list built by one of the `*_argv` helpers, so a
learner's values (pod names, hosts) can never be read as shell syntax.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingresslab.commands.result import CommandResult
from ingresslab.errors import IngresslabError

__all__ = [
    "INSTALL_HINTS",
    "KNOWN_TOOLS",
    "ToolError",
    "ToolInfo",
    "ToolNotFound",
    "ToolTimeout",
    "curl_argv",
    "find_tool",
    "ingress2gateway_print_argv",
    "istioctl_argv",
    "istioctl_install_argv",
    "istioctl_proxy_config_argv",
    "istioctl_uninstall_argv",
    "kubectl_argv",
    "minikube_addons_argv",
    "minikube_argv",
    "minikube_ip_argv",
    "minikube_service_url_argv",
    "run_tool",
    "version_argv",
]

KNOWN_TOOLS = ("kubectl", "minikube", "istioctl", "curl")

# The official install instructions, in words, so a missing binary tells the learner exactly what to do.
INSTALL_HINTS: dict[str, str] = {
    "kubectl": (
        "install kubectl as https://kubernetes.io/docs/tasks/tools/ describes: on Linux download the binary "
        'with `curl -LO "https://dl.k8s.io/release/$(curl -L -s https://dl.k8s.io/release/stable.txt)'
        '/bin/linux/amd64/kubectl"` and run '
        "`sudo install -o root -g root -m 0755 kubectl /usr/local/bin/kubectl`; "
        "on macOS `brew install kubectl`"
    ),
    "minikube": (
        "install minikube as https://minikube.sigs.k8s.io/docs/start/ describes: on Linux "
        "`curl -LO https://storage.googleapis.com/minikube/releases/latest/minikube-linux-amd64` and "
        "`sudo install minikube-linux-amd64 /usr/local/bin/minikube`; on macOS `brew install minikube`"
    ),
    "istioctl": (
        "install istioctl as https://istio.io/latest/docs/setup/getting-started/ describes: "
        "`curl -L https://istio.io/downloadIstio | sh -`, then add the `istio-<version>/bin` directory it "
        "creates to your PATH (or `brew install istioctl` on macOS)"
    ),
    "curl": "install curl with your package manager (`sudo apt-get install curl`, `brew install curl`)",
    # Not on PyPI, npm or Debian; an optional tool (the Migration chapter), so not in KNOWN_TOOLS.
    "ingress2gateway": (
        "install ingress2gateway as https://github.com/kubernetes-sigs/ingress2gateway describes: "
        "`go install github.com/kubernetes-sigs/ingress2gateway@v1.1.0` (Go 1.25+; puts it in $(go env GOPATH)/bin; "
        "such a build names itself `dev`, in `ingress2gateway version` and in its generator annotation), "
        "a release archive from https://github.com/kubernetes-sigs/ingress2gateway/releases/tag/v1.1.0 "
        "unpacked onto your PATH, or `brew install ingress2gateway` on macOS"
    ),
}

# How each tool reports its own version without contacting a cluster.
_VERSION_ARGS: dict[str, tuple[str, ...]] = {
    "kubectl": ("version", "--client"),
    "minikube": ("version", "--short"),
    "istioctl": ("version", "--remote=false"),
    "curl": ("--version",),
    "ingress2gateway": ("version",),
}

_VERSION_RE = re.compile(r"v?\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.\-]+)?")


class ToolError(IngresslabError):
    """A host binary could not be used."""


class ToolNotFound(ToolError):
    def __init__(self, name: str) -> None:
        self.name = name
        hint = INSTALL_HINTS.get(name, f"install {name} and make sure it is on your PATH")
        super().__init__(f"{name} was not found on PATH; {hint}.")


class ToolTimeout(ToolError):
    def __init__(self, argv: Sequence[str], timeout: float, stdout: str = "", stderr: str = "") -> None:
        self.argv = list(argv)
        self.timeout = timeout
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(
            f"`{' '.join(self.argv[:4])}{' …' if len(self.argv) > 4 else ''}` did not finish within "
            f"{timeout:g} s and was stopped; check that the cluster answers (`ingresslab doctor`) "
            "or pass a longer timeout."
        )


@dataclass(frozen=True, slots=True)
class ToolInfo:
    name: str
    path: str
    version: str | None


def version_argv(name: str) -> list[str]:
    """The argv that prints `name`'s client version."""
    return [name, *_VERSION_ARGS.get(name, ("--version",))]


def _parse_version(text: str) -> str | None:
    match = _VERSION_RE.search(text)
    return match.group(0) if match else None


def find_tool(name: str, *, path: str | None = None, version_timeout: float = 5.0) -> ToolInfo:
    """Locate `name` on PATH (or `path`) and ask it for its version; raises ToolNotFound."""
    found = shutil.which(name, path=path)
    if found is None:
        raise ToolNotFound(name)
    version: str | None = None
    try:
        result = run_tool([found, *version_argv(name)[1:]], timeout=version_timeout)
        version = _parse_version(result.stdout + result.stderr)
    except ToolError:
        version = None  # the tool exists; an unreadable version should not hide that
    return ToolInfo(name=name, path=found, version=version)


def run_tool(
    argv: Sequence[str],
    *,
    timeout: float,
    stdin: str | None = None,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> CommandResult:
    """Run a binary with an argument list and a timeout; `env` is laid over the current environment."""
    if not argv:
        raise ValueError("run_tool needs at least the program name")
    argv = [os.fspath(a) for a in argv]
    program = argv[0]
    if os.sep not in program and shutil.which(program) is None:
        raise ToolNotFound(program)
    full_env = None if env is None else {**os.environ, **env}
    try:
        completed = subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
            env=full_env,
            check=False,
        )
    except FileNotFoundError:
        raise ToolNotFound(Path(program).name) from None
    except subprocess.TimeoutExpired as exc:
        raise ToolTimeout(argv, timeout, _text(exc.stdout), _text(exc.stderr)) from None
    return CommandResult(stdout=completed.stdout, stderr=completed.stderr, returncode=completed.returncode)


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


# -- argument builders ------------------------------------------------------------------------------------


def kubectl_argv(
    context: str | None, *args: str, namespace: str | None = None, kubeconfig: str | None = None
) -> list[str]:
    """`kubectl [--kubeconfig K] [--context C] [-n NS] ARGS…`.

    The context is always pinned so a learner switching their default context mid-tutorial can't redirect us.
    """
    argv = ["kubectl"]
    if kubeconfig:
        argv += ["--kubeconfig", kubeconfig]
    if context:
        argv += ["--context", context]
    if namespace:
        argv += ["--namespace", namespace]
    return [*argv, *args]


def istioctl_argv(context: str | None, *args: str, namespace: str | None = None) -> list[str]:
    argv = ["istioctl"]
    if context:
        argv += ["--context", context]
    if namespace:
        argv += ["--namespace", namespace]
    return [*argv, *args]


def istioctl_install_argv(context: str | None, profile: str = "demo") -> list[str]:
    """`istioctl install --set profile=demo -y`, as the tutorial runs it."""
    return istioctl_argv(context, "install", "--set", f"profile={profile}", "-y")


def istioctl_uninstall_argv(context: str | None) -> list[str]:
    return istioctl_argv(context, "uninstall", "--purge", "-y")


_PROXY_CONFIG_SECTIONS = frozenset(
    {"all", "bootstrap", "cluster", "endpoint", "listener", "log", "route", "secret"}
)


def istioctl_proxy_config_argv(
    context: str | None, section: str, pod: str, namespace: str, *, output: str | None = None
) -> list[str]:
    """`istioctl proxy-config SECTION POD -n NS [-o json]`."""
    if section not in _PROXY_CONFIG_SECTIONS:
        raise ValueError(
            f"unknown proxy-config section {section!r}; "
            f"use one of {', '.join(sorted(_PROXY_CONFIG_SECTIONS))}"
        )
    argv = istioctl_argv(context, "proxy-config", section, pod, namespace=namespace)
    return [*argv, "-o", output] if output else argv


def ingress2gateway_print_argv(
    *,
    input_files: Sequence[str] = (),
    namespace: str | None = None,
    all_namespaces: bool = False,
    ingress_class: str | None = None,
    kubeconfig: str | None = None,
) -> list[str]:
    """`ingress2gateway print --providers=ingress-nginx [--input-file F]… [-n NS | -A] [--ingress-nginx-ingress-class X]`.

    Without input files the tool reads the Ingresses of the kubeconfig's current context (it has no --context)."""
    if namespace and all_namespaces:
        raise ValueError("ingress2gateway takes either a namespace or all namespaces, not both")
    argv = ["ingress2gateway", "print", "--providers=ingress-nginx"]
    if kubeconfig:
        argv += ["--kubeconfig", kubeconfig]
    for path in input_files:
        argv += ["--input-file", os.fspath(path)]
    if namespace:
        argv += ["--namespace", namespace]
    if all_namespaces:
        argv.append("--all-namespaces")
    if ingress_class is not None:
        argv.append(f"--ingress-nginx-ingress-class={ingress_class}")
    return argv


def minikube_argv(profile: str | None, *args: str) -> list[str]:
    """`minikube [-p PROFILE] ARGS…`; the profile is also the kube context minikube writes."""
    return ["minikube", *(("-p", profile) if profile else ()), *args]


def minikube_ip_argv(profile: str | None) -> list[str]:
    return minikube_argv(profile, "ip")


def minikube_service_url_argv(profile: str | None, namespace: str, service: str) -> list[str]:
    """`minikube -n NS service SVC --url`, as the seed prints a service's node URL."""
    return minikube_argv(profile, "-n", namespace, "service", service, "--url")


def minikube_addons_argv(profile: str | None, action: str, addon: str) -> list[str]:
    if action not in {"enable", "disable"}:
        raise ValueError(f"minikube addons action must be 'enable' or 'disable', not {action!r}")
    return minikube_argv(profile, "addons", action, addon)


def curl_argv(
    url: str,
    *,
    resolve: str | None = None,
    headers: Sequence[str] = (),
    include: bool = False,
    silent: bool = False,
    max_time: float | None = None,
) -> list[str]:
    """`curl [--resolve H:P:IP] [-H …] [-i] [-s] [--max-time T] URL`."""
    argv = ["curl"]
    if resolve:
        argv += ["--resolve", resolve]
    for header in headers:
        argv += ["-H", header]
    if include:
        argv.append("-i")
    if silent:
        argv.append("-s")
    if max_time is not None:
        argv += ["--max-time", f"{max_time:g}"]
    return [*argv, url]
