"""Check the rule table against a v1 index: mapped targets, blockers and field changes."""
from __future__ import annotations

from dataclasses import dataclass

from migrator.spec.index import label, operation_key, operations_by_key


@dataclass(frozen=True)
class Difference:
    subject: str  # an operationId or a field-change id
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


def compare(table, index: dict) -> list:
    """Every way in which ``table`` (a ``RuleTable``) no longer matches the v1 ``index``."""
    by_key = operations_by_key(index)
    by_id = {op["operationId"]: op for op in index["operations"] if op.get("operationId")}
    differences = []
    for op in table.operations:
        if op.blocked:
            found = by_key.get(operation_key(op.method, op.path)) or by_id.get(op.operation_id)
            if found:
                differences.append(Difference(
                    op.operation_id,
                    f"v1 now has {label(found)}; the blocker can become a rewrite",
                ))
        elif operation_key(op.method, op.v1) not in by_key:
            differences.append(Difference(op.operation_id, _missing(op, index, by_id)))
    for change in table.field_changes.values():
        differences += _check_field_change(change, table, index, by_key)
    return differences


def _missing(op, index: dict, by_id: dict) -> str:
    message = f"target {op.method} /v1{op.v1} is not in v1"
    path = operation_key(op.method, op.v1)[1]
    methods = [o["method"] for o in index["operations"] if operation_key("", o["path"])[1] == path]
    if methods:
        message += f" (that path has {', '.join(methods)})"
    if op.operation_id in by_id:
        message += f"; v1 has {label(by_id[op.operation_id])}"
    return message


def _check_field_change(change, table, index: dict, by_key: dict) -> list:
    """A schema change is checked in its schema; a query change in each operation naming it."""
    if change.schema:
        properties = index["schemas"].get(change.schema)
        if properties is None:
            return [Difference(change.id, f"schema {change.schema} is not in v1")]
        places = [(f"schema {change.schema}", dict.fromkeys(properties, []))]
    else:
        places = []
        for op in table.operations:
            target = None if op.blocked else by_key.get(operation_key(op.method, op.v1))
            if target and change in op.fields.get("query", ()):
                places.append((f"{op.operation_id} query", target["query"]))
    return [Difference(change.id, problem) for where, names in places
            for problem in _expectations(change, where, names)]


def _expectations(change, where: str, names: dict) -> list:
    """What is wrong with ``names`` (name -> allowed values) given the change."""
    old, problems = change.old, []
    if change.kind in ("rename", "removed"):
        expected = change.new if change.kind == "rename" else change.replacement
        if expected and expected not in names:
            problems.append(f"{where} has no `{expected}`")
        if old in names:
            problems.append(f"{where} still has `{old}`")
    elif change.kind == "removed-value":
        if old not in names:
            problems.append(f"{where} has no `{old}`")
        elif change.value in names[old]:
            problems.append(f"{where} `{old}` accepts {change.value} again")
    else:
        problems.append(f"unknown kind {change.kind!r}")
    return problems
