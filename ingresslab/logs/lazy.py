"""Records that keep their line and convert it on first use: what the fast parse path yields.

A lazy record is an instance of a subclass of the format's record type (`NginxAccess`, `EnvoyAccess`)
whose only filled slot is `raw`, holding the line as read. The first time any field is read or written,
the format's own parser fills every field at once and the instance becomes a plain record of the base
type (same slots, so its class can change in place). Counting or filtering by format thus costs no
conversion at all, and reading a field costs one parse, as eager parsing would. The line was already
checked to be a valid line of the format when the record was made, so filling it in cannot fail.

Before and after: same fields, equality (also with eagerly parsed records), repr, pickling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from ingresslab.logs._text import strip_newline

__all__ = ["lazy_record_type"]


def lazy_record_type(base: type, values: Callable[[str], tuple | None]) -> type:
    """A lazy subclass of the slots dataclass `base`, which must end with the `envelope` and `raw` fields.

    `values(body)` returns the field values in field order up to `format` (the fields before `envelope`),
    as the format's parser computes them. An instance is made by writing the line into `base`'s `raw`
    slot of a bare instance (the compiled `Run` does it, so no Python code runs per record).
    """
    names = [f.name for f in fields(base)]
    if names[-2:] != ["envelope", "raw"]:
        raise TypeError(f"{base.__name__} must end with the `envelope` and `raw` fields")
    field_names = frozenset(names)
    get_line = base.__dict__["raw"].__get__
    init = base.__init__

    def materialise(record: Any) -> None:
        if type(record) is base:
            return
        body = strip_newline(get_line(record))
        parsed = values(body)
        if parsed is None:  # the fast check and the parser disagree: a bug, never the input's fault
            raise RuntimeError(
                f"{base.__name__}: the fast line check accepted a line its parser rejects: {body!r}"
            )
        object.__setattr__(record, "__class__", base)  # from here on an ordinary record
        init(record, *parsed, None, body)

    class Lazy(base):  # type: ignore[misc, valid-type]
        __slots__ = ()

        @property
        def raw(self) -> str:
            materialise(self)
            return self.raw

        def __getattr__(self, name: str) -> Any:
            # Reached only when normal lookup fails: an unset field of a record not yet filled in.
            if name in field_names:
                materialise(self)
                return getattr(self, name)
            raise AttributeError(f"{base.__name__!r} object has no attribute {name!r}")

        def __setattr__(self, name: str, value: Any) -> None:
            materialise(self)  # fill in first, or filling in later would overwrite this value
            setattr(self, name, value)

        def __delattr__(self, name: str) -> None:
            materialise(self)
            delattr(self, name)

        def __eq__(self, other: object) -> bool:
            materialise(self)
            return self == other

        def __reduce_ex__(self, protocol: Any) -> Any:
            materialise(self)
            return self.__reduce_ex__(protocol)

        __hash__ = None  # type: ignore[assignment]  # as the mutable dataclass base

    Lazy.__name__ = base.__name__
    Lazy.__qualname__ = base.__qualname__
    Lazy.__module__ = base.__module__
    Lazy.__doc__ = f"A {base.__name__} filled in on first use (see ingresslab.logs.lazy)."
    return Lazy
