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

import functools
import re
from dataclasses import dataclass, replace
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.findings import Edit, Finding
from migrator.engine.match import AFTER_OK, BaseMatch, classify, read_path
from migrator.engine.templates import HOLE_CHAR, Lit
from migrator.text.tokens import OPERAND_RE, defined_name, label_name, line_end, syntax

DEFAULTED = re.compile(r"^\$\{(\w+):?[-=]([^{}]*)\}$")  # ${VER:-v1beta1}
ARGUMENT = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'|`([^`\\\n]*)`|([A-Za-z_$][\w$.:]*)")
DEPTH = 3  # names defined through names, at most
GLUED = frozenset({"shell", "yaml", "make", "docker", "env", "just"})  # `"$HOST"/iam/"$VER"` is one word
QUOTE = re.compile(r"[\"']")
# A function's parameter list: a name assigned in the file may be shadowed inside it.
PARAMETERS = re.compile(r"\b(?:function|def|fn|func|fun|sub)\b[^\n(]*\(([^()\n]*)\)")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
ASSIGNED = r"(?<![\w.-]){}[\"']?\s*(?::=|\+=|\?=|=(?!=)|:(?=\s))"  # NAME=…, NAME := …, NAME: …


@dataclass(frozen=True)
class Piece:
    """Part of an expression: `text` stands for source[start:end] (verbatim: is that text)."""

    text: str
    start: int
    end: int
    verbatim: bool
    site: int  # where the expression holding it starts (a use, or a name's definition)
    outer: tuple = ()  # an argument's whole span, quotes included
    quote: str = ""  # an argument's quote character ("" for a name)
    note: str = ""  # why the value it stands for may be another one
    hole: bool = False  # a value the text does not show
    inside: str = ""  # the quote a piece of a shell word sits in (a mark: the one before it)

    @property
    def span(self) -> tuple:
        return self.outer or (self.start, self.end)


@dataclass(frozen=True)
class Expression:
    pieces: tuple
    start: int
    end: int


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
        return self.match.lit.origin[1]


def find(text: str, flavor: str, key: str, table, host_re) -> list:
    """Every base assembled from parts in `text`, as `Joined`."""
    found = []
    exprs = expressions(text, flavor)
    values = _assignments(text, exprs, flavor)
    for expr in exprs:
        pieces = _expand(expr.pieces, values, flavor, DEPTH)
        flat = "".join(HOLE_CHAR if p.hole else p.text for p in pieces)
        bounds = _bounds(pieces)
        for marker in table.marker.finditer(flat):
            first, last = _at(bounds, marker.start()), _at(bounds, marker.end() - 1)
            if marker.group(0) not in table.base_map or (first == last and pieces[first].verbatim):
                continue  # one literal: the token pass reads it
            kind = classify(flat[: marker.start()], host_re)
            if kind is None or not AFTER_OK.match(flat, marker.end()):
                continue
            tail = text[expr.end : line_end(text, expr.end)]
            read = read_path(flat[marker.end() :] + tail, marker.group(1), table)
            found.append(_joined(text, key, expr, pieces, bounds, marker, kind, read))
    return found


def expressions(text: str, flavor: str) -> list:
    """Words, concatenations and join calls of `flavor`'s language that may hold a base's parts."""
    rules = syntax(flavor)
    words = _words(flavor)
    found = [
        Expression(tuple(_pieces(word.group(0), word.start(), word.start(), flavor)), word.start(), word.end())
        for word in words.finditer(text)
        if "/" in word.group(0) or _scalar(word.group(0).strip("\"'`"))
    ]
    for call in rules.chain.finditer(text) if rules.chain else ():
        pieces: list = []
        for operand in OPERAND_RE.finditer(call.group(0)):
            piece = _argument(operand, call.start(), call.start())
            if pieces:  # the operator between two operands: nothing in the joined text
                pieces.append(Piece("", pieces[-1].span[1], piece.span[0], False, call.start()))
            pieces.append(piece)
        found.append(Expression(tuple(pieces), call.start(), call.end()))
    for pattern in _join_patterns(flavor):
        for call in pattern.finditer(text):
            found.append(Expression(_arguments(call, call.start()), call.start(), call.end()))
    for call_pattern, field_pattern in rules.formats:
        for call in call_pattern.finditer(text):
            found.append(Expression(_formatted(call, field_pattern), call.start(), call.end()))
    return found


@functools.lru_cache(maxsize=None)
def _words(flavor: str) -> re.Pattern:
    """The token pattern, with shell expansions that carry a default (`${VER:-v1beta1}`) as one
    piece; where quotes glue words (`"$HOST"/iam/"$VER"`), quotes inside a word."""
    placeholder = _placeholders(flavor).pattern
    quotes = "" if flavor in GLUED else "\"'"
    return re.compile(rf"(?:{placeholder}|[^\s{quotes}`=(,<>\[\]{{}};])+")


@functools.lru_cache(maxsize=None)
def _placeholders(flavor: str) -> re.Pattern:
    return re.compile(rf"\$\{{\w+:?[-=][^{{}}\n]*\}}|{syntax(flavor).placeholder.pattern}")


@functools.lru_cache(maxsize=None)
def _join_patterns(flavor: str) -> tuple:
    return tuple(re.compile(pattern) for pattern in syntax(flavor).language.joins)


@functools.lru_cache(maxsize=1)
def _scalars() -> frozenset:
    """The words a name may hold to stand for part of a base: the apis and their versions."""
    facts = ruletable.facts()
    return frozenset({base.api for base in facts.bases} | set(facts.versions))


def _scalar(value: str) -> bool:
    return value in _scalars()


def _pieces(value: str, offset: int, site: int, flavor: str) -> list:
    """`value` (found at `offset`): literal text verbatim, placeholders as holes, quotes that glue
    shell words as marks that stand for nothing (each piece knows the quote it sits in)."""
    pieces: list = []
    pos, state = 0, ""
    for found in _placeholders(flavor).finditer(value):
        state = _literal(value[pos : found.start()], offset + pos, site, state, pieces)
        pieces.append(Piece(found.group(0), offset + found.start(), offset + found.end(), False, site, hole=True,
                            inside=state))
        pos = found.end()
    _literal(value[pos:], offset + pos, site, state, pieces)
    return pieces


def _literal(value: str, offset: int, site: int, state: str, pieces: list) -> str:
    """Append `value`'s text and quote marks to `pieces`; the quote state after it."""
    pos = 0
    for quote in QUOTE.finditer(value):
        if state and quote.group(0) != state:
            continue  # `"it's"`: a quote inside the other kind is text
        if quote.start() > pos:
            pieces.append(Piece(value[pos : quote.start()], offset + pos, offset + quote.start(), True, site,
                                inside=state))
        pieces.append(Piece("", offset + quote.start(), offset + quote.end(), False, site, quote=quote.group(0),
                            inside=state))
        state = "" if state else quote.group(0)
        pos = quote.end()
    if pos < len(value):
        pieces.append(Piece(value[pos:], offset + pos, offset + len(value), True, site, inside=state))
    return state


def _argument(found: re.Match, offset: int, site: int) -> Piece:
    """One argument or operand: a string (verbatim inside its quotes) or a name (a hole)."""
    start, end = offset + found.start(), offset + found.end()
    value = found.group(0)
    if value[0] in "\"'`":
        return Piece(value[1:-1], start + 1, end - 1, True, site, outer=(start, end), quote=value[0])
    return Piece(value, start, end, False, site, outer=(start, end), hole=True)


def _arguments(call: re.Match, site: int) -> tuple:
    """A join call's arguments (group 1 of `call`), a `/` between each two."""
    pieces: list = []
    for found in ARGUMENT.finditer(call.group(1)):
        piece = _argument(found, call.start(1), site)
        if pieces:
            pieces.append(Piece("/", pieces[-1].span[1], piece.span[0], False, site))
        pieces.append(piece)
    return tuple(pieces)


def _formatted(call: re.Match, field_pattern: re.Pattern) -> tuple:
    """A format call: its string (group 1) verbatim, each field the argument (group 2) it takes."""
    arguments = [_argument(found, call.start(2), call.start()) for found in ARGUMENT.finditer(call.group(2))]
    pieces, pos, offset = [], 0, call.start(1)
    fmt = call.group(1)
    for index, field in enumerate(field_pattern.finditer(fmt)):
        if field.start() > pos:
            pieces.append(Piece(fmt[pos : field.start()], offset + pos, offset + field.start(), True, call.start()))
        wanted = int(field.group(1)) if field.groups() and field.group(1) else index
        if wanted < len(arguments):
            pieces.append(arguments[wanted])
        else:
            pieces.append(Piece(field.group(0), offset + field.start(), offset + field.end(), False, call.start(),
                                hole=True))
        pos = field.end()
    if pos < len(fmt):
        pieces.append(Piece(fmt[pos:], offset + pos, offset + len(fmt), True, call.start()))
    return tuple(pieces)


def _assignments(text: str, exprs: list, flavor: str) -> dict:
    """name -> the expressions it is assigned in this file, in order; a name that is also a
    function's parameter is noted on each (inside that function the caller gives its value)."""
    values: dict = {}
    for expr in exprs:
        name = defined_name(text, expr.start, flavor)
        if name:
            values.setdefault(name, []).append(expr)
    parameters = {word for found in PARAMETERS.finditer(text) for word in IDENTIFIER.findall(found.group(1))}
    for name in values:
        if name in parameters:
            note = f"`{name}` is also a function's parameter, whose value is the caller's"
        elif len(values[name]) > 1 or len(re.findall(ASSIGNED.format(re.escape(name)), text)) > 1:
            note = f"`{name}` is assigned more than once in this file"
        elif re.search(rf"(?<![\w.-]){re.escape(name)}\s*\?=", text):
            note = f"`{name}` is set with `?=`: the environment or the command line may give another value"
        else:
            continue
        values[name] = [replace(e, pieces=tuple(replace(p, note=p.note or note) for p in e.pieces))
                        for e in values[name]]
    return values


def _expand(pieces: tuple, values: dict, flavor: str, depth: int) -> list:
    """`pieces` with every name assigned in the file replaced by its value's pieces."""
    out: list = []
    for piece in pieces:
        if not piece.hole:
            out.append(piece)
            continue
        out.extend(_value_of(piece, values, flavor, depth) or [piece])
    return out


def _value_of(piece: Piece, values: dict, flavor: str, depth: int) -> Optional[list]:
    name = label_name(piece.text) if piece.text[:1] in "${#@%" or not piece.outer else piece.text
    name = name.split(".")[-1] if name else name
    defaulted = DEFAULTED.match(piece.text)
    note = ""
    if name in values and depth > 0:
        assigned = values[name]
        earlier = [e for e in assigned if e.start < piece.start]
        value = earlier[-1] if earlier else assigned[0]
        pieces = _expand(value.pieces, values, flavor, depth - 1)
    elif defaulted:
        note = f"`{name}` from the environment takes the place of `{defaulted.group(2)}`"
        offset = piece.start + defaulted.start(2)
        pieces = [Piece(defaulted.group(2), offset, offset + len(defaulted.group(2)), True, piece.site)]
    else:
        return None
    rendered = "".join(p.text for p in pieces)
    if _scalar(rendered) and not any(p.hole for p in pieces):  # stands for the name where it is read
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


def _at(bounds: list, position: int) -> int:
    index = 0
    while index + 1 < len(bounds) and bounds[index + 1] <= position:
        index += 1
    return index


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
    first, last = _at(bounds, start), _at(bounds, end - 1)
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


def _mark(piece: Piece) -> bool:
    return bool(piece.quote) and not piece.outer


def _state_after(piece: Piece) -> str:
    if not _mark(piece):
        return piece.inside
    return "" if piece.inside else piece.quote


def _joined(text, key, expr, pieces, bounds, marker, kind, read) -> Joined:
    api = marker.group(1)
    first, last = _at(bounds, marker.start()), _at(bounds, marker.end() - 1)
    notes = "; ".join(dict.fromkeys(p.note for p in pieces[first : last + 1] if p.note))
    path, query, operations = read

    def match(span: Span) -> BaseMatch:
        return BaseMatch(kind, api, Lit(text[span.start : span.end], (key, span.start)), 0, span.end - span.start,
                         path.replace(HOLE_CHAR, "{…}"), query, () if kind == "spec" else operations)

    def joined(span: Span, **how) -> Joined:
        return Joined(match(span), expr.start, expr.end, **how)

    whole = _span(pieces, bounds, marker.start(), marker.end(), whole_strings=True)
    if whole and len({p.site for p in pieces[first : last + 1]}) == 1:  # side by side: one edit
        quotes = [p.quote for p in pieces[first : last + 1] if p.quote] or ['"']
        content = f"{quotes[0] * whole.opens}{ruletable.facts().v1}{quotes[-1] * whole.closes}"
        return joined(whole, content=content if content != ruletable.facts().v1 else "", problem=notes)
    group_end = marker.start() + len(api)
    group = _span(pieces, bounds, marker.start(), group_end)
    rest = _span(pieces, bounds, group_end, marker.end())
    apart = any(p.text == "" and not p.quote for p in pieces[_at(bounds, group_end) : last + 1])  # operators
    if group is None or rest is None or apart or not _at(bounds, group_end - 1) < _at(bounds, group_end):
        return joined(group or rest or Span(*pieces[last].span),
                      unfixable="the base's parts are written where no edit can join them: rewrite it by hand")
    problem = notes
    definition = pieces[first].site
    if definition != expr.start and pieces[_at(bounds, group_end)].site == expr.start:
        name = defined_name(text, definition) or "the name"
        problem = "; ".join(filter(None, (notes, f"`{name}` changes for every reader of it, and other files, "
                                                 "scripts and steps may read it and add their own version")))
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
