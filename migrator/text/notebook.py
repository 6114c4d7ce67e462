"""Jupyter notebooks: code cells through the Python pass, the rest through the text tier.

All code cells form one module (cells share a namespace, so a base defined in cell 1 and used
in cell 3 is judged by that use). Shell lines (`!curl …`, `%env …`) and shell cells
(`%%bash`) are blanked in that module and read by the text tier instead; markdown and raw
cells go to the text tier too. Every finding is located in the raw JSON text, so a fix
rewrites the URL and nothing else (indentation, key order and escapes like `\\/` survive).
Stored outputs are reported (AM106) and never rewritten.
"""
from __future__ import annotations

import bisect
import difflib
import json
import re
from dataclasses import replace
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Finding
from migrator.engine.match import find_bases
from migrator.engine.templates import index_at
from migrator.policy.messages import describe
from migrator.project.filetypes import flavor_of, kind_of
from migrator.project.modules import Resolution
from migrator.project.source import NEWLINE, SourceText
from migrator.text.analyze import relocate, scan
from migrator.text.json_values import JStr, parse, raw_offsets
from migrator.text.tokens import tokens

SHELL_LINE = re.compile(r"^([ \t]*)((?:[\w.]+\s*=\s*)?[!%].*)$", re.MULTILINE)
CELL_MAGIC = re.compile(r"%%(\S+)[ \t]*(\S*)")
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug", "python", "python3"}
MAGIC_FLAVORS = {"bash": "shell", "sh": "shell", "script": "shell", "system": "shell", "!": "shell",
                 "javascript": "js", "js": "js", "markdown": "markdown"}


def _no_imports(module: str, importer: str) -> Resolution:
    """A notebook is judged alone: its imports load nothing the judge can see."""
    return Resolution(module)


class Cell:
    """One cell's source, with the way back from its text to the raw JSON."""

    def __init__(self, number: int, kind: str, lines: list, raw: str):
        self.number = number
        self.kind = kind
        self.lines = lines  # JStr pieces of the source, in order
        self.raw = raw
        self.text = "".join(lines)
        self.starts, total = [], 0
        for line in lines:
            self.starts.append(total)
            total += len(line)
        self._offsets: dict = {}

    def to_raw(self, offset: int, end: bool = False) -> int:
        if not self.lines:
            return 0
        probe = offset - 1 if end and offset > 0 else offset
        index = index_at(self.starts, probe)
        line = self.lines[index]
        if index not in self._offsets:
            self._offsets[index] = raw_offsets(self.raw, line)
        return self._offsets[index][min(offset - self.starts[index], len(line))]

    def context(self, offset: int) -> str:
        return f"cell {self.number}, line {self.text.count(chr(10), 0, offset) + 1}"

    def magic(self) -> Optional[tuple]:
        """(name, argument) of a `%%magic` first line, or None."""
        found = CELL_MAGIC.match(self.text)
        return (found.group(1), found.group(2)) if found else None


class NotANotebook(ValueError):
    """The file is not JSON in the shape of a notebook; the message says where, in one line."""


def _check_cell(number: int, cell) -> None:
    if not isinstance(cell, dict):
        raise NotANotebook(f"cell {number} is not a JSON object")
    if not isinstance(cell.get("cell_type", ""), str):
        raise NotANotebook(f"cell {number}'s `cell_type` is not text")
    for key in ("source", "input"):
        value = cell.get(key, "")
        if not isinstance(value, str) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise NotANotebook(f"cell {number}'s `{key}` is neither text nor a list of text")
    if not isinstance(cell.get("outputs", []), list):
        raise NotANotebook(f"cell {number}'s `outputs` is not a list")


def read(text: str):
    """The notebook document of `text`, its structure checked as far as it is read here (nbformat 4
    `cells`, nbformat 3 `worksheets`); raises `NotANotebook`."""
    try:
        document = parse(text)
    except RecursionError:
        raise NotANotebook("its JSON is nested too deeply to read") from None
    except ValueError as error:
        raise NotANotebook(f"cannot parse the notebook as JSON: {str(error).splitlines()[0]}") from None
    if not isinstance(document, dict):
        raise NotANotebook("the notebook is not a JSON object")
    if "cells" in document:
        cells = document["cells"]
        if not isinstance(cells, list):
            raise NotANotebook("`cells` is not a list")
    else:
        worksheets = document.get("worksheets", [])
        if not isinstance(worksheets, list) or not all(isinstance(w, dict) for w in worksheets):
            raise NotANotebook("`worksheets` is not a list of JSON objects")
        if not all(isinstance(w.get("cells", []), list) for w in worksheets):
            raise NotANotebook("a worksheet's `cells` is not a list")
        cells = [cell for worksheet in worksheets for cell in worksheet.get("cells", [])]
    for number, cell in enumerate(cells, start=1):
        _check_cell(number, cell)
    return document


def analyze(source: SourceText, table, host_re, path: str) -> list:
    """Findings of a notebook; raises `NotANotebook` for one that is not."""
    document = read(source.text)
    cells = _cells(document, source.text)

    def run_text(cell: Cell, view: str, flavor: str) -> list:
        def locate(key, offset):
            return f"{path} {cell.context(offset)}"

        return relocate(scan(view, flavor, table, host_re, path, locate), cell.to_raw, cell.context)

    findings, python = [], []
    for cell, raw_cell in cells:
        findings += _outputs(raw_cell, cell, source.text, table, host_re, path)
        if cell.kind != "code":
            findings += run_text(cell, cell.text, "markdown" if cell.kind == "markdown" else "plain")
            continue
        magic = cell.magic()
        if magic and magic[0] not in PYTHON_CELL_MAGICS and not _writes_python(magic):
            body = _blank_first_line(cell.text)
            flavor = flavor_of(magic[1]) if magic[0] == "writefile" else MAGIC_FLAVORS.get(magic[0], "plain")
            findings += run_text(cell, body, flavor)
            continue
        code = _blank_first_line(cell.text) if magic else cell.text
        shell_view = _only_shell_lines(code)
        if shell_view.strip():
            findings += run_text(cell, shell_view, "shell")
        python.append((cell, SHELL_LINE.sub(lambda m: m.group(1) + _filler(m.group(2)), code)))
    findings += _python(python, table, host_re, path, run_text)
    return findings


def _cells(document, raw: str) -> list:
    """[(Cell, cell dict)] for nbformat 4 (`cells`) and 3 (`worksheets`, `input`)."""
    if not isinstance(document, dict):
        return []
    found = document.get("cells")
    if not isinstance(found, list):
        found = [c for ws in document.get("worksheets") or [] for c in ws.get("cells") or []]
    out = []
    for number, cell in enumerate(found, start=1):
        if not isinstance(cell, dict):
            continue
        lines = cell.get("source", cell.get("input", []))
        lines = [lines] if isinstance(lines, str) else lines
        lines = [line for line in lines if isinstance(line, JStr)] if isinstance(lines, list) else []
        out.append((Cell(number, str(cell.get("cell_type", "code")), lines, raw), cell))
    return out


def _writes_python(magic: tuple) -> bool:
    return magic[0] == "writefile" and kind_of(magic[1] or "x") == "python"


def _blank_first_line(text: str) -> str:
    end = NEWLINE.search(text)
    first = len(text) if end is None else end.start()
    return " " * first + text[first:]


def _filler(line: str) -> str:
    """A Python statement as long as `line`: `0` then spaces."""
    return "0" + " " * (len(line) - 1)


def _only_shell_lines(code: str) -> str:
    """`code` with everything but shell and magic lines turned to spaces (same offsets)."""
    view = [" "] * len(code)
    for found in SHELL_LINE.finditer(code):
        view[found.start(2) : found.end(2)] = found.group(2)
    for newline in NEWLINE.finditer(code):
        view[newline.start() : newline.end()] = newline.group(0)
    return "".join(view)


def _python(cells: list, table, host_re, path: str, run_text) -> list:
    """The code cells as one module through the Python pass; cell by cell if that fails."""
    if not cells:
        return []
    from migrator.policy.link import link
    from migrator.python.analyze import analyze as analyze_python
    from migrator.python.guard import Unparsable

    starts, pieces, total = [], [], 0
    for cell, code in cells:
        piece = code if code.endswith(("\n", "\r")) or not code else code + "\n"
        starts.append(total)
        pieces.append(piece)
        total += len(piece)
    module = "".join(pieces)

    def owner(offset: int) -> tuple:
        index = index_at(starts, offset)
        return cells[index][0], starts[index]

    def locate(key, offset):
        cell, start = owner(offset)
        return f"{path} {cell.context(offset - start)}"

    try:
        facts = analyze_python(path, SourceText(module))
    except Unparsable:
        if len(cells) == 1:
            cell, code = cells[0]
            return run_text(cell, code, "plain")
        return [f for one in cells for f in _python([one], table, host_re, path, run_text)]
    def to_raw(offset: int, end: bool = False) -> int:
        cell, start = owner(offset - 1 if end and offset else offset)
        return cell.to_raw(offset - start, end)

    def context(offset: int) -> str:
        cell, start = owner(offset)
        return cell.context(offset - start)

    findings = [
        # A field fix waits for the base it depends on: that base's place moves to the raw text too.
        replace(f, extra={**f.extra, "base": (f.extra["base"][0], to_raw(f.extra["base"][1]))})
        if f.extra.get("base")
        else f
        for f in link({path: facts}, table, host_re, locate, _no_imports).get(path, [])
    ]
    return relocate(findings, to_raw, context)


def _outputs(raw_cell: dict, cell: Cell, raw: str, table, host_re, path: str) -> list:
    """AM106 for every v1beta1 base a stored output shows: reported, never rewritten."""
    findings = []
    for value in _strings(raw_cell.get("outputs") or []):
        if not any(version in value for version in ruletable.facts().versions):
            continue
        offsets = None
        for use in tokens(value, path):
            for match in find_bases(use.template, table, host_re):
                offsets = offsets or raw_offsets(raw, value)
                start = match.lit.origin[1] + match.start
                findings.append(
                    Finding(
                        "AM106",
                        f"a stored output of cell {cell.number} shows {describe(match)}; outputs are "
                        "never rewritten: re-run the cell once its code is fixed",
                        offsets[start],
                        offsets[start + match.end - match.start],
                        context=f"cell {cell.number}, output",
                    )
                )
    return findings


def _strings(value) -> list:
    if isinstance(value, JStr):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


# -- the edit side: a fix to a cell becomes new source strings of that cell ----------------------


def source_strings(document) -> list:
    """For each cell (nbformat 4 `cells` or 3 `worksheets`), the JStr values of its source."""
    if not isinstance(document, dict):
        return []
    cells = document.get("cells")
    if not isinstance(cells, list):
        worksheets = document.get("worksheets")
        worksheets = worksheets if isinstance(worksheets, list) else []
        cells = [c for ws in worksheets if isinstance(ws, dict) for c in ws.get("cells") or []]
    out = []
    for cell in cells:
        value = cell.get("source", cell.get("input")) if isinstance(cell, dict) else None
        if isinstance(value, JStr):
            out.append([value])
        elif isinstance(value, list):
            out.append([line for line in value if isinstance(line, JStr)])
        else:
            out.append([])
    return out


class Unplaceable(ValueError):
    """An edit that does not fall inside one cell's source text."""


class SourceMap:
    """A notebook's raw JSON and its cells' source texts, both ways.

    `locate` turns a raw offset into (cell, offset in that cell's text); `rewritten` gives the
    raw JSON with some cells' texts replaced, each as source strings in the file's own style:
    unchanged lines keep their raw bytes, new lines use the file's separators, indentation,
    `\\/` and `\\uXXXX` escapes.
    """

    def __init__(self, raw: str):
        self.raw = raw
        self.cells = source_strings(parse(raw))
        self._strings = sorted(
            (line.start, cell, index) for cell, lines in enumerate(self.cells) for index, line in enumerate(lines)
        )
        self._starts = [entry[0] for entry in self._strings]

    def text(self, cell: int) -> str:
        return "".join(self.cells[cell])

    def line_starts(self, cell: int) -> list:
        """Offsets in the cell's text where each source string begins, and the text's end."""
        starts, total = [], 0
        for line in self.cells[cell]:
            starts.append(total)
            total += len(line)
        return starts + [total]

    def locate(self, offset: int) -> tuple:
        """(cell, offset in its text) of a raw offset inside a source string (its closing quote
        included: the end of that line); raises `Unplaceable` elsewhere."""
        index = bisect.bisect_right(self._starts, offset - 1) - 1
        if index < 0:
            raise Unplaceable("outside every cell's source")
        _, cell, line = self._strings[index]
        value = self.cells[cell][line]
        if not value.start < offset < value.end:
            raise Unplaceable("outside every cell's source")
        offsets = raw_offsets(self.raw, value)
        position = bisect.bisect_left(offsets, offset)
        if position == len(offsets) or offsets[position] != offset:
            raise Unplaceable("inside an escape sequence")
        return cell, self.line_starts(cell)[line] + position

    def rewritten(self, lines_of: dict) -> str:
        """The raw JSON with cell `c`'s source strings replaced by `lines_of[c]` (str values)."""
        pieces, pos = [], 0
        for cell in sorted(lines_of, key=lambda c: self.cells[c][0].start):
            old = self.cells[cell]
            pieces.append(self.raw[pos : old[0].start])
            pieces.append(self._encoded(old, lines_of[cell]))
            pos = old[-1].end
        pieces.append(self.raw[pos:])
        return "".join(pieces)

    def _encoded(self, old: list, new: list) -> str:
        if not self.raw[: old[0].start].rstrip().endswith("["):  # the source is one string
            return self._string("".join(new), old[0])
        raws = [self.raw[line.start : line.end] for line in old]
        encoded = []
        matcher = difflib.SequenceMatcher(None, [str(line) for line in old], new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                encoded += raws[i1:i2]
                continue
            for j in range(j1, j2):  # a changed line is written in the style of the line it replaces
                like = old[min(i1 + j - j1, i2 - 1)] if i2 > i1 else old[max(i1 - 1, 0)]
                encoded.append(self._string(new[j], like))
        return self._separator(old).join(encoded)

    def _separator(self, old: list) -> str:
        if len(old) > 1:
            return self.raw[old[0].end : old[1].start]
        opening = self.raw.rfind("[", 0, old[0].start)
        return "," + self.raw[opening + 1 : old[0].start]

    def _string(self, value: str, like: JStr) -> str:
        """`value` as a JSON string written the way `like` is: `\\/` escapes and `\\uXXXX`."""
        original = self.raw[like.start : like.end]
        ascii_only = "\\u" in original and not any(ord(c) > 127 for c in original)
        out = json.dumps(value, ensure_ascii=ascii_only)
        return out.replace("/", "\\/") if "\\/" in original else out
