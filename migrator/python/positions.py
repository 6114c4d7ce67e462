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
        self._lines: dict = {}  # id(unit) -> (index of its first line in `text`, its code's lines)
        self.line_starts = [0] + [m.end() for m in NEWLINE.finditer(text)]

    @property
    def units(self) -> dict:
        """id(unit) -> (offset of its first character, the module of it alone, its length)."""
        if self._units is None:
            self._units, self.order = self._cut()
        return self._units

    def _cut(self) -> tuple:
        """Units located by line: LibCST's code for a node can lack characters of the text (a
        form feed at the start of a line, and the spaces before it), so lengths do not add up."""
        module = self.module
        units = {}
        line = 0
        pieces = [(module.header, module.with_changes(body=[], footer=[]))]
        pieces += [(s, module.with_changes(body=[s], header=[], footer=[])) for s in module.body]
        pieces += [(module.footer, module.with_changes(body=[], header=[]))]
        for unit, alone in pieces:
            nodes = unit if isinstance(unit, (list, tuple)) else [unit]
            code = "".join(module.code_for_node(n) for n in nodes)
            lines = NEWLINE.split(code)
            last = min(line + len(lines) - 1, len(self.line_starts) - 1)
            start = self.line_starts[min(line, last)]
            if not code:
                end = start
            else:
                end = self.line_starts[last] if code.endswith(("\n", "\r")) else len(self.text)
            units[id(unit)] = (start, alone, max(end, start) - start)
            self._lines[id(unit)] = (line, lines)
            line = last
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
        _, alone, _ = self.units[unit]
        first, lines = self._lines[unit]
        ranges = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        for node, where in ranges.items():
            if where.end.line > len(lines):  # the module of the unit alone, not a node of it
                continue
            self.spans[id(node)] = (self._offset(first, lines, where.start), self._offset(first, lines, where.end))

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
