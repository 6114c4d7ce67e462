"""Evaluate a Python string expression to a URL template, in the scopes where it is read.

`Evaluator` is the base of the one-pass visitor (`uses.UseCollector`): while the visit walks the
module it keeps the scopes in sight (classes, functions, lambdas, comprehensions) and evaluates
literals, concatenations, f-strings, `%`, `.format` and `string.Template`, `urljoin` (as the
standard library resolves it), `urlunsplit`, path and string joins, environment defaults, names
and attributes (through their bindings, see `scopes`) and the base URL a client was built with.
A base joined from parts of one expression becomes one literal (see `joins`); formatting and
URL-building calls are in `formats`. What it cannot see is a `Hole` (a shared one for an
environment variable or an Airflow Variable or Connection); a name imported from another module
is a `Ref`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

import libcst as cst

from migrator.engine import ruletable
from migrator.engine.templates import (
    Hole,
    Lit,
    Ref,
    concat,
    flatten,
    reached_via,
)
from migrator.project.source import SourceText
from migrator.python.formats import Formatting
from migrator.python.joins import Item, merge_bases, operands, shared_read
from migrator.python.positions import Layout, Positions
from migrator.python.reads import is_base_keyword
from migrator.python.scopes import (
    Binder,
    Binding,
    Scope,
    call_name,
    chain,
    dotted,
    exactly,
    latest,
    params,
    resolve,
    target_names,
)

PATH_JOINS = {"os.path.join", "posixpath.join", "path.join"}
PATH_TYPES = {"Path", "PurePath", "PosixPath", "PurePosixPath", "WindowsPath", "PureWindowsPath"}
TRIMS = {"rstrip", "lstrip", "strip", "removesuffix", "removeprefix"}
MAX_DEPTH = 25
DEFINITIONS = exactly(cst.FunctionDef, cst.ClassDef)
# The node types `evaluate` tells apart by `type(node) is …`: none has subclasses.
EVALUATED = exactly(cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.BinaryOperation, cst.Add,
                    cst.Modulo, cst.Divide, cst.Call, cst.Subscript, cst.Attribute, cst.Name, cst.BooleanOperation,
                    cst.IfExp)


def _handlers(visitor: type, kind: type) -> tuple:
    """(visit_ method, leave_ method) of `visitor` for `kind`; None where it is LibCST's no-op."""
    names = (f"visit_{kind.__name__}", f"leave_{kind.__name__}")
    return tuple(None if getattr(visitor, name, None) is getattr(cst.CSTVisitor, name, None) else getattr(visitor, name)
                 for name in names)


def module_of(ref: Ref) -> str:
    """The module an imported name stands for when it is used as `name.attr`."""
    if not ref.name:
        return ref.module
    return ref.module + ref.name if ref.module.endswith(".") else f"{ref.module}.{ref.name}"


class Evaluator(Formatting, cst.CSTVisitor):
    """Evaluate string expressions to templates, in the scopes the visit is in."""

    def __init__(self, key: str, source: SourceText, binder: Binder, layout: Optional[Layout] = None):
        """`layout`: the module's units with the lines of their code, where known already."""
        self.key = key
        self.source = source
        self.binder = binder
        self.positions = Positions(binder.module, source.text, layout)
        self.hints: list = []  # top-level statements being evaluated, innermost last
        self.shadowed: list = []  # names bound by the lambdas and comprehensions being visited
        self.current_top = None  # the top-level statement being visited
        self.stack = [binder.module_scope]
        self.statement: Optional[int] = None
        self.api = ruletable.facts()
        # Literal text worth a position: what may hold a base or a query parameter.
        self.origin_markers = (*self.api.versions, *self.api.hosts, "?", "&")
        self.bound_templates: dict = {}  # (id(Binding), inline_helpers) -> its value's template
        self.attribute_deps: set = set()  # attributes (`self.x`) the evaluation went through
        self.inline_helpers = True  # evaluate calls to helpers of the module by what they return
        self.dispatch: dict = {}  # node type -> (visit_ method, leave_ method), see `_handlers`

    # -- dispatch --------------------------------------------------------------------------

    def on_visit(self, node: cst.CSTNode) -> bool:
        """LibCST's dispatch to `visit_<Type>`, with the method looked up once per node type."""
        handlers = self.dispatch.get(type(node))
        if handlers is None:
            handlers = self.dispatch[type(node)] = _handlers(type(self), type(node))
        return handlers[0] is None or handlers[0](self, node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        handlers = self.dispatch.get(type(original_node))
        if handlers is None:  # a node whose visit stopped before the dispatch (an import)
            handlers = self.dispatch[type(original_node)] = _handlers(type(self), type(original_node))
        leave = handlers[1]
        if leave is not None:
            leave(self, original_node)

    # -- positions -------------------------------------------------------------------------

    def _span(self, node: cst.CSTNode) -> tuple:
        return self.positions.span(node, (*reversed(self.hints), self.current_top))

    # -- scopes ----------------------------------------------------------------------------

    def _body_scope(self, node: cst.CSTNode, parent: Optional[cst.CSTNode]) -> Optional[Scope]:
        """The scope `node` opens when it is the body of a def or class: decorators, bases,
        defaults and annotations are read in the enclosing scope, the body in its own."""
        if type(parent) in DEFINITIONS and node is parent.body:
            return self.binder.scope_of[id(parent)]
        return None

    # A lambda's parameters and a comprehension's targets hide outer names (they are not scopes
    # of the binder, whose bindings come from statements).
    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.shadowed.append({p.name.value for p in params(node.params)})

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.shadowed.pop()

    def _comprehension(self, node) -> None:
        names, loop = set(), node.for_in
        while loop is not None:
            names.update(n.value for n in target_names(loop.target))
            loop = loop.inner_for_in
        self.shadowed.append(names)

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    def _end_comprehension(self, node) -> None:
        self.shadowed.pop()

    leave_ListComp = leave_SetComp = leave_GeneratorExp = leave_DictComp = _end_comprehension

    def _lookup(self, name: str) -> Optional[Binding]:
        if self.shadowed and any(name in names for names in self.shadowed):
            return None
        return resolve(self.stack[-1], name, self.statement)

    def _class_scope(self) -> Optional[Scope]:
        for scope in reversed(self.stack):
            if scope.is_class:
                return scope
        return None

    def _lookup_attr(self, owner: cst.BaseExpression, attr: str) -> Optional[Binding]:
        if isinstance(owner, cst.Name) and owner.value in ("self", "cls"):
            scope = self._class_scope()
        elif isinstance(owner, cst.Name):
            binding = self._lookup(owner.value)
            value = binding.value if binding else None
            scope = self.binder.scope_of.get(id(value)) if isinstance(value, cst.ClassDef) else None
        else:
            scope = None
        if scope is None:
            return None
        found = latest(scope.names.get(attr, []) or scope.attrs.get(attr, []), None)
        if found is not None and isinstance(scope.node, cst.ClassDef):
            self.attribute_deps.add(f"{scope.node.name.value}.{attr}")
        return found

    # -- evaluation ------------------------------------------------------------------------

    def evaluate(self, node: cst.CSTNode, depth: int = 0) -> Optional[tuple]:
        """What a string expression evaluates to; None where it is not a visible string."""
        if depth > MAX_DEPTH:
            return None
        depth += 1
        kind = type(node)  # exact types (EVALUATED): a look-up, not an isinstance chain
        if kind is cst.SimpleString:
            skip = len(node.prefix) + len(node.quote)
            text = node.value[skip : len(node.value) - len(node.quote)]
            return (Lit(text, self._origin(node, text, skip)),)
        if kind is cst.ConcatenatedString:
            return self._chain(node, depth)
        if kind is cst.FormattedString:
            return self._fstring(node, depth)
        if kind is cst.BinaryOperation:
            operator = type(node.operator)
            if operator is cst.Add:
                return self._chain(node, depth)
            if operator is cst.Modulo:
                return self._percent(node, depth)
            if operator is cst.Divide:  # pathlib (a file path) or yarl (a URL)
                left = self.evaluate(node.left, depth)
                if left is not None and any(isinstance(p, Hole) and p.label == "path" for p in left):
                    return left
                right = self.evaluate(node.right, depth)
                if left is None and right is None:
                    return None
                return concat(left or (Hole(),), (Lit("/"),), right or (Hole(),))
            return None
        if kind is cst.Call:
            return self._call(node, depth)
        if kind is cst.Subscript or kind is cst.Attribute:
            outside = shared_read(node)
            if outside is not None:
                return (outside,)
        if kind is cst.Name:
            binding = self._lookup(node.value)
            template = self._bound(binding, depth)
            if template and binding.module_level:
                if any(isinstance(p, Lit) and any(v in p.text for v in self.api.versions) for p in template):
                    start, end = self._span(node)  # where a split would point the name elsewhere
                else:
                    start = end = -1  # only the name matters (may another module set it?)
                template = reached_via(template, (self.key, start, end, node.value))
            return template
        if kind is cst.Attribute:
            binding = self._lookup_attr(node.value, node.attr.value)
            if binding is not None:
                return self._bound(binding, depth)
            owner = self._lookup(node.value.value) if isinstance(node.value, cst.Name) else None
            if owner is not None and owner.is_import:
                return (Ref(module_of(owner.value), node.attr.value),)
            return None
        if kind is cst.BooleanOperation:  # `os.getenv("URL") or "https://…"`: the text in sight
            left = self.evaluate(node.left, depth)
            if left is None or all(isinstance(p, Hole) for p in left):
                return self.evaluate(node.right, depth) or left
            return left
        if kind is cst.IfExp:
            return self.evaluate(node.body, depth) or self.evaluate(node.orelse, depth)
        return None

    def _origin(self, node: cst.CSTNode, text: str, skip: int = 0) -> Optional[tuple]:
        """Where literal text starts, for text that can hold a base or a query parameter, or whose
        statement is measured already (a path segment beside a base). Measuring positions is the
        costly part, so other text goes without."""
        if any(marker in text for marker in self.origin_markers):
            return self.key, self._span(node)[0] + skip
        known = self.positions.spans.get(id(node))
        return None if known is None else (self.key, known[0] + skip)

    def _bound(self, binding: Optional[Binding], depth: int) -> Optional[tuple]:
        if binding is None:
            return None
        if binding.is_import:
            return (binding.value,) if binding.value.name else None
        if binding.opaque:
            return None
        if binding.scope is None:  # a call frame's argument: evaluated where it is read
            return self.evaluate(binding.value, depth)
        stack = self._stack_of(binding.scope)
        plain = all(scope.node is not None or scope.parent is None for scope in stack)  # no call frame
        memo = (id(binding), self.inline_helpers)
        known = self.bound_templates.get(memo, self) if plain else self
        if known is not self:
            template, deps = known
            self.attribute_deps |= deps
            return template
        outer_deps, self.attribute_deps = self.attribute_deps, set()
        saved = self.stack, self.statement, self.shadowed
        self.stack, self.statement, self.shadowed = stack, binding.order, []
        self.hints.append(binding.top)
        try:
            template = self.evaluate(binding.value, depth)
        finally:
            self.hints.pop()
            self.stack, self.statement, self.shadowed = saved
            deps, self.attribute_deps = self.attribute_deps, outer_deps | self.attribute_deps
        if plain:
            self.bound_templates[memo] = (template, deps)
        return template

    def _stack_of(self, scope: Scope) -> list:
        """The scopes to evaluate a binding of `scope` in: the visit's own, up to that scope (or to
        the call frame standing for it, whose parameters hold the caller's arguments)."""
        for index in range(len(self.stack) - 1, -1, -1):
            here = self.stack[index]
            if here is scope or (here.node is None and here.parent is scope):
                return self.stack[: index + 1]
        return chain(scope)

    def _or_hole(self, node: cst.CSTNode, depth: int) -> tuple:
        return self.evaluate(node, depth) or (Hole(),)

    def _merged(self, items: list, quoted: bool = True) -> tuple:
        return merge_bases(items, self._span, self.key, self.source.text, quoted)

    def _chain(self, node: cst.CSTNode, depth: int) -> Optional[tuple]:
        """`a + b + c` or `"a" "b"`: the operands joined."""
        values = [(part, self.evaluate(part, depth)) for part in operands(node)]
        if all(template is None for _, template in values):
            return None
        return self._merged([Item(template or (Hole(),), part) for part, template in values])

    def _fstring(self, node: cst.FormattedString, depth: int) -> tuple:
        items = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                items.append(Item((Lit(part.value, self._origin(part, part.value)),), part))
            else:
                items.append(Item(self._or_hole(part.expression, depth), part))
        return self._merged(items, quoted=False)

    def _call(self, node: cst.Call, depth: int) -> Optional[tuple]:
        func = node.func
        name = call_name(func)
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if name == "format" and isinstance(func, cst.Attribute):
            return self._format(func.value, positional, keywords, depth)
        if name in ("get", "getenv") and self._is_environ(func) and len(positional) >= 2:
            return self.evaluate(positional[1], depth)
        if name == "getenv" and "default" in keywords:
            return self.evaluate(keywords["default"], depth)
        if dotted(func) == "Variable.get" and "default_var" in keywords:  # Airflow's Variable
            return self.evaluate(keywords["default_var"], depth)
        outside = shared_read(node)
        if outside is not None:
            return (outside,)
        if name == "urljoin" and len(positional) == 2:
            return self._urljoin(positional[0], positional[1], depth)
        if name in ("urlunsplit", "urlunparse") and len(positional) == 1:
            return self._unsplit(positional[0], name == "urlunparse", depth)
        if name in ("substitute", "safe_substitute") and isinstance(func, cst.Attribute):
            return self._substitute(func.value, positional, keywords, depth)
        if dotted(func) in PATH_JOINS and positional:
            return self._path_join(positional, depth)
        if name == "join" and isinstance(func, cst.Attribute) and positional:
            return self._str_join(func.value, positional[0], depth)
        if name in TRIMS and isinstance(func, cst.Attribute):  # BASE.rstrip("/") is BASE, near enough
            return self.evaluate(func.value, depth)
        if name in PATH_TYPES:
            return (Hole("path"),)
        if name == "str" and len(positional) == 1:
            return self.evaluate(positional[0], depth)
        return None

    @staticmethod
    def _is_environ(func: cst.BaseExpression) -> bool:
        return dotted(func).split(".")[-2:-1] in (["environ"], ["os"]) or dotted(func) == "getenv"

    def _path_join(self, nodes: list, depth: int) -> tuple:
        """`os.path.join(a, b)` / `posixpath.join(a, b)` as on POSIX: one "/" between the parts;
        a part that starts with "/" drops those before it."""
        items: list = []
        for node in nodes:
            template = self._or_hole(node, depth)
            text = flatten(template)
            if text.startswith("/"):
                items = []
            elif items and not flatten(items[-1].template).endswith("/"):
                items.append(Item((Lit("/"),), None))
            items.append(Item(template, node))
        return self._merged(items)

    def _str_join(self, separator_node, items_node, depth) -> Optional[tuple]:
        separator = self.evaluate(separator_node, depth)
        if separator is None or not isinstance(items_node, (cst.List, cst.Tuple)):
            return None
        items: list = []
        for index, element in enumerate(items_node.elements):
            if index:
                items.append(Item(separator, None))
            items.append(Item(self._or_hole(element.value, depth), element.value))
        return self._merged(items)

    # -- client bases ----------------------------------------------------------------------

    def _client_base(self, func: cst.Attribute) -> Optional[tuple]:
        """The base URL of the client a method is called on, if it was built with one."""
        return self._client_template(self._holder(func.value))

    def _holder(self, owner: cst.BaseExpression) -> Optional[Binding]:
        """The binding of a name or `self.x` that may hold a client."""
        if isinstance(owner, cst.Attribute) and isinstance(owner.value, cst.Name):
            return self._lookup_attr(owner.value, owner.attr.value)
        if isinstance(owner, cst.Name):
            return self._lookup(owner.value)
        return None

    def _client_template(self, binding: Optional[Binding]) -> Optional[tuple]:
        """The base URL a client was built with (`httpx.Client(base_url=…)`), evaluated where the
        client was built."""
        value = binding.value if binding is not None and not binding.is_import else None
        if not isinstance(value, cst.Call):
            return None
        for arg in value.args:
            if arg.keyword is not None and is_base_keyword(arg.keyword.value):
                return self._bound(replace(binding, value=arg.value), 0)
        return None
