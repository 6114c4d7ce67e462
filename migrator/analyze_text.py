"""The text tier: v1beta1 URLs in files that are not Python, read line by line."""
from __future__ import annotations

import re

from migrator.findings import Edit, Finding, Fix
from migrator.match import find_bases
from migrator.source import SourceText
from migrator.templates import Hole, Lit

# Template syntax that stands for a value: ${VAR}, ${{ x }}, {{ x }}, $VAR, %s, {x}.
PLACEHOLDER = re.compile(r"\$\{\{.*?\}\}|\{\{.*?\}\}|\$\{[^}]*\}|\$\w+|%s|\{\w+\}")
# Where a URL token starts: start of line, after white space, a quote, `=`, `(` or `,`.
TOKEN = re.compile(r"[^\s\"'`=(,<>\[\]]+")


def template_of(token: str, offset: int) -> tuple:
    parts, pos = [], 0
    for match in PLACEHOLDER.finditer(token):
        if match.start() > pos:
            parts.append(Lit(token[pos : match.start()], ("", offset + pos)))
        parts.append(Hole(match.group(0)))
        pos = match.end()
    if pos < len(token):
        parts.append(Lit(token[pos:], ("", offset + pos)))
    return tuple(parts)


def analyze(source: SourceText, table, host_re) -> list:
    findings = []
    text = source.text
    for token in TOKEN.finditer(text):
        if "v1beta1" not in token.group(0):
            continue
        for match in find_bases(template_of(token.group(0), token.start()), table, host_re):
            start = match.lit.origin[1] + match.start
            end = start + match.end - match.start
            if match.blocked:
                findings.append(Finding("AM201", f"{match.api}/v1beta1{match.path} has no v1 equivalent", start, end,
                                        endpoint=match.endpoint()))
                continue
            code = {"url": "AM101", "spec": "AM103", "path": "AM102"}[match.kind]
            fix = Fix("safe" if match.operations or not match.has_path else "unsafe",
                      f"Replace `{match.api}/v1beta1` with `v1`", (Edit(start, end, "v1"),))
            findings.append(Finding(code, f"Astro API v1beta1 URL `{match.api}/v1beta1{match.path}`", start, end,
                                    fix=fix, endpoint=match.endpoint()))
    return findings
