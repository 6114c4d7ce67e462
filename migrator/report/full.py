"""`full`: path:row:col: CODE message, the source line with a caret, and the fix as a hint
(with `--show-fixes`, the line as the fix leaves it)."""
from __future__ import annotations

from migrator.engine import deadline
from migrator.report.terminal import Painter, printable


def _after(row) -> str:
    """The finding's line with the fix's same-line edits applied ('' when they span lines)."""
    line, cut = row.source_line, row.source_cut
    for edit in sorted(row.fix_edits, key=lambda e: e.location.column, reverse=True):
        if not (edit.location.row == edit.end_location.row == row.location.row):
            return ""
        start, end = edit.location.column - 1 - cut, edit.end_location.column - 1 - cut
        if start < 0 or end > len(line):
            return ""
        line = line[:start] + edit.content + line[end:]
    return line


def _source(row, paint: Painter, show_fixes: bool) -> list:
    width = max(1, row.end_location.column - row.location.column) if row.end_location.row == row.location.row else 1
    gutter = f"{row.location.row} | "
    shown = printable(row.source_line.expandtabs(1))
    column = len(printable(row.source_line[: row.location.column - 1 - row.source_cut].expandtabs(1)))
    ellipsis = "…" if row.source_cut else ""
    carets = "^" * max(1, min(width, len(shown) - column))
    lines = [paint(gutter, "gutter") + ellipsis + shown,
             " " * (len(gutter) + column + len(ellipsis)) + paint(carets, "caret")]
    fixed = _after(row) if show_fixes and row.fix_edits else ""
    if fixed:
        pad = " " * (len(gutter) - 2)
        lines += [pad + paint("- " + ellipsis + shown, "removed"),
                  pad + paint("+ " + ellipsis + printable(fixed.expandtabs(1)), "added")]
    return lines


def render(report, view) -> str:
    """`view`: a report.View."""
    paint = Painter(view.color)
    out = []
    for row in report.rows:
        out.append(f"{paint(printable(row.where), 'path')}: {paint(row.code, row.severity)} {printable(row.message)} "
                   f"[{paint(row.severity, row.severity)}; {deadline.phrase(report.days_left)}]")
        if row.source_line:
            out += _source(row, paint, view.show_fixes)
        if row.fix_message:
            note = "" if row.fix_applicability == "safe" else " (unsafe: use --unsafe-fixes)"
            out.append(f"  = {paint('help', 'help')}: {printable(row.fix_message)}{note}")
        out.append("")
    return "\n".join(out + summary(report, view, paint))


def summary(report, view, paint: Painter) -> list:
    """The report's closing lines, the headline in bold, each ending a line ([""] under --quiet)."""
    if not view.summary:
        return [""]
    headline, *rest = report.summary().split("\n")
    return [paint(headline, "summary"), *rest, ""]
