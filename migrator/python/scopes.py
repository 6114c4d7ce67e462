"""Which binding a name stands for: LibCST bindings, decided by CPython's own `symtable`.

The binder walks statements (not a LibCST visitor, which rebuilds every node) and records, per
scope and in statement order, each binding whose value analysis can evaluate (`x = …`, imports,
parameters, `with … as x`) and, as opaque, every other binding form (`for` targets, `except …
as`, `match` captures, `del`, `def` names, `+=`). Whether a name read in a function is that
function's, an enclosing function's or the module's is not guessed: `symtable` (the compiler's
scope analysis, a tenth of LibCST's parse time) says so for every binding form Python has,
`:=`, `global`, `nonlocal` and comprehension variables included. A name symtable calls local
but that no evaluable binding explains resolves to `OPAQUE`: never to an outer scope's value.
"""
from __future__ import annotations

import symtable
from dataclasses import dataclass, field
from typing import Optional

import libcst as cst

from migrator.engine.templates import Ref


@dataclass
class Binding:
    order: int
    value: object  # the bound expression, a Ref for imports, None when opaque
    is_import: bool = False
    module_level: bool = False
    top: Optional[cst.CSTNode] = None  # the top-level statement holding the binding
    opaque: bool = False  # bound by a form whose value analysis does not evaluate
    scope: Optional["Scope"] = None  # where the value is evaluated (None: where it is read)
    nested: bool = False  # inside a branch, loop or handler of its scope: may run or not, or again


OPAQUE = Binding(0, None, opaque=True)


@dataclass(eq=False)
class Scope:
    node: Optional[cst.CSTNode]  # FunctionDef / ClassDef; None for the module and call frames
    parent: Optional["Scope"]
    is_class: bool = False
    table: Optional[symtable.SymbolTable] = None
    names: dict = field(default_factory=dict)  # name -> [Binding] in source order
    attrs: dict = field(default_factory=dict)  # self.X assigned in methods, for class scopes
    kinds: dict = field(default_factory=dict, repr=False)  # name -> what `table` says it is, once asked

    def bind(self, name: str, binding: Binding, table: str = "names") -> None:
        getattr(self, table).setdefault(name, []).append(binding)

    def kind(self, name: str) -> str:
        """"local", "global", "free" or "unknown": what symtable says `name` is here (without a
        table, what the binder saw: every statement binding form; `:=` makes the module unmapped)."""
        if self.table is None:
            return "local" if name in self.names else "free"
        found = self.kinds.get(name)
        if found is None:
            found = self.kinds[name] = _kind(self.table, name)
        return found


def _kind(table: symtable.SymbolTable, name: str) -> str:
    try:
        symbol = table.lookup(name)
    except KeyError:
        return "unknown"
    if symbol.is_global() or symbol.is_declared_global():
        return "global"
    if symbol.is_free() or symbol.is_nonlocal():
        return "free"
    return "local" if symbol.is_local() else "unknown"


def latest(bindings: list, before: Optional[int]) -> Optional[Binding]:
    """The binding a read at statement `before` sees: the last one before it, when the name is
    bound once or only by statements that run in order; OPAQUE when a branch or a loop also binds
    it (which value the read sees depends on the path taken)."""
    if len(bindings) < 2:
        return bindings[0] if bindings else None
    if any(b.nested for b in bindings):
        return OPAQUE
    if before is None:
        return bindings[-1]
    earlier = [b for b in bindings if b.order < before]
    return earlier[-1] if earlier else bindings[-1]


def resolve(scope: Optional[Scope], name: str, before: Optional[int]) -> Optional[Binding]:
    """The binding `name` read in `scope` (at statement `before`) stands for.

    None: bound nowhere in sight (a builtin, a star import). `OPAQUE`: bound here by a form
    whose value is not evaluated, or a scope symtable could not be matched to.
    """
    first = True
    while scope is not None:
        if scope.node is None and scope.parent is not None:  # a call frame: its parameters only
            found = latest(scope.names.get(name, []), None)
            if found is not None:
                return found
            scope, first = scope.parent, True
            continue
        if scope.parent is None:  # the module
            return latest(scope.names.get(name, []), before if first else None)
        if scope.is_class and not first:  # class bodies are not visible from their methods
            scope = scope.parent
            continue
        kind = scope.kind(name)
        if kind == "global":
            return resolve(_module(scope), name, None)
        if kind == "local" or (kind == "unknown" and name in scope.names):
            return latest(scope.names.get(name, []), before if first else None) or OPAQUE
        scope, first = scope.parent, False  # free: an enclosing function's (or class body's) name
    return None


def chain(scope: Optional[Scope]) -> list:
    """The scopes a name read in `scope` may come from, outermost first."""
    out = []
    while scope is not None:
        out.append(scope)
        scope = scope.parent
    return out[::-1]


def _module(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope


def exactly(*classes: type) -> frozenset:
    """`classes` as a set to test `type(node) in`: a look-up, where `isinstance` against LibCST's
    classes (abstract base classes) costs a call each. Only for classes nothing subclasses."""
    for kind in classes:
        if kind.__subclasses__():
            raise TypeError(f"{kind.__name__} has subclasses: test it with isinstance")
    return frozenset(classes)


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else ""
    return ""


def call_name(func: cst.BaseExpression) -> str:
    """The last name of what a call calls: `get` for `requests.get(…)`, "" for `fns[0](…)`."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def relative_module(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    return dots + (dotted(node.module) if node.module else "")


def params(parameters: cst.Parameters) -> list:
    """Every parameter, *args and **kwargs included."""
    extra = [p for p in (parameters.star_arg, parameters.star_kwarg) if isinstance(p, cst.Param)]
    return [*parameters.posonly_params, *parameters.params, *extra, *parameters.kwonly_params]


def target_names(target: cst.BaseExpression) -> list:
    """The Name nodes a target binds: `x`, `(k, v)`, `[a, *rest]`; not `obj.x` or `d[k]`."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for element in target.elements for n in target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []


def _pattern_names(pattern: cst.CSTNode) -> list:
    """The names a `match` pattern captures."""
    found = []

    def visit(node):
        if isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            found.append(node.name.value)
        if isinstance(node, cst.MatchMapping) and node.rest is not None:
            found.append(node.rest.value)
        for child in node.children:
            visit(child)

    visit(pattern)
    return found


def _child_tables(table: symtable.SymbolTable) -> list:
    """`table`'s function and class children, looking through 3.12+ annotation/type-parameter scopes."""
    out = []
    for child in table.get_children():
        if str(child.get_type()) in ("function", "class"):
            out.append(child)
        else:
            out.extend(_child_tables(child))
    return out


class Binder:
    """Who binds what, per scope, in statement order, with each scope's symtable attached."""

    def __init__(self, text: str, key: str):
        self.module_scope = Scope(None, None)
        self.unmapped = ""  # why scopes are not exact, if they are not
        self.text = text
        try:
            self.module_scope.table = symtable.symtable(text, key, "exec")
        except (SyntaxError, ValueError, RecursionError) as error:  # newer syntax than this Python's
            self._inexact(f"this Python cannot compile the module ({type(error).__name__})")
        self.stack = [self.module_scope]
        self.scope_of: dict = {}  # id(FunctionDef/ClassDef) -> Scope
        self.order_of: dict = {}  # id(statement) -> order
        self.docstrings: set = set()  # id() of docstring expressions
        self.top_of: dict = {}  # id(FunctionDef/ClassDef) -> its top-level statement
        self.bound_values: set = set()  # id() of the values names are bound to
        self.rebound: set = set()  # names declared `global` or changed with `+=` anywhere
        self.order = 0
        self.module: Optional[cst.Module] = None
        self.tops: set = set()  # id() of the module's top-level statements
        self.top: Optional[cst.CSTNode] = None  # the top-level statement being walked
        self.star_imports: list = []  # modules imported with `from m import *`
        self.nesting = 0  # compound statements around the one being walked, in its scope
        self.attribute_writes: dict = {}  # attribute -> who sets it: a class, a constructor, `obj.x = …`
        self.class_bases: dict = {}  # class name -> the last names of its bases
        self._seen: dict = {}  # (id(parent scope), kind, name) -> how many such defs so far
        self._children: dict = {}  # id(symtable) -> (kind, name) -> its child tables, in order

    @property
    def scope(self) -> Scope:
        return self.stack[-1]

    def run(self, module: cst.Module) -> None:
        self.module = module
        self.tops = {id(statement) for statement in module.body}
        self._docstring(module.body)
        for statement in module.body:
            self.top = statement
            self._statements([statement])

    def _docstring(self, statements) -> None:
        if statements and isinstance(statements[0], cst.SimpleStatementLine):
            first = statements[0].body[0]
            if isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
                self.docstrings.add(id(first.value))

    def _number(self, node) -> None:
        self.order += 1
        self.order_of[id(node)] = self.order

    def _wrote(self, attribute: str, owner: str) -> None:
        self.attribute_writes.setdefault(attribute, set()).add(owner)

    def _inexact(self, why: str) -> None:
        """Scopes come from the binder alone, exact unless an expression binds a name."""
        if not self.unmapped and (":=" in self.text or "nonlocal" in self.text):
            self.unmapped = f"{why}, and it binds names inside expressions (`:=`) or with `nonlocal`"

    def _opaque(self, name: str, nested: bool = False) -> None:
        self.scope.bind(name, Binding(self.order, None, module_level=self.scope is self.module_scope,
                                      top=self.top, opaque=True, scope=self.scope, nested=nested or self.nesting > 0))

    def _statements(self, statements) -> None:
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                self._small(statement.body)
            else:
                self._compound(statement)

    def _suite(self, suite) -> None:
        if isinstance(suite, cst.IndentedBlock):
            self._statements(suite.body)
        else:  # SimpleStatementSuite: `if x: return y`
            self._small(suite.body)

    def _small(self, statements) -> None:
        for statement in statements:
            self._number(statement)
            if isinstance(statement, cst.Assign):
                for target in statement.targets:
                    self._bind_target(target.target, statement.value)
            elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
                self._bind_target(statement.target, statement.value, field=True)
            elif isinstance(statement, cst.Import):
                self._import(statement)
            elif isinstance(statement, cst.ImportFrom):
                self._import_from(statement)
            elif isinstance(statement, cst.Global):
                self.rebound.update(item.name.value for item in statement.names)
            elif isinstance(statement, cst.AugAssign):
                for name in target_names(statement.target):
                    self.rebound.add(name.value)
                    self._opaque(name.value)
            elif isinstance(statement, cst.Del):
                for name in target_names(statement.target):
                    self._opaque(name.value)

    def _compound(self, statement) -> None:
        self._number(statement)
        if isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            self._definition(statement)
            return
        if isinstance(statement, cst.With):
            for item in statement.items:
                if item.asname is not None:
                    self._bind_target(item.asname.name, item.item)
        if isinstance(statement, cst.For):
            for name in target_names(statement.target):
                self._opaque(name.value, nested=True)
        for handler in getattr(statement, "handlers", ()):
            if handler.name is not None:
                for name in target_names(handler.name.name):
                    self._opaque(name.value, nested=True)
        for case in getattr(statement, "cases", ()):
            for name in _pattern_names(case.pattern):
                self._opaque(name, nested=True)
        self.nesting += 1
        for suite in _suites(statement):
            if isinstance(suite, cst.If):  # elif
                self._compound(suite)
            else:
                self._suite(suite)
        self.nesting -= 1

    def _definition(self, statement) -> None:
        is_class = isinstance(statement, cst.ClassDef)
        name = statement.name.value
        if is_class:
            self.class_bases.setdefault(name, []).extend(dotted(base.value).rpartition(".")[2] for base in statement.bases)
            self.scope.bind(name, Binding(self.order, statement, module_level=self.scope is self.module_scope,
                                          top=self.top, scope=self.scope, nested=self.nesting > 0))
        else:
            self._opaque(name)
        scope = Scope(statement, self.scope, is_class, self._table(statement, is_class))
        if scope.table is None and self.module_scope.table is not None:
            self._inexact(f"the scope of `{name}` could not be matched to Python's symbol table")
        self.scope_of[id(statement)] = scope
        self.top_of[id(statement)] = self.top
        self.stack.append(scope)
        outer, self.nesting = self.nesting, 0
        if not is_class:  # a parameter shadows outer names; callers decide what it holds
            for param in params(statement.params):
                scope.bind(param.name.value, Binding(self.order, None, top=self.top, opaque=True, scope=scope))
        if isinstance(statement.body, cst.IndentedBlock):
            self._docstring(statement.body.body)
        self._suite(statement.body)
        self.nesting = outer
        self.stack.pop()

    def _table(self, statement, is_class: bool) -> Optional[symtable.SymbolTable]:
        """The symtable of a def or class: the n-th child of its parent's table with its name."""
        parent = self.scope.table
        if parent is None:
            return None
        kind = "class" if is_class else "function"
        key = (id(self.scope), kind, statement.name.value)
        index = self._seen.get(key, 0)
        self._seen[key] = index + 1
        children = self._children.get(id(parent))
        if children is None:  # once a table: asking symtable again per def would be quadratic
            children = self._children[id(parent)] = {}
            for table in _child_tables(parent):
                children.setdefault((str(table.get_type()), table.get_name()), []).append(table)
        same = children.get((kind, key[2]), [])
        return same[index] if index < len(same) else None

    def _bind_target(self, target: cst.BaseExpression, value: cst.CSTNode, field: bool = False) -> None:
        """`field`: an annotated assignment (in a class body, a field its constructor may set)."""
        self.bound_values.add(id(value))
        binding = Binding(self.order, value, module_level=self.scope is self.module_scope, top=self.top,
                          scope=self.scope, nested=self.nesting > 0)
        if isinstance(target, cst.Name):
            if self.scope.is_class:
                self._wrote(target.value, _class_name(self.scope) + (" (its constructor)" if field else ""))
            self.scope.bind(target.value, binding)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in ("self", "cls")
            and self.scope.parent is not None
            and self.scope.parent.is_class
        ):
            self._wrote(target.attr.value, _class_name(self.scope.parent))
            self.scope.parent.bind(target.attr.value, binding, "attrs")
        elif isinstance(target, cst.Attribute):
            self._wrote(target.attr.value, f"`{dotted(target)} = …`")
        else:  # `a, b = …`: each name bound to a part analysis does not split
            for name in target_names(target):
                self._opaque(name.value)

    def _import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            local = dotted(alias.asname.name) if alias.asname else name.split(".")[0]
            module = name if alias.asname else local
            self.scope.bind(local, Binding(self.order, Ref(module, ""), is_import=True, scope=self.scope,
                                           nested=self.nesting > 0))

    def _import_from(self, node: cst.ImportFrom) -> None:
        module = relative_module(node)
        if isinstance(node.names, cst.ImportStar):
            self.star_imports.append(module)
            return
        for alias in node.names:
            name = dotted(alias.name)
            local = dotted(alias.asname.name) if alias.asname else name
            self.scope.bind(local, Binding(self.order, Ref(module, name), is_import=True, scope=self.scope,
                                           nested=self.nesting > 0))


def _class_name(scope: Scope) -> str:
    return scope.node.name.value if isinstance(scope.node, cst.ClassDef) else ""


def _suites(statement) -> list:
    """The nested blocks of a compound statement, in source order (an `elif` is an If)."""
    out = [getattr(statement, "body", None)]
    for handler in getattr(statement, "handlers", ()):
        out.append(handler.body)
    for case in getattr(statement, "cases", ()):
        out.append(case.body)
    orelse = getattr(statement, "orelse", None)
    out.append(orelse if isinstance(orelse, cst.If) else getattr(orelse, "body", None))
    out.append(getattr(getattr(statement, "finalbody", None), "body", None))
    return [suite for suite in out if suite is not None]
