"""The text tier: v1beta1 URLs in files that are not Python (shell, YAML, HCL, JS, Go, docs…).

A file is read as URL-like tokens (template syntax kept as holes), string concatenations and
format calls. Names defined to a v1beta1 base (`ASTRO_API=…`, `const BASE = "…"`, an HCL
variable's default) are followed to their uses in the same file, so a base is judged by the
endpoints it serves exactly as in the Python pass (`policy.judge`). Bases in comments are
reported (AM104), never rewritten; so are field changes (AM3xx) of endpoints the file calls.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from migrator.engine import ruletable
from migrator.engine.findings import Finding, dedupe
from migrator.engine.match import find_bases, identify, narrow, split_path
from migrator.engine.templates import HOLE_CHAR, Hole, Lit, flatten
from migrator.policy.judge import Project, Verdict, judge
from migrator.policy.link import blocked_relative
from migrator.policy.messages import blocked_finding, describe
from migrator.policy.v1paths import PathRewrite, path_rewrite
from migrator.project.filetypes import flavor_of
from migrator.project.languages import language
from migrator.project.source import SourceText
from migrator.text import joins, prefixes
from migrator.text.fields import field_findings, names_astro_host, path_sites
from migrator.text.tokens import (
    Use,
    chains,
    comment_spans,
    defined_name,
    inside,
    label_name,
    method_of,
    rest_of_line,
    tokens,
)

OPENAPI = re.compile(r"^\s*[\"']?(?:openapi|swagger)[\"']?\s*:", re.MULTILINE)
OPENAPI_PATH_KEY = re.compile(r"^[ \t]*[\"']?(/[^\s:\"'#]*)[\"']?\s*:\s*(?:\{|$)", re.MULTILINE)
V1_PATH = re.compile(rf"/{re.escape(ruletable.facts().v1)}(?=[/{HOLE_CHAR}\s\"'`]|$)")


def analyze(source: SourceText, table, host_re, path: str) -> list:
    """Findings in a non-Python file; `path` tells its syntax (a notebook goes to `notebook`)."""
    flavor = flavor_of(path)
    if flavor == "notebook":
        from migrator.text import notebook

        return notebook.analyze(source, table, host_re, path)

    def locate(key: str, offset: int) -> str:
        return f"{path}:{source.position(offset)[0]}"

    if flavor == "json" and "\\/" in source.text:
        from migrator.text.json_values import unescape_slashes

        view, to_raw = unescape_slashes(source.text)
        found = scan(view, flavor, table, host_re, path, lambda k, o: locate(k, to_raw(o)))
        return relocate(found, to_raw)
    return scan(source.text, flavor, table, host_re, path, locate)


def scan(text: str, flavor: str, table, host_re, key: str, locate) -> list:
    """Findings in `text` read with `flavor`'s syntax; offsets are into `text`."""
    comments = comment_spans(text, flavor)
    uses = tokens(text, key, flavor) + chains(text, key, flavor)
    definitions = _definitions(text, uses, table, host_re, flavor)
    defined = {offset for values in definitions.values() for offset, _ in values}
    if flavor in ("yaml", "json") and OPENAPI.search(text):
        uses += _openapi_uses(text, uses, key, table, host_re)
    verdicts = defaultdict(list)
    noted, calls, resolved = [], [], []
    for use in uses:
        template = _resolve(use.template, definitions, use.start)
        resolved.append((template, use.start))
        matches = find_bases(template, table, host_re, rest_of_line(text, use.end))
        method = method_of(text, use.start) if matches else None
        for match in matches:
            origin = match.lit.origin[1] + match.start
            length = match.end - match.start
            if len(getattr(match, "pieces", ())) > 1 or _prose(match, text, use, origin, flavor):
                continue  # (a base joined from several literals is joins.find's, with the edits it needs)
            if inside(comments, origin):
                noted.append(Finding("AM104", f"comment names {describe(match)}", origin, origin + length))
            elif not inside(comments, use.start):
                path = path_rewrite(template, match, method)
                if _host_less(match, template, flavor):
                    if not prefixes.astro_context(text, use.start, flavor, table):
                        continue
                    path = replace(path, problem=path.problem or prefixes.UNSAFE)
                verdicts[origin].append(Verdict(match, key, use.start, use.end, method, False, use.start in defined,
                                                path=path))
                calls.append((match, method, use.start))
    joined = {}
    for found in joins.find(text, flavor, key, table, host_re):
        if inside(comments, found.start):
            continue
        method = method_of(text, found.start)
        path = path_rewrite((found.match.lit,), found.match, method)
        problem = "; ".join(filter(None, (found.problem, path.problem)))
        verdicts[found.origin].append(Verdict(found.match, key, found.start, found.end, method, False,
                                              defined_name(text, found.start, flavor) is not None,
                                              path=PathRewrite(found.edits, problem)))
        calls.append((found.match, method, found.start))
        joined[found.origin] = found
    findings = noted
    # Relative paths of the organization's API; a bare `/alerts` token here is usually the tail
    # of a URL the tokenizer cut, already judged with it.
    relative = [u for u in uses if not inside(comments, u.start) and "organizations/" in flatten(u.template)]
    blocked = blocked_relative(relative, table) if verdicts else []
    judged = [(v.start, v.end) for group in verdicts.values() for v in group]
    blocked = [b for b in blocked if not any(start <= b[0] < end for start, end in judged)]  # judged with its URL
    findings += [blocked_finding(match, start, end) for start, end, match in blocked]
    project = Project(table, locate, {}, {}, {}, {})  # no module facts: a shared base is reported (AM202), not split
    for origin in sorted(verdicts):
        verdict = judge(key, origin, verdicts[origin], project)
        findings.extend(joins.adjust(finding, joined.get(origin)) for _, finding in verdict)
    sites = [(op, at) for match, method, at in calls for op in narrow(match.operations, method)]
    sites += [(op, at) for template, at in resolved for op in _v1_operations(template, table, host_re)]
    if verdicts or names_astro_host(text, host_re):
        sites += path_sites(uses, table, {at for _, at in sites}, comments)
    findings += field_findings(text, sites, comments, flavor, host_re)
    return dedupe(findings)


def relocate(findings: list, to_raw, context=None) -> list:
    """`findings` moved from a view's offsets to the raw text's: `to_raw(offset, end=False)`;
    `context(offset)` names the place inside a container (a notebook cell)."""

    def move(item):
        return replace(item, start=to_raw(item.start), end=to_raw(item.end, end=True))

    out = []
    for finding in findings:
        fix = finding.fix and replace(finding.fix, edits=tuple(move(e) for e in finding.fix.edits))
        where = context(finding.start) if context else finding.context
        out.append(replace(move(finding), fix=fix, context=where))
    return out


def _definitions(text: str, uses: list, table, host_re, flavor: str) -> dict:
    """name -> [(offset, template)] for names whose value holds a v1beta1 base or a v1 URL."""
    found = defaultdict(list)
    defined = set()
    for _ in range(3):  # names defined through other names: ORG_URL="$BASE/organizations/$ORG"
        before = len(defined)
        for use in uses:
            if use.start in defined:
                continue
            template = _resolve(use.template, found, use.start)
            if not find_bases(template, table, host_re) and not _v1_starts(flatten(template), host_re):
                continue
            name = defined_name(text, use.start, flavor)
            if name:
                found[name].append((use.start, template))
                defined.add(use.start)
        if len(defined) == before:
            break
    return found


def _host_less(match, template: tuple, flavor: str) -> bool:
    """A bare path prefix (`/platform/v1beta1`) as a value of configuration: nothing in front, no
    endpoint of the rule table after it (a whole endpoint path names Astro's API by itself)."""
    if match.kind != "path" or match.operations or flavor not in prefixes.CONFIGURATION:
        return False
    before = []
    for part in template:
        if part is match.lit:
            return ("".join(before) + part.text[: match.start]).strip("/") == ""
        before.append(part.text if isinstance(part, Lit) else HOLE_CHAR)
    return False


def _prose(match, text: str, use, origin: int, flavor: str) -> bool:
    """A bare `platform/v1beta1` in words ("migrate platform/v1beta1 to v1"), not a URL: no host,
    no variable in front, no path right after it, and (outside docs) not a string of its own."""
    if match.kind != "path" or any(c in text[use.start : origin] for c in "${%"):
        return False
    end = origin + match.end - match.start
    if text[end : end + 1] == "/" and match.path_visible:  # a path follows: an endpoint
        return False
    if language(flavor).prose:
        return True
    if flavor in prefixes.CONFIGURATION and defined_name(text, use.start, flavor):
        return False  # the value of a setting: `platform_prefix: /platform/v1beta1`
    quoted = use.start > 0 and text[use.start - 1] in "\"'`" and text[use.end : use.end + 1] in ("\"", "'", "`")
    return not quoted


def _resolve(template: tuple, definitions: dict, at: int) -> tuple:
    """`template` with holes that name a defined base replaced by its (nearest earlier) value."""
    if not definitions:
        return template
    out = []
    for part in template:
        values = definitions.get(label_name(part.label)) if isinstance(part, Hole) else None
        if not values:
            out.append(part)
            continue
        earlier = [t for offset, t in values if offset < at]
        out.extend(earlier[-1] if earlier else values[0][1])
    return tuple(out)


def _openapi_uses(text: str, uses: list, key: str, table, host_re) -> list:
    """An OpenAPI document's `paths` keys, each joined to every v1beta1 server URL it declares."""
    servers = [
        use.template
        for use in uses
        if any(m.kind == "url" and not m.has_path for m in find_bases(use.template, table, host_re))
    ]
    return [
        Use(server + (Lit(found.group(1), (key, found.start(1))),), found.start(1), found.end(1))
        for found in OPENAPI_PATH_KEY.finditer(text)
        for server in servers
    ]


def _v1_starts(flat: str, host_re) -> list:
    """Where `/v1/…` paths start in `flat`, right after an Astro API host."""
    out = []
    for found in V1_PATH.finditer(flat):
        host = host_re.search(flat[: found.start() + 1])
        if host and not host.group(1):
            out.append(found.end())
    return out


def _v1_operations(template: tuple, table, host_re) -> list:
    """Operations a template already calls on v1 (their field changes still apply)."""
    flat = flatten(template)
    return [op for end in _v1_starts(flat, host_re) for op in identify("", split_path(flat[end:])[0], table)]
