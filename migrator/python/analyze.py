"""LibCST analysis of one Python module: every string expression that may build an Astro URL.

The result, `PythonFacts`, is plain data (cacheable, picklable): the URL templates the module
builds ("uses", with the HTTP method where the call shows it), the module-level names whose
value holds a v1beta1 base (for modules that import them), and findings in comments.
Deciding what is a finding happens later, in `link`, once every module's facts are known.
"""
from __future__ import annotations

import dataclasses
from dataclasses import replace
from typing import Optional

import libcst as cst

from migrator.engine import ruletable
from migrator.engine.templates import (
    BRACE_FIELD,
    PERCENT_FIELD,
    Hole,
    Lit,
    Ref,
    concat,
    fill_fields,
    holds_base,
    reached_via,
)
from migrator.policy.link import is_relative_path
from migrator.project.source import NEWLINE, SourceText
from migrator.python.facts import PythonFacts, Use
from migrator.python.positions import Positions
from migrator.python.reads import INERT_METHODS, Sink, is_base_keyword, is_load, sink
from migrator.python.scopes import (
    Binder,
    Binding,
    Scope,
    call_name,
    chain,
    dotted,
    latest,
    params,
    resolve,
    target_names,
)

HTTP_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}
GENERIC_REQUESTS = {"request", "Request", "fetch", "urlopen", "open"}
URL_KEYWORDS = ("url", "endpoint", "path")
PATH_JOINS = {"os.path.join", "posixpath.join", "path.join"}
PATH_TYPES = {"Path", "PurePath", "PosixPath", "PurePosixPath", "WindowsPath", "PureWindowsPath"}
TRIMS = {"rstrip", "lstrip", "strip", "removesuffix", "removeprefix"}
MAX_DEPTH = 25


def module_of(ref: Ref) -> str:
    """The module an imported name stands for when it is used as `name.attr`."""
    if not ref.name:
        return ref.module
    return ref.module + ref.name if ref.module.endswith(".") else f"{ref.module}.{ref.name}"



class _Collector(cst.CSTVisitor):
    """Pass 2: evaluate string expressions to templates and record them as uses."""

    def __init__(self, key: str, source: SourceText, binder: Binder):
        self.key = key
        self.source = source
        self.binder = binder
        self.positions = Positions(binder.module, source.text)
        self.hints: list = []  # top-level statements being evaluated, innermost last
        self.shadowed: list = []  # names bound by the lambdas and comprehensions being visited
        self.current_top = None  # the top-level statement being visited
        self.facts = PythonFacts(key)
        self.stack = [binder.module_scope]
        self.statement: Optional[int] = None
        self.inside_use = 0
        self.handled: set = set()  # id() of URL arguments recorded by their request call
        self.covering: set = set()  # id() of recorded expressions, whose parts are not uses
        self.inert: set = set()
        self.hosts: Optional[tuple] = None  # the Astro API hosts; None: the table's
        self.api = ruletable.facts()
        # Literal text worth a position: what may hold a base or a query parameter.
        self.origin_markers = (*self.api.versions, *self.api.hosts, "?", "&")
        self.parents: list = []  # ancestors of the node being visited, innermost last (see `walk`)
        self.bound_templates: dict = {}  # (id(Binding), inline_helpers) -> its value's template
        self.inline_helpers = True  # evaluate calls to helpers of the module by what they return

    # -- positions -------------------------------------------------------------------------

    def _span(self, node: cst.CSTNode) -> tuple:
        return self.positions.span(node, (*reversed(self.hints), self.current_top))

    # -- scopes ----------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.append(self.binder.scope_of[id(node)])

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append(self.binder.scope_of[id(node)])

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.pop()

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
        if any(name in names for names in self.shadowed):
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
        return latest(scope.names.get(attr, []) or scope.attrs.get(attr, []), None)

    # -- evaluation ------------------------------------------------------------------------

    def evaluate(self, node: cst.CSTNode, depth: int = 0) -> Optional[tuple]:
        """What a string expression evaluates to; None where it is not a visible string."""
        if depth > MAX_DEPTH:
            return None
        depth += 1
        if isinstance(node, cst.SimpleString):
            skip = len(node.prefix) + len(node.quote)
            text = node.value[skip : len(node.value) - len(node.quote)]
            return (Lit(text, self._origin(node, text, skip)),)
        if isinstance(node, cst.ConcatenatedString):
            return self._join(node.left, node.right, depth)
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, depth)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Add):
                return self._join(node.left, node.right, depth)
            if isinstance(node.operator, cst.Modulo):
                return self._percent(node, depth)
            if isinstance(node.operator, cst.Divide):  # pathlib (a file path) or yarl (a URL)
                left = self.evaluate(node.left, depth)
                if left is not None and any(isinstance(p, Hole) and p.label == "path" for p in left):
                    return left
                right = self.evaluate(node.right, depth)
                if left is None and right is None:
                    return None
                return concat(left or (Hole(),), (Lit("/"),), right or (Hole(),))
            return None
        if isinstance(node, cst.Call):
            return self._call(node, depth)
        if isinstance(node, cst.Name):
            binding = self._lookup(node.value)
            template = self._bound(binding, depth)
            if template and binding.module_level and any(
                isinstance(p, Lit) and any(v in p.text for v in self.api.versions) for p in template
            ):
                start, end = self._span(node)
                template = reached_via(template, (self.key, start, end, node.value))
            return template
        if isinstance(node, cst.Attribute):
            binding = self._lookup_attr(node.value, node.attr.value)
            if binding is not None:
                return self._bound(binding, depth)
            owner = self._lookup(node.value.value) if isinstance(node.value, cst.Name) else None
            if owner is not None and owner.is_import:
                return (Ref(module_of(owner.value), node.attr.value),)
            return None
        if isinstance(node, cst.BooleanOperation):
            return self.evaluate(node.left, depth) or self.evaluate(node.right, depth)
        if isinstance(node, cst.IfExp):
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
            return known
        saved = self.stack, self.statement, self.shadowed
        self.stack, self.statement, self.shadowed = stack, binding.order, []
        self.hints.append(binding.top)
        try:
            template = self.evaluate(binding.value, depth)
        finally:
            self.hints.pop()
            self.stack, self.statement, self.shadowed = saved
        if plain:
            self.bound_templates[memo] = template
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

    def _join(self, left, right, depth) -> Optional[tuple]:
        left_t, right_t = self.evaluate(left, depth), self.evaluate(right, depth)
        if left_t is None and right_t is None:
            return None
        return concat(left_t or (Hole(),), right_t or (Hole(),))

    def _fstring(self, node: cst.FormattedString, depth: int) -> tuple:
        parts = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(Lit(part.value, self._origin(part, part.value)))
            else:
                parts.extend(self._or_hole(part.expression, depth))
        return tuple(parts)

    def _percent(self, node: cst.BinaryOperation, depth: int) -> Optional[tuple]:
        template = self.evaluate(node.left, depth)
        if template is None:
            return None
        right = node.right
        if isinstance(right, cst.Tuple):
            values = iter([el.value for el in right.elements])
        else:
            values = iter([right])
        named = {}
        if isinstance(right, cst.Dict):
            named = {
                el.key.raw_value: el.value
                for el in right.elements
                if isinstance(el, cst.DictElement) and isinstance(el.key, cst.SimpleString)
            }

        def substitute(match):
            key = match.group(0)
            if key.startswith("%("):
                value = named.get(key[2 : key.index(")")])
            else:
                value = next(values, None)
            return self._or_hole(value, depth) if value is not None else (Hole(),)

        return fill_fields(template, PERCENT_FIELD, substitute)

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
        if name == "urljoin" and len(positional) == 2:
            return self._join(positional[0], positional[1], depth)
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

    def _format(self, template_node, positional, keywords, depth) -> Optional[tuple]:
        template = self.evaluate(template_node, depth)
        if template is None:
            return None
        auto = iter(positional)

        def substitute(match):
            field_name = match.group(1).split("!")[0].split(":")[0]
            head = field_name.split(".")[0].split("[")[0]
            if head == "":
                value = next(auto, None)
            elif head.isdigit():
                index = int(head)
                value = positional[index] if index < len(positional) else None
            else:
                value = keywords.get(head)
            return self._or_hole(value, depth) if value is not None else (Hole(head),)

        return fill_fields(template, BRACE_FIELD, substitute)

    def _path_join(self, items: list, depth: int) -> tuple:
        """`os.path.join(a, b)` / `posixpath.join(a, b)`: the parts with one "/" between them."""
        parts: list = []
        for item in items:
            template = self._or_hole(item, depth)
            last = parts[-1] if parts else None
            if parts and not (isinstance(last, Lit) and last.text.endswith("/")):
                first = template[0]
                if not (isinstance(first, Lit) and first.text.startswith("/")):
                    parts.append(Lit("/"))
            parts.extend(template)
        return tuple(parts)

    def _str_join(self, separator_node, items_node, depth) -> Optional[tuple]:
        separator = self.evaluate(separator_node, depth)
        if separator is None or not isinstance(items_node, (cst.List, cst.Tuple)):
            return None
        parts: list = []
        for index, element in enumerate(items_node.elements):
            if index:
                parts.extend(separator)
            parts.extend(self._or_hole(element.value, depth))
        return tuple(parts)

    # -- recording uses --------------------------------------------------------------------

    def _record(self, node: cst.CSTNode, method: Optional[str] = None, template: tuple = None,
                request: bool = False, escape: str = "") -> None:
        template = template if template is not None else self.evaluate(node)
        if not template:
            return
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
        if _worth_keeping(template, self.hosts):
            uses = self.facts.uses
        elif is_relative_path(template):
            uses = self.facts.relative
        else:
            return
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
        self.inline_helpers = False
        try:
            template = self.evaluate(node)
        finally:
            self.inline_helpers = True
        if template is None:
            holder = self._holder(node)
            if holder is None and isinstance(node, cst.Attribute) and not self._is_module_attribute(node):
                self.facts.unresolved_attrs.add(node.attr.value)
            client = self._client_template(holder)
            if client is not None and _worth_keeping(client, self.hosts) and not self._is_request_owner(node):
                goes = self._sink(node)
                if goes.kind in ("escape", "attribute"):
                    what = goes.detail if goes.kind == "escape" else f"stored in attribute `{goes.detail}`"
                    self._record(node, template=client, escape=f"the client `{dotted(node)}` built with it is {what}")
            return
        if not _worth_keeping(template, self.hosts):
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

    STRINGISH = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.BinaryOperation)
    STRING_CALLS = {"format", "urljoin", "join", "getenv", "get", "str"} | PATH_TYPES | TRIMS

    def _is_string_root(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            func = node.func
            name = call_name(func)
            return name in self.STRING_CALLS
        return isinstance(node, self.STRINGISH)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if id(node) in self.binder.tops:
            self.current_top = node
        order = self.binder.order_of.get(id(node))
        if order is not None:
            self.statement = order
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            return False
        if not self.inside_use:
            if id(node) in self.handled:
                self.covering.add(id(node))
            elif self._is_string_root(node):
                template = self.evaluate(node)
                if template is not None:
                    self.covering.add(id(node))
                    self._record(node, template=template)
            elif isinstance(node, (cst.Name, cst.Attribute)) and is_load(node, self.parents):
                self._read(node)
        if id(node) in self.covering:
            self.inside_use += 1
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
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
        method, url = self._request_parts(node, name)
        if url is not None and not self.inside_use:
            template = self.evaluate(url)
            client_base = self._client_base(func) if isinstance(func, cst.Attribute) else None
            if client_base is not None and template is not None:
                template = concat(client_base, template)
            if template is not None:
                self._record(url, method, template, request=True)
                self.handled.add(id(url))

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

    def leave_Module(self, original_node: cst.Module) -> None:
        """Export the module-level names whose value holds a base, for importing modules."""
        self.statement = None
        self.facts.names = set(self.binder.module_scope.names)
        self.facts.star_imports = list(self.binder.star_imports)
        self.facts.unmapped = self.binder.unmapped
        self.facts.rebound = {n for n, b in self.binder.module_scope.names.items() if len(b) > 1}
        self.facts.rebound |= self.binder.rebound
        self.facts.rebound_spans = [
            self._span(b.value)
            for name in self.facts.rebound
            for b in self.binder.module_scope.names.get(name, [])
            if not b.is_import and _worth_keeping(self._bound(b, 0) or (), self.hosts)
        ]
        for name, bindings in self.binder.module_scope.names.items():
            template = self._bound(bindings[-1], 0)
            if template and _worth_keeping(template, self.hosts):
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
        unit_start, _, size = self.positions.units[id(statement)]
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


def _method(node) -> Optional[str]:
    return node.raw_value.upper() if isinstance(node, cst.SimpleString) else None


_CHILD_FIELDS: dict = {}  # node type -> names of the fields that may hold nodes


def _children(node: cst.CSTNode):
    """A node's children, without LibCST's visitor machinery (which rebuilds every node)."""
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = _CHILD_FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item


def walk(visitor: cst.CSTVisitor, node: cst.CSTNode) -> None:
    """Visit `node` and its descendants with `visitor`'s on_visit/on_leave, reading only."""
    if visitor.on_visit(node):
        visitor.parents.append(node)
        for child in _children(node):
            walk(visitor, child)
        visitor.parents.pop()
    visitor.on_leave(node)


def _worth_keeping(template: tuple, hosts: Optional[tuple] = None) -> bool:
    """A template that can hold an Astro URL: a v1beta1 base, an Astro host, or an import."""
    return holds_base(template, hosts) or any(isinstance(p, Ref) for p in template)


def analyze(key: str, source: SourceText, hosts: Optional[tuple] = None) -> PythonFacts:
    """Parse `source` with LibCST and collect its facts. Raises `libcst.ParserSyntaxError`."""
    module = cst.parse_module(source.text)
    binder = Binder(source.text, key)
    binder.run(module)
    from migrator.python.fields_collect import FlowCollector

    # One pass: the field-flow collector is a _Collector that also follows JSON data.
    collector = FlowCollector(key, source, binder, source.text, hosts)
    walk(collector, module)
    collector.facts.fields = collector.items
    return collector.facts
