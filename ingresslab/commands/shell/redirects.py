"""Redirections the lab's shell honours: nothing that touches a file, only /dev/null and stream duplication.

`>/dev/null`, `2>/dev/null`, `&>/dev/null`, `2>&1`, `>&2`, `>/dev/stderr`, `</dev/null`, here-documents and
here-strings. Any other target is refused before the script runs, because the sandbox writes no host files.
"""

from __future__ import annotations

__all__ = ["RedirectError", "Target", "classify"]

NULL = "/dev/null"
_DEVICE_FDS = {"/dev/stdout": 1, "/dev/stderr": 2, "/dev/stdin": 0}


class RedirectError(Exception):
    """A redirection the lab's shell cannot perform; the message says what it supports instead."""


Target = tuple[str, int]  # ("null", -1), ("dup", fd) or ("stdin-null", -1)

_SUPPORTED = "only >/dev/null, 2>/dev/null, &>/dev/null, 2>&1, >&2 and </dev/null are supported"


def classify(op: str, fd: int, target: str) -> Target:
    """Decide what `fd op target` does, or raise RedirectError naming the problem."""
    if op in ("<<", "<<-", "<<<"):
        return ("heredoc", fd)
    if fd not in (0, 1, 2, -1):
        raise RedirectError(f"file descriptor {fd} is not available in the lab's shell; {_SUPPORTED}")
    if op == "<":
        if target == NULL:
            return ("stdin-null", -1)
        if target == "/dev/stdin":
            return ("dup", 0)
        raise RedirectError(
            f"cannot read {target!r}: the lab's shell reads no files; pipe text in instead "
            f"(e.g. `kubectl get … | grep …`) — {_SUPPORTED}"
        )
    if op == "<&":
        if target == "0":
            return ("dup", 0)
        raise RedirectError(f"cannot duplicate input from {target!r}; {_SUPPORTED}")
    if op == ">&" and target.isdigit():
        source = int(target)
        if source not in (1, 2):
            raise RedirectError(f"file descriptor {source} is not available in the lab's shell; {_SUPPORTED}")
        return ("dup", source)
    if op == ">&" and target == "-":
        raise RedirectError(f"closing a stream (`>&-`) is not supported; {_SUPPORTED}")
    # >, >>, >|, &>, &>>, and `>&word` (bash reads that as &>word)
    if target == NULL:
        return ("null", -1)
    if target in _DEVICE_FDS and _DEVICE_FDS[target] in (1, 2):
        return ("dup", _DEVICE_FDS[target])
    raise RedirectError(f"cannot write to {target!r}: the lab's shell writes no files; {_SUPPORTED}")
