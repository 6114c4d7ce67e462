"""Follow what a call to an Astro endpoint returns and sends, within one module.

A `FlowCollector` pass (a `uses.UseCollector` that also follows JSON data) records plain data:
`ApiCall` for every request whose URL may be an Astro URL, and `FieldUse` for every JSON key
or query parameter that visibly goes to, or comes from, such a call. Which keys changed is
not decided here: `migrator.policy.fields.judge` asks the rule table once URLs are resolved.

Flows it follows: `r = client.get(url)`, `r.json()`, `json.loads(r.text)`, `await`, `with`,
subscripts and `.get()`, `for` loops and comprehensions (also over `enumerate`), and calls to a
function or method of the same module that returns a request or its JSON (its parameters are
bound to the call's arguments, so a helper that builds the URL from a path works too).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import Optional

import libcst as cst

from migrator.engine import ruletable
from migrator.engine.templates import Lit, concat
from migrator.python.evaluate import MAX_DEPTH
from migrator.python.facts import ApiCall, FieldUse
from migrator.python.scopes import Binding, Scope, call_name, dotted
from migrator.python.uses import UseCollector, worth_keeping

BODY_KEYWORDS = ("json", "data", "content")
MEMBER_METHODS = {"get", "pop", "setdefault"}
# Helper calls followed per module: each call site re-evaluates the helper with its arguments,
# so calls of calls multiply; past this, a helper's result is a value analysis cannot see.
FOLLOW_BUDGET = 2000
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)


@dataclass(frozen=True)
class Flow:
    """A value that comes from a request: the response object, or (part of) its JSON."""

    call: tuple  # (template, method)
    stage: str  # "response" | "data"
    certain: bool = True


@dataclass(frozen=True)
class _Arg:
    """A helper's parameter: the caller's argument, evaluated in the caller's scopes."""

    node: cst.CSTNode
    stack: tuple


def _key(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.SimpleString) and "f" not in node.prefix.lower():
        return node.raw_value
    return None


def _returns(function: cst.FunctionDef) -> list:
    """The values a function returns, nested functions left out, last first."""
    found = []

    class Returns(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is function

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_Return(self, node: cst.Return) -> None:
            if node.value is not None:
                found.append(node.value)

    function.visit(Returns())
    return found[::-1]


class FlowCollector(UseCollector):
    def __init__(self, key, source, binder, module_text: str, hosts: Optional[tuple] = None):
        """`hosts`: the Astro API hosts (the table's and `extra-hosts`); None: the table's."""
        super().__init__(key, source, binder)
        self.hosts = hosts
        self.pin_header = ruletable.facts().pin_header.lower()
        self.items: list = []
        self.env: dict = {}  # (id(scope), name) -> Flow, for loop and comprehension targets
        self.stores: dict = {}  # (id(scope), name) -> [key node] of `name["key"] = ...`
        self.targets: set = set()  # id() of subscripts assigned to
        self.pin_in_module = self.pin_header in module_text.lower()
        self.functions: dict = {}  # (id(parent scope), name) -> FunctionDef
        self.returned: dict = {}
        self.following: set = set()  # id() of the helpers being followed, innermost included
        self.followed = 0  # helper calls followed so far in this module
        for scope in binder.scope_of.values():
            if isinstance(scope.node, cst.FunctionDef):
                self.functions[(id(scope.parent), scope.node.name.value)] = scope.node

    # -- helpers of the same module ---------------------------------------------------------

    def _helper(self, func: cst.BaseExpression) -> Optional[cst.FunctionDef]:
        """The function of this module a call runs, to follow into; None past the budget, or
        for a function already being followed (recursion)."""
        found = None
        if isinstance(func, cst.Name):
            found = self.functions.get((id(self.binder.module_scope), func.value))
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
            owner = self._class_scope()
            found = self.functions.get((id(owner), func.attr.value)) if owner else None
        if found is None or id(found) in self.following or self.followed >= FOLLOW_BUDGET:
            return None
        self.followed += 1
        return found

    def _helper_returns(self, function: cst.FunctionDef) -> list:
        if id(function) not in self.returned:
            self.returned[id(function)] = _returns(function)
        return self.returned[id(function)]

    @contextlib.contextmanager
    def _inside(self, function: cst.FunctionDef, call: cst.Call):
        """Evaluate inside `function`, its parameters bound to the arguments of `call`."""
        caller = tuple(self.stack)
        frame = Scope(None, self.binder.scope_of[id(function)])
        params = [p.name.value for p in function.params.params]
        if params and params[0] in ("self", "cls") and isinstance(call.func, cst.Attribute):
            params = params[1:]
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        for name, value in zip(params, positional):
            frame.bind(name, Binding(0, _Arg(value, caller)))
        for arg in call.args:
            if arg.keyword is not None:
                frame.bind(arg.keyword.value, Binding(0, _Arg(arg.value, caller)))
        self.stack.append(frame)
        self.hints.append(self.binder.top_of.get(id(function)))
        self.following.add(id(function))
        try:
            yield
        finally:
            self.following.discard(id(function))
            self.stack.pop()
            self.hints.pop()

    @contextlib.contextmanager
    def _caller(self, arg: _Arg):
        saved = self.stack
        self.stack = list(arg.stack)
        try:
            yield
        finally:
            self.stack = saved

    def evaluate(self, node, depth: int = 0) -> Optional[tuple]:
        if isinstance(node, _Arg):
            with self._caller(node):
                return super().evaluate(node.node, depth)
        return super().evaluate(node, depth)

    def _call(self, node: cst.Call, depth: int) -> Optional[tuple]:
        found = super()._call(node, depth)
        helper = self._helper(node.func) if found is None and self.inline_helpers else None
        if helper is None:
            return found
        with self._inside(helper, node):
            for value in self._helper_returns(helper):
                found = self.evaluate(value, depth)
                if found is not None:
                    return found
        return None

    # -- where values come from -------------------------------------------------------------

    def _request(self, node: cst.Call) -> Optional[tuple]:
        """(URL template, method) of a request call to what may be an Astro URL."""
        func = node.func
        name = call_name(func)
        method, url = self._request_parts(node, name)
        template = self.evaluate(url) if url is not None else None
        if template is None:
            return None
        client_base = self._client_base(func) if isinstance(func, cst.Attribute) else None
        if client_base is not None:
            template = concat(client_base, template)
        return (template, method) if worth_keeping(template, self.hosts) else None

    def _env(self, name: str) -> Optional[Flow]:
        scope = self.stack[-1]
        while scope is not None:
            if (id(scope), name) in self.env:
                return self.env[(id(scope), name)]
            scope = scope.parent
        return None

    def flow(self, node, depth: int = 0) -> Optional[Flow]:
        """Where the value of an expression comes from, if from a request."""
        if depth > MAX_DEPTH:
            return None
        depth += 1
        if isinstance(node, _Arg):
            with self._caller(node):
                return self.flow(node.node, depth)
        if isinstance(node, cst.Await):
            return self.flow(node.expression, depth)
        if isinstance(node, cst.Name):
            found = self._env(node.value)
            if found is not None:
                return found
            binding = self._lookup(node.value)
            return None if binding is None or binding.is_import else self.flow(binding.value, depth)
        if isinstance(node, cst.Subscript):
            return self._data(self.flow(node.value, depth))
        if isinstance(node, cst.BooleanOperation):
            return self.flow(node.left, depth) or self.flow(node.right, depth)
        if isinstance(node, cst.IfExp):
            found = self.flow(node.body, depth) or self.flow(node.orelse, depth)
            return found and replace(found, certain=False)
        if isinstance(node, cst.Call):
            return self._call_flow(node, depth)
        return None

    @staticmethod
    def _data(found: Optional[Flow]) -> Optional[Flow]:
        return found if found is not None and found.stage == "data" else None

    def _call_flow(self, node: cst.Call, depth: int) -> Optional[Flow]:
        func = node.func
        if isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr == "json" and not node.args:
                owner = self.flow(func.value, depth)
                return replace(owner, stage="data") if owner and owner.stage == "response" else None
            if attr in MEMBER_METHODS:
                owner = self._data(self.flow(func.value, depth))
                if owner is not None:
                    return owner
            if dotted(func) == "json.loads" and node.args:
                text = node.args[0].value
                if isinstance(text, cst.Attribute) and text.attr.value in ("text", "content"):
                    owner = self.flow(text.value, depth)
                    return replace(owner, stage="data") if owner and owner.stage == "response" else None
        request = self._request(node)
        if request is not None:
            return Flow(request, "response")
        helper = self._helper(func)
        if helper is None:
            return None
        with self._inside(helper, node):
            for value in self._helper_returns(helper):
                found = self.flow(value, depth)
                if found is not None:
                    return found
        return None

    # -- binding loop targets -----------------------------------------------------------------

    def _bind_loop(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        if (
            isinstance(iterable, cst.Call)
            and dotted(iterable.func) == "enumerate"
            and iterable.args
            and isinstance(target, cst.Tuple)
            and len(target.elements) == 2
        ):
            iterable, target = iterable.args[0].value, target.elements[1].value
        if not isinstance(target, cst.Name):
            return
        found = self._data(self.flow(iterable))
        slot = (id(self.stack[-1]), target.value)
        if found is None:
            self.env.pop(slot, None)
        else:
            self.env[slot] = found

    def visit_For(self, node: cst.For) -> None:
        self._bind_loop(node.target, node.iter)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, COMPREHENSIONS):
            loop = node.for_in
            while loop is not None:
                self._bind_loop(loop.target, loop.iter)
                loop = loop.inner_for_in
        return super().on_visit(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            target = target.target
            if isinstance(target, cst.Name):
                self.env.pop((id(self.stack[-1]), target.value), None)
            elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
                self.targets.add(id(target))
                key = self._subscript_key(target)
                if key is not None:
                    self.stores.setdefault((id(self.stack[-1]), target.value.value), []).append(key)

    # -- recording ----------------------------------------------------------------------------

    @staticmethod
    def _subscript_key(node: cst.Subscript) -> Optional[cst.SimpleString]:
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            value = node.slice[0].slice.value
            return value if _key(value) is not None else None
        return None

    def _name_span(self, node: cst.CSTNode) -> tuple:
        start, end = self._span(node)
        if isinstance(node, cst.SimpleString):
            inner = len(node.prefix) + len(node.quote)
            return start + inner, end - len(node.quote)
        return start, end

    def _use(self, found: Flow, where: str, key: str, node: cst.CSTNode, **more) -> None:
        template, method = found.call
        start, end = self._name_span(node)
        more.setdefault("certain", found.certain)
        self.items.append(FieldUse(template, method, where, key, start, end, **more))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        key = self._subscript_key(node)
        if key is None or id(node) in self.targets:
            return
        found = self._data(self.flow(node.value))
        if found is not None:
            self._use(found, "response", _key(key), key)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        super().visit_Comparison(node)
        for comparison in node.comparisons:
            if isinstance(comparison.operator, (cst.In, cst.NotIn)) and _key(node.left) is not None:
                found = self._data(self.flow(comparison.comparator))
                if found is not None:
                    self._use(found, "response", _key(node.left), node.left)

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in MEMBER_METHODS and node.args:
            key = node.args[0].value
            found = self._data(self.flow(func.value)) if _key(key) is not None else None
            if found is not None:
                self._use(found, "response", _key(key), key)
                return
        request = self._request(node)
        if request is None:
            return
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        start, end = self._span(node)
        self.items.append(ApiCall(request[0], request[1], start, end, self._pinned(keywords.get("headers"))))
        call = Flow(request, "data")
        for name in BODY_KEYWORDS:
            if name in keywords:
                self._sent(keywords[name], call, "request")
        if "params" in keywords:
            self._sent(keywords["params"], call, "query")

    def _dict_keys(self, node: cst.CSTNode, depth: int = 0) -> Optional[list]:
        """(key node, value node) of a dict the code builds visibly, None where it cannot see one."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, cst.Dict):
            return [(el.key, el.value) for el in node.elements if isinstance(el, cst.DictElement) and _key(el.key)]
        if isinstance(node, cst.Call) and dotted(node.func) == "dict":
            return [(a.keyword, a.value) for a in node.args if a.keyword is not None]
        if isinstance(node, cst.Name):
            binding = self._lookup(node.value)
            if binding is None or binding.is_import or isinstance(binding.value, _Arg):
                return None
            keys = self._dict_keys(binding.value, depth + 1)
            stored = [(k, None) for k in self.stores.get((id(self.stack[-1]), node.value), [])]
            return None if keys is None else keys + stored
        return None

    def _sent(self, node: cst.CSTNode, call: Flow, where: str) -> None:
        if isinstance(node, cst.Call) and dotted(node.func) in ("json.dumps", "dumps") and node.args:
            node = node.args[0].value
        source = self.flow(node)
        if where == "request" and source is not None and source.stage == "data":
            start, end = self._span(node)
            template, method = call.call
            self.items.append(FieldUse(template, method, "request", "*", start, end, False, source=source.call))
            return
        for key_node, value in self._dict_keys(node) or ():
            key = key_node.value if isinstance(key_node, cst.Name) else _key(key_node)
            literal = self.evaluate(value) if value is not None else None
            text = literal[0].text if literal and len(literal) == 1 and isinstance(literal[0], Lit) else None
            self._use(call, where, key, key_node, value=text)

    def _pinned(self, headers: Optional[cst.CSTNode]) -> bool:
        keys = self._dict_keys(headers) if headers is not None else None
        if keys is None:
            return self.pin_in_module
        names = {(k.value if isinstance(k, cst.Name) else _key(k) or "").lower() for k, _ in keys}
        return self.pin_header in names
