"""Code actions: the fixes `check --fix` makes, one by one or all at once, and suppressions.

Each safe fix is a quick fix with exactly the edits `--fix` applies; unsafe fixes (those
`--unsafe-fixes` applies) are offered apart, labelled with their reason. Fixes `--fix` would
refuse (misplaced, breaking the file, waiting for a base another file defines) are not offered,
and neither is a field rename alone: it follows its base, so "fix all" makes it. No fix the
engine gives rewrites a base that serves a blocked call (that base is an AM202, whose only fix
splits it); "fix all" is also withheld when its result would lose a blocked call.
"""
from __future__ import annotations

import ast
import difflib
import sys
from dataclasses import replace
from typing import Optional

from lsprotocol import types

from migrator.engine import registry
from migrator.engine.findings import Finding
from migrator.fix import edits, notebooks, verify
from migrator.fix.plan import Target, plan, selectable
from migrator.lsp.positions import Positions
from migrator.lsp.state import Analysis
from migrator.policy import suppress
from migrator.project.source import SourceText
from migrator.report import secrets

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

UNSAFE = types.CodeActionKind.QuickFix + ".astro-migrate.unsafe"
FIX_ALL = types.CodeActionKind.SourceFixAll + ".astro-migrate"
FIX_ALL_TITLE = "Fix all safe astro-migrate findings in this file"
REASON = "<reason>"
# Flavor -> (comment opener, closer) for a suppression; JSON and notebooks take no comment.
COMMENTS = {
    **dict.fromkeys(("python", "shell", "yaml", "hcl", "docker", "env", "toml", "ini", "make"), ("# ", "")),
    **dict.fromkeys(("js", "go"), ("// ", "")),
    "markdown": ("<!-- ", " -->"),
}


def touching(analysis: Analysis, start: int, end: int) -> list:
    """Indices of the findings whose span meets [start, end] (a cursor at either edge counts)."""
    return [i for i, f in enumerate(analysis.findings) if f.start <= end and start <= max(f.start, f.end)]


def replacements(old: str, new: str, positions: Positions) -> list:
    """Edits turning `old` into `new`: one for each run of changed lines."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    starts = [0]
    for line in before:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        types.TextEdit(positions.range(starts[i1], starts[i2]), "".join(after[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _text_edits(analysis: Analysis, positions: Positions, fix_edits: tuple) -> list:
    if analysis.flavor == "notebook":  # edits on a cell's text: placed into the JSON string
        return replacements(analysis.text, notebooks.apply(analysis.text, fix_edits), positions)
    return [types.TextEdit(positions.range(*edits.span(edit)), edit.content) for edit in fix_edits]


def _fix_action(analysis: Analysis, uri: str, positions: Positions, finding: Finding, diagnostic) -> types.CodeAction:
    fix = finding.fix
    assert fix is not None
    safe = fix.applicability == "safe"
    title = f"{secrets.mask(fix.message)} ({finding.code})"  # masked, as reports show it
    return types.CodeAction(
        title=title if safe else f"Unsafe fix: {title}",
        kind=types.CodeActionKind.QuickFix if safe else UNSAFE,
        diagnostics=[diagnostic],
        is_preferred=safe,
        edit=types.WorkspaceEdit(changes={uri: _text_edits(analysis, positions, fix.edits)}),
    )


def offerable(analysis: Analysis) -> tuple:
    """The findings whose fix `--fix` (safe) or `--unsafe-fixes` (unsafe) applies as the file
    stands, planned once per analysis: not misplaced, not breaking the file, not a field rename."""
    if analysis.offered is None:
        target = Target(analysis.path, analysis.flavor, analysis.text, tuple(analysis.findings))
        refused = plan([target], unsafe=True).refused
        analysis.offered = tuple(
            f for f in analysis.findings
            if selectable(f, unsafe=True) and not f.extra.get("base") and (analysis.path, f) not in refused
        )
    return analysis.offered


def _ast(text: str) -> Optional[str]:
    try:
        return ast.dump(ast.parse(text))
    except (SyntaxError, ValueError, RecursionError):
        return None


def _toml(text: str) -> Optional[dict]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _same_meaning(flavor: str, old: str, new: str) -> bool:
    """Whether adding a comment left the file as its tools read it (a comment that landed in a
    string changes a value)."""
    if flavor in ("python", "toml"):
        read = _ast if flavor == "python" else _toml
        before = read(old)
        return before is None or before == read(new)
    return verify.broken(flavor, old, new) is None


def _suppresses(analysis: Analysis, finding: Finding, offset: int, inserted: str) -> bool:
    new = analysis.text[:offset] + inserted + analysis.text[offset:]
    shift = len(inserted) if offset <= finding.start else 0
    moved = replace(finding, start=finding.start + shift, end=finding.end + shift)
    if moved in suppress.filter_findings(SourceText(new), [moved], analysis.settings.today):
        return False
    return _same_meaning(analysis.flavor, analysis.text, new)


def suppression(analysis: Analysis, finding: Finding) -> Optional[tuple]:
    """(offset, text to insert) for a suppression comment that covers `finding` and changes
    nothing else: on a line of its own above, else at the end of the finding's line."""
    marks = COMMENTS.get(analysis.flavor)
    if marks is None or analysis.path.endswith(".rst"):
        return None
    comment = f"{marks[0]}astro-migrate: ignore[{finding.code}] {REASON}{marks[1]}"
    source = SourceText(analysis.text)
    first, _ = source.position(finding.start)
    last, _ = source.position(max(finding.start, finding.end))
    line = source.line_text(first)
    start = source.line_starts[first - 1]
    after = source.text[start + len(line) : start + len(line) + 2]
    newline = "\r\n" if after == "\r\n" else after[:1] if after[:1] in ("\r", "\n") else "\n"
    indent = line[: len(line) - len(line.lstrip())]
    candidates = []
    if first == 1 or not source.line_text(first - 1).rstrip().endswith("\\"):
        candidates.append((start, f"{indent}{comment}{newline}"))
    if first == last and not line.rstrip().endswith("\\"):
        candidates.append((start + len(line), f"  {comment}"))
    return next((c for c in candidates if _suppresses(analysis, finding, *c)), None)


def _suppression_action(analysis, uri: str, positions: Positions, index: int, diagnostic):
    finding = analysis.findings[index]
    if index not in analysis.suppressions:
        analysis.suppressions[index] = suppression(analysis, finding)
    found = analysis.suppressions[index]
    if found is None:
        return None
    offset, inserted = found
    return types.CodeAction(
        title=f"Suppress {finding.code} here (astro-migrate: ignore, with a reason to fill in)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(positions.range(offset, offset), inserted)]}),
    )


def fix_all_action(analysis: Analysis, uri: str) -> Optional[types.CodeAction]:
    """"Fix all" without its edit (the fixpoint costs analyses: made when resolved)."""
    if not any(f.fix is not None and f.fix.applicability == "safe" for f in offerable(analysis)):
        return None
    return types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL, data={"uri": uri, "version": analysis.version})


def fix_all_edit(analysis: Analysis, uri: str, new: str, encoding) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: replacements(analysis.text, new, Positions(analysis.text, encoding))})


def code_actions(analysis: Analysis, uri: str, encoding, start: int, end: int, diagnostics: list) -> list:
    """Quick fixes (safe, then unsafe) and suppressions for the findings meeting [start, end],
    then "fix all" (without its edit). Plans and loads files: run it off the event loop."""
    positions = Positions(analysis.text, encoding)
    offered = {id(f) for f in offerable(analysis)}
    fixes, unsafe, suppressions = [], [], []
    for index in touching(analysis, start, end):
        finding, diagnostic = analysis.findings[index], diagnostics[index]
        if id(finding) in offered:
            action = _fix_action(analysis, uri, positions, finding, diagnostic)
            (fixes if action.kind == types.CodeActionKind.QuickFix else unsafe).append(action)
        if registry.rule(finding.code).category != "run":
            action = _suppression_action(analysis, uri, positions, index, diagnostic)
            if action is not None:
                suppressions.append(action)
    fix_all = fix_all_action(analysis, uri)
    return fixes + unsafe + suppressions + ([fix_all] if fix_all else [])
