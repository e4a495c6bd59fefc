"""hashicorp/http-echo's request log, written by its `httpLog` middleware to stdout.

The format is the same from v0.1.3 (when logging was added) through v0.2.3 and v1.0.0 (the latest
release), `handlers.go`:

    httpLogDateFormat = "2006/01/02 15:04:05"
    httpLogFormat     = "%v %s %s \\"%s %s %s\\" %d %d \\"%s\\" %v\\n"
    fmt.Fprintf(out, httpLogFormat, end.Format(httpLogDateFormat),
                r.Host, r.RemoteAddr, r.Method, r.URL.Path, r.Proto, status, length, r.UserAgent(), dur)

for example `2024/09/15 08:52:37 yuya.example.com 10.244.0.9:52438 "GET /v1 HTTP/1.1" 200 33 "curl/7.81.0" 57.125µs`.
Notes that matter when reading it: the time is the end of the request in the process's local zone
(UTC in the image, which carries no zone data) and has no zone itself, so it parses as UTC; `length` is the
size of the last `Write` (the `-text` plus a newline); `dur` is Go's `Duration.String()`; nothing is
escaped, so the path (decoded) and the User-Agent may hold quotes and spaces; `/health` is not logged.
The server's own messages (`2024/09/15 08:52:37 [INFO] server is listening on :5678`) are not requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ingresslab.logs._text import format_go_duration, parse_go_duration
from ingresslab.logs.envelope import Envelope

__all__ = ["HttpEchoRequest", "format_http_echo", "parse_http_echo"]


@dataclass(slots=True)
class HttpEchoRequest:
    """One request http-echo served. Names follow the Go expressions it logs: `r.Host` -> `host`,
    `r.RemoteAddr` -> `remote_addr`, `r.URL.Path` -> `path`, `r.Proto` -> `proto`, `r.UserAgent()` ->
    `user_agent`; `duration` is in seconds (nanosecond precision)."""

    time: datetime | None = None
    host: str = ""
    remote_addr: str = ""
    method: str = "GET"
    path: str = "/"
    proto: str = "HTTP/1.1"
    status: int = 200
    length: int = 0
    user_agent: str = ""
    duration: float = 0.0
    layout: str | None = None
    format: str = "http-echo"
    envelope: Envelope | None = field(default=None, compare=False, repr=False)
    raw: str | None = field(default=None, compare=False, repr=False)


# Host has no spaces (Go rejects them) but may be empty; the path and the User-Agent take the rest,
# anchored on the protocol, the numbers and the duration around them.
_LINE = re.compile(
    r'^(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) (\S*) (\S+) "(\S+) (.*) (HTTP/\d+(?:\.\d+)?)" '
    r'(\d+) (\d+) "(.*)" ((?:\d+(?:\.\d*)?(?:ns|us|µs|μs|ms|s|m|h))+)$'
)


def parse_http_echo(body: str) -> HttpEchoRequest | None:
    """Parse one http-echo request line; None for its other output and anything else."""
    if body[4:5] != "/":
        return None
    match = _LINE.match(body)
    if match is None:
        return None
    y, mo, d, h, mi, s, host, remote, method, path, proto, status, length, ua, dur = match.groups()
    try:
        when = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=timezone.utc)
        seconds = parse_go_duration(dur)
    except ValueError:
        return None
    return HttpEchoRequest(when, host, remote, method, path, proto, int(status), int(length), ua, seconds)


def format_http_echo(rec: HttpEchoRequest) -> str:
    """Write `rec` exactly as http-echo's `httpLog` does."""
    if rec.time is None:
        raise ValueError("an http-echo line needs `time` (when the request ended)")
    when = rec.time.astimezone(timezone.utc) if rec.time.tzinfo else rec.time
    return (
        f"{when:%Y/%m/%d %H:%M:%S} {rec.host} {rec.remote_addr} "
        f'"{rec.method} {rec.path} {rec.proto}" {rec.status} {rec.length} "{rec.user_agent}" '
        f"{format_go_duration(rec.duration)}"
    )
