"""`json`: a JSON array, one object a finding, with the keys of ruff's JSON output and more."""
from __future__ import annotations

import json
from dataclasses import asdict


def _position(position) -> dict:
    return {"row": position.row, "column": position.column}


def as_dict(row, days_left: int, end_of_support: str) -> dict:
    fix = None
    if row.fix_applicability:
        fix = {
            "applicability": row.fix_applicability,
            "message": row.fix_message,
            "edits": [
                {"content": e.content, "location": _position(e.location), "end_location": _position(e.end_location)}
                for e in row.fix_edits
            ],
        }
    return {
        "code": row.code,
        "message": row.message,
        "filename": row.path,
        "location": _position(row.location),
        "end_location": _position(row.end_location),
        "fix": fix,
        "url": row.url,
        "severity": row.severity,
        "endpoint": asdict(row.endpoint) if row.endpoint else None,
        "context": row.context,
        "days_left": days_left,
        "end_of_support": end_of_support,
    }


def render(report) -> str:
    return json.dumps([as_dict(r, report.days_left, report.deadline) for r in report.rows], indent=2) + "\n"
