"""Running commands in containers through the API's exec stream, and reading their exit codes.

The exit code travels on the stream's error channel as a `metav1.Status`: `Success`, or `Failure` with reason
`NonZeroExitCode` and the code in `details.causes[reason=ExitCode]`; any other failure (no such container,
runtime error) has no code, so we report 1 and pass the message on as stderr, as kubectl does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any, Protocol

import yaml

from ingresslab.backends.base import ExecResult

__all__ = ["ExecStream", "collect_exec_output", "exit_code_from_status"]

ERROR_CHANNEL = 3


class ExecStream(Protocol):
    """The part of kubernetes.stream's WSClient this module uses."""

    def is_open(self) -> bool: ...
    def update(self, timeout: float = 0) -> None: ...
    def peek_stdout(self, timeout: float = 0) -> bool: ...
    def read_stdout(self, timeout: float | None = None) -> str: ...
    def peek_stderr(self, timeout: float = 0) -> bool: ...
    def read_stderr(self, timeout: float | None = None) -> str: ...
    def read_channel(self, channel: int, timeout: float = 0) -> str: ...
    def close(self, **kwargs: Any) -> None: ...


def exit_code_from_status(status: str | dict[str, Any] | None) -> tuple[int, str]:
    """(exit code, message) from the error channel's Status; an empty channel means a clean exit."""
    if not status:
        return 0, ""
    if isinstance(status, str):
        try:
            data = json.loads(status)
        except ValueError:
            try:
                data = yaml.safe_load(status)
            except yaml.YAMLError:
                return 1, status.strip()
    else:
        data = status
    if not isinstance(data, dict):
        return 1, str(status).strip()
    if data.get("status") == "Success":
        return 0, ""
    message = str(data.get("message") or "")
    if data.get("reason") == "NonZeroExitCode":
        for cause in (data.get("details") or {}).get("causes") or []:
            if cause.get("reason") == "ExitCode":
                try:
                    code = int(cause.get("message"))
                except (TypeError, ValueError):
                    break
                # kubectl's own wording, rather than the server's longer Status message.
                return code, f"command terminated with exit code {code}"
    return 1, message or "command failed without an exit code"


def collect_exec_output(stream: ExecStream, timeout: float, command: Sequence[str] = ()) -> ExecResult:
    """Read stdout/stderr until the command exits or `timeout` passes, then decode its exit code."""
    stdout: list[str] = []
    stderr: list[str] = []
    deadline = time.monotonic() + timeout
    try:
        while stream.is_open():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            stream.update(timeout=min(remaining, 1.0))
            if stream.peek_stdout():
                stdout.append(stream.read_stdout())
            if stream.peek_stderr():
                stderr.append(stream.read_stderr())
        timed_out = stream.is_open()
        # Frames that arrived with the close are still buffered.
        if stream.peek_stdout():
            stdout.append(stream.read_stdout())
        if stream.peek_stderr():
            stderr.append(stream.read_stderr())
        status = stream.read_channel(ERROR_CHANNEL)
    finally:
        stream.close()
    if timed_out:
        shown = " ".join(command) or "the command"
        stderr.append(f"ingresslab: `{shown}` was still running after {timeout:g} s and was abandoned\n")
        return ExecResult("".join(stdout), "".join(stderr), 124)
    code, message = exit_code_from_status(status)
    if code != 0 and message:
        # Runtime errors (no such binary) arrive only here, so they must reach the learner as stderr.
        stderr.append(f"{message}\n" if not message.endswith("\n") else message)
    return ExecResult("".join(stdout), "".join(stderr), code)
