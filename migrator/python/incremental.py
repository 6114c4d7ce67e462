"""Parse an edited module again statement by statement: what the language server pays per change.

LibCST's parse of a 1,000-line module costs most of the time a change may take in the editor,
and an edit changes a statement or two. With `keep()` (the server calls it), `parse` keeps the
last module parsed for each of the few paths edited last and parses only the top-level
statements an edit touched, with the unchanged statement on each side, then splices them into
the module kept. The module spliced is the one a whole parse gives (the tests compare them
node for node on every fixture under random edits); where cheap checks cannot show it, the
module is parsed whole:

- the edit starts after the first statement (the module's header lines and its newline, the
  first one, come before) and the text never names `barry_as_FLUFL` (it changes the grammar);
- CPython's parser accepted the module kept and accepts the statements parsed again (`guard`,
  depth included): top-level statements parse independently, so it accepts the new module;
- the unchanged statement on each side parses to what it was: the edit reached neither, and
  lines between statements belong where they did;
- the indentation LibCST takes for the module's (its first indented block's) is unchanged.
Without `keep()` (a `check` run) every module is parsed whole and nothing is kept.
"""
from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

import libcst as cst

from migrator.python.guard import Unparsable, check, checked, from_libcst
from migrator.python.positions import Layout, Positions, first_lines

MAX_KEPT = 4  # paths whose last module is kept: the documents being edited


@dataclass(frozen=True)
class Parsed:
    text: str
    module: cst.Module
    layout: Layout
    refused: Optional[Unparsable] = None  # CPython's own verdict, where it refused a module LibCST read


def parse_whole(text: str) -> Parsed:
    """Raises `Unparsable` for a module CPython refuses or LibCST cannot read (see `guard`)."""
    refused, tree = checked(text)
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError) as error:
        raise (refused or from_libcst(error)) from None
    return Parsed(text, module, Layout(module, lines=first_lines(module, tree, text)), refused)


class Reparser:
    def __init__(self, kept: int = MAX_KEPT):
        self.kept = kept
        self.states: OrderedDict = OrderedDict()  # key -> Parsed, the least recently parsed first
        self.spliced = 0  # parses answered by a splice (for the tests and the benchmark)

    def parse(self, key: str, text: str) -> Parsed:
        old = self.states.pop(key, None)
        parsed = splice(old, text) if old is not None else None
        if parsed is None:
            parsed = parse_whole(text)
        else:
            self.spliced += 1
        self.states[key] = parsed
        while len(self.states) > self.kept:
            self.states.popitem(last=False)
        return parsed


def splice(old: Parsed, text: str) -> Optional[Parsed]:
    """`text` parsed by splicing the statements it changed into `old`'s module; None where the
    result could differ from a whole parse (see the module's docstring)."""
    if text == old.text:
        return old
    if old.refused is not None or "barry_as_FLUFL" in text:
        return None
    body = old.module.body
    positions = Positions(old.module, old.text, old.layout)
    units = positions.units
    starts = [units[id(statement)][0] for statement in body]
    first, after = _changed(old.text, text)
    changed = bisect.bisect_right(starts, first) - 1  # the statement the edit starts in
    last = bisect.bisect_right(starts, max(after - 1, first)) - 1
    if changed < 1:
        return None
    before = changed - 1  # unchanged statements on each side (None: the edit reaches the end)
    following = last + 1 if last + 1 < len(body) else None
    if not positions.fits(body[before]) or (following is not None and not positions.fits(body[following])):
        return None  # placed wrongly by their lines: the region is not where it seemed
    start = starts[before]
    end = len(text) if following is None else sum(units[id(body[following])]) + len(text) - len(old.text)
    try:
        if check(text[start:end]) is not None:
            return None
        piece = cst.parse_module("pass" + old.module.default_newline + text[start:end])
        module = _joined(old.module, piece, before, following)
    except (Unparsable, cst.ParserSyntaxError, RecursionError):
        return None
    return None if module is None else Parsed(text, module, Layout(module, old.layout))


def _joined(module: cst.Module, piece: cst.Module, before: int, following: Optional[int]) -> Optional[cst.Module]:
    """`module` with its statements from `before` to `following` (the end: None) replaced by
    those of `piece` (after its first, the `pass` standing for what precedes), or None where the
    result could differ from a whole parse."""
    body, statements = module.body, piece.body[1:]
    if piece.header or not statements or not _is_pass(piece.body[0]):
        return None
    if not statements[0].deep_equals(body[before]):
        return None
    if following is None:
        kept_after: tuple = ()
        footer, trailing = piece.footer, piece.has_trailing_newline
    else:
        if piece.footer or len(statements) < 2 or not statements[-1].deep_equals(body[following]):
            return None
        kept_after, statements = tuple(body[following:]), statements[:-1]
        footer, trailing = module.footer, module.has_trailing_newline
    if not _same_indentation(module, piece, before, following):
        return None
    new_body = (*body[: before + 1], *statements[1:], *kept_after)
    return module.with_changes(body=new_body, footer=footer, has_trailing_newline=trailing)


def _changed(old: str, new: str) -> tuple:
    """[first, after): the part of `old` that `new` replaced (the common prefix and suffix kept)."""
    first = _longest(lambda size: old[:size] == new[:size], min(len(old), len(new)))
    room = min(len(old), len(new)) - first
    tail = _longest(lambda size: old[len(old) - size:] == new[len(new) - size:], room)
    return first, len(old) - tail


def _longest(same, most: int) -> int:
    """The largest size up to `most` for which `same(size)` holds (it holds for every smaller
    size too): a binary search of slice comparisons, each one at C speed."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if same(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _is_pass(statement: cst.CSTNode) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Pass) and not statement.leading_lines)


def _same_indentation(module: cst.Module, piece: cst.Module, before: int, following: Optional[int]) -> bool:
    """Whether the new module's indentation (LibCST's `default_indent`: the first indented
    block's) is the old one and the statements parsed again were read with it."""
    if any(_has_block(statement) for statement in piece.body):
        return piece.default_indent == module.default_indent
    first = next((index for index, statement in enumerate(module.body) if _has_block(statement)), None)
    return first is None or first < before or (following is not None and first > following)


def _has_block(node) -> bool:
    """Whether a statement (or one of its clauses) holds an indented block."""
    if isinstance(node, (cst.IndentedBlock, cst.Match)):  # a match's cases are indented
        return True
    if node is None or isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return False
    parts = (getattr(node, "body", None), getattr(node, "orelse", None), getattr(node, "finalbody", None),
             *getattr(node, "handlers", ()))
    return any(_has_block(part) for part in parts)


_kept: Optional[Reparser] = None


def keep(kept: int = MAX_KEPT) -> Reparser:
    """Keep the last module of the `kept` paths parsed last, and splice edits into them."""
    global _kept
    _kept = Reparser(kept)
    return _kept


def parse(key: str, text: str) -> Parsed:
    """`text`, the module at `key`, parsed (spliced into its last module when `keep()` was called)."""
    return _kept.parse(key, text) if _kept is not None else parse_whole(text)
