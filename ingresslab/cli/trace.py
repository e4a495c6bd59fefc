"""`ingresslab trace --request-id ID LOGFILE…`: a request's hops from log files saved with `kubectl logs`.

Save the logs with `--prefix` so each line names its pod and container (any prefix the parsers accept works),
and the cluster's objects with `kubectl get pods,svc,endpoints -A -o json > objects.json` so addresses can be
named; without objects the hops carry addresses only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["register"]


def _trace(args: argparse.Namespace) -> int:
    from ingresslab.entrypoints import Component
    from ingresslab.logs import ParseReport
    from ingresslab.trace import LogSource, Topology, correlate, parse_sources

    sources = []
    for name in args.logfiles:
        try:
            text = (
                sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8", errors="replace")
            )
        except OSError as exc:
            print(f"ingresslab trace: cannot read {name}: {exc.strerror}", file=sys.stderr)
            return 2
        sources.append(LogSource(Component.UNKNOWN, None, None, None, text))
    topology = Topology()
    if args.objects:
        try:
            data = json.loads(Path(args.objects).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            print(f"ingresslab trace: cannot read objects from {args.objects}: {exc}", file=sys.stderr)
            return 2
        topology = Topology.from_objects(data if isinstance(data, list) else [data])
    report = ParseReport()
    trace = correlate(args.request_id, parse_sources(sources, report), topology)
    if args.json:
        print(json.dumps(trace.to_dict(), indent=2))
    else:
        print(trace.to_text(), end="")
    return 0 if trace.hops[1:] else 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trace", help="rebuild a request's hops from saved logs", description=__doc__
    )
    parser.add_argument("logfiles", nargs="+", metavar="LOGFILE", help="log files (or - for stdin)")
    parser.add_argument("--request-id", required=True, help="the X-Request-ID / $req_id to follow")
    parser.add_argument(
        "--objects", metavar="JSON", help="output of kubectl get pods,svc,endpoints -A -o json"
    )
    parser.add_argument("--json", action="store_true", help="print the trace as JSON")
    parser.set_defaults(handler=_trace)
