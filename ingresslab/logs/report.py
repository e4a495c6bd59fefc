"""`ParseReport`: what a parse saw — records per format, and the lines that were not access lines.

Non-access lines (klog, nginx's error log, Envoy's own log, CoreDNS startup messages, ...) are expected in a
container's output; they are counted by kind and the first few kept as samples, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["ParseReport", "classify_other"]

_KINDS = (
    ("klog", re.compile(r"[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S+:\d+\] ")),
    (
        "nginx-error",
        re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(?:emerg|alert|crit|error|warn|notice|info|debug)\] "),
    ),
    ("go-log", re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ")),
    ("envoy-log", re.compile(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+\]\[")),
    ("istio-log", re.compile(r"\d{4}-\d\d-\d\dT\S+\t(?:info|warn|warning|error|debug)\t")),
    ("coredns-log", re.compile(r"(?:\S+ )?\[(?:INFO|WARNING|ERROR|DEBUG|FATAL)\] ")),
    ("json", re.compile(r"\{")),
)


def classify_other(body: str) -> str:
    """Name the kind of a line that is not an access line (`klog`, `nginx-error`, ..., `other`)."""
    if not body.strip():
        return "blank"
    for kind, pattern in _KINDS:
        if pattern.match(body):
            return kind
    return "other"


@dataclass(slots=True)
class ParseReport:
    """Counters filled by `parse_lines`; pass one in to see what was skipped."""

    max_samples: int = 5
    lines: int = 0
    records: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    skipped_kinds: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    joined_partials: int = 0

    @property
    def parsed(self) -> int:
        return sum(self.records.values())

    def skip(self, line: str, body: str) -> None:
        """Count a line that is not an access line, keeping the first few as samples."""
        self.skipped += 1
        kind = classify_other(body)
        self.skipped_kinds[kind] = self.skipped_kinds.get(kind, 0) + 1
        if len(self.samples) < self.max_samples:
            self.samples.append(line)

    def to_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "records": dict(self.records),
            "skipped": self.skipped,
            "skipped_kinds": dict(self.skipped_kinds),
            "samples": list(self.samples),
            "joined_partials": self.joined_partials,
        }

    def summary(self) -> str:
        """One line for humans: `3 lines: 2 records (ingress-nginx 2), 1 skipped (klog 1)`."""
        per_format = ", ".join(f"{name} {count}" for name, count in sorted(self.records.items()))
        text = f"{self.lines} lines: {self.parsed} records"
        if per_format:
            text += f" ({per_format})"
        text += f", {self.skipped} skipped"
        if self.skipped_kinds:
            kinds = ", ".join(
                f"{k} {v}" for k, v in sorted(self.skipped_kinds.items(), key=lambda kv: -kv[1])
            )
            text += f" ({kinds})"
        return text
