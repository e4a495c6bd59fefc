"""How Go prints values, for output that must match kubectl byte for byte.

kubectl is a Go program: `-o json` is `encoding/json` (sorted keys, `<>&` escaped), jsonpath prints scalars
with `fmt.Print`, and its error messages dump objects with `%#v`. These helpers reproduce those three
renderings for plain JSON-shaped Python data (dict, list, str, int, float, bool, None).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

__all__ = ["go_float", "go_json", "go_print", "go_quote", "go_sharp_v", "go_type_name", "struct_json"]


def _digits(x: float) -> tuple[str, int]:
    """Shortest round-trip digits of `x` (as Go's strconv computes them) and the decimal point position."""
    _sign, digits, exponent = Decimal(repr(abs(x))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    # Decimal's exponent counts from the last digit; `dp` counts digits before the decimal point.
    dp = len(digits) + int(exponent)
    if text == "0":
        dp = 1
    return text, dp


def _fixed(text: str, dp: int) -> str:
    if dp <= 0:
        return "0." + "0" * (-dp) + text
    if dp >= len(text):
        return text + "0" * (dp - len(text))
    return text[:dp] + "." + text[dp:]


def _exp(text: str, dp: int, min_exp_digits: int = 2) -> str:
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    e = dp - 1
    sign = "-" if e < 0 else "+"
    return f"{mantissa}e{sign}{abs(e):0{min_exp_digits}d}"


def go_float(x: float, mode: str = "g") -> str:
    """`strconv.FormatFloat(x, 'g', -1, 64)` (mode "g", what fmt.Print uses) or encoding/json's float form ("json")."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "+Inf" if x > 0 else "-Inf"
    neg = "-" if x < 0 or (x == 0 and str(x).startswith("-")) else ""
    text, dp = _digits(x)
    if mode == "json":
        a = abs(x)
        if a != 0 and (a < 1e-6 or a >= 1e21):
            out = _exp(text, dp)
            # encoding/json writes e-7, not e-07.
            if out[-4:-2] == "-0":
                out = out[:-2] + out[-1]
            return neg + out
        return neg + _fixed(text, dp)
    # Shortest 'g' switches to exponent form below 1e-4 and from 1e6 on, as strconv does.
    exp = dp - 1
    if exp < -4 or exp >= 6:
        return neg + _exp(text, dp)
    return neg + _fixed(text, dp)


_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_string(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in _JSON_ESCAPES:
            out.append(_JSON_ESCAPES[ch])
        elif ch in "<>&" or ch in "\u2028\u2029" or ord(ch) < 0x20:
            # encoding/json escapes HTML-significant characters and line separators by default.
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_json(value: Any, indent: str | None = None, _level: int = 0) -> str:
    """encoding/json's Marshal (compact) or MarshalIndent(value, "", indent)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e21:
            return str(int(value))
        return go_float(value, "json")
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        keys = sorted(value)
        if indent is None:
            return "{" + ",".join(f"{_json_string(str(k))}:{go_json(value[k])}" for k in keys) + "}"
        pad = "\n" + indent * (_level + 1)
        body = ",".join(f"{pad}{_json_string(str(k))}: {go_json(value[k], indent, _level + 1)}" for k in keys)
        return "{" + body + "\n" + indent * _level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if indent is None:
            return "[" + ",".join(go_json(v) for v in value) + "]"
        pad = "\n" + indent * (_level + 1)
        body = ",".join(f"{pad}{go_json(v, indent, _level + 1)}" for v in value)
        return "[" + body + "\n" + indent * _level + "]"
    raise TypeError(f"cannot render {type(value).__name__} as JSON: only JSON-shaped data is supported")


def struct_json(value: Any, indent: str = "    ", _level: int = 0) -> str:
    """encoding/json's MarshalIndent of a typed object: fields in the order the dict holds them (build objects
    in Go struct order, with map-typed fields such as labels already sorted)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "\n" + indent * (_level + 1)
        body = ",".join(
            f"{pad}{go_json(str(k))}: {struct_json(v, indent, _level + 1)}" for k, v in value.items()
        )
        return "{" + body + "\n" + indent * _level + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        pad = "\n" + indent * (_level + 1)
        return (
            "["
            + ",".join(f"{pad}{struct_json(v, indent, _level + 1)}" for v in value)
            + "\n"
            + indent * _level
            + "]"
        )
    return go_json(value)


def go_print(value: Any) -> str:
    """`fmt.Print` of a scalar taken out of unstructured JSON."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def go_quote(s: str) -> str:
    """strconv.Quote: Go's double-quoted string literal."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "\a\b\f\n\r\t\v":
            out.append("\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(ch)])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif o < 0x80:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def go_type_name(value: Any) -> str:
    """The Go type a value from unstructured JSON has, as `%v` of a reflect.Type prints it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    return "interface {}"


def go_sharp_v(value: Any, _top: bool = True) -> str:
    """`fmt.Sprintf("%#v", value)` for unstructured JSON data (how kubectl dumps an object in errors)."""
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, dict):
        inner = ", ".join(f"{go_quote(str(k))}:{go_sharp_v(value[k], False)}" for k in sorted(value))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[]interface {}{" + ", ".join(go_sharp_v(v, False) for v in value) + "}"
    return repr(value)
