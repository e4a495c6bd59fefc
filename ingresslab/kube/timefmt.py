"""Ages and timestamps the way kubectl prints them.

`human_duration` follows apimachinery's `duration.HumanDuration` (the AGE column: `45s`, `5m12s`, `3h4m`,
`2d5h`, `45d`, `3y20d`), `age` turns a `creationTimestamp` into that text relative to an explicit `now`
(never the wall clock, so sandbox output is reproducible), and `rfc1123z` is the layout `kubectl describe`
uses for start times.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["age", "human_duration", "parse_time", "rfc1123z", "since"]


def _trunc(x: float) -> int:
    """Go's int() conversion truncates toward zero, Python's // floors: keep Go's."""
    return int(x)


def human_duration(d: timedelta) -> str:
    """Render a duration as kubectl's AGE column does (about 2-3 significant figures)."""
    total = d.total_seconds()
    seconds = _trunc(total)
    # A clock skew of under two seconds still reads as "now", as in kubectl.
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{hours // 24 // 365}y"


def parse_time(value: str) -> datetime:
    """Parse an API-server timestamp (`2024-09-15T08:52:37Z`, with optional fraction or offset)."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"invalid timestamp {value!r}: expected RFC 3339 such as 2024-09-15T08:52:37Z"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def since(timestamp: str | datetime | None, now: datetime) -> str:
    """Elapsed time from `timestamp` to `now` as kubectl prints it; `<unknown>` when there is none."""
    if timestamp is None or timestamp == "":
        return "<unknown>"
    start = parse_time(timestamp) if isinstance(timestamp, str) else _aware(timestamp)
    return human_duration(_aware(now) - start)


def age(obj: dict, now: datetime) -> str:
    """The AGE cell of an object: time since `metadata.creationTimestamp`."""
    return since((obj.get("metadata") or {}).get("creationTimestamp"), now)


def rfc1123z(timestamp: str | datetime) -> str:
    """Go's RFC1123Z layout (`Sun, 15 Sep 2024 08:52:37 +0000`), used by `kubectl describe`."""
    t = parse_time(timestamp) if isinstance(timestamp, str) else _aware(timestamp)
    # Spelled out rather than strftime's %a/%b, which follow the process locale; Go's never do.
    day = _DAYS[t.weekday()]
    month = _MONTHS[t.month - 1]
    return f"{day}, {t.day:02d} {month} {t.year} {t:%H:%M:%S} {t:%z}"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
