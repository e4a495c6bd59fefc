"""`kubectl get -w`: what kubectl prints first (the current objects), then the changes made while it watches.
A notebook cell must finish, so the watch ends after --request-timeout (or a short default) with a note."""

from __future__ import annotations

import re

from ingresslab.commands.kubectl.common import KubectlContext, fail
from ingresslab.commands.kubectl.get import get
from ingresslab.commands.result import CommandResult

__all__ = ["get_or_watch"]

DEFAULT_SECONDS = 5
_WATCH = {"-w", "--watch", "--watch=true", "--watch-only", "--watch-only=true", "--output-watch-events"}


def _seconds(text: str) -> float:
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?|(\d+)", text)
    if not text or m is None:
        raise fail(f'invalid argument "{text}" for "--request-timeout" flag: time: invalid duration "{text}"')
    if m.group(4):
        return float(m.group(4))
    h, mi, s = (float(g or 0) for g in m.groups()[:3])
    return h * 3600 + mi * 60 + s


def get_or_watch(ctx: KubectlContext, argv: list[str]) -> CommandResult:
    watching = [
        a
        for a in argv
        if a in _WATCH
        or (a.startswith("-") and not a.startswith("--") and "w" in a[1:] and set(a[1:]) <= {"w", "A"})
    ]
    if not watching:
        return get(ctx, argv)
    only = any(a.startswith("--watch-only") for a in watching)
    rest: list[str] = []
    timeout = float(DEFAULT_SECONDS)
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--request-timeout":
            timeout = _seconds(argv[i + 1] if i + 1 < len(argv) else "") or float(DEFAULT_SECONDS)
            i += 2
            continue
        if a.startswith("--request-timeout="):
            timeout = _seconds(a.partition("=")[2]) or float(DEFAULT_SECONDS)
        elif a in watching:
            if set(a[1:]) <= {"w", "A"} and "A" in a:
                rest.append("-A")
        else:
            rest.append(a)
        i += 1
    first = CommandResult("") if only else get(ctx, rest)
    if first.returncode:
        return first
    shown = f"{timeout:g}s"
    note = (
        f"(the watch stopped after {shown}: a notebook cell has to finish; "
        "run the command again to see what changed since)\n"
    )
    return CommandResult(first.stdout, first.stderr + note, 0)
