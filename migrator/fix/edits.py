"""Edits on a text: where they act, whether two collide, whether their span holds what the
analysis saw, and the text once they are applied."""
from __future__ import annotations

from typing import Iterable, Optional

from migrator.engine.findings import Edit


class Conflict(ValueError):
    """Edits that overlap: applying both would be ambiguous."""


def span(edit: Edit) -> tuple:
    """(start, end) where `edit` acts. An insertion acts at its end: a notebook's insertion,
    moved from a cell's text to the raw JSON, starts on the next line but ends on its own."""
    return (edit.end, edit.end) if edit.inserts else (edit.start, edit.end)


def overlap(one: Edit, other: Edit) -> bool:
    (a, b), (c, d) = span(one), span(other)
    if a == b and c == d:
        return a == c  # two insertions at one place: their order would be a guess
    if a == b:
        return c < a < d
    if c == d:
        return a < c < b
    return a < d and c < b


def collides(edits: Iterable[Edit], taken: list) -> bool:
    return any(overlap(edit, other) for edit in edits for other in taken)


def misplaced(text: str, edit: Edit, slashes_escaped: bool = False) -> Optional[str]:
    """Why `edit` cannot act on `text` (its span does not hold its expected text), or None.

    `slashes_escaped`: the text is JSON, where `\\/` reads as `/`.
    """
    if edit.expected is None:
        return "the fix does not say what text it replaces"
    start, end = span(edit)
    if not 0 <= start <= end <= len(text):
        return "its place is outside the file"
    found = text[start:end]
    if found == edit.expected or (slashes_escaped and found.replace("\\/", "/") == edit.expected):
        return None
    return f"the text at its place is {found[:40]!r}, not {edit.expected[:40]!r} as analysed"


def apply(text: str, edits: Iterable[Edit]) -> str:
    """`text` with `edits` applied; raises `Conflict` when two of them overlap."""
    ordered = sorted(edits, key=span)
    out, pos = [], 0
    for index, edit in enumerate(ordered):
        start, end = span(edit)
        if start < pos or (index and overlap(ordered[index - 1], edit)):
            raise Conflict("two edits overlap")
        out.append(text[pos:start])
        out.append(edit.content)
        pos = end
    out.append(text[pos:])
    return "".join(out)
