"""`kubectl get -o custom-columns=HEADER:PATH,...` (k8s.io/kubectl/pkg/cmd/get/customcolumn.go).

Each PATH is relaxed into a JSONPath template (`.metadata.name`, `metadata.name` and `{.metadata.name}` all mean
`{.metadata.name}`) that runs with missing keys allowed; a column shows every value it finds joined by commas
(each as Go's %v prints it), or `<none>` when there is none. Rows are laid out by kubectl's tabwriter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingresslab.kube import jsonpath
from ingresslab.kube.printers.tabwriter import KUBECTL_TABLE, tabwrite

__all__ = ["CustomColumnsError", "print_custom_columns"]

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


class CustomColumnsError(ValueError):
    """The spec does not parse: the message is kubectl's text after `error: `."""


def _relaxed(path: str) -> str:
    if not path:
        return path
    m = _RELAXED.match(path)
    if m is None:
        raise CustomColumnsError(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
            "'{.name1.name2}'"
        )
    return "{." + (m.group(1) or m.group(2)) + "}"


def _columns(spec: str) -> list[tuple[str, jsonpath.Template]]:
    if not spec:
        raise CustomColumnsError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        pieces = part.split(":")
        if len(pieces) != 2:
            raise CustomColumnsError(
                f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        try:
            template = jsonpath.parse(_relaxed(pieces[1]), allow_missing_keys=True)
        except jsonpath.JsonPathError as exc:
            raise CustomColumnsError(exc.message) from None
        columns.append((pieces[0], template))
    return columns


def print_custom_columns(spec: str, objs: Sequence[dict], *, no_headers: bool = False) -> str:
    """The table for `objs`; raises CustomColumnsError for a bad spec, jsonpath.JsonPathError for a bad path."""
    columns = _columns(spec)
    lines = [] if no_headers else ["\t".join(header for header, _ in columns)]
    for obj in objs:
        cells = []
        for _, template in columns:
            results = template.find_results(obj)
            if not results or not results[0]:
                cells.append("<none>")
            else:
                cells.append(",".join(jsonpath.go_v(v) for values in results for v in values))
        lines.append("\t".join(cells))
    return tabwrite("".join(line + "\n" for line in lines), **KUBECTL_TABLE)
