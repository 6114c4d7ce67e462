"""Reading non-Python text: URL tokens as templates, names defined to a URL, comments, methods.

Template syntax stands for a value the text does not show (`${VAR}`, `${{ secrets.X }}`,
`{{ var }}`, `$(VAR)`, `%s`, `${var.org}`, `$ORG`); in a template it is a `Hole` labelled with
its text, so `match.find_bases` sees `$HOST/iam/v1beta1` as a base joined to a variable.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.templates import Hole, Lit
from migrator.project.languages import Language, language
from migrator.text.lines import WORK, lines_of

# Placeholders every language's text may hold; a language's own (`#{x}`, `$env:X`) go first.
COMMON_PLACEHOLDERS = (
    r"\$\{\{.*?\}\}", r"\{\{.*?\}\}", r"\$\{(?!\{)[^}:\n]*\}", r"\$\(\w+\)", r"\$\w+", r"%\(\w+\)s", r"%[sdv]",
    r"\{[\w.]+\}",
)
# The name a placeholder refers to: $NAME, ${NAME}, $(NAME), ${{ env.NAME }}, ${var.NAME}, #{NAME}.
SCOPES = r"(?:(?:env|vars|var|local|secrets|inputs|params|process\.env|import\.meta\.env)[.:])?"
LABEL_NAME = re.compile(rf"^[$%{{(\s#@.]*{SCOPES}([A-Za-z_]\w*)")
HCL_VARIABLE = re.compile(r"^\s*variable\s+\"([\w-]+)\"", re.MULTILINE)
# Keys whose values are not URLs, whatever they look like (Kubernetes API groups).
NOT_URL_KEY = re.compile(r"(?:^|\s)[\"']?(?:apiVersion|kind)[\"']?\s*:\s*[\"']?$", re.MULTILINE)
NEWLINE = re.compile(r"\r\n?|\n")

STRING = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`"
OPERAND = rf"(?:{STRING}|[A-Za-z_$][\w$.]*(?:\([^()\n]*\))?)"
OPERAND_RE = re.compile(OPERAND)
ARGUMENTS = r"((?:\s*,\s*[^,()\n]+(?:\([^()\n]*\))?)*)\s*\)"


@dataclass(frozen=True)
class Syntax:
    """One language's table entry compiled to the patterns the text tier reads it with."""

    language: Language
    placeholder: re.Pattern  # a value the text does not show
    token: re.Pattern  # a URL-like token: placeholders (even with spaces inside) or non-delimiters
    defined_by: re.Pattern  # `NAME = `, `NAME: `, `export NAME=`, `const NAME: string = "`, `ENV NAME `
    chain: Optional[re.Pattern]  # `BASE + "/organizations/" + org`
    formats: tuple  # (call pattern: group 1 the format string, group 2 the arguments; field pattern)
    comment: Optional[re.Pattern]  # one line comment


@functools.lru_cache(maxsize=None)
def syntax(flavor: Optional[str]) -> Syntax:
    lang = language(flavor)
    placeholder = "|".join(lang.interpolation + COMMON_PLACEHOLDERS)
    defined_by = re.compile(
        rf"(?:^|(?<=\r)|[\s{{;,])(?:ENV\s+|ARG\s+)?(?:{lang.sigils or '(?!)'})?([A-Za-z_][\w-]*)[\"']?\s*"
        r"(?::\s*&?\w+\s*)?(?::=|\?=|\+=|=|:|(?<=[A-Z_0-9])\s)\s*[\"'`]?$",
        re.MULTILINE,
    )
    operators = "|".join(re.escape(op) for op in lang.concat)
    chain = re.compile(rf"{OPERAND}(?:\s*(?:{operators})\s*{OPERAND})+") if operators else None
    formats = tuple(
        (re.compile(rf"(?:{call.name})\(\s*\"((?:[^\"\\\n]|\\.)*)\"{ARGUMENTS}"), re.compile(call.field))
        for call in lang.formats
    )
    return Syntax(lang, re.compile(placeholder), re.compile(rf"(?:{placeholder}|[^\s\"'`=(,<>\[\]{{}}])+"),
                  defined_by, chain, formats, _comment_pattern(lang))


def _comment_pattern(lang: Language) -> Optional[re.Pattern]:
    """A line comment: a marker at a line start or (unless only whole lines are comments) after
    white space, to the line's end, whatever ends lines (`\\n`, `\\r\\n`, `\\r`)."""
    if not lang.comments:
        return None
    markers = "|".join(re.escape(m) for m in lang.comments)
    if lang.comment_lines_only:
        return re.compile(rf"(?:^|(?<=[\r\n]))[ \t]*((?:{markers})[^\r\n]*)")
    return re.compile(rf"(?:^|(?<=[ \t\r\n]))((?:{markers})[^\r\n]*)")

METHODS = "GET|POST|PUT|PATCH|DELETE"
METHOD_PATTERNS = (
    re.compile(rf"(?:-X\s*|--request[\s=]+)[\"']?({METHODS})\b"),
    re.compile(rf"(?i)\bmethod[\"']?\s*[:=]\s*[\"']?({METHODS})\b"),
    re.compile(rf"NewRequest(?:WithContext)?\((?:\s*\w+\s*,)?\s*(?:\"({METHODS})\"|http\.Method(\w+))"),
    re.compile(rf"(?i)\b(?:axios|got|ky|http|client|api|\$http)\.({METHODS})\s*\("),
    re.compile(rf"\b(?:http|https|xh)\s+({METHODS})\s"),  # HTTPie
    re.compile(rf"(?m)^\s*({METHODS})\s+\S"),  # a request line of a .http file
)
CLI_CLIENT = re.compile(r"\b(?:curl|wget|http|xh|https)\s")
DATA_FLAG = re.compile(r"\s(?:-d|--data(?:-raw|-binary|-urlencode)?|--json|-F|--form|--post-data)[\s=]")


@dataclass(frozen=True)
class Use:
    """A template seen in the text: a URL token, a concatenation or a format call."""

    template: tuple
    start: int
    end: int


def template_of(text: str, offset: int, key: str, flavor: Optional[str] = None) -> tuple:
    """`text` (found at `offset`) as a template: placeholders become Holes, the rest Lits."""
    parts, pos = [], 0
    for found in syntax(flavor).placeholder.finditer(text):
        if found.start() > pos:
            parts.append(Lit(text[pos : found.start()], (key, offset + pos)))
        parts.append(Hole(found.group(0)))
        pos = found.end()
    if pos < len(text):
        parts.append(Lit(text[pos:], (key, offset + pos)))
    return tuple(parts)


def label_name(label: str) -> Optional[str]:
    found = LABEL_NAME.match(label)
    return found.group(1) if found else None


def line_start(text: str, offset: int) -> int:
    """Where the line holding `offset` starts; `\\n`, `\\r\\n` and a lone `\\r` end lines."""
    return lines_of(text).start(offset)


def line_end(text: str, offset: int) -> int:
    """Where the line holding `offset` ends (its line break, or the end of the text)."""
    return lines_of(text).end(offset)


# What `match.read_path` reads of the text after a URL: 400 characters, after a closing brace.
READ_AHEAD = 401


def rest_of_line(text: str, offset: int) -> str:
    """The text after `offset` to the end of its line, as far as a URL's path may be read on."""
    return text[offset : min(line_end(text, offset), offset + READ_AHEAD)]


def tokens(text: str, key: str, flavor: Optional[str] = None) -> list:
    """Every URL-like token that may matter: it names a base, or uses a variable."""
    uses, lines = [], lines_of(text)
    for token in syntax(flavor).token.finditer(text):
        value = token.group(0)
        if "/" not in value:
            continue
        if NOT_URL_KEY.search(text, lines.assignment_start(token.start()), token.start()):
            continue
        uses.append(Use(template_of(value, token.start(), key, flavor), token.start(), token.end()))
    return uses + expression_strings(text, key, flavor)


EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")


def expression_strings(text: str, key: str, flavor: Optional[str] = None) -> list:
    """Strings inside `${{ … }}` expressions (GitHub Actions), which the tokens above see as one
    value: `${{ vars.API || 'https://…/platform/v1beta1' }}`, `format('{0}/iam/v1beta1/…', …)`."""
    uses = []
    for expression in EXPRESSION.finditer(text):
        if not any(version in expression.group(1) for version in ruletable.facts().versions):
            continue
        for quoted in QUOTED.finditer(text, expression.start(1), expression.end(1)):
            group = 1 if quoted.group(1) is not None else 2
            start = quoted.start(group)
            uses.append(Use(template_of(quoted.group(group), start, key, flavor), start, quoted.end(group)))
    return uses


def chains(text: str, key: str, flavor: Optional[str] = None) -> list:
    """`BASE + "/organizations/" + org` and format calls (`fmt.Sprintf("%s/…", base)`) as templates."""
    rules = syntax(flavor)
    uses = []
    for chain in chain_matches(text, flavor):
        parts = []
        for operand in OPERAND_RE.finditer(chain.group(0)):
            value = operand.group(0)
            if value[0] in "\"'`":
                parts.extend(template_of(value[1:-1], chain.start() + operand.start() + 1, key, flavor))
            else:
                parts.append(Hole(value))
        uses.append(Use(tuple(parts), chain.start(), chain.end()))
    for call_pattern, field_pattern in rules.formats:
        for call in call_pattern.finditer(text):
            uses.append(Use(format_template(call, field_pattern, key), call.start(), call.end()))
    return uses


# Where a concatenation may start: a quote, or the first letter of a run of name characters
# (a match starting later in the run would also match from its first letter, found first).
CHAIN_START = re.compile(r"[\"'`]|(?<![\w$.])[\w$.]*?([A-Za-z_$])")


def chain_matches(text: str, flavor: Optional[str] = None) -> list:
    """`syntax(flavor).chain.finditer(text)`, tried only where a match may start: a search from
    every character of a long name (`.a.a.a…`) would read the rest of it each time."""
    chain, found, pos = syntax(flavor).chain, [], 0
    for start in CHAIN_START.finditer(text) if chain else ():
        at = start.start(1) if start.group(1) else start.start()
        match = chain.match(text, at) if at >= pos else None
        if match:
            found.append(match)
            pos = match.end()
    return found


def format_template(call: re.Match, field_pattern: re.Pattern, key: str) -> tuple:
    """A format call's string (group 1) with its fields filled by the arguments (group 2) as Holes."""
    args = [a.strip() for a in call.group(2).split(",")[1:]]
    parts, pos, fmt = [], 0, call.group(1)
    for index, field in enumerate(field_pattern.finditer(fmt)):
        if field.start() > pos:
            parts.append(Lit(fmt[pos : field.start()], (key, call.start(1) + pos)))
        wanted = int(field.group(1)) if field.groups() and field.group(1) else index
        parts.append(Hole(args[wanted] if wanted < len(args) else field.group(0)))
        pos = field.end()
    if pos < len(fmt):
        parts.append(Lit(fmt[pos:], (key, call.start(1) + pos)))
    return tuple(parts)


def defined_name(text: str, token_start: int, flavor: Optional[str] = None) -> Optional[str]:
    """The name a token is the value of (`ASTRO_API=…`, `base: …`, `default = …` of an HCL variable)."""
    lines = lines_of(text)
    found = syntax(flavor).defined_by.search(text, lines.assignment_start(token_start), token_start)
    if not found:
        return None
    name = found.group(1)
    if name == "default":
        block = lines.last_before(HCL_VARIABLE, token_start)
        return block.group(1) if block else None
    return name


def comment_spans(text: str, flavor: str) -> list:
    """(start, end) of line comments, by the markers of `flavor`'s language."""
    pattern = syntax(flavor).comment
    return [(m.start(1), m.end(1)) for m in pattern.finditer(text)] if pattern else []


def inside(spans: list, offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def logical_line(text: str, offset: int) -> tuple:
    """(start, end) of the line holding `offset`, joined with its backslash-continued neighbours."""
    start = line_start(text, offset)
    while start > 0:
        brk = start - 2 if text[start - 2 : start] == "\r\n" else start - 1  # the break before the line
        if text[brk - 1 : brk] != "\\":
            break
        start = line_start(text, brk - 1)
    end = line_end(text, offset)
    while end < len(text) and text[end - 1 : end] == "\\":
        end = line_end(text, NEWLINE.match(text, end).end())
    return start, end


def method_of(text: str, offset: int) -> Optional[str]:
    """The HTTP method the command or call around `offset` shows, if any (read once per line)."""
    span, memo = logical_line(text, offset), lines_of(text).methods
    if span not in memo:
        WORK.characters += span[1] - span[0]
        memo[span] = _method_in(text[span[0] : span[1]])
    return memo[span]


def _method_in(line: str) -> Optional[str]:
    for pattern in METHOD_PATTERNS:
        found = pattern.search(line)
        if found:
            return next(g for g in found.groups() if g).upper()
    if CLI_CLIENT.search(line):
        return "POST" if DATA_FLAG.search(line) else "GET"
    return None
