"""`concise`: one line a finding."""
from __future__ import annotations

from migrator.engine import deadline


def render(report) -> str:
    left = deadline.short(report.days_left)
    lines = [
        f"{r.where}: {r.code} {r.message} [{r.severity}; {left}]"
        for r in report.rows
    ]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"
