"""Findings as LSP diagnostics: the code and its README link, the message as reports mask it,
the severity the deadline clock gives today and the days left; an AM202 points at its blocked calls."""
from __future__ import annotations

import os
from typing import Callable, Optional

from lsprotocol import types
from pygls.uris import from_fs_path

from migrator.engine import deadline, registry
from migrator.engine.findings import Finding
from migrator.lsp.positions import Positions
from migrator.lsp.state import Analysis
from migrator.report import secrets

SOURCE = "astro-migrate"
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
DEADLINE_CATEGORIES = ("url", "blocker", "field")  # findings that stop working at end of support


def uri_of(path: str) -> str:
    return from_fs_path(os.path.abspath(path)) or path


def severity(finding: Finding, analysis: Analysis) -> str:
    rule = registry.rule(finding.code)
    return deadline.severity(finding.code, rule.severity, analysis.settings.days_left, analysis.settings.config.thresholds)


def message(finding: Finding, analysis: Analysis) -> str:
    text = secrets.mask(finding.message)
    if finding.context:
        text = f"{text} ({finding.context})"
    if registry.rule(finding.code).category in DEADLINE_CATEGORIES:
        text = f"{text}; {deadline.short(analysis.settings.days_left)}"
    return text


def _related(finding: Finding, analysis: Analysis, encoding, text_of: Callable) -> Optional[list]:
    """Where the blocked calls of an AM202 are (not in JSON or notebooks, whose findings are
    moved from the text analysed to the file's while these places are not)."""
    places = finding.extra.get("blocked") or ()
    if analysis.flavor in ("json", "notebook"):
        return None
    related = []
    for path, start, end in places:
        text = analysis.text if path == analysis.path else text_of(path)
        if text is None:
            continue
        location = types.Location(uri_of(path), Positions(text, encoding).range(start, end))
        related.append(types.DiagnosticRelatedInformation(location, "blocked call: v1 has no equivalent (AM201)"))
    return related or None


def diagnostic(finding: Finding, analysis: Analysis, positions: Positions, text_of: Callable) -> types.Diagnostic:
    return types.Diagnostic(
        range=positions.range(finding.start, finding.end),
        message=message(finding, analysis),
        severity=SEVERITY[severity(finding, analysis)],
        code=finding.code,
        code_description=types.CodeDescription(href=registry.help_url(finding.code)),
        source=SOURCE,
        related_information=_related(finding, analysis, positions.encoding, text_of),
        data={"days_left": analysis.settings.days_left},
    )


def diagnostics(analysis: Analysis, encoding, text_of: Callable) -> list:
    """One diagnostic per finding, in the order of `analysis.findings`."""
    positions = Positions(analysis.text, encoding)
    return [diagnostic(finding, analysis, positions, text_of) for finding in analysis.findings]
