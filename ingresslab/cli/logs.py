"""`ingresslab logs parse`: turn component logs into JSON Lines, one object per access line.

    kubectl logs -n ingress-nginx deploy/ingress-nginx-controller | ingresslab logs parse
    ingresslab logs parse --format coredns coredns.log
    ingresslab logs parse --stats istio-proxy.log

Each object holds the record's fields plus `"format"` (and `"envelope"` when the line had prefixes), written
compactly by orjson. A one-line summary goes to stderr; `--stats` prints the full report to stdout instead of
the records.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from collections.abc import Iterable
from typing import TextIO

__all__ = ["register", "run_parse"]


def _open_input(path: str) -> tuple[Iterable[str], TextIO | None]:
    """The lines to read and, for a file, the handle to close. Undecodable bytes are replaced, not fatal."""
    if path == "-":
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:  # already a text stream (tests, notebooks)
            return sys.stdin, None
        return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace", newline=None), None
    handle = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by the caller
    return handle, handle


def run_parse(args: argparse.Namespace) -> int:
    """Handler of `ingresslab logs parse`; returns the exit code (2 for a bad format name or path)."""
    from ingresslab.logs import ParseReport, UnknownLogFormat, get_format
    from ingresslab.logs.api import parse_matches

    if args.format != "auto":
        try:
            get_format(args.format)
        except UnknownLogFormat as err:
            print(f"ingresslab logs parse: {err}", file=sys.stderr)
            return 2
    try:
        lines, handle = _open_input(args.path)
    except OSError as err:
        reason = err.strerror or str(err)
        print(
            f"ingresslab logs parse: cannot read {args.path!r}: {reason}; give a readable file, or - for stdin",
            file=sys.stderr,
        )
        return 2
    report = ParseReport()
    out = sys.stdout
    try:
        records = parse_matches(lines, format=args.format, report=report)
        if args.stats:
            for _ in records:
                pass
        else:
            _write_json_lines(records, out)
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        return 0
    except (OSError, UnicodeError) as err:
        print(f"ingresslab logs parse: error while reading {args.path!r}: {err}", file=sys.stderr)
        return 2
    finally:
        if handle is not None:
            handle.close()
    if args.stats:
        out.write(_stats_text(report))
    else:
        print(report.summary(), file=sys.stderr)
    return 0


_Match = re.Match
_BATCH = 64  # records per write (a small join buffer is reused, a large one is fresh memory each time)


def _write_json_lines(records: Iterable, out: TextIO) -> None:
    """One compact JSON object per record, encoded by orjson and written as bytes in batches.

    Lines of the fast path are encoded straight from their match (`fastpath.match_json`); records through
    `record_to_dict`. A value orjson refuses (text with lone surrogates, from undecodable bytes) is written
    by the json module with `\\u` escapes instead.
    """
    import orjson

    from ingresslab.logs import record_to_dict
    from ingresslab.logs.fastpath import match_json

    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()  # what was written as text goes first
        write = buffer.write
    else:  # a text-only stream (tests, notebooks)

        def write(data: bytes) -> None:
            out.write(data.decode("utf-8"))

    dumps = orjson.dumps
    batch: list[bytes] = []
    for record in records:  # a fast line's re.Match, or a record
        obj = match_json(record) if type(record) is _Match else record_to_dict(record)
        try:
            batch.append(dumps(obj))
        except TypeError:
            if type(record) is _Match:
                from ingresslab.logs import parse_line

                record = parse_line(record[0])
            batch.append(json.dumps(record_to_dict(record)).encode("ascii"))
        if len(batch) >= _BATCH:
            batch.append(b"")
            write(b"\n".join(batch))
            batch.clear()
    if batch:
        batch.append(b"")
        write(b"\n".join(batch))
    if buffer is not None:
        buffer.flush()


def _stats_text(report) -> str:
    lines = [report.summary()]
    for name, count in sorted(report.records.items()):
        lines.append(f"  {name:<14} {count}")
    for kind, count in sorted(report.skipped_kinds.items(), key=lambda kv: -kv[1]):
        lines.append(f"  skipped {kind:<6} {count}")
    if report.joined_partials:
        lines.append(f"  joined CRI partial lines: {report.joined_partials}")
    if report.samples:
        lines.append("samples of skipped lines:")
        lines.extend(f"  {sample}" for sample in report.samples)
    return "\n".join(lines) + "\n"


def register(subparsers: argparse._SubParsersAction) -> None:
    from ingresslab.logs import FORMATS

    parser = subparsers.add_parser(
        "logs", help="parse component logs (ingress-nginx, Envoy/Istio, CoreDNS, http-echo)"
    )
    sub = parser.add_subparsers(dest="logs_command", metavar="ACTION", required=True)
    names = ", ".join(["auto", *FORMATS])
    parse = sub.add_parser(
        "parse",
        help="write each access line as a JSON object (JSON Lines)",
        description="Parse access-log lines into JSON Lines. Lines that are not access lines are counted and skipped.",
    )
    parse.add_argument(
        "--format", default="auto", metavar="NAME", help=f"log format: {names} (default: %(default)s)"
    )
    parse.add_argument(
        "--stats",
        action="store_true",
        help="print counts per format and samples of skipped lines instead of records",
    )
    parse.add_argument(
        "path", nargs="?", default="-", metavar="PATH", help="log file, or - for stdin (default)"
    )
    parse.set_defaults(handler=run_parse)
