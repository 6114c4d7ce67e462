"""Which endpoints a URL prefix can still reach once code out of sight appends to it."""
from __future__ import annotations

from migrator.engine.ruletable import RuleTable


def _open(segment: str) -> bool:
    """A segment whose value analysis cannot see (`{…}`, `{org}`), which may be anything."""
    return "{" in segment or "\x00" in segment


def reachable(api: str, path: str, table: RuleTable) -> tuple:
    """The operations of `api` whose path begins with `path` (a visible prefix, holes as `{…}`)."""
    given = [segment for segment in path.strip("/").split("/") if segment]
    return tuple(
        op
        for op in table.operations
        if op.api == api
        and len(op.segments) >= len(given)
        and all(_open(g) or w.startswith("{") or g == w for g, w in zip(given, op.segments))
    )


def blocked_reach(api: str, path: str, table: RuleTable) -> tuple:
    """Names of the operations without a v1 equivalent that `path` may still lead to."""
    return tuple(sorted({op.operation_id for op in reachable(api, path, table) if op.blocked}))



