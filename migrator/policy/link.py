"""Turn every module's facts into findings, across modules.

A base URL is reported where its text is (the definition), once, however many calls use it.
What the calls ask for decides the finding: a base that only serves migratable endpoints is
rewritten; a call to an endpoint v1 lacks is a blocker at the call; a base shared by both is a
blocker at the definition, because rewriting it would break the blocked calls.
"""
from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Optional

from migrator.engine.findings import Edit, Finding, Fix, dedupe
from migrator.engine.match import (
    BaseMatch,
    blocked_words,
    find_bases,
    narrow,
    read_path,
)
from migrator.engine.ruletable import RuleTable
from migrator.engine.templates import HOLE_CHAR, Hole, Lit, Ref, flatten

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


class ModuleIndex:
    """Resolves imported names to the file that defines them."""

    def __init__(self, facts_by_key: dict):
        self.facts = facts_by_key
        self.by_suffix: dict = {}
        for key in facts_by_key:
            stem = key[:-3] if key.endswith(".py") else key
            stem = stem[: -len("/__init__")] if stem.endswith("/__init__") else stem
            parts = stem.split("/")
            for i in range(len(parts)):
                self.by_suffix.setdefault(".".join(parts[i:]), []).append(key)

    def module_key(self, module: str, importer: str) -> Optional[str]:
        if module.startswith("."):
            level = len(module) - len(module.lstrip("."))
            folder = posixpath.dirname(importer)
            for _ in range(level - 1):
                folder = posixpath.dirname(folder)
            rest = module[level:].replace(".", "/")
            base = posixpath.join(folder, rest) if rest else folder
            for candidate in (base + ".py", base + "/__init__.py"):
                if candidate in self.facts:
                    return candidate
            return None
        keys = self.by_suffix.get(module, [])
        return keys[0] if len(keys) == 1 else None

    def resolve(self, template: tuple, importer: str, depth: int = 0) -> tuple:
        """`template` with every Ref replaced by the exported template it names, or a Hole."""
        out = []
        for part in template:
            if not isinstance(part, Ref):
                out.append(part)
                continue
            key = self.module_key(part.module, importer) if depth < MAX_REF_DEPTH else None
            exported = self.facts[key].exports.get(part.name) if key else None
            if exported is None:
                out.append(Hole(part.name))
            else:
                out.extend(self.resolve(exported, key, depth + 1))
        return tuple(out)


def link(facts_by_key: dict, table: RuleTable, host_re, locate) -> dict:
    """Findings per file key for a set of analysed Python modules.

    `locate(key, offset)` names a place for messages, e.g. "client.py:12".
    """
    index = ModuleIndex(facts_by_key)
    verdicts = defaultdict(list)  # (file key, offset of base text) -> [Verdict]
    from migrator.policy.fields import find_v1_bases

    v1_blocked = defaultdict(list)
    for key, facts in facts_by_key.items():
        for use in facts.uses:
            template = index.resolve(use.template, key)
            for match in find_v1_bases(template, table, host_re):
                if match.blocked and not use.inert:
                    v1_blocked[key].append(v1_blocked_finding(match, use.start, use.end, use.method))
            for match in find_bases(template, table, host_re):
                if match.lit.origin is None:
                    continue
                origin = (match.lit.origin[0], match.lit.origin[1] + match.start)
                verdicts[origin].append(
                    Verdict(match, key, use.start, use.end, use.method, use.docstring, use.assigned, use.inert)
                )
    findings = defaultdict(list, {key: list(items) for key, items in v1_blocked.items()})
    blocked_paths = _blocked_relative_paths(facts_by_key, table, {v.key for g in verdicts.values() for v in g})
    for key, mentions in blocked_paths.items():
        for start, end, match in mentions:
            findings[key].append(blocked_finding(match, start, end))
    for (key, offset), group in verdicts.items():
        group = _prefer_methods(group)
        for finding_key, finding in judge(key, offset, group, locate, blocked_paths, facts_by_key[key]):
            findings[finding_key].append(finding)
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


def is_relative_path(template: tuple) -> bool:
    """`/organizations/...` or `{base}/organizations/...`: an API path joined to a base that
    analysis cannot see (a parameter, an attribute, a variable of another file)."""
    index = 0
    while index < len(template) and not isinstance(template[index], Lit):
        index += 1
    if index == len(template):
        return False
    text = template[index].text
    if text.startswith("/organizations/"):
        return True
    # At the start: `organizations/…`, or a path relative to an organization's URL
    # (`session.get("/notification-channels")` on a session whose base ends in the organization).
    return index == 0 and (text.startswith("organizations/") or re.match(r"/[A-Za-z]", text) is not None)


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
    base = f"{match.api}/v1beta1"
    if match.kind == "spec":
        return f"the v1beta1 {match.api} spec URL"
    if not match.has_path:
        return f"the v1beta1 base `{base}`"
    ops = match.operations if not method else tuple(o for o in match.operations if o.method == method) or match.operations
    if not ops:
        return f"`{base}{match.path}` (an endpoint the rule table does not know)"
    names = " or ".join(sorted({o.operation_id for o in ops}))
    return f"{names} (`{base}{match.path}`)"


def judge(key: str, offset: int, group: list, locate, blocked_paths: Optional[dict] = None, facts=None):
    """Yield (file key, Finding) for one base text and every use of it."""
    if not group:
        return
    length = group[0].match.end - group[0].match.start
    blocked = [v for v in group if v.match.blocked and not v.inert]
    compared = [v for v in group if v.inert]
    calls = [v for v in group if not v.definition and not v.inert]
    if compared and not calls:
        yield from _compared_only(key, offset, length, group)
        return
    serving = [v for v in calls if v.match.path_visible and not v.match.blocked]
    # What may serve a path built elsewhere: a call whose path is out of sight, or a definition
    # nothing in sight uses (a Terraform provider's `uri`, a constant other modules import).
    hidden = [v for v in (calls or group) if not v.match.path_visible]
    for verdict in blocked:
        inline = verdict.key == key and verdict.start <= offset < verdict.end
        start, end = (offset, offset + length) if inline else (verdict.start, verdict.end)
        yield verdict.key, blocked_finding(verdict.match, start, end, verdict.method)
    if blocked and serving:
        where = ", ".join(sorted({locate(v.key, v.start) for v in blocked}))
        fix = split_fix(key, offset, length, blocked, serving, facts) if facts is not None else None
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
    risky = sorted({locate(v.key, start) for v in hidden for start, _, _ in (blocked_paths or {}).get(v.key, [])})
    # With no call in sight, the definition's own path (a constant holding a whole URL) names it.
    named = serving or [v for v in group if v.match.path_visible]
    finding = base_finding(
        best.match,
        offset,
        offset + length,
        [(v.match, v.method) for v in named],
        docstring=all(v.docstring for v in group),
    )
    if facts is not None and any(s <= offset < e for s, e in facts.rebound_spans):
        finding = _unsafe(finding, "the name it is assigned to is assigned again elsewhere: check every value it can hold")
    if compared:
        where = ", ".join(sorted({locate(v.key, v.start) for v in compared}))
        finding = _unsafe(finding, f"the code also compares or replaces it at {where}: rewriting changes those checks")
    if risky:
        finding = _unsafe(finding, f"calls through this base build their path elsewhere, and {', '.join(risky)} "
                                   "builds a path v1 lacks")
    yield key, finding


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
        f"Astro API v1beta1 URL `{match.api}/v1beta1` that the code compares or replaces rather than "
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
    edits = [Edit(offset, offset + length, "v1", base_text(blocked[0].match)), Edit(line_end, line_end, insert, "")]
    edits += [Edit(ref[1], ref[2], copy, ref[3]) for ref in sorted(references)]
    fix = Fix("safe", f"Rewrite `{name}` to v1 and point the blocked calls at `{copy}`, a v1beta1 copy", tuple(edits))
    if "getenv" in value or "environ" in value:
        return _unsafe_fix(fix, "both read the same environment variable: where it is set, the copy needs a "
                                "variable of its own, or the blocked calls follow it to v1")
    if name in facts.rebound:
        return _unsafe_fix(fix, f"`{name}` is assigned again elsewhere: check that the copy should follow it")
    return fix


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
        f"{describe(match, method).replace('v1/v1beta1', 'v1')} is called on v1, which has no such endpoint: "
        "the call fails. Point it back at v1beta1 until Astronomer ships a replacement",
        start,
        end,
        endpoint=match.endpoint(method),
    )


def base_text(match: BaseMatch) -> str:
    """The base as the analysis read it: what a fix's edit expects to find at its span."""
    return match.lit.text[match.start : match.end]


def base_finding(match: BaseMatch, start: int, end: int, serving: list, docstring: bool = False) -> Finding:
    """AM101/102/103/105: a v1beta1 base to rewrite, for the (match, method) calls it serves."""
    code = "AM105" if docstring else {"url": "AM101", "spec": "AM103", "path": "AM102"}[match.kind]
    endpoints = {m.endpoint(method) for m, method in serving} - {None}
    unknown = any(not m.operations for m, _ in serving)
    new = "spec/v1" if match.kind == "spec" else "v1"
    fix = Fix(
        "unsafe" if unknown else "safe",
        f"Replace `{match.api}/v1beta1` with `v1`"
        + (" (the path is not in the rule table: check that v1 serves it)" if unknown else ""),
        (Edit(start, end, "v1", base_text(match)),),
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
        f"Astro API v1beta1 {what} `{match.api}/v1beta1`{detail}; v1 serves it at `{new}`",
        start,
        end,
        fix=fix,
        endpoint=next(iter(endpoints)) if len(endpoints) == 1 else None,
    )
