"""A call whose v1 path is not its v1beta1 path: the segments to rewrite beside the base.

The rule table gives every operation's v1 path. Where it differs from the v1beta1 path, moving
the base alone would send the call to a path v1 does not serve, so the fix also rewrites the
path's literal segments, each where the source holds it. A segment that is not literal source
text (a value the code computes) cannot be rewritten: the fix is then not safe.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from migrator.engine.findings import Edit
from migrator.engine.match import BaseMatch, narrow
from migrator.engine.templates import HOLE_CHAR, Lit

PATH_END = re.compile(r"[?#\s\"'`)\],;>\\|]")


@dataclass(frozen=True)
class PathRewrite:
    edits: tuple = ()  # the segment edits the fix makes beside the base
    problem: str = ""  # why the path cannot be rewritten (then no safe fix)


NONE = PathRewrite()


def path_rewrite(template: tuple, match: BaseMatch, method: Optional[str]) -> PathRewrite:
    """How the path after `match` in `template` changes on v1 (NONE when it does not)."""
    operations = narrow(match.operations, method)
    changed = [op for op in operations if op.v1 is not None and op.v1 != op.path]
    if not changed:
        return NONE
    if len(operations) != 1:
        return PathRewrite(problem=f"v1 moved {changed[0].operation_id} to `{changed[0].v1}`, and the call may be "
                                   "another operation: check the path by hand")
    op = operations[0]
    wanted = op.v1.strip("/").split("/")
    pieces = _segments(template, match)
    if pieces is None or len(pieces) != len(op.segments) or len(wanted) != len(op.segments):
        return PathRewrite(problem=f"v1 serves {op.operation_id} at `{op.v1}`, a path of another shape: rewrite it "
                                   "by hand")
    edits = []
    for (text, start), old, new in zip(pieces, op.segments, wanted):
        if old == new or (old.startswith("{") and new.startswith("{")):
            continue
        if start is None:
            return PathRewrite(problem=f"v1 serves {op.operation_id} at `{op.v1}`, and the segment `{text}` is "
                                       "not literal text here")
        edits.append(Edit(start, start + len(text), new, text))
    return PathRewrite(tuple(edits))


def _segments(template: tuple, match: BaseMatch) -> Optional[list]:
    """(text, source offset or None) of each path segment after the base in `template`."""
    chars: list = []  # (character, source offset or None) of the template after the base
    seen = False
    for part in template:
        if part is match.lit:
            seen = True
            origin = part.origin[1] if part.origin else None
            for index in range(match.end, len(part.text)):
                chars.append((part.text[index], None if origin is None else origin + index))
        elif seen and isinstance(part, Lit):
            origin = part.origin[1] if part.origin else None
            chars.extend((c, None if origin is None else origin + i) for i, c in enumerate(part.text))
        elif seen:  # a value analysis cannot see
            chars.append((HOLE_CHAR, None))
    if not seen:
        return None
    text = "".join(c for c, _ in chars)
    end = PATH_END.search(text)
    text = text[: end.start()] if end else text
    out, position = [], 0
    for segment in text.split("/"):
        if segment:
            offsets = [chars[position + i][1] for i in range(len(segment))]
            contiguous = None not in offsets and offsets == list(range(offsets[0], offsets[0] + len(segment)))
            out.append((segment, offsets[0] if contiguous and HOLE_CHAR not in segment else None))
        position += len(segment) + 1
    return out
