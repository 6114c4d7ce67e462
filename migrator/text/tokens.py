"""Reading non-Python text: URL tokens as templates, names defined to a URL, comments, methods.

Template syntax stands for a value the text does not show (`${VAR}`, `${{ secrets.X }}`,
`{{ var }}`, `$(VAR)`, `%s`, `${var.org}`, `$ORG`); in a template it is a `Hole` labelled with
its text, so `match.find_bases` sees `$HOST/iam/v1beta1` as a base joined to a variable.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from migrator.engine import ruletable
from migrator.engine.templates import Hole, Lit

PLACEHOLDER = (
    r"\$\{\{.*?\}\}|\{\{.*?\}\}|\$\{(?!\{)[^}:\n]*\}|\$\(\w+\)|\$\w+|%\(\w+\)s|%[sdv]|\{[\w.]+\}"
)
PLACEHOLDER_RE = re.compile(PLACEHOLDER)
# A URL-like token: placeholders (even with spaces inside) or anything but delimiters.
TOKEN = re.compile(rf"(?:{PLACEHOLDER}|[^\s\"'`=(,<>\[\]{{}}])+")
# The name a placeholder refers to: $NAME, ${NAME}, $(NAME), ${{ env.NAME }}, ${var.NAME}.
SCOPES = r"(?:(?:env|vars|var|local|secrets|inputs|params|process\.env|import\.meta\.env)\.)?"
LABEL_NAME = re.compile(rf"^[$%{{(\s]*{SCOPES}([A-Za-z_]\w*)")
# `NAME = `, `NAME: `, `export NAME=`, `const NAME: string = "`, `ENV NAME ` right before a value.
DEFINED_BY = re.compile(
    r"(?:^|[\s{;,])(?:ENV\s+|ARG\s+)?([A-Za-z_][\w-]*)[\"']?\s*(?::\s*\w+\s*)?(?::=|\?=|\+=|=|:|(?<=[A-Z_0-9])\s)\s*[\"'`]?$",
    re.MULTILINE,
)
HCL_VARIABLE = re.compile(r"^\s*variable\s+\"([\w-]+)\"", re.MULTILINE)
# Keys whose values are not URLs, whatever they look like (Kubernetes API groups).
NOT_URL_KEY = re.compile(r"(?:^|\s)[\"']?(?:apiVersion|kind)[\"']?\s*:\s*[\"']?$", re.MULTILINE)

STRING = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`"
OPERAND = rf"(?:{STRING}|[A-Za-z_$][\w$.]*(?:\([^()\n]*\))?)"
CHAIN = re.compile(rf"{OPERAND}(?:\s*\+\s*{OPERAND})+")
OPERAND_RE = re.compile(OPERAND)
SPRINTF = re.compile(r"Sprintf\(\s*\"((?:[^\"\\\n]|\\.)*)\"((?:\s*,\s*[^,()\n]+(?:\([^()\n]*\))?)*)\s*\)")
FORMAT_VERB = re.compile(r"%[-+# 0]*\d*(?:\.\d+)?[svdq]")

METHODS = "GET|POST|PUT|PATCH|DELETE"
METHOD_PATTERNS = (
    re.compile(rf"(?:-X\s*|--request[\s=]+)[\"']?({METHODS})\b"),
    re.compile(rf"(?i)\bmethod[\"']?\s*[:=]\s*[\"']?({METHODS})\b"),
    re.compile(rf"NewRequest(?:WithContext)?\((?:\s*\w+\s*,)?\s*(?:\"({METHODS})\"|http\.Method(\w+))"),
    re.compile(rf"(?i)\b(?:axios|got|ky|http|client|api|\$http)\.({METHODS})\s*\("),
    re.compile(rf"\b(?:http|https|xh)\s+({METHODS})\s"),  # HTTPie
)
CLI_CLIENT = re.compile(r"\b(?:curl|wget|http|xh|https)\s")
DATA_FLAG = re.compile(r"\s(?:-d|--data(?:-raw|-binary|-urlencode)?|--json|-F|--form|--post-data)[\s=]")

HASH_COMMENTS = {"shell", "yaml", "toml", "ini", "env", "make", "hcl", "plain"}
SLASH_COMMENTS = {"js", "go", "hcl"}


@dataclass(frozen=True)
class Use:
    """A template seen in the text: a URL token, a concatenation or a format call."""

    template: tuple
    start: int
    end: int


def template_of(text: str, offset: int, key: str) -> tuple:
    """`text` (found at `offset`) as a template: placeholders become Holes, the rest Lits."""
    parts, pos = [], 0
    for found in PLACEHOLDER_RE.finditer(text):
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
    return text.rfind("\n", 0, offset) + 1


def tokens(text: str, key: str) -> list:
    """Every URL-like token that may matter: it names a base, or uses a variable."""
    uses = []
    for token in TOKEN.finditer(text):
        value = token.group(0)
        if "/" not in value:
            continue
        if NOT_URL_KEY.search(text, line_start(text, token.start()), token.start()):
            continue
        uses.append(Use(template_of(value, token.start(), key), token.start(), token.end()))
    return uses + expression_strings(text, key)


EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")


def expression_strings(text: str, key: str) -> list:
    """Strings inside `${{ … }}` expressions (GitHub Actions), which the tokens above see as one
    value: `${{ vars.API || 'https://…/platform/v1beta1' }}`, `format('{0}/iam/v1beta1/…', …)`."""
    uses = []
    for expression in EXPRESSION.finditer(text):
        if not any(version in expression.group(1) for version in ruletable.facts().versions):
            continue
        for quoted in QUOTED.finditer(text, expression.start(1), expression.end(1)):
            group = 1 if quoted.group(1) is not None else 2
            start = quoted.start(group)
            uses.append(Use(template_of(quoted.group(group), start, key), start, quoted.end(group)))
    return uses


def chains(text: str, key: str) -> list:
    """`BASE + "/organizations/" + org` and `fmt.Sprintf("%s/…", base)` as templates."""
    uses = []
    for chain in CHAIN.finditer(text):
        parts = []
        for operand in OPERAND_RE.finditer(chain.group(0)):
            value = operand.group(0)
            if value[0] in "\"'`":
                parts.extend(template_of(value[1:-1], chain.start() + operand.start() + 1, key))
            else:
                parts.append(Hole(value))
        uses.append(Use(tuple(parts), chain.start(), chain.end()))
    for call in SPRINTF.finditer(text):
        args = [a.strip() for a in call.group(2).split(",")[1:]]
        parts, pos, fmt = [], 0, call.group(1)
        for index, verb in enumerate(FORMAT_VERB.finditer(fmt)):
            if verb.start() > pos:
                parts.append(Lit(fmt[pos : verb.start()], (key, call.start(1) + pos)))
            parts.append(Hole(args[index] if index < len(args) else verb.group(0)))
            pos = verb.end()
        if pos < len(fmt):
            parts.append(Lit(fmt[pos:], (key, call.start(1) + pos)))
        uses.append(Use(tuple(parts), call.start(), call.end()))
    return uses


def defined_name(text: str, token_start: int) -> Optional[str]:
    """The name a token is the value of (`ASTRO_API=…`, `base: …`, `default = …` of an HCL variable)."""
    found = DEFINED_BY.search(text, line_start(text, token_start), token_start)
    if not found:
        return None
    name = found.group(1)
    if name == "default":
        block = None
        for block in HCL_VARIABLE.finditer(text, 0, token_start):
            pass
        return block.group(1) if block else None
    return name


def comment_spans(text: str, flavor: str) -> list:
    """(start, end) of line comments: `#`, `//` or `;` (INI) at a line start or after white space."""
    markers = []
    if flavor in HASH_COMMENTS:
        markers.append("#")
    if flavor in SLASH_COMMENTS:
        markers.append("//")
    if flavor == "ini":
        markers.append(";")
    if flavor == "docker":
        return [(m.start(1), m.end()) for m in re.finditer(r"^[ \t]*(#.*)$", text, re.MULTILINE)]
    if not markers:
        return []
    pattern = re.compile(r"(?:^|(?<=[ \t]))(?:" + "|".join(re.escape(m) for m in markers) + r").*$", re.MULTILINE)
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def inside(spans: list, offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def logical_line(text: str, offset: int) -> str:
    """The line holding `offset`, joined with its backslash-continued neighbours."""
    start = line_start(text, offset)
    while start > 1 and text[start - 2] == "\\":
        start = line_start(text, start - 2)
    end = text.find("\n", offset)
    while end != -1 and text[end - 1 : end] == "\\":
        end = text.find("\n", end + 1)
    return text[start : len(text) if end == -1 else end]


def method_of(text: str, offset: int) -> Optional[str]:
    """The HTTP method the command or call around `offset` shows, if any."""
    line = logical_line(text, offset)
    for pattern in METHOD_PATTERNS:
        found = pattern.search(line)
        if found:
            return next(g for g in found.groups() if g).upper()
    if CLI_CLIENT.search(line):
        return "POST" if DATA_FLAG.search(line) else "GET"
    return None
