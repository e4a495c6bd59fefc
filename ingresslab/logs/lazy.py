"""Records that keep the match of their line and convert fields on use: what the fast parse path yields.

A lazy record is an instance of a subclass of the format's record type (`NginxAccess`, `EnvoyAccess`,
`CoreDNSQuery`) with the same slots, whose only filled slot is `raw`, holding the `re.Match` of the fast
expression on the line (see `ingresslab.logs.fastpath`). The line was checked in full when it matched, so
every conversion is known to succeed.

It has two stages, both subclasses of the record type with no slots of their own:

- fresh: reading one field converts just that field (an int(), a cached time, a group of the match) and
  moves the record to the second stage; `format`, `layout`, `envelope` and `raw` are free;
- touched: reading any field fills every slot at once and the instance becomes a plain record of the base
  type (its class changes in place), so reading every field costs one conversion pass, as eager parsing.

Writing or deleting a field, comparing, pickling, copying or `dataclasses.replace` fill the record first.
Before and after: same fields, equality (also with eagerly parsed records), repr, pickling.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

__all__ = ["Single", "lazy_match", "lazy_record_type", "lazy_values"]

# each lazy stage -> (its format's values(match), the getter of the match in the `raw` slot)
_VALUES: dict[type, tuple[Callable[[Any], tuple], Callable[[Any], Any]]] = {}

# How the fresh stage reads one field without filling the record:
#   ("group", i)      the i-th group of the match (None for a `-` the expression left out)
#   ("call", i, fn)   fn(group i); fn must accept every value the expression lets through (None included)
#   ("const", value)  a value the fast expression fixes (`format`, `layout`), free to read
#   ("line",)         the line without its newline (`raw`), free to read
Single = tuple


def _reader(single: Single, get_match: Callable[[Any], Any], touched: type) -> Callable:
    kind = single[0]
    if kind == "group":
        index = single[1]

        def read_group(self: Any) -> Any:
            self.__class__ = touched
            return get_match(self)[index]

        return read_group
    if kind == "call":
        index, convert = single[1], single[2]

        def read_converted(self: Any) -> Any:
            self.__class__ = touched
            return convert(get_match(self)[index])

        return read_converted
    if kind == "const":
        value = single[1]
        return lambda self: value
    if kind == "line":
        return lambda self: get_match(self)[0]
    raise ValueError(f"unknown single-field reader {kind!r}")


def lazy_record_type(base: type, values: Callable[[Any], tuple], singles: Mapping[str, Single]) -> type:
    """The fresh lazy stage of the slots dataclass `base`, which must end with `envelope` and `raw`.

    `values(match)` returns every field value in field order (`envelope` None, `raw` the line), as the
    format's reference parser computes them; `singles` says how to read a field alone (fields left out, such
    as lists, fill the record on their first read). An instance is made by writing the match into `base`'s
    `raw` slot of a bare instance: `object.__new__(lazy)` and `base.__dict__["raw"].__set__`.
    """
    names = [f.name for f in fields(base)]
    if names[-2:] != ["envelope", "raw"]:
        raise TypeError(f"{base.__name__} must end with the `envelope` and `raw` fields")
    unknown = set(singles) - set(names)
    if unknown:
        raise TypeError(f"{base.__name__} has no fields {sorted(unknown)}")
    get_match = base.__dict__["raw"].__get__
    init = base.__init__

    def materialise(record: Any) -> tuple:
        row = values(get_match(record))
        record.__class__ = base  # from here on an ordinary record (no slots of our own: same layout)
        init(record, *row)
        return row

    def __eq__(self: Any, other: object) -> bool:
        materialise(self)
        return self == other

    def __reduce_ex__(self: Any, protocol: Any) -> Any:
        materialise(self)
        return self.__reduce_ex__(protocol)

    namespace = {
        "__slots__": (),
        "__eq__": __eq__,
        "__reduce_ex__": __reduce_ex__,
        "__hash__": None,  # as the mutable dataclass base
        "__module__": base.__module__,
        "__qualname__": base.__qualname__,
        "__doc__": f"A {base.__name__} filled in on use (see ingresslab.logs.lazy).",
    }
    touched = type(base.__name__, (base,), dict(namespace))
    fresh = type(base.__name__, (base,), dict(namespace))
    for position, name in enumerate(names):

        def read_all(self: Any, position: int = position) -> Any:
            return materialise(self)[position]

        def write(self: Any, value: Any, name: str = name) -> None:
            materialise(self)  # fill in first, or filling in later would overwrite this value
            setattr(self, name, value)

        def delete(self: Any, name: str = name) -> None:
            materialise(self)
            delattr(self, name)

        setattr(touched, name, property(read_all, write, delete))
        single = singles.get(name)
        first = read_all if single is None else _reader(single, get_match, touched)
        setattr(fresh, name, property(first, write, delete))
    # `raw`, `format`, ... read free in the touched stage too, so they never fill a record.
    for name, single in singles.items():
        if single[0] in ("const", "line"):
            reader = _reader(single, get_match, touched)
            setattr(touched, name, property(reader, fresh.__dict__[name].fset, fresh.__dict__[name].fdel))
    _VALUES[fresh] = _VALUES[touched] = (values, get_match)
    return fresh


def lazy_values(record: Any) -> tuple | None:
    """Every field value of a lazy record in field order, computed without filling it in; None for any
    other record. For writers (the CLI's JSON) that would otherwise fill a record only to read it once."""
    found = _VALUES.get(type(record))
    if found is None:
        return None
    values, get_match = found
    return values(get_match(record))


def lazy_match(record: Any) -> Any:
    """The fast expression's match of a lazy record's line; None for any other record."""
    found = _VALUES.get(type(record))
    return None if found is None else found[1](record)
