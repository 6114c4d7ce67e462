"""Turn every module's facts into findings, across modules.

Each use's template is resolved through the names its module imports (`imports.ModuleIndex`).
A base URL is reported where its text is (the definition), once, however many calls use it:
`judge` decides the finding from what the calls ask for. A file being checked that uses a base
defined in a file that is not gets a finding pointing there (`remote_finding`). Host-less paths
to endpoints v1 lacks, bases in comments and JSON field changes (`fields`) are reported here too.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

from migrator.engine.findings import Finding, dedupe
from migrator.engine.match import BaseMatch, blocked_words, find_bases, is_relative_path, read_path
from migrator.engine.ruletable import RuleTable
from migrator.engine.templates import HOLE_CHAR, Lit, flatten
from migrator.policy import fields, parts, shared
from migrator.policy.imports import ModuleIndex
from migrator.policy.judge import Project, Verdict, judge
from migrator.policy.messages import blocked_finding, describe, v1_blocked_finding
from migrator.policy.v1paths import path_rewrite


def link(facts_by_key: dict, table: RuleTable, host_re, locate, resolve_module, reported=None,
         notebook_reads: Sequence = (), definitions: Sequence = ()) -> dict:
    """Findings per file key for a set of analysed Python modules.

    `locate(key, offset)` names a place for messages, e.g. "client.py:12"; `resolve_module`
    resolves imports (see ModuleIndex); `reported` (default: all) are the files findings are
    for: a base defined in another file is reported at the named file's uses of it.
    `definitions` (see `project.shared_names`) are the values configuration files give the names
    the code reads (`os.getenv("X")`): a value is judged by the calls that read it, and findings
    about it are returned for its file too (see `shared.merge`).
    """
    defined = shared.index(definitions)
    config_files = {d.path for d in definitions}
    index = ModuleIndex(facts_by_key, resolve_module)
    verdicts = defaultdict(list)  # (file key, offset of base text) -> [Verdict]
    v1_blocked = defaultdict(list)
    reads = []  # (file key, Use, resolved template) of every use
    for key, facts in facts_by_key.items():
        for use in facts.uses:
            for template in shared.alternatives(index.resolve_use(use.template, key, use.start, use.end), defined):
                _judge_use(key, use, template, table, host_re, reads, v1_blocked, verdicts)
    index.star_reads()
    for key, facts in facts_by_key.items():
        if facts.dynamic_imports or facts.dynamic:
            index.dynamic_reads(key, f"uses {facts.dynamic}" if facts.dynamic else "")
            break
    index.outside_reads(notebook_reads)
    for template, defining, key, start, end, why in index.unfollowed:
        for match in find_bases(template, table, host_re, joined=True):
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
    writers = defaultdict(set)  # attribute -> (class or "", what sets it)
    subclasses = defaultdict(set)  # class name -> names of the classes that name it as a base
    for key, facts in facts_by_key.items():
        for name, owners in facts.attribute_writes.items():
            writers[name].update(
                ("", f"{owner} in {key}") if owner.startswith("`") or owner.endswith(" constructor)")
                else (owner, f"{owner} in {key}")
                for owner in owners
            )
        for name, bases in facts.class_bases.items():
            for base in bases:
                subclasses[base].add(name)
    caveats = piece_caveats(verdicts, reads, locate)
    for origin, whys in parts.unfollowed_piece_reads(verdicts, index.unfollowed, locate).items():
        caveats.setdefault(origin, []).extend(whys)
    for origin, why in shared.outside_readers(verdicts, config_files, table, locate).items():
        caveats.setdefault(origin, []).append(why)
    project = Project(table, locate, facts_by_key, readers, writers, subclasses, caveats)
    for (key, offset), group in verdicts.items():
        group = _prefer_methods(group)
        if key in config_files and all(v.match.blocked for v in group if not v.inert):
            findings[key].append(shared.kept_for_blocked(group, offset, locate))
        for finding_key, finding in judge(key, offset, group, project):
            if reported is None or finding_key in reported or finding_key in config_files:
                findings[finding_key].append(finding)
            if reported is not None and finding_key not in reported and finding.code != "AM201":
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
    for key, items in fields.judge(facts_by_key, index, table, host_re).items():
        findings[key].extend(items)
    return {key: dedupe(items) for key, items in findings.items()}


def _judge_use(key: str, use, template: tuple, table: RuleTable, host_re, reads: list, v1_blocked, verdicts) -> None:
    """Record one use's bases as verdicts (and its calls to v1 endpoints v1 lacks)."""
    reads.append((key, use, template))
    for match in fields.find_v1_bases(template, table, host_re):
        if match.blocked and not use.inert:
            v1_blocked[key].append(v1_blocked_finding(match, use.start, use.end, use.method))
    for match in find_bases(template, table, host_re, joined=True):
        found = parts.spot(match)
        if found is None and not match.pieces:
            continue
        origin = (found.key, found.offset) if found is not None else (key, use.start)
        verdicts[origin].append(
            Verdict(match, key, use.start, use.end, use.method, use.docstring, use.assigned, use.inert,
                    use.escape, use.attribute, use.binds, path_rewrite(template, match, use.method),
                    use.attributes, use.reshaped,
                    tuple(sorted({ref[3] for p in template if isinstance(p, Lit) for ref in p.via})))
        )


def piece_caveats(verdicts: dict, reads: list, locate) -> dict:
    """(file key, offset) -> why a fix of a base joined from pieces of several places is unsafe:
    a piece defined elsewhere (`ASTRO_API = "…/platform"`) is also read where the base is not
    formed, or its reads are not recorded at all."""
    caveats = defaultdict(list)
    for origin, group in verdicts.items():
        seen = {(v.key, v.start, v.end) for v in group}
        for verdict in group:
            for lit, start, end in parts.defined_pieces(verdict.match, verdict.key, verdict.start, verdict.end):
                file, at = lit.origin[0], lit.origin[1] + start
                text = lit.text[start:end]
                if not any(key == file and use.start <= at < use.end for key, use, _ in reads):
                    caveats[origin].append(f"{locate(file, at)}: the reads of `{lit.text}` are not followed "
                                           "(its value holds no host or version), and the fix changes it")
                for key, use, template in reads:
                    if (key, use.start, use.end) in seen or (key == file and use.start <= at < use.end):
                        continue
                    if any(isinstance(p, Lit) and p.origin is not None and p.origin[0] == file
                           and p.origin[1] <= at < p.origin[1] + len(p.text) for p in template):
                        caveats[origin].append(f"{locate(key, use.start)} also reads the `{text}` the fix "
                                               "removes or rewrites, without the version after it")
    return {origin: list(dict.fromkeys(items)) for origin, items in caveats.items()}


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
