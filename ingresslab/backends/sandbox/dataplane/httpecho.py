"""hashicorp/http-echo (the demo app): what it listens on, what it answers, the line it logs.

From its source: it listens on `-listen` (default `:5678`), answers every path with `-text` plus a newline
(or `$ECHO_TEXT`), status 200 unless `-status-code` is set (v1.0+), `/health` with `{"status":"ok"}`
(not logged). Headers: `X-App-Name: http-echo`, `X-App-Version: 1.0.0`, then Go's `Date`,
`Content-Length`, `Content-Type: text/plain; charset=utf-8` (sniffed). Each request is logged by its
`httpLog` middleware when it ends.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ingresslab.backends.sandbox.dataplane.http import HttpRequest, HttpResponse, http_date
from ingresslab.logs import HttpEchoRequest, format_line

__all__ = ["IMAGE", "VERSION", "flags", "is_http_echo", "listen_port", "serve"]

IMAGE = "hashicorp/http-echo"
VERSION = "1.0.0"  # the image's `latest` tag


def is_http_echo(container: dict) -> bool:
    image = container.get("image", "").split("@", 1)[0]
    repo = image.rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
    return repo.endswith(IMAGE)


def flags(container: dict) -> dict[str, str]:
    """Go `flag` parsing of the container's args: `-name=value`, `--name=value` or `-name value`."""
    argv = list(container.get("command") or [])[1:] + list(container.get("args") or [])
    out: dict[str, str] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("-"):
            name, eq, value = arg.lstrip("-").partition("=")
            if not eq and i + 1 < len(argv) and name not in ("version",):
                value = argv[i + 1]
                i += 1
            out[name] = value
        i += 1
    return out


def listen_port(container: dict) -> int:
    addr = flags(container).get("listen", ":5678")
    port = addr.rsplit(":", 1)[-1]
    return int(port) if port.isdigit() else 5678


def _text(container: dict) -> str:
    text = flags(container).get("text")
    if text is None:
        env = {e.get("name"): e.get("value", "") for e in container.get("env") or []}
        text = env.get("ECHO_TEXT", "")
    return text


def serve(
    cluster, pod: dict, container: dict, request: HttpRequest, remote_addr: str, start: float
) -> tuple[HttpResponse, float]:
    """Answer one request at virtual time `start`; returns the response and when it ended."""
    duration = round(cluster.store.rng.uniform(0.000018, 0.000120), 9)
    end = start + duration
    health = request.path == "/health"
    body = '{"status":"ok"}\n' if health else _text(container) + "\n"
    code = flags(container).get("status-code", "200")
    status = 200 if health or not code.isdigit() else int(code)
    headers = [
        ("X-App-Name", "http-echo"),
        ("X-App-Version", VERSION),
        ("Date", http_date(end)),
        ("Content-Length", str(len(body.encode()))),
        ("Content-Type", "text/plain; charset=utf-8"),
    ]
    if not health:
        meta = pod["metadata"]
        line = format_line(
            HttpEchoRequest(
                time=datetime.fromtimestamp(end, tz=timezone.utc),
                host=request.host,
                remote_addr=remote_addr,
                method=request.method,
                path=request.path,
                proto=request.version,
                status=status,
                length=len(body.encode()),
                user_agent=request.header("user-agent") or "",
                duration=duration,
            )
        )
        cluster.log(meta["namespace"], meta["name"], container["name"], line, at=end)
    return HttpResponse(status, headers, "" if request.method == "HEAD" else body), end
