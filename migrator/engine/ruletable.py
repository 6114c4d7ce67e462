"""The rule table: `rules/*.toml`, shipped inside the package as `migrator.rules`.

This module is the only reader of the API facts (hosts, bases, the v1 base, the version header,
spec URLs, every operation's v1 path, field changes); every other stage asks it, through the
attributes below, and never spells a fact itself. The table is validated when loaded: unknown
keys, dangling references (a field-change id, an `api` without a base) and unregistered codes
are errors that name the file.

`$ASTRO_MIGRATE_RULES_DIR` (or `load(folder)`) reads the table from another folder: a copy of
`rules/` with an edit, for a test or for trying out a change.
"""
from __future__ import annotations

import functools
import os
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Optional

from migrator.engine.lazy_re import lazy

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

RULES_DIR_ENV = "ASTRO_MIGRATE_RULES_DIR"
RULE_FILES = ("api.toml", "endpoints.toml", "fields.toml", "codes.toml")
FIELD_KINDS = {"rename": ("new",), "removed": ("replacement",), "removed-value": ("value",)}
FIELD_PLACES = ("request", "response", "query")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PLACEHOLDER = lazy(r"^\{(\w+)\}$")


class RuleTableError(ValueError):
    """The rule table is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class FieldChange:
    """A JSON field of v1beta1 that v1 renames or drops (`rules/fields.toml`)."""

    id: str
    code: str
    kind: str  # "rename" | "removed" | "removed-value"
    old: str
    summary: str
    new: Optional[str] = None
    replacement: Optional[str] = None
    value: Optional[str] = None
    schema: Optional[str] = None


@dataclass(frozen=True)
class Operation:
    """One v1beta1 endpoint and where v1 serves it (`rules/endpoints.toml`)."""

    operation_id: str
    api: str  # a base's api, "iam" | "platform"
    base: str  # that base's segment, "iam/v1beta1"
    method: str
    path: str  # under the v1beta1 base, e.g. "/organizations/{organizationId}/teams"
    v1: Optional[str]  # path under the v1 base; None where v1 has no equivalent
    v1_path: Optional[str]  # the whole v1 URL path, e.g. "/v1/organizations/{organizationId}/teams"
    fields: dict  # "request"/"response"/"query" -> (FieldChange, ...)
    note: str = ""

    @property
    def blocked(self) -> bool:
        return self.v1 is None

    @cached_property
    def segments(self) -> tuple:
        """The path's segments: every candidate path of every finding is matched against them."""
        return tuple(self.path.strip("/").split("/"))

    def rewrite(self, concrete: str) -> Optional[str]:
        """The v1 path (under the v1 base) for `concrete`, a path this operation's template fits:
        placeholder values carried over by name. None when blocked or the path does not fit."""
        if self.v1 is None:
            return None
        given = concrete.strip("/").split("/")
        if len(given) != len(self.segments):
            return None
        values = {}
        for value, wanted in zip(given, self.segments):
            placeholder = _PLACEHOLDER.match(wanted)
            if placeholder:
                values[placeholder.group(1)] = value
            elif value != wanted:
                return None
        out = []
        for wanted in self.v1.strip("/").split("/"):
            placeholder = _PLACEHOLDER.match(wanted)
            if placeholder and placeholder.group(1) not in values:
                return None
            out.append(values[placeholder.group(1)] if placeholder else wanted)
        return "/" + "/".join(out) + ("/" if concrete.endswith("/") and len(concrete) > 1 else "")


@dataclass(frozen=True)
class Base:
    """A v1beta1 base segment: its api and version."""

    api: str  # "iam"
    version: str  # "v1beta1"

    @property
    def segment(self) -> str:
        return f"{self.api}/{self.version}"


@dataclass(frozen=True)
class ApiFacts:
    """`api.toml`: cheap to read on its own (the prefilter and the clock need only this)."""

    hosts: tuple
    v1: str  # the v1 base segment, "v1"
    pin_header: str
    pin_value: str
    spec_prefix: str
    end_of_support: str
    migration_guide: str
    versioning_page: str
    bases: tuple  # (Base, ...)

    @property
    def host(self) -> str:
        return self.hosts[0]

    @property
    def v1_base(self) -> str:
        return f"https://{self.host}/{self.v1}"

    @cached_property
    def base_map(self) -> dict:
        """v1beta1 base segment -> its replacement: {"iam/v1beta1": "v1", ...}."""
        return {base.segment: self.v1 for base in self.bases}

    @property
    def v1_spec(self) -> str:
        """The v1 spec's path on the host, "spec/v1"."""
        return f"{self.spec_prefix}/{self.v1}"

    @property
    def v1_spec_url(self) -> str:
        return f"https://{self.host}/{self.v1_spec}"

    @cached_property
    def spec_urls(self) -> dict:
        """Spec URL path -> its replacement: {"spec/iam/v1beta1": "spec/v1", ...}."""
        return {f"{self.spec_prefix}/{base.segment}": self.v1_spec for base in self.bases}

    @cached_property
    def v1_marker(self) -> re.Pattern:
        """The v1 base segment as a word of its own (`…/v1/…`, not `v1beta1` or `api.v1`)."""
        return re.compile(rf"(?<![\w.]){re.escape(self.v1)}(?![\w.])")

    @cached_property
    def versions(self) -> tuple:
        """The deprecated version segments ("v1beta1",): a cheap first test before a pattern."""
        return tuple(sorted({base.version for base in self.bases}))

    @cached_property
    def marker(self) -> re.Pattern:
        """A v1beta1 base in text; group 1 is the api. Candidates outside `base_map` (another
        api with another base's version) are look-alikes: check `group(0) in base_map`."""
        apis = "|".join(re.escape(a) for a in sorted({b.api for b in self.bases}))
        versions = "|".join(re.escape(v) for v in self.versions)
        return re.compile(rf"({apis})/(?:{versions})")

    @cached_property
    def marker_bytes(self) -> re.Pattern:
        """`marker` over bytes, also JSON-escaped (`iam\\/v1beta1`)."""
        apis = b"|".join(re.escape(a.encode()) for a in sorted({b.api for b in self.bases}))
        versions = b"|".join(re.escape(v.encode()) for v in self.versions)
        return re.compile(rb"(?:" + apis + rb")\\?/(?:" + versions + rb")")

    def base_of(self, api: str) -> str:
        """The v1beta1 base segment of `api` ("iam" -> "iam/v1beta1")."""
        return next(base.segment for base in self.bases if base.api == api)

    def all_hosts(self, extra: tuple = ()) -> tuple:
        """The table's hosts, then `extra` (from `extra-hosts`) without repeats."""
        return self.hosts + tuple(h for h in extra if h not in self.hosts)


@dataclass(frozen=True)
class RuleTable(ApiFacts):
    """The whole table: `api.toml` with the endpoints and the field changes."""

    operations: tuple  # (Operation, ...)
    field_changes: dict  # id -> FieldChange
    digest: str  # identifies the table's content, for caches

    @cached_property
    def blocked_segments(self) -> frozenset:
        """Literal path segments that only endpoints without a v1 equivalent have (`alerts`)."""
        def literal(ops) -> set:
            return {seg for op in ops for seg in op.segments if not seg.startswith("{")}

        return frozenset(literal(o for o in self.operations if o.blocked)
                         - literal(o for o in self.operations if not o.blocked))


def rules_dir() -> Optional[Path]:
    """The folder `$ASTRO_MIGRATE_RULES_DIR` names, or None for the shipped table."""
    folder = os.environ.get(RULES_DIR_ENV)
    return Path(folder) if folder else None


@functools.lru_cache(maxsize=1)
def shipped_rules_dir() -> Path:
    """The folder of the shipped table: the `migrator.rules` package of an installed tool, else
    `rules/` beside the package in a source checkout. Its `__file__` is cheaper to ask than
    importlib.resources, which the prefilter would pay for."""
    try:
        from migrator import rules as shipped  # type: ignore[attr-defined]  # rules/, by package-dir
    except ImportError:
        return Path(__file__).resolve().parents[2] / "rules"
    return Path(shipped.__file__).parent


def read_rule_file(name: str, folder: Optional[Path] = None) -> str:
    return ((folder or shipped_rules_dir()) / name).read_text(encoding="utf-8")


def parse(name: str, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RuleTableError(f"{name}: {error}") from None


def check_keys(where: str, raw: dict, required: tuple, optional: tuple = ()) -> None:
    """Unknown or missing keys in one entry are errors."""
    unknown = sorted(set(raw) - set(required) - set(optional))
    missing = [key for key in required if key not in raw]
    if unknown:
        raise RuleTableError(f"{where}: unknown keys {', '.join(unknown)}")
    if missing:
        raise RuleTableError(f"{where}: missing keys {', '.join(missing)}")


def facts(folder: Optional[Path] = None) -> ApiFacts:
    """`api.toml` alone, from `folder`, `$ASTRO_MIGRATE_RULES_DIR` or the shipped table."""
    return _facts(folder or rules_dir())


def load(folder: Optional[Path] = None) -> RuleTable:
    """The whole table, validated, from `folder`, `$ASTRO_MIGRATE_RULES_DIR` or the shipped table."""
    return _load(folder or rules_dir())


def end_of_support() -> str:
    """v1beta1's end-of-support date (YYYY-MM-DD)."""
    return facts().end_of_support


@functools.lru_cache(maxsize=4)
def _facts(folder: Optional[Path]) -> ApiFacts:
    return _api_facts(parse("api.toml", read_rule_file("api.toml", folder)))


def _api_facts(raw: dict) -> ApiFacts:
    check_keys("api.toml", raw, ("api", "bases"))
    meta = raw["api"]
    check_keys("api.toml [api]", meta, ("hosts", "v1", "version_header", "version_value", "spec_prefix",
                                        "end_of_support", "migration_guide", "versioning_page"))
    bases = []
    for base in raw["bases"]:
        check_keys("api.toml [[bases]]", base, ("api", "version"))
        bases.append(Base(base["api"], base["version"]))
    if not meta["hosts"] or not bases:
        raise RuleTableError("api.toml: needs at least one host and one base")
    return ApiFacts(
        hosts=tuple(meta["hosts"]), v1=meta["v1"], pin_header=meta["version_header"],
        pin_value=meta["version_value"], spec_prefix=meta["spec_prefix"], end_of_support=meta["end_of_support"],
        migration_guide=meta["migration_guide"], versioning_page=meta["versioning_page"], bases=tuple(bases),
    )


def digest(folder: Optional[Path] = None) -> str:
    """`RuleTable.digest` of the table `load(folder)` gives, without parsing it (a cache key needs no more)."""
    return _texts(folder or rules_dir())[1]


@functools.lru_cache(maxsize=4)
def _texts(folder: Optional[Path]) -> tuple:
    """(file name -> text, the digest of the texts) of the table's files."""
    import hashlib  # 5 ms to import; the prefilter, which reads only api.toml, never needs it

    texts = {name: read_rule_file(name, folder) for name in RULE_FILES}
    return texts, hashlib.sha256("\0".join(texts[n] for n in RULE_FILES).encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _load(folder: Optional[Path]) -> RuleTable:
    texts, digest = _texts(folder)
    api = _api_facts(parse("api.toml", texts["api.toml"]))
    codes = set(parse("codes.toml", texts["codes.toml"]))  # validated in full by engine.registry
    changes = _field_changes(parse("fields.toml", texts["fields.toml"]), codes)
    raw_ops = parse("endpoints.toml", texts["endpoints.toml"])
    check_keys("endpoints.toml", raw_ops, ("operations",))
    operations = tuple(_operation(raw, api, changes) for raw in raw_ops["operations"])
    seen = [op.operation_id for op in operations]
    if len(set(seen)) != len(seen):
        raise RuleTableError("endpoints.toml: an operation_id appears twice")
    return RuleTable(**{f: getattr(api, f) for f in ApiFacts.__dataclass_fields__},
                     operations=operations, field_changes=changes, digest=digest)


def _field_changes(raw: dict, codes: set) -> dict:
    changes = {}
    for cid, spec in raw.items():
        where = f"fields.toml [{cid}]"
        kind = spec.get("kind")
        if kind not in FIELD_KINDS:
            raise RuleTableError(f"{where}: kind must be one of {', '.join(FIELD_KINDS)}")
        check_keys(where, spec, ("code", "kind", "old", "summary") + FIELD_KINDS[kind], ("schema",))
        if spec["code"] not in codes:
            raise RuleTableError(f"{where}: code {spec['code']} is not registered in codes.toml")
        changes[cid] = FieldChange(id=cid, **spec)
    return changes


def _operation(raw: dict, api: ApiFacts, changes: dict) -> Operation:
    where = f"endpoints.toml {raw.get('operation_id', '[[operations]]')}"
    check_keys(where, raw, ("operation_id", "api", "method", "path", "v1"), ("fields", "note"))
    if raw["api"] not in {base.api for base in api.bases}:
        raise RuleTableError(f"{where}: api {raw['api']!r} has no base in api.toml")
    if raw["method"].upper() not in METHODS:
        raise RuleTableError(f"{where}: method {raw['method']!r}")
    fields = raw.get("fields", {})
    check_keys(f"{where} fields", fields, (), FIELD_PLACES)
    dangling = [cid for ids in fields.values() for cid in ids if cid not in changes]
    if dangling:
        raise RuleTableError(f"{where}: field change {', '.join(dangling)} is not in fields.toml")
    v1 = None if raw["v1"] == "none" else raw["v1"]
    return Operation(
        operation_id=raw["operation_id"], api=raw["api"], base=api.base_of(raw["api"]), method=raw["method"].upper(), path=raw["path"], v1=v1,
        v1_path=None if v1 is None else f"/{api.v1}{v1}",
        fields={place: tuple(changes[cid] for cid in ids) for place, ids in fields.items()},
        note=raw.get("note", ""),
    )
