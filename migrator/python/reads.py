"""Where a value goes once it is read: the forward half of soundness.

Analysis evaluates the URL of every request backwards to the bases it is built from. That alone
misses reads that lead nowhere analysis can see: a base returned from a helper, stored in a dict,
handed to a settings object, bound with `:=`. `sink()` names what the code does with a value at
one place, so that each read of a base is either followed (a request, a name or an attribute
whose reads are followed in turn) or reported as a read the analysis cannot follow, with why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from migrator.python.scopes import dotted, exactly

# Calls that only show a value: reading a base there requests nothing.
OUTPUT_CALLS = {"print", "repr", "len", "bool", "isinstance", "id", "hash", "type"}
OUTPUT_OWNERS = {"logging", "logger", "log", "LOGGER", "LOG", "warnings", "click", "typer", "console"}
# String methods whose arguments (and owner) are compared or replaced, not requested.
INERT_METHODS = {
    "replace", "startswith", "endswith", "split", "rsplit", "partition", "rpartition",
    "find", "rfind", "index", "rindex", "count", "removeprefix", "removesuffix", "strip",
    "lstrip", "rstrip", "sub", "match", "search", "fullmatch", "compile",
}
# Keywords that give an HTTP client the base URL its relative paths are joined to.
BASE_URL_KEYWORDS = {"baseurl", "baseuri", "apibase", "apibaseurl", "apiurl", "endpointurl", "rooturl", "serverurl"}
CONTAINERS = (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.Element, cst.StarredElement, cst.DictElement)


@dataclass(frozen=True)
class Sink:
    kind: str  # "bound" | "attribute" | "compared" | "none" | "escape"
    detail: str = ""  # the name or attribute bound, or why analysis cannot follow the value


NONE = Sink("none")
COMPARED = Sink("compared")


def sink(node: cst.CSTNode, parents: list, function: Optional[str]) -> Sink:
    """What happens to the value of `node`, whose ancestors are `parents` (innermost last)."""
    index = len(parents) - 1
    while index >= 0:
        parent = parents[index]
        if isinstance(parent, (cst.IfExp, cst.BooleanOperation)) and getattr(parent, "test", None) is not node:
            node, index = parent, index - 1  # `A if c else B`, `A or B`: the value goes on
            continue
        if isinstance(parent, cst.Await):
            node, index = parent, index - 1
            continue
        if isinstance(parent, cst.Arg) and index and isinstance(parents[index - 1], cst.Call):
            return _argument(parent, parents[index - 1], parents[: index - 1], function)
        return _sink_at(node, parent, function)
    return NONE


def is_base_keyword(keyword: str) -> bool:
    return keyword.lower().replace("_", "") in BASE_URL_KEYWORDS


def _sink_at(node, parent, function: Optional[str]) -> Sink:
    if isinstance(parent, (cst.Assign, cst.AnnAssign)):
        return _assigned(parent)
    if isinstance(parent, cst.WithItem):
        return Sink("bound", dotted(parent.asname.name)) if parent.asname is not None else NONE
    if isinstance(parent, cst.Comparison) or isinstance(parent, cst.ComparisonTarget):
        return COMPARED
    if isinstance(parent, (cst.Expr, cst.If, cst.While, cst.Assert, cst.UnaryOperation, cst.IfExp)):
        return NONE  # a statement of its own, or a truth test
    if isinstance(parent, cst.Param):
        return Sink("escape", f"the default of parameter `{parent.name.value}`, whose reads are not followed")
    if isinstance(parent, cst.Return):
        return Sink("escape", f"returned from `{function}()`" if function else "returned")
    if isinstance(parent, (cst.Yield, cst.From)):
        return Sink("escape", f"yielded from `{function}()`" if function else "yielded")
    if isinstance(parent, cst.Lambda):
        return Sink("escape", "returned by a lambda")
    if isinstance(parent, cst.AugAssign):
        return Sink("escape", "added to another value with an augmented assignment")
    if isinstance(parent, cst.NamedExpr):
        return Sink("escape", f"bound to `{dotted(parent.target)}` with `:=`")
    if isinstance(parent, cst.Attribute) and parent.value is node:
        if parent.attr.value in INERT_METHODS:
            return COMPARED
        return Sink("escape", f"used as `….{parent.attr.value}`")
    if isinstance(parent, cst.DictElement) and parent.key is node:
        return COMPARED  # a lookup key: {"…/v1beta1": "…/v1"} maps old to new
    if isinstance(parent, CONTAINERS):
        return Sink("escape", "stored in a list, tuple, set or dict")
    if isinstance(parent, cst.Subscript):
        return Sink("escape", "indexed or sliced")
    return Sink("escape", f"used in a `{type(parent).__name__}` expression")


def _assigned(statement) -> Sink:
    targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
    names = [t for t in targets if isinstance(t, cst.Name)]
    if len(names) == len(targets):
        return Sink("bound", names[0].value)
    attributes = [t for t in targets if isinstance(t, cst.Attribute)]
    if attributes and len(attributes) == len(targets):
        owner = attributes[0].value
        if isinstance(owner, cst.Name) and owner.value in ("self", "cls"):
            return Sink("attribute", attributes[0].attr.value)
        return Sink("escape", f"stored in `{dotted(attributes[0]) or 'an attribute'}` of an object analysis does not follow")
    if any(isinstance(t, cst.Subscript) for t in targets):
        return Sink("escape", f"stored in `{dotted(next(t for t in targets if isinstance(t, cst.Subscript)).value) or 'a container'}[…]`")
    return Sink("escape", "unpacked into several names")


def _argument(arg: cst.Arg, call: cst.Call, outer: list, function: Optional[str]) -> Sink:
    """A value handed to a call; a client's base URL goes wherever the client goes."""
    name = dotted(call.func)
    if arg.keyword is not None and is_base_keyword(arg.keyword.value):
        client = sink(call, outer, function)
        if client.kind == "escape":
            return Sink("escape", f"the base of a `{name}` client that is {client.detail}")
        return client if client.kind in ("bound", "attribute") else NONE
    head, _, last = name.rpartition(".")
    if name in OUTPUT_CALLS or head.split(".")[0] in OUTPUT_OWNERS:
        return NONE
    if last in INERT_METHODS:
        return COMPARED
    if arg.keyword is not None:
        return Sink("escape", f"passed as `{arg.keyword.value}=` to `{name or 'a call'}()`")
    return Sink("escape", f"passed to `{name or 'a call'}()`")


# Parents whose Name or Attribute child names something rather than reads it.
_NAMING = exactly(cst.FunctionDef, cst.ClassDef, cst.ImportAlias, cst.AsName, cst.NameItem, cst.MatchAs,
                  cst.MatchStar, cst.MatchMapping, cst.MatchKeywordElement, cst.Decorator)
_UNPACKING = exactly(cst.Tuple, cst.List, cst.Element, cst.StarredElement)
_TARGETS = exactly(cst.AssignTarget, cst.Del, cst.CompFor, cst.For, cst.AnnAssign, cst.AugAssign, cst.NamedExpr)


def is_load(node: cst.CSTNode, parents: list) -> bool:
    """`node` (a Name or Attribute) is read here, not bound, deleted, called or a keyword."""
    if not parents:
        return False
    parent = parents[-1]
    kind = type(parent)
    if kind is cst.Attribute:
        return parent.value is node
    if kind is cst.Call and parent.func is node:
        return False
    if kind is cst.Arg:
        return parent.value is node
    if kind is cst.Param:
        return parent.default is node  # a default is read where the function is defined
    if kind in _NAMING:
        return False
    index = len(parents) - 1
    while index >= 0 and type(parents[index]) in _UNPACKING:
        node, index = parents[index], index - 1
    if index < 0:
        return True
    holder = parents[index]
    return not (type(holder) in _TARGETS and holder.target is node)
