"""IPython magics: `%load_ext ingresslab` gives `%kubectl`, `%istioctl`, `%minikube`, `%curl` and the `%%lab` cell.

They all go to the current Lab — the one `ingresslab.connect()` returned last (or one created on first use with
`connect()`'s defaults). `%%lab` runs the tutorial's shell snippets verbatim; variables carry between cells.
"""

from __future__ import annotations

from typing import Any

from ingresslab.commands.result import CommandResult

__all__ = ["current_lab", "load_ipython_extension", "set_current_lab"]

_current: Any = None


def set_current_lab(lab: Any) -> None:
    global _current
    _current = lab


def current_lab() -> Any:
    """The Lab the magics use; connects with the defaults if none was made yet."""
    global _current
    if _current is None:
        from ingresslab.connection import connect

        _current = connect()
    return _current


def _line(tool: str):
    def magic(line: str) -> CommandResult:
        return current_lab().sh(f"{tool} {line}")

    magic.__name__ = tool
    magic.__doc__ = f"Run `{tool} …` against the current lab, e.g. `%{tool} {_EXAMPLES[tool]}`."
    return magic


_EXAMPLES = {
    "kubectl": "get pods -A",
    "istioctl": "proxy-config route $ISTIO_INGRESS_GW -n istio-system",
    "minikube": "ip",
    "curl": "-i http://192.168.76.2:30001",
}


def lab_cell(line: str, cell: str) -> CommandResult:
    """`%%lab`: the cell is shell text for `lab.sh`; `%%lab --check` raises if the last command failed."""
    result = current_lab().sh(cell)
    if "--check" in line.split():
        result.check()
    return result


def load_ipython_extension(ipython: Any) -> None:
    for tool in _EXAMPLES:
        ipython.register_magic_function(_line(tool), magic_kind="line", magic_name=tool)
    ipython.register_magic_function(lab_cell, magic_kind="cell", magic_name="lab")
