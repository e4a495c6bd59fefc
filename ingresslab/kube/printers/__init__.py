"""kubectl's output layer over plain Kubernetes-shaped dicts: tables, JSON, YAML, names.

- `print_table(rtype, objs, now=...)`: `kubectl get` (and `-o wide`, `-A`, `--show-labels`, `--no-headers`);
- `print_json` / `print_yaml`: `-o json` / `-o yaml` (one object as itself, several as a `List`);
- `print_name`: `-o name`; `no_resources_message`: the stderr line for an empty list;
- `tabulate(rows)`: any table laid out with kubectl's column spacing.
"""

from __future__ import annotations

from ingresslab.kube.printers.customcolumns import CustomColumnsError, print_custom_columns
from ingresslab.kube.printers.output import as_list, no_resources_message, print_json, print_name, print_yaml
from ingresslab.kube.printers.tables import (
    Column,
    columns_for,
    format_endpoints,
    format_labels,
    format_selector,
    print_table,
    table_rows,
)
from ingresslab.kube.printers.tabwriter import tabulate, tabwrite

__all__ = [
    "Column",
    "CustomColumnsError",
    "as_list",
    "columns_for",
    "format_endpoints",
    "format_labels",
    "format_selector",
    "no_resources_message",
    "print_custom_columns",
    "print_json",
    "print_name",
    "print_table",
    "print_yaml",
    "table_rows",
    "tabulate",
    "tabwrite",
]
