"""The rule table agrees with the endpoint map and with the index derived from the v1 spec.

tests/data/v1_index.json is derived from tests/fixtures/specs/v1.yaml by
scripts/derive_v1_index.py; tests/data/endpoint_map.json is a reduced copy of the project's
endpoint map.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.engine import ruletable
from migrator.spec.compare import compare
from migrator.spec.index import operation_key, operations_by_key

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TABLE = ruletable.load()
INDEX = json.loads((DATA / "v1_index.json").read_text(encoding="utf-8"))
V1 = operations_by_key(INDEX)
V1_IDS = {op["operationId"] for op in INDEX["operations"]}
ENDPOINT_MAP = json.loads((DATA / "endpoint_map.json").read_text(encoding="utf-8"))
MAPPED = [op for op in TABLE.operations if not op.blocked]
BLOCKED = [op for op in TABLE.operations if op.blocked]


def by_id(op) -> str:
    return op.operation_id


def test_table_has_the_80_operations_of_the_endpoint_map():
    assert len(TABLE.operations) == 80
    table = [(op.api, op.method, op.path, op.operation_id, None if op.blocked else f"{op.method} /v1{op.v1}")
             for op in TABLE.operations]
    mapped = [(e["api"], e["method"], e["path"], e["operationId"], e["v1"])
              for e in ENDPOINT_MAP["v1beta1_to_v1"]]
    assert table == mapped


def test_operations_are_unique():
    assert len({op.operation_id for op in TABLE.operations}) == 80
    assert len({(op.api, op.method, op.path) for op in TABLE.operations}) == 80


@pytest.mark.parametrize("op", MAPPED, ids=by_id)
def test_mapped_target_exists_in_v1_with_the_same_method(op):
    assert operation_key(op.method, op.v1) in V1


@pytest.mark.parametrize("op", BLOCKED, ids=by_id)
def test_blocked_operation_is_absent_from_v1(op):
    assert operation_key(op.method, op.path) not in V1
    assert op.operation_id not in V1_IDS


def test_field_changes_hold_in_v1():
    assert [str(d) for d in compare(TABLE, INDEX)] == []


def test_every_field_change_is_used_and_checkable():
    wired = {change.id: where for op in TABLE.operations for where, changes in op.fields.items()
             for change in changes}
    assert wired.keys() == TABLE.field_changes.keys()
    for change in TABLE.field_changes.values():
        assert change.kind in ("rename", "removed", "removed-value")
        assert change.schema or wired[change.id] == "query", change.id


def test_every_v1_operation_is_a_target_or_listed_as_v1_only():
    targets = {operation_key(op.method, op.v1) for op in MAPPED}
    v1_only = {operation_key(e["method"], e["path"]) for e in ENDPOINT_MAP["v1_only"]}
    assert len(targets) == len(MAPPED) == 70
    assert not targets & v1_only
    assert targets | v1_only == V1.keys()


def test_committed_index_is_derived_from_the_spec_fixture(tmp_path):
    output = tmp_path / "v1_index.json"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "derive_v1_index.py"), "-o", str(output)],
                   check=True, timeout=60)
    assert output.read_text(encoding="utf-8") == (DATA / "v1_index.json").read_text(encoding="utf-8")
