"""HTTP/1.1 messages as they travel between the sandbox's components, and the bits every hop needs.

Headers are kept as an ordered list of (name, value) pairs, because the order and the case of response
headers is part of what a learner sees with `curl -i` (nginx keeps Go's canonical case, Envoy lowercases).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

__all__ = [
    "REASONS",
    "HttpRequest",
    "HttpResponse",
    "http_date",
    "request_length",
]

REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    418: "I'm a teapot",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def http_date(ts: float) -> str:
    """An HTTP Date header value (IMF-fixdate) for virtual time `ts`."""
    return datetime.fromtimestamp(int(ts), tz=timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


@dataclass
class HttpRequest:
    """One request on the wire. `target` is the request-target (path plus query)."""

    method: str = "GET"
    target: str = "/"
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    version: str = "HTTP/1.1"

    @property
    def path(self) -> str:
        """The path without the query string (what routing matches on)."""
        return self.target.split("?", 1)[0] or "/"

    def header(self, name: str) -> str | None:
        low = name.lower()
        for key, value in self.headers:
            if key.lower() == low:
                return value
        return None

    @property
    def host(self) -> str:
        return self.header("host") or ""

    def with_header(self, name: str, value: str | None, *, replace: bool = True) -> HttpRequest:
        """A copy with `name` set (replacing any existing one) or removed when value is None."""
        low = name.lower()
        headers = [(k, v) for k, v in self.headers if not (replace and k.lower() == low)]
        if value is not None:
            headers.append((name, value))
        return HttpRequest(self.method, self.target, headers, self.body, self.version)

    def wire_size(self) -> int:
        """Bytes of the request line and headers (with CRLFs) plus the body."""
        head = len(f"{self.method} {self.target} {self.version}\r\n".encode())
        head += sum(len(f"{k}: {v}\r\n".encode()) for k, v in self.headers) + 2
        return head + len(self.body.encode())


def request_length(request: HttpRequest) -> int:
    """nginx's `$request_length`: request line, headers and body as received."""
    return request.wire_size()


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    reason: str | None = None
    version: str = "HTTP/1.1"  # "HTTP/2" when the hop was HTTP/2 (curl prints `HTTP/2 200 `, no reason)

    @property
    def reason_phrase(self) -> str:
        if self.reason is None and self.version == "HTTP/2":
            return ""
        return self.reason if self.reason is not None else REASONS.get(self.status, "Unknown")

    def header(self, name: str) -> str | None:
        low = name.lower()
        for key, value in self.headers:
            if key.lower() == low:
                return value
        return None

    @property
    def body_bytes(self) -> int:
        return len(self.body.encode())
