"""Record what goes to, and comes from, a call to an Astro endpoint: plain data, per module.

A `FlowCollector` pass (`data_flows.DataFlows`, which says where a value comes from, plus the
recording here) leaves: `ApiCall` for every request whose URL may be an Astro URL; `FieldUse`
for every JSON key or query parameter that visibly goes to, or comes from, such a call (dict
subscripts and `.get()`, `in`, request bodies and `params`, pandas columns and `df.query`
strings); `ModelField` / `ModelFeed` for model classes (pydantic, dataclasses, TypedDict) and
the data that fills them; `FlowExport` for the functions and methods whose return value comes
from a request, for the modules that import them. Which keys changed is not decided here:
`migrator.policy.fields.judge` asks the rule table once URLs are resolved, across modules.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst

from migrator.engine import ruletable
from migrator.engine.templates import Lit
from migrator.python import field_shapes
from migrator.python.data_flows import MEMBER_METHODS, Argument, DataFlows, Flow, literal_key
from migrator.python.evaluate import MAX_DEPTH, module_of
from migrator.python.facts import (
    ApiCall,
    ArgFlow,
    BodyExport,
    FieldUse,
    FlowExport,
    FlowRef,
    ModelFeed,
    ModelField,
    ParamRef,
    SentBody,
)
from migrator.python.scopes import dotted

BODY_KEYWORDS = ("json", "data", "content")


class FlowCollector(DataFlows):
    def __init__(self, key, source, binder, module_text: str, hosts: Optional[tuple] = None, layout=None):
        """`hosts`: the Astro API hosts (the table's and `extra-hosts`); None: the table's."""
        super().__init__(key, source, binder, hosts, layout)
        self.pin_header = ruletable.facts().pin_header.lower()
        self.items: list = []
        self.stores: dict = {}  # (id(scope), name) -> [key node] of `name["key"] = ...`
        self.targets: set = set()  # id() of subscripts assigned to
        self.pin_in_module = self.pin_header in module_text.lower()
        self.exported: set = set()  # names of the functions exported so far
        # Keys the rule table changes: only these are exported (measuring where a key is costs).
        self.field_words = frozenset(change.old for change in ruletable.load().field_changes.values())

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
            return value if literal_key(value) is not None else None
        return None

    def _name_span(self, node: cst.CSTNode) -> tuple:
        start, end = self._span(node)
        if isinstance(node, cst.SimpleString):
            inner = len(node.prefix) + len(node.quote)
            return start + inner, end - len(node.quote)
        return start, end

    def _use(self, found: Flow, where: str, key: str, node: cst.CSTNode, offset: Optional[int] = None,
             **more) -> None:
        """A key read or sent; `offset`: where the key starts inside `node`'s name span."""
        template, method = found.call
        if template and isinstance(template[0], ParamRef) and key not in self.field_words:
            return  # a parameter's keys: kept only where a change may apply (there are many)
        start, end = self._name_span(node)
        if offset is not None:
            start, end = start + offset, start + offset + len(key)
        more.setdefault("certain", found.certain)
        self.items.append(FieldUse(template, method, where, key, start, end, why=found.why,
                                   attribute=found.attribute, **more))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        key = self._subscript_key(node)
        if key is None or id(node) in self.targets:
            return
        found = self._data(self.flow(node.value))
        if found is not None:
            self._use(found, "response", literal_key(key), key)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        super().visit_Comparison(node)
        for comparison in node.comparisons:
            if isinstance(comparison.operator, (cst.In, cst.NotIn)) and literal_key(node.left) is not None:
                found = self._data(self.flow(comparison.comparator))
                if found is not None:
                    self._use(found, "response", literal_key(node.left), node.left)

    def visit_Call(self, node: cst.Call) -> None:
        super().visit_Call(node)
        func = node.func
        request = self._request(node)
        if request is None and isinstance(func, cst.Attribute) and func.attr.value in MEMBER_METHODS and node.args:
            key = node.args[0].value
            found = self._data(self.flow(func.value)) if literal_key(key) is not None else None
            if found is not None:
                self._use(found, "response", literal_key(key), key)
                return
        if isinstance(func, cst.Attribute) and func.attr.value == "query" and node.args:
            self._frame_query(func.value, node.args[0].value)
        self._arguments(node)
        model, data = field_shapes.model_of_call(node)
        if model is not None:
            self._feed(field_shapes.annotation_names(model) if isinstance(model, cst.Subscript) else [model],
                       self._data(self.flow(data)))
        if request is None:
            return
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        start, end = self._span(node)
        self.items.append(ApiCall(request[0], request[1], start, end, self._pinned(keywords.get("headers"))))
        call = Flow(request, "data")
        # An operator's `data` goes into the query string of a GET: HttpOperator(method="GET", data={…}).
        as_query = "endpoint" in keywords and request[1] in ("GET", "HEAD", "DELETE")
        for name in BODY_KEYWORDS:
            if name in keywords:
                self._sent(keywords[name], call, "query" if as_query and name == "data" else "request")
        if "params" in keywords:
            self._sent(keywords["params"], call, "query")

    def _arguments(self, node: cst.Call) -> None:
        """An ArgFlow for each argument that comes from a request, passed to a project function."""
        callee = self._callee(node.func) if node.args else None
        if isinstance(callee, cst.FunctionDef):
            name = self.function_name(self.binder.scope_of.get(id(callee)))
            target = ("", name) if name else None
        else:
            target = (callee.module, callee.name) if isinstance(callee, FlowRef) else None
        if target is None:
            return
        for index, arg in enumerate(a for a in node.args if not a.star):
            found = self._data(self.flow(arg.value))
            if found is not None:
                keyword = arg.keyword.value if arg.keyword is not None else ""
                self.items.append(ArgFlow(*target, -1 if keyword else index, keyword, *found.call))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        super().visit_Attribute(node)
        parent = self.parents[-1] if self.parents else None
        if node.attr.value not in self.field_words or not isinstance(node.value, cst.Name):
            return  # only a changed key matters; following every attribute's owner costs
        if isinstance(parent, cst.Call) and parent.func is node:
            return
        found = self._data(self.flow(node.value))
        if found is not None and found.frame:  # `df.type`: a column
            self._use(found, "response", node.attr.value, node.attr)

    def _frame_query(self, frame: cst.BaseExpression, text: cst.BaseExpression) -> None:
        """`df.query("type == 'DEPLOYMENT'")` on a frame built from a response: its column names."""
        found = self._data(self.flow(frame)) if isinstance(text, cst.SimpleString) else None
        if found is None or not found.frame:
            return
        for name, offset in field_shapes.query_columns(text):
            self._use(found, "response", name, text, offset=offset)

    # -- models ------------------------------------------------------------------------------

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if self.stack[-1] is not self.binder.module_scope:
            return
        for name, kind in field_shapes.fields_of(node):
            key = literal_key(name) if isinstance(name, cst.SimpleString) else name.value
            if key not in self.field_words:
                continue
            start, end = self._name_span(name)
            self.items.append(ModelField(node.name.value, key, start, end, kind))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._feed(field_shapes.annotation_names(node.annotation.annotation), self._data(self.flow(node.value)))

    def _feed(self, models: list, found: Optional[Flow]) -> None:
        """Record that the data of `found` goes into each of `models` (class names or nodes)."""
        if found is None:
            return
        for model in models:
            where = self._class_named(model)
            if where is not None:
                template, method = found.call
                self.items.append(ModelFeed(where[0], where[1], template, method, found.certain))

    def _class_named(self, model) -> Optional[tuple]:
        """(module, class name) of a class: ("", name) for one of this module, else where from."""
        if isinstance(model, cst.Attribute) and isinstance(model.value, cst.Name):
            binding = self._lookup(model.value.value)
            return (module_of(binding.value), model.attr.value) if binding is not None and binding.is_import else None
        name = model.value if isinstance(model, cst.Name) else model
        binding = self._lookup(name) if isinstance(name, str) else None
        if binding is None:
            return None
        if binding.is_import:
            return (binding.value.module, binding.value.name) if binding.value.name else None
        return ("", name) if isinstance(binding.value, cst.ClassDef) else None

    # -- exports -----------------------------------------------------------------------------

    def visit_Return(self, node: cst.Return) -> None:
        """A function of the module level, or a method of a class there, is exported: as a
        FlowExport when what it returns comes from a request, as a BodyExport when a dict."""
        name = self.function_name(self.stack[-1])
        if name is None or node.value is None or name in self.exported:
            return
        found = self.flow(node.value)
        if found is None:
            keys = self._dict_keys(node.value)
            if keys:
                self.exported.add(name)
                self._export_body(name, keys)
            return
        self.exported.add(name)
        self.items.append(FlowExport(name, found.call[0], found.call[1], found.certain))
        returns = self.stack[-1].node.returns
        if returns is not None:
            self._feed(field_shapes.annotation_names(returns.annotation), self._data(found))

    def leave_Module(self, original_node: cst.Module) -> None:
        super().leave_Module(original_node)
        for name, bindings in self.binder.module_scope.names.items():
            value = bindings[-1].value
            if len(bindings) == 1 and isinstance(value, (cst.Dict, cst.Call)):
                keys = self._dict_keys(value)
                if keys:
                    self._export_body(name, keys)

    def _export_body(self, name: str, keys: list) -> None:
        found = tuple((key, *self._name_span(node), text) for key, node, text in self._keys(keys) if key in self.field_words)
        if found:
            self.items.append(BodyExport(name, found))

    def _dict_keys(self, node: cst.CSTNode, depth: int = 0) -> Optional[list]:
        """(key node, value node) of a dict the code builds visibly, None where it cannot see one."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, cst.Dict):
            return [(el.key, el.value) for el in node.elements if isinstance(el, cst.DictElement) and literal_key(el.key)]
        if isinstance(node, cst.Call) and dotted(node.func) == "dict":
            return [(a.keyword, a.value) for a in node.args if a.keyword is not None]
        if isinstance(node, cst.Name):
            binding = self._lookup(node.value)
            if binding is None or binding.is_import or isinstance(binding.value, Argument):
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
        keys = self._dict_keys(node)
        if keys is None:
            self._built_body(node, call, where)
        for key, key_node, text in self._keys(keys or ()):
            self._use(call, where, key, key_node, value=text)

    def _keys(self, keys: list) -> list:
        """(key, key node, literal value or None) of a dict's (key node, value node) pairs."""
        out = []
        for key_node, value in keys:
            literal = self.evaluate(value) if value is not None else None
            text = literal[0].text if literal and len(literal) == 1 and isinstance(literal[0], Lit) else None
            out.append((key_node.value if isinstance(key_node, cst.Name) else literal_key(key_node), key_node, text))
        return out

    def _built_body(self, node: cst.CSTNode, call: Flow, where: str) -> None:
        """A body a function builds (`json=token_body("ci")`), or a dict another module defines:
        the keys of this module's function, or a SentBody for another module's."""
        if isinstance(node, cst.Name):
            binding = self._lookup(node.value)
            if binding is not None and binding.is_import and binding.value.name:
                callee = FlowRef(binding.value.module, binding.value.name)
            elif binding is not None and isinstance(binding.value, cst.Call):
                return self._built_body(binding.value, call, where)
            else:
                return None
        elif isinstance(node, cst.Call):
            callee = self._callee(node.func)
        else:
            return None
        if isinstance(callee, FlowRef):
            start, end = self._span(node)
            self.items.append(SentBody(call.call[0], call.call[1], where, callee, start, end))
        elif isinstance(callee, cst.FunctionDef) and id(callee) not in self.following:
            with self._inside(callee, node):
                for value in self._helper_returns(callee):
                    for key, key_node, text in self._keys(self._dict_keys(value) or ()):
                        self._use(call, where, key, key_node, value=text)
        return None

    def _pinned(self, headers: Optional[cst.CSTNode]) -> bool:
        keys = self._dict_keys(headers) if headers is not None else None
        if keys is None:
            return self.pin_in_module
        names = {(k.value if isinstance(k, cst.Name) else literal_key(k) or "").lower() for k, _ in keys}
        return self.pin_header in names
