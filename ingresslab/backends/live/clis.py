"""The learner's own CLIs in live mode: real kubectl, minikube, istioctl and curl, run with argument lists and
timeouts, pinned to the lab's context, behind the destructive-step guard — with fallbacks where one exists."""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import urlsplit

import yaml

from ingresslab.commands.result import CommandFunc, CommandResult, Invocation
from ingresslab.errors import IngresslabError
from ingresslab.manifests import DEMO_DIR
from ingresslab.safety import classify_command, object_key
from ingresslab.tools import ToolError, ToolNotFound, run_tool

__all__ = ["live_tools", "proxy_config_without_istioctl", "python_curl", "tutorial_objects"]

_TIMEOUTS = {"kubectl": 120.0, "minikube": 300.0, "istioctl": 600.0, "curl": 60.0, "ingress2gateway": 120.0}


def tutorial_objects(namespace: str = "application") -> set[str]:
    """Keys of the objects the tutorial's manifests create: deleting those is routine clean-up, not destruction."""
    owned: set[str] = set()
    for path in sorted(DEMO_DIR.glob("*.yaml")):
        for obj in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(obj, dict) and obj.get("kind"):
                owned.add(object_key(obj, namespace))
    return owned


def _with_context(tool: str, argv: list[str], context: str) -> list[str]:
    """Pin kubectl and istioctl to the lab's context, so a learner switching contexts can't redirect a step."""
    if tool in ("kubectl", "istioctl") and not any(
        a == "--context" or a.startswith("--context=") for a in argv
    ):
        return [tool, "--context", context, *argv[1:]]
    return argv


def _runner(backend: Any, tool: str, fallback: CommandFunc | None) -> CommandFunc:
    owned = tutorial_objects()

    def run(inv: Invocation) -> CommandResult:
        action = classify_command(inv.argv, owned)
        if action is not None:
            try:
                backend.guard(action)
            except IngresslabError as exc:
                return CommandResult("", f"ingresslab: {exc}\n", 1)
        argv = _with_context(tool, list(inv.argv), backend.context_name())
        try:
            return run_tool(
                argv, timeout=_TIMEOUTS[tool], stdin=inv.stdin or None, cwd=inv.cwd, env=dict(inv.env)
            )
        except ToolNotFound as exc:
            if fallback is not None:
                return fallback(inv)
            return CommandResult("", f"{exc}\n", 127)
        except ToolError as exc:
            return CommandResult("", f"{exc}\n", 124)

    return run


def python_curl(inv: Invocation) -> CommandResult:
    """The subset of curl the tutorial uses, over http.client, for machines without curl."""
    args = inv.argv[1:]
    headers: dict[str, str] = {}
    resolve: dict[tuple[str, int], str] = {}
    include = False
    method, url, write_out, output = "GET", None, None, None
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-i", "--include"):
            include = True
        elif a in ("-s", "--silent", "-S", "--show-error", "-sS"):
            pass  # nothing to silence: this fallback prints no progress meter
        elif a.startswith("-H") or a == "--header":
            value = a[2:] if a.startswith("-H") and len(a) > 2 else args[i + 1]
            i += 0 if len(a) > 2 and a.startswith("-H") else 1
            name, _, val = value.partition(":")
            headers[name.strip()] = val.strip()
        elif a == "--resolve":
            host, port, ip = args[i + 1].split(":", 2)
            resolve[(host, int(port))] = ip
            i += 1
        elif a in ("-X", "--request"):
            method = args[i + 1]
            i += 1
        elif a in ("-w", "--write-out"):
            write_out = args[i + 1]
            i += 1
        elif a in ("-o", "--output"):
            output = args[i + 1]
            i += 1
        elif not a.startswith("-"):
            url = a
        i += 1
    if url is None:
        return CommandResult("", "curl: no URL specified!\n", 2)
    parts = urlsplit(url if "://" in url else f"http://{url}")
    port = parts.port or 80
    host = resolve.get((parts.hostname or "", port), parts.hostname or "")
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request(
            method, parts.path or "/", headers={"Host": parts.netloc, "User-Agent": "curl/7.81.0", **headers}
        )
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
    except OSError as exc:
        return CommandResult("", f"curl: (7) Failed to connect to {host} port {port}: {exc}\n", 7)
    finally:
        conn.close()
    out = ""
    if include:
        out += (
            f"HTTP/1.1 {resp.status} {resp.reason}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in resp.getheaders())
            + "\r\n"
        )
    if output != "/dev/null":
        out += body
    if write_out:
        out += write_out.replace("%{http_code}", str(resp.status)).replace("\\n", "\n")
    return CommandResult(out)


def proxy_config_without_istioctl(backend: Any) -> CommandFunc:
    """`istioctl proxy-config` when istioctl is not installed: ask the proxy itself through
    `pilot-agent request GET config_dump` in its istio-proxy container, and print istioctl's tables."""
    from ingresslab.proxyconfig import ProxyConfigError, load_clusters, load_config_dump, render
    from ingresslab.proxyconfig.istioctl_args import (
        USAGE,
        ProxyConfigArgsError,
        admin_path,
        parse_proxy_config_args,
    )

    def run(inv: Invocation) -> CommandResult:
        words = [a for a in inv.argv[1:] if not a.startswith("-")]
        if not words or words[0] not in ("proxy-config", "pc"):
            return CommandResult("", f"{ToolNotFound('istioctl')}\n", 127)
        try:
            request = parse_proxy_config_args(list(inv.argv))
        except ProxyConfigArgsError as exc:
            return CommandResult("", f"Error: {exc.message}\n", 1)
        if request is None:
            return CommandResult(USAGE)
        try:
            if request.file:
                with open(request.file, encoding="utf-8") as fh:
                    text = fh.read()
                source = request.file
            else:
                target = str(request.target).removeprefix("pod/")
                pod, dot, ns = target.rpartition(".")
                pod, namespace = (
                    (pod, ns) if dot else (target, request.namespace or backend.current_namespace())
                )
                path = admin_path(request.kind, request.output)
                result = backend.exec(
                    pod, ["pilot-agent", "request", "GET", path], namespace, container="istio-proxy"
                )
                if result.returncode != 0:
                    return CommandResult(
                        "",
                        f"Error: failed to read the config dump of {pod}.{namespace} through pilot-agent: "
                        f"{result.stderr.strip() or 'exit code ' + str(result.returncode)}\n",
                        1,
                    )
                text, source = result.stdout, f"{pod}.{namespace}"
            data = (
                load_clusters(text, source=source) if request.kind == "endpoint" else load_config_dump(text)
            )
            rendered = render(
                data, request.kind, output=request.output, verbose=request.verbose, **request.filters
            )
        except (OSError, ProxyConfigError, IngresslabError) as exc:
            return CommandResult("", f"Error: {exc}\n", 1)
        return CommandResult(rendered)

    return run


def live_tools(backend: Any, lab: Any) -> dict[str, CommandFunc]:
    """CommandFuncs for the Lab's shell. kubectl falls back to the emulation over the API; curl to Python."""
    from ingresslab.commands.kubectl import Kubectl

    fallbacks: dict[str, CommandFunc | None] = {
        "kubectl": Kubectl(backend, lab.cwd),
        "curl": python_curl,
        "minikube": None,
        "istioctl": proxy_config_without_istioctl(backend),
        "ingress2gateway": None,  # no --context flag: it reads the kubeconfig's current context
    }
    return {tool: _runner(backend, tool, fallback) for tool, fallback in fallbacks.items()}
