"""The registry of log formats: one `LogFormat` entry per format, detection included.

Adding a format is one `register_format(LogFormat(...))`; auto-detection, `format_line`, the CLI and the
benchmark all read this table.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ingresslab.errors import IngresslabError
from ingresslab.logs.coredns import CoreDNSQuery, format_coredns, parse_coredns
from ingresslab.logs.envoy import EnvoyAccess, format_envoy, format_istio, parse_envoy, parse_istio
from ingresslab.logs.fastpath import FAST_PATHS, FastPath
from ingresslab.logs.httpecho import HttpEchoRequest, format_http_echo, parse_http_echo
from ingresslab.logs.istio_json import format_istio_json, parse_istio_json
from ingresslab.logs.nginx import NginxAccess, format_nginx, parse_nginx
from ingresslab.logs.nginx_combined import NginxCombined, format_nginx_combined, parse_nginx_combined

__all__ = ["FORMATS", "LogFormat", "UnknownLogFormat", "candidates", "get_format", "register_format"]


class UnknownLogFormat(IngresslabError, ValueError):
    """A format name that is not in the registry; the message lists the known ones."""


@dataclass(frozen=True, slots=True)
class LogFormat:
    """One log format: how to recognise, parse and write its lines.

    `parse(body)` takes a line without prefixes and returns a record or None; `format(record)` is its
    inverse. `starts` lists the characters a line can begin with (None: any), so auto-detection only tries
    the formats that can match. `layouts` names the versions `parse` recognises (None is the current one).
    `fast` is the fast expression and lazy record type for the format's common lines (None: none).
    """

    name: str
    description: str
    record_type: type
    parse: Callable[[str], Any]
    format: Callable[[Any], str]
    layouts: tuple[str | None, ...] = (None,)
    starts: str | None = None
    fast: FastPath | None = None

    def detect(self, body: str) -> bool:
        """True when `body` (a line without prefixes) is a line of this format."""
        if self.starts is not None and body[:1] not in self.starts:
            return False
        return self.parse(body) is not None


_FORMATS: dict[str, LogFormat] = {}
FORMATS: Mapping[str, LogFormat] = MappingProxyType(_FORMATS)
_CANDIDATES: dict[str, tuple[LogFormat, ...]] = {}


def register_format(fmt: LogFormat) -> LogFormat:
    """Add (or replace) a format; auto-detection tries formats in registration order."""
    _FORMATS[fmt.name] = fmt
    _CANDIDATES.clear()
    return fmt


def get_format(name: str) -> LogFormat:
    """The registered format called `name`, or `UnknownLogFormat` naming the choices."""
    try:
        return _FORMATS[name]
    except KeyError:
        known = ", ".join(_FORMATS)
        raise UnknownLogFormat(f"unknown log format {name!r}; choose one of: auto, {known}") from None


def candidates(first: str) -> tuple[LogFormat, ...]:
    """Formats whose lines can start with the character `first`, in registration order (cached)."""
    found = _CANDIDATES.get(first)
    if found is None:
        found = tuple(f for f in _FORMATS.values() if f.starts is None or (first and first in f.starts))
        _CANDIDATES[first] = found
    return found


_ADDRESS_START = string.hexdigits + ":["  # IPv4, bare or bracketed IPv6

register_format(
    LogFormat(
        "ingress-nginx",
        "ingress-nginx controller access log (upstreaminfo, controller >= 0.26; also the 0.25 layout)",
        NginxAccess,
        parse_nginx,
        format_nginx,
        layouts=(None, "0.25"),
        starts=string.hexdigits + ":u",  # IPv4, IPv6, or unix:
        fast=FAST_PATHS.get("ingress-nginx"),
    )
)
register_format(
    LogFormat(
        "nginx-combined",
        "nginx's predefined combined access log (NGINX Gateway Fabric's default)",
        NginxCombined,
        parse_nginx_combined,
        format_nginx_combined,
        starts=_ADDRESS_START,
    )
)
register_format(
    LogFormat(
        "istio",
        "Istio proxy access log, TEXT encoding (1.9+; also the 1.8 and <= 1.7 mixer layouts)",
        EnvoyAccess,
        parse_istio,
        format_istio,
        layouts=(None, "1.8", "1.7"),
        starts="[",
        fast=FAST_PATHS.get("istio"),
    )
)
register_format(
    LogFormat(
        "envoy",
        "Envoy's default access-log format",
        EnvoyAccess,
        parse_envoy,
        format_envoy,
        starts="[",
        fast=FAST_PATHS.get("envoy"),
    )
)
register_format(
    LogFormat(
        "istio-json",
        "Istio proxy access log, JSON encoding (snake_case keys)",
        EnvoyAccess,
        parse_istio_json,
        format_istio_json,
        starts="{",
    )
)
register_format(
    LogFormat(
        "coredns",
        "CoreDNS log plugin (1.6.3+; also 1.2.6-1.6.2 with a timestamp and <= 1.2.5 with [when])",
        CoreDNSQuery,
        parse_coredns,
        format_coredns,
        layouts=(None, "1.2.6", "1.1"),
        starts=_ADDRESS_START,
        fast=FAST_PATHS.get("coredns"),
    )
)
register_format(
    LogFormat(
        "http-echo",
        "hashicorp/http-echo request log (v0.1.3 to v1.0.x)",
        HttpEchoRequest,
        parse_http_echo,
        format_http_echo,
        starts=string.digits,
    )
)
