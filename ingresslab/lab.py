"""The façade a notebook talks to: one Lab per cluster, whatever the backend.

`lab.sh(...)` runs the tutorial's shell snippets, `lab.kubectl(...)` one kubectl command; both return a
CommandResult that shows as terminal text in a notebook.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingresslab.backends.base import Backend, Resettable, Tooled
from ingresslab.commands.kubectl import Kubectl
from ingresslab.commands.result import CommandFunc, CommandResult, Invocation
from ingresslab.entrypoints import EntryPoints, default_entry_points

__all__ = ["Lab"]


class Lab:
    def __init__(self, backend: Backend, *, cwd: str | os.PathLike[str] | None = None, why: str = "") -> None:
        self.backend = backend
        self.cwd = str(Path(cwd) if cwd is not None else Path.cwd())
        self.why = why or f"{backend.name} backend chosen explicitly"
        # The front ends requests can enter through; register more here (see ingresslab.entrypoints).
        self.entry_points: EntryPoints = default_entry_points()
        self.commands: dict[str, CommandFunc] = self._commands()
        from ingresslab.commands.shell import Shell

        where = "the sandbox" if backend.name == "sandbox" else "this lab"
        self.shell = Shell(self.commands, cwd=self.cwd, where=where)

    def _commands(self) -> dict[str, CommandFunc]:
        from ingresslab.commands.textutils import default_commands

        commands: dict[str, CommandFunc] = dict(default_commands())
        commands["kubectl"] = Kubectl(self.backend, self.cwd)
        if isinstance(self.backend, Tooled):
            commands.update(self.backend.tools(self))
        return commands

    @property
    def mode(self) -> str:
        return self.backend.name

    @property
    def env(self) -> dict[str, str]:
        """Shell variables carried between `sh` calls (e.g. `$POD`, `$CLUSTER_IP`)."""
        return self.shell.env

    def sh(self, script: str) -> CommandResult:
        """Run shell text (variables, `$(…)`, `&&`, pipes to grep/head/tail/wc) against this lab's cluster."""
        return self.shell.run(script)

    def _tool(self, name: str, args: str | Sequence[str]) -> CommandResult:
        argv = shlex.split(args) if isinstance(args, str) else list(args)
        if argv and argv[0] == name:
            argv = argv[1:]
        func = self.commands.get(name)
        if func is None:
            return CommandResult("", f"{name}: not available with the {self.mode} backend\n", 127)
        return func(Invocation([name, *argv], env=dict(self.shell.env), cwd=self.cwd))

    def kubectl(self, args: str | Sequence[str]) -> CommandResult:
        """`lab.kubectl("get svc -l app=hw-v1 -owide")`: one kubectl command (quotes as a shell would split them)."""
        return self._tool("kubectl", args)

    def minikube(self, args: str | Sequence[str]) -> CommandResult:
        return self._tool("minikube", args)

    def istioctl(self, args: str | Sequence[str]) -> CommandResult:
        return self._tool("istioctl", args)

    def curl(self, args: str | Sequence[str]) -> CommandResult:
        return self._tool("curl", args)

    # -- requests and traces ----------------------------------------------------------------------
    def request(
        self,
        host: str = "yuya.example.com",
        path: str = "/v1",
        via: str = "nginx",
        **options: Any,
    ):
        """Send one request through the entry point `via` ("nginx", "istio", "nodeport" with `service=`,
        "gateway-api" or "gateway-api-nginx" with `gateway="NAME"` or `"NAMESPACE/NAME"`, "egress" with
        `from_pod="curl"` (a pod or `deploy/NAME` in `namespace`, default "default"; `scheme="https"` for TLS),
        or any other in `self.entry_points`); returns a Response that remembers its request id and time window.
        With `from_pod` the request is curl run inside that pod (`kubectl exec`), through its sidecar."""
        from ingresslab.request import send_request

        return send_request(self, host=host, path=path, via=via, **options)  # type: ignore[arg-type]

    def proxy_config(
        self, pod: str, what: str = "all", namespace: str | None = None, *options: str
    ) -> CommandResult:
        """`istioctl proxy-config WHAT POD -n NS [OPTIONS…]` for an Envoy in the mesh (gateway or sidecar)."""
        target = pod if namespace is None else f"{pod}.{namespace}"
        return self.istioctl(["proxy-config", what, target, *options])

    def logs(self, *, tail: int | None = 2000):
        """Every ingress-path component's log (controller, gateway, sidecars, apps, CoreDNS) as LogSources."""
        from ingresslab.trace import collect

        return collect(self.backend, tail=tail, entry_points=self.entry_points)

    def trace(self, request: Any, *, tail: int | None = 2000, follow: bool = True):
        """Rebuild a request's hops from the components' logs. `request` is a Response or a request id.

        With the default tail the logs are followed (`trace.logindex`): read once, then only what was added,
        which keeps tracing flat however long the logs grow. `follow=False` (or another `tail`) reads and parses
        every log's last `tail` lines again, as `kubectl logs --tail` would."""
        from ingresslab.logs import ParseReport
        from ingresslab.trace import RequestHint, Topology, correlate, parse_sources
        from ingresslab.trace.collect import TAIL  # the default above: the followed logs keep as much

        if follow and tail == TAIL:
            from ingresslab.trace.logindex import tracer_for

            tracer = tracer_for(self)
            if tracer is not None:
                return tracer.trace(request)

        request_id, hint = RequestHint.of(request)
        report = ParseReport()
        lines = list(parse_sources(self.logs(tail=tail), report, entry_points=self.entry_points))
        return correlate(
            request_id,
            lines,
            Topology.from_backend(self.backend),
            hint=hint,
            client="client (curl)",
            entry_points=self.entry_points,
        )

    def reset(self) -> None:
        """Start the sandbox over from a fresh minikube (live clusters are never reset)."""
        if not isinstance(self.backend, Resettable):
            raise RuntimeError(
                "only the sandbox can be reset; on a live cluster delete what you created instead"
            )
        self.backend.reset()
        self.shell.env.clear()

    def __repr__(self) -> str:
        return f"<Lab {self.mode}: {self.why}>"

    # -- troubleshooting ----------------------------------------------------------------------------
    def scenario(self, name: str):
        """A troubleshooting scenario bound to this lab: `.apply()`, `.observe()`, `.undo()`."""
        from ingresslab.troubleshoot import get_scenario

        return get_scenario(name).bind(self)

    def diagnose(self, response_or_trace: Any):
        """Name the broken link behind a Response, Trace, request id or PodRequest, with evidence and fix."""
        from ingresslab.troubleshoot import diagnose

        return diagnose(self, response_or_trace)
