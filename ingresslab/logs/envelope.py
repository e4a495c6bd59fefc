"""What surrounds a log line: prefixes added by kubectl, the container runtime, journald or node-local-dns.

`split_envelope(line)` strips every such prefix and returns what it learned plus the component's own text.
Prefixes stack (`kubectl logs --prefix --timestamps` gives `[pod/x/c] 2024-...Z <line>`), so stripping loops.

One ambiguity is resolved on purpose: CoreDNS 1.2.6–1.6.2 starts its own lines with a millisecond timestamp
(`2019-07-19T08:24:57.565Z [INFO] ...`). A timestamp with exactly three fraction digits followed by a
`[LEVEL]` tag is left in the line for the CoreDNS parser; kubectl and CRI write nanoseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from ingresslab.logs._text import format_rfc3339, parse_rfc3339

__all__ = ["Envelope", "format_envelope", "split_envelope"]


@dataclass(frozen=True, slots=True)
class Envelope:
    """Prefix information of one line. `sources` names each prefix stripped, outermost first:
    `kubectl-prefix`, `kubectl-timestamps`, `cri`, `journald`, `node-cache`."""

    sources: tuple[str, ...] = ()
    timestamp: datetime | None = None  # kubectl --timestamps or CRI time
    stream: str | None = None  # CRI: stdout / stderr
    partial: bool = False  # CRI tag P: the runtime split a long line; the rest follows
    pod: str | None = None  # kubectl --prefix: [pod/<pod>/<container>]
    container: str | None = None
    host: str | None = None  # journald
    unit: str | None = None  # journald syslog identifier, e.g. kubelet
    pid: int | None = None
    prefix: str = ""  # the exact text that was stripped


_TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"
_CRI = re.compile(rf"({_TS}) (stdout|stderr) ([FP]) ")
_KUBECTL_TS = re.compile(rf"({_TS}) ")
_KUBECTL_PREFIX = re.compile(r"\[([a-z][a-z.]*)/([^/\]\s]+)/([^\]\s]+)\] ")
_JOURNALD = re.compile(
    r"((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d|"
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)) (\S+) ([^\s\[\]:]+)(?:\[(\d+)\])?: "
)
# CoreDNS's own time prefix: milliseconds and a level tag right after it.
_COREDNS_OWN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[[A-Z]+\] ")
_NODE_CACHE = "node-cache "
# Characters a prefix can start with; everything else skips the regexes entirely (the fast path).
_STARTS = frozenset("0123456789[nADFJMNOS")


def split_envelope(line: str) -> tuple[Envelope | None, str]:
    """Strip known prefixes from `line` (without its newline). Returns (None, line) when there are none."""
    if not line or line[0] not in _STARTS:
        return None, line
    body = line
    found: dict[str, object] = {}
    sources: list[str] = []
    for _ in range(4):
        first = body[:1]
        if first == "[":
            match = _KUBECTL_PREFIX.match(body)
            if match is None:
                break
            found["pod"], found["container"] = match.group(2), match.group(3)
            sources.append("kubectl-prefix")
        elif first.isdigit():
            if body[4:5] != "-" or body[10:11] != "T":
                break  # every timestamp prefix is RFC 3339; an IP address or `2024/..` is the line itself
            match = _CRI.match(body)
            if match is not None:
                found["timestamp"] = parse_rfc3339(match.group(1))
                found["stream"] = match.group(2)
                found["partial"] = match.group(3) == "P"
                sources.append("cri")
            elif _COREDNS_OWN.match(body):
                break
            elif (match := _KUBECTL_TS.match(body)) is not None:
                found["timestamp"] = parse_rfc3339(match.group(1))
                sources.append("kubectl-timestamps")
            elif (match := _JOURNALD.match(body)) is not None:  # journalctl -o short-iso
                _journald(match, found)
                sources.append("journald")
            else:
                break
        elif body.startswith(_NODE_CACHE):
            body = body[len(_NODE_CACHE) :]
            sources.append("node-cache")
            continue
        elif (match := _JOURNALD.match(body)) is not None:
            _journald(match, found)
            sources.append("journald")
        else:
            break
        body = body[match.end() :]
    if not sources:
        return None, line
    prefix = line[: len(line) - len(body)]
    return Envelope(sources=tuple(sources), prefix=prefix, **found), body  # type: ignore[arg-type]


def _journald(match: re.Match[str], found: dict[str, object]) -> None:
    when, host, unit, pid = match.groups()
    if when[0].isdigit():
        found["timestamp"] = parse_rfc3339(when)
    found["host"], found["unit"] = host, unit
    found["pid"] = int(pid) if pid else None


def format_envelope(envelope: Envelope | None, body: str) -> str:
    """Put `body` back inside `envelope`: its recorded prefix when it has one, else one built from fields."""
    if envelope is None:
        return body
    if envelope.prefix:
        return envelope.prefix + body
    parts: list[str] = []
    for source in envelope.sources:
        if source == "kubectl-prefix":
            parts.append(f"[pod/{envelope.pod}/{envelope.container}] ")
        elif source == "kubectl-timestamps" and envelope.timestamp is not None:
            parts.append(format_rfc3339(envelope.timestamp) + " ")
        elif source == "cri" and envelope.timestamp is not None:
            tag = "P" if envelope.partial else "F"
            parts.append(f"{format_rfc3339(envelope.timestamp)} {envelope.stream or 'stdout'} {tag} ")
        elif source == "node-cache":
            parts.append("node-cache ")
    return "".join(parts) + body
