"""Decide, before LibCST sees a module, whether it may: its native parser has no depth guard.

LibCST's parser recurses once per nesting level in native code: 1,500 `(` or 20,000 unary
minus overflow the C stack and kill the whole process (no exception to catch), and its time
grows with the square of the depth. CPython's own parser (`ast.parse`, a C parser with depth
guards) reads the module first: what it refuses (a syntax error, more than 200 nested brackets,
a chain of about 3,000 operators) or accepts only deeper than `MAX_DEPTH` nodes is not given to
LibCST. Measured with libcst 1.x on CPython 3.11: every module CPython accepts parsed without a
crash; depth 300 costs LibCST and the analysis well under a second. A module CPython refuses
may use syntax newer than this Python; LibCST may try it when a raw count finds no deep
brackets and no long run of prefix operators (LibCST survived 1,000 brackets and 3,000 `-`).
"""
from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import Optional

MAX_DEPTH = 300  # syntax-tree levels; hand-written code stays far below 50


@dataclass(eq=False)
class Unparsable(Exception):
    """Why the Python pass cannot read a module, and where (1-based line and column)."""

    reason: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.reason} (line {self.line}, column {self.column})"


def _depth(tree: ast.AST) -> Optional[ast.AST]:
    """The first node deeper than `MAX_DEPTH` levels, or None (an iterative walk: no recursion)."""
    stack = [(tree, 1)]
    children = ast.iter_child_nodes
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        stack.extend((child, depth + 1) for child in children(node))
    return None


MAX_BRACKETS = 200  # CPython's own limit on nested brackets
PREFIX_RUN = re.compile(r"(?:(?:[-+~]|\bnot\b|\bawait\b|\blambda\b[^:\n]{0,80}:)\s*){100,}")
BRACKET = re.compile(r"[][(){}]")


def _shallow(text: str) -> bool:
    """Whether `text`, which CPython's parser refused, is still safe for LibCST: no more than
    `MAX_BRACKETS` nested brackets (counted in strings and comments too, which only errs on the
    safe side) and no run of 100 prefix operators."""
    depth = 0
    for bracket in BRACKET.finditer(text):
        depth = depth + 1 if bracket.group() in "([{" else max(0, depth - 1)
        if depth > MAX_BRACKETS:
            return False
    return PREFIX_RUN.search(text) is None


def check(text: str) -> Optional[Unparsable]:
    """Raise `Unparsable` unless LibCST may safely parse `text`. Returns CPython's own syntax
    error when LibCST may still try (its grammar can be newer than this Python's: PEP 701
    f-strings on Python 3.11), None when CPython parsed it."""
    return checked(text)[0]


def checked(text: str) -> tuple:
    """`check(text)`, and CPython's tree of `text` where it parsed it (else None)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
            tree = ast.parse(text)
    except SyntaxError as error:
        refused = Unparsable((error.msg or "invalid syntax").splitlines()[0], error.lineno or 1, error.offset or 1)
        if _shallow(text):
            return refused, None
        raise refused from None
    except (RecursionError, MemoryError):
        raise Unparsable("too deeply nested for Python's own parser") from None
    except ValueError as error:  # null bytes in the source
        raise Unparsable(str(error).splitlines()[0]) from None
    deep = _depth(tree)
    if deep is not None:
        raise Unparsable(f"nested more than {MAX_DEPTH} levels deep, too deep for the analysis",
                         getattr(deep, "lineno", 1), getattr(deep, "col_offset", 0) + 1)
    return None, tree


def from_libcst(error: Exception) -> Unparsable:
    """A LibCST parse error (or a RecursionError of the analysis) as `Unparsable`."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return Unparsable(text, getattr(error, "raw_line", 1) or 1, (getattr(error, "raw_column", 0) or 0) + 1)
