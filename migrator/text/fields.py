"""Field changes (AM301–AM306) visible in non-Python text, for endpoints the same file calls.

Reported, never rewritten. How each language writes a field is a `Shape` (see `SHAPES`): jq and
JS reads (`.type`, `select(.type == …)`, `d?.workloadIdentity`), subscripts (`["supportPlan"]`),
object shorthand (`{name, workloadIdentity}`, jq or a JS destructuring), TypeScript members
(`workloadIdentity?: string`), Go struct tags (`json:"type"`) and the Go fields they tag,
Terraform bodies (`type = "WORKSPACE"` inside `jsonencode(…)`), JSON body keys, and query
parameters (`?supportPlan=…`, `astronomerProduct=OBSERVE`). Left alone: a dotted read whose
chain starts at a name that never holds API data (`inputs.type`, `var.type`, `this.type`), and a
read that follows a URL of another host with no Astro call in between (`curl …github… | jq .type`).
Calls are the text tier's, plus the `/organizations/…` paths of a file that names an Astro base
or host (`path_sites`: a `restapi_object` path, `${host}/v1/…` after `--fix`).

Linear in the text: each shape is one regex pass over it (all changed names in one pattern),
however many calls the file makes; a match is credited to the nearest call before it that
changed that field by a binary search (`ScanStats` counts both, for the tests).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Endpoint, Finding
from migrator.engine.match import is_relative_path, read_path
from migrator.engine.templates import HOLE_CHAR, flatten, index_at
from migrator.text.tokens import inside

# Chain roots whose members are not an API response: CI contexts, Terraform variables, `this`.
NOT_DATA_ROOTS = frozenset(
    {"github", "inputs", "matrix", "env", "secrets", "vars", "runner", "strategy", "job", "steps", "needs",
     "var", "this", "self", "process"}
)
# A dotted chain (`github.event.inputs.type`, `d?.workloadIdentity`); group 1 is its root.
CHAIN = re.compile(r"(?<![\w$.?-])([A-Za-z_$][\w$-]*)(?:\??\.[A-Za-z_$][\w$-]*)+")
JSON_CALL = re.compile(r"\bjsonencode\s*\(")
V1_AFTER_HOLE = re.compile(rf"{HOLE_CHAR}+/+{re.escape(ruletable.facts().v1)}(?=/organizations\b)")
URL_HOST = re.compile(r"\bhttps?://([^/\s\"'`$<>{}()\\]+)")


@dataclass(frozen=True)
class Shape:
    """One way a language writes a field: `pattern` with `{names}` (the changed names as one
    alternation) and a group `name`; `wheres`: the change lists of an operation it reads."""

    pattern: str
    wheres: tuple
    flavors: Optional[frozenset] = None  # None: every flavor
    dotted: bool = False  # a `.name` read: its chain's root decides whether it is API data
    in_json_call: bool = False  # counts only inside `jsonencode(…)` (a Terraform request body)


BODY = ("response", "request")
SHAPES = (
    Shape(r"(?<=\.)(?P<name>{names})\b(?![-(])", BODY, dotted=True),  # jq '.type', d.workloadIdentity
    Shape(r"\[\s*[\"'](?P<name>{names})[\"']\s*\]", BODY),  # obj["supportPlan"]
    Shape(r"[\"'](?P<name>{names})[\"']\s*:", ("request",)),  # a JSON body key
    # jq object construction `{name, workloadIdentity}`, JS destructuring `const {type} = t`
    Shape(r"(?:(?<![$#%{])\{|,)\s*(?P<name>{names})\s*(?=[,}])", ("response",)),
    # a TypeScript member or JS object key: `workloadIdentity?: string`, `{type: "WORKSPACE"}`
    Shape(r"(?:^|(?<=[{,;]))[ \t]*(?P<name>{names})\??[ \t]*:(?!:)", BODY, frozenset({"js"})),
    Shape(r"`[^`\n]*\bjson:\"(?P<name>{names})[,\"]", BODY, frozenset({"go"})),  # Go struct tag
    Shape(r"(?:^|(?<=[{,]))[ \t]*(?P<name>{names})[ \t]*=(?!=)", ("request",), frozenset({"hcl"}), in_json_call=True),
)
GO_TAGGED = re.compile(r"^[ \t]*(?P<go>[A-Z]\w*)[ \t]+[^\n`]*`[^`\n]*\bjson:\"(?P<name>\w+)[,\"]", re.MULTILINE)


@dataclass
class ScanStats:
    """Work done on one text: regex passes over it, matches found, call look-ups made."""

    passes: int = 0
    matches: int = 0
    lookups: int = 0


@dataclass
class _Calls:
    """The file's calls, per field change: their offsets in order, for the nearest-before look-up."""

    changes: dict = field(default_factory=dict)  # where -> {name -> {code -> FieldChange}}
    offsets: dict = field(default_factory=dict)  # (where, code) -> [offset], sorted
    operations: dict = field(default_factory=dict)  # (where, code) -> [operation], as offsets

    @classmethod
    def of(cls, sites: list) -> "_Calls":
        calls = cls()
        for op, at in sorted(sites, key=lambda site: site[1]):
            for where, changes in op.fields.items():
                for change in changes:
                    calls.changes.setdefault(where, {}).setdefault(change.old, {})[change.code] = change
                    calls.offsets.setdefault((where, change.code), []).append(at)
                    calls.operations.setdefault((where, change.code), []).append(op)
        return calls

    def merged(self, wheres: tuple) -> dict:
        """name -> {code -> FieldChange} of the changes listed under any of `wheres`."""
        out: dict = {}
        for where in wheres:
            for name, by_code in self.changes.get(where, {}).items():
                out.setdefault(name, {}).update(by_code)
        return out

    def caller(self, change, offset: int, wheres: tuple) -> tuple:
        """(operation, offset of its call): of the calls that list `change` under one of `wheres`,
        the one that comes last before `offset`, else the first; of the operations one call
        may be, the best fit."""
        best: Optional[tuple] = None
        for where in wheres:
            offsets = self.offsets.get((where, change.code))
            if not offsets:
                continue
            at = offsets[index_at(offsets, offset)]
            rank = (at <= offset, at if at <= offset else -at)
            if best is None or rank > best[0]:
                best = (rank, self.operations[(where, change.code)][bisect.bisect_left(offsets, at)], at)
        assert best is not None, "a change is matched only where a call lists it"
        return best[1], best[2]


@lru_cache(maxsize=256)
def _compiled(pattern: str, names: tuple) -> re.Pattern:
    return re.compile(pattern.replace("{names}", "|".join(map(re.escape, names))), re.MULTILINE)


def _query_pattern(changes: dict) -> re.Pattern:
    """`name=` for a removed parameter, `name=VALUE` for a removed value."""
    parts = []
    for name, by_code in sorted(changes.items()):
        values = sorted({c.value for c in by_code.values() if c.kind == "removed-value"})
        value = "=(?:" + "|".join(map(re.escape, values)) + r")\b" if values else "="
        parts.append(f"{re.escape(name)}(?={value})")
    return re.compile(rf"(?<![\w.-])(?P<name>{'|'.join(parts)})")


def names_astro_host(text: str, host_re: re.Pattern) -> bool:
    """Whether `text` holds a URL of an Astro API host (`const host = "https://api.astronomer.io"`)."""
    return any(host_re.search(m.group(1) + "/") for m in URL_HOST.finditer(text))


def path_sites(uses: list, table, known: set, comments: list) -> list:
    """(operation, offset) of host-less `/organizations/…` paths (a Terraform `restapi_object`'s
    `path`) and of `${host}/v1/organizations/…`, for a file that also names an Astro base or
    host: calls whose base or host the text joins elsewhere (after `--fix` too).
    `known`: offsets of the calls already identified with their base."""
    found = []
    for use in uses:
        if use.start in known or inside(comments, use.start):
            continue
        flat = flatten(use.template)
        v1 = V1_AFTER_HOLE.match(flat)
        if v1 is not None or is_relative_path(use.template):
            _, _, operations = read_path(flat[v1.end() if v1 else 0 :].lstrip(HOLE_CHAR), "", table)
            found += [(op, use.start) for op in operations]
    return found


def endpoint_of(op) -> Endpoint:
    return Endpoint(op.method, op.path, op.operation_id, op.v1_path)


def field_findings(text: str, sites: list, comments: list, flavor: Optional[str] = None,
                   host_re: Optional[re.Pattern] = None, stats: Optional[ScanStats] = None) -> list:
    """Findings for the field changes of the endpoints the file calls, used in `text`.

    `sites` are (operation, offset of the call); a field is credited to the nearest call before
    it that changed that field (`curl …/tokens/$T | jq .type` names GetApiToken, not the file's
    first token call). With `host_re` (the Astro hosts), a read that comes after a URL of another
    host, with no Astro call in between, belongs to that other API (`curl api.github.com | jq .type`)."""
    stats = stats if stats is not None else ScanStats()
    calls = _Calls.of(sites)
    foreign = _foreign_urls(text, host_re, stats) if host_re is not None else []
    findings, seen = [], set()

    def credit(start: int, end: int, name: str, changes: dict, wheres: tuple) -> None:
        stats.matches += 1
        if inside(comments, start):
            return
        for change in changes[name].values():
            if (start, change.code) in seen:
                continue
            seen.add((start, change.code))
            stats.lookups += 1
            caller, at = calls.caller(change, start, wheres)
            if foreign and _after_foreign(foreign, at if at <= start else -1, start):
                continue
            findings.append(Finding(change.code, f"{change.summary} (this file calls {caller.operation_id})",
                                    start, end, endpoint=endpoint_of(caller)))

    if "query" in calls.changes:
        stats.passes += 1
        for found in _query_pattern(calls.changes["query"]).finditer(text):
            credit(found.start("name"), found.end("name"), found.group("name"), calls.changes["query"], ("query",))
    json_calls: Optional[list] = None  # computed once, when a shape needs them
    roots: Optional[list] = None
    for shape in SHAPES:
        changes = calls.merged(shape.wheres)
        if not changes or (shape.flavors is not None and flavor not in shape.flavors):
            continue
        if shape.in_json_call and json_calls is None:
            stats.passes += 1
            json_calls = _json_call_spans(text)
        if shape.dotted and roots is None:
            stats.passes += 1
            roots = _foreign_chains(text)
        stats.passes += 1
        for found in _compiled(shape.pattern, tuple(sorted(changes))).finditer(text):
            start = found.start("name")
            if shape.dotted and inside(roots or [], start):
                continue
            if shape.in_json_call and not inside(json_calls or [], start):
                continue
            credit(start, found.end("name"), found.group("name"), changes, shape.wheres)
    if flavor == "go":
        _go_field_reads(text, calls.merged(BODY), stats, credit)
    return findings


def _foreign_urls(text: str, host_re: re.Pattern, stats: ScanStats) -> list:
    """Offsets of the URLs in `text` whose host is not an Astro API host, in order."""
    stats.passes += 1
    return [m.start() for m in URL_HOST.finditer(text) if not host_re.search(m.group(1) + "/")]


def _after_foreign(foreign: list, call: int, read: int) -> bool:
    """Whether a foreign URL comes after the call (-1: none before) and before the read."""
    index = bisect.bisect_left(foreign, call + 1)
    return index < len(foreign) and foreign[index] < read


def _foreign_chains(text: str) -> list:
    """(start, end) of the dotted chains whose root never holds API data (`inputs.type`)."""
    return [m.span() for m in CHAIN.finditer(text) if m.group(1) in NOT_DATA_ROOTS]


def _json_call_spans(text: str) -> list:
    """(start, end) of every `jsonencode(…)` argument, parentheses matched, in one pass."""
    spans, depth, start = [], 0, None
    opening = {m.end() for m in JSON_CALL.finditer(text)}
    for index, char in enumerate(text):
        if start is None:
            if index + 1 in opening and char == "(":
                start, depth = index, 1
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            spans.append((start, index))
            start = None
    return spans


def _go_field_reads(text: str, changes: dict, stats: ScanStats, credit) -> None:
    """`d.WorkloadIdentity` where a struct field of this file is tagged `json:"workloadIdentity"`."""
    if not changes:
        return
    stats.passes += 1
    tagged = {m.group("go"): m.group("name") for m in GO_TAGGED.finditer(text) if m.group("name") in changes}
    if not tagged:
        return
    stats.passes += 1
    pattern = re.compile(rf"(?<=\.)(?P<go>{'|'.join(map(re.escape, sorted(tagged)))})\b(?![\w(])")
    for found in pattern.finditer(text):
        credit(found.start("go"), found.end("go"), tagged[found.group("go")], changes, BODY)
