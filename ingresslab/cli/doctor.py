"""`ingresslab doctor`: is this machine ready for live mode, and what to fix if not.

Each check is a small function over a `DoctorContext` (a probe result, a backend or None, a tool finder), so
tests run them with fakes. The command always exits 0: with no cluster at all the answer is simply that the
sandbox will be used.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from ingresslab.backends.base import Backend
from ingresslab.errors import Forbidden, IngresslabError, NotFound
from ingresslab.tools import INSTALL_HINTS, KNOWN_TOOLS, ToolInfo, ToolNotFound

__all__ = [
    "CHECKS",
    "CheckResult",
    "DoctorContext",
    "check_cluster_reachable",
    "check_coredns_logging",
    "check_ingress_addon",
    "check_istio",
    "check_kubeconfig",
    "check_tools",
    "corefile_logs_queries",
    "register",
    "render",
    "run_checks",
]

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass(slots=True)
class DoctorContext:
    """What the checks look at; `backend` is None when no cluster answered."""

    probe: Any  # a ContextProbe: reachable, context, server, reason
    backend: Backend | None
    find_tool: Callable[[str], ToolInfo]
    kubeconfig_files: Sequence[Path] = field(default_factory=list)


Check = Callable[[DoctorContext], "CheckResult | list[CheckResult]"]

_NO_CLUSTER = "skipped: no cluster answered"


def check_kubeconfig(ctx: DoctorContext) -> CheckResult:
    if not ctx.kubeconfig_files and ctx.probe.context is None:
        return CheckResult(
            "kubeconfig",
            "warn",
            "no kubeconfig found (looked in $KUBECONFIG / ~/.kube/config)",
            "start a local cluster with `minikube start` (it writes ~/.kube/config), or keep using the sandbox",
        )
    files = ", ".join(str(f) for f in ctx.kubeconfig_files) or "in-cluster service account"
    if ctx.probe.context is None:
        return CheckResult(
            "kubeconfig",
            "warn",
            f"{files}: {ctx.probe.reason}",
            "pick one: `kubectl config use-context NAME`",
        )
    return CheckResult("kubeconfig", "ok", f"{files}; context {ctx.probe.context}")


def check_cluster_reachable(ctx: DoctorContext) -> CheckResult:
    if ctx.probe.reachable:
        return CheckResult("cluster", "ok", ctx.probe.reason)
    if ctx.probe.context is None:
        return CheckResult("cluster", "skip", "no context to try")
    return CheckResult(
        "cluster",
        "warn",
        ctx.probe.reason,
        "start the cluster (`minikube start`) or switch context (`kubectl config use-context NAME`); "
        "until then ingresslab uses the sandbox",
    )


def check_tools(ctx: DoctorContext) -> list[CheckResult]:
    results = []
    for name in KNOWN_TOOLS:
        try:
            info = ctx.find_tool(name)
        except ToolNotFound:
            # In sandbox mode the tools are emulated, so a missing one is a warning, not a failure.
            results.append(CheckResult(name, "warn", "not found on PATH", INSTALL_HINTS[name]))
            continue
        version = info.version or "version unknown"
        results.append(CheckResult(name, "ok", f"{version} ({info.path})"))
    return results


def _deployment_check(
    ctx: DoctorContext, name: str, deployment: str, namespace: str, missing_fix: str
) -> CheckResult:
    if ctx.backend is None:
        return CheckResult(name, "skip", _NO_CLUSTER)
    try:
        dep = ctx.backend.get("deployment", deployment, namespace)
    except NotFound:
        return CheckResult(name, "warn", f"{deployment} not found in namespace {namespace}", missing_fix)
    except Forbidden:
        return CheckResult(
            name, "warn", f"not allowed to read deployments in {namespace}", "use a context with read access"
        )
    except IngresslabError as exc:
        return CheckResult(name, "fail", f"could not check: {exc}")
    wanted = (dep.get("spec") or {}).get("replicas", 1)
    ready = (dep.get("status") or {}).get("readyReplicas") or 0
    if ready >= max(wanted, 1):
        return CheckResult(name, "ok", f"{deployment} in {namespace}: {ready}/{wanted} ready")
    return CheckResult(
        name,
        "warn",
        f"{deployment} in {namespace}: {ready}/{wanted} ready",
        f"look at `kubectl -n {namespace} get pods` and `kubectl -n {namespace} describe deployment {deployment}`",
    )


def check_ingress_addon(ctx: DoctorContext) -> CheckResult:
    context = ctx.probe.context or ""
    fix = (
        "minikube addons enable ingress"
        if context == "minikube"
        else "`minikube -p PROFILE addons enable ingress` on minikube; elsewhere install ingress-nginx as "
        "https://kubernetes.github.io/ingress-nginx/deploy/ describes"
    )
    return _deployment_check(ctx, "ingress-nginx", "ingress-nginx-controller", "ingress-nginx", fix)


def check_istio(ctx: DoctorContext) -> CheckResult:
    return _deployment_check(ctx, "istio", "istiod", "istio-system", "istioctl install --set profile=demo -y")


_COMMENT = re.compile(r"#.*$")


def corefile_logs_queries(corefile: str) -> bool:
    """True if a server block of the Corefile enables the `log` plugin (a `log` directive line)."""
    for raw in corefile.splitlines():
        words = _COMMENT.sub("", raw).split()
        if words and words[0] == "log":
            return True
    return False


def check_coredns_logging(ctx: DoctorContext) -> CheckResult:
    name = "coredns log"
    if ctx.backend is None:
        return CheckResult(name, "skip", _NO_CLUSTER)
    try:
        cm = ctx.backend.get("configmap", "coredns", "kube-system")
    except NotFound:
        return CheckResult(name, "warn", "no coredns ConfigMap in kube-system (is the cluster DNS CoreDNS?)")
    except IngresslabError as exc:
        return CheckResult(name, "fail", f"could not check: {exc}")
    if corefile_logs_queries((cm.get("data") or {}).get("Corefile", "")):
        return CheckResult(name, "ok", "CoreDNS logs every query (the DNS notebook can show them)")
    return CheckResult(
        name,
        "warn",
        "CoreDNS does not log queries, so DNS hops stay invisible",
        "`kubectl -n kube-system edit configmap coredns` and add a line `log` inside the `.:53 {` block; "
        "CoreDNS reloads its configuration within about 30 s",
    )


CHECKS: tuple[Check, ...] = (
    check_kubeconfig,
    check_cluster_reachable,
    check_tools,
    check_ingress_addon,
    check_istio,
    check_coredns_logging,
)


def run_checks(ctx: DoctorContext, checks: Sequence[Check] = CHECKS) -> list[CheckResult]:
    results: list[CheckResult] = []
    for check in checks:
        outcome = check(ctx)
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results


def render(results: Sequence[CheckResult], probe: Any) -> str:
    target = f"context {probe.context} ({probe.server})" if probe.context else "no kube context"
    lines = [f"ingresslab doctor: {target}", ""]
    width = max((len(r.name) for r in results), default=0)
    for r in results:
        lines.append(f"  [{r.status:<4}] {r.name:<{width}}  {r.detail}")
        if r.fix and r.status != "ok":
            lines.append(f"  {'':6} {'':<{width}}  fix: {r.fix}")
    lines.append("")
    if probe.reachable:
        lines.append(f"Live mode is available: connect() will use context {probe.context}.")
    else:
        lines.append(
            "No cluster answered: ingresslab will use the offline sandbox, which needs none of the above."
        )
    return "\n".join(lines) + "\n"


def _build_context(context: str | None, timeout: float) -> DoctorContext:
    from ingresslab.backends.live import LiveBackend, probe_context
    from ingresslab.backends.live.kubeconfig import find_kubeconfig_files
    from ingresslab.tools import find_tool

    probe = probe_context(context, timeout)
    backend = None
    if probe.reachable:
        try:
            backend = LiveBackend(probe.context, request_timeout=max(timeout, 5.0))
        except IngresslabError:
            backend = None
    return DoctorContext(probe, backend, find_tool, find_kubeconfig_files())


def _handle(args: argparse.Namespace) -> int:
    ctx = _build_context(args.context, args.timeout)
    results = run_checks(ctx)
    if args.json:
        probe = {key: getattr(ctx.probe, key) for key in ("reachable", "context", "server", "reason")}
        print(json.dumps({"probe": probe, "checks": [asdict(r) for r in results]}, indent=2))
    else:
        print(render(results, ctx.probe), end="")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check kubeconfig, cluster, CLI tools and addons for live mode"
    )
    parser.add_argument("--context", default=None, help="kube context to check (default: the current one)")
    parser.add_argument(
        "--timeout", type=float, default=2.0, help="seconds to wait for the cluster (default: %(default)s)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(handler=_handle)
