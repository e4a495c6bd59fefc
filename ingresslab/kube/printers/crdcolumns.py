"""The table of a custom resource, built from its CRD's `additionalPrinterColumns` as the API server builds it.

Quirks of the server's table convertor (apiextensions-apiserver `tableconvertor.go`), kept on purpose:
- NAME comes first, then the CRD's columns in order — nothing else (AGE only because the CRD lists it, or
  because a CRD without columns gets a defaulted `Age`);
- each JSONPath is evaluated with `{…}` around it and only the **first** value it yields is used
  (`.spec.hosts[*]` shows the first host); a path that yields nothing, or fails, gives an empty cell;
- `string` columns print that value as a JSONPath template would: lists and maps as compact JSON;
- `integer`, `number`, `boolean` cells must hold that JSON type (an integer column truncates a float),
  otherwise the cell is empty; `date` shows the age (`5m`), `<invalid>` for an unparsable timestamp;
- columns with `priority > 0` show only with `-o wide`.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from ingresslab.kube import jsonpath
from ingresslab.kube.printers.gofmt import go_float
from ingresslab.kube.resources import PrinterColumn
from ingresslab.kube.timefmt import human_duration, parse_time

__all__ = ["cell_for"]

_NOTHING = object()


@lru_cache(maxsize=256)
def _template(json_path: str) -> jsonpath.Template | None:
    try:
        return jsonpath.parse("{" + json_path + "}", allow_missing_keys=True)
    except jsonpath.JsonPathError:
        return None


def _first(obj: dict, json_path: str) -> Any:
    """The first value a column's JSONPath yields for `obj`; `_NOTHING` when it yields none or fails."""
    template = _template(json_path)
    if template is None:
        return _NOTHING
    try:
        results = template.find_results(obj)
    except jsonpath.JsonPathError:
        return _NOTHING
    if not results or not results[0]:
        return _NOTHING
    return results[0][0]


def _typed(column_type: str, value: Any, now: datetime) -> str | None:
    if value is None:
        return None
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if column_type == "integer" and is_number:
        return str(int(value))
    if column_type == "number" and is_number:
        return go_float(float(value))
    if column_type == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if column_type == "date" and isinstance(value, str):
        if value in ("", "null"):
            return "<unknown>"
        try:
            return human_duration(now - parse_time(value))
        except ValueError:
            return "<invalid>"
    return None


def cell_for(column: PrinterColumn, obj: dict, now: datetime) -> str | None:
    """One cell of a custom resource's table; None prints as an empty cell."""
    value = _first(obj, column.json_path)
    if value is _NOTHING or value is None:  # a JSON null is not printable either
        return None
    if column.type == "string":
        return jsonpath.Template.print_value(value)
    return _typed(column.type, value, now)
