"""The text tier: v1beta1 URLs in files that are not Python, read line by line."""
from __future__ import annotations

import re

from migrator.link import base_finding, blocked_finding
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


def analyze(source: SourceText, table, host_re, path: str) -> list:
    """Findings in a non-Python file; `path` tells its type."""
    findings = []
    text = source.text
    for token in TOKEN.finditer(text):
        if "v1beta1" not in token.group(0):
            continue
        for match in find_bases(template_of(token.group(0), token.start()), table, host_re):
            start = match.lit.origin[1] + match.start
            end = start + match.end - match.start
            if match.blocked:
                findings.append(blocked_finding(match, start, end))
            else:
                serving = [(match, None)] if match.has_path else []
                findings.append(base_finding(match, start, end, serving))
    return findings
