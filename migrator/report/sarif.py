"""`sarif`: SARIF 2.1.0 for GitHub code scanning: every code as a rule with help, results with
repo-relative URIs (under %SRCROOT%) and partialFingerprints that survive moved lines."""
from __future__ import annotations

import json
import os
from urllib.parse import quote

from migrator import __version__
from migrator.engine import deadline, registry
from migrator.report.explain import help_text
from migrator.report.identity import fingerprints

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
ROOT = "%SRCROOT%"


def _root() -> str:
    from migrator.project.gitfiles import toplevel

    return os.path.realpath(toplevel() or os.getcwd())


def _quoted(path: str) -> str:
    """A file system path as URI text: its bytes percent-encoded (a name need not be UTF-8)."""
    return quote(os.fsencode(path.replace(os.sep, "/")))


def _uri(path: str, root: str) -> tuple:
    """(uri, uriBaseId or None): relative to the repository when the file is inside it."""
    full = os.path.realpath(path)
    relative = os.path.relpath(full, root)
    if relative.startswith(".."):
        return "file://" + _quoted(full), None
    return _quoted(relative), ROOT


def _rule(rule: registry.Rule) -> dict:
    text = help_text(rule.code)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation.strip()},
        "help": {"text": text, "markdown": text.replace("\n    ", "\n\n    ")},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["astro-api", "migration", rule.category], "fix": rule.fix},
    }


def _result(row, index: dict, root: str, fingerprint: str, days: int) -> dict:
    uri, base = _uri(row.path, root)
    location = {"uri": uri, **({"uriBaseId": base} if base else {})}
    region = {
        "startLine": row.location.row,
        "startColumn": row.location.column,
        "endLine": row.end_location.row,
        "endColumn": max(row.end_location.column, row.location.column + 1)
        if row.end_location.row == row.location.row else row.end_location.column,
    }
    if row.source_line:
        region["snippet"] = {"text": row.source_line}
    return {
        "ruleId": row.code,
        "ruleIndex": index[row.code],
        "level": LEVELS[row.severity],
        "message": {"text": f"{row.message} ({deadline.phrase(days)})"},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "partialFingerprints": {"astroMigrateFinding/v1": fingerprint},
    }


def render(report) -> str:
    root = _root()
    ordered = list(registry.rules().values())
    index = {rule.code: i for i, rule in enumerate(ordered)}
    prints = fingerprints(report.rows, lambda row: _uri(row.path, root)[0])
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "astro-migrate",
                "version": __version__,
                "informationUri": "https://github.com/astro-migrate/astro-migrate",
                "rules": [_rule(rule) for rule in ordered],
            }},
            "originalUriBaseIds": {ROOT: {"uri": "file://" + _quoted(root.rstrip(os.sep) + os.sep)}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(r, index, root, fp, report.days_left) for r, fp in zip(report.rows, prints)],
            "properties": {"daysLeft": report.days_left, "endOfSupport": report.deadline},
        }],
    }
    return json.dumps(log, indent=2) + "\n"
