"""Parsers and writers for the log lines on the ingress path: ingress-nginx, Envoy/Istio, CoreDNS, http-echo.

    from ingresslab.logs import parse_line, parse_lines, format_line, ParseReport

    rec = parse_line(line)                      # a record, or None for a line that is not an access line
    report = ParseReport()
    for rec in parse_lines(open("controller.log"), format="auto", report=report):
        print(rec.format, rec.status if rec.format == "ingress-nginx" else "")
    line = format_line(NginxAccess(remote_addr="192.168.76.1", time=now, method="GET", path="/v1", ...))

Records (slots dataclasses, keyword-constructible, every field defaulted):
`NginxAccess` (ingress-nginx), `NginxCombined` (nginx-combined, NGINX Gateway Fabric's default), `EnvoyAccess`
(envoy, istio, istio-json), `CoreDNSQuery` (coredns), `HttpEchoRequest` (http-echo). Each has `.format`, `.layout` (None = current version), `.envelope` (prefixes
such as kubectl/CRI timestamps, stream, pod/container) and `.raw` (the original line); the last two are
left out of equality. `FORMATS` is the registry; `decode_istio_cluster` reads Istio cluster names.

For plain ingress-nginx, Istio, Envoy and CoreDNS lines, `parse_lines` yields records of a subclass that
convert their fields on use (`ingresslab.logs.fastpath` and `ingresslab.logs.lazy`, pure Python); they
compare, print and pickle as the record type itself, and become one once read.
"""

from __future__ import annotations

from ingresslab.logs.api import detect_format, format_line, parse_line, parse_lines, record_to_dict
from ingresslab.logs.coredns import CoreDNSQuery
from ingresslab.logs.envelope import Envelope, split_envelope
from ingresslab.logs.envoy import EnvoyAccess
from ingresslab.logs.httpecho import HttpEchoRequest
from ingresslab.logs.istio_cluster import IstioCluster, decode_istio_cluster
from ingresslab.logs.nginx import NginxAccess
from ingresslab.logs.nginx_combined import NginxCombined
from ingresslab.logs.registry import FORMATS, LogFormat, UnknownLogFormat, get_format, register_format
from ingresslab.logs.report import ParseReport

__all__ = [
    "FORMATS",
    "CoreDNSQuery",
    "Envelope",
    "EnvoyAccess",
    "HttpEchoRequest",
    "IstioCluster",
    "LogFormat",
    "NginxAccess",
    "NginxCombined",
    "ParseReport",
    "UnknownLogFormat",
    "decode_istio_cluster",
    "detect_format",
    "format_line",
    "get_format",
    "parse_line",
    "parse_lines",
    "record_to_dict",
    "register_format",
    "split_envelope",
]
