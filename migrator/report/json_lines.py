"""`json-lines`: one JSON object a line, with the keys of the `json` format."""
from __future__ import annotations

import json

from migrator.report.json_format import as_dict


def render(report) -> str:
    return "".join(json.dumps(as_dict(r, report.days_left, report.deadline)) + "\n" for r in report.rows)
