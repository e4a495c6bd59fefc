"""`-o json`, `-o yaml`, `-o name` and the "No resources found" message, as kubectl writes them.

JSON is Go's `json.MarshalIndent(obj, "", "    ")` (sorted keys, `<>&` escaped). YAML is what
sigs.k8s.io/yaml (go-yaml v2) emits: keys in go-yaml's natural order, indentless lists, strings that would
read back as something else (`"y"`, `"80"`, timestamps) in double quotes, `'*.example.com'` single-quoted,
multi-line strings as `|` blocks, long strings folded at 80 columns. PyYAML's emitter is a port of the same
libyaml emitter, so it does the layout; the choices go-yaml makes differently are set here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import yaml

from ingresslab.kube.printers.gofmt import go_float, go_json
from ingresslab.kube.resources import ResourceType

__all__ = [
    "as_list",
    "go_yaml",
    "go_yaml_key_less",
    "no_resources_message",
    "print_json",
    "print_name",
    "print_yaml",
]


def as_list(items: Sequence[dict]) -> dict:
    """The `List` kubectl prints when a `get` returns several objects (or none) in JSON or YAML."""
    return {"apiVersion": "v1", "items": list(items), "kind": "List", "metadata": {"resourceVersion": ""}}


def _document(data: dict | Sequence[dict]) -> dict:
    if isinstance(data, dict):
        return data
    items = list(data)
    return items[0] if len(items) == 1 else as_list(items)


def print_json(data: dict | Sequence[dict]) -> str:
    """`-o json`: one object as itself, a sequence of several (or none) as a `List`; ends with a newline."""
    return go_json(_document(data), "    ") + "\n"


# ------------------------------------------------------------------------------------------------ YAML
def go_yaml_key_less(a: str, b: str) -> bool:
    """go-yaml v2's map key order: letters after other characters, runs of digits compared as numbers."""
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
            j = i - 1
            while j >= 0 and a[j].isdigit():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
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


def _key_order(a: str, b: str) -> int:
    return -1 if go_yaml_key_less(a, b) else (1 if go_yaml_key_less(b, a) else 0)


_NON_STRING_WORDS = {
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False",
    "FALSE", "on", "On", "ON", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN",
    ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
}  # fmt: skip
_INT = re.compile(r"^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$"
)


def _reads_as_non_string(s: str) -> bool:
    """Would go-yaml's resolver read this plain scalar back as something other than a string?"""
    if s in _NON_STRING_WORDS:
        return True
    if s[:1] not in set("0123456789+-."):
        return False
    return bool(_INT.match(s) or _FLOAT.match(s) or _BASE60.match(s) or _TIMESTAMP.match(s))


class _GoYamlRepresenter(yaml.representer.SafeRepresenter):
    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = None
        if "\n" in data:
            style = "|"
        elif _reads_as_non_string(data):
            style = '"'
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    def represent_float(self, data: float) -> yaml.ScalarNode:
        text = go_float(data)
        text = {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(text, text)
        return self.represent_scalar("tag:yaml.org,2002:float", text)

    def represent_dict(self, data: dict) -> yaml.MappingNode:
        keys = sorted(data, key=functools.cmp_to_key(lambda a, b: _key_order(str(a), str(b))))
        return self.represent_mapping("tag:yaml.org,2002:map", [(k, data[k]) for k in keys])


_GoYamlRepresenter.add_representer(str, _GoYamlRepresenter.represent_str)
_GoYamlRepresenter.add_representer(float, _GoYamlRepresenter.represent_float)
_GoYamlRepresenter.add_representer(dict, _GoYamlRepresenter.represent_dict)


class _GoYamlDumper(
    yaml.emitter.Emitter, yaml.serializer.Serializer, _GoYamlRepresenter, yaml.resolver.Resolver
):
    def __init__(self, stream: Any, **kwargs: Any) -> None:
        yaml.emitter.Emitter.__init__(self, stream, allow_unicode=True, width=80, indent=2)
        yaml.serializer.Serializer.__init__(self)
        _GoYamlRepresenter.__init__(self, default_flow_style=False, sort_keys=False)
        yaml.resolver.Resolver.__init__(self)


# Go writes large and tiny floats as `1e+21`; let them stay plain scalars, as go-yaml leaves them.
_GoYamlDumper.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9]+(?:\.[0-9]+)?e[-+][0-9]+$"), list("-+0123456789")
)


def go_yaml(value: Any) -> str:
    """YAML as sigs.k8s.io/yaml (go-yaml v2) writes the JSON of `value`: its key order, quoting and folding.
    kubectl's `-o yaml` and istioctl's `-o yaml` both come out of it."""
    return yaml.dump(value, Dumper=_GoYamlDumper, sort_keys=False)


def print_yaml(data: dict | Sequence[dict]) -> str:
    """`-o yaml`: one object as itself, several (or none) as a `List`."""
    return go_yaml(_document(data))


# ----------------------------------------------------------------------------------------- name, none
def print_name(rtype: ResourceType, objs: Sequence[dict]) -> str:
    """`-o name`: `service/dest-svc-v1`, `deployment.apps/dest-depl-v1`, one per line."""
    prefix = f"{rtype.singular}.{rtype.group}" if rtype.group else rtype.singular
    return "".join(f"{prefix}/{(o.get('metadata') or {}).get('name', '')}\n" for o in objs)


def no_resources_message(namespace: str | None) -> str:
    """What kubectl writes to stderr when a list is empty (no trailing newline).

    `No resources found in application namespace.` for a namespace, `No resources found` for cluster-scoped
    kinds and `--all-namespaces`.
    """
    return f"No resources found in {namespace} namespace." if namespace else "No resources found"
