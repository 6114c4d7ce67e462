"""Character offsets of LibCST nodes, computed one top-level statement at a time, on demand.

LibCST's PositionProvider generates the whole module's code with positions, which costs more
than parsing it. Analysis needs the positions of a few nodes (the strings that hold a base, the
calls that use them), so only the top-level statements holding those nodes are measured (the
module's leading and trailing comment lines count as units of their own).
"""
from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migrator.project.source import NEWLINE


class Positions:
    def __init__(self, module: cst.Module, text: str):
        self.module = module
        self.text = text
        self.spans: dict = {}  # id(node) -> (start, end)
        self.measured: set = set()
        self._units = None

    @property
    def units(self) -> dict:
        """id(unit) -> (offset of its first character, the module of it alone, its length)."""
        if self._units is None:
            self._units, self.order = self._cut()
        return self._units

    def _cut(self) -> tuple:
        module = self.module
        units = {}
        offset = 0
        pieces = [(module.header, module.with_changes(body=[], footer=[]))]
        pieces += [(s, module.with_changes(body=[s], header=[], footer=[])) for s in module.body]
        pieces += [(module.footer, module.with_changes(body=[], header=[]))]
        for unit, alone in pieces:
            size = sum(len(module.code_for_node(n)) for n in unit) if isinstance(unit, (list, tuple)) else len(
                module.code_for_node(unit)
            )
            units[id(unit)] = (offset, alone, size)
            offset += size
        return units, [id(unit) for unit, _ in pieces]

    def span(self, node: cst.CSTNode, hints=()) -> tuple:
        """(start, end) offsets of `node`; `hints` are top-level statements likely to hold it."""
        found = self.spans.get(id(node))
        if found is not None:
            return found
        units = self.units
        for unit in (*(id(h) for h in hints if h is not None), *self.order):
            if unit in units and unit not in self.measured:
                self._measure(unit)
                found = self.spans.get(id(node))
                if found is not None:
                    return found
        raise KeyError(f"{type(node).__name__} is not part of the module")

    def _measure(self, unit: int) -> None:
        self.measured.add(unit)
        base, alone, size = self.units[unit]
        ranges = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        line_starts = [base] + [m.end() for m in NEWLINE.finditer(self.text, base, base + size)]
        for node, where in ranges.items():
            if where.end.line > len(line_starts):  # the module of the unit alone, not a node of it
                continue
            self.spans[id(node)] = (
                line_starts[where.start.line - 1] + where.start.column,
                line_starts[where.end.line - 1] + where.end.column,
            )
