"""The findings about one v1beta1 base or one call, and the words they say.

`describe` names a matched endpoint; the builders make AM101-AM105 (a base to rewrite, with its
fix) and AM201 (a call to an endpoint v1 lacks, never fixed). Which one applies is `judge`'s call.
"""
from __future__ import annotations

from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Edit, Finding, Fix
from migrator.engine.lazy_re import lazy
from migrator.engine.match import BaseMatch

PLACEHOLDER = lazy(r"\{[^{}]*\}")


def describe(match: BaseMatch, method: Optional[str] = None) -> str:
    """The endpoint as every message shows it: the rule table's path with `{…}` for each
    placeholder, whatever value (a literal id, an environment default) the code put there."""
    facts = ruletable.facts()
    base = facts.v1 if match.api == facts.v1 else facts.base_of(match.api)
    if match.kind == "spec":
        return f"the v1beta1 {match.api} spec URL"
    if not match.has_path:
        return f"the v1beta1 base `{base}`"
    ops = match.operations if not method else tuple(o for o in match.operations if o.method == method) or match.operations
    if not ops:
        return f"`{base}{match.path}` (an endpoint the rule table does not know)"
    names = " or ".join(sorted({o.operation_id for o in ops}))
    paths = " or ".join(f"`{base}{path}`" for path in sorted({PLACEHOLDER.sub("{…}", o.path) for o in ops}))
    return f"{names} ({paths})"


def blocked_finding(match: BaseMatch, start: int, end: int, method: Optional[str] = None) -> Finding:
    """AM201: a call to an endpoint that v1 lacks. Never fixed."""
    return Finding(
        "AM201",
        f"{describe(match, method)} has no v1 equivalent; it stops working when v1beta1 support "
        "ends. Keep it on v1beta1 until Astronomer ships a replacement",
        start,
        end,
        endpoint=match.endpoint(method),
    )


def v1_blocked_finding(match: BaseMatch, start: int, end: int, method: Optional[str] = None) -> Finding:
    """AM201 for a call already moved to v1 that v1 does not serve (alerts on /v1 fail today)."""
    return Finding(
        "AM201",
        f"{describe(match, method)} is called on v1, which has no such endpoint: "
        "the call fails. Point it back at v1beta1 until Astronomer ships a replacement",
        start,
        end,
        endpoint=match.endpoint(method),
    )


def base_text(match: BaseMatch) -> str:
    """The base as the analysis read it: what a fix's edit expects to find at its span."""
    return match.lit.text[match.start : match.end]


def base_finding(match: BaseMatch, start: int, end: int, serving: list, docstring: bool = False,
                 paths: tuple = ()) -> Finding:
    """AM101/102/103/105: a v1beta1 base to rewrite, for the (match, method) calls it serves;
    `paths`, the edits of path segments v1 serves elsewhere (see v1paths)."""
    facts = ruletable.facts()
    code = "AM105" if docstring else {"url": "AM101", "spec": "AM103", "path": "AM102"}[match.kind]
    endpoints = {m.endpoint(method) for m, method in serving} - {None}
    unknown = any(not m.operations for m, _ in serving)
    new = facts.v1_spec if match.kind == "spec" else facts.v1
    base = facts.base_of(match.api)
    moved = "".join(f", `{edit.expected}` with `{edit.content}`" for edit in paths)  # segments v1 renamed
    fix = Fix(
        "unsafe" if unknown else "safe",
        f"Replace `{base}` with `{facts.v1}`{moved}"
        + (" (the path is not in the rule table: check that v1 serves it)" if unknown else ""),
        (Edit(start, end, facts.v1, base_text(match)), *paths),
    )
    what = {"url": "URL", "spec": "spec URL", "path": "path"}[match.kind]
    if len({m.path for m, _ in serving}) == 1:
        detail = f" for {describe(*serving[0])}"
    elif serving:
        detail = f" used by {len(serving)} calls"
    else:
        detail = ""
    return Finding(
        code,
        f"Astro API v1beta1 {what} `{base}`{detail}; v1 serves it at `{new}`",
        start,
        end,
        fix=fix,
        endpoint=next(iter(endpoints)) if len(endpoints) == 1 else None,
    )
