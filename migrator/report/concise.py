"""`concise`: one line a finding."""
from __future__ import annotations

from migrator.engine import deadline
from migrator.report.full import summary
from migrator.report.terminal import Painter, printable


def render(report, view) -> str:
    """`view`: a report.View."""
    paint = Painter(view.color)
    left = deadline.short(report.days_left)
    lines = [
        f"{paint(printable(r.where), 'path')}: {paint(r.code, r.severity)} {printable(r.message)} "
        f"[{paint(r.severity, r.severity)}; {left}]"
        + (f" (fix: {printable(r.fix_message)})" if view.show_fixes and r.fix_message else "")
        for r in report.rows
    ]
    return "\n".join(lines + summary(report, view, paint))
