"""Hop tracing: rebuild a request's path from the components' own logs, on the sandbox and on real clusters.

trace = lab.trace(lab.request(host="yuya.example.com", path="/v1", via="nginx"))
print(trace)            # the hop table
trace.diagram()         # a matplotlib figure
"""

from __future__ import annotations

from ingresslab.trace.collect import LogSource, ParsedLine, collect, parse_sources
from ingresslab.trace.correlate import LogIndex, RequestHint, correlate, correlate_all
from ingresslab.trace.model import Evidence, Hop, Trace
from ingresslab.trace.topology import Topology
from ingresslab.trace.views import compare_table, html_table, text_table

__all__ = [
    "Evidence",
    "Hop",
    "LogIndex",
    "LogSource",
    "ParsedLine",
    "RequestHint",
    "Topology",
    "Trace",
    "collect",
    "compare_table",
    "correlate",
    "correlate_all",
    "html_table",
    "parse_sources",
    "text_table",
]
