"""Where a v1beta1 base is spelled in the source, and the edits that make it read `v1`.

A base inside one literal is replaced where it stands. A base one expression joins from parts
(`"iam", "v1beta1"`, `{GROUP}/{VERSION}`: a `spelled` literal, see `python.joins`) is replaced as
the source spells it. A base joined from literals of several places (`ASTRO_API = "…/platform"`
then `f"{ASTRO_API}/v1beta1/…"`) is fixed piece by piece: the first piece becomes `v1`, the others
go, so the joined text reads `v1`; every other read of a piece defined elsewhere sees the change,
so each one is a caveat. Parts without a place in the source (a `%` or `.format` value, a value
built at run time) leave the base to be rewritten by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Edit
from migrator.engine.match import BaseMatch

BY_HAND = ("the version is joined from values the fix cannot reach (a `%`/`.format` argument, a choice, a name of "
           "another file or scope): rewrite the parts by hand so the URL reads `/{v1}/`")


@dataclass(frozen=True)
class Spot:
    """The base as the source spells it: the first piece for a base of several places."""

    key: str
    offset: int
    text: str


def spot(match: BaseMatch) -> Optional[Spot]:
    """Where the finding about `match` points; None when no piece of it is in the source."""
    lit = match.lit
    if lit.origin is None:
        return None
    if lit.spelled is not None:
        return Spot(lit.origin[0], lit.origin[1], lit.spelled[0])
    return Spot(lit.origin[0], lit.origin[1] + match.start, lit.text[match.start : match.end])


def edits(match: BaseMatch) -> tuple:
    """(edits, why not): the edits that make the base read `v1`, all in the file of its spot."""
    v1 = ruletable.facts().v1
    found = spot(match)
    if found is None:
        return (), BY_HAND.format(v1=v1)
    if match.lit.spelled is not None:
        return (Edit(found.offset, found.offset + len(found.text), match.lit.spelled[1], found.text),), ""
    if not match.pieces:
        return (Edit(found.offset, found.offset + len(found.text), v1, found.text),), ""
    out = []
    for index, (lit, start, end) in enumerate(match.pieces):
        if lit.origin is None or lit.spelled is not None or lit.origin[0] != found.key:
            return (), BY_HAND.format(v1=v1)
        text = lit.text[start:end]
        out.append(Edit(lit.origin[1] + start, lit.origin[1] + end, "" if index else v1, text))
    return tuple(out), ""


def defined_pieces(match: BaseMatch, key: str, use_start: int, use_end: int) -> list:
    """(literal, start, end) of the pieces defined outside the use at `key`[use_start:use_end] (a
    name's value): a fix changes them for every read of that name."""
    return [
        (lit, start, end)
        for lit, start, end in match.pieces
        if lit.origin is not None and not (lit.origin[0] == key and use_start <= lit.origin[1] + start < use_end)
    ]


def unfollowed_piece_reads(verdicts: dict, unfollowed: list, locate) -> dict:
    """(file key, offset) -> why a fix of a base joined from pieces is unsafe: a piece it changes
    (`ASTRO_API = "…/platform"`, `VER = "v1beta1"`) is also read where analysis cannot follow it
    (a star import, a module imported or names read by string): that read may add `/alerts`."""
    caveats: dict = {}
    for origin, group in verdicts.items():
        pieces = {lit.origin: lit.text for v in group for lit, _, _ in defined_pieces(v.match, v.key, v.start, v.end)}
        for template, _, key, start, _, why in unfollowed:
            for part in template:
                if getattr(part, "origin", None) in pieces:
                    caveats.setdefault(origin, []).append(
                        f"{locate(key, start)}: {why}, and reads the `{pieces[part.origin]}` the fix changes")
    return caveats


def group_edits(matches: list) -> tuple:
    """(edits, why not) for every match of one spot: each call may add pieces of its own."""
    out: dict = {}
    for match in matches:
        found, why = edits(match)
        if why:
            return (), why
        out.update(dict.fromkeys(found))
    return tuple(out), ""
