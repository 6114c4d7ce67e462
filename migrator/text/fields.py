"""Field changes (AM301–AM306) visible in non-Python text, for endpoints the same file calls.

Reported, never rewritten: `jq '.type'`, `deployment.workloadIdentity`, `["supportPlan"]`,
`"type": …` in a request body, `?supportPlan=…`, `astronomerProduct=OBSERVE`.
"""
from __future__ import annotations

import re

from migrator.engine.findings import Endpoint, Finding
from migrator.text.tokens import inside


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
    return Endpoint(op.method, op.path, op.operation_id, op.v1_path)


def field_findings(text: str, sites: list, comments: list) -> list:
    """Findings for the field changes of the endpoints the file calls, used in `text`.

    `sites` are (operation, offset of the call); a field is credited to the nearest call before
    it that changed that field (`curl …/tokens/$T | jq .type` names GetApiToken, not the file's
    first token call)."""
    findings, seen = [], set()
    for op, _ in sites:
        for where, changes in op.fields.items():
            for change in changes:
                for pattern in _patterns(change, where):
                    for found in pattern.finditer(text):
                        start = found.start(1)
                        if (start, change.code) in seen or inside(comments, start):
                            continue
                        seen.add((start, change.code))
                        caller = _nearest(sites, change, start) or op
                        findings.append(
                            Finding(
                                change.code,
                                f"{change.summary} (this file calls {caller.operation_id})",
                                start,
                                found.end(1),
                                endpoint=endpoint_of(caller),
                            )
                        )
    return findings


def _nearest(sites: list, change, offset: int):
    """The operation with `change` whose call comes last before `offset`."""
    before = [(at, op) for op, at in sites if at <= offset and any(change in c for c in op.fields.values())]
    return max(before, key=lambda item: item[0])[1] if before else None
