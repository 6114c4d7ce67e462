"""Character offsets of LibCST nodes, computed one top-level statement at a time, on demand.

LibCST's PositionProvider generates the whole module's code with positions, which costs more
than parsing it. Analysis needs the positions of a few nodes (the strings that hold a base, the
calls that use them), so only the top-level statements holding those nodes are measured (the
module's leading and trailing comment lines count as units of their own). Where each unit
starts is found from the lines of its code (`Layout`), generated once per unit: an edited
module re-parsed statement by statement (`incremental`) keeps the lines of the units it kept.
"""
from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migrator.project.source import NEWLINE


class Layout:
    """A module's units (its header, each top-level statement, its footer) with the lines of
    each one's code, generated when first asked for, and the spans of the nodes in each unit
    measured, relative to the unit's start (a unit kept by an edit keeps its text)."""

    def __init__(self, module: cst.Module, known: Optional["Layout"] = None):
        """`known`: the layout of an earlier module, whose units this one shares where the text
        is unchanged."""
        self.module = module
        self.units = [module.header, *module.body, module.footer]
        ids = {id(unit) for unit in self.units}
        self._lines = {key: lines for key, lines in known._lines.items() if key in ids} if known else {}
        self.relative = {key: spans for key, spans in known.relative.items() if key in ids} if known else {}

    def lines(self, unit) -> list:
        found = self._lines.get(id(unit))
        if found is None:
            nodes = unit if isinstance(unit, (list, tuple)) else [unit]
            code = "".join(self.module.code_for_node(n) for n in nodes)
            found = self._lines[id(unit)] = NEWLINE.split(code)
        return found

    def alone(self, unit) -> cst.Module:
        """The module of `unit` alone, for LibCST to measure."""
        if unit is self.module.header:
            return self.module.with_changes(body=[], footer=[])
        if unit is self.module.footer:
            return self.module.with_changes(body=[], header=[])
        return self.module.with_changes(body=[unit], header=[], footer=[])


class Positions:
    def __init__(self, module: cst.Module, text: str, layout: Optional[Layout] = None):
        self.module = module
        self.text = text
        self.layout = layout if layout is not None and layout.module is module else Layout(module)
        self.spans: dict = {}  # id(node) -> (start, end)
        self.measured: set = set()
        self._units = None
        self._nodes: dict = {}  # id(unit) -> unit
        self._lines: dict = {}  # id(unit) -> (index of its first line in `text`, its code's lines)
        self.line_starts = [0] + [m.end() for m in NEWLINE.finditer(text)]

    @property
    def units(self) -> dict:
        """id(unit) -> (offset of its first character, its length)."""
        if self._units is None:
            self._units, self.order = self._cut()
        return self._units

    def _cut(self) -> tuple:
        """Units located by line: LibCST's code for a node can lack characters of the text (a
        form feed at the start of a line, and the spaces before it), so lengths do not add up."""
        units = {}
        line = 0
        for unit in self.layout.units:
            lines = self.layout.lines(unit)
            last = min(line + len(lines) - 1, len(self.line_starts) - 1)
            start = self.line_starts[min(line, last)]
            if lines == [""]:
                end = start
            else:
                end = self.line_starts[last] if lines[-1] == "" else len(self.text)
            units[id(unit)] = (start, max(end, start) - start)
            self._nodes[id(unit)] = unit
            self._lines[id(unit)] = (line, lines)
            line = last
        return units, [id(unit) for unit in self.layout.units]

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
        start = self.units[unit][0]
        relative = self.layout.relative.get(unit)
        if relative is None:
            relative = self.layout.relative[unit] = self._relative(unit, start)
        for node, (begin, end) in relative.items():
            self.spans[node] = (start + begin, start + end)

    def _relative(self, unit: int, start: int) -> dict:
        """id(node) -> its span from the start of `unit`, for every node of the unit."""
        alone = self.layout.alone(self._nodes[unit])
        first, lines = self._lines[unit]
        ranges = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        found = {}
        for node, where in ranges.items():
            if where.end.line > len(lines):  # the module of the unit alone, not a node of it
                continue
            found[id(node)] = (self._offset(first, lines, where.start) - start, self._offset(first, lines, where.end) - start)
        return found

    def _offset(self, first: int, lines: list, where) -> int:
        """The text offset of a LibCST position in a unit whose code has `lines`.

        Where LibCST's line lacks leading characters of the text's (form feeds), its columns
        count from after them. A line that differs otherwise keeps its columns: the edit made
        there is checked against the text it expects, and refused if the place is wrong.
        """
        index = min(first + where.line - 1, len(self.line_starts) - 1)
        start = self.line_starts[index]
        following = NEWLINE.search(self.text, start)
        real = self.text[start : following.start() if following else len(self.text)]
        generated = lines[where.line - 1]
        shift = len(real) - len(generated) if real != generated and real.endswith(generated) else 0
        return start + shift + where.column
