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
import inspect
import re
import typing
from typing import Optional

import libcst as cst

from migrator.project.source import SourceText
from migrator.python import incremental
from migrator.python.facts import PythonFacts
from migrator.python.fields_collect import FlowCollector
from migrator.python.guard import from_libcst
from migrator.python.scopes import Binder
from migrator.python.uses import UseCollector

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
# Fields that hold a bare identifier (a Name no analysis reads: never a load, never a
# parenthesized one that could hold a comment), walked into only by a walk into everything.
IDENTIFIERS: dict = {cst.Attribute: {"attr"}, cst.FunctionDef: {"name"}, cst.ClassDef: {"name"}, cst.Param: {"name"},
               cst.Arg: {"keyword"}}
_NODE, _SEQUENCE = 1, 2


class Plan:
    """What a walk that skips the node types in `skipped` enters: per node type, the fields
    whose declared types allow a node it visits; per type of value found there, whether it
    is a node to visit, a sequence of them, or neither."""

    def __init__(self, skipped: frozenset):
        self.skipped = skipped
        self.fields: dict = {}  # node type -> names of the fields to look into
        self.roles: dict = {}  # type of a field's value -> _NODE, _SEQUENCE or 0

    def fields_of(self, kind: type) -> tuple:
        try:
            hints = typing.get_type_hints(kind)
        except Exception:  # annotations this Python cannot resolve: every field is looked into
            hints = {}
        identifiers = IDENTIFIERS.get(kind, set()) if self.skipped else set()
        found = self.fields[kind] = tuple(
            f.name for f in dataclasses.fields(kind)
            if f.name not in identifiers and (f.name not in hints or not self._unvisited(hints[f.name])))
        return found

    def role(self, kind: type) -> int:
        if kind is list or kind is tuple:
            found = _SEQUENCE
        else:
            found = _NODE if issubclass(kind, cst.CSTNode) and kind not in self.skipped else 0
        self.roles[kind] = found
        return found

    def _unvisited(self, declared) -> bool:
        """Whether no value of the declared type is a node the walk visits (false when unsure)."""
        if typing.get_origin(declared) is typing.Literal:  # Literal["", "*"]: text
            return True
        arguments = typing.get_args(declared)
        if arguments:  # Sequence[X], Union[X, Y], Optional[X]
            return all(self._unvisited(argument) for argument in arguments)
        if not isinstance(declared, type):
            return False
        if not issubclass(declared, cst.CSTNode):
            return declared in (str, bool, type(None)) or issubclass(declared, cst.MaybeSentinel)
        return all(kind in self.skipped for kind in _concrete(declared))


def _concrete(declared: type) -> set:
    """The node classes a value declared as `declared` can be: itself and its subclasses that
    LibCST exports, abstract ones left out (a class LibCST replaced by its slotted copy, whose
    name now stands for that copy, never has instances). An unexported class counts as unknown."""
    found, pending = set(), [declared]
    while pending:
        kind = pending.pop()
        pending.extend(kind.__subclasses__())
        exported = getattr(cst, kind.__name__, None)
        if exported is kind:
            if not inspect.isabstract(kind):
                found.add(kind)
        elif exported is None:
            found.add(object)  # not one of LibCST's: never skipped
    return found


PLANS = {UNREAD: Plan(UNREAD), QUIET: Plan(QUIET)}


def walk(visitor: UseCollector, node: cst.CSTNode, plan: Plan = PLANS[UNREAD]) -> None:
    """Visit `node` and its descendants, but not those of a type in `plan.skipped`, with
    `visitor`'s on_visit/on_leave, reading only (LibCST's visitor machinery rebuilds every node)."""
    if visitor.on_visit(node):
        visitor.parents.append(node)
        roles = plan.roles
        names = plan.fields.get(type(node))
        for name in names if names is not None else plan.fields_of(type(node)):
            value = getattr(node, name)
            role = roles.get(type(value))
            if role is None:
                role = plan.role(type(value))
            if role == _NODE:
                walk(visitor, value, plan)
            elif role == _SEQUENCE:
                for item in value:
                    kind = roles.get(type(item))
                    if kind is None:
                        kind = plan.role(type(item))
                    if kind == _NODE:
                        walk(visitor, item, plan)
        visitor.parents.pop()
    visitor.on_leave(node)


def plan_for(text: str, versions: tuple) -> Plan:
    """What a walk of `text` enters: where no comment names a version, nothing that holds comments only."""
    return PLANS[UNREAD] if _version_comment(versions).search(text) else PLANS[QUIET]


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
        walk(collector, parsed.module, plan_for(source.text, collector.api.versions))
    except RecursionError as error:
        raise (parsed.refused or from_libcst(error)) from None
    collector.facts.fields = collector.items
    return collector.facts
