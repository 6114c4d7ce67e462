"""`full`: path:row:col: CODE message, the source line with a caret, and the fix as a hint."""
from __future__ import annotations

from migrator import deadline


def render(report) -> str:
    out = []
    for row in report.rows:
        out.append(f"{row.path}:{row.location.row}:{row.location.column}: {row.code} {row.message} "
                   f"[{row.severity}; {deadline.phrase(report.days_left)}]")
        if row.source_line:
            width = max(1, row.end_location.column - row.location.column) if row.end_location.row == row.location.row else 1
            gutter = f"{row.location.row} | "
            out.append(gutter + row.source_line.expandtabs(1))
            out.append(" " * (len(gutter) + row.location.column - 1) + "^" * width)
        if row.fix_message:
            note = "" if row.fix_applicability == "safe" else " (unsafe: use --unsafe-fixes)"
            out.append(f"  = help: {row.fix_message}{note}")
        out.append("")
    out.append(report.summary())
    return "\n".join(out) + "\n"
