"""The pod shell: run `cat`, `nslookup` or `wget` in a pod (through a busybox debug container, since the demo's
image has no shell) and see the CoreDNS lines the command caused."""

from __future__ import annotations

import html
import shlex
from typing import Any

from ingresslab.logs import parse_lines

__all__ = ["PodShell"]


class PodShell:
    def __init__(
        self, lab: Any, *, namespace: str = "application", command: str = "nslookup dest-svc-v1"
    ) -> None:
        import ipywidgets as w

        self.lab = lab
        self.namespace = namespace
        pods = [p["metadata"]["name"] for p in lab.backend.list("pods", namespace)]
        self.pod = w.Dropdown(options=pods, value=pods[0] if pods else None, description="pod")
        self.command = w.Text(value=command, description="command")
        self.button = w.Button(description="Run", icon="terminal")
        self.output = w.HTML()
        self.button.on_click(lambda _: self.run())
        self.widget = w.VBox([w.HBox([self.pod, self.command, self.button]), self.output])
        self.last: tuple[str, list[str]] = ("", [])

    def _dns_lines(self) -> list[str]:
        text = self.lab.kubectl("logs -n kube-system -l k8s-app=kube-dns --tail=-1").stdout
        return text.splitlines()

    def run(self) -> tuple[str, list[str]]:
        """Run the command; returns its output and the CoreDNS query lines it caused."""
        before = len(self._dns_lines())
        argv = [
            "debug",
            str(self.pod.value),
            "-n",
            self.namespace,
            "-q",
            "--image=busybox",
            "--",
            *shlex.split(self.command.value),
        ]
        result = self.lab.kubectl(argv)
        new = self._dns_lines()[before:]
        queries = [r.raw for r in parse_lines(new, format="coredns")]
        self.last = (result.stdout + result.stderr, queries)
        self.output.value = (
            f"<pre>{html.escape(self.last[0])}</pre><b>CoreDNS saw {len(queries)} quer{'y' if len(queries) == 1 else 'ies'}:</b>"
            f"<pre>{html.escape(chr(10).join(queries))}</pre>"
        )
        return self.last

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = f"PodShell({self.pod.value}): {self.command.value}"
        return bundle
