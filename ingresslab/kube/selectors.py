"""Label selectors as the API server parses them: equality-based (`a=b`, `a!=b`) and set-based
(`a in (x,y)`, `a notin (x)`, `a`, `!a`), comma-separated, all requirements ANDed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LabelSelector", "Requirement", "SelectorError", "from_label_selector_spec", "parse_selector"]

_TOKEN = re.compile(r"\s*(!=|==|=|\(|\)|,|!|[^\s=!(),]+)")
_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
)
_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")


class SelectorError(ValueError):
    """The text after `unable to parse requirement: ` in the API server's answer."""


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    operator: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        has = self.key in labels
        if self.operator == "exists":
            return has
        if self.operator == "!":
            return not has
        if self.operator in ("=", "in"):
            return has and labels[self.key] in self.values
        # != and notin also match objects without the key, as Kubernetes does.
        return not has or labels[self.key] not in self.values

    def __str__(self) -> str:
        if self.operator == "exists":
            return self.key
        if self.operator == "!":
            return f"!{self.key}"
        if self.operator in ("=", "!="):
            return f"{self.key}{self.operator}{self.values[0]}"
        return f"{self.key} {self.operator} ({','.join(self.values)})"


@dataclass(frozen=True, slots=True)
class LabelSelector:
    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Mapping[str, str] | None) -> bool:
        labels = labels or {}
        return all(r.matches(labels) for r in self.requirements)

    @property
    def empty(self) -> bool:
        return not self.requirements

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)


def _tokens(text: str) -> list[str]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:  # pragma: no cover - the pattern accepts every non-space character
            raise SelectorError(f"unexpected character at {pos}")
        out.append(m.group(1))
        pos = m.end()
    return out


def _check_key(key: str) -> None:
    if not _KEY.match(key) or len(key.rpartition("/")[2]) > 63:
        raise SelectorError(
            f"key: Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' "
            "or '.', and must start and end with an alphanumeric character"
        )


def _check_value(key: str, index: int, value: str) -> None:
    if not _VALUE.match(value) or len(value) > 63:
        raise SelectorError(
            f'values[{index}][{key}]: Invalid value: "{value}": a valid label must be an empty string or '
            "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character"
        )


_OPERATORS = "'=', '!=', '==', 'in', notin'"


def parse_selector(text: str | None) -> LabelSelector:
    """Parse `kubectl -l` text; raises SelectorError with the API server's wording."""
    if text is None or not text.strip():
        return LabelSelector()
    toks = _tokens(text)
    reqs: list[Requirement] = []
    i = 0

    def peek() -> str:
        return toks[i] if i < len(toks) else ""

    while True:
        tok = peek()
        if tok == "!":
            i += 1
            key = peek()
            if not key or key in "=!(),":
                raise SelectorError(f"found '{key}', expected: identifier after '!'")
            _check_key(key)
            i += 1
            reqs.append(Requirement(key, "!"))
        else:
            if not tok or tok in ("=", "==", "!=", "(", ")", ","):
                raise SelectorError(f"found '{tok}', expected: !, identifier, or 'end of string'")
            key = tok
            _check_key(key)
            i += 1
            op = peek()
            if op in ("", ","):
                reqs.append(Requirement(key, "exists"))
            elif op in ("=", "==", "!="):
                i += 1
                value = peek()
                if value in ("=", "==", "!=", "(", ")", ",", "!"):
                    raise SelectorError(f"found '{value}', expected: identifier")
                if value:
                    i += 1
                _check_value(key, 0, value)
                reqs.append(Requirement(key, "!=" if op == "!=" else "=", (value,)))
            elif op in ("in", "notin"):
                i += 1
                if peek() != "(":
                    raise SelectorError(f"found '{peek()}', expected: '('")
                i += 1
                values: list[str] = []
                while True:
                    v = peek()
                    if v in ("", "(", "=", "==", "!=", "!"):
                        raise SelectorError(f"found '{v}', expected: ',' or ')'")
                    if v == ")":
                        if values and values[-1] == "" and len(values) > 1:
                            pass
                        i += 1
                        break
                    if v == ",":
                        values.append("")
                        i += 1
                        continue
                    _check_value(key, len(values), v)
                    values.append(v)
                    i += 1
                    if peek() == ",":
                        i += 1
                    elif peek() != ")":
                        raise SelectorError(f"found '{peek()}', expected: ',' or ')'")
                reqs.append(Requirement(key, op, tuple(v for v in values if v) or ("",)))
            else:
                raise SelectorError(f"found '{op}', expected: {_OPERATORS}")
        tok = peek()
        if tok == "":
            break
        if tok != ",":
            raise SelectorError(f"found '{tok}', expected: ',' or 'end of string'")
        i += 1
    return LabelSelector(tuple(reqs))


def from_label_selector_spec(spec: Mapping | None) -> LabelSelector:
    """A `metav1.LabelSelector` (`matchLabels` + `matchExpressions`, as Deployments carry it)."""
    if not spec:
        return LabelSelector()
    reqs = [Requirement(k, "=", (str(v),)) for k, v in sorted((spec.get("matchLabels") or {}).items())]
    ops = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}
    for expr in spec.get("matchExpressions") or []:
        op = ops.get(expr.get("operator", ""))
        if op is None:
            raise SelectorError(f"{expr.get('operator')!r} is not a valid label selector operator")
        reqs.append(Requirement(expr["key"], op, tuple(expr.get("values") or ())))
    return LabelSelector(tuple(reqs))
