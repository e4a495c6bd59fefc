"""kubectl's JSONPath dialect (`-o jsonpath=...`), evaluated on plain Kubernetes-shaped dicts.

This follows k8s.io/client-go/util/jsonpath, quirks included, because learners paste real commands:

- `{.items[].metadata.name}`: an empty index means `[0:1]`, so it yields the *first* item only;
- `$` and `@` are no-ops (inside `{range}` they mean the current element, not the document root);
- maps and lists print as compact JSON, several results are separated by one space;
- a missing key prints nothing (kubectl's default `--allow-missing-template-keys=true`), but an index out of
  range is an error;
- `['a.b']` is the same as `.a.b`; a literal dot in a key is written `.a\\.b`.

`evaluate(template, data)` returns the text kubectl would print; `JsonPathError` carries kubectl's message:
`str(exc)` is `error: error parsing jsonpath {.x, unclosed action`, `exc.stderr` is kubectl's exact stderr.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ingresslab.kube.printers.gofmt import go_json, go_print, go_quote, go_sharp_v, go_type_name

__all__ = ["JsonPathError", "Template", "evaluate", "go_v", "parse"]


class JsonPathError(ValueError):
    """A template that does not parse or does not execute.

    `message` is kubectl's text after `error: `; `str()` adds that prefix (what a caller prints); `stderr` is
    byte for byte what kubectl writes (execution errors end in two blank lines).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return "error: " + self.message.rstrip("\n")

    @property
    def stderr(self) -> str:
        return "error: " + self.message + "\n"


class _ParseError(Exception):
    pass


class _ExecError(Exception):
    pass


# ---------------------------------------------------------------------------------------------- nodes
@dataclass
class _Text:
    text: str


@dataclass
class _Field:
    name: str


@dataclass
class _Wildcard:
    pass


@dataclass
class _Recursive:
    pass


@dataclass
class _Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class _Array:
    params: tuple[_Param, _Param, _Param]


@dataclass
class _Filter:
    left: list
    right: list
    op: str


@dataclass
class _Union:
    branches: list[list]


@dataclass
class _Int:
    value: int


@dataclass
class _Float:
    value: float


@dataclass
class _Bool:
    value: bool


@dataclass
class _Ident:
    name: str


@dataclass
class _Action:
    """What one `{...}` holds: nodes applied left to right."""

    nodes: list = field(default_factory=list)


# --------------------------------------------------------------------------------------------- parser
_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?\d*)(:-?\d*)?(:-?\d*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.S)


def _is_terminator(ch: str) -> bool:
    return ch == "" or ch in " \t\r\n.,[]$@{}"


def _is_alnum(ch: str) -> bool:
    return ch != "" and (ch == "_" or ch.isalpha() or ch.isdigit())


def _char_repr(ch: str) -> str:
    """Go's %#U: `U+0023 '#'`."""
    return f"U+{ord(ch):04X} '{ch}'"


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unquote(quoted: str) -> str:
    """Go's strconv.Unquote, extended (as client-go does) to single-quoted strings."""
    quote, body = quoted[0], quoted[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == quote:
            raise ValueError("invalid syntax")
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError("invalid syntax")
        esc = body[i + 1]
        if esc in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[esc])
            i += 2
        elif esc == quote:
            out.append(quote)
            i += 2
        elif esc in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[esc]
            digits = body[i + 2 : i + 2 + n]
            if len(digits) != n or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 16)))
            i += 2 + n
        elif esc in "01234567":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or not all(c in "01234567" for c in digits) or int(digits, 8) > 255:
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            raise ValueError("invalid syntax")
    return "".join(out)


class _Parser:
    """A port of the grammar of client-go's jsonpath parser (not its code): same tokens, same errors."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def parse(self) -> list:
        root: list = []
        while self.pos < len(self.text):
            brace = self.text.find("{", self.pos)
            if brace < 0:
                root.append(_Text(self.text[self.pos :]))
                break
            if brace > self.pos:
                root.append(_Text(self.text[self.pos : brace]))
            self.pos = brace + 1
            action = _Action()
            root.append(action)
            self.inside(action.nodes)
        return root

    def inside(self, cur: list) -> None:
        """Parse the inside of one action up to and including its `}`."""
        while True:
            rest = self.text[self.pos :]
            if rest.startswith("}"):
                self.pos += 1
                return
            if rest.startswith("[?("):
                self.filter(cur)
                continue
            if rest.startswith(".."):
                if cur and isinstance(cur[-1], _Recursive):
                    raise _ParseError("invalid multiple recursive descent")
                self.pos += 2
                cur.append(_Recursive())
                if _is_alnum(self.peek()):
                    self.field(cur)
                continue
            ch = self.peek()
            if ch == "" or ch in "\r\n":
                raise _ParseError("unclosed action")
            if ch in " @$":
                self.pos += 1
            elif ch == "[":
                self.array(cur)
            elif ch in "\"'":
                self.quote(cur, ch)
            elif ch == ".":
                self.pos += 1
                self.field(cur)
            elif ch in "+-" or ch.isdigit():
                self.number(cur)
            elif _is_alnum(ch):
                self.identifier(cur)
            else:
                raise _ParseError(f"unrecognized character in action: {_char_repr(ch)}")

    def field(self, cur: list) -> None:
        start = self.pos
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "\\":
                self.pos += 2
                continue
            if _is_terminator(ch):
                break
            self.pos += 1
        value = self.text[start : self.pos]
        cur.append(_Wildcard() if value == "*" else _Field(value.replace("\\", "")))

    def identifier(self, cur: list) -> None:
        start = self.pos
        while self.pos < len(self.text) and not _is_terminator(self.text[self.pos]):
            self.pos += 1
        value = self.text[start : self.pos]
        cur.append(_Bool(value == "true") if value in ("true", "false") else _Ident(value))

    def number(self, cur: list) -> None:
        start = self.pos
        if self.peek() in ("+", "-"):
            self.pos += 1
        while self.pos < len(self.text) and (self.text[self.pos] == "." or self.text[self.pos].isdigit()):
            self.pos += 1
        value = self.text[start : self.pos]
        if re.fullmatch(r"[+-]?\d+", value):
            cur.append(_Int(int(value)))
            return
        try:
            cur.append(_Float(float(value)))
        except ValueError:
            raise _ParseError(f"cannot parse number {value}") from None

    def quote(self, cur: list, end: str) -> None:
        start = self.pos
        self.pos += 1
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise _ParseError("unterminated quoted string")
            ch = self.text[self.pos]
            self.pos += 1
            if ch == end and self.text[self.pos - 2] != "\\":
                break
        value = self.text[start : self.pos]
        try:
            cur.append(_Text(_unquote(value)))
        except ValueError as exc:
            raise _ParseError(f"unquote string {value} error {exc}") from None

    def array(self, cur: list) -> None:
        start = self.pos
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise _ParseError("unterminated array")
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "]":
                break
        inner = self.text[start + 1 : self.pos - 1]
        if inner == "*":
            inner = ":"
        parts = inner.split(",")
        if len(parts) > 1:
            branches = [_parse_action(f"[{part.strip(' ')}]") for part in parts]
            cur.append(_Union(branches))
            return
        key = _DICT_KEY.match(inner)
        if key:
            cur.extend(_parse_action("." + key.group(1)))
            return
        m = _SLICE.match(inner)
        if not m:
            raise _ParseError(f"invalid array index {inner}")
        groups = list(m.groups())
        params = [_Param(), _Param(), _Param()]
        for i in range(3):
            raw = groups[i] or ""
            if raw:
                if i > 0:
                    raw = raw[1:]
                if i > 0 and raw == "":
                    params[i].known = False
                else:
                    params[i].known = True
                    try:
                        params[i].value = int(raw)
                    except ValueError:
                        raise _ParseError(f"array index {raw} is not a number") from None
            elif i == 1:
                # `[n]` is `[n:n+1]`; `derived` lets `[-1]` mean the last element.
                params[1] = _Param(params[0].value + 1, True, True)
        cur.append(_Array((params[0], params[1], params[2])))

    def filter(self, cur: list) -> None:
        self.pos += 3
        start = self.pos
        begin = end = False
        pair = ""
        while True:
            if self.pos >= len(self.text) or self.text[self.pos] == "\n":
                raise _ParseError("unterminated filter")
            ch = self.text[self.pos]
            self.pos += 1
            if ch in "\"'":
                if not begin:
                    begin, pair = True, ch
                    continue
                if self.text[self.pos - 2] != "\\" and ch == pair:
                    end = True
            elif ch == ")" and begin == end:
                break
        if self.peek() != "]":
            raise _ParseError("unclosed array expect ]")
        self.pos += 1
        text = self.text[start : self.pos - 2]
        m = _FILTER.match(text)
        if m is None:
            cur.append(_Filter(_parse_action(text), [], "exists"))
        else:
            cur.append(_Filter(_parse_action(m.group(1)), _parse_action(m.group(3)), m.group(2)))


def _parse_action(text: str) -> list:
    """Parse `text` as the inside of one action (used for filters, unions and quoted keys)."""
    parser = _Parser("{" + text + "}")
    root = parser.parse()
    first = root[0]
    return first.nodes if isinstance(first, _Action) else []


# ----------------------------------------------------------------------------------------- structure
@dataclass
class _Range:
    head: list
    body: list


def _structure(nodes: list) -> list:
    """Group `{range X}...{end}` into _Range blocks (nesting allowed), as client-go's executor does."""
    out: list = []
    stack: list[tuple[list, _Range]] = []
    current = out
    for node in nodes:
        if isinstance(node, _Action) and node.nodes and isinstance(node.nodes[0], _Ident):
            name = node.nodes[0].name
            if name == "range":
                block = _Range(node.nodes[1:], [])
                current.append(block)
                stack.append((current, block))
                current = block.body
                continue
            if name == "end":
                if not stack:
                    raise _ExecError("not in range, nothing to end")
                current = stack.pop()[0]
                continue
        current.append(node)
    while stack:
        # client-go runs the body of a range left open once per item, then once more over the outer data.
        parent, block = stack.pop()
        parent.extend(block.body)
    return out


@dataclass
class Template:
    """A parsed template; `execute(data)` renders it."""

    text: str
    nodes: list
    allow_missing_keys: bool = True
    as_json: bool = False

    def execute(self, data: Any) -> str:
        try:
            results = _Executor(self.allow_missing_keys).run(_structure(self.nodes), data)
            return _render(results, self.as_json)
        except _ExecError as exc:
            raise JsonPathError(
                f"error executing jsonpath {go_quote(self.text)}: "
                f"Error executing template: {exc}. Printing more information for debugging the template:\n"
                f"\ttemplate was:\n\t\t{self.text}\n"
                f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n"
            ) from None

    def find_results(self, data: Any) -> list[list]:
        """The values each action yields, unformatted (client-go's `FindResults`); raises JsonPathError."""
        try:
            return _Executor(self.allow_missing_keys).run(_structure(self.nodes), data)
        except _ExecError as exc:
            raise JsonPathError(f"error executing jsonpath {go_quote(self.text)}: {exc}") from None

    @staticmethod
    def print_value(value: Any) -> str:
        """One value as the template prints it: maps, lists and null as compact JSON (`PrintResults`)."""
        return _render([[value]], False)


def parse(template: str, *, allow_missing_keys: bool = True, as_json: bool = False) -> Template:
    """Parse a template, raising JsonPathError with kubectl's `error parsing jsonpath` message."""
    try:
        nodes = _Parser(template).parse()
    except _ParseError as exc:
        raise JsonPathError(f"error parsing jsonpath {template}, {exc}") from None
    return Template(template, nodes, allow_missing_keys, as_json)


def evaluate(template: str, data: Any, *, allow_missing_keys: bool = True, as_json: bool = False) -> str:
    """Render `template` over `data` exactly as `kubectl ... -o jsonpath=TEMPLATE` prints it.

    `allow_missing_keys=False` is `--allow-missing-template-keys=false`; `as_json=True` is
    `-o jsonpath-as-json=...`.
    """
    return parse(template, allow_missing_keys=allow_missing_keys, as_json=as_json).execute(data)


# ---------------------------------------------------------------------------------------------- executor
class _Missing:
    """Go's reflect.Value for "no value" (what a range over nothing evaluates its body against)."""


_MISSING = _Missing()


class _Executor:
    def __init__(self, allow_missing_keys: bool) -> None:
        self.allow_missing = allow_missing_keys

    def run(self, items: list, data: Any) -> list[list]:
        out: list[list] = []
        for item in items:
            if isinstance(item, _Text):
                out.append([item.text])
            elif isinstance(item, _Range):
                values = self.walk_list([data], item.head)
                if not values:
                    # client-go still walks the body once, against nothing, so its errors surface.
                    self.run(item.body, _MISSING)
                for value in values:
                    out.extend(self.run(item.body, value))
            else:
                out.append(self.walk_list([data], item.nodes))
        return out

    def walk_list(self, values: list, nodes: list) -> list:
        for node in nodes:
            values = self.walk(values, node)
        return values

    def walk(self, values: list, node: Any) -> list:
        if isinstance(node, _Text):
            return [node.text]
        if isinstance(node, _Field):
            return self.field(values, node.name)
        if isinstance(node, _Array):
            return self.array(values, node)
        if isinstance(node, _Filter):
            return self.filter(values, node)
        if isinstance(node, (_Int, _Float, _Bool)):
            return [node.value for _ in values]
        if isinstance(node, _Wildcard):
            return [child for v in values for child in _children(v)]
        if isinstance(node, _Recursive):
            return self.recursive(values)
        if isinstance(node, _Union):
            return [v for branch in node.branches for v in self.walk_list(values, branch)]
        if isinstance(node, _Ident):
            if node.name == "range":
                return values
            if node.name == "end":
                raise _ExecError("not in range, nothing to end")
            raise _ExecError(f"unrecognized identifier {node.name}")
        raise _ExecError(f"unexpected Node {node}")

    def field(self, values: list, name: str) -> list:
        if not values:
            return []
        found = [v[name] for v in values if isinstance(v, dict) and name in v]
        if not found and not self.allow_missing:
            raise _ExecError(f"{name} is not found")
        return found

    def array(self, values: list, node: _Array) -> list:
        result: list = []
        for value in values:
            if value is None or value is _MISSING:
                continue
            if not isinstance(value, list):
                raise _ExecError(f"{go_type_name(value)} is not array or slice")
            length = len(value)
            p0, p1, p2 = (_Param(p.value, p.known, p.derived) for p in node.params)
            if not p0.known:
                p0.value = 0
            if p0.value < 0:
                p0.value += length
            if not p1.known:
                p1.value = length
            if p1.value < 0 or (p1.value == 0 and p1.derived):
                p1.value += length
            if p1.value == p0.value:
                # Asking for nothing is allowed, even out of range (kubectl returns what it has so far).
                return result
            if p0.value >= length or p0.value < 0:
                raise _ExecError(f"array index out of bounds: index {p0.value}, length {length}")
            if p1.value > length or p1.value < 0:
                raise _ExecError(f"array index out of bounds: index {p1.value - 1}, length {length}")
            if p0.value > p1.value:
                raise _ExecError(f"starting index {p0.value} is greater than ending index {p1.value}")
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise _ExecError("step must be > 0")
                step = p2.value
            result.extend(value[p0.value : p1.value : step])
        return result

    def recursive(self, values: list) -> list:
        result: list = []
        for value in values:
            children = _children(value)
            if children:
                result.append(value)
                result.extend(self.recursive(children))
        return result

    def filter(self, values: list, node: _Filter) -> list:
        result: list = []
        for value in values:
            if not isinstance(value, list):
                raise _ExecError(f"{_go_v(value)} is not array or slice and cannot be filtered")
            for item in value:
                try:
                    lefts = self.walk_list([item], node.left)
                    error = None
                except _ExecError as exc:
                    lefts, error = [], exc
                if node.op == "exists":
                    if lefts:
                        result.append(item)
                    continue
                if error is not None:
                    raise error
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise _ExecError("can only compare one element at a time")
                rights = self.walk_list([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise _ExecError("can only compare one element at a time")
                if _compare(lefts[0], rights[0], node.op):
                    result.append(item)
        return result


def _children(value: Any) -> list:
    """What `*` and `..` step into: map values (in key order), list items, a string's bytes."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return list(value.encode())
    return []


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise _ExecError("invalid type for comparison")


def _compare(left: Any, right: Any, op: str) -> bool:
    """Go text/template's eq/ne/lt/le/gt/ge: same-kind scalars only."""
    if op not in ("==", "!=", "<", ">", "<=", ">="):
        raise _ExecError(f"unrecognized filter operator {op}")
    k1, k2 = _kind(left), _kind(right)
    if k1 != k2:
        raise _ExecError("incompatible types for comparison")
    if op in ("==", "!="):
        return (left == right) == (op == "==")
    if k1 == "bool":
        raise _ExecError("invalid type for comparison")
    less = left < right
    equal = left == right
    return {"<": less, "<=": less or equal, ">": not (less or equal), ">=": not less}[op]


def _go_v(value: Any) -> str:
    """Go's %v of an unstructured value (error messages, custom columns)."""
    if value is None or value is _MISSING:
        return "<nil>"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_v(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_v(v) for v in value) + "]"
    return go_print(value)


def _render(results: list[list], as_json: bool) -> str:
    out: list[str] = []
    for values in results:
        if as_json:
            out.append(go_json(list(values), "    ") + "\n")
            continue
        # Maps, lists and null come out as JSON; other scalars as Go's fmt.Print writes them.
        texts = [go_json(v) if v is None or isinstance(v, (dict, list)) else go_print(v) for v in values]
        out.append(" ".join(texts))
    return "".join(out)


go_v = _go_v
