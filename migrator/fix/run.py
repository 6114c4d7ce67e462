"""The fix stage of a run: count, show or write what the fixpoint of the fixes gives.

`apply_fixes(run, options, reanalyse)` is all the pipeline calls. A plain check marks the
fixes `--fix` would not apply, with the reason (so "N fixable" counts the others); `--diff` shows the
fixpoint's text against the files'; `--fix` writes it (after the dirty-tree guard), each file
through `atomic.write_atomic`, and reports the findings of the fixed texts.
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Callable

from migrator.engine.findings import Finding
from migrator.fix import atomic
from migrator.fix.fixpoint import Outcome, fixpoint
from migrator.fix.plan import Target
from migrator.project.filetypes import flavor_of


def targets_of(run) -> list:
    """A `plan.Target` for every file of `run` (an api.RunResult) that was read as text."""
    return [
        Target(result.path, "python" if result.kind == "python" else flavor_of(result.path),
               result.source.text, tuple(result.findings))
        for result in run.files
        if result.source is not None
    ]


def refused(finding: Finding, reason: str) -> Finding:
    """`finding` with its fix marked as one that will not be applied, and why."""
    assert finding.fix is not None  # only findings with a fix are planned
    fix = replace(finding.fix, refused=reason, message=f"{finding.fix.message}; not applied: {reason}")
    return replace(finding, fix=fix)


def _mark(run, refusals: dict) -> None:
    for result in run.files:
        result.findings = [
            refused(f, refusals[(result.path, f)]) if (result.path, f) in refusals else f for f in result.findings
        ]


NO_NEWLINE = b"\\ No newline at end of file\n"


def _lines(data: bytes) -> list:
    """`data` cut into lines the way git and patch cut them: after each `\\n`, nowhere else (a
    CR, form feed, U+2028 or U+0085 is a byte of its line)."""
    lines = data.split(b"\n")
    return [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def unified_diff(path: str, old: bytes, new: bytes) -> bytes:
    """A patch from the file's bytes `old` to `new` that `git apply` and `patch -p1` accept: lines
    in the file's own encoding (BOM included), and a last line without a newline marked so."""
    import difflib  # only --diff shows patches

    shown = os.fsencode(path.lstrip("/"))
    out = []
    for line in difflib.diff_bytes(difflib.unified_diff, _lines(old), _lines(new), b"a/" + shown, b"b/" + shown):
        out.append(line)
        if not line.endswith(b"\n"):
            out.append(b"\n" + NO_NEWLINE)
    return b"".join(out)


def apply_fixes(run, options, reanalyse: Callable) -> None:
    """Fill in `run` (an api.RunResult): per file `fixed`, `diff`, findings (refusals marked).

    `reanalyse(overlay)` runs the whole analysis again with `overlay` (path -> bytes) read in
    place of those files, and returns its RunResult.
    """
    sources = {result.path: result.source for result in run.files if result.source is not None}

    def again(texts: dict) -> tuple:
        analysis = reanalyse({path: sources[path].encode(text) for path, text in texts.items()})
        return analysis, targets_of(analysis)

    writing = options.fix and not options.diff
    outcome = fixpoint(targets_of(run), options.unsafe_fixes, again, only_if_deferred=not (options.fix or options.diff))
    if not writing or not outcome.texts:
        _mark(run, outcome.first.refused)
        if options.diff:
            for result in run.files:
                if result.path in outcome.texts:
                    result.fixed = outcome.fixed[result.path]
                    source = result.source
                    result.diff = unified_diff(result.path, source.encode(), source.encode(outcome.texts[result.path]))
        return
    if not options.allow_dirty:
        from migrator.fix.dirty import dirty_files

        explicit = {result.path for result in run.files if result.explicit}
        run.dirty = dirty_files([path for path in outcome.texts if path not in explicit])
        if run.dirty:
            _mark(run, outcome.first.refused)
            return
    _write(run, outcome)


def _write_one(result, text: str, failed: dict, root: str) -> None:
    try:
        atomic.write_atomic(result.path, result.source.encode(text), expected=result.source.encode(), root=root)
    except (OSError, UnicodeEncodeError) as error:
        failed[result.path] = result
        result.error = f"not fixed: {getattr(error, 'strerror', None) or error}"


def _write(run, outcome: Outcome) -> None:
    """Write every changed file; report the fixed texts' findings (the old ones where a write failed).

    A file whose fixes follow another file's (a field renamed with a base defined elsewhere) is
    written after it, and not at all when that write failed."""
    failed: dict = {}
    pending = [result for result in run.files if result.path in outcome.texts]
    while pending:
        waiting = {result.path for result in pending}
        ready = [r for r in pending if outcome.needs.get(r.path, set()).isdisjoint(waiting)] or pending
        for result in ready:
            missing = sorted(outcome.needs.get(result.path, set()) & failed.keys())
            if missing:
                failed[result.path] = result
                result.error = f"not fixed: its fixes follow those of {missing[0]}, which was not written"
            else:
                _write_one(result, outcome.texts[result.path], failed, run.root)
        pending = [result for result in pending if result not in ready]
    final = {result.path: result for result in outcome.analysis.files}
    _mark(outcome.analysis, outcome.last.refused)
    files = []
    for result in run.files:
        if result.path in failed:
            files.append(result)
            continue
        now = final.get(result.path)
        if now is None:  # nothing left in it for the analysis to look at
            text = outcome.texts.get(result.path, result.source.text if result.source else None)
            source = result.source and replace(result.source, text=text, _line_starts=None)
            now = replace(result, findings=[], source=source)
        now.fixed = outcome.fixed[result.path]
        files.append(now)
    run.files = files
