"""Turn every module's facts into findings, across modules.

A base URL is reported where its text is (the definition), once, however many calls use it.
What the calls ask for decides the finding: a base that only serves migratable endpoints is
rewritten; a call to an endpoint v1 lacks is a blocker at the call; a base shared by both is a
blocker at the definition, because rewriting it would break the blocked calls.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Edit, Finding, Fix, dedupe
from migrator.engine.match import (
    BaseMatch,
    blocked_words,
    find_bases,
    is_relative_path,
    narrow,
    read_path,
)
from migrator.engine.ruletable import RuleTable
from migrator.engine.templates import HOLE_CHAR, Hole, Lit, Ref, flatten
from migrator.policy.reach import blocked_reach
from migrator.policy.v1paths import NONE as NO_REWRITE
from migrator.policy.v1paths import PathRewrite, path_rewrite

MAX_REF_DEPTH = 10
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


@dataclass(frozen=True)
class Project:
    """What judging one base needs to know about the whole project."""

    table: RuleTable
    locate: object  # (file key, offset) -> "file:line"
    facts: dict  # file key -> PythonFacts
    attribute_readers: dict  # attribute name -> file keys that read it on an object analysis cannot tell


class ModuleIndex:
    """Resolves imported names to the templates the defining modules export.

    `resolve_module(module, importer)` says which analysed files an import may load (see
    `project.model.Project.resolve`). An import that may load several files resolves to a Hole,
    and each file's exported base gets a read it cannot follow: `unfollowed`.
    """

    def __init__(self, facts_by_key: dict, resolve_module):
        self.facts = facts_by_key
        self.resolve_module = resolve_module
        self.unfollowed: list = []  # (exported template, defining key, reading key, start, end, why)
        self.attribute_reads: list = []  # (attribute, reading key): `CONFIG.url` of an imported object
        self._reading: tuple = ("", 0, 0)  # the use being resolved: (key, start, end)

    def resolve_use(self, template: tuple, key: str, start: int, end: int) -> tuple:
        self._reading = (key, start, end)
        return self.resolve(template, key)

    def resolve(self, template: tuple, importer: str, depth: int = 0) -> tuple:
        """`template` with every Ref replaced by the exported template it names, or a Hole."""
        out = []
        for part in template:
            if not isinstance(part, Ref):
                out.append(part)
                continue
            found = self.resolve_module(part.module, importer) if depth < MAX_REF_DEPTH else None
            keys = [k for k in found.keys if k in self.facts] if found else []
            if found is not None and found.ambiguous:
                for key in keys:
                    exported = self.facts[key].exports.get(part.name)
                    if exported is not None:
                        self.unfollowed.append((self.resolve(exported, key, depth + 1), key, *self._reading,
                                                f"imported ambiguously ({found.describe()})"))
                out.append(Hole(part.name))
                continue
            if found is not None and not found.keys:
                owner = part.module.rpartition(".")[0]
                if owner and self.resolve_module(owner, importer).keys:  # an attribute of an imported object
                    self.attribute_reads.append((part.name, self._reading[0]))
            exported = self.facts[keys[0]].exports.get(part.name) if len(keys) == 1 else None
            if exported is None:
                out.append(Hole(part.name))
            else:
                out.extend(self.resolve(exported, keys[0], depth + 1))
        return tuple(out)

    def star_reads(self) -> None:
        """`from m import *`: every base `m` exports is read where analysis cannot follow it."""
        for key, facts in self.facts.items():
            for module in facts.star_imports:
                found = self.resolve_module(module, key)
                for defining in found.keys:
                    for exported in getattr(self.facts.get(defining), "exports", {}).values():
                        self.unfollowed.append((self.resolve(exported, defining), defining, key, 0, 0,
                                                f"star-imported (`from {module} import *`)"))


def link(facts_by_key: dict, table: RuleTable, host_re, locate, resolve_module, reported=None) -> dict:
    """Findings per file key for a set of analysed Python modules.

    `locate(key, offset)` names a place for messages, e.g. "client.py:12"; `resolve_module`
    resolves imports (see ModuleIndex); `reported` (default: all) are the files findings are
    for: a base defined in another file is reported at the named file's uses of it.
    """
    index = ModuleIndex(facts_by_key, resolve_module)
    verdicts = defaultdict(list)  # (file key, offset of base text) -> [Verdict]
    from migrator.policy.fields import find_v1_bases

    v1_blocked = defaultdict(list)
    for key, facts in facts_by_key.items():
        for use in facts.uses:
            template = index.resolve_use(use.template, key, use.start, use.end)
            for match in find_v1_bases(template, table, host_re):
                if match.blocked and not use.inert:
                    v1_blocked[key].append(v1_blocked_finding(match, use.start, use.end, use.method))
            for match in find_bases(template, table, host_re):
                if match.lit.origin is None:
                    continue
                origin = (match.lit.origin[0], match.lit.origin[1] + match.start)
                verdicts[origin].append(
                    Verdict(match, key, use.start, use.end, use.method, use.docstring, use.assigned, use.inert,
                            use.escape, use.attribute, use.binds, path_rewrite(template, match, use.method))
                )
    index.star_reads()
    for template, defining, key, start, end, why in index.unfollowed:
        for match in find_bases(template, table, host_re):
            if match.lit.origin is not None and match.lit.origin[0] == defining:
                origin = (defining, match.lit.origin[1] + match.start)
                verdicts[origin].append(Verdict(match, key, start, end, None, False, escape=why))
    findings = defaultdict(list, {key: list(items) for key, items in v1_blocked.items()})
    blocked_paths = _blocked_relative_paths(facts_by_key, table, {v.key for g in verdicts.values() for v in g})
    for key, mentions in blocked_paths.items():
        for start, end, match in mentions:
            findings[key].append(blocked_finding(match, start, end))
    readers = defaultdict(list)
    for key, facts in facts_by_key.items():
        for name in facts.unresolved_attrs:
            readers[name].append(key)
    for name, key in index.attribute_reads:
        readers[name].append(key)
    project = Project(table, locate, facts_by_key, readers)
    for (key, offset), group in verdicts.items():
        group = _prefer_methods(group)
        for finding_key, finding in judge(key, offset, group, project):
            if reported is None or finding_key in reported:
                findings[finding_key].append(finding)
            elif finding.code != "AM201":
                for verdict in group:
                    if verdict.key in reported and not verdict.definition:
                        findings[verdict.key].append(remote_finding(finding, verdict, locate(key, offset)))
    for key, facts in facts_by_key.items():
        for offset, text in facts.comments:
            for match in find_bases((Lit(text, (key, offset)),), table, host_re):
                start = offset + match.start
                findings[key].append(
                    Finding("AM104", f"comment names {describe(match)}", start, start + match.end - match.start)
                )
    from migrator.policy import fields

    for key, items in fields.judge(facts_by_key, index, table, host_re).items():
        findings[key].extend(items)
    return {key: dedupe(items) for key, items in findings.items()}


def _blocked_relative_paths(facts_by_key: dict, table: RuleTable, base_files: set) -> dict:
    """Host-less paths to endpoints v1 lacks, in the modules that also use a v1beta1 base."""
    found = {key: blocked_relative(facts_by_key[key].relative, table) for key in base_files}
    return {key: items for key, items in found.items() if items}


def blocked_relative(uses, table: RuleTable) -> list:
    """(start, end, match) of the relative paths among `uses` that lead to endpoints v1 lacks.

    `f"/organizations/{org}/alerts"` handed to a helper, or a Terraform `restapi_object` path,
    is a blocked call even though analysis cannot see where it is joined to the base.
    """
    found = []
    for use in uses:
        if not is_relative_path(use.template):
            continue
        flat = flatten(use.template).lstrip(HOLE_CHAR)
        if flat.strip("/").split("/", 1)[0] in blocked_words(table):
            flat = f"/organizations/{HOLE_CHAR}/" + flat.lstrip("/")
        path, query, operations = read_path(flat, "platform", table)
        match = BaseMatch("path", "platform", Lit(""), 0, 0, path.replace(HOLE_CHAR, "{…}"), query, operations)
        if match.blocked:
            found.append((use.start, use.end, match))
    return found


def _prefer_methods(group: list) -> list:
    """Drop a method-less verdict where the same endpoint was also seen with a method."""

    def endpoint(verdict: Verdict):
        ops = verdict.match.operations
        return frozenset(op.path for op in ops) if ops else verdict.match.path

    with_method = {endpoint(v) for v in group if v.method}
    return [v for v in group if v.method or endpoint(v) not in with_method]


def describe(match: BaseMatch, method: Optional[str] = None) -> str:
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
    return f"{names} (`{base}{match.path}`)"


def judge(key: str, offset: int, group: list, project: Project):
    """Yield (file key, Finding) for one base text and every use of it."""
    if not group:
        return
    locate = project.locate
    length = group[0].match.end - group[0].match.start
    blocked = [v for v in group if v.match.blocked and not v.inert]
    compared = [v for v in group if v.inert]
    calls = [v for v in group if not v.definition and not v.inert]
    if compared and not calls and not any(v.attribute for v in group):
        yield from _compared_only(key, offset, length, group)
        return
    serving = [v for v in calls if v.match.path_visible and not v.match.blocked]
    for verdict in blocked:
        inline = verdict.key == key and verdict.start <= offset < verdict.end
        start, end = (offset, offset + length) if inline else (verdict.start, verdict.end)
        yield verdict.key, blocked_finding(verdict.match, start, end, verdict.method)
    reasons = unfollowed_reads(group, calls, project)
    facts = project.facts.get(key)  # None for a text file: no module facts, no split
    if blocked and serving:
        where = ", ".join(sorted({locate(v.key, v.start) for v in blocked}))
        fix = split_fix(key, offset, length, blocked, serving, facts) if facts is not None else None
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
    if compared:
        where = ", ".join(sorted({locate(v.key, v.start) for v in compared}))
        reasons.append(f"the code also compares or replaces it at {where}: rewriting changes those checks")
    if reasons:
        finding = _unsafe(finding, "; ".join(reasons))
    yield key, finding


def unfollowed_reads(group: list, calls: list, project: Project) -> list:
    """Why a rewrite of this base may reach an endpoint v1 lacks: every read of it that analysis
    cannot follow to its end, where code out of sight may still append a path such as `/alerts`.
    Unknown is never safe: an empty list means every read was followed."""
    table, locate = project.table, project.locate
    reasons = []

    def reach(verdict: Verdict, why: str) -> None:
        if verdict.match.kind == "spec":  # a spec URL serves a document, not the endpoints
            return
        lost = blocked_reach(verdict.match.api, verdict.match.path if verdict.match.path_visible else "", table)
        if lost:
            reasons.append(f"{why}, and from there it may still reach {_names(lost)}, which v1 lacks")

    for verdict in group:
        where = locate(verdict.key, verdict.start)
        facts = project.facts.get(verdict.key)
        unmapped = facts.unmapped if facts is not None else ""
        if unmapped:
            reasons.append(f"{where}: {unmapped}, so its reads cannot be followed")
        if verdict.escape:
            reach(verdict, f"{where}: {verdict.escape}")
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


def remote_finding(finding: Finding, verdict: Verdict, where: str) -> Finding:
    """A use, in a file being checked, of a v1beta1 base defined in a file that is not: the
    finding (and its fix) belongs to the definition, so this one points there."""
    return Finding(
        finding.code,
        f"this call goes through the v1beta1 base defined at {where}: {finding.message}; fix it there",
        verdict.start,
        verdict.end,
        endpoint=finding.endpoint,
    )


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
