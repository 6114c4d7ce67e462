"""Where a value comes from: which request, if any, an expression's value is the response or
JSON data of (`DataFlows.flow`), within one module; `fields_collect.FlowCollector` records the
keys read and sent on top of it.

Flows it follows: `r = client.get(url)`, `r.json()`, `json.loads(r.text)`, `await`, `with`,
subscripts and `.get()`, `for` loops and comprehensions (also over `enumerate`), attributes set
to such a value (`self.data = r.json()`), pandas frames built from it, and calls to a function
or method of the same module that returns a request or its JSON (its parameters are bound to
the call's arguments, so a helper that builds the URL from a path works too; `Client().get(…)`
too). A call to a function or method of another module is a `FlowRef`, resolved across
modules by `policy.fields`.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import Any, Callable, Optional

import libcst as cst

from migrator.engine.templates import Ref, concat
from migrator.python import field_shapes
from migrator.python.evaluate import MAX_DEPTH, module_of
from migrator.python.facts import FlowRef, ParamRef
from migrator.python.scopes import Binding, Scope, call_name, dotted
from migrator.python.uses import UseCollector, worth_keeping

MEMBER_METHODS = {"get", "pop", "setdefault"}
# Helper calls followed per module: each call site re-evaluates the helper with its arguments,
# so calls of calls multiply; past this, a helper's result is a value analysis cannot see.
FOLLOW_BUDGET = 2000


@dataclass(frozen=True)
class Flow:
    """A value that comes from a request: the response object, or (part of) its JSON."""

    call: tuple  # (template, method); template (FlowRef,): what a function of another module returns
    stage: str  # "response" | "data" | "remote" (another module's function: a response or its data)
    certain: bool = True
    why: str = ""  # why it may hold other data
    attribute: str = ""  # "Class.attr" it was held on
    frame: bool = False  # a pandas frame built from the data: its columns are the keys


@dataclass(frozen=True)
class Argument:
    """A helper's parameter: the caller's argument, evaluated in the caller's scopes."""

    node: cst.CSTNode
    stack: tuple


def literal_key(node: cst.CSTNode) -> Optional[str]:
    if isinstance(node, cst.SimpleString) and "f" not in node.prefix.lower():
        return node.raw_value
    return None


def _imported(binding: Optional[Binding]) -> Optional[Ref]:
    """The imported name a binding stands for, if it is an import."""
    return binding.value if binding is not None and binding.is_import and isinstance(binding.value, Ref) else None


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


class DataFlows(UseCollector):
    """Where values come from: `flow(node)` says which request (if any) an expression's value comes from."""

    def __init__(self, key, source, binder, hosts: Optional[tuple] = None, layout=None):
        """`hosts`: the Astro API hosts (the table's and `extra-hosts`); None: the table's."""
        super().__init__(key, source, binder, layout)
        self.hosts = hosts
        self.env: dict = {}  # (id(scope), name) -> Flow, for loop and comprehension targets
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
        found = self._callee(func)
        if not isinstance(found, cst.FunctionDef) or id(found) in self.following or self.followed >= FOLLOW_BUDGET:
            return None
        self.followed += 1
        return found

    def _callee(self, func: cst.BaseExpression, depth: int = 0):
        """What a call runs: a function or method of this module (its FunctionDef), one of another
        module (a FlowRef), or None when analysis cannot tell."""
        if isinstance(func, cst.Name):
            found = self.functions.get((id(self.binder.module_scope), func.value))
            ref = _imported(self._lookup(func.value)) if found is None else None
            return FlowRef(ref.module, ref.name) if ref is not None and ref.name else found
        if not isinstance(func, cst.Attribute):
            return None
        owner, name = func.value, func.attr.value
        if isinstance(owner, cst.Name) and owner.value in ("self", "cls"):
            scope = self._class_scope()
            found = self.functions.get((id(scope), name)) if scope else None
            return found or (self._inherited(scope.node, name) if scope else None)
        ref = _imported(self._lookup(owner.value)) if isinstance(owner, cst.Name) else None
        if ref is not None:  # `client.list_tokens()`, `Client.create()`
            return FlowRef(module_of(ref), name)
        cls = self._instance_of(owner, depth)
        if isinstance(cls, Ref):
            return FlowRef(cls.module, f"{cls.name}.{name}")
        return self.functions.get((id(cls), name)) if cls is not None else None

    def _inherited(self, node, name: str) -> Optional[FlowRef]:
        """`self.get_deployment()` in a subclass of a class imported from another module."""
        for base in node.bases if isinstance(node, cst.ClassDef) else ():
            ref = _imported(self._lookup(base.value.value)) if isinstance(base.value, cst.Name) else None
            if ref is not None and ref.name:
                return FlowRef(ref.module, f"{ref.name}.{name}")
        return None

    def _instance_of(self, node: cst.CSTNode, depth: int = 0):
        """The class `node` is an instance of: a class scope of this module, an imported class
        (Ref), or None. Follows `Client()`, names and `self.attr` bound to such a call."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            binding = self._lookup(node.func.value)
            ref = _imported(binding)
            if ref is not None and ref.name:
                return ref
            if binding is not None and isinstance(binding.value, cst.ClassDef):
                return self.binder.scope_of.get(id(binding.value))
            return None
        if isinstance(node, cst.Name):
            binding = self._lookup(node.value)
        elif isinstance(node, cst.Attribute):
            binding = self._lookup_attr(node.value, node.attr.value)
        else:
            return None
        if binding is None or binding.is_import or not isinstance(binding.value, cst.CSTNode):
            return None
        return self._instance_of(binding.value, depth + 1)

    def _helper_returns(self, function: cst.FunctionDef) -> list:
        if id(function) not in self.returned:
            self.returned[id(function)] = _returns(function)
        return self.returned[id(function)]

    def _through_helper(self, helper: cst.FunctionDef, call: cst.Call, read: Callable) -> Any:
        """The first of `helper`'s return values that `read` makes something of, read inside it
        with its parameters bound to `call`'s arguments."""
        with self._inside(helper, call):
            for value in self._helper_returns(helper):
                found = read(value)
                if found is not None:
                    return found
        return None

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
            frame.bind(name, Binding(0, Argument(value, caller)))
        for arg in call.args:
            if arg.keyword is not None:
                frame.bind(arg.keyword.value, Binding(0, Argument(arg.value, caller)))
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
    def _caller(self, arg: Argument):
        saved = self.stack
        self.stack = list(arg.stack)
        try:
            yield
        finally:
            self.stack = saved

    def evaluate(self, node, depth: int = 0) -> Optional[tuple]:
        if isinstance(node, Argument):
            with self._caller(node):
                return super().evaluate(node.node, depth)
        return super().evaluate(node, depth)

    def _call(self, node: cst.Call, depth: int) -> Optional[tuple]:
        found = super()._call(node, depth)
        helper = self._helper(node.func) if found is None and self.inline_helpers else None
        if helper is None:
            return found
        return self._through_helper(helper, node, lambda value: self.evaluate(value, depth))

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
        scope: Optional[Scope] = self.stack[-1]
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
        if isinstance(node, Argument):
            with self._caller(node):
                return self.flow(node.node, depth)
        if isinstance(node, cst.Await):
            return self.flow(node.expression, depth)
        if isinstance(node, cst.Name):
            found = self._env(node.value)
            if found is not None:
                return found
            binding = self._lookup(node.value)
            if binding is not None and binding.opaque and binding.scope is not None:
                return self._parameter(node.value, binding.scope)
            return None if binding is None or binding.is_import else self.flow(binding.value, depth)
        if isinstance(node, cst.Subscript):
            return self._data(self.flow(node.value, depth))
        if isinstance(node, cst.Attribute):
            return self._attribute_flow(node, depth)
        if isinstance(node, cst.BooleanOperation):
            return self.flow(node.left, depth) or self.flow(node.right, depth)
        if isinstance(node, cst.IfExp):
            found = self.flow(node.body, depth) or self.flow(node.orelse, depth)
            return found and replace(found, certain=False, why=found.why or "a conditional may give it other data")
        if isinstance(node, cst.Call):
            return self._call_flow(node, depth)
        return None

    def function_name(self, scope: Optional[Scope]) -> Optional[str]:
        """"name" or "Class.name" of a function scope, if other code can call it by that name."""
        owner = scope.parent if scope is not None else None
        if scope is None or not isinstance(scope.node, cst.FunctionDef) or owner is None:
            return None
        if owner is self.binder.module_scope:
            return scope.node.name.value
        if owner.is_class and owner.parent is self.binder.module_scope and isinstance(owner.node, cst.ClassDef):
            return f"{owner.node.name.value}.{scope.node.name.value}"
        return None

    def _parameter(self, name: str, scope: Scope) -> Optional[Flow]:
        """A parameter of a function others call: what its callers pass (`ArgFlow`s), never certain."""
        function = self.function_name(scope)
        if function is None or not isinstance(scope.node, cst.FunctionDef):
            return None
        names = [p.name.value for p in scope.node.params.params]
        if "." in function and names and names[0] in ("self", "cls"):
            names = names[1:]
        if name not in names:
            return None
        why = f"`{name}` is a parameter of `{function}`, whose callers may pass other data"
        return Flow(((ParamRef(function, name, names.index(name)),), None), "remote", certain=False, why=why)

    @staticmethod
    def _data(found: Optional[Flow]) -> Optional[Flow]:
        return found if found is not None and found.stage in ("data", "remote") else None

    def _attribute_flow(self, node: cst.Attribute, depth: int) -> Optional[Flow]:
        """`self.data` set to `r.json()` in some method: uncertain when set more than once."""
        binding = self._lookup_attr(node.value, node.attr.value)
        if binding is None or binding.is_import or binding.scope is None or not isinstance(binding.value, cst.CSTNode):
            return None
        saved = self.stack, self.statement
        self.stack, self.statement = self._stack_of(binding.scope), binding.order
        try:
            found = self.flow(binding.value, depth)
        finally:
            self.stack, self.statement = saved
        owner = self._class_scope() if isinstance(node.value, cst.Name) and node.value.value in ("self", "cls") else None
        if found is None or owner is None or not isinstance(owner.node, cst.ClassDef):
            return found and replace(found, certain=False, why=f"it is held on `{dotted(node)}`")
        writes = owner.attrs.get(node.attr.value, [])
        found = replace(found, attribute=f"{owner.node.name.value}.{node.attr.value}")
        if len(writes) > 1:
            return replace(found, certain=False, why=f"`{dotted(node)}` is set in {len(writes)} places")
        return found

    def _call_flow(self, node: cst.Call, depth: int) -> Optional[Flow]:
        func = node.func
        request = self._request(node)  # first: `self.client.get("/organizations")` is a request
        if request is not None:
            return Flow(request, "response")
        if isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr == "json" and not node.args:
                owner = self.flow(func.value, depth)
                return replace(owner, stage="data") if owner and owner.stage in ("response", "remote") else None
            if attr in field_shapes.FRAME_METHODS:
                owner = self._data(self.flow(func.value, depth))
                if owner is not None and owner.frame:
                    return owner
            if attr in MEMBER_METHODS:
                owner = self._data(self.flow(func.value, depth))
                if owner is not None:
                    return owner
            if dotted(func) == "json.loads" and node.args:
                text = node.args[0].value
                if isinstance(text, cst.Attribute) and text.attr.value in ("text", "content"):
                    owner = self.flow(text.value, depth)
                    return replace(owner, stage="data") if owner and owner.stage == "response" else None
        source = field_shapes.frame_source(node)
        if source is not None:
            found = self._data(self.flow(source, depth))
            return found and replace(found, frame=True)
        callee = self._callee(func)
        if isinstance(callee, FlowRef):
            return Flow(((callee,), None), "remote")
        helper = self._helper(func)
        if helper is None:
            return None
        return self._through_helper(helper, node, lambda value: self.flow(value, depth))

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

    def _comprehension(self, node) -> None:
        """Its loop targets bound to what they iterate over, then hidden from outer names."""
        loop: Optional[cst.CompFor] = node.for_in
        while loop is not None:
            self._bind_loop(loop.target, loop.iter)
            loop = loop.inner_for_in
        super()._comprehension(node)

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension
