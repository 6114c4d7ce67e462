"""`github`: GitHub Actions workflow commands, worst findings first (GitHub shows only the first
few annotations of a step), and nothing else: the summary goes to stderr (see cli).

Escaping follows GitHub's toolkit (`escapeData`, `escapeProperty`): `%`, CR and LF in data,
and also `:` and `,` in properties, so no file name or message can end a command or start one."""
from __future__ import annotations

from migrator.engine import deadline

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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
