"""Turning what the kubernetes client raises into ingresslab errors a learner can act on.

Every message names the context and the API server's `host:port` and nothing more: the client's own exception
text includes response headers, and kubeconfig values (tokens, keys, passwords) must never reach a notebook.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterable

from kubernetes.client.exceptions import ApiException

from ingresslab.errors import (
    AlreadyExists,
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    IngresslabError,
    Invalid,
    NotFound,
    Unauthorized,
)

__all__ = [
    "ClusterUnreachable",
    "WaitTimeout",
    "describe_transport_error",
    "redact",
    "translate_api_exception",
    "translate_transport_error",
]

_HANDSHAKE = re.compile(r"Handshake status (\d{3}) ([^-]*?)\s*-\+-\+-")

_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    422: Invalid,
}


class ClusterUnreachable(IngresslabError):
    """The API server did not answer (refused, timed out, TLS failure, unknown host)."""

    def __init__(self, context: str | None, host: str | None, problem: str) -> None:
        self.context = context
        self.host = host
        self.problem = problem
        super().__init__(
            f"cannot reach the API server of context {context!r} at {host or 'an unknown address'}: {problem}. "
            "Check that the cluster is running (`minikube status`, `ingresslab doctor`) "
            "or choose the sandbox backend."
        )


class WaitTimeout(IngresslabError):
    """A watch-based wait ran out of time; `last_status` says how far it got."""

    def __init__(self, what: str, timeout: float, last_status: str) -> None:
        self.what = what
        self.timeout = timeout
        self.last_status = last_status
        super().__init__(f"timed out after {timeout:g} s waiting for {what}; last seen: {last_status}")


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value that occurs in `text` (longest first, so substrings can't leak the rest)."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "<redacted>")
    return text


def _status_body(exc: ApiException) -> dict:
    body = exc.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if isinstance(body, str) and body.strip().startswith("{"):
        try:
            data = json.loads(body)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return {}


def translate_api_exception(
    exc: ApiException,
    *,
    context: str | None,
    host: str | None,
    secrets: Iterable[str] = (),
) -> IngresslabError:
    """An ApiException as the matching ingresslab error, with the server's own `Status.message`."""
    status = int(exc.status or 0)
    body = _status_body(exc)
    if status == 0:
        handshake = _HANDSHAKE.match(str(exc.reason or ""))
        if handshake is None:
            if "SSL" in str(exc.reason or ""):
                # The client reports TLS failures as status 0 with the reason holding the SSL error text.
                return ClusterUnreachable(context, host, f"TLS handshake failed ({_first_line(exc.reason)})")
            return ClusterUnreachable(
                context, host, f"the stream could not be opened ({_first_line(exc.reason)})"
            )
        # A refused exec/attach websocket: "Handshake status 404 Not Found -+-+- {headers} -+-+- {body}".
        status = int(handshake.group(1))
        reply = str(exc.reason).rsplit(" -+-+- ", 1)[-1]
        body = _status_body(ApiException(status=status, body=reply))
        exc = ApiException(status=status, reason=handshake.group(2), body=reply)
    message = str(body.get("message") or exc.reason or f"HTTP {status}")
    message = redact(message, secrets)
    details = body.get("details") if isinstance(body.get("details"), dict) else None
    if status == 401:
        message = (
            f"the API server of context {context!r} at {host} rejected the credentials ({message}); "
            "they may have expired: for minikube run `minikube update-context`, otherwise log in again "
            "with your cluster provider's CLI"
        )
        return Unauthorized(message, details=details)
    if status == 403:
        return Forbidden(
            f"{message} (context {context!r}: ask for RBAC permission or use another context)",
            details=details,
        )
    if status == 409:
        cls: type[ApiError] = AlreadyExists if body.get("reason") == "AlreadyExists" else Conflict
        return cls(message, details=details)
    cls = _BY_STATUS.get(status, ApiError)
    error = cls(message, details=details)
    if cls is ApiError:
        # Keep the real code and reason for statuses without a dedicated class (429, 500, 503…).
        error.code = status
        error.reason = str(body.get("reason") or "InternalError")
    return error


def _first_line(text: object) -> str:
    lines = str(text or "").strip().splitlines()
    return lines[-1][:160] if lines else "unknown error"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [current.__cause__, current.__context__, getattr(current, "reason", None)]
    return [e for e in seen if isinstance(e, BaseException)]


def describe_transport_error(exc: BaseException, timeout: float | None = None) -> str:
    """A short, secret-free description of why a connection failed."""
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    text = " ".join(str(e) for e in chain).lower()
    after = f" after {timeout:g} s" if timeout is not None else ""
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "connection refused" in text:
        return "connection refused"
    if names & {"ConnectTimeoutError", "ReadTimeoutError", "TimeoutError", "timeout"} or any(
        isinstance(e, (TimeoutError, socket.timeout)) for e in chain
    ):
        return f"no answer{after or ' in time'} (timed out)"
    if "NameResolutionError" in names or any(isinstance(e, socket.gaierror) for e in chain):
        return "the server's host name does not resolve"
    if "SSLError" in names:
        return "TLS handshake failed (check the cluster's certificate settings)"
    if names & {"ProtocolError", "RemoteDisconnected", "ConnectionResetError"}:
        return "the connection was closed before an answer arrived"
    return f"connection failed ({type(exc).__name__})"


def translate_transport_error(
    exc: BaseException, *, context: str | None, host: str | None, timeout: float | None = None
) -> ClusterUnreachable:
    return ClusterUnreachable(context, host, describe_transport_error(exc, timeout))
