"""`full`: path:row:col: CODE message, the source line with a caret, and the fix as a hint."""
from __future__ import annotations

from migrator.engine import deadline


def render(report) -> str:
    out = []
    for row in report.rows:
        out.append(f"{row.where}: {row.code} {row.message} [{row.severity}; {deadline.phrase(report.days_left)}]")
        if row.source_line:
            width = max(1, row.end_location.column - row.location.column) if row.end_location.row == row.location.row else 1
            gutter = f"{row.location.row} | "
            shown = row.source_line.expandtabs(1)
            column = row.location.column - 1 - row.source_cut
            out.append(gutter + ("…" if row.source_cut else "") + shown)
            out.append(" " * (len(gutter) + column + bool(row.source_cut)) + "^" * min(width, len(shown) - column))
        if row.fix_message:
            note = "" if row.fix_applicability == "safe" else " (unsafe: use --unsafe-fixes)"
            out.append(f"  = help: {row.fix_message}{note}")
        out.append("")
    out.append(report.summary())
    return "\n".join(out) + "\n"
