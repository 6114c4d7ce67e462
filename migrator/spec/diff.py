"""Compare two spec indexes: operations added and removed, schema fields and query parameters changed.

Renames are inferred, for review: in one schema (or one operation's query), the only removed
and the only added name, or a removed and an added name that look alike.
"""
from __future__ import annotations

import difflib

from migrator.spec.index import label, operations_by_key

SIMILAR = 0.6  # difflib ratio above which a removed and an added name count as a rename


def diff(old: dict, new: dict) -> dict:
    """The changes from index ``old`` to index ``new``, as JSON-ready data."""
    old_ops, new_ops = operations_by_key(old), operations_by_key(new)
    both = _ordered(old_ops.keys() & new_ops.keys())
    query = {label(new_ops[k]): _changes(old_ops[k]["query"], new_ops[k]["query"]) for k in both}
    old_schemas, new_schemas = old["schemas"], new["schemas"]
    fields = {
        name: _changes(dict.fromkeys(old_schemas[name], []), dict.fromkeys(new_schemas[name], []))
        for name in sorted(old_schemas.keys() & new_schemas.keys())
    }
    return {
        "from": f"{old['title']} {old['version']}".strip(),
        "to": f"{new['title']} {new['version']}".strip(),
        "operations_added": [label(new_ops[k]) for k in _ordered(new_ops.keys() - old_ops.keys())],
        "operations_removed": [label(old_ops[k]) for k in _ordered(old_ops.keys() - new_ops.keys())],
        "query_changed": {name: change for name, change in query.items() if change},
        "schemas_added": sorted(new_schemas.keys() - old_schemas.keys()),
        "schemas_removed": sorted(old_schemas.keys() - new_schemas.keys()),
        "fields_changed": {name: change for name, change in fields.items() if change},
    }


def has_changes(result: dict) -> bool:
    return any(value for key, value in result.items() if key not in ("from", "to"))


def render_text(result: dict) -> str:
    lines = [f"from {result['from']} to {result['to']}"]
    for key, mark in (("operations_added", "+"), ("operations_removed", "-")):
        if result[key]:
            lines.append(f"{key.replace('_', ' ')} ({len(result[key])}):")
            lines += [f"  {mark} {op}" for op in result[key]]
    for key in ("schemas_added", "schemas_removed"):
        if result[key]:
            lines.append(f"{key.replace('_', ' ')} ({len(result[key])}): {', '.join(result[key])}")
    for key, title in (("query_changed", "query parameters changed"),
                       ("fields_changed", "schema fields changed")):
        if result[key]:
            lines.append(f"{title} ({len(result[key])}):")
            lines += [f"  {name}: {_describe(change)}" for name, change in result[key].items()]
    if any("renamed" in change for key in ("query_changed", "fields_changed")
           for change in result[key].values()):
        lines.append("renames are inferred from the names: review them")
    if not has_changes(result):
        lines.append("no differences")
    return "\n".join(lines)


def _ordered(keys) -> list:
    """Operation keys by path, then method."""
    return sorted(keys, key=lambda key: (key[1], key[0]))


def _changes(old: dict, new: dict) -> dict:
    """Names (mapped to their allowed values) renamed, removed, added, or losing values."""
    removed = sorted(old.keys() - new.keys())
    added = sorted(new.keys() - old.keys())
    renamed = _renames(removed, added)
    lost = {
        name: sorted(set(old[name]) - set(new[name]))
        for name in sorted(old.keys() & new.keys())
        if new[name] and set(old[name]) - set(new[name])
    }
    change = {
        "renamed": [list(pair) for pair in renamed],
        "removed": [name for name in removed if name not in {a for a, _ in renamed}],
        "added": [name for name in added if name not in {b for _, b in renamed}],
        "values_removed": lost,
    }
    return {key: value for key, value in change.items() if value}


def _renames(removed: list, added: list) -> list:
    if len(removed) == len(added) == 1:
        return [(removed[0], added[0])]
    scored = sorted(((_similarity(a, b), a, b) for a in removed for b in added), reverse=True)
    pairs, used = [], set()
    for score, a, b in scored:
        if score >= SIMILAR and a not in used and b not in used:
            pairs.append((a, b))
            used |= {a, b}
    return sorted(pairs)


def _similarity(a: str, b: str) -> float:
    a, b = a.lower(), b.lower()
    return 1.0 if a in b or b in a else difflib.SequenceMatcher(None, a, b).ratio()


def _describe(change: dict) -> str:
    parts = [f"renamed {a} -> {b}" for a, b in change.get("renamed", ())]
    parts += [f"removed {name}" for name in change.get("removed", ())]
    parts += [f"added {name}" for name in change.get("added", ())]
    parts += [f"{name} no longer accepts {', '.join(values)}"
              for name, values in change.get("values_removed", {}).items()]
    return "; ".join(parts)
