"""`gitlab`: GitLab Code Quality report (a JSON array of issues with unique fingerprints)."""
from __future__ import annotations

import json

from migrator.engine import deadline
from migrator.report.identity import fingerprints

SEVERITIES = {"error": "critical", "warning": "major", "info": "info"}


def render(report) -> str:
    left = deadline.short(report.days_left)
    issues = [
        {
            "type": "issue",
            "check_name": row.code,
            "description": f"{row.code} {row.message} ({left})",
            "categories": ["Compatibility"],
            "severity": SEVERITIES[row.severity],
            "fingerprint": fingerprint,
            "location": {"path": row.path, "lines": {"begin": row.location.row, "end": row.end_location.row}},
        }
        for row, fingerprint in zip(report.rows, fingerprints(report.rows))
    ]
    return json.dumps(issues, indent=2) + "\n"
