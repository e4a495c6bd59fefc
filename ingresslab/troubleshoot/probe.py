"""A request sent from inside a pod (`kubectl exec POD -- curl URL`): what DNS faults are observed with."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["PodRequest", "request_from_pod"]


@dataclass(slots=True)
class PodRequest:
    """What a pod asked for and what it got back; `lab.diagnose(pod_request)` reads it."""

    pod: str
    namespace: str
    container: str | None
    url: str
    stdout: str
    stderr: str
    returncode: int
    command: str = ""

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def __repr__(self) -> str:
        head = "ok" if self.ok else f"exit {self.returncode}: {self.stderr.strip()}"
        return f"<PodRequest {self.namespace}/{self.pod} {self.url} {head}>"

    def _repr_html_(self) -> str:
        out = (self.stdout + self.stderr).rstrip()
        return f"<div><code>$ {html.escape(self.command)}</code><pre>{html.escape(out)}</pre></div>"


def request_from_pod(
    lab: Any, pod: str, url: str, *, namespace: str = "application", container: str | None = None
) -> PodRequest:
    """`kubectl exec POD [-c C] -- curl -s -S URL` through the lab, kept for `lab.diagnose`."""
    argv = ["exec", pod, "-n", namespace, *(["-c", container] if container else []), "--"]
    argv += ["curl", "-s", "-S", url]
    result = lab.kubectl(argv)
    return PodRequest(
        pod,
        namespace,
        container,
        url,
        result.stdout,
        result.stderr,
        result.returncode,
        command="kubectl " + " ".join(argv),
    )
