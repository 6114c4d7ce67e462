"""A data-only codec for cached results: JSON, tagged, for an allowlist of dataclasses.

Nothing read from a file can run code or name a type outside the allowlist. The encoding:

    None, bool, int, float, str -> themselves        list  -> a JSON array
    tuple -> {"t": [...]}   set -> {"s": [...]}   frozenset -> {"f": [...]}
    dict  -> {"d": [[key, value], ...]}  (keys need not be strings)
    an allowed dataclass -> {"c": "TypeName", "v": {"field": value, ...}}

after a header line `astro-migrate-cache/SCHEMA <sha256 of the JSON>`, so a damaged or
truncated entry never decodes. The fields of each dataclass come from `dataclasses.fields()`,
so a field added to a class needs no change here; an entry whose fields differ from the class's
is stale and rejected. On load every field's value is checked against the class's annotation
(`Optional[str]`, `tuple`, `Fix`; the members too where it says so: `list[Finding]`).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import typing
from typing import Any, Optional

SCHEMA = 1
HEADER = b"astro-migrate-cache/%d " % SCHEMA
PRIMITIVES = (type(None), bool, int, float, str)
TAGS = {"t": tuple, "s": set, "f": frozenset}


class CodecError(ValueError):
    """A value that cannot be encoded, or data that is not a valid encoding."""


class Codec:
    """Encodes instances of `root` (a dataclass) made of the allowed dataclasses and plain data."""

    def __init__(self) -> None:
        self.root: Optional[type] = None
        self.types: dict = {}  # type name -> dataclass
        self.hints: dict = {}  # dataclass -> {field name: annotation}

    def allow(self, root: type, *types: type) -> None:
        """Allow `root` (what `decode` returns) and `types` (what it may hold)."""
        for kind in (root, *types):
            if not dataclasses.is_dataclass(kind):
                raise TypeError(f"{kind!r} is not a dataclass")
            if self.types.get(kind.__name__, kind) is not kind:
                raise TypeError(f"two allowed types are called {kind.__name__}")
            self.types[kind.__name__] = kind
            hints = typing.get_type_hints(kind)
            self.hints[kind] = {f.name: hints[f.name] for f in dataclasses.fields(kind)}
        self.root = root

    def encode(self, value: Any) -> bytes:
        if self.root is None or type(value) is not self.root:
            raise CodecError(f"expected a {getattr(self.root, '__name__', 'registered type')}")
        try:
            body = json.dumps(self._out(value), separators=(",", ":"), check_circular=False).encode("ascii")
        except (RecursionError, ValueError) as error:
            raise CodecError(f"cannot encode: {error}") from None
        return HEADER + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body

    def decode(self, data: bytes) -> Any:
        header, _, body = data.partition(b"\n")
        if not header.startswith(HEADER):
            raise CodecError("not a cache entry of this schema")
        if header[len(HEADER):] != hashlib.sha256(body).hexdigest().encode("ascii"):
            raise CodecError("damaged: the digest does not match")
        try:
            value = self._in(json.loads(body))
        except (ValueError, RecursionError) as error:
            raise CodecError(f"not a valid encoding: {error}") from None
        if self.root is None or type(value) is not self.root:
            raise CodecError("the entry does not hold the expected type")
        return value

    def _out(self, value: Any) -> Any:
        kind = type(value)
        if kind in PRIMITIVES:
            return value
        if kind is list:
            return [self._out(item) for item in value]
        if kind is dict:
            return {"d": [[self._out(k), self._out(v)] for k, v in value.items()]}
        for tag, container in TAGS.items():
            if kind is container:
                return {tag: [self._out(item) for item in value]}
        if self.types.get(kind.__name__) is kind:
            return {"c": kind.__name__, "v": {name: self._out(getattr(value, name)) for name in self.hints[kind]}}
        raise CodecError(f"a {kind.__module__}.{kind.__qualname__} is not allowed in the cache")

    def _in(self, data: Any) -> Any:
        if type(data) in PRIMITIVES:
            return data
        if type(data) is list:
            return [self._in(item) for item in data]
        if type(data) is not dict or len(data) not in (1, 2):
            raise CodecError("unexpected JSON value")
        if len(data) == 2:
            return self._instance(data)
        (tag, items), = data.items()
        if type(items) is not list:
            raise CodecError(f"tag {tag!r} without a list")
        try:
            if tag == "d":
                if not all(type(pair) is list and len(pair) == 2 for pair in items):
                    raise CodecError("a dict entry is not a [key, value] pair")
                return {self._in(k): self._in(v) for k, v in items}
            if tag in TAGS:
                return TAGS[tag](self._in(item) for item in items)
        except TypeError:  # an unhashable key or set member
            raise CodecError(f"unhashable member in {tag!r}") from None
        raise CodecError(f"unknown tag {tag!r}")

    def _instance(self, data: dict) -> Any:
        kind = self.types.get(data.get("c")) if type(data.get("c")) is str else None
        fields = data.get("v")
        if kind is None or type(fields) is not dict:
            raise CodecError(f"type {data.get('c')!r} is not allowed")
        hints = self.hints[kind]
        if set(fields) != set(hints):
            raise CodecError(f"{kind.__name__} fields differ from the entry's")
        values = {name: self._in(raw) for name, raw in fields.items()}
        for name, value in values.items():
            if not conforms(value, hints[name]):
                raise CodecError(f"{kind.__name__}.{name} holds a {type(value).__name__}")
        try:
            return kind(**values)
        except (TypeError, ValueError) as error:
            raise CodecError(f"cannot build {kind.__name__}: {error}") from None


def conforms(value: Any, hint: Any) -> bool:
    """Whether `value` is of the type `hint` names: a class, `Optional[X]`, and the members
    of `list[X]`, `set[X]`, `tuple[X, ...]`, `tuple[X, Y]`, `dict[K, V]` (bare `list`: any)."""
    if hint is Any or hint is object:
        return True
    if hint is type(None):
        return value is None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union:
        return any(conforms(value, member) for member in args)
    outer = origin or hint
    if not isinstance(outer, type) or type(value) is bool and outer in (int, float):
        return False
    if not (isinstance(value, outer) or outer is float and type(value) is int):
        return False
    if not args:
        return True
    if outer is dict:
        return all(conforms(k, args[0]) and conforms(v, args[1]) for k, v in value.items())
    if outer is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return len(value) == len(args) and all(conforms(v, a) for v, a in zip(value, args))
    return all(conforms(item, args[0]) for item in value)


RESULTS = Codec()  # the result cache's codec; its types are allowed in one place: migrator/analysis.py
