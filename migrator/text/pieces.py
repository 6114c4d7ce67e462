"""Expressions of a text file read as pieces, each tied to the source span it stands for: words
(`"$HOST"/iam/"$VER"`, `${HOST}/${GROUP}/${VER}/…`), concatenations, join calls (`path.Join`,
`[…].join("/")`, a Postman `path` array) and format calls, by the language table's syntax.
`text.joins` replaces names by their values and finds the bases they assemble.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from migrator.engine import ruletable
from migrator.text.tokens import OPERAND_RE, chain_matches, syntax

ARGUMENT = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'|`([^`\\\n]*)`|([A-Za-z_$][\w$.:]*)")
QUOTE = re.compile(r"[\"']")


@dataclass(frozen=True)
class Piece:
    """Part of an expression: `text` stands for source[start:end] (verbatim: is that text)."""

    text: str
    start: int
    end: int
    verbatim: bool
    site: int  # where the expression holding it starts (a use, or a name's definition)
    outer: tuple = ()  # an argument's whole span, quotes included
    quote: str = ""  # an argument's quote character ("" for a name); the quote a mark stands for
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


def expressions(text: str, flavor: str) -> list:
    """Words, concatenations and join calls of `flavor`'s language that may hold a base's parts."""
    rules = syntax(flavor)
    words = _words(flavor)
    found = [
        Expression(tuple(_pieces(word.group(0), word.start(), word.start(), flavor)), word.start(), word.end())
        for word in words.finditer(text)
        if "/" in word.group(0) or scalar(word.group(0).strip("\"'`"))
    ]
    for call in chain_matches(text, flavor):
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
    placeholder = placeholders(flavor).pattern
    quotes = "" if syntax(flavor).language.glued else "\"'"
    return re.compile(rf"(?:{placeholder}|[^\s{quotes}`=(,<>\[\]{{}};])+")


@functools.lru_cache(maxsize=None)
def placeholders(flavor: str) -> re.Pattern:
    return re.compile(rf"\$\{{\w+:?[-=][^{{}}\n]*\}}|{syntax(flavor).placeholder.pattern}")


@functools.lru_cache(maxsize=None)
def _join_patterns(flavor: str) -> tuple:
    return tuple(re.compile(pattern) for pattern in syntax(flavor).language.joins)


@functools.lru_cache(maxsize=1)
def _scalars() -> frozenset:
    """The words a name may hold to stand for part of a base: the apis and their versions."""
    facts = ruletable.facts()
    return frozenset({base.api for base in facts.bases} | set(facts.versions))


def scalar(value: str) -> bool:
    return value in _scalars()


def _pieces(value: str, offset: int, site: int, flavor: str) -> list:
    """`value` (found at `offset`): literal text verbatim, placeholders as holes, quotes that glue
    shell words as marks that stand for nothing (each piece knows the quote it sits in)."""
    pieces: list = []
    pos, state = 0, ""
    for found in placeholders(flavor).finditer(value):
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
