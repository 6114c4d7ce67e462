"""The rule table: `rules/*.toml` shipped inside the package as `migrator.rules`.

Loaded once per process, and only when a file needs it (the prefilter does not).
"""
from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from importlib import resources
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

RULES_PACKAGE = "migrator.rules"
RULE_FILES = ("api.toml", "endpoints.toml", "fields.toml")


@dataclass(frozen=True)
class FieldChange:
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
    operation_id: str
    api: str  # "iam" | "platform"
    method: str
    path: str
    v1: Optional[str]  # path under the v1 base, None where v1 has no equivalent
    safe: bool
    fields: dict = field(default_factory=dict)  # "request"/"response"/"query" -> [FieldChange]
    note: str = ""

    @property
    def blocked(self) -> bool:
        return self.v1 is None

    @property
    def segments(self) -> tuple:
        return tuple(self.path.strip("/").split("/"))


@dataclass(frozen=True)
class RuleTable:
    host: str
    v1_base: str
    pin_header: str
    pin_value: str
    end_of_support: str
    migration_guide: str
    versioning_page: str
    bases: dict  # "iam/v1beta1" -> "v1"
    spec_urls: dict  # "spec/iam/v1beta1" -> "spec/v1"
    operations: tuple
    field_changes: dict  # id -> FieldChange
    digest: str  # identifies the table's content, for caches

    def operations_for(self, api: Optional[str]) -> tuple:
        return tuple(op for op in self.operations if api is None or op.api == api)


def _read(name: str) -> str:
    try:
        folder = resources.files(RULES_PACKAGE)
    except ModuleNotFoundError:  # running from a source checkout that is not installed
        from pathlib import Path

        folder = Path(__file__).resolve().parents[2] / "rules"
    return folder.joinpath(name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def end_of_support() -> str:
    """v1beta1's end-of-support date (YYYY-MM-DD), read without the whole table."""
    return tomllib.loads(_read("api.toml"))["api"]["end_of_support"]


@functools.lru_cache(maxsize=1)
def load() -> RuleTable:
    """Parse and validate the shipped rule table."""
    import hashlib

    texts = {name: _read(name) for name in RULE_FILES}
    digest = hashlib.sha256("\0".join(texts[n] for n in RULE_FILES).encode()).hexdigest()[:16]
    api = tomllib.loads(texts["api.toml"])
    fields_raw = tomllib.loads(texts["fields.toml"])
    changes = {cid: FieldChange(id=cid, **spec) for cid, spec in fields_raw.items()}
    operations = []
    for raw in tomllib.loads(texts["endpoints.toml"])["operations"]:
        wired = {
            where: tuple(changes[cid] for cid in ids) for where, ids in raw.get("fields", {}).items()
        }
        operations.append(
            Operation(
                operation_id=raw["operation_id"],
                api=raw["api"],
                method=raw["method"].upper(),
                path=raw["path"],
                v1=None if raw["v1"] == "none" else raw["v1"],
                safe=raw["safe"],
                fields=wired,
                note=raw.get("note", ""),
            )
        )
    meta = api["api"]
    return RuleTable(
        host=meta["host"],
        v1_base=meta["v1_base"],
        pin_header=meta["v1_pin_header"],
        pin_value=meta["v1_pin_value"],
        end_of_support=meta["end_of_support"],
        migration_guide=meta["migration_guide"],
        versioning_page=meta["versioning_page"],
        bases={b["v1beta1"]: b["v1"] for b in api["bases"]},
        spec_urls={s["v1beta1"]: s["v1"] for s in api["spec_urls"]},
        operations=tuple(operations),
        field_changes=changes,
        digest=digest,
    )
