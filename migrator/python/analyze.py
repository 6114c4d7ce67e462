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
import functools
import re
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
_OPERATORS = (cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp)
# Nodes no analysis reads, nor anything inside them: whitespace and numbers (half of a module's nodes).
UNREAD = frozenset({cst.SimpleWhitespace, cst.Newline, cst.Integer, cst.Float, cst.Imaginary})
# Read for the comments inside them only (`UseCollector.visit_Comment`): the whitespace that may
# hold a comment, and the punctuation and operators whose whitespace may.
COMMENTS_ONLY = frozenset(
    {cst.TrailingWhitespace, cst.EmptyLine, cst.ParenthesizedWhitespace, cst.Comment, cst.Comma, cst.Dot,
     cst.Colon, cst.Semicolon, cst.AssignEqual, cst.ImportStar, cst.Asynchronous, cst.LeftParen, cst.RightParen,
     cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace, cst.RightCurlyBrace}
    | {kind for kind in vars(cst).values() if isinstance(kind, type) and issubclass(kind, _OPERATORS)})
QUIET = UNREAD | COMMENTS_ONLY
_NODE, _SEQUENCE = 1, 2
_ROLES: dict = {}  # (skipped set, type of a field's value) -> _NODE, _SEQUENCE or 0: not walked into


def _role(skipped: frozenset, kind: type) -> int:
    if kind is list or kind is tuple:
        return _SEQUENCE
    return _NODE if issubclass(kind, cst.CSTNode) and kind not in skipped else 0


def walk(visitor: UseCollector, node: cst.CSTNode, skipped: frozenset = UNREAD) -> None:
    """Visit `node` and its descendants, but not those of a type in `skipped`, with `visitor`'s
    on_visit/on_leave, reading only (LibCST's visitor machinery rebuilds every node)."""
    if visitor.on_visit(node):
        visitor.parents.append(node)
        names = _CHILD_FIELDS.get(type(node))
        if names is None:
            names = _CHILD_FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
        for name in names:
            value = getattr(node, name)
            role = _ROLES.get((skipped, type(value)))
            if role is None:
                role = _ROLES[(skipped, type(value))] = _role(skipped, type(value))
            if role == _NODE:
                walk(visitor, value, skipped)
            elif role == _SEQUENCE:
                for item in value:
                    kind = _ROLES.get((skipped, type(item)))
                    if kind is None:
                        kind = _ROLES[(skipped, type(item))] = _role(skipped, type(item))
                    if kind == _NODE:
                        walk(visitor, item, skipped)
        visitor.parents.pop()
    visitor.on_leave(node)


def skipped_in(text: str, versions: tuple) -> frozenset:
    """The node types a walk of `text` need not enter: with no comment that names a version,
    nothing that holds comments only."""
    return UNREAD if _version_comment(versions).search(text) else QUIET


@functools.lru_cache(maxsize=4)
def _version_comment(versions: tuple) -> re.Pattern:
    """A comment (`#` to the end of its line) naming one of `versions`, or a string with such text."""
    return re.compile(r"#[^\r\n]*(?:" + "|".join(re.escape(v) for v in versions) + ")")


def analyze(key: str, source: SourceText, hosts: Optional[tuple] = None) -> PythonFacts:
    """Parse `source` with LibCST and collect its facts. Raises `guard.Unparsable` for a module
    CPython's parser refuses, one too deep for LibCST (see `guard`), or one LibCST refuses."""
    parsed = incremental.parse(key, source.text)
    try:
        binder = Binder(source.text, key)
        binder.run(parsed.module)
        collector = FlowCollector(key, source, binder, source.text, hosts, parsed.layout)
        walk(collector, parsed.module, skipped_in(source.text, collector.api.versions))
    except RecursionError as error:
        raise (parsed.refused or from_libcst(error)) from None
    collector.facts.fields = collector.items
    return collector.facts
