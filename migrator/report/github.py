"""`github`: GitHub Actions workflow commands, worst findings first (GitHub shows only the first
few annotations of a step), and nothing else: the summary goes to stderr (see cli).

Escaping follows GitHub's toolkit (`escapeData`, `escapeProperty`): `%`, CR and LF in data,
and also `:` and `,` in properties, so no file name or message can end a command or start one;
the other characters a reader may take for a line break (VT, FF, NEL, ...) are percent-encoded too."""
from __future__ import annotations

from migrator.engine import deadline

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # where str.splitlines (and some log viewers) break


def _data(text: str) -> str:
    text = text.replace("%", "%25")
    for char in LINE_BREAKS:
        text = text.replace(char, "".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
    return text


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report) -> str:
    left = deadline.short(report.days_left)
    lines = []
    for row in report.worst_first():
        props = ",".join([
            f"file={_property(row.path)}",
            f"line={row.location.row}",
            f"col={row.location.column}",
            f"endLine={row.end_location.row}",
            f"endColumn={row.end_location.column}",
            f"title={_property(f'{row.code} ({left})')}",
        ])
        lines.append(f"::{COMMANDS[row.severity]} {props}::{_data(f'{row.code} {row.message}')}")
    return "".join(line + "\n" for line in lines)
