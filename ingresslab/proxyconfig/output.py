"""`-o json` and `-o yaml` the way istioctl writes them.

istioctl marshals each message with protojson (camelCase names), re-indents the list with Go's
`json.MarshalIndent(..., "", "    ")` (which escapes `<`, `>`, `&` as `\\u003c`...) and, for YAML, converts that
JSON with sigs.k8s.io/yaml (go-yaml v2: keys sorted in its "natural" order, strings that would read back as
another type double-quoted, sequences not indented under their key).
"""

from __future__ import annotations

import functools
import json
from typing import Any

import yaml

__all__ = ["go_json_indent", "go_yaml", "go_yaml_key_less"]

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_json_indent(value: Any, indent: str = "    ", *, escape_html: bool = True) -> str:
    """JSON like Go's `json.MarshalIndent(value, "", indent)` (no trailing newline)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if escape_html:
        # These characters only occur inside JSON strings, where Go writes them as \\u escapes.
        text = "".join(_HTML_ESCAPES.get(char, char) for char in text)
    return text


def go_yaml_key_less(a: str, b: str) -> bool:
    """go-yaml v2's keyList.Less for two string keys: letters after other runes, digit runs by value."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        al, bl = ca.isalpha(), cb.isalpha()
        if al and bl:
            return ca < cb
        if al or bl:
            return bl
        an = bn = 0
        if ca == "0" or cb == "0":
            for j in range(i - 1, -1, -1):
                if not a[j].isdigit():
                    break
                if a[j] != "0":
                    an = bn = 1
                    break
        ai = i
        while ai < len(a) and a[ai].isdigit():
            an = an * 10 + int(a[ai])
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdigit():
            bn = bn * 10 + int(b[bi])
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _key_cmp(a: str, b: str) -> int:
    if go_yaml_key_less(a, b):
        return -1
    if go_yaml_key_less(b, a):
        return 1
    return 0


_GO_ONLY_BOOLS = frozenset({"y", "Y", "n", "N"})  # go-yaml v2 reads these as booleans; PyYAML does not
# Tags go-yaml v2 also resolves plain scalars to (PyYAML's extra `=` value tag is not among them).
_NON_STRING_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "null", "timestamp", "merge")
)


class _GoYamlDumper(yaml.SafeDumper):
    """A dumper whose choices match go-yaml v2's for the values a config dump holds."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: _GoYamlDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    resolved = dumper.resolve(yaml.ScalarNode, value, (True, False))
    if resolved in _NON_STRING_TAGS or value in _GO_ONLY_BOOLS:
        # A string that would read back as a number, bool, null or timestamp: go-yaml double-quotes it.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_dict(dumper: _GoYamlDumper, value: dict) -> yaml.MappingNode:
    keys = sorted(value, key=functools.cmp_to_key(lambda a, b: _key_cmp(str(a), str(b))))
    return dumper.represent_mapping("tag:yaml.org,2002:map", [(k, value[k]) for k in keys])


def _represent_float(dumper: _GoYamlDumper, value: float) -> yaml.ScalarNode:
    # go-yaml prints float64 with strconv's shortest 'g' form: JSON `1.0` becomes `1`, 1e21 stays `1e+21`.
    text = str(int(value)) if value == int(value) and abs(value) < 1e21 else repr(value)
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_GoYamlDumper.add_representer(str, _represent_str)
_GoYamlDumper.add_representer(dict, _represent_dict)
_GoYamlDumper.add_representer(float, _represent_float)


def go_yaml(value: Any) -> str:
    """YAML like sigs.k8s.io/yaml's JSONToYAML of the JSON of `value` (ends with a newline)."""
    return yaml.dump(
        value, Dumper=_GoYamlDumper, default_flow_style=False, allow_unicode=True, sort_keys=False, width=80
    )
