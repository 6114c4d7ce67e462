"""Field changes (AM301–AM306) visible in non-Python text, for endpoints the same file calls.

Reported, never rewritten: `jq '.type'`, `deployment.workloadIdentity`, `["supportPlan"]`,
`"type": …` in a request body, `?supportPlan=…`, `astronomerProduct=OBSERVE`.
"""
from __future__ import annotations

import re

from migrator.findings import Endpoint, Finding
from migrator.text_tokens import inside


def _patterns(change, where: str) -> list:
    """Regexes whose group 1 is the field (or parameter) as the text uses it."""
    name = re.escape(change.old)
    if where == "query":
        value = rf"={re.escape(change.value)}\b" if change.kind == "removed-value" else "="
        return [re.compile(rf"(?<![\w.-])({name}){value}")]
    found = [
        re.compile(rf"(?<=\.)({name})\b(?![-(])"),  # jq '.type', obj.workloadIdentity
        re.compile(rf"\[\s*[\"']({name})[\"']\s*\]"),  # obj["supportPlan"]
    ]
    if where == "request":
        found.append(re.compile(rf"[\"']({name})[\"']\s*:"))  # a JSON body key
    return found


def endpoint_of(op) -> Endpoint:
    return Endpoint(op.method, op.path, op.operation_id, None if op.v1 is None else "/v1" + op.v1)


def field_findings(text: str, operations: list, comments: list) -> list:
    """Findings for the field changes of `operations` (the file's endpoints) used in `text`."""
    findings, seen = [], set()
    for op in operations:
        for where, changes in op.fields.items():
            for change in changes:
                for pattern in _patterns(change, where):
                    for found in pattern.finditer(text):
                        start = found.start(1)
                        if (start, change.code) in seen or inside(comments, start):
                            continue
                        seen.add((start, change.code))
                        findings.append(
                            Finding(
                                change.code,
                                f"{change.summary} (this file calls {op.operation_id})",
                                start,
                                found.end(1),
                                endpoint=endpoint_of(op),
                            )
                        )
    return findings
