"""Field-level migration: JSON fields and query parameters that v1 renamed or removed (AM3xx),
and v1 calls that do not pin the API version (AM401, advice).

Two steps, like the URL analysis: `fields_collect.FlowCollector` (the Python pass) records plain
data per module (`ApiCall`, `FieldUse`, and for values that cross modules `FlowExport`,
`BodyExport`, `SentBody`, `ModelFeed`/`ModelField`); `judge` runs once every module is known,
follows values across modules (`field_flows.FlowResolver`), resolves imported names, identifies
the endpoint of each URL (v1beta1 or already v1) and asks the rule table which fields changed
for that operation. A finding goes to the file where the key is written (a model or a body built
in another module gets it there). The code knows no field names: `rules/fields.toml` and the
`fields.*` entries of `rules/endpoints.toml` do.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Edit, Finding, Fix, dedupe
from migrator.engine.match import (
    AFTER_OK,
    BaseMatch,
    classify,
    find_bases,
    narrow,
    read_path,
    scan,
)
from migrator.engine.ruletable import FieldChange, RuleTable
from migrator.engine.templates import Lit
from migrator.policy.field_flows import FlowResolver, Origin
from migrator.python.facts import ApiCall, FieldUse, ModelFeed, SentBody

V1_MARKER = re.compile(r"(?<![\w.])v1(?![\w.])")
QUERY_PARAM = re.compile(r"[?&]([A-Za-z_]\w*)=([^&#\s\"'`]*)")
BODY_METHODS = {"POST", "PUT", "PATCH"}


def find_v1_bases(template: tuple, table: RuleTable, host_re: re.Pattern) -> list:
    """Every v1 base (`https://api.astronomer.io/v1`) in `template`, the host visible."""
    found = []
    for part, marker, start, end, flat in scan(template, V1_MARKER):
        if classify(flat[:start], host_re) != "url" or not AFTER_OK.match(flat, end):
            continue
        path, query, operations = read_path(flat[end:], "platform", table)
        found.append(BaseMatch("url", table.v1, part, marker.start(), marker.end(), path, query, operations))
    return found


def endpoint_match(template: tuple, table: RuleTable, host_re: re.Pattern) -> Optional[BaseMatch]:
    """The base, v1beta1 or v1, followed by a known endpoint path, if `template` has one."""
    for match in find_bases(template, table, host_re) + find_v1_bases(template, table, host_re):
        if match.kind != "spec" and match.operations:
            return match
    return None


def judge(facts_by_key: dict, index, table: RuleTable, host_re: re.Pattern) -> dict:
    """Findings per file key for the `fields` of every module's facts."""
    findings = defaultdict(list)
    flows = FlowResolver(facts_by_key, index)
    for key, facts in facts_by_key.items():
        for item in facts.fields:
            if not isinstance(item, (ApiCall, FieldUse, ModelFeed, SentBody)):
                continue  # FlowExport, BodyExport, ModelField: read through the resolver
            origin = flows.origin(item.template, item.method, key)
            match = origin and endpoint_match(origin.template, table, host_re)
            if match is None:
                continue
            if isinstance(item, ApiCall):
                findings[key].extend(_calls(item, match, table))
                for query_key, use in _url_query(item, origin.template, match):
                    findings[query_key].extend(_field(use, match))
            elif isinstance(item, ModelFeed):
                defining, fields = flows.model_fields(item, key)
                findings[defining].extend(_model(fields, origin, match))
            elif isinstance(item, SentBody):
                defining, body = flows.body(item, key)
                findings[defining].extend(_sent_body(item, body, origin, match, key))
            elif item.source is not None:
                source = flows.origin(item.source[0], item.source[1], key)
                source_match = source and endpoint_match(source.template, table, host_re)
                findings[key].extend(_posted_back(item, match, source_match, source and source.method))
            else:
                findings[key].extend(_field(flows.held(_from(item, origin), key), match))
    return {key: dedupe(items) for key, items in findings.items() if items}


def _from(use: FieldUse, origin: Origin) -> FieldUse:
    """`use` with what its origin adds: the method of a request another module makes, and
    why the value may not be that request's data."""
    if origin.certain and use.method == origin.method:
        return use
    return replace(use, method=origin.method, certain=use.certain and origin.certain, why=use.why or origin.why)


def _sent_body(sent: SentBody, body, origin: Origin, match: BaseMatch, sender: str):
    """AM3xx on the keys of a body another module builds: never certain, since whatever builds
    it may also be sent elsewhere."""
    for key, start, end, value in body.keys if body is not None else ():
        why = f"`{body.name}` is sent to the Astro API from {sender}, and may be sent elsewhere too"
        yield from _field(FieldUse(origin.template, origin.method, sent.where, key, start, end, certain=False,
                                   value=value, why=why), match)


def _model(fields: list, origin: Origin, match: BaseMatch):
    """AM3xx on the fields of a model class a response fills. A field whose Python name is the
    key (`type: str` of a pydantic model) is reported, not renamed: its reads use that name."""
    for field in fields:
        use = FieldUse(origin.template, origin.method, "response", field.key, field.start, field.end,
                       certain=origin.certain, why=origin.why)
        yield from _field(use, match, by_name=field.kind == "attribute")


def _label(operations) -> str:
    return " or ".join(sorted({op.operation_id for op in operations}))


def _applies(change: FieldChange, use: FieldUse) -> bool:
    if change.old != use.key:
        return False
    return change.kind != "removed-value" or (use.value or "").upper() == change.value


def _field(use: FieldUse, match: BaseMatch, by_name: bool = False):
    """AM3xx for one key, if the operations it goes to or comes from changed it. A rename is
    fixed where the value is certainly this request's; unsafe where only the operation is
    unclear; not at all where the value may hold other data (`use.why`, shown), or where the
    key is a model field's Python name (`by_name`), which its reads use too."""
    operations = narrow(match.operations, use.method)
    hits = [(op, c) for op in operations for c in op.fields.get(use.where, ()) if _applies(c, use)]
    if not hits:
        return
    change = hits[0][1]
    every = {op.operation_id for op, _ in hits} == {op.operation_id for op in operations}
    label = _label(op for op, _ in hits)
    where = {"request": "request bodies", "response": "responses", "query": "query parameters"}[use.where]
    if change.kind == "rename":
        certain = use.certain and every
        fix = Fix(
            "safe" if certain else "unsafe",
            f"Rename `{change.old}` to `{change.new}`"
            + ("" if certain else " (check that this value comes from or goes to the Astro API)"),
            (Edit(use.start, use.end, change.new, use.key),),
        )
        message = f"`{change.old}` is `{change.new}` in v1 {where} of {label}. {change.summary}"
        if by_name:
            fix = None
            message += (f" The model field `{change.old}` reads it by its name: give it "
                        f"`Field(alias=\"{change.new}\")` (or rename it and its reads).")
        elif use.why and not use.certain:
            fix = None
            message += f" Not renamed: {use.why}."
    else:
        fix = None
        message = f"`{change.old}` in {where} of {label}: {change.summary}"
    extra = {} if match.api == ruletable.facts().v1 else {"base": match.lit.origin and (match.lit.origin[0], match.lit.origin[1] + match.start)}
    yield Finding(change.code, message, use.start, use.end, fix=fix, endpoint=match.endpoint(use.method), extra=extra)


def _posted_back(use: FieldUse, match: BaseMatch, source: Optional[BaseMatch], source_method: Optional[str]):
    """A whole response sent as a body: response renames the request does not share."""
    targets = narrow(match.operations, use.method)
    if source is None or not any(op.method in BODY_METHODS for op in targets):
        return
    origins = narrow(source.operations, source_method)
    shared = {c.id for op in targets for c in op.fields.get("request", ())}
    renamed = {c.id: c for op in origins for c in op.fields.get("response", ()) if c.kind == "rename"}
    for change in renamed.values():
        if change.id in shared:
            continue
        yield Finding(
            change.code,
            f"the whole {_label(origins)} response is sent to {_label(targets)}: in v1 the response "
            f"carries `{change.new}`, while the request still takes `{change.old}`. Set `{change.old}` "
            f"from `{change.new}` (or build the body field by field) before sending",
            use.start,
            use.end,
            endpoint=match.endpoint(use.method),
        )


def _url_query(call: ApiCall, template: tuple, match: BaseMatch) -> list:
    """(file key, FieldUse) for every `?name=value` written after the base, in source literals."""
    uses, after = [], False
    for part in template:
        after = after or part is match.lit
        if not after or not isinstance(part, Lit) or part.origin is None:
            continue
        for param in QUERY_PARAM.finditer(part.text, match.end if part is match.lit else 0):
            key, offset = part.origin[0], part.origin[1] + param.start(1)
            end = offset + len(param.group(1))
            uses.append((key, FieldUse(call.template, call.method, "query", param.group(1), offset, end, value=param.group(2))))
    return uses


def _calls(call: ApiCall, match: BaseMatch, table: RuleTable):
    """AM401: a v1 call that does not pin the API version."""
    if match.api != table.v1 or call.pinned:
        return
    yield Finding(
        "AM401",
        f"v1 call to {_label(narrow(match.operations, call.method))} does not pin `{table.pin_header}`; "
        f"send `{table.pin_header}: {table.pin_value}` so a later v1 minor version cannot change "
        "the response under you",
        call.start,
        call.end,
        endpoint=match.endpoint(call.method),
    )
