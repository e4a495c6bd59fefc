"""A thin REST layer over the kubernetes client's ApiClient: any path, any kind, JSON in and out.

The generated typed APIs need one class per group; ingresslab works on plain dicts for every kind (CRDs
included), so requests go through `ApiClient.param_serialize`/`call_api` directly. Authentication, TLS and
proxies stay the client's business; failures become ingresslab errors here, in one place.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

import urllib3
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from ingresslab.backends.live.errors import redact, translate_api_exception, translate_transport_error
from ingresslab.backends.live.kubeconfig import IN_CLUSTER_CONTEXT, ContextInfo, KubeconfigError
from ingresslab.errors import IngresslabError

__all__ = ["ApiTransport", "new_api_client"]


def new_api_client(
    files: tuple[os.PathLike[str] | str, ...], context: ContextInfo, *, secrets: frozenset[str] = frozenset()
) -> client.ApiClient:
    """An ApiClient for one context (or the in-cluster service account), failing fast on dead servers."""
    cfg = client.Configuration()
    try:
        if context.name == IN_CLUSTER_CONTEXT and not files:
            config.load_incluster_config(client_configuration=cfg)
        else:
            config.load_kube_config(
                config_file=os.pathsep.join(os.fspath(f) for f in files),
                context=context.name,
                client_configuration=cfg,
                persist_config=False,
            )
    except (ConfigException, OSError, ValueError) as exc:
        detail = redact(
            str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__, secrets
        )
        raise KubeconfigError(f"cannot load context {context.name!r}: {detail}") from None
    # urllib3 would otherwise retry a refused connection three times; we report it at once instead.
    cfg.retries = False
    return client.ApiClient(cfg)


class ApiTransport:
    """Sends requests for one context; every error comes out as an ingresslab error naming that context."""

    def __init__(
        self,
        api_client: client.ApiClient,
        *,
        context: str | None,
        host: str | None,
        secrets: frozenset[str] = frozenset(),
        request_timeout: float = 30.0,
    ) -> None:
        self.api_client = api_client
        self.context = context
        self.host = host
        self._secrets = secrets
        self.request_timeout = request_timeout

    def __repr__(self) -> str:
        return f"ApiTransport(context={self.context!r}, host={self.host!r})"

    def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any] | None,
        body: Any,
        content_type: str | None,
        accept: str,
        timeout: float | tuple[float, float] | None,
    ) -> Any:
        headers = {"Accept": accept}
        if content_type:
            headers["Content-Type"] = content_type
        params = [(k, v) for k, v in (query or {}).items() if v is not None]
        method, url, headers, body, _ = self.api_client.param_serialize(
            method, path, query_params=params, header_params=headers, body=body, auth_settings=["BearerToken"]
        )
        # Dict bodies are sent as JSON for json and +yaml content types alike (JSON is valid YAML), which is
        # what server-side apply (`application/apply-patch+yaml`) expects.
        try:
            return self.api_client.call_api(
                method,
                url,
                header_params=headers,
                body=body,
                _request_timeout=timeout if timeout is not None else self.request_timeout,
            )
        except ApiException as exc:
            raise self.api_error(exc) from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise translate_transport_error(
                exc, context=self.context, host=self.host, timeout=_seconds(timeout, self.request_timeout)
            ) from None

    def api_error(self, exc: ApiException) -> IngresslabError:
        return translate_api_exception(exc, context=self.context, host=self.host, secrets=self._secrets)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str | None = None,
        accept: str = "application/json",
        timeout: float | tuple[float, float] | None = None,
        raw: bool = False,
    ) -> Any:
        """Send one request; JSON answers come back parsed, anything else (or anything when `raw`) as text."""
        response = self._send(method, path, query, body, content_type, accept, timeout)
        try:
            data = response.read()
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise translate_transport_error(
                exc, context=self.context, host=self.host, timeout=_seconds(timeout, self.request_timeout)
            ) from None
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data or "")
        if not 200 <= response.status < 300:
            raise self.api_error(ApiException(status=response.status, reason=response.reason, body=text))
        content = (response.headers or {}).get("content-type", "") or ""
        if not raw and "json" in content:
            return json.loads(text) if text else None
        return text

    def stream_lines(
        self, path: str, *, query: Mapping[str, Any] | None = None, timeout: float | None = None
    ) -> Iterator[str]:
        """Lines of a long-running response (a watch), as they arrive."""
        response = self._send("GET", path, query, None, None, "application/json", timeout)
        if not 200 <= response.status < 300:
            text = response.read().decode("utf-8", errors="replace")
            raise self.api_error(ApiException(status=response.status, reason=response.reason, body=text))
        raw = response.response  # urllib3's response, not yet read
        buffer = b""
        try:
            for chunk in _chunks(raw):
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        yield line.decode("utf-8", errors="replace")
        except (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ProtocolError, TimeoutError):
            # The server (or our read timeout) ended the watch; the caller decides whether to resume.
            pass
        finally:
            raw.release_conn()
        if buffer.strip():
            yield buffer.decode("utf-8", errors="replace")


def _chunks(raw: Any) -> Iterator[bytes]:
    """Bytes as soon as they arrive: per HTTP chunk (the API server's watches), else whatever is buffered."""
    if getattr(raw, "chunked", False) or not hasattr(raw, "read1"):
        yield from raw.stream(amt=None, decode_content=False)
        return
    while chunk := raw.read1(65536):
        yield chunk


def _seconds(timeout: float | tuple[float, float] | None, default: float) -> float:
    if isinstance(timeout, tuple):
        return max(timeout)
    return default if timeout is None else timeout
