"""The fast parse path: a C line check (`ingresslab.logs._scan`) paired with a lazy record type per format.

`parse_lines` reads lines through a format's `FastPath` first: a compiled `Run` yields a lazy record
(see `ingresslab.logs.lazy`) for each line that `accepts(line)` finds to be a plain, valid line of the
format, without running any Python per line, and stops at the first other line, which takes the
regular parser. The checks are conservative, so the records are the same either way; only the time
spent differs.

The extension is built at install when a C compiler is present (setup.py marks it optional); without it,
`FAST_PATHS` is empty and every format parses in pure Python. Set INGRESSLAB_PURE_PYTHON=1 to ignore it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

from ingresslab.logs.envoy import EnvoyAccess, envoy_values, istio_values
from ingresslab.logs.lazy import lazy_record_type
from ingresslab.logs.nginx import NginxAccess, nginx_values

__all__ = ["FAST_PATHS", "FastPath", "accelerated"]


@dataclass(frozen=True, slots=True)
class FastPath:
    """`accepts(line)`: the C check (a trailing newline allowed). `run(iterator)`: an iterator of lazy
    `record_type` records for the accepted lines that follow; it stops at the first other line and keeps
    it as `.rejected` (None at the end of the input), with `.count` records made."""

    accepts: Callable[[str], bool]
    record_type: type
    run: Callable[[Iterator[str]], Any]


def _load_scanner() -> Any:
    if os.environ.get("INGRESSLAB_PURE_PYTHON"):
        return None
    try:
        from ingresslab.logs import _scan
    except ImportError:  # installed without a C compiler
        return None
    return _scan


def _fast_path(name: str, check: str, base: type, values: Callable[[str], Any]) -> FastPath:
    lazy = lazy_record_type(base, values)
    run = partial(_scan.Run, format=name, record_type=lazy, slot=base.__dict__["raw"])
    return FastPath(getattr(_scan, check), lazy, run)


# format name -> (its check in _scan, record type, the parser's values function)
_FORMATS = {
    "ingress-nginx": ("nginx", NginxAccess, nginx_values),
    "istio": ("istio", EnvoyAccess, istio_values),
    "envoy": ("envoy", EnvoyAccess, envoy_values),
}
_scan = _load_scanner()
FAST_PATHS: Mapping[str, FastPath] = MappingProxyType(
    {} if _scan is None else {name: _fast_path(name, *spec) for name, spec in _FORMATS.items()}
)


def accelerated() -> bool:
    """True when the compiled line checks are in use."""
    return bool(FAST_PATHS)
