"""httpbin as Istio's sample runs it: mccutchen/go-httpbin v2.15.0 (samples/httpbin/httpbin.yaml on release-1.23).

    SAMPLE_URL / sample_manifest()   # the sample's YAML (ServiceAccount, Service 8000→8080, Deployment)
    is_httpbin(container), listen_port(container), serve(...), on_endpoints(cluster, event)

Facts (mccutchen/go-httpbin v2.15.0: httpbin/{handlers,helpers,middleware,responses}.go, httpbin/cmd/cmd.go):
- Listens on 0.0.0.0:8080 (`-port`/`$PORT`); logs `go-httpbin listening on http://0.0.0.0:8080` at start and
  one slog text line per request: `time=… level=INFO msg="200 GET /get 0.1ms" status=200 method=GET
  uri=/get size_bytes=N duration_ms=F user_agent=… client_ip=…` (WARN for 4xx, ERROR for 5xx).
- `/get`, `/headers`, `/ip`: JSON (2-space indent, keys sorted, a final newline), headers as lists by their
  canonical names with `Host` added; `origin`/`client_ip` is the first X-Forwarded-For entry, else the peer
  `ip:port`; `url` is `http://<Host><path>` (scheme from X-Forwarded-Proto). `/status/N` answers N with an
  empty text/plain body; `/delay/N` waits N seconds (at most 10) and answers like `/anything`.
- Every response has `Access-Control-Allow-Credentials: true` and `Access-Control-Allow-Origin: *`; HEAD
  answers GET's headers without a body (and, as Go does for an empty HEAD body, without Content-Length).
- Headers on the wire: the handler's map sorted by name, then Go's `Date` and `Content-Length`.
Unknown paths answer 404 `404 page not found` (Go's mux). Istio 1.23.2's tag still shipped docker.io/kong/httpbin
(Python httpbin under gunicorn); the release-1.23 branch, which the raw URL serves, has go-httpbin.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import parse_qs

from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse, http_date

__all__ = [
    "IMAGE",
    "SAMPLE_URL",
    "is_httpbin",
    "listen_port",
    "on_endpoints",
    "sample_manifest",
    "sample_objects",
    "serve",
]

IMAGE = "mccutchen/go-httpbin"
TAG = "v2.15.0"
SAMPLE_URL = "https://raw.githubusercontent.com/istio/istio/release-1.23/samples/httpbin/httpbin.yaml"
MAX_DELAY = 10.0
_JSON = "application/json; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"

_SAMPLE = f"""# Copyright Istio Authors
#
#   Licensed under the Apache License, Version 2.0 (the "License");
#   you may not use this file except in compliance with the License.
#   You may obtain a copy of the License at
#
#       http://www.apache.org/licenses/LICENSE-2.0
#
#   Unless required by applicable law or agreed to in writing, software
#   distributed under the License is distributed on an "AS IS" BASIS,
#   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
#   See the License for the specific language governing permissions and
#   limitations under the License.

##################################################################################################
# httpbin service
##################################################################################################
apiVersion: v1
kind: ServiceAccount
metadata:
  name: httpbin
---
apiVersion: v1
kind: Service
metadata:
  name: httpbin
  labels:
    app: httpbin
    service: httpbin
spec:
  ports:
  - name: http
    port: 8000
    targetPort: 8080
  selector:
    app: httpbin
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpbin
spec:
  replicas: 1
  selector:
    matchLabels:
      app: httpbin
      version: v1
  template:
    metadata:
      labels:
        app: httpbin
        version: v1
    spec:
      serviceAccountName: httpbin
      containers:
      - image: docker.io/{IMAGE}:{TAG}
        imagePullPolicy: IfNotPresent
        name: httpbin
        ports:
        - containerPort: 8080
"""


def sample_manifest() -> str:
    """The text `SAMPLE_URL` serves (Istio's httpbin sample on the release-1.23 branch)."""
    return _SAMPLE


def sample_objects() -> list[dict]:
    """The sample's objects, in the file's order."""
    import yaml

    return [doc for doc in yaml.safe_load_all(_SAMPLE) if doc]


def _register() -> None:
    """Serve the sample for `kubectl apply -f SAMPLE_URL` through the sandbox's URL bundles (kube.bundled)."""
    try:
        from ingresslab.kube import bundled
    except ImportError:  # the registry is not there: the URL stays unknown offline
        return
    bundled.register_url(SAMPLE_URL, sample_objects, note="Istio's httpbin sample, release-1.23 branch")


def is_httpbin(container: dict) -> bool:
    image = container.get("image", "").split("@", 1)[0]
    repo = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    return repo.endswith(IMAGE)


def listen_port(container: dict) -> int:
    argv = list(container.get("command") or [])[1:] + list(container.get("args") or [])
    for i, arg in enumerate(argv):
        name, eq, value = arg.lstrip("-").partition("=")
        if name == "port":
            value = value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
            if value.isdigit():
                return int(value)
    env = {e.get("name"): e.get("value", "") for e in container.get("env") or []}
    return int(env["PORT"]) if str(env.get("PORT", "")).isdigit() else 8080


def _slog_value(value: str) -> str:
    """slog's TextHandler: quote empty values and those with spaces, `=`, `"` or control characters."""
    if (
        value == ""
        or any(ch in value for ch in ' ="')
        or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value)
    ):
        return json.dumps(value, ensure_ascii=False)
    return value


def _slog_time(ts: float) -> str:
    moment = datetime.fromtimestamp(ts, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _log(cluster, pod: dict, container: str, text: str, at: float) -> None:
    meta = pod["metadata"]
    cluster.log(meta["namespace"], meta["name"], container, text, at=at)


def _started(cluster, pod: dict) -> None:
    """go-httpbin's start-up line, once per container of a running pod."""
    if (pod.get("status") or {}).get("phase") != "Running":
        return
    meta = pod["metadata"]
    for container in pod["spec"].get("containers") or []:
        if not is_httpbin(container) or cluster.logs.read(meta["namespace"], meta["name"], container["name"]):
            continue
        when = cluster.store.now
        stamp = (pod.get("status") or {}).get("startTime")
        if stamp:
            from ingresslab.backends.sandbox.store import parse_time

            when = parse_time(stamp) + 1.2
        line = (
            f"time={_slog_time(when)} level=INFO "
            f'msg="go-httpbin listening on http://0.0.0.0:{listen_port(container)}"'
        )
        _log(cluster, pod, container["name"], line, when)


def on_endpoints(cluster, event) -> None:
    """When a Service's endpoints change (a pod became ready), httpbin pods there have logged their start."""
    verb, _, _, endpoints = event
    if verb == "deleted" or endpoints is None:
        return
    for subset in endpoints.get("subsets") or []:
        for address in subset.get("addresses") or []:
            ref = address.get("targetRef") or {}
            if ref.get("kind") == "Pod":
                pod = cluster.get("pods", ref.get("name", ""), ref.get("namespace"))
                if pod is not None:
                    _started(cluster, pod)


def _canonical(name: str) -> str:
    """Go's CanonicalMIMEHeaderKey: `x-request-id` → `X-Request-Id`."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def _headers(request: HttpRequest) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.headers:
        if key.lower() == "host":
            continue
        out.setdefault(_canonical(key), []).append(value)
    out["Host"] = [request.host]
    return dict(sorted(out.items()))


def _client_ip(request: HttpRequest, remote_addr: str) -> str:
    for name in ("Fly-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "True-Client-IP"):
        if request.header(name):
            return request.header(name) or ""
    forwarded = request.header("x-forwarded-for")
    if forwarded:
        return forwarded.split(",", 1)[0].strip()
    return remote_addr


def _url(request: HttpRequest) -> str:
    scheme = request.header("x-forwarded-proto") or request.header("x-forwarded-protocol") or ""
    if not scheme and request.header("x-forwarded-ssl") == "on":
        scheme = "https"
    return f"{scheme or 'http'}://{request.host}{request.target}"


def _args(request: HttpRequest) -> dict[str, list[str]]:
    query = request.target.partition("?")[2]
    return dict(sorted(parse_qs(query, keep_blank_values=True).items()))


def _json(value: dict) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _no_body(request: HttpRequest, remote_addr: str) -> dict:
    return {
        "args": _args(request),
        "headers": _headers(request),
        "method": request.method,
        "origin": _client_ip(request, remote_addr),
        "url": _url(request),
    }


def _with_body(request: HttpRequest, remote_addr: str) -> dict:
    body = request.body
    parsed = None
    if body and "json" in (request.header("content-type") or ""):
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
    return {
        **_no_body(request, remote_addr),
        "data": body,
        "files": {},
        "form": {},
        "json": parsed,
    }


def _route(request: HttpRequest, remote_addr: str) -> tuple[int, str, str, list[tuple[str, str]], float]:
    """(status, content type, body, extra headers, handler delay) of one request."""
    path = request.path
    if path in ("/get",) and request.method in ("GET", "HEAD"):
        return 200, _JSON, _json(_no_body(request, remote_addr)), [], 0.0
    if path == "/get":
        return 405, _TEXT, "Method Not Allowed\n", [("Allow", "GET, HEAD")], 0.0
    if path == "/headers":
        return 200, _JSON, _json({"headers": _headers(request)}), [], 0.0
    if path == "/ip":
        return 200, _JSON, _json({"origin": _client_ip(request, remote_addr)}), [], 0.0
    if path == "/user-agent":
        return 200, _JSON, _json({"user-agent": request.header("user-agent") or ""}), [], 0.0
    if path == "/anything" or path.startswith("/anything/"):
        payload = (
            _no_body(request, remote_addr) if request.method == "HEAD" else _with_body(request, remote_addr)
        )
        return 200, _JSON, _json(payload), [], 0.0
    if path.startswith("/status/"):
        code = path[len("/status/") :]
        if code.isdigit() and 100 <= int(code) <= 599:
            return int(code), _TEXT, "", [], 0.0
        return 400, _JSON, _json({"error": f"invalid status code: {code!r}", "status_code": 400}), [], 0.0
    if path.startswith("/delay/"):
        raw = path[len("/delay/") :]
        try:
            seconds = float(raw[:-1]) if raw.endswith("s") else float(raw)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds <= MAX_DELAY:
            message = "invalid duration: duration must be between 0s and 10s"
            return 400, _JSON, _json({"error": message, "status_code": 400}), [], 0.0
        timing = f'initial_delay;dur={seconds * 1000:.2f};desc="initial delay"'
        payload = (
            _no_body(request, remote_addr) if request.method == "HEAD" else _with_body(request, remote_addr)
        )
        return 200, _JSON, _json(payload), [("Server-Timing", timing)], seconds
    return 404, _TEXT, "404 page not found\n", [("X-Content-Type-Options", "nosniff")], 0.0


def serve(
    cluster, pod: dict, container: dict, request: HttpRequest, remote_addr: str, start: float
) -> tuple[HttpResponse, float]:
    """Answer one request at virtual time `start`; returns the response and when it ended."""
    _started(cluster, pod)  # a pod no Service selects logged its start too
    status, content_type, body, extra, delay = _route(request, remote_addr)
    duration = delay + round(cluster.store.rng.uniform(0.00004, 0.00025), 9)
    end = start + duration
    handler = {
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Origin": "*",
        "Content-Type": content_type,
        **dict(extra),
    }
    headers = sorted(handler.items())
    headers.append(("Date", http_date(end)))
    head = request.method == "HEAD"
    size = 0 if head else len(body.encode())
    if not head:
        headers.append(("Content-Length", str(size)))
    level = "ERROR" if status >= 500 else "WARN" if status >= 400 else "INFO"
    uri = request.target
    ms = duration * 1000
    line = (
        f"time={_slog_time(end)} level={level} "
        f"msg={_slog_value(f'{status} {request.method} {uri} {ms:.1f}ms')} "
        f"status={status} method={_slog_value(request.method)} uri={_slog_value(uri)} size_bytes={size} "
        f"duration_ms={ms!r} user_agent={_slog_value(request.header('user-agent') or '')} "
        f"client_ip={_slog_value(_client_ip(request, remote_addr))}"
    )
    _log(cluster, pod, container["name"], line, end)
    return HttpResponse(status, headers, "" if head else body), end


_register()
