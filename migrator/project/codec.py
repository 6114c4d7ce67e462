"""A data-only codec for cached results: JSON, tagged, for an allowlist of dataclasses.

Nothing read from a file can run code or name a type outside the allowlist. The encoding:

    None, bool, int, float, str -> themselves        list  -> a JSON array
    tuple -> {"t": [...]}   set -> {"s": [...]}   frozenset -> {"f": [...]}
    dict  -> {"d": [[key, value], ...]}  (keys need not be strings)
    an allowed dataclass -> {"c": "TypeName", "v": [its field values, in field order]}

after a header line `astro-migrate-cache/SCHEMA <layout> <sha256 of the JSON>`: a damaged or
truncated entry never decodes, and `layout` (a digest of every allowed type's name and field
names, from `dataclasses.fields()`) makes entries written before a field was added, removed or
renamed stale, so a changed class needs no change here. On load every field's value is checked
against the class's annotation (`Optional[str]`, `tuple`, `Fix`; the members too where the
annotation says so: `list[Finding]`).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import typing
from typing import Any, Callable, Optional

try:
    from types import UnionType  # `X | Y` annotations (Python 3.10+)
except ImportError:  # pragma: no cover - Python 3.9
    UnionType = None  # type: ignore[assignment,misc]

SCHEMA = 1
MAGIC = b"astro-migrate-cache/%d " % SCHEMA
TAGS = {"t": tuple, "s": set, "f": frozenset}
PRIMITIVES = (type(None), bool, int, float, str)
# A plain type -> the types of the values JSON decodes that `checker` accepts for it (not bool for int).
JSON_TYPES = {type(None): frozenset({type(None)}), bool: frozenset({bool}), int: frozenset({int}),
              float: frozenset({int, float}), str: frozenset({str})}


class CodecError(ValueError):
    """A value that cannot be encoded, or data that is not a valid encoding."""


class Codec:
    """Encodes instances of `root` (a dataclass) made of the allowed dataclasses and plain data."""

    def __init__(self) -> None:
        self.root: Optional[type] = None
        self.types: dict = {}  # type name -> dataclass
        self.fields: dict = {}  # dataclass -> its field names, in order
        self._checks: dict = {}  # dataclass -> [(field name, test of a value against its annotation)]
        self._positional: set = set()  # dataclasses whose fields are all positional parameters of __init__
        self.header = MAGIC

    def allow(self, root: type, *types: type) -> None:
        """Allow `root` (what `decode` returns) and `types` (what it may hold)."""
        for kind in (root, *types):
            if not dataclasses.is_dataclass(kind):
                raise TypeError(f"{kind!r} is not a dataclass")
            if self.types.get(kind.__name__, kind) is not kind:
                raise TypeError(f"two allowed types are called {kind.__name__}")
            self.types[kind.__name__] = kind
            self.fields[kind] = tuple(f.name for f in dataclasses.fields(kind))
            if all(f.init and not getattr(f, "kw_only", False) for f in dataclasses.fields(kind)):
                self._positional.add(kind)
        self.root = root
        self._checks.clear()
        layout = sorted((name, list(self.fields[kind])) for name, kind in self.types.items())
        self.header = MAGIC + hashlib.sha256(repr(layout).encode()).hexdigest()[:16].encode() + b" "

    def checks(self, kind: type) -> list:
        """(field name, test) of `kind`'s fields; made on first use (resolving the annotations
        costs milliseconds that a run decoding nothing of that type need not pay)."""
        found = self._checks.get(kind)
        if found is None:
            hints = typing.get_type_hints(kind)
            found = self._checks[kind] = [(name, checker(hints[name])) for name in self.fields[kind]]
        return found

    def encode(self, value: Any) -> bytes:
        if self.root is None or type(value) is not self.root:
            raise CodecError(f"expected a {getattr(self.root, '__name__', 'registered type')}")
        try:
            body = json.dumps(self._out(value), separators=(",", ":"), check_circular=False).encode("ascii")
        except (RecursionError, ValueError) as error:
            raise CodecError(f"cannot encode: {error}") from None
        return self.header + hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body

    def decode(self, data: bytes) -> Any:
        header, _, body = data.partition(b"\n")
        if not header.startswith(MAGIC):
            raise CodecError("not a cache entry of this schema")
        if header != self.header + hashlib.sha256(body).hexdigest().encode("ascii"):
            raise CodecError("stale (another layout of the types) or damaged (the digest differs)")
        try:
            value = json.loads(body, object_hook=self._object)
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
            return {"c": kind.__name__, "v": [self._out(getattr(value, name)) for name in self.fields[kind]]}
        raise CodecError(f"a {kind.__module__}.{kind.__qualname__} is not allowed in the cache")

    def _object(self, data: dict) -> Any:
        """Every JSON object is a tag; its members were decoded before it (json calls this)."""
        if len(data) == 2:
            return self._instance(data.get("c"), data.get("v"))
        if len(data) != 1:
            raise CodecError("unexpected JSON object")
        (tag, items), = data.items()
        if type(items) is not list:
            raise CodecError(f"tag {tag!r} without a list")
        try:
            if tag == "d":
                if not all(type(pair) is list and len(pair) == 2 for pair in items):
                    raise CodecError("a dict entry is not a [key, value] pair")
                return dict(items)
            if tag in TAGS:
                return TAGS[tag](items)
        except TypeError:  # an unhashable key or set member
            raise CodecError(f"unhashable member in {tag!r}") from None
        raise CodecError(f"unknown tag {tag!r}")

    def _instance(self, name: Any, values: Any) -> Any:
        kind = self.types.get(name) if type(name) is str else None
        if kind is None or type(values) is not list:
            raise CodecError(f"type {name!r} is not allowed")
        checks = self.checks(kind)
        if len(values) != len(checks):
            raise CodecError(f"{kind.__name__} fields differ from the entry's")
        for (field, test), value in zip(checks, values):
            if not test(value):
                raise CodecError(f"{kind.__name__}.{field} holds a {type(value).__name__}")
        try:
            if kind in self._positional:
                return kind(*values)
            return kind(**{field: value for (field, _), value in zip(checks, values)})
        except (TypeError, ValueError) as error:
            raise CodecError(f"cannot build {kind.__name__}: {error}") from None


def checker(hint: Any) -> Callable[[Any], bool]:
    """A test that a value is of the type `hint` names: a class, `Optional[X]`, and the members
    of `list[X]`, `set[X]`, `tuple[X, ...]`, `tuple[X, Y]`, `dict[K, V]` (bare `list`: any)."""
    if hint is Any or hint is object:
        return lambda value: True
    plain = _json_types(hint)  # None, bool, int, float, str, and unions of them (`Optional[str]`)
    if plain is not None:
        return lambda value: type(value) in plain
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or (UnionType is not None and origin is UnionType):  # X | None, Optional[X]
        members = [checker(member) for member in args]
        return lambda value: any(test(value) for test in members)
    outer = origin or hint
    if not isinstance(outer, type):
        raise TypeError(f"the codec cannot check values of type {hint!r}")
    if outer is float:
        base = lambda value: type(value) in (int, float)  # noqa: E731
    elif outer is int:
        base = lambda value: type(value) is not bool and isinstance(value, int)  # noqa: E731
    else:
        base = lambda value: isinstance(value, outer)  # noqa: E731
    if not args:
        return base
    if outer is dict:
        keys, values = checker(args[0]), checker(args[1])
        return lambda value: base(value) and all(keys(k) and values(v) for k, v in value.items())
    if outer is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        parts = [checker(arg) for arg in args]
        return lambda value: base(value) and len(value) == len(parts) and all(t(v) for t, v in zip(parts, value))
    kinds = _json_types(args[0])
    if kinds is not None:  # a column of plain values (the index's): their types, tested in C
        return lambda value: base(value) and kinds.issuperset(map(type, value))
    member = checker(args[0])
    return lambda value: base(value) and all(member(item) for item in value)


def _json_types(hint: Any) -> Optional[frozenset]:
    """The exact types JSON decodes a value of `hint` to, when `hint` is a plain type (`int`,
    `Optional[str]`, ...): what `checker` accepts of what `json.loads` gives. Else None."""
    if hint in JSON_TYPES:
        return JSON_TYPES[hint]
    if typing.get_origin(hint) is typing.Union or (UnionType is not None and typing.get_origin(hint) is UnionType):
        found: frozenset = frozenset()
        for member in typing.get_args(hint):
            kinds = _json_types(member)
            if kinds is None:
                return None
            found |= kinds
        return found
    return None


RESULTS = Codec()  # the result cache's codec; its types are allowed in one place: migrator/analysis.py
