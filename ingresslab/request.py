"""`lab.request()`: send one HTTP request through a chosen entry point and keep what is needed to find it again.

The request goes out through the lab's `curl` (the real one on a live cluster, the emulation in the sandbox) with
its own `X-Request-ID`, the way an engineer tags a request they want to find in the logs; the time window it was
sent in is kept too, for proxies that replace the id.
"""

from __future__ import annotations

import html
import shlex
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ingresslab.backends.base import Clock, RequestIds
from ingresslab.entrypoints import EntryPoints, EntryRequest, default_entry_points
from ingresslab.errors import IngresslabError
from ingresslab.lab import Lab

__all__ = ["Response", "entry_url", "send_request"]

Via = str
"""The name of a registered entry point: "nginx", "istio" and "nodeport" are built in."""


@dataclass(slots=True)
class Response:
    via: str
    url: str
    host: str
    path: str
    request_id: str
    sent_at: datetime
    received_at: datetime
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    error: str | None = None
    command: str = ""
    gateway: str | None = None  # the Gateway API Gateway asked for (`gateway=`), if any
    from_pod: str | None = None  # the pod it was sent from (`from_pod=`, `kubectl exec … curl`), if any
    namespace: str | None = None  # the namespace of `from_pod`

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400

    def __repr__(self) -> str:
        head = f"{self.status}" if self.status is not None else f"failed: {self.error}"
        return f"<Response {head} via {self.via} {self.host}{self.path} id={self.request_id}>"

    def _repr_html_(self) -> str:
        body = html.escape(self.body.rstrip("\n"))
        status = self.status if self.status is not None else html.escape(self.error or "no response")
        return (
            f"<div><code>{html.escape(self.command)}</code><br><b>{status}</b> via {html.escape(self.via)} "
            f"— request id <code>{html.escape(self.request_id)}</code><pre>{body}</pre></div>"
        )


def _node_ip(lab: Any) -> str:
    nodes = lab.backend.list("nodes")
    for node in nodes:
        for address in node.get("status", {}).get("addresses") or []:
            if address.get("type") == "InternalIP":
                return address["address"]
    raise IngresslabError("the cluster has no node with an InternalIP")


def entry_url(
    lab: Any,
    via: Via,
    host: str,
    path: str,
    *,
    service: str | None = None,
    namespace: str = "application",
    gateway: str | None = None,
    from_pod: str | None = None,
    scheme: str = "http",
) -> tuple[str, list[str]]:
    """The URL and extra curl arguments that reach the chosen entry point (one of the lab's registry)."""
    entry = _entry_points(lab).get(via)
    node_ip = "" if from_pod else _node_ip(lab)
    return entry.resolve(
        EntryRequest(lab.backend, node_ip, host, path, service, namespace, gateway, from_pod, scheme)
    )


def _entry_points(lab: Any) -> EntryPoints:
    return lab.entry_points if isinstance(lab, Lab) else default_entry_points()


def _now(lab: Any) -> datetime:
    return lab.backend.now() if isinstance(lab.backend, Clock) else datetime.now(timezone.utc)


def _new_id(lab: Any) -> str:
    return lab.backend.new_request_id() if isinstance(lab.backend, RequestIds) else uuid.uuid4().hex


def _context_namespace(lab: Any) -> str:
    """The current context's namespace, where `kubectl exec` looks without `-n` ("default" when it sets none)."""
    found = lab.kubectl(["config", "view", "--minify", "-o", "jsonpath={..namespace}"])
    return found.stdout.strip() if found.returncode == 0 and found.stdout.strip() else "default"


def _exec_target(lab: Any, from_pod: str, namespace: str) -> str:
    """`from_pod` as kubectl exec takes it: a pod's name, or `deploy/NAME` when only a Deployment has it."""
    if "/" in from_pod:
        return from_pod
    try:
        pods = {p["metadata"]["name"] for p in lab.backend.list("pods", namespace)}
        deployments = {d["metadata"]["name"] for d in lab.backend.list("deployments", namespace)}
    except Exception:  # a backend that cannot list: let kubectl say what is wrong
        return from_pod
    if from_pod not in pods and from_pod in deployments:
        return f"deploy/{from_pod}"
    return from_pod


def _parse_head(text: str) -> tuple[int | None, dict[str, str], str]:
    head, sep, body = text.replace("\r\n", "\n").partition("\n\n")
    if not sep:
        return None, {}, text
    lines = head.split("\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def send_request(
    lab: Any,
    *,
    host: str = "yuya.example.com",
    path: str = "/v1",
    via: Via = "nginx",
    service: str | None = None,
    namespace: str | None = None,
    gateway: str | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    request_id: str | None = None,
    from_pod: str | None = None,
    scheme: str = "http",
) -> Response:
    """Send one request through `via`; with `from_pod` (a pod name or `deploy/NAME` in `namespace`, which
    then defaults to the context's namespace, as for `kubectl exec`), curl runs inside that pod through
    `kubectl exec`, as `via="egress"` needs."""
    request_id = request_id or _new_id(lab)
    if from_pod and namespace is None:
        namespace = _context_namespace(lab)
    namespace = namespace or "application"
    url, extra = entry_url(
        lab,
        via,
        host,
        path,
        service=service,
        namespace=namespace,
        gateway=gateway,
        from_pod=from_pod,
        scheme=scheme,
    )
    argv = ["curl", "-s", "-S", "-i", "-X", method, *extra, "-H", f"X-Request-ID: {request_id}"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    sent = _now(lab)
    if from_pod:
        command = ["exec", _exec_target(lab, from_pod, namespace), "-n", namespace, "--", *argv]
        result = lab.kubectl(command)
        shown = "kubectl " + shlex.join(command)
    else:
        result = lab.curl(argv)
        shown = shlex.join(argv)
    received = _now(lab)
    response = Response(
        via,
        url,
        host,
        path,
        request_id,
        sent,
        received,
        command=shown,
        gateway=gateway,
        from_pod=from_pod,
        namespace=namespace if from_pod else None,
    )
    if result.returncode != 0:
        # kubectl exec's own note about the container it picked is not curl's error
        stderr = "\n".join(
            line for line in result.stderr.splitlines() if not line.startswith("Defaulted container ")
        )
        response.error = stderr.strip() or f"curl exited with {result.returncode}"
        return response
    response.status, response.headers, response.body = _parse_head(result.stdout)
    return response
