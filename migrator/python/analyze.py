"""LibCST analysis of one Python module: every string expression that may build an Astro URL.

The result, `PythonFacts`, is plain data (cacheable, picklable): the URL templates the module
builds ("uses", with the HTTP method where the call shows it), the module-level names whose
value holds a v1beta1 base (for modules that import them), and findings in comments.
Deciding what is a finding happens later, in `policy.link`, once every module's facts are known.
One read-only walk does it all: `fields_collect.FlowCollector` is a `uses.UseCollector` (which
is an `evaluate.Evaluator`) that also follows JSON data.
"""
from __future__ import annotations

import dataclasses
from typing import Optional

import libcst as cst

from migrator.project.source import SourceText
from migrator.python import incremental
from migrator.python.facts import PythonFacts
from migrator.python.fields_collect import FlowCollector
from migrator.python.guard import from_libcst
from migrator.python.scopes import Binder
from migrator.python.uses import UseCollector

_CHILD_FIELDS: dict = {}  # node type -> names of the fields that may hold nodes
# Leaves no analysis reads (no comment, name or string inside): half of a module's nodes.
_SKIPPED = (cst.SimpleWhitespace, cst.Newline)


def _children(node: cst.CSTNode):
    """A node's children, without LibCST's visitor machinery (which rebuilds every node)."""
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = _CHILD_FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            if not isinstance(value, _SKIPPED):
                yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, cst.CSTNode) and not isinstance(item, _SKIPPED):
                    yield item


def walk(visitor: UseCollector, node: cst.CSTNode) -> None:
    """Visit `node` and its descendants with `visitor`'s on_visit/on_leave, reading only."""
    if visitor.on_visit(node):
        visitor.parents.append(node)
        for child in _children(node):
            walk(visitor, child)
        visitor.parents.pop()
    visitor.on_leave(node)


def analyze(key: str, source: SourceText, hosts: Optional[tuple] = None) -> PythonFacts:
    """Parse `source` with LibCST and collect its facts. Raises `guard.Unparsable` for a module
    CPython's parser refuses, one too deep for LibCST (see `guard`), or one LibCST refuses."""
    parsed = incremental.parse(key, source.text)
    try:
        binder = Binder(source.text, key)
        binder.run(parsed.module)
        collector = FlowCollector(key, source, binder, source.text, hosts, parsed.layout)
        walk(collector, parsed.module)
    except RecursionError as error:
        raise (parsed.refused or from_libcst(error)) from None
    collector.facts.fields = collector.items
    return collector.facts
