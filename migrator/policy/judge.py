"""Judge one v1beta1 base text by every use of it: rewrite it, block it, or split it.

A base that only serves migratable endpoints is rewritten; a call to an endpoint v1 lacks is a
blocker at the call; a base shared by both is a blocker at the definition (AM202), with a fix
that splits the constant where the code allows it. A rewrite is safe only when every read of the
base was followed (`unfollowed_reads`): unknown is never safe.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Edit, Finding, Fix
from migrator.engine.match import BaseMatch, narrow
from migrator.engine.ruletable import RuleTable
from migrator.policy import parts
from migrator.policy.messages import base_finding, base_text, blocked_finding
from migrator.policy.reach import blocked_reach
from migrator.policy.v1paths import NONE as NO_REWRITE
from migrator.policy.v1paths import PathRewrite

KIND_RANK = {"url": 3, "spec": 2, "path": 1}


@dataclass(frozen=True)
class Verdict:
    match: BaseMatch
    key: str  # file of the use
    start: int  # span of the use
    end: int
    method: Optional[str]
    docstring: bool
    definition: bool = False  # the value a name is defined to, not a call
    inert: bool = False  # compared or replaced, not requested
    escape: str = ""  # why the value goes where analysis cannot follow it
    attribute: str = ""  # the attribute the value is stored in
    binds: str = ""  # the name the value is bound to
    path: PathRewrite = NO_REWRITE  # the path segments v1 serves the call at, where they changed
    attributes: tuple = ()  # attributes (`self.path`) the value was read through, in their own class
    reshaped: bool = False  # cut or changed before use: its visible path says nothing
    names: tuple = ()  # module-level names the value was read through


@dataclass(frozen=True)
class Project:
    """What judging one base needs to know about the whole project."""

    table: RuleTable
    locate: object  # (file key, offset) -> "file:line"
    facts: dict  # file key -> PythonFacts
    attribute_readers: dict  # attribute name -> file keys that read it on an object analysis cannot tell
    attribute_writers: dict  # attribute name -> {(class or "" for an instance or constructor, what sets it)}
    subclasses: dict  # class name -> the classes that name it as a base
    # (file key, offset) of a base -> why a rewrite there is unsafe whatever it reaches (see `parts`)
    caveats: dict = field(default_factory=dict)

    @cached_property
    def rebound_names(self) -> frozenset:
        """Module-level names some module assigns again (`global`, `+=`, twice)."""
        return frozenset(name for facts in self.facts.values() for name in facts.rebound & facts.names)

    def overriders(self, qualified: str) -> list:
        """What else may set `Class.attr` on an instance of Class: its subclasses (at any depth)
        that set it, a constructor field, an assignment to an object's attribute."""
        owner, _, name = qualified.partition(".")
        family, todo = set(), [owner]
        while todo:
            for sub in self.subclasses.get(todo.pop(), ()):
                if sub not in family:
                    family.add(sub)
                    todo.append(sub)
        return sorted(text for cls, text in self.attribute_writers.get(name, ()) if cls == "" or cls in family)

def judge(key: str, offset: int, group: list, project: Project):
    """Yield (file key, Finding) for one base text and every use of it."""
    if not group:
        return
    locate = project.locate
    found = parts.spot(group[0].match)
    length = len(found.text) if found is not None else group[0].end - group[0].start
    blocked = [v for v in group if v.match.blocked and not v.inert]
    compared = [v for v in group if v.inert]
    calls = [v for v in group if not v.definition and not v.inert]
    if compared and not calls and not any(v.attribute for v in group):
        yield from _compared_only(key, offset, length, group)
        return
    serving = [v for v in calls if v.match.path_visible and not v.match.blocked]
    places = []  # (file key, start, end) of each blocked call, for an AM202's related locations
    for verdict in blocked:
        inline = verdict.key == key and verdict.start <= offset < verdict.end
        start, end = (offset, offset + length) if inline else (verdict.start, verdict.end)
        places.append((verdict.key, start, end))
        yield verdict.key, blocked_finding(verdict.match, start, end, verdict.method)
    reasons = unfollowed_reads(group, calls, project) + list(project.caveats.get((key, offset), ()))
    facts = project.facts.get(key)  # None for a text file: no module facts, no split
    if blocked and serving:
        where = ", ".join(sorted({locate(v.key, v.start) for v in blocked}))
        # Reads that cannot be followed keep the v1beta1 copy too: an unsafe split errs toward
        # leaving a call where it works today.
        staying = blocked + [v for v in group if v.escape and v not in blocked and v.match.lit.via]
        fix = split_fix(key, offset, length, staying, serving, facts) if facts is not None else None
        if fix is not None and reasons:
            fix = _unsafe_fix(fix, "; ".join(reasons))
        yield key, Finding(
            "AM202",
            f"this v1beta1 base serves endpoints v1 lacks (at {where}) and {len(serving)} "
            "migratable call(s): rewriting it alone would break the blocked calls"
            + ("" if fix else ". Give the blocked calls their own v1beta1 constant, then rewrite this one"),
            offset,
            offset + length,
            fix=fix,
            extra={"blocked": tuple(places)},
        )
        return
    if blocked:
        return
    best = max(group, key=lambda v: KIND_RANK[v.match.kind])
    # With no call in sight, the definition's own path (a constant holding a whole URL) names it.
    named = serving or [v for v in group if v.match.path_visible]
    finding = base_finding(
        best.match,
        offset,
        offset + length,
        [(v.match, v.method) for v in named],
        docstring=all(v.docstring for v in group),
        paths=tuple(dict.fromkeys(edit for v in group for edit in v.path.edits)),
    )
    reasons += [f"{locate(v.key, v.start)}: {v.path.problem}" for v in group if v.path.problem]
    if facts is not None and any(s <= offset < e for s, e in facts.rebound_spans):
        reasons.append("the name it is assigned to is assigned again elsewhere: check every value it can hold")
    reasons += _rebound_parts(group, project)
    if compared:
        where = ", ".join(sorted({locate(v.key, v.start) for v in compared}))
        reasons.append(f"the code also compares or replaces it at {where}: rewriting changes those checks")
    finding = _respelled(finding, group)
    if reasons:
        finding = _unsafe(finding, "; ".join(reasons))
    yield key, finding


def _respelled(finding: Finding, group: list) -> Finding:
    """`finding` with the edits that make the base read `v1` as the source spells it (see `parts`),
    or without a fix, and why, when some part of it is out of reach."""
    if finding.fix is None:
        return finding
    edits, why = parts.group_edits([v.match for v in group])
    if why:
        return replace(finding, fix=None, message=f"{finding.message}; {why}")
    return replace(finding, fix=replace(finding.fix, edits=tuple(dict.fromkeys(edits + finding.fix.edits[1:]))))


def unfollowed_reads(group: list, calls: list, project: Project) -> list:
    """Why a rewrite of this base may reach an endpoint v1 lacks: every read of it that analysis
    cannot follow to its end, where code out of sight may still append a path such as `/alerts`.
    Unknown is never safe: an empty list means every read was followed."""
    table, locate = project.table, project.locate
    reasons = []

    def reach(verdict: Verdict, why: str, whole: bool = False) -> None:
        """`whole`: the path the verdict shows may be another one altogether."""
        if verdict.match.kind == "spec":  # a spec URL serves a document, not the endpoints
            return
        visible = verdict.match.path if verdict.match.path_visible and not whole else ""
        lost = blocked_reach(verdict.match.api, visible, table)
        if lost:
            reasons.append(f"{why}, and from there it may still reach {_names(lost)}, which v1 lacks")

    for verdict in group:
        where = locate(verdict.key, verdict.start)
        facts = project.facts.get(verdict.key)
        unmapped = facts.unmapped if facts is not None else ""
        if unmapped:
            reasons.append(f"{where}: {unmapped}, so its reads cannot be followed")
        if facts is not None and facts.dynamic:
            reach(verdict, f"{where}: the module uses {facts.dynamic}", whole=True)
        if facts is None and verdict.definition:  # a shell/CI/config variable: exported, sourced, read by steps
            reach(verdict, f"{where}: other scripts, processes and CI steps may read this variable")
        for name in verdict.names:
            setters = sorted(text for cls, text in project.attribute_writers.get(name, ()) if cls == "")
            if setters:
                reach(verdict, f"{where}: reads `{name}`, which is also set as {', '.join(setters[:3])}",
                      whole=True)
        for qualified in verdict.attributes:
            others = project.overriders(qualified)
            if others:
                reach(verdict, f"{where}: reads `{qualified}`, which is also set by {', '.join(others[:3])}",
                      whole=True)
        if verdict.escape:
            reach(verdict, f"{where}: {verdict.escape}", whole=verdict.reshaped)
        elif verdict.attribute:
            readers = project.attribute_readers.get(verdict.attribute, [])
            if readers:
                places = ", ".join(sorted(set(readers))[:3])
                reach(verdict, f"{where}: stored in attribute `{verdict.attribute}`, which {places} reads "
                               "on objects the analysis cannot tell apart")
        elif not verdict.definition and not verdict.inert and not verdict.match.path_visible:
            reach(verdict, f"{where}: the call's path is built out of sight")
    if not calls:  # the names no other definition reads are the values that go on out of sight
        referenced = {reference[3] for v in group for reference in v.match.lit.via}
        for verdict in group:
            if verdict.definition and not verdict.attribute and verdict.binds not in referenced:
                name = f"`{verdict.binds}`" if verdict.binds else "it"
                reach(verdict, f"{locate(verdict.key, verdict.start)}: nothing in the project reads {name} "
                               "(code outside the project may)")
    return list(dict.fromkeys(reasons))


def _rebound_parts(group: list, project: Project) -> list:
    """Why a fix that rewrites a base joined from names (`{HOST}/platform/{VER}`, `{ASTRO_API}/v1beta1`)
    is unsafe: one of those names is assigned again (`global`, `+=`, twice), so the fix, which
    assumes the value it saw, may turn another value (another host, version or group) into `v1`."""
    joined = [v for v in group if v.match.lit.spelled is not None or v.match.pieces]
    names = sorted({name for v in joined for name in v.names if name in project.rebound_names})
    return [f"`{name}`, which the URL is joined from, is assigned again elsewhere: check every value it can hold"
            for name in names]


def _names(operations: tuple) -> str:
    shown = ", ".join(operations[:3])
    return shown + (f" and {len(operations) - 3} more" if len(operations) > 3 else "")


def _unsafe_fix(fix: Fix, reason: str) -> Fix:
    """`fix` marked unsafe, the reason added to its message."""
    return replace(fix, applicability="unsafe", message=f"{fix.message} ({reason})")


def _unsafe(finding: Finding, reason: str) -> Finding:
    """`finding` with its fix (if any) marked unsafe."""
    return finding if finding.fix is None else replace(finding, fix=_unsafe_fix(finding.fix, reason))


def _compared_only(key: str, offset: int, length: int, group: list):
    """A base that the code only compares or replaces (a migration shim, a check): no request
    goes to it, so it is not rewritten. A full URL is reported for a person to review."""
    match = max(group, key=lambda v: KIND_RANK[v.match.kind]).match
    if match.kind == "path":
        return
    yield key, Finding(
        "AM101",
        f"Astro API v1beta1 URL `{ruletable.facts().base_of(match.api)}` that the code compares or replaces rather than "
        "requests; review it by hand (rewriting it could break the comparison)",
        offset,
        offset + length,
    )


def split_fix(key: str, offset: int, length: int, blocked: list, serving: list, facts) -> Optional[Fix]:
    """Move a shared module constant to v1 and give its blocked calls a v1beta1 copy.

    Only where every blocked call names the constant directly, in the module that defines it
    once (`NAME = value`); anything else is left to a person.
    """
    if any(v.match.pieces or v.match.lit.spelled for v in blocked + serving):
        return None  # a base joined from parts: its parts are left to a person
    references = {v.match.lit.via[-1] if len(v.match.lit.via) == 1 else None for v in blocked}
    names = {ref[3] for ref in references if ref is not None}
    if None in references or len(names) != 1 or any(ref[0] != key for ref in references):
        return None
    if references & {v.match.lit.via[-1] for v in serving if v.match.lit.via}:
        return None  # one reference serves both (a shared client's base_url): nothing to split
    name = names.pop()
    copy = f"{name}_V1BETA1"
    definition = facts.definitions.get(name)
    if definition is None or copy in facts.names:
        return None
    start, value, indent, line_end, newline = definition
    if not start <= offset < start + len(value):
        return None
    operations = sorted({op.operation_id for v in blocked for op in narrow(v.match.operations, v.method)})
    note = f"  # {', '.join(operations)}: no v1 equivalent yet, stays on v1beta1"
    line = f"{indent}{copy} = {value}{note}"
    insert = f"{line}{newline}" if newline else f"\n{line}"
    edits = [Edit(offset, offset + length, ruletable.facts().v1, base_text(blocked[0].match)),
             Edit(line_end, line_end, insert, "")]
    edits += [Edit(ref[1], ref[2], copy, ref[3]) for ref in sorted(references)]
    fix = Fix("safe", f"Rewrite `{name}` to v1 and point the blocked calls at `{copy}`, a v1beta1 copy", tuple(edits))
    if "getenv" in value or "environ" in value:
        return _unsafe_fix(fix, "both read the same environment variable: where it is set, the copy needs a "
                                "variable of its own, or the blocked calls follow it to v1")
    if name in facts.rebound:
        return _unsafe_fix(fix, f"`{name}` is assigned again elsewhere: check that the copy should follow it")
    return fix
