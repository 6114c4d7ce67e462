"""Fixes to a notebook go through its cells: an edit located in the raw JSON is moved into its
cell's source text, applied there, and the cell's text is written back as source strings
(an inserted line becomes a new string of the `source` list), never spliced into the JSON."""
from __future__ import annotations

import functools
import re
from collections import defaultdict
from typing import Iterable, Optional

from migrator.engine.findings import Edit
from migrator.fix import edits as text_edits
from migrator.text.notebook import SourceMap, Unplaceable

LINE = re.compile(r"[^\n]*\n|[^\n]+")


@functools.lru_cache(maxsize=8)
def _sources(raw: str) -> SourceMap:
    """The notebook's source map; planning asks for it once per edit of the same text."""
    return SourceMap(raw)


def _in_cell(sources: SourceMap, edit: Edit) -> tuple:
    """(cell, the edit in that cell's text); raises `Unplaceable`."""
    start, end = text_edits.span(edit)
    cell, first = sources.locate(start)
    other, last = sources.locate(end) if end != start else (cell, first)
    if other != cell:
        raise Unplaceable("it spans two cells")
    content = edit.content
    text = sources.text(cell)
    if edit.inserts and first == len(text) and text and not text.endswith("\n") and content.endswith("\n"):
        content = "\n" + content[:-1]  # after a last line that has no newline of its own
    return cell, Edit(first, last, content, edit.expected)


def misplaced(raw: str, edit: Edit) -> Optional[str]:
    """Why `edit` (raw offsets) cannot act on the notebook `raw`, or None."""
    try:
        sources = _sources(raw)
        cell, moved = _in_cell(sources, edit)
    except (Unplaceable, ValueError) as error:
        return f"the edit is not inside one cell's source ({error})"
    return text_edits.misplaced(sources.text(cell), moved)


def apply(raw: str, edits: Iterable[Edit]) -> str:
    """The notebook `raw` with `edits` applied cell by cell; raises `Unplaceable`, `Conflict`."""
    sources = _sources(raw)
    by_cell: dict = defaultdict(list)
    for edit in edits:
        cell, moved = _in_cell(sources, edit)
        by_cell[cell].append(moved)
    lines_of = {
        cell: LINE.findall(text_edits.apply(sources.text(cell), moved)) for cell, moved in by_cell.items()
    }
    return sources.rewritten(lines_of)
