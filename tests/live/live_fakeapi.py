"""A tiny in-process Kubernetes API server, kept only for what a kubelet-less cluster cannot do.

Everything the API server itself answers — server-side apply, CRDs and discovery, selectors, conflicts,
watches, NotFound/AlreadyExists/Invalid — is tested against a real kube-apiserver: the reference cluster
(tests/reference, KWOK instead of a kubelet). What needs a kubelet cannot run there: container logs, exec
streams and ephemeral (`kubectl debug`) containers, since KWOK starts no containers and the reference
cluster must never be asked to reach a node. This fake serves those over loopback HTTP (pods, their logs,
the exec websocket's v4 channel protocol, the ephemeralcontainers subresource and the pod watch a debug
run waits on, with bearer-token auth), so LiveBackend runs them through the real kubernetes client and urllib3.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["FakeApiServer", "Recorded"]

# group -> version -> [(plural, kind, namespaced)]: the pods a kubelet would run, nothing more.
RESOURCES: dict[str, dict[str, list[tuple[str, str, bool]]]] = {
    "": {"v1": [("namespaces", "Namespace", False), ("pods", "Pod", True)]},
}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    content_type: str
    body: Any


@dataclass
class FakeApiServer:
    token: str = "fake-token"
    objects: dict[tuple[str, str, str, str], dict] = field(default_factory=dict)
    logs: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    events: list[tuple[int, str, tuple[str, str, str, str], dict]] = field(default_factory=list)
    ephemeral_runs: dict[str, tuple[str, int]] = field(default_factory=dict)  # command[0] -> (output, code)
    exec_runs: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # command[0] -> out, err, code

    def __post_init__(self) -> None:
        self._rv = 100
        self._lock = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # close-delimited bodies: a watch just keeps writing lines

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                server._handle(self, "GET")

            def do_PATCH(self) -> None:
                server._handle(self, "PATCH")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.stopping = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        with self._lock:
            self.stopping = True
            self._lock.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- state helpers used by tests ----------------------------------------------------------------------

    def put(self, group: str, plural: str, obj: dict) -> dict:
        """Store (or replace) an object as a controller would, emitting a watch event."""
        meta = obj.setdefault("metadata", {})
        key = (group, plural, meta.get("namespace", ""), meta["name"])
        with self._lock:
            kind = "MODIFIED" if key in self.objects else "ADDED"
            self._stamp(obj, new=kind == "ADDED")
            self.objects[key] = obj
            self._emit(kind, key, obj)
        return obj

    def get(self, group: str, plural: str, namespace: str, name: str) -> dict:
        return self.objects[(group, plural, namespace, name)]

    def _stamp(self, obj: dict, new: bool) -> None:
        self._rv += 1
        meta = obj.setdefault("metadata", {})
        meta["resourceVersion"] = str(self._rv)
        if new:
            meta.setdefault("uid", str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", "2024-09-15T08:52:37Z")
            meta.setdefault("generation", 1)

    def _emit(self, kind: str, key: tuple[str, str, str, str], obj: dict) -> None:
        self.events.append((self._rv, kind, key, copy.deepcopy(obj)))
        self._lock.notify_all()

    # -- HTTP -------------------------------------------------------------------------------------------------

    def _send(
        self, h: BaseHTTPRequestHandler, code: int, body: Any, content_type: str = "application/json"
    ) -> None:
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        h.send_response(code)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _status(self, h: BaseHTTPRequestHandler, code: int, reason: str, message: str) -> None:
        self._send(
            h,
            code,
            {
                "kind": "Status",
                "apiVersion": "v1",
                "status": "Failure",
                "message": message,
                "reason": reason,
                "code": code,
            },
        )

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(h.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        content_type = h.headers.get("Content-Type", "")
        self.requests.append(Recorded(method, parts.path, query, content_type, body))
        if h.headers.get("Authorization") != f"Bearer {self.token}":
            self._status(h, 401, "Unauthorized", "Unauthorized")
            return
        with contextlib.suppress(BrokenPipeError):
            self._route(h, method, parts.path, query, body, content_type)

    def _discovery(self, h: BaseHTTPRequestHandler, segs: list[str]) -> bool:
        if segs == ["api"]:
            self._send(h, 200, {"kind": "APIVersions", "versions": ["v1"]})
        elif segs == ["apis"]:
            groups = [
                {
                    "name": g,
                    "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                    "preferredVersion": {"groupVersion": f"{g}/{next(iter(vs))}", "version": next(iter(vs))},
                }
                for g, vs in RESOURCES.items()
                if g
            ]
            self._send(h, 200, {"kind": "APIGroupList", "groups": groups})
        elif len(segs) == 2 and segs[0] == "apis":
            vs = RESOURCES.get(segs[1])
            if vs is None:
                self._status(h, 404, "NotFound", "the server could not find the requested resource")
            else:
                v = next(iter(vs))
                self._send(
                    h,
                    200,
                    {
                        "kind": "APIGroup",
                        "name": segs[1],
                        "versions": [{"groupVersion": f"{segs[1]}/{x}", "version": x} for x in vs],
                        "preferredVersion": {"groupVersion": f"{segs[1]}/{v}", "version": v},
                    },
                )
        elif (segs[:1] == ["api"] and len(segs) == 2) or (segs[:1] == ["apis"] and len(segs) == 3):
            group = "" if segs[0] == "api" else segs[1]
            entries = RESOURCES.get(group, {}).get(segs[-1])
            if entries is None:
                self._status(h, 404, "NotFound", "the server could not find the requested resource")
            else:
                resources = [
                    {
                        "name": p,
                        "singularName": k.lower(),
                        "namespaced": n,
                        "kind": k,
                        "verbs": ["get", "list"],
                    }
                    for p, k, n in entries
                ]
                resources.append({"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod"})
                self._send(h, 200, {"kind": "APIResourceList", "resources": resources})
        else:
            return False
        return True

    def _route(
        self, h: BaseHTTPRequestHandler, method: str, path: str, query: dict, body: Any, content_type: str
    ) -> None:
        segs = [s for s in path.split("/") if s]
        if method == "GET" and self._discovery(h, segs):
            return
        if segs[:1] == ["api"]:
            group, version, rest = "", segs[1], segs[2:]
        else:
            group, version, rest = segs[1], segs[2], segs[3:]
        namespace = ""
        if len(rest) >= 3 and rest[0] == "namespaces":
            namespace, rest = rest[1], rest[2:]
        plural, name, sub = (
            rest[0],
            (rest[1] if len(rest) > 1 else None),
            (rest[2] if len(rest) > 2 else None),
        )
        entry = next((e for e in RESOURCES.get(group, {}).get(version, []) if e[0] == plural), None)
        if entry is None:
            self._status(h, 404, "NotFound", "the server could not find the requested resource")
            return
        kind = entry[1]
        api_version = f"{group}/{version}" if group else version
        if name is None:
            if method == "GET" and query.get("watch") == "true":
                self._watch(h, group, plural, namespace, query)
            elif method == "GET":
                self._list(h, group, plural, kind, api_version, namespace, query)
            return
        key = (group, plural, namespace, name)
        if sub == "exec" and h.headers.get("Upgrade", "").lower() == "websocket" and key in self.objects:
            self._exec(h, parse_qs(urlsplit(h.path).query).get("command", []))
            return
        if sub == "log":
            self._logs(h, namespace, name, query)
            return
        if sub == "ephemeralcontainers" and method == "PATCH":
            self._ephemeral(h, key, body, content_type)
            return
        with self._lock:
            current = self.objects.get(key)
        if method == "GET":
            if current is None:
                self._status(h, 404, "NotFound", f'{plural} "{name}" not found')
            else:
                self._send(h, 200, current)
        else:
            self._status(h, 405, "MethodNotAllowed", f"the fake serves no {method} on {plural}")

    def _matches(self, obj: dict, query: dict) -> bool:
        labels = obj.get("metadata", {}).get("labels") or {}
        for term in filter(None, (query.get("labelSelector") or "").split(",")):
            k, _, v = term.partition("=")
            if labels.get(k) != v:
                return False
        for term in filter(None, (query.get("fieldSelector") or "").split(",")):
            k, _, v = term.partition("=")
            if k == "metadata.name" and obj["metadata"].get("name") != v:
                return False
            if k == "metadata.namespace" and obj["metadata"].get("namespace") != v:
                return False
        return True

    def _list(self, h, group, plural, kind, api_version, namespace, query) -> None:
        with self._lock:
            items = [
                {k: v for k, v in copy.deepcopy(o).items() if k not in ("apiVersion", "kind")}
                for (g, p, ns, _), o in sorted(self.objects.items())
                if g == group
                and p == plural
                and (not namespace or ns == namespace)
                and self._matches(o, query)
            ]
            rv = str(self._rv)
        self._send(
            h,
            200,
            {
                "kind": f"{kind}List",
                "apiVersion": api_version,
                "metadata": {"resourceVersion": rv},
                "items": items,
            },
        )

    def _watch(self, h, group, plural, namespace, query) -> None:
        since = int(query.get("resourceVersion") or 0)
        deadline = time.monotonic() + float(query.get("timeoutSeconds") or 5)
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Transfer-Encoding", "chunked")  # as the real API server streams watches
        h.end_headers()
        sent = since
        while True:
            with self._lock:
                pending = [
                    e
                    for e in self.events
                    if e[0] > sent and e[2][:2] == (group, plural) and (not namespace or e[2][2] == namespace)
                ]
                if not pending:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or self.stopping:
                        h.wfile.write(b"0\r\n\r\n")
                        return
                    self._lock.wait(min(remaining, 0.2))
                    continue
            for rv, kind, _key, obj in pending:
                sent = rv
                if self._matches(obj, query):
                    line = (json.dumps({"type": kind, "object": obj}) + "\n").encode()
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                    h.wfile.flush()

    def _logs(self, h, namespace, pod, query) -> None:
        with self._lock:
            obj = self.objects.get(("", "pods", namespace, pod))
        if obj is None:
            self._status(h, 404, "NotFound", f'pods "{pod}" not found')
            return
        containers = [c["name"] for c in obj.get("spec", {}).get("containers", [])]
        container = query.get("container")
        if container is None:
            if len(containers) > 1:
                self._status(
                    h,
                    400,
                    "BadRequest",
                    f"a container name must be specified for pod {pod}, choose one of: [{' '.join(containers)}]",
                )
                return
            container = containers[0] if containers else ""
        lines = list(self.logs.get((namespace, pod, container), []))
        if "tailLines" in query:
            lines = lines[-int(query["tailLines"]) :] if int(query["tailLines"]) else []
        if query.get("timestamps") == "true":
            lines = [f"2024-09-15T08:52:{i:02d}.000000000Z {line}" for i, line in enumerate(lines)]
        self._send(h, 200, "".join(f"{line}\n" for line in lines), "text/plain")

    def _ephemeral(self, h, key, body, content_type) -> None:
        with self._lock:
            pod = self.objects.get(key)
        if pod is None:
            self._status(h, 404, "NotFound", f'pods "{key[3]}" not found')
            return
        added = body["spec"]["ephemeralContainers"]
        pod = copy.deepcopy(pod)
        pod["spec"].setdefault("ephemeralContainers", []).extend(added)
        self.put("", "pods", pod)
        self._send(h, 200, pod)

        def run() -> None:
            # The kubelet starts the container a moment later; the wait must follow the pod until it ends.
            time.sleep(0.2)
            for container in added:
                output, code = self.ephemeral_runs.get(container["command"][0], ("", 0))
                self.logs[(key[2], key[3], container["name"])] = output.splitlines()
                current = copy.deepcopy(self.objects[key])
                current.setdefault("status", {}).setdefault("ephemeralContainerStatuses", []).append(
                    {
                        "name": container["name"],
                        "state": {"terminated": {"exitCode": code, "reason": "Completed"}},
                    }
                )
                self.put("", "pods", current)

        threading.Thread(target=run, daemon=True).start()

    def _exec(self, h: BaseHTTPRequestHandler, command: list[str]) -> None:
        """Answer an exec websocket the way the API server's v4 channel protocol does."""
        accept = base64.b64encode(
            hashlib.sha1(
                (h.headers["Sec-WebSocket-Key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()
            ).digest()
        ).decode()
        h.wfile.write(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n"
            ).encode()
        )
        stdout, stderr, code = self.exec_runs.get(
            command[0] if command else "", ("", f"{command} not found\n", 127)
        )
        if code == 0:
            status = {"metadata": {}, "status": "Success"}
        else:
            status = {
                "metadata": {},
                "status": "Failure",
                "message": f"command terminated with non-zero exit code: exit status {code}",
                "reason": "NonZeroExitCode",
                "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
            }
        for channel, data in ((1, stdout), (2, stderr), (3, json.dumps(status))):
            if data:
                self._frame(h, 0x2, bytes([channel]) + data.encode())
        self._frame(h, 0x8, struct.pack("!H", 1000))
        h.wfile.flush()
        h.close_connection = True

    @staticmethod
    def _frame(h: BaseHTTPRequestHandler, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([len(payload)])
        else:
            header += bytes([126]) + struct.pack("!H", len(payload))
        h.wfile.write(header + payload)
