"""Where a JSON value read in one module comes from, across modules, for `policy.fields`.

A module that reads the result of a function of another module (`from client import
list_tokens`; `AstroClient().get_deployment(id)`) recorded a `FlowRef`; the defining module
recorded a `FlowExport` for that function. `FlowResolver.origin` follows such references (also
through several modules) to the request's URL template, resolved where it was written, and says
whether the value is certainly that request's data. A parameter (`ParamRef`) comes from what
the function's callers pass (`ArgFlow`, in any module; an Airflow task fed by another task's
result), never certainly. It also finds the model classes a request's data fills (`ModelFeed` ->
`ModelField`), and judges values held on attributes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from migrator.python.facts import (
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

MAX_HOPS = 8  # modules a value is followed through


@dataclass(frozen=True)
class Origin:
    """The request a value comes from: its URL template (resolved), method, and certainty."""

    template: tuple
    method: Optional[str]
    certain: bool = True
    why: str = ""


class FlowResolver:
    def __init__(self, facts_by_key: dict, index):
        """`index`: the run's `imports.ModuleIndex`, which resolves templates and modules."""
        self.facts = facts_by_key
        self.index = index
        self.exports: dict = {}  # (key, name) -> FlowExport
        self.models: dict = {}  # (key, class name) -> [ModelField]
        self.bodies: dict = {}  # (key, name) -> BodyExport
        self.arguments: dict = {}  # (key, function) -> [(ArgFlow, calling key)]
        for key, facts in facts_by_key.items():
            for item in facts.fields:
                if isinstance(item, FlowExport):
                    self.exports.setdefault((key, item.name), item)
                elif isinstance(item, BodyExport):
                    self.bodies.setdefault((key, item.name), item)
                elif isinstance(item, ArgFlow):
                    self._argument(item, key)
                elif isinstance(item, ModelField):
                    self.models.setdefault((key, item.model), []).append(item)

    def _argument(self, item: ArgFlow, key: str) -> None:
        if not item.module:
            self.arguments.setdefault((key, item.function), []).append((item, key))
            return
        for defining, name, _ in self._defining(FlowRef(item.module, item.function), key):
            self.arguments.setdefault((defining, name), []).append((item, key))

    def origin(self, template: tuple, method: Optional[str], key: str, hops: int = 0) -> Optional[Origin]:
        """Where a value of module `key` comes from; None when it is no request analysis can see."""
        if template and isinstance(template[0], (FlowRef, ParamRef)) and hops >= MAX_HOPS:
            return None
        if template and isinstance(template[0], FlowRef):
            return self._remote(template[0], key, hops)
        if template and isinstance(template[0], ParamRef):
            return self._passed(template[0], key, hops)
        return Origin(self.index.resolve(template, key), method)

    def _passed(self, ref: ParamRef, key: str, hops: int) -> Optional[Origin]:
        """What a caller passes to the parameter: the first argument analysis can follow."""
        for item, caller in self.arguments.get((key, ref.function), ()):
            if item.index == ref.index or item.keyword == ref.name:
                found = self.origin(item.template, item.method, caller, hops + 1)
                if found is not None:
                    why = f"`{ref.name}` is a parameter of `{ref.function}`, whose callers may pass other data"
                    return replace(found, certain=False, why=found.why or why)
        return None

    def _remote(self, ref: FlowRef, key: str, hops: int) -> Optional[Origin]:
        for defining, name, why in self._defining(ref, key):
            export = self.exports.get((defining, name))
            found = self.origin(export.template, export.method, defining, hops + 1) if export else None
            if export is None or found is None:
                return None
            if why:
                return replace(found, certain=False, why=why)
            if not export.certain:
                return replace(found, certain=False, why=found.why or f"`{name}` of {defining} may return other data")
            return found
        return None

    def _defining(self, ref: FlowRef, key: str):
        """(defining key, name there, why uncertain) for the module a FlowRef names: the module
        itself (`client.list_tokens`), else its owner (`Client.create` of `from client import Client`)."""
        owner, _, last = ref.module.rpartition(".")
        for module, name in ((ref.module, ref.name), (owner, f"{last}.{ref.name}")):
            if not module:
                continue
            found = self.index.resolve_module(module, key)
            keys = [k for k in found.keys if k in self.facts]
            if keys:
                ambiguous = found.ambiguous or len(keys) > 1
                yield keys[0], name, f"`{module}` may load more than one module" if ambiguous else ""
                return

    def model_fields(self, feed: ModelFeed, key: str) -> tuple:
        """(defining key, [ModelField]) of the class a feed names."""
        if not feed.module:
            return key, self.models.get((key, feed.model), [])
        for defining, name, _ in self._defining(FlowRef(feed.module, feed.model), key):
            if "." not in name:  # `from models import Token`: the class itself
                return defining, self.models.get((defining, name), [])
        return key, []

    def body(self, sent: SentBody, key: str) -> tuple:
        """(defining key, BodyExport or None) of the dict or function a sent body names."""
        for defining, name, _ in self._defining(sent.body, key):
            return defining, self.bodies.get((defining, name))
        return key, None

    def held(self, use: FieldUse, key: str) -> FieldUse:
        """`use` made uncertain when the attribute it was held on is also set elsewhere."""
        if not use.attribute or not use.certain:
            return use
        owner, _, attribute = use.attribute.partition(".")
        others = sorted(
            f"{who} in {where}"
            for where, facts in self.facts.items()
            for who in facts.attribute_writes.get(attribute, ())
            if (where, who) != (key, owner)
        )
        dynamic = self.facts[key].dynamic
        if others or dynamic:
            why = f"`{attribute}` is also set by {', '.join(others)}" if others else f"the module uses {dynamic}"
            return replace(use, certain=False, why=why)
        return use
