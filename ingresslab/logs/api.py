"""Parsing and writing lines: `parse_line`, `parse_lines`, `detect_format`, `format_line`, `record_to_dict`.

Streaming: `parse_lines` holds one line (plus a CRI partial line being joined) at a time, so a file of any
size parses in constant memory. With `format="auto"` it tries the format of the previous record first,
then only the formats whose lines can start with the line's first character.
"""

from __future__ import annotations

import io
import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import fields
from datetime import datetime
from itertools import chain, islice, repeat
from typing import Any, TextIO

from ingresslab.logs._text import strip_newline
from ingresslab.logs.envelope import Envelope, format_envelope, split_envelope
from ingresslab.logs.fastpath import CHUNK
from ingresslab.logs.registry import LogFormat, candidates, get_format
from ingresslab.logs.report import ParseReport

__all__ = ["detect_format", "format_line", "parse_line", "parse_lines", "parse_matches", "record_to_dict"]

_ENVELOPE_STARTS = frozenset("0123456789[nADFJMNOS")
_SKIP_FIELDS = frozenset({"envelope", "raw"})
_popleft = deque.popleft


def _parse_body(body: str, formats: tuple[LogFormat, ...] | None) -> Any:
    for fmt in formats if formats is not None else candidates(body[:1]):
        record = fmt.parse(body)
        if record is not None:
            return record
    return None


def parse_line(line: str, format: str = "auto") -> Any:
    """Parse one line (prefixes allowed) into a record, or None when it is not an access line.

    `format` is `auto` or a registered name (see `FORMATS`); an unknown name raises `UnknownLogFormat`.
    """
    formats = None if format == "auto" else (get_format(format),)
    line = strip_newline(line)
    envelope, body = split_envelope(line)
    record = _parse_body(body, formats)
    if record is not None:
        record.raw = line
        record.envelope = envelope
    return record


def parse_lines(
    lines: Iterable[str] | TextIO,
    format: str = "auto",
    report: ParseReport | None = None,
    *,
    fast: bool = True,
) -> Iterator[Any]:
    """Yield a record for every access line of `lines` (any iterable of str, or an open text file).

    Other lines are counted in `report` (when given) and skipped; its counts are complete once the
    iteration ends. CRI partial lines (tag `P`) are joined with the lines that complete them before parsing.

    Plain lines of the ingress-nginx, istio, envoy and coredns formats are matched by the format's fast
    expression and yielded as records that convert their fields on use (see `ingresslab.logs.fastpath`
    and `ingresslab.logs.lazy`); `fast=False` parses every line eagerly with the reference parsers. The
    records are equal either way. Lists, tuples, in-memory and regular files are read a chunk of lines
    ahead; other sources (pipes, generators) a line at a time, so a followed log streams.
    """
    return _parse(lines, format, report, fast, False)


def parse_matches(
    lines: Iterable[str] | TextIO, format: str = "auto", report: ParseReport | None = None
) -> Iterator[Any]:
    """`parse_lines`, yielding for a line of the fast path its `re.Match` in place of a lazy record.

    For writers that turn lines straight into something else (`fastpath.match_json`), no record needed.
    """
    return _parse(lines, format, report, True, True)


def _parse(
    lines: Iterable[str] | TextIO, format: str, report: ParseReport | None, fast: bool, matches: bool
) -> Iterator[Any]:
    fixed = None if format == "auto" else get_format(format)
    if report is None:
        report = ParseReport()
    state = _State(fixed, report)
    size = CHUNK if _can_read_ahead(lines) else 1
    source = iter(lines)
    counts = report.records
    name = ""
    run = None  # the records being handed out, so that stopping early counts only those taken
    try:
        while True:
            path = state.last.fast if fast and state.last is not None else None
            if path is None:
                line = next(source, None)
                if line is None:
                    break
                record = state.parse(line)
                if record is not None:
                    yield record
                continue
            name = path.name
            if size == 1:
                line = next(source, None)
                if line is None:
                    break
                match = path.match_line(line)
                if match is None:
                    record = state.parse(line)
                    if record is not None:
                        yield record
                    continue
                report.lines += 1
                counts[name] = counts.get(name, 0) + 1
                yield match if matches else path.record(match)
                continue
            chunk = list(islice(source, size))
            if not chunk:
                break
            found = path.match_chunk(chunk)
            if all(found):  # the common chunk: one run, and nothing else of it kept while handing it out
                taken = len(found)
                report.lines += taken
                counts[name] = counts.get(name, 0) + taken
                run = found if matches else path.records(found, taken)
                chunk = found = None  # type: ignore[assignment]
                yield from map(_popleft, repeat(run, taken))
                run = None
                continue
            stops = [at for at, match in enumerate(found) if match is None]
            start = 0
            for stop in [*stops, len(chunk)]:
                if stop > start:
                    taken = stop - start
                    report.lines += taken
                    counts[name] = counts.get(name, 0) + taken
                    taking = islice(found, start, stop)
                    run = deque(taking) if matches else path.records(taking, taken)
                    yield from map(_popleft, repeat(run, taken))
                    run = None
                if stop == len(chunk):
                    break
                before = state.last
                record = state.parse(chunk[stop])
                if record is not None:
                    yield record
                start = stop + 1
                if state.last is not before:  # auto-detection moved on: the rest of the chunk starts over
                    source = chain(chunk[start:], source)
                    break
        state.finish()
    finally:
        if run:  # the consumer stopped in the middle of a run
            left = len(run)
            report.lines -= left
            counts[name] -= left


def _can_read_ahead(lines: Any) -> bool:
    """Whether reading a chunk ahead costs no waiting: in-memory sequences and files, not pipes."""
    if isinstance(lines, (list, tuple, io.StringIO)):
        return True
    fileno = getattr(lines, "fileno", None)
    if fileno is None:
        return False
    try:
        return stat.S_ISREG(os.fstat(fileno()).st_mode)
    except (OSError, ValueError):  # no descriptor (io.UnsupportedOperation is an OSError), or closed
        return False


class _State:
    """The reference path of `parse_lines`, one line at a time: prefixes, CRI joins, detection, skips."""

    __slots__ = ("fixed", "last", "pending", "report")

    def __init__(self, fixed: LogFormat | None, report: ParseReport) -> None:
        self.fixed = fixed
        self.last = fixed
        self.report = report
        self.pending: dict[str | None, tuple[str, str]] = {}  # CRI stream -> (raw so far, body so far)

    def parse(self, line: str) -> Any:
        """The record of one line, or None (the line is counted as skipped, or kept as a CRI partial)."""
        report = self.report
        report.lines += 1
        if line.endswith("\n"):
            line = strip_newline(line)
        envelope: Envelope | None = None
        body = line
        first = line[:1]
        # A cheap look before split_envelope: IPv4 addresses and `[2024-...` Envoy times are not prefixes.
        if first in _ENVELOPE_STARTS and (
            line[4:5] == "-" if first.isdigit() else (line[1:2].islower() if first == "[" else True)
        ):
            envelope, body = split_envelope(line)
            if envelope is not None and "cri" in envelope.sources:
                pending = self.pending
                if envelope.partial:
                    raw_so_far, body_so_far = pending.get(envelope.stream, ("", ""))
                    pending[envelope.stream] = (raw_so_far + line + "\n", body_so_far + body)
                    return None
                if envelope.stream in pending:
                    raw_so_far, body_so_far = pending.pop(envelope.stream)
                    line, body = raw_so_far + line, body_so_far + body
                    report.joined_partials += 1
        record = None
        if self.fixed is not None:
            record = self.fixed.parse(body)
        else:
            last = self.last
            if last is not None:
                record = last.parse(body)
            if record is None:
                for fmt in candidates(body[:1]):
                    if fmt is not last:
                        record = fmt.parse(body)
                        if record is not None:
                            self.last = fmt
                            break
        if record is None:
            report.skip(line, body)
            return None
        record.raw = line
        if envelope is not None:
            record.envelope = envelope
        counts = report.records
        counts[record.format] = counts.get(record.format, 0) + 1
        return record

    def finish(self) -> None:
        for raw_so_far, body in self.pending.values():  # a stream that ended mid-line
            self.report.skip(raw_so_far.rstrip("\n"), body)
        self.pending.clear()


def detect_format(sample: str | Iterable[str], max_lines: int = 1000) -> str | None:
    """The format name of a line, or of the first recognisable line among the first `max_lines`."""
    lines = [sample] if isinstance(sample, str) else sample
    for count, line in enumerate(lines):
        if count >= max_lines:
            break
        _, body = split_envelope(strip_newline(line))
        for fmt in candidates(body[:1]):
            if fmt.detect(body):
                return fmt.name
    return None


def format_line(record: Any, *, with_envelope: bool = False) -> str:
    """Write `record` as a log line of its `format` (the inverse of `parse_line`), without a newline.

    With `with_envelope=True` the record's prefixes (kubectl, CRI, ...) are written back too.
    """
    name = getattr(record, "format", None)
    if not isinstance(name, str):
        raise TypeError(
            f"format_line needs a log record (NginxAccess, EnvoyAccess, ...), got {type(record).__name__}"
        )
    fmt = get_format(name)
    if not isinstance(record, fmt.record_type):
        raise TypeError(
            f"a {name} line is written from a {fmt.record_type.__name__}, not {type(record).__name__}"
        )
    line = fmt.format(record)
    if with_envelope and record.envelope is not None:
        line = format_envelope(record.envelope, line)
    return line


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def record_to_dict(record: Any, *, envelope: bool = True) -> dict[str, Any]:
    """A JSON-ready dict of a record: its fields (datetimes as ISO 8601), `format`, and `envelope` if any.

    `class_` is written as `class`; `layout` only appears for older layouts.
    """
    out: dict[str, Any] = {}
    for f in fields(record):
        name = f.name
        if name in _SKIP_FIELDS:
            continue
        value = getattr(record, name)
        if name == "layout" and value is None:
            continue
        out["class" if name == "class_" else name] = _jsonable(value)
    env = record.envelope
    if envelope and env is not None:
        out["envelope"] = {
            f.name: _jsonable(getattr(env, f.name))
            for f in fields(env)
            if getattr(env, f.name) not in (None, False, "", ())
        }
        out["envelope"]["sources"] = list(env.sources)
    return out
