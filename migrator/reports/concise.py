"""`concise`: one line a finding."""
from __future__ import annotations


def render(report) -> str:
    lines = [f"{r.path}:{r.location.row}:{r.location.column}: {r.code} {r.message}" for r in report.rows]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"
