"""Record where a Python module builds, reads and sends what may be an Astro URL.

`UseCollector` is the one-pass visitor of `analyze`: on top of `Evaluator` (which evaluates an
expression to a template) it records each string expression that may hold an Astro URL as a
`Use`, with the HTTP method where a request call shows it and where the value goes (`reads`),
and exports the module-level names whose value holds a base, for modules that import them.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from migrator.engine.match import is_relative_path
from migrator.engine.templates import Lit, Ref, concat, holds_base, shared_name
from migrator.project.source import NEWLINE, SourceText
from migrator.python.evaluate import DEFINITIONS, PATH_TYPES, TRIMS, Evaluator
from migrator.python.facts import PythonFacts, Use
from migrator.python.joins import connection_base
from migrator.python.positions import Layout
from migrator.python.reads import INERT_METHODS, Sink, is_load, sink
from migrator.python.scopes import Binder, Binding, call_name, dotted, exactly

IMPORTS = exactly(cst.Import, cst.ImportFrom)
NAMES = exactly(cst.Name, cst.Attribute)
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}
GENERIC_REQUESTS = {"request", "Request", "fetch", "urlopen", "open"}
URL_KEYWORDS = ("url", "endpoint", "path")


class UseCollector(Evaluator):
    """Pass 2 (after the `Binder`): record the string expressions that may hold an Astro URL as uses."""

    def __init__(self, key: str, source: SourceText, binder: Binder, layout: Optional[Layout] = None):
        super().__init__(key, source, binder, layout)
        self.facts = PythonFacts(key)
        self.inside_use = 0
        self.handled: set = set()  # id() of URL arguments recorded by their request call
        self.covering: set = set()  # id() of recorded expressions, whose parts are not uses
        self.inert: set = set()
        self.hosts: Optional[tuple] = None  # the Astro API hosts; None: the table's
        self.parents: list = []  # ancestors of the node being visited, innermost last (see `walk`)
        self.origins_of: dict = {}  # id() of a recorded expression -> origins of its literal parts
        self.root_origins: set = set()  # those of the recorded expression being visited

    # -- recording uses --------------------------------------------------------------------

    def _record(self, node: cst.CSTNode, method: Optional[str] = None, template: tuple = None,
                request: bool = False, escape: str = "", reshaped: bool = False) -> None:
        template = template if template is not None else self.evaluate(node)
        if not template:
            return
        if worth_keeping(template, self.hosts):
            uses = self.facts.uses
        elif is_relative_path(template):
            uses = self.facts.relative
        else:
            return  # (where the value goes matters to a use only: `inert` is read by `_record` alone)
        attribute = binds = ""
        assigned = id(node) in self.binder.bound_values
        if not request and not escape:
            goes = self._sink(node)
            if goes.kind == "escape":
                escape = goes.detail
            elif goes.kind == "attribute":
                attribute = goes.detail
            elif goes.kind == "compared":
                self.inert.add(id(node))
            assigned = assigned or goes.kind in ("bound", "attribute")
            binds = goes.detail if goes.kind == "bound" else ""
        self.origins_of[id(node)] = {p.origin for p in template if isinstance(p, Lit) and p.origin is not None}
        start, end = self._span(node)
        uses.append(
            Use(
                template,
                start,
                end,
                method=method,
                docstring=id(node) in self.binder.docstrings,
                inert=id(node) in self.inert,
                assigned=assigned,
                escape=escape,
                attribute=attribute,
                binds=binds,
                attributes=tuple(sorted(self.attribute_deps)),
                reshaped=reshaped,
            )
        )

    def _sink(self, node: cst.CSTNode) -> Sink:
        """Where the value of `node` goes; a name bound in a class body is a class attribute."""
        goes = sink(node, self.parents, self._function())
        if goes.kind == "bound" and self.stack[-1].is_class:
            return Sink("attribute", goes.detail)
        return goes

    def _function(self) -> Optional[str]:
        """The name of the innermost function being visited."""
        for scope in reversed(self.stack):
            if isinstance(scope.node, cst.FunctionDef):
                return scope.node.name.value
        return None

    def _read(self, node: cst.CSTNode) -> None:
        """A name or attribute read outside any recorded URL: record where a base it holds goes,
        or where a client built with one goes. Helpers are not followed: what they return is
        recorded where they return it."""
        self.attribute_deps = set()
        template = self._evaluate_here(node)
        if template is None:
            holder = self._holder(node)
            if holder is None and isinstance(node, cst.Attribute) and not self._is_module_attribute(node):
                self.facts.unresolved_attrs.add(node.attr.value)
            client = self._client_template(holder)
            if client is not None and worth_keeping(client, self.hosts) and not self._is_request_owner(node):
                goes = self._sink(node)
                if goes.kind in ("escape", "attribute"):
                    what = goes.detail if goes.kind == "escape" else f"stored in attribute `{goes.detail}`"
                    self._record(node, template=client, escape=f"the client `{dotted(node)}` built with it is {what}")
            return
        if not worth_keeping(template, self.hosts):
            return
        goes = self._sink(node)
        if goes.kind in ("escape", "attribute", "compared"):
            self._record(node, template=template)

    def _is_request_owner(self, node: cst.CSTNode) -> bool:
        """`node.get(…)`: a client's request, recorded with the client's base by `visit_Call`."""
        if len(self.parents) < 2:
            return False
        attribute, call = self.parents[-1], self.parents[-2]
        return (
            isinstance(attribute, cst.Attribute)
            and attribute.value is node
            and isinstance(call, cst.Call)
            and call.func is attribute
            and (attribute.attr.value.lower() in HTTP_METHODS or attribute.attr.value in GENERIC_REQUESTS)
        )

    def _is_module_attribute(self, node: cst.Attribute) -> bool:
        owner = self._lookup(node.value.value) if isinstance(node.value, cst.Name) else None
        return owner is not None and owner.is_import

    STRINGISH = exactly(cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.BinaryOperation)
    STRING_CALLS = {"format", "urljoin", "join", "getenv", "get", "str", "urlunsplit", "urlunparse", "substitute",
                    "safe_substitute"} | PATH_TYPES | TRIMS

    def _is_string_root(self, node: cst.CSTNode) -> bool:
        if type(node) is cst.Call:
            return call_name(node.func) in self.STRING_CALLS
        return type(node) in self.STRINGISH

    def on_visit(self, node: cst.CSTNode) -> bool:
        key, kind = id(node), type(node)
        if key in self.binder.tops:
            self.current_top = node
        order = self.binder.order_of.get(key)
        if order is not None:
            self.statement = order
        if kind in IMPORTS:
            return False
        parents = self.parents
        opened = self._body_scope(node, parents[-1] if parents else None)
        if opened is not None:
            self.stack.append(opened)
        if not self.inside_use:
            if key in self.handled:
                self.covering.add(key)
            elif self._is_string_root(node):
                self.attribute_deps = set()
                template = self.evaluate(node)
                if template is not None:
                    self.covering.add(key)
                    self._record(node, template=template)
            elif kind in NAMES and is_load(node, parents):
                self._read(node)
        elif kind in NAMES and is_load(node, parents):
            self._read_inside(node)
        if key in self.covering:
            if not self.inside_use:
                self.root_origins = self.origins_of.get(key, set())
            self.inside_use += 1
        return super().on_visit(node)

    def _evaluate_here(self, node: cst.CSTNode) -> Optional[tuple]:
        """`node`'s template without following calls into helpers (what a helper returns is
        recorded where it returns it)."""
        self.inline_helpers = False
        try:
            return self.evaluate(node)
        finally:
            self.inline_helpers = True

    def _read_inside(self, node: cst.CSTNode) -> None:
        """A name read inside a recorded URL whose base does not reach that URL's template (it
        went through a call analysis does not evaluate, `URL.rsplit("/", 1)[0]`): a read of it
        that cannot be followed."""
        template = self._evaluate_here(node)
        if template is None or not worth_keeping(template, self.hosts):
            return
        origins = {p.origin for p in template if isinstance(p, Lit) and p.origin is not None}
        if origins and not origins <= self.root_origins:
            self._record(node, template=template, reshaped=True,
                         escape=f"`{dotted(node)}` is used in an expression the analysis does not evaluate")

    def on_leave(self, original_node: cst.CSTNode) -> None:
        parent = self.parents[-1] if self.parents else None
        if type(parent) in DEFINITIONS and original_node is parent.body:  # (see `_body_scope`)
            self.stack.pop()
        if id(original_node) in self.covering:
            self.inside_use -= 1
        super().on_leave(original_node)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        name = call_name(func)
        if name in INERT_METHODS:
            self.inert.update(id(a.value) for a in node.args)
            return
        if dotted(func) == "getattr" and len(node.args) > 1 and isinstance(node.args[1].value, cst.SimpleString):
            self.facts.unresolved_attrs.add(node.args[1].value.raw_value)
        self._dynamic(node)
        method, url = self._request_parts(node, name)
        if url is not None and not self.inside_use:
            self.attribute_deps = set()
            template = self.evaluate(url)
            client_base = self._client_base(func) if isinstance(func, cst.Attribute) else None
            if client_base is not None and template is not None:
                template = concat(client_base, template)
            if template is not None:
                template = connection_base(node, template)
                self._record(url, method, template, request=True)
                self.handled.add(id(url))

    def _dynamic(self, node: cst.Call) -> None:
        """Names read or set by name at run time: `setattr(m, "X", …)` sets an attribute like
        `m.X = …`; `import_module("m")` imports like `from m import *`; a name computed at run
        time (`setattr(o, name, …)`, `eval`, `globals()`) leaves the module's names unknown."""
        called = dotted(node.func)
        first = node.args[0].value if node.args else None
        literal = first.raw_value if isinstance(first, cst.SimpleString) else None
        if called == "setattr" and len(node.args) > 1:
            second = node.args[1].value
            if isinstance(second, cst.SimpleString):
                self.binder.attribute_writes.setdefault(second.raw_value, set()).add("`setattr(…)`")
            elif not self.facts.dynamic:
                self.facts.dynamic = "`setattr` with a name computed at run time"
        elif called in DYNAMIC_IMPORTS:
            if literal is not None:
                self.facts.star_imports.append(literal)
            else:
                self.facts.dynamic_imports = True
        elif called in DYNAMIC_NAMES and not self.facts.dynamic:
            self.facts.dynamic = f"`{called}()`, which reads or sets names by string"

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "__dict__" and not self.facts.dynamic:
            self.facts.dynamic = "`__dict__`, which reads or sets names by string"
        if dotted(node) == "sys.modules":
            self.facts.dynamic_imports = True

    def visit_Dict(self, node: cst.Dict) -> None:
        # A key is looked up, not requested: {"…/iam/v1beta1": "…/v1"} maps old to new.
        self.inert.update(id(e.key) for e in node.elements if isinstance(e, cst.DictElement))

    def _bare_bases(self, node) -> None:
        """("iam/v1beta1", "platform/v1beta1") in a tuple, list or set: prefixes to look for."""
        for element in node.elements:
            value = element.value
            if isinstance(value, cst.SimpleString) and self.api.marker.fullmatch(value.raw_value.strip("/")):
                self.inert.add(id(value))

    visit_Tuple = visit_List = visit_Set = _bare_bases

    def visit_Comparison(self, node: cst.Comparison) -> None:
        operands = [node.left, *(c.comparator for c in node.comparisons)]
        for operand in list(operands):  # `url in ["…/v1beta1", …]`
            if isinstance(operand, (cst.List, cst.Tuple, cst.Set)):
                operands.extend(element.value for element in operand.elements)
        self.inert.update(id(operand) for operand in operands)

    @staticmethod
    def _request_parts(node: cst.Call, name: str) -> tuple:
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        if name.lower() in HTTP_METHODS:
            return name.upper(), keywords.get("url", positional[0] if positional else None)
        if name in GENERIC_REQUESTS:
            method_node = keywords.get("method")
            url = keywords.get("url")
            method_first = name in ("request", "Request") and method_node is None
            if url is None and method_first and len(positional) >= 2:
                method_node, url = positional[0], positional[1]
            elif url is None and positional:
                url = positional[0]
            return _method(method_node), url
        # Operators and wrappers that take the URL and the method as keywords:
        # HttpOperator(endpoint="platform/v1beta1/...", method="GET").
        url = next((keywords[k] for k in URL_KEYWORDS if k in keywords), None)
        if url is not None and isinstance(keywords.get("method"), cst.SimpleString):
            return _method(keywords["method"]), url
        return None, None

    def leave_Module(self, original_node: cst.Module) -> None:
        """Export the module-level names whose value holds a base, for importing modules."""
        self.statement = None
        self.facts.names = set(self.binder.module_scope.names)
        self.facts.star_imports = [*self.binder.star_imports, *self.facts.star_imports]
        self.facts.unmapped = self.binder.unmapped
        self.facts.attribute_writes = {name: sorted(owners) for name, owners in self.binder.attribute_writes.items()}
        self.facts.class_bases = {name: sorted(set(bases)) for name, bases in self.binder.class_bases.items()}
        self.facts.rebound = {n for n, b in self.binder.module_scope.names.items() if len(b) > 1}
        self.facts.rebound |= self.binder.rebound
        self.facts.rebound_spans = [
            self._span(b.value)
            for name in self.facts.rebound
            for b in self.binder.module_scope.names.get(name, [])
            if not b.is_import and worth_keeping(self._bound(b, 0) or (), self.hosts)
        ]
        for name, bindings in self.binder.module_scope.names.items():
            template = self._bound(bindings[-1], 0)
            if template and worth_keeping(template, self.hosts):
                self.facts.exports[name] = template
                definition = self._definition(bindings[0]) if len(bindings) == 1 else None
                if definition is not None:
                    self.facts.definitions[name] = definition

    def _definition(self, binding: Binding) -> Optional[tuple]:
        """(value start, value source, indentation, offset where the next line starts, newline)
        for `NAME = value` alone on its top-level statement, else None (no split is offered)."""
        statement = binding.top
        if binding.is_import or not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        code = self.binder.module.code_for_node(binding.value)  # with its parentheses
        top_start, _ = self.positions.span(statement.body[0])
        begin = self.source.text.find(code, top_start)
        unit_start, size = self.positions.units[id(statement)]
        if begin < 0:
            return None
        text = self.source.text
        after = unit_start + size
        newline = NEWLINE.match(text, after - 2) or NEWLINE.match(text, after - 1)
        return begin, code, "", after, newline.group(0) if newline and newline.end() == after else None

    def visit_Comment(self, node: cst.Comment) -> None:
        if any(version in node.value for version in self.api.versions):
            start, _ = self._span(node)
            self.facts.comments.append((start, node.value))


DYNAMIC_IMPORTS = {"__import__", "importlib.import_module", "import_module"}
DYNAMIC_NAMES = {"eval", "exec", "globals", "vars"}


def _method(node) -> Optional[str]:
    return node.raw_value.upper() if isinstance(node, cst.SimpleString) else None


def worth_keeping(template: tuple, hosts: Optional[tuple] = None) -> bool:
    """A template that can hold an Astro URL: a v1beta1 base, an Astro host, an import, or a value
    set outside the code (which the project's configuration may define)."""
    return holds_base(template, hosts) or any(isinstance(p, Ref) or shared_name(p) for p in template)

