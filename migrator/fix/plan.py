"""One fix pass, planned: which fixes apply whole, which wait, which are refused and why.

A fix applies whole or not at all. Fixes are taken in order of position; one whose edits
overlap a fix already taken waits for the next pass (the text is analysed again in between),
and is never half applied. A fix is refused when an edit's span does not hold the text the
analysis saw, or when the file it produces would no longer load (see `verify`). A field
rename that depends on a v1beta1 base is taken only in a pass that rewrites that base.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from migrator.engine.findings import Finding, Fix
from migrator.fix import edits, verify

WAITS_FOR_BASE = "the v1beta1 base of its URL is not rewritten by this run; the field changes with the base"


@dataclass(frozen=True)
class Target:
    """One file as a pass sees it."""

    path: str
    flavor: Optional[str]  # "python", or the text tier's flavor ("notebook", "yaml", ...)
    text: str
    findings: tuple


@dataclass
class Change:
    """What a pass does to one file."""

    path: str
    old: str
    new: str
    fixed: list  # the findings whose fixes made `new`

    @property
    def needs(self) -> set:
        """Other files whose fixes this change relies on (the bases its field renames follow)."""
        return {f.extra["base"][0] for f in self.fixed if _depends(f) and f.extra["base"][0] != self.path}


@dataclass
class PassPlan:
    changes: dict = field(default_factory=dict)  # path -> Change
    refused: dict = field(default_factory=dict)  # (path, Finding) -> reason
    deferred: list = field(default_factory=list)  # (path, Finding) waiting for the next pass

    @property
    def fixed(self) -> int:
        return sum(len(change.fixed) for change in self.changes.values())


def selectable(finding: Finding, unsafe: bool) -> bool:
    """A finding whose fix this run may apply (``--unsafe-fixes`` adds the unsafe ones)."""
    allowed = ("safe", "unsafe") if unsafe else ("safe",)
    return finding.fix is not None and finding.fix.refused is None and finding.fix.applicability in allowed


def _depends(finding: Finding) -> Optional[tuple]:
    base = finding.extra.get("base")
    return tuple(base) if base else None


class _Planner:
    def __init__(self, targets: list):
        self.targets = {target.path: target for target in targets}
        self.taken: dict = {path: [] for path in self.targets}
        self.plan = PassPlan()
        self._verdicts: dict = {}  # (path, new text) -> verify.broken's answer: `result` asks again for what `take` kept

    def _misplaced(self, target: Target, fix: Fix) -> Optional[str]:
        for edit in fix.edits:
            if target.flavor == "notebook":
                from migrator.fix import notebooks  # through the text tier's notebook reader: for notebooks only

                reason = notebooks.misplaced(target.text, edit)
            else:
                reason = edits.misplaced(target.text, edit, slashes_escaped=target.flavor == "json")
            if reason is not None:
                return reason
        if any(edits.overlap(one, other) for i, one in enumerate(fix.edits) for other in fix.edits[i + 1 :]):
            return "its own edits overlap"
        return None

    def _apply(self, target: Target, fixes: list) -> tuple:
        """(new text, None) or (None, why it cannot be made or may not replace the file)."""
        applied = [edit for finding in fixes for edit in finding.fix.edits]
        try:
            if target.flavor == "notebook":
                from migrator.fix import notebooks

                new = notebooks.apply(target.text, applied)
            else:
                new = edits.apply(target.text, applied)
        except ValueError as error:  # edits.Conflict, notebook.Unplaceable, a notebook that no longer parses
            return None, f"the edits cannot be applied: {error}"
        if (target.path, new) not in self._verdicts:
            self._verdicts[target.path, new] = verify.broken(target.flavor, target.text, new)
        return new, self._verdicts[target.path, new]

    def take(self, target: Target, candidates: list) -> None:
        taken = self.taken[target.path]
        placed = [edit for finding in taken for edit in finding.fix.edits]
        fresh = []
        for finding in sorted(candidates, key=lambda f: (f.start, f.code)):
            reason = self._misplaced(target, finding.fix)
            if reason is not None:
                self.plan.refused[(target.path, finding)] = reason
            elif edits.collides(finding.fix.edits, placed):
                self.plan.deferred.append((target.path, finding))
            else:
                fresh.append(finding)
                placed.extend(finding.fix.edits)
        if not fresh:
            return
        _, problem = self._apply(target, taken + fresh)
        if problem is None:
            taken.extend(fresh)
            return
        for finding in fresh:  # find the fixes that break the file, one at a time
            _, problem = self._apply(target, taken + [finding])
            if problem is None:
                taken.append(finding)
            else:
                self.plan.refused[(target.path, finding)] = problem

    def rewrites(self, base: tuple) -> bool:
        """Whether a fix taken so far rewrites the base text at (path, offset)."""
        if len(base) != 2:
            return False
        path, offset = base
        return any(
            start <= offset < end
            for finding in self.taken.get(path, [])
            for start, end in map(edits.span, finding.fix.edits)
        )

    def result(self) -> PassPlan:
        for path, taken in self.taken.items():
            if taken:
                target = self.targets[path]
                new, _ = self._apply(target, taken)
                if new is not None and new != target.text:
                    self.plan.changes[path] = Change(path, target.text, new, list(taken))
        return self.plan


def plan(targets: list, unsafe: bool) -> PassPlan:
    """The fixes one pass applies to `targets` (every file of the run, for cross-file bases)."""
    planner = _Planner(targets)
    for target in targets:
        planner.take(target, [f for f in target.findings if selectable(f, unsafe) and not _depends(f)])
    for target in targets:
        dependent = [f for f in target.findings if selectable(f, unsafe) and _depends(f)]
        planner.take(target, [f for f in dependent if planner.rewrites(_depends(f) or ())])
        for finding in dependent:
            if not planner.rewrites(_depends(finding) or ()):
                planner.plan.refused[(target.path, finding)] = WAITS_FOR_BASE
    return planner.result()
