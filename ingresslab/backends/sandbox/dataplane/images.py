"""The images the sandbox's node can pull, and what their containers do once started.

`lookup(image)` answers as the registry would: an `Image` (its size, for the kubelet's `Pulled` event) or a
`PullError` whose text is what minikube's docker runtime reports for a repository or tag that does not exist.
The catalog is the images lessons and kubernetes.io tasks use, the official Docker Hub images a learner
reaches for, and every image the sandbox's own addons deploy (whole registries: registry.k8s.io, Istio's,
NGINX's). Anything else does not exist.

Containers of these images answer HTTP and log like the real programs:
- `gcr.io/google-samples/hello-app:1.0`/`2.0` (kubernetes-engine-samples' quickstarts/hello-app): `:8080` (or
  `$PORT`), `Hello, world!\\nVersion: 1.0.0\\nHostname: <pod>\\n` for every path; Go's `log` lines
  `Server listening on port 8080` at start and `Serving request: /path` per request;
- `nginx`: the welcome page on `:80` (404 page elsewhere), the docker entrypoint's start-up lines and the
  `combined` access log;
- `registry.k8s.io/echoserver:1.10`: `:8080`, the request echoed as text, nginx's `combined` line;
- `registry.k8s.io/e2e-test-images/agnhost:2.x`: `netexec` (`--http-port`, default 8080: `/`, `/hostname`,
  `/echo?msg=`, `/clientip`, `/healthz`) and `serve-hostname` (`--port`, default 9376: the pod's name).
`run_outcome` says whether a container's command keeps running or exits (and with which code).
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qs

from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse, http_date
from ingresslab.logs import NginxCombined, format_line

__all__ = [
    "Image",
    "PullError",
    "Server",
    "lookup",
    "normalize",
    "on_start",
    "probe",
    "run_outcome",
    "server_for",
]


@dataclass(frozen=True)
class Image:
    reference: str  # as written in the pod spec
    registry: str
    repository: str  # path in the registry, `library/` for Docker Hub's official images
    tag: str
    size: int  # bytes, as the kubelet's `Pulled` event reports


@dataclass(frozen=True)
class PullError:
    reference: str
    message: str  # what the runtime answered (the text after `Failed to pull image "x": `)


def normalize(image: str) -> tuple[str, str, str]:
    """(registry, repository, tag) of an image reference; Docker Hub names get `docker.io` and `library/`."""
    ref = image.split("@", 1)[0]
    last = ref.rpartition("/")[2]
    name, tag = (ref.rsplit(":", 1)[0], ref.rsplit(":", 1)[1]) if ":" in last else (ref, "latest")
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry, path = parts[0], "/".join(parts[1:])
    else:
        registry, path = "docker.io", name
    if registry == "docker.io" and "/" not in path:
        path = "library/" + path
    return registry, path, tag


_VERSION_TAG = re.compile(
    r"^(?:latest|stable|mainline|alpine|slim|bookworm|bullseye|jammy|noble|focal|musl|glibc|uclibc|perl|"
    r"v?\d+(?:\.\d+){0,3})(?:[-_.][a-z0-9.]+)*$"
)


def _versions(tag: str) -> bool:
    return bool(_VERSION_TAG.match(tag))


# repository → (which tags exist, size in bytes)
_DOCKER_HUB: dict[str, tuple[Callable[[str], bool], int]] = {
    "library/nginx": (_versions, 187694648),
    "library/busybox": (_versions, 4269694),
    "library/alpine": (_versions, 7797760),
    "library/ubuntu": (_versions, 78103215),
    "library/debian": (_versions, 116507890),
    "library/httpd": (_versions, 147986321),
    "library/redis": (_versions, 116814580),
    "library/postgres": (_versions, 434750402),
    "library/mysql": (_versions, 583516341),
    "library/python": (_versions, 1018582127),
    "library/node": (_versions, 1113254016),
    "library/traefik": (_versions, 180345201),
    "library/caddy": (_versions, 48563412),
    "curlimages/curl": (_versions, 21857282),
    "nicolaka/netshoot": (_versions, 421134722),
    "hashicorp/http-echo": (_versions, 5720130),
    "kennethreitz/httpbin": (lambda t: t == "latest", 533675008),
    "mccutchen/go-httpbin": (_versions, 19245671),
    "ealen/echo-server": (_versions, 61523870),
}
_HELLO_APP_SIZE = 9856123
_OTHER: dict[tuple[str, str], tuple[Callable[[str], bool], int]] = {
    ("gcr.io", "google-samples/hello-app"): (lambda t: t in ("1.0", "2.0"), _HELLO_APP_SIZE),
    ("us-docker.pkg.dev", "google-samples/containers/gke/hello-app"): (
        lambda t: t in ("1.0", "2.0"),
        _HELLO_APP_SIZE,
    ),
    ("registry.k8s.io", "echoserver"): (lambda t: t in ("1.4", "1.10"), 95358328),
    ("k8s.gcr.io", "echoserver"): (lambda t: t in ("1.4", "1.10"), 95358328),
    ("registry.k8s.io", "e2e-test-images/agnhost"): (
        lambda t: bool(re.fullmatch(r"2\.(?:[1-9]|[1-4]\d|5[0-3])", t)),
        127023524,
    ),
}
# Registries and organisations whose every image the sandbox treats as existing: what its addons and
# bootstrap deploy (Kubernetes' own images, minikube's, Istio's, NGINX Gateway Fabric's, Envoy's).
_WHOLE = (
    ("registry.k8s.io", ""),
    ("gcr.io", "k8s-minikube/"),
    ("docker.io", "istio/"),
    ("gcr.io", "istio-release/"),
    ("ghcr.io", "nginx/"),
    ("docker.io", "nginx/"),
    ("docker.io", "envoyproxy/"),
    ("docker.io", "kubernetesui/"),
)


def _size_of(registry: str, repository: str) -> int:
    digest = hashlib.sha256(f"{registry}/{repository}".encode()).digest()
    return 20_000_000 + int.from_bytes(digest[:4], "big") % 180_000_000


def lookup(image: str) -> Image | PullError:
    """The registry's answer for `image` (as written in a container spec)."""
    registry, repository, tag = normalize(image)
    has_digest = "@" in image
    known = _DOCKER_HUB.get(repository) if registry == "docker.io" else None
    if known is None:
        known = _OTHER.get((registry, repository))
    if known is not None:
        tags, size = known
        if has_digest or tags(tag):
            return Image(image, registry, repository, tag, size)
        return PullError(image, _manifest_unknown(registry, repository, tag))
    if any(registry == r and repository.startswith(prefix) for r, prefix in _WHOLE):
        return Image(image, registry, repository, tag, _size_of(registry, repository))
    return PullError(image, _repository_unknown(registry, repository, tag))


def _short(registry: str, repository: str) -> str:
    """The name docker's messages use: Docker Hub names without `docker.io/` and `library/`."""
    if registry == "docker.io":
        return repository.removeprefix("library/")
    return f"{registry}/{repository}"


def _manifest_unknown(registry: str, repository: str, tag: str) -> str:
    name = _short(registry, repository)
    detail = (
        "manifest unknown"
        if registry == "docker.io"
        else f'Failed to fetch "{tag}" from request "/v2/{repository}/manifests/{tag}".'
    )
    return (
        f"rpc error: code = Unknown desc = Error response from daemon: manifest for {name}:{tag} not found: "
        f"manifest unknown: {detail}"
    )


def _repository_unknown(registry: str, repository: str, tag: str) -> str:
    name = _short(registry, repository)
    if registry == "docker.io":
        return (
            f"rpc error: code = Unknown desc = Error response from daemon: pull access denied for {name}, "
            "repository does not exist or may require 'docker login': denied: requested access to the "
            "resource is denied"
        )
    return (
        f"rpc error: code = Unknown desc = Error response from daemon: Head "
        f'"https://{registry}/v2/{repository}/manifests/{tag}": denied'
        if registry.endswith(("gcr.io", "pkg.dev"))
        else f"rpc error: code = Unknown desc = Error response from daemon: Get "
        f'"https://{registry}/v2/": dial tcp: lookup {registry} on 192.168.49.1:53: no such host'
        if "." in registry and registry not in ("ghcr.io", "quay.io")
        else "rpc error: code = Unknown desc = Error response from daemon: manifest unknown"
    )


# -- what a container's command does ------------------------------------------------------------------
_SHELL_IMAGES = (
    "library/busybox",
    "library/alpine",
    "library/ubuntu",
    "library/debian",
    "curlimages/curl",
    "nicolaka/netshoot",
)
_SHELLS = ("sh", "ash", "bash", "dash", "zsh")
_ONE_SHOT = frozenset(
    [
        "echo",
        "true",
        "false",
        "exit",
        "date",
        "env",
        "printenv",
        "cat",
        "ls",
        "hostname",
        "wget",
        "curl",
        "nslookup",
        "dig",
        "ping",
        "uname",
        "id",
        "whoami",
        "pwd",
        "head",
        "wc",
        "grep",
        "printf",
        "test",
        "expr",
    ]
)
_RUNS = re.compile(
    r"\bwhile\b|\bsleep\s+(?:infinity|inf|\d{2,}|[3-9])|\btail\s+-f\b|\bhttpd\b|\bnc\s+-l|\bwait\b"
)


def run_outcome(container: dict) -> tuple[int, str] | None:
    """None while the container's command keeps running; (exit code, its output) for one that exits.

    Only an explicit command of a shell image (busybox, alpine, curl, ubuntu…) is judged: `sh -c 'exit 1'`,
    `false` or `echo hi` run to completion; `sleep 3600`, loops, servers and an attached terminal keep going.
    A bare shell image with no command is left running (lessons exec into it)."""
    registry, repository, _ = normalize(container.get("image", ""))
    if registry != "docker.io" or repository not in _SHELL_IMAGES:
        return None
    if container.get("stdin") or container.get("tty"):
        return None
    argv = [str(a) for a in (container.get("command") or [])] + [str(a) for a in container.get("args") or []]
    if not argv:
        return None
    program = argv[0].rpartition("/")[2]
    if program in _SHELLS:
        if len(argv) < 3 or argv[1] != "-c":
            return None
        return _script_outcome(argv[2])
    if program == "sleep":
        return (0, "") if len(argv) > 1 and argv[1] in ("0", "1", "2") else None
    if program not in _ONE_SHOT:
        return None
    return _script_outcome(shlex.join(argv))


def _script_outcome(script: str) -> tuple[int, str] | None:
    if _RUNS.search(script):
        return None
    output: list[str] = []
    code = 0
    for statement in re.split(r"\s*(?:;|&&|\n)\s*", script.strip()):
        try:
            words = shlex.split(statement)
        except ValueError:
            return 2, "sh: syntax error: unterminated quoted string\n"
        if not words:
            continue
        if words[0] == "exit":
            return (int(words[1]) if len(words) > 1 and words[1].isdigit() else code), "".join(output)
        if words[0] == "echo":
            output.append(" ".join(words[1:]) + "\n")
            code = 0
        elif words[0] == "false":
            code = 1
        elif words[0] in ("wget", "curl", "nslookup", "ping", "dig"):
            code = 1 if words[0] == "ping" else 0
        else:
            code = 0
    return code, "".join(output)


# -- HTTP servers ---------------------------------------------------------------------------------------
Server = Callable[..., tuple[HttpResponse, float]]
"""(cluster, pod, container, request, remote "ip:port", start) → (response, when it ended)."""


def _go_log_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y/%m/%d %H:%M:%S")


def _env(container: dict) -> dict[str, str]:
    return {e.get("name"): str(e.get("value", "")) for e in container.get("env") or []}


def _argv(container: dict) -> list[str]:
    return [str(a) for a in (container.get("command") or [])] + [str(a) for a in container.get("args") or []]


def _flag(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        key, eq, value = arg.lstrip("-").partition("=")
        if arg.startswith("-") and key == name:
            return value if eq else (argv[i + 1] if i + 1 < len(argv) else "")
    return None


def _pod_hostname(pod: dict) -> str:
    from ingresslab.backends.sandbox.dns import hostname

    return hostname(pod)


def _log(cluster, pod: dict, container: dict, text: str, at: float) -> None:
    meta = pod["metadata"]
    cluster.log(meta["namespace"], meta["name"], container["name"], text, at=at)


def _duration(cluster, low: float, high: float) -> float:
    return round(cluster.store.rng.uniform(low, high), 9)


def _go_headers(
    body: str, end: float, content_type: str = "text/plain; charset=utf-8"
) -> list[tuple[str, str]]:
    return [
        ("Date", http_date(end)),
        ("Content-Length", str(len(body.encode()))),
        ("Content-Type", content_type),
    ]


# hello-app
def _hello_version(container: dict) -> str:
    tag = normalize(container.get("image", ""))[2]
    return "2.0.0" if tag == "2.0" else "1.0.0"


def _hello_port(container: dict) -> int:
    port = _env(container).get("PORT", "8080")
    return int(port) if port.isdigit() else 8080


def _hello_serve(cluster, pod, container, request: HttpRequest, remote: str, start: float):
    end = start + _duration(cluster, 0.00003, 0.00015)
    _log(cluster, pod, container, f"{_go_log_time(end)} Serving request: {request.path}", end)
    body = f"Hello, world!\nVersion: {_hello_version(container)}\nHostname: {_pod_hostname(pod)}\n"
    return HttpResponse(200, _go_headers(body, end), "" if request.method == "HEAD" else body), end


def _hello_start(cluster, pod, container, at: float) -> None:
    _log(cluster, pod, container, f"{_go_log_time(at)} Server listening on port {_hello_port(container)}", at)


# nginx
_NGINX_LATEST = "1.27.1"
_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""


# The page before nginx 1.23 (no color-scheme, the style spelt out): 612 bytes, as `nginx:1.14.2` serves it.
_WELCOME_OLD = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _nginx_version(container: dict) -> str:
    tag = normalize(container.get("image", ""))[2]
    m = re.match(r"(\d+\.\d+\.\d+)", tag)
    return m.group(1) if m else _NGINX_LATEST


def _combined(cluster, pod, container, request: HttpRequest, remote: str, status: int, sent: int, end: float):
    line = format_line(
        NginxCombined(
            remote_addr=remote.rpartition(":")[0],
            time=datetime.fromtimestamp(end, tz=timezone.utc),
            method=request.method,
            path=request.target,
            protocol=request.version,
            status=status,
            body_bytes_sent=sent,
            http_referer=request.header("referer"),
            http_user_agent=request.header("user-agent"),
        )
    )
    _log(cluster, pod, container, line, end)


def _nginx_serve(cluster, pod, container, request: HttpRequest, remote: str, start: float):
    end = start + _duration(cluster, 0.00004, 0.0002)
    version = _nginx_version(container)
    if request.path in ("/", "/index.html"):
        old = _version_tuple(version) < (1, 23)
        status, body = 200, _WELCOME_OLD if old else _WELCOME
        # The ETag is the file's mtime and size in hex, as nginx's static module writes it.
        mtime, modified = (
            (1543934689, "Tue, 04 Dec 2018 14:44:49 GMT")
            if old
            else (
                1723472461,
                "Mon, 12 Aug 2024 14:21:01 GMT",
            )
        )
        headers = [
            ("Server", f"nginx/{version}"),
            ("Date", http_date(end)),
            ("Content-Type", "text/html"),
            ("Content-Length", str(len(body))),
            ("Last-Modified", modified),
            ("Connection", "keep-alive"),
            ("ETag", f'"{mtime:x}-{len(body):x}"'),
            ("Accept-Ranges", "bytes"),
        ]
    else:
        status = 404
        body = (
            "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n"
            f"<hr><center>nginx/{version}</center>\n</body>\n</html>\n"
        )
        headers = [
            ("Server", f"nginx/{version}"),
            ("Date", http_date(end)),
            ("Content-Type", "text/html"),
            ("Content-Length", str(len(body))),
            ("Connection", "keep-alive"),
        ]
    sent = 0 if request.method == "HEAD" else len(body)
    _combined(cluster, pod, container, request, remote, status, sent, end)
    return HttpResponse(status, headers, "" if request.method == "HEAD" else body), end


def _nginx_start(cluster, pod, container, at: float) -> None:
    stamp = _go_log_time(at)
    version = _nginx_version(container)
    release = _version_tuple(version)
    if release < (1, 19):  # before the image's docker-entrypoint.sh: nginx starts silently
        return
    lines = [
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
        *(
            ["/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh"]
            if release >= (1, 25)
            else []
        ),
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        *(
            ["/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh"]
            if release >= (1, 21)
            else []
        ),
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
        f'{stamp} [notice] 1#1: using the "epoll" event method',
        f"{stamp} [notice] 1#1: nginx/{version}",
        f"{stamp} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ",
        f"{stamp} [notice] 1#1: OS: Linux 5.15.0-119-generic",
        f"{stamp} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
        f"{stamp} [notice] 1#1: start worker processes",
        f"{stamp} [notice] 1#1: start worker process 29",
        f"{stamp} [notice] 1#1: start worker process 30",
    ]
    _log(cluster, pod, container, "\n".join(lines), at)


# echoserver
def _echoserver_serve(cluster, pod, container, request: HttpRequest, remote: str, start: float):
    end = start + _duration(cluster, 0.00005, 0.0003)
    host = request.host.rpartition(":")[0] if ":" in request.host else request.host
    query = request.target.partition("?")[2]
    headers_text = "".join(f"\t{k.lower()}={v}\n" for k, v in request.headers)
    body = (
        f"\n\nHostname: {_pod_hostname(pod)}\n\n"
        "Pod Information:\n\t-no pod information available-\n\n"
        "Server values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\n"
        "Request Information:\n"
        f"\tclient_address={remote.rpartition(':')[0]}\n"
        f"\tmethod={request.method}\n"
        f"\treal path={request.path}\n"
        f"\tquery={query}\n"
        f"\trequest_version={request.version.removeprefix('HTTP/')}\n"
        "\trequest_scheme=http\n"
        f"\trequest_uri=http://{host}:8080{request.target}\n\n"
        f"Request Headers:\n{headers_text}\n"
        "Request Body:\n" + (f"{request.body}\n" if request.body else "\t-no body in request-\n") + "\n\n"
    )
    sent = len(body.encode())
    _combined(cluster, pod, container, request, remote, 200, sent, end)
    headers = [
        ("Server", "nginx/1.13.3"),
        ("Date", http_date(end)),
        ("Content-Type", "text/plain"),
        ("Transfer-Encoding", "chunked"),
        ("Connection", "keep-alive"),
    ]
    return HttpResponse(200, headers, "" if request.method == "HEAD" else body), end


# agnhost
def _agnhost_mode(container: dict) -> str:
    argv = _argv(container)
    return argv[0] if argv else ""


def _agnhost_port(container: dict) -> int | None:
    argv = _argv(container)
    mode = _agnhost_mode(container)
    if mode == "netexec":
        value = _flag(argv, "http-port") or "8080"
    elif mode == "serve-hostname":
        value = _flag(argv, "port") or "9376"
    else:
        return None
    return int(value) if value.isdigit() else None


def _agnhost_serve(cluster, pod, container, request: HttpRequest, remote: str, start: float):
    end = start + _duration(cluster, 0.00003, 0.00015)
    mode = _agnhost_mode(container)
    status = 200
    if mode == "serve-hostname":
        body = _pod_hostname(pod)
    else:
        path = request.path
        if path == "/hostname":
            body = _pod_hostname(pod)
        elif path == "/echo":
            body = (parse_qs(request.target.partition("?")[2]).get("msg") or [""])[0]
        elif path == "/clientip":
            body = remote
        elif path in ("/healthz", "/readyz"):
            body = ""
        elif path == "/":
            stamp = datetime.fromtimestamp(end, tz=timezone.utc)
            body = f"NOW: {stamp.strftime('%Y-%m-%d %H:%M:%S.%f')}000 +0000 UTC m=+{end % 1000:.9f}"
        else:
            status, body = 404, "404 page not found\n"
        _log(cluster, pod, container, f"{_go_log_time(end)} {request.method} {path}", end)
    return HttpResponse(status, _go_headers(body, end), "" if request.method == "HEAD" else body), end


def _agnhost_start(cluster, pod, container, at: float) -> None:
    port = _agnhost_port(container)
    mode = _agnhost_mode(container)
    if mode == "netexec":
        _log(cluster, pod, container, f"{_go_log_time(at)} Started HTTP server on port {port}", at)
    elif mode == "serve-hostname":
        _log(cluster, pod, container, f"{_go_log_time(at)} Serving on port {port}.", at)


def _nginx_status(container: dict, path: str) -> int:
    return 200 if path in ("/", "/index.html") else 404


def _agnhost_status(container: dict, path: str) -> int:
    if _agnhost_mode(container) == "serve-hostname":
        return 200
    return 200 if path in ("/", "/hostname", "/echo", "/clientip", "/healthz", "/readyz") else 404


@dataclass(frozen=True)
class _Program:
    port: Callable[[dict], int | None]
    serve: Server
    start: Callable | None = None
    status: Callable[[dict, str], int] = lambda container, path: 200


def _program(container: dict) -> _Program | None:
    registry, repository, _tag = normalize(container.get("image", ""))
    if repository.endswith("google-samples/hello-app") or repository.endswith("gke/hello-app"):
        return _Program(_hello_port, _hello_serve, _hello_start)
    if registry == "docker.io" and repository == "library/nginx" and not _argv(container):
        return _Program(lambda c: 80, _nginx_serve, _nginx_start, _nginx_status)
    if repository == "echoserver" and registry in ("registry.k8s.io", "k8s.gcr.io"):
        return _Program(lambda c: 8080, _echoserver_serve)
    if repository == "e2e-test-images/agnhost":
        return _Program(_agnhost_port, _agnhost_serve, _agnhost_start, _agnhost_status)
    return None


def server_for(container: dict, port: int) -> Server | None:
    """The server a container of a catalogued image runs on `port`, if any."""
    program = _program(container)
    if program is None or program.port(container) != port:
        return None
    return program.serve


def probe(container: dict, port: int, path: str) -> int | str | None:
    """What an HTTP probe of `path` on `port` gets: a status code, "refused" (nothing listens there), or
    None when the sandbox does not model the image's server (the probe is taken to pass)."""
    program = _program(container)
    if program is None:
        return None
    if program.port(container) != port:
        return "refused"
    return program.status(container, path)


def on_start(cluster, pod: dict, container: dict, at: float) -> None:
    """The lines a catalogued image writes when its container starts."""
    program = _program(container)
    if program is not None and program.start is not None:
        program.start(cluster, pod, container, at)
