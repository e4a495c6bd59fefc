"""klog's text header, as Kubernetes components (ingress-nginx's controller among them) prefix each line.

    I0915 08:51:02.123456       7 store.go:440] "Found valid IngressClass" ingress="application/x"

Severity letter, month and day, wall time with microseconds, the thread id right-aligned in seven columns,
the source file and line, then the message. Structured calls (`InfoS`) quote the message and append
`key="value"` pairs; printf-style calls (`Infof`) print the text as is.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

__all__ = ["CONTROLLER_TID", "klog_line", "kv"]

# The controller process is the container's first child after dumb-init, hence thread id 7 in real logs.
CONTROLLER_TID = 7


def kv(**pairs: object) -> str:
    """`key="value"` pairs as klog's InfoS writes them (strings quoted with Go escaping, JSON otherwise)."""
    parts = []
    for key, value in pairs.items():
        rendered = (
            json.dumps(value, separators=(",", ":")) if not isinstance(value, str) else json.dumps(value)
        )
        parts.append(f"{key}={rendered}")
    return " ".join(parts)


def klog_line(ts: float, source: str, message: str, *, severity: str = "I", tid: int = CONTROLLER_TID) -> str:
    """One klog line at virtual time `ts` from `source` (`file.go:line`)."""
    seconds, micros = divmod(round(ts * 1_000_000), 1_000_000)
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return f"{severity}{moment:%m%d %H:%M:%S}.{micros:06d} {tid:7d} {source}] {message}"
