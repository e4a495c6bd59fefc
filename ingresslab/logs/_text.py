"""Small text codecs the formats share: nginx escaping, timestamps, Go durations, positional floats.

Every parser here is the exact inverse of its formatter, so emitted lines parse back to the same values.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

__all__ = [
    "MONTHS",
    "TIME_LOCAL_CACHE",
    "format_go_duration",
    "format_nginx_time",
    "format_positional",
    "format_rfc3339",
    "format_start_time",
    "nginx_escape",
    "nginx_unescape",
    "parse_go_duration",
    "parse_nginx_time",
    "parse_rfc3339",
    "parse_start_time",
    "strip_newline",
]

UTC = timezone.utc
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBER = {name: i + 1 for i, name in enumerate(MONTHS)}


def strip_newline(line: str) -> str:
    """A line without its `\\n` or `\\r\\n` ending, as iterating a file gives it."""
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    return line


# --- nginx escaping -------------------------------------------------------------------------------------
# nginx's default log escaping writes `"`, `\` and every byte below 0x20 or above 0x7e as `\xXX`.
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f-\U0010ffff]')
_ESCAPED = re.compile(r"(?:\\x[0-9A-Fa-f]{2})+")


def _escape_match(match: re.Match[str]) -> str:
    data = match.group().encode("utf-8", "surrogateescape")
    return "".join(f"\\x{b:02X}" for b in data)


def nginx_escape(value: str) -> str:
    """Escape a value the way nginx's access log does (UTF-8 bytes of non-ASCII text become `\\xXX`)."""
    return _NEEDS_ESCAPE.sub(_escape_match, value)


def _unescape_match(match: re.Match[str]) -> str:
    text = match.group()
    data = bytes(int(text[i + 2 : i + 4], 16) for i in range(0, len(text), 4))
    # surrogateescape keeps bytes that are not UTF-8 so re-escaping reproduces the line exactly.
    return data.decode("utf-8", "surrogateescape")


def nginx_unescape(value: str) -> str:
    """Undo nginx's `\\xXX` escaping; runs of escapes are decoded together as UTF-8."""
    if "\\x" not in value:
        return value
    return _ESCAPED.sub(_unescape_match, value)


# --- nginx $time_local -------------------------------------------------------------------------------------
_TZ_CACHE: dict[str, timezone] = {}
TIME_LOCAL_CACHE: dict[str, datetime] = {}


def _offset(text: str) -> timezone:
    """`+0100` or `+01:00` -> a fixed-offset timezone (cached: a log has one or two offsets)."""
    tz = _TZ_CACHE.get(text)
    if tz is None:
        digits = text[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + int(digits[2:4])
        delta = timedelta(minutes=-minutes if text[0] == "-" else minutes)
        tz = UTC if not minutes else timezone(delta)
        _TZ_CACHE[text] = tz
    return tz


def parse_nginx_time(text: str) -> datetime:
    """`15/Sep/2024:08:52:37 +0000` -> an aware datetime. Cached: many lines share a second."""
    value = TIME_LOCAL_CACHE.get(text)
    if value is None:
        if len(TIME_LOCAL_CACHE) > 4096:
            TIME_LOCAL_CACHE.clear()
        value = datetime(
            int(text[7:11]),
            _MONTH_NUMBER[text[3:6]],
            int(text[0:2]),
            int(text[12:14]),
            int(text[15:17]),
            int(text[18:20]),
            tzinfo=_offset(text[21:]),
        )
        TIME_LOCAL_CACHE[text] = value
    return value


def _format_offset(value: datetime, colon: bool) -> str:
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}" if colon else f"{sign}{hours:02d}{mins:02d}"


def format_nginx_time(value: datetime) -> str:
    """An aware datetime -> `15/Sep/2024:08:52:37 +0000` (month names fixed, not locale-dependent)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (
        f"{value.day:02d}/{MONTHS[value.month - 1]}/{value.year:04d}:"
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d} {_format_offset(value, False)}"
    )


# --- Envoy %START_TIME% --------------------------------------------------------------------------------


def parse_start_time(text: str) -> datetime:
    """Envoy's default `%START_TIME%`, `2024-09-15T12:35:56.471Z`, -> an aware UTC datetime."""
    if text.endswith("Z"):
        # fromisoformat only learned `Z` in Python 3.11; strip it and attach UTC ourselves.
        return datetime.fromisoformat(text[:-1] + "+00:00")
    return parse_rfc3339(text)


def format_start_time(value: datetime) -> str:
    """An aware datetime -> `2024-09-15T12:35:56.471Z` (UTC, milliseconds, as Envoy writes it)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:"
        f"{value.second:02d}.{value.microsecond // 1000:03d}Z"
    )


# --- RFC 3339 (kubectl --timestamps, CRI, CoreDNS) -------------------------------------------------------
_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)$")


def parse_rfc3339(text: str) -> datetime:
    """RFC 3339 with any number of fraction digits (nanoseconds are truncated to microseconds)."""
    match = _RFC3339.match(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = UTC if zone == "Z" else _offset(zone)
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz)


def format_rfc3339(value: datetime, digits: int = 9) -> str:
    """An aware datetime -> RFC 3339 with `digits` fraction digits (`Z` for UTC), like Go's formatting."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    base = value.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        base += "." + f"{value.microsecond:06d}".ljust(digits, "0")[:digits]
    offset = value.utcoffset()
    return base + ("Z" if not offset else _format_offset(value, True))


# --- Go time.Duration -------------------------------------------------------------------------------------
_GO_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9}
_GO_UNITS["h"] = 3600 * 10**9
_GO_DURATION = re.compile(r"(?:\d+(?:\.\d*)?(?:ns|us|µs|μs|ms|s|m|h))+$")
_GO_PART = re.compile(r"(\d+)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> float:
    """Go's `time.Duration.String()` (`45.21µs`, `1.5ms`, `1m2.5s`, `0s`) -> seconds, computed exactly."""
    if not _GO_DURATION.match(text):
        raise ValueError(f"not a Go duration: {text!r}")
    nanos = 0
    for whole, fraction, unit in _GO_PART.findall(text):
        scale = _GO_UNITS[unit]
        nanos += int(whole) * scale
        if fraction:
            nanos += int(fraction) * scale // 10 ** len(fraction)
    return nanos / 1e9


def _fraction(value: int, digits: int) -> str:
    """`value` scaled down by 10**digits, trailing zeros dropped (`1500, 3` -> `1.5`)."""
    whole, rest = divmod(value, 10**digits)
    if not rest:
        return str(whole)
    return f"{whole}.{rest:0{digits}d}".rstrip("0")


def format_go_duration(seconds: float) -> str:
    """Seconds -> Go's `time.Duration.String()`, which http-echo prints for each request."""
    nanos = round(seconds * 1e9)
    sign = "-" if nanos < 0 else ""
    nanos = abs(nanos)
    if nanos == 0:
        return "0s"
    if nanos < 1_000:
        return f"{sign}{nanos}ns"
    if nanos < 1_000_000:
        return f"{sign}{_fraction(nanos, 3)}µs"
    if nanos < 10**9:
        return f"{sign}{_fraction(nanos, 6)}ms"
    minutes, rest = divmod(nanos, 60 * 10**9)
    hours, minutes = divmod(minutes, 60)
    text = _fraction(rest, 9) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{text}"
    if minutes:
        return f"{sign}{minutes}m{text}"
    return sign + text


def format_positional(value: float) -> str:
    """The shortest decimal that reads back as `value`, never in exponent form (Go's `FormatFloat(f, 'f', -1)`)."""
    text = repr(float(value))
    if "e" not in text and "E" not in text:
        return text[:-2] if text.endswith(".0") else text
    return format(Decimal(text), "f")
