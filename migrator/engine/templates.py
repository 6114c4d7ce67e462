"""URL templates: what a string expression evaluates to, as far as analysis can see.

A template is a tuple of parts. `Lit` is literal text; when the text is a verbatim slice of a
source file, `origin` says where (file key, character offset), so a match inside it can be
fixed in place. `Hole` is a value analysis cannot see (a parameter, a call); a `shared` hole names a value set
outside the code (an environment variable, an Airflow Variable or Connection), which the project's
configuration files may define. `Ref` is a name imported from another module, resolved once every
module has been analysed. `url_join` evaluates `urllib.parse.urljoin` on templates.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.lazy_re import lazy


@dataclass(frozen=True)
class Lit:
    """Text the analysis knows, and where it was written."""

    text: str
    origin: Optional[tuple] = None  # (file key, offset of text[0]); None if not verbatim
    # Module-level names the text was reached through, outermost last: (key, start, end, name).
    via: tuple = ()
    # A value joined from parts of one expression (`"iam", "v1beta1"`, `{GROUP}/{VER}`): (the source
    # text at `origin`, what replaces that text for the value to read `v1`). None: `text` is the source.
    spelled: Optional[tuple] = None


@dataclass(frozen=True)
class Hole:
    """A part of a value the analysis cannot know."""

    label: str = ""


@dataclass(frozen=True)
class Ref:
    """A name another module defines: resolved across modules when they are linked."""

    module: str
    name: str



HOLE_CHAR = "\x00"  # stands for a Hole when a template is flattened to text


def concat(*templates: tuple) -> tuple:
    return tuple(part for template in templates for part in template)


def index_at(starts: list, offset: int) -> int:
    """The index of the last of the sorted `starts` at or before `offset` (0 before the first):
    which piece of a flattened text, or which line or cell, holds `offset`."""
    return max(0, bisect.bisect_right(starts, offset) - 1)


def flatten(template: tuple) -> str:
    """The template as text, every Hole or Ref one HOLE_CHAR."""
    return "".join(p.text if isinstance(p, Lit) else HOLE_CHAR for p in template)


def holds_base(template: tuple, hosts: Optional[tuple] = None) -> bool:
    """Literal text that can be (part of) an Astro URL: a deprecated version segment or an Astro
    API host (`hosts`: the table's and `extra-hosts`; None: the table's)."""
    facts = ruletable.facts()
    words = tuple(w.lower() for w in facts.versions + (facts.hosts if hosts is None else hosts))
    return any(isinstance(p, Lit) and any(w in p.text.lower() for w in words) for p in template)


SHARED = "$"  # the label of a shared hole starts with it: "$env:ASTRO_URL", "$variable:astro_url"


def shared(kind: str, name: str) -> Hole:
    """A value set outside the code: kind "env", "variable" or "connection"."""
    return Hole(f"{SHARED}{kind}:{name}")


def shared_name(part) -> Optional[tuple]:
    """(kind, name) of a shared hole, else None."""
    if isinstance(part, Hole) and part.label.startswith(SHARED) and ":" in part.label:
        kind, _, name = part.label[1:].partition(":")
        return kind, name
    return None


def sub_literal(lit: Lit, start: int, end: int) -> Lit:
    if lit.spelled is not None:  # a joined value is fixed whole or not at all
        return lit if (start, end) == (0, len(lit.text)) else Lit(lit.text[start:end], None, lit.via)
    origin = None if lit.origin is None else (lit.origin[0], lit.origin[1] + start)
    return Lit(lit.text[start:end], origin, lit.via)


def reached_via(template: tuple, reference: tuple) -> tuple:
    """`template` as seen through a name reference (key, start, end, name)."""
    return tuple(replace(p, via=p.via + (reference,)) if isinstance(p, Lit) else p for p in template)


def compact(template: tuple) -> tuple:
    """`template` with adjacent literals merged where they are one run of the same source text."""
    out: list = []
    for part in template:
        last = out[-1] if out else None
        if isinstance(part, Lit) and isinstance(last, Lit) and _continues(last, part):
            out[-1] = Lit(last.text + part.text, last.origin, last.via)
        else:
            out.append(part)
    return tuple(out)


def _continues(left: Lit, right: Lit) -> bool:
    if left.via != right.via or left.spelled is not None or right.spelled is not None:
        return False
    if left.origin is None or right.origin is None:
        return left.origin is None and right.origin is None
    return left.origin[0] == right.origin[0] and left.origin[1] + len(left.text) == right.origin[1]


def cut(template: tuple, index: int) -> tuple:
    """(left, right): `template` split at offset `index` of its flat text (a hole is one character)."""
    left, right, offset = [], [], 0
    for part in template:
        size = len(part.text) if isinstance(part, Lit) else 1
        if offset + size <= index:
            left.append(part)
        elif offset >= index:
            right.append(part)
        else:  # only a literal is cut
            left.append(sub_literal(part, 0, index - offset))
            right.append(sub_literal(part, index - offset, size))
        offset += size
    return tuple(left), tuple(right)


PERCENT_FIELD = lazy(r"%%|%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdirfxXeEgGcaou]")
BRACE_FIELD = lazy(r"\{\{|\}\}|\{([^{}]*)\}")
DOLLAR_FIELD = lazy(r"\$\$|\$(?:(\w+)|\{(\w+)\})")  # string.Template


def fill_fields(template: tuple, pattern: re.Pattern, substitute) -> tuple:
    """Replace the format fields of a template's literals with what `substitute` gives.

    `substitute(match)` returns the replacement template for one field. `%%`, `{{`, `}}` and `$$`
    become single characters (no longer verbatim source, so they lose their origin).
    """
    out = []
    for part in template:
        if not isinstance(part, Lit):
            out.append(part)
            continue
        pos = 0
        for match in pattern.finditer(part.text):
            if match.start() > pos:
                out.append(sub_literal(part, pos, match.start()))
            token = match.group(0)
            if token in ("%%", "{{", "}}", "$$"):
                out.append(Lit(token[0]))
            else:
                out.extend(substitute(match))
            pos = match.end()
        if pos < len(part.text):
            out.append(sub_literal(part, pos, len(part.text)))
    return tuple(out)
