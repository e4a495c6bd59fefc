"""Normalising and comparing kubectl output from the two sides of a differential case.

Only what is random by nature is normalised, and every random value becomes a placeholder of its class
(`<pod-ip>`, `<hash>`, …). Placeholders carry no index: replicas of one ReplicaSet are interchangeable, and
their order in a listing follows their random names, so an index by first appearance would depend on chance.
Instead, `Tally` counts the distinct originals of each class per side: two pods sharing one IP on one side show
up as a count that differs from the other side's.

One annotation is timing, not randomness, and goes too: the endpoints controllers'
`endpoints.kubernetes.io/last-change-trigger-time`, present or not depending on what their last sync saw.

Tables (`kubectl get` without `-o` or with `-o wide`) are parsed into cells. Each side's raw table must be laid
out by kubectl's tabwriter rule (a column is as wide as its widest cell plus 3, at least 6) — checked on the raw
text, before any placeholder changes a width — and then the normalised cells are compared.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["Tally", "compare_text", "normalise", "parse_table", "table_layout_ok"]

# Kubernetes' rand.String / SafeEncodeString alphabet: no vowels, no 0/1/3 (names never spell words).
_A = "[bcdfghjklmnpqrstvwxz2456789]"
SANDBOX_NODE_IP = "192.168.76.2"
REFERENCE_NODE_IP = "127.0.0.1"
FIXED_SERVICE_IPS = {"10.96.0.1", "10.96.0.10"}  # kubernetes and kube-dns: fixed by the cluster's shape

_RULES: list[tuple[str, re.Pattern[str], str]] = [
    ("uid", re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "<uid>"),
    ("time", re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"), "<time>"),
    (
        "time",
        re.compile(
            r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
            r"\d{4} \d\d:\d\d:\d\d [+-]\d{4}"
        ),
        "<time>",
    ),
    (
        "rv",
        re.compile(r'(?<=resourceVersion": ")\d+|(?<=resourceVersion: ")\d+|(?<=resourceVersion: )\d+'),
        "<rv>",
    ),
    ("rv", re.compile(r'(?<=resourceVersion":")\d+'), "<rv>"),
    ("hash", re.compile(rf"(?<=pod-template-hash[=:])\s*\"?{_A}{{6,10}}\b"), "<hash>"),
    ("hash", re.compile(rf'(?<=pod-template-hash": "){_A}{{6,10}}\b'), "<hash>"),
    ("hash", re.compile(rf'(?<=pod-template-hash":"){_A}{{6,10}}\b'), "<hash>"),
    ("suffix", re.compile(rf"(?<=-<hash>-){_A}{{5}}(?![\w-])"), "<sfx>"),
    ("pod-ip", re.compile(r"\b10\.244\.\d{1,3}\.\d{1,3}\b"), "<pod-ip>"),
    # An Event's name ends in the UnixNano of its first recording, in hex (client-go's recorder): a time.
    ("time", re.compile(r"(?<=[a-z0-9]\.)1[0-9a-f]{15}(?![\w-])"), "<event-ts>"),
]
_NAME_HASH = re.compile(rf"(?<=[a-z0-9]-)({_A}{{6,10}})(?=-{_A}{{5}}(?![\w-])|-(?![\w-])|(?![\w-]))")
_NAME_SUFFIX = re.compile(rf"(?<=[a-z0-9]-)({_A}{{5}})(?![\w-])")
_CLUSTER_IP = re.compile(r"\b10\.(?:9[6-9]|10\d|11[01])\.\d{1,3}\.\d{1,3}\b")
_NODE_PORT = re.compile(r"(?<![\w.])(3[0-2]\d{3})(?!\w)")
_SANDBOX_HOSTNAME = re.compile(r"\b(?:192\.168\.76\.2|127\.0\.0\.1)\b")


@dataclass
class Tally:
    """Distinct original values seen per placeholder class, for one side of one case."""

    seen: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def counts(self) -> dict[str, int]:
        # Timestamps and resourceVersions: how many distinct ones depends on timing, not on correctness.
        return {k: len(v) for k, v in sorted(self.seen.items()) if k not in ("time", "rv")}


_TRIGGER = "endpoints\\.kubernetes\\.io/last-change-trigger-time"
_TIMING_ONLY = [
    # The endpoints controllers set this annotation when the sync that wrote the object saw a pod change and
    # clear it when a later sync saw none: whether it is there depends on timing, so it goes on both sides.
    (re.compile(rf"^\s*{_TRIGGER}: .*\n", re.M), ""),
    (re.compile(rf'^\s*"{_TRIGGER}": "[^"]*",?\n', re.M), ""),
    (re.compile(rf"^(Annotations:\s+){_TRIGGER}: \S+$", re.M), r"\1<none>"),
    (re.compile(r"^(\s*)annotations:\n(?!\1\s)", re.M), ""),
    (re.compile(r'^\s*"annotations": \{\n\s*\},\n', re.M), ""),
]


def normalise(text: str, tally: Tally, *, declared_ports: frozenset[int] = frozenset()) -> str:
    """Replace every random value in `text` by its class placeholder, recording originals in `tally`."""
    for pattern, replacement in _TIMING_ONLY:
        text = pattern.sub(replacement, text)

    def sub(kind: str, pattern: re.Pattern[str], placeholder: str, s: str) -> str:
        def repl(m: re.Match[str]) -> str:
            tally.seen[kind].add(m.group(0).strip().strip('"'))
            return placeholder

        return pattern.sub(repl, s)

    for kind, pattern, placeholder in _RULES:
        text = sub(kind, pattern, placeholder, text)

    def hash_repl(m: re.Match[str]) -> str:
        tally.seen["hash"].add(m.group(1))
        return "<hash>"

    text = _NAME_HASH.sub(hash_repl, text)
    text = sub("suffix", re.compile(rf"(?<=-<hash>-){_A}{{5}}(?![\w-])"), "<sfx>", text)

    def suffix_repl(m: re.Match[str]) -> str:
        tally.seen["suffix"].add(m.group(1))
        return "<sfx>"

    text = _NAME_SUFFIX.sub(suffix_repl, text)

    def cip(m: re.Match[str]) -> str:
        if m.group(0) in FIXED_SERVICE_IPS:
            return m.group(0)
        tally.seen["cluster-ip"].add(m.group(0))
        return "<cluster-ip>"

    text = _CLUSTER_IP.sub(cip, text)

    def nport(m: re.Match[str]) -> str:
        port = int(m.group(1))
        if port in declared_ports or port > 32767:
            return m.group(0)
        tally.seen["node-port"].add(m.group(1))
        return "<node-port>"

    text = _NODE_PORT.sub(nport, text)
    text = _SANDBOX_HOSTNAME.sub("<node-ip>", text)
    return text


# -- tables ------------------------------------------------------------------------------------------------
_HEADER = re.compile(
    r"^[A-Z][A-Z0-9()\-]*(?: [A-Z][A-Z0-9()\-]*)*(?: {2,}[A-Z][A-Z0-9()\-]*(?: [A-Z][A-Z0-9()\-]*)*)*$"
)
_AGE = re.compile(r"^(?:<invalid>|\d+(?:y\d*d?|d\d*h?|h\d*m?|m\d*s?|s))$")
_AGE_COLUMNS = {"AGE", "LAST SEEN", "DURATION", "FIRST SEEN"}


def is_table(text: str) -> bool:
    first = text.split("\n", 1)[0]
    return bool(_HEADER.match(first)) and "  " in first


def _starts(header: str) -> list[int]:
    return [m.start() for m in re.finditer(r"(?:(?<=   )|^)\S", header)]


def parse_table(text: str, *, headerless: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header names and rows of cells, cut at the header's column starts (tabwriter aligns every row).

    Without a header (`--no-headers`) cells are cut at runs of three or more spaces: tabwriter pads every
    cell but the last by at least its padding of 3.
    """
    lines = [line for line in text.split("\n") if line != ""]
    if headerless:
        rows = [re.split(r" {3,}", line) for line in lines]
        return [""] * max((len(r) for r in rows), default=0), rows
    header = lines[0]
    starts = _starts(header)
    names = [header[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
    rows: list[list[str]] = []
    for line in lines[1:]:
        rows.append([line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)])
    return names, rows


def table_layout_ok(text: str, *, headerless: bool = False) -> str | None:
    """None when `text` is exactly kubectl's tabwriter layout of its own cells, else what is off."""
    names, rows = parse_table(text, headerless=headerless)
    cells = rows if headerless else [names, *rows]
    if any(len(r) != len(names) for r in cells):
        return "rows have different numbers of cells"
    widths = [max(6, max(len(r[i]) for r in cells) + 3) for i in range(len(names) - 1)]
    expected = []
    for row in cells:
        expected.append("".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + row[-1])
    got = [line for line in text.split("\n") if line != ""]
    for n, (want, have) in enumerate(zip(expected, got, strict=True)):
        if want != have:
            return f"line {n + 1} is not tabwriter-aligned:\n  got  {have!r}\n  want {want!r}"
    return None


def normalise_table(
    text: str, tally: Tally, declared_ports: frozenset[int], keep, *, headerless: bool = False
) -> str:
    """A table as one line per row of normalised cells joined by ' | ' (AGE-like cells → <age>)."""
    names, rows = parse_table(text, headerless=headerless)
    out = [] if headerless else [" | ".join(names)]
    for row in rows:
        if keep is not None and not keep(" ".join(row)):
            continue
        cells = []
        for name, cell in zip(names, row, strict=False):
            if (headerless or name in _AGE_COLUMNS) and _AGE.match(cell):
                cell = "<age>"
            cells.append(normalise(cell, tally, declared_ports=declared_ports))
        out.append(" | ".join(cells))
    return "\n".join(out) + "\n"


_EVENT_AGE = re.compile(
    r"^(?:<invalid>|\d+[smhdy][\dsmhdy]*)(?: \(x(\d+) over (?:<invalid>|\d+[smhdy][\dsmhdy]*)\))?$"
)


def _events_as_cells(text: str) -> str:
    """A describe's Events table as cells (ages → <age>): its columns are as wide as the ages happen to be."""
    out: list[str] = []
    in_events = False
    for line in text.split("\n"):
        if line == "Events:":
            in_events = True
            out.append(line)
            continue
        if in_events and line.startswith("  ") and line.strip():
            cells = re.split(r" {2,}", line.strip())
            if len(cells) >= 3:
                m = _EVENT_AGE.match(cells[2])
                if m:
                    cells[2] = "<age>" + (f" (x{m.group(1)} over <age>)" if m.group(1) else "")
            out.append("  " + " | ".join(cells))
            continue
        in_events = False
        out.append(line)
    return "\n".join(out)


def compare_text(
    text: str,
    tally: Tally,
    declared_ports: frozenset[int],
    *,
    tables: bool,
    keep=None,
    headerless: bool = False,
) -> tuple[str, list[str]]:
    """(normalised text, layout problems). Blank-line separated blocks that are tables are compared by cells."""
    if not tables or not text.strip():
        if keep is not None:
            text = "".join(line for line in text.splitlines(True) if keep(line))
        return normalise(_events_as_cells(text), tally, declared_ports=declared_ports), []
    problems: list[str] = []
    blocks = text.rstrip("\n").split("\n\n")
    out: list[str] = []
    for block in blocks:
        if headerless or is_table(block):
            problem = table_layout_ok(block, headerless=headerless)
            if problem:
                problems.append(problem)
            out.append(normalise_table(block, tally, declared_ports, keep, headerless=headerless))
        else:
            out.append(normalise(_events_as_cells(block) + "\n", tally, declared_ports=declared_ports))
    return "\n".join(out), problems
