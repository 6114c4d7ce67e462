"""`--statistics`: the number of findings per code, most frequent first, as ruff prints them
(`[*]` marks codes whose findings `--fix` fixes)."""
from __future__ import annotations

from collections import Counter

from migrator.engine import registry
from migrator.report.full import summary
from migrator.report.terminal import Painter


def render(report, view) -> str:
    """`view`: a report.View."""
    paint = Painter(view.color)
    counts = Counter(row.code for row in report.rows)
    fixable = {row.code for row in report.rows if row.fix_applicability == "safe" and row.fix_refused is None}
    width = len(str(max(counts.values(), default=0)))
    lines = [
        f"{count:>{width}}\t{paint(code, 'error' if code in fixable else 'warning')}\t"
        f"{'[*]' if code in fixable else '[ ]'} {registry.rule(code).name}"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "\n".join(lines + summary(report, view, paint))
