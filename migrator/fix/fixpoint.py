"""Fix passes repeated until nothing changes, as ruff does, with a bound.

Each pass plans on every file of the run (`plan.plan`), applies the taken fixes to texts held
in memory, and has the whole run analysed again on those texts (facts cross modules: a base
rewritten in one module changes what another module's calls resolve to). The loop ends when
a pass changes nothing, a text comes back that was seen before, or after `MAX_PASSES`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from migrator.fix.plan import PassPlan, plan

MAX_PASSES = 10


@dataclass
class Outcome:
    texts: dict  # path -> its text at the fixpoint, for every file a pass changed
    fixed: Counter  # path -> findings fixed over all passes
    first: PassPlan  # the plan of the run's own findings
    last: PassPlan  # the plan at the end: empty at a fixpoint, refusals included
    needs: dict = field(default_factory=dict)  # path -> other paths whose fixes it relies on
    analysis: Any = None  # the api.RunResult of the last reanalysis, when there was one


def fixpoint(targets: list, unsafe: bool, reanalyse: Callable, only_if_deferred: bool = False) -> Outcome:
    """Run passes over `targets` (see `plan.Target`).

    `reanalyse(texts)` analyses the run again with `texts` (path -> text) in place of the
    files' own, and returns (analysis, targets). `only_if_deferred`: stop after the first
    pass unless it deferred a fix (enough to count what `--fix` would change, for a plain check).
    """
    current = plan(targets, unsafe)
    outcome = Outcome(texts={}, fixed=Counter(), first=current, last=current)
    seen: set = set()
    for _ in range(MAX_PASSES):
        if not current.changes:
            break
        texts = {**outcome.texts, **{path: change.new for path, change in current.changes.items()}}
        state = tuple(sorted(texts.items()))
        if state in seen:
            break  # fixes that undo each other: stop rather than go round
        seen.add(state)
        outcome.texts = texts
        for path, change in current.changes.items():
            outcome.fixed[path] += len(change.fixed)
            outcome.needs.setdefault(path, set()).update(change.needs)
        if only_if_deferred and not current.deferred:
            break
        outcome.analysis, targets = reanalyse(dict(texts))
        current = plan(targets, unsafe)
        outcome.last = current
    return outcome
