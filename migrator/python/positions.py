"""Character offsets of LibCST nodes, computed one top-level statement at a time, on demand.

LibCST's PositionProvider generates the whole module's code with positions, which costs more
than parsing it. Analysis needs the positions of a few nodes (the strings that hold a base, the
calls that use them), so only the top-level statements holding those nodes are measured (the
module's leading and trailing comment lines count as units of their own). Where each unit
starts comes from how many lines each one spans (`Layout.counts`): from CPython's tree of the
module (`first_lines`), or for an edited module re-parsed statement by statement (`incremental`)
from the units it kept and the code of the new ones. A unit's code is generated only when it is
measured, and must then match the text where it was placed; where it does not (or where the
counts are unknown) every unit's code is generated and the units are placed by their lines.
"""
from __future__ import annotations

import itertools
from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from migrator.project.source import NEWLINE


class Layout:
    """A module's units (its header, each top-level statement, its footer): how many lines each
    spans where known, the lines of each one's code once generated, and the spans of the nodes
    of each unit measured, relative to the unit's start (a unit kept by an edit keeps its text)."""

    def __init__(self, module: cst.Module, known: Optional["Layout"] = None, lines: Optional[list] = None):
        """`known`: the layout of an earlier module, whose units this one shares where the text
        is unchanged; `lines`: the first line of each top-level statement's unit, then of the
        footer (see `first_lines`)."""
        self.module = module
        self.units = [module.header, *module.body, module.footer]
        ids = {id(unit) for unit in self.units}
        self._lines = {key: lines for key, lines in known._lines.items() if key in ids} if known else {}
        self.relative = {key: spans for key, spans in known.relative.items() if key in ids} if known else {}
        self.counts: Optional[dict] = None  # id(unit) -> the number of lines it spans; None: unknown
        if lines is not None:
            self.counts = {id(module.header): lines[0], id(module.footer): len(module.footer)}
            self.counts.update((id(unit), end - begin) for unit, begin, end in zip(module.body, lines, lines[1:]))
        elif known is not None and known.counts is not None:
            self.counts = self._counted(known.counts)

    def _counted(self, known: dict) -> Optional[dict]:
        counts = {}
        for unit in self.units:
            count = known.get(id(unit))
            if count is None:  # a unit of this module only: its code says
                lines = self.lines(unit)
                if lines[-1] != "":
                    return None
                count = len(lines) - 1
            counts[id(unit)] = count
        return counts

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


def first_lines(module: cst.Module, tree, text: str) -> Optional[list]:
    """The first line (from 0) of each top-level statement's unit, its leading lines included,
    then of the module's footer, from CPython's `tree` of `text`: a statement starts on the line
    CPython gives its first token (a decorated one on its first decorator's, whose `@` must
    start that line). None where the tree and the module might not line up."""
    if tree is None or not module.body or not module.has_trailing_newline:
        return None
    starts = [0] + [match.end() for match in NEWLINE.finditer(text)]
    statements = iter(tree.body)
    found, tokens = [], []  # each unit's first line, and its statement's first token's line
    for statement in module.body:
        taken = list(itertools.islice(statements, len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1))
        if not taken:
            return None
        decorators = getattr(taken[0], "decorator_list", None)
        line = (min(d.lineno for d in decorators) if decorators else taken[0].lineno) - 1
        if not 0 <= line < len(starts) - 1:
            return None
        head = text[starts[line]]
        if (head != "@") if decorators else (head in " \t\f\r\n#@\\"):
            return None
        found.append(line - len(statement.leading_lines))
        tokens.append(line)
    if next(statements, None) is not None:
        return None
    found.append(len(starts) - 1 - len(module.footer))
    if found[0] != len(module.header) or any(after <= token for token, after in zip(tokens, found[1:])):
        return None
    return found


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
        counts, total = self.layout.counts, len(self.line_starts) - 1  # lines the text ends
        if counts is not None and self.text.endswith(("\n", "\r")) and sum(counts[id(u)] for u in self.layout.units) == total:
            return self._counted(counts)
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

    def _counted(self, counts: dict) -> tuple:
        """Units placed by the lines each spans; their code's lines generated when measured."""
        units = {}
        line = 0
        for unit in self.layout.units:
            count = counts[id(unit)]
            start = self.line_starts[line]
            units[id(unit)] = (start, self.line_starts[line + count] - start)
            self._nodes[id(unit)] = unit
            self._lines[id(unit)] = (line, None)
            line += count
        return units, [id(unit) for unit in self.layout.units]

    def fits(self, unit) -> bool:
        """Whether `unit`'s code is the text where it was placed, lines and length (a unit placed
        by its code's lines always is). Where it is not, every unit is placed by its code again."""
        start, size = self.units[id(unit)]
        first, lines = self._lines[id(unit)]
        if lines is not None:
            return True
        lines = self.layout.lines(unit)
        if lines[-1] == "" and self.line_starts[first + len(lines) - 1] - start == size and all(
                _same_line(self._line(first + index), code) for index, code in enumerate(lines[:-1])):
            self._lines[id(unit)] = (first, lines)
            return True
        self.layout.counts = None
        self._units, self.order = self._cut()
        return False

    def _line(self, index: int) -> str:
        """Line `index` of the text, without its newline."""
        start = self.line_starts[index]
        following = NEWLINE.search(self.text, start)
        return self.text[start : following.start() if following else len(self.text)]

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
        self.fits(self._nodes[unit])  # placed by counts: checked against its code now
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


def _same_line(real: str, generated: str) -> bool:
    """Whether LibCST's `generated` line is the text's `real` one, but for the form feeds (and
    the blanks around them) it leaves out at the start of a line."""
    return real == generated or (real.endswith(generated) and not real[: len(real) - len(generated)].strip(" \t\f"))
