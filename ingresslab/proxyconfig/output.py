"""`-o json` and `-o yaml` the way istioctl writes them.

istioctl marshals each message with protojson (camelCase names), re-indents the list with Go's
`json.MarshalIndent(..., "", "    ")` (which escapes `<`, `>`, `&` as `\\u003c`...) and, for YAML, converts that
JSON with sigs.k8s.io/yaml (go-yaml v2: keys sorted in its "natural" order, strings that would read back as
another type double-quoted, sequences not indented under their key).
"""

from __future__ import annotations

import json
from typing import Any

# One go-yaml emitter serves kubectl's and istioctl's `-o yaml` (both go through sigs.k8s.io/yaml).
from ingresslab.kube.printers.output import go_yaml, go_yaml_key_less

__all__ = ["go_json_indent", "go_yaml", "go_yaml_key_less"]

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_json_indent(value: Any, indent: str = "    ", *, escape_html: bool = True) -> str:
    """JSON like Go's `json.MarshalIndent(value, "", indent)` (no trailing newline)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if escape_html:
        # These characters only occur inside JSON strings, where Go writes them as \\u escapes.
        text = "".join(_HTML_ESCAPES.get(char, char) for char in text)
    return text
