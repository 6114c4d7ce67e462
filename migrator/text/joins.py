"""v1beta1 bases the text assembles from parts: `"$HOST/platform/$VER"`, `path.Join(host, "iam",
"v1beta1")`, `[HOST, GROUP, VER].join("/")`, `${ASTRO_API}/v1beta1/…` where the base ends in its
api, `${VER:-v1beta1}`.

An expression (a word, a concatenation, a join call) is read as pieces, each tied to the source
span it stands for; a name assigned in the same file is replaced by its value, read the same way
(a value that is just an api or a version word stands for the name where it is read). A base
found across pieces gets edits so that the joined value is the v1 URL:
- api and version side by side (`platform/$VER`, `"iam", "v1beta1"`): one edit to `v1`;
- the api at the end of a piece (a base `…/platform`, an argument), the version after it: the
  api becomes `v1` where it is written, the version goes with its separator;
anything else is reported without a fix, with the reason.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Edit, Finding
from migrator.engine.match import AFTER_OK, BaseMatch, classify, read_path
from migrator.engine.templates import HOLE_CHAR, Lit, index_at
from migrator.text import prefixes
from migrator.text.pieces import Piece, expressions, scalar
from migrator.text.tokens import OPERAND_RE, defined_name, label_name, rest_of_line, syntax

DEFAULTED = re.compile(r"^\$\{(\w+):?[-=]([^{}]*)\}$")  # ${VER:-v1beta1}
DEPTH = 3  # names defined through names, at most
PLAIN_NAME = re.compile(r"[$@]?([A-Za-z_]\w*)")
# A function's parameter list: a name assigned in the file may be shadowed inside it.
PARAMETERS = re.compile(r"\b(?:function|def|fn|func|fun|sub)\b[^\n(]*\(([^()\n]*)\)")
CLOSING = re.compile(r"[\"'`]")  # a string's closing quote
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# Shell commands that bind a name without `NAME=`: `for VER in`, `read -r VER`, `printf -v VER`, and
# `export VER`, `local VER`, `declare -x VER` (their `NAME=…` words are ASSIGNED's).
LOOPED = re.compile(r"\b(?:for|select)[ \t]+([A-Za-z_]\w*)[ \t]+in\b|\bprintf[ \t]+-v[ \t]*([A-Za-z_]\w*)")
COMMAND = re.compile(r"(?<![\w.-])(?:read|export|local|declare|typeset|readonly)\b([^\n;|&<>()]*)")
# NAME=…, NAME := …, NAME ?= …, NAME: …, $name = …
ASSIGNED = re.compile(r"(?<![\w.-])[$@]?([A-Za-z_][\w-]*)[\"']?[ \t]*(:=|\+=|\?=|=(?!=)|:(?=\s))")


@dataclass(frozen=True)
class Joined:
    """A base found across pieces. Its match's literal is the source text the fix replaces with
    `content`; `edits` go with it; `problem` makes the fix unsafe; `unfixable` means no fix."""

    match: BaseMatch
    start: int  # the expression's span
    end: int
    content: str = ""  # the base edit's new text, when not the plain `v1`
    edits: tuple = ()
    problem: str = ""
    unfixable: str = ""

    @property
    def origin(self) -> int:
        assert self.match.lit.origin is not None  # every joined literal is source text
        return self.match.lit.origin[1]


def find(text: str, flavor: str, key: str, table, host_re) -> list:
    """Every base assembled from parts in `text`, as `Joined`."""
    if not _version_apart(text):
        return []
    found = []
    exprs = expressions(text, flavor)
    values = _assignments(text, exprs, flavor)
    for expr in exprs:
        pieces = _expand(expr.pieces, values, DEPTH)
        flat = "".join(HOLE_CHAR if p.hole else p.text for p in pieces)
        bounds = _bounds(pieces)
        for marker in table.marker.finditer(flat):
            first, last = index_at(bounds, marker.start()), index_at(bounds, marker.end() - 1)
            if marker.group(0) not in table.base_map or (first == last and pieces[first].verbatim):
                continue  # one literal: the token pass reads it
            kind = classify(flat[: marker.start()], host_re)
            if kind is None or not AFTER_OK.match(flat, marker.end()):
                continue
            read = read_path(flat[marker.end() :] + _tail(text, expr.end, flavor), marker.group(1), table)
            bare = kind == "path" and not read[2] and flat[: marker.start()].strip("/") == ""
            if bare and not prefixes.astro_context(text, expr.start, flavor, table):
                continue  # `platform/v1beta1` alone: another API's, but where the text names Astro
            found.append(_joined(text, key, expr, pieces, bounds, marker, kind, read))
    return found


def _tail(text: str, end: int, flavor: str) -> str:
    """What goes on after an expression ending at `end`: the rest of its line; where its string
    closes, or its call or array does (`path.Join(…)`, `"path": […]`), only what is concatenated
    onto it (`"…/organizations/${org}/" + "alerts"`): a string's text, anything else a hole (the
    URL goes on out of sight)."""
    line = rest_of_line(text, end)
    closed = text[end - 1 : end] in (")", "]")
    closing = CLOSING.match(line)
    operators = syntax(flavor).language.concat
    if not operators or not (closed or closing):
        return "" if closed else line
    operator = re.compile(rf"\s*(?:{'|'.join(map(re.escape, operators))})\s*")
    rest, out = line[closing.end() if closing and not closed else 0 :], ""
    while found := operator.match(rest):
        operand = OPERAND_RE.match(rest, found.end())
        if operand is None:
            return out + HOLE_CHAR
        value = operand.group(0)
        out += value[1:-1] if value[0] in "\"'`" else HOLE_CHAR
        rest = rest[operand.end() :]
    return out if out or closed else line


@functools.lru_cache(maxsize=None)
def _apart_pattern() -> re.Pattern:
    facts = ruletable.facts()
    behind = "".join(f"(?<!{re.escape(api)}/)" for api in sorted({base.api for base in facts.bases}))
    return re.compile(behind + "(?:" + "|".join(map(re.escape, facts.versions)) + ")")


def _version_apart(text: str) -> bool:
    """The cheap first look: a base can be assembled from parts only where a version word stands
    apart from an api (`VER=v1beta1`, `"/platform" + "/v1beta1"`, `"iam", "v1beta1"`)."""
    return _apart_pattern().search(text) is not None


def _assignments(text: str, exprs: list, flavor: str) -> dict:
    """name -> (offsets, expressions) it is assigned in this file, in order; a name whose value may be
    another one where it is read (assigned again, a function's parameter, set with `?=`) carries
    a note on each piece."""
    values: dict = {}
    for expr in exprs:
        name = defined_name(text, expr.start, flavor)
        if name:
            values.setdefault(name, []).append(expr)
    if not values:
        return values
    parameters = {word for found in PARAMETERS.finditer(text) for word in IDENTIFIER.findall(found.group(1))}
    assigned = Counter(found.group(1) for found in ASSIGNED.finditer(text)) + _bound(text)
    conditional = {found.group(1) for found in ASSIGNED.finditer(text) if found.group(2) == "?="}
    for name in values:
        if name in parameters:
            note = f"`{name}` is also a function's parameter, whose value is the caller's"
        elif len(values[name]) > 1 or assigned[name] > 1:
            note = f"`{name}` is assigned more than once in this file"
        elif name in conditional:
            note = f"`{name}` is set with `?=`: the environment or the command line may give another value"
        else:
            continue
        values[name] = [replace(e, pieces=tuple(replace(p, note=p.note or note) for p in e.pieces))
                        for e in values[name]]
    return {name: ([e.start for e in exprs], exprs) for name, exprs in values.items()}


def _bound(text: str) -> Counter:
    """How often each name is bound by a shell command other than `NAME=…`: every plain word of a
    `read`, `export`, `local`… may be a name it binds (an option's argument too: unknown is unsafe)."""
    names = [name for found in LOOPED.finditer(text) for name in found.groups() if name]
    names += [word for found in COMMAND.finditer(text) for word in found.group(1).split() if IDENTIFIER.fullmatch(word)]
    return Counter(names)


def _expand(pieces: tuple, values: dict, depth: int) -> list:
    """`pieces` with every name assigned in the file replaced by its value's pieces."""
    out: list = []
    for piece in pieces:
        if not piece.hole:
            out.append(piece)
            continue
        out.extend(_value_of(piece, values, depth) or [piece])
    return out


def _value_of(piece: Piece, values: dict, depth: int) -> Optional[list]:
    """The pieces a hole stands for: the value of the name it reads, or a shell default."""
    if piece.outer:  # an argument or operand: a plain name (`ver`, `$version`), not `cfg.version`
        plain = PLAIN_NAME.fullmatch(piece.text)
        name = plain.group(1) if plain else None
    else:
        name = label_name(piece.text)
    defaulted = DEFAULTED.match(piece.text)
    note = ""
    if name in values and depth > 0:
        starts, assigned = values[name]  # in order of position: the nearest before the read, else the first
        value = assigned[max(bisect.bisect_left(starts, piece.start) - 1, 0)]
        pieces = _expand(value.pieces, values, depth - 1)
    elif defaulted:
        note = f"`{name}` from the environment takes the place of `{defaulted.group(2)}`"
        offset = piece.start + defaulted.start(2)
        pieces = [Piece(defaulted.group(2), offset, offset + len(defaulted.group(2)), True, piece.site)]
    else:
        return None
    rendered = "".join(p.text for p in pieces)
    if scalar(rendered) and not any(p.hole for p in pieces):  # stands for the name where it is read
        notes = "; ".join(filter(None, [note] + [p.note for p in pieces]))
        return [replace(piece, text=rendered, hole=False, note=notes)]
    return [replace(p, note=p.note or note) for p in pieces]


def _bounds(pieces: list) -> list:
    """Where each piece starts in the flattened text (a hole is one character)."""
    bounds, position = [], 0
    for piece in pieces:
        bounds.append(position)
        position += 1 if piece.hole else len(piece.text)
    return bounds


@dataclass(frozen=True)
class Span:
    """Source text standing for part of the joined text; `opens`/`closes`: it starts/ends outside
    a string (at a whole argument or operand), so text put there must open/close its own."""

    start: int
    end: int
    opens: bool = False
    closes: bool = False


def _span(pieces: list, bounds: list, start: int, end: int, whole_strings: bool = False) -> Optional[Span]:
    """The source span that stands for flat[start:end], or None when no one span does: pieces
    written apart, or a cut inside a value the text stands for elsewhere. `whole_strings`: a cut
    that reaches a string's quote takes the quote (what replaces it then balances the quotes)."""
    first, last = index_at(bounds, start), index_at(bounds, end - 1)
    spans, edges = [], []
    for index in range(first, last + 1):
        piece = pieces[index]
        size = 1 if piece.hole else len(piece.text)
        cut_start, cut_end = max(start - bounds[index], 0), min(end - bounds[index], size)
        if cut_start == 0 and cut_end == size:
            spans.append(piece.span)
            edges.append((bool(piece.outer), bool(piece.outer)))
        elif piece.verbatim:
            low, high = piece.start + cut_start, piece.start + cut_end
            opens = whole_strings and bool(piece.outer) and cut_start == 0
            closes = whole_strings and bool(piece.outer) and cut_end == size
            spans.append((piece.outer[0] if opens else low, piece.outer[1] if closes else high))
            edges.append((opens, closes))
        else:
            return None
    after = last + 1  # `platform/"$VER"`: the span takes the marks that restore its quote state
    while _state_after(pieces[last]) != pieces[first].inside and after < len(pieces) and _mark(pieces[after]):
        spans.append(pieces[after].span)
        edges.append((False, False))
        last, after = after, after + 1
    if _state_after(pieces[last]) != pieces[first].inside:
        return None
    if any(a[1] != b[0] for a, b in zip(spans, spans[1:])):
        return None
    return Span(spans[0][0], spans[-1][1], edges[0][0], edges[-1][1])


def _operator(piece: Piece) -> bool:
    """The operator between two operands (it stands for nothing in the joined text)."""
    return piece.text == "" and not piece.quote and not piece.hole and not piece.outer


def _mark(piece: Piece) -> bool:
    return bool(piece.quote) and not piece.outer


def _state_after(piece: Piece) -> str:
    if not _mark(piece):
        return piece.inside
    return "" if piece.inside else piece.quote


def _rejoined(pieces: list, whole: Span) -> Optional[str]:
    """`v1` in place of `whole`, with the quotes that keep every string well formed: one it opens
    closes where the last string closed, one it closes opened where the first did; None when the
    edit would end a string with a quote it did not start with (`'…/platform' + "/v1beta1…"`)."""
    opened = "" if whole.opens else _string_quote(pieces[0])
    closed = "" if whole.closes else _string_quote(pieces[-1])
    if opened and closed and opened != closed:
        return None
    quote = opened or closed or next((p.quote for p in pieces if p.quote), '"')
    return f"{quote * whole.opens}{ruletable.facts().v1}{quote * whole.closes}"


def _string_quote(piece: Piece) -> str:
    """The quote of the string argument or operand `piece` is ("" for a name or a word's part)."""
    return piece.quote if piece.outer and not piece.hole else ""


def _joined(text, key, expr, pieces, bounds, marker, kind, read) -> Joined:
    api = marker.group(1)
    first, last = index_at(bounds, marker.start()), index_at(bounds, marker.end() - 1)
    notes = "; ".join(dict.fromkeys(p.note for p in pieces[first : last + 1] if p.note))
    path, query, operations = read

    def match(span: Span) -> BaseMatch:
        return BaseMatch(kind, api, Lit(text[span.start : span.end], (key, span.start)), 0, span.end - span.start,
                         path.replace(HOLE_CHAR, "{…}"), query, () if kind == "spec" else operations)

    def joined(span: Span, **how) -> Joined:
        return Joined(match(span), expr.start, expr.end, **how)

    whole = _span(pieces, bounds, marker.start(), marker.end(), whole_strings=True)
    content = whole and _rejoined(pieces[first : last + 1], whole)
    if whole and content is not None and len({p.site for p in pieces[first : last + 1]}) == 1:  # one edit
        return joined(whole, content=content if content != ruletable.facts().v1 else "", problem=notes)
    group_end = marker.start() + len(api)
    group = _span(pieces, bounds, marker.start(), group_end)
    rest = _span(pieces, bounds, group_end, marker.end())
    apart = any(p.text == "" and not p.quote for p in pieces[index_at(bounds, group_end) : last + 1])  # operators
    if group is None or rest is None or apart or not index_at(bounds, group_end - 1) < index_at(bounds, group_end):
        return joined(group or rest or Span(*pieces[last].span),
                      unfixable="the base's parts are written where no edit can join them: rewrite it by hand")
    problem = notes
    definition = pieces[first].site
    if definition != expr.start and pieces[index_at(bounds, group_end)].site == expr.start:
        name = defined_name(text, definition) or "the name"
        problem = "; ".join(filter(None, (notes, f"`{name}` changes for every reader of it, and other files, "
                                                 "scripts and steps may read it and add their own version")))
    before = pieces[index_at(bounds, group_end) - 1]
    if rest.opens and rest.closes and _operator(before):  # whole operands: `BASE + "/v1beta1"` -> `BASE`
        rest = replace(rest, start=before.start)
    removal = Edit(rest.start, rest.end, "", text[rest.start : rest.end])
    return joined(group, edits=(removal,), problem=problem)


def adjust(finding: Finding, found: Optional[Joined]) -> Finding:
    """A finding `judge` made for a joined base, with the base edit `found` needs (or no fix)."""
    if found is None or finding.fix is None:
        return finding
    if found.unfixable:
        return replace(finding, fix=None, message=f"{finding.message}. No fix: {found.unfixable}")
    if not found.content:
        return finding
    edits = tuple(replace(e, content=found.content) if e.start == found.origin and e.expected == found.match.lit.text
                  else e for e in finding.fix.edits)
    return replace(finding, fix=replace(finding.fix, edits=edits))
