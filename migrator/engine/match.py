"""Match templates against the rule table: where is a v1beta1 base, and which endpoint follows it.

Used by every analyser (Python and text), so precision rules live in one place:
- a base (`iam/v1beta1`, `platform/v1beta1`: the table's bases) counts after an Astro API host,
  after the spec prefix on that host (spec URLs), or where the host is out of sight: at the start
  of the text or right after a variable (`{host}/iam/v1beta1`);
- anything else in front of it (another host, `docs/`, `iam.cnrm.cloud.google.com`) is a look-alike.
A base may be joined from several literals (`ASTRO_API = "…/platform"` then `f"{ASTRO_API}/v1beta1/…"`):
the match then names each piece (`BaseMatch.pieces`), judged on the joined text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from migrator.engine import ruletable
from migrator.engine.findings import Endpoint
from migrator.engine.lazy_re import lazy
from migrator.engine.ruletable import RuleTable
from migrator.engine.templates import HOLE_CHAR, Lit, flatten

# The shipped table's hosts and base pattern, for callers without a table at hand;
# with a table, use `table.hosts`, `table.all_hosts(extra)` and `table.marker`.
DEFAULT_HOSTS = ruletable.facts().hosts
MARKER = ruletable.facts().marker
# What may follow a base: end of text, a path, a query, a fragment, a hole or a delimiter.
AFTER_OK = lazy(rf"(?:$|[/?#{HOLE_CHAR}\s\"'`)\],;>\\|]|[.:](?=$|[\s\"'`)\]]))")  # a full stop ends a sentence
# What may stand before a host-less base: only variables for the host (an optional scheme, a
# port), e.g. {host}, ${HOST}, {{ host }}, $HOST, %s, `https://{host}:{port}`. A path with a
# variable in it (`${API}/projects/${ID}`) is another API's.
_VARIABLE = rf"(?:{HOLE_CHAR}|\{{\{{[^{{}}]*\}}\}}|\$\{{\{{[^{{}}]*\}}\}}|\$\{{[^{{}}]*\}}|\{{[^{{}}/]*\}}|\$\w+|%s|%\(\w+\)s)"
HOST_VARIABLES = lazy(rf"^(?:[a-z][a-z0-9+.-]*://)?{_VARIABLE}+(?::(?:{_VARIABLE}|\d+))?$", re.IGNORECASE)


@dataclass(frozen=True)
class BaseMatch:
    """One v1beta1 base found in a template."""

    kind: str  # "url": host visible; "spec": spec URL; "path": host out of sight
    api: str  # "iam" | "platform"
    lit: Lit  # the literal holding the base text
    start: int  # the base text is lit.text[start:end]
    end: int
    path: str  # what follows the base up to ?/#, holes shown as {…}
    query: str
    operations: tuple  # rule-table candidates for `path`, () when unknown
    # A base joined from several literals: (literal, start, end) of each piece, in order; the first
    # is `lit`, `start`, `end`. () for a base inside one literal.
    pieces: tuple = ()

    @property
    def blocked(self) -> bool:
        return bool(self.operations) and all(op.blocked for op in self.operations)

    @property
    def has_path(self) -> bool:
        return self.path.strip("/") != ""

    @property
    def path_visible(self) -> bool:
        """Some of the path is literal text (not only values analysis cannot see)."""
        return self.path.replace("{…}", "").strip("/") != ""

    def endpoint(self, method: Optional[str] = None) -> Optional[Endpoint]:
        ops = narrow(self.operations, method)
        if not ops:
            return None
        op = ops[0]
        single = len(ops) == 1
        return Endpoint(
            method=op.method if single else method,
            path=op.path,
            operation_id=op.operation_id if single else None,
            v1_path=op.v1_path,
        )


def narrow(operations: tuple, method: Optional[str]) -> tuple:
    if method:
        same = tuple(op for op in operations if op.method == method.upper())
        if same:
            return same
    return operations


def host_pattern(hosts: Iterable[str]) -> re.Pattern:
    """A host at the end of the text, then `/`, then maybe the spec prefix (group 1)."""
    alternatives = "|".join(re.escape(h) for h in hosts)
    spec = re.escape(ruletable.facts().spec_prefix)
    # `api.astronomer.io//platform/v1beta1` (a base ending in "/" joined to "/platform/…") counts.
    return re.compile(rf"(?:^|[/@{HOLE_CHAR}])(?:{alternatives})(?::\d+)?/+({spec}/+)?$", re.IGNORECASE)


def classify(before: str, host_re: re.Pattern) -> Optional[str]:
    """What the text in front of a base makes of it: "url", "spec", "path" or None."""
    found = host_re.search(before)
    if found:
        return "spec" if found.group(1) else "url"
    spec = ruletable.facts().spec_prefix + "/"
    bare = before[: -len(spec)] if before.endswith(spec) else before
    bare = bare[:-1] if bare.endswith("/") else bare
    if bare == "" or HOST_VARIABLES.match(bare):
        return "spec" if before.endswith(spec) else "path"
    return None


def split_path(after: str) -> tuple:
    """Split what follows a base into (path, query), stopping at delimiters."""
    end = re.search(r"[\s\"'`)\],;>\\|]|:(?=\s|$)", after)
    rest = after[: end.start()] if end else after
    path, _, query = rest.partition("?")
    return path.split("#", 1)[0].rstrip("."), query  # "…/deployments." ends a sentence


# Placeholders, in any of the spellings people use, that may hold a path delimiter:
# {{ jinja }}, ${{ github }}, {% tag %}, <org-id>, [org], ${ORG:-x}, `cmd`, $(cmd), %[1]s, \$ORG, $ORG.
PLACEHOLDERS = lazy(
    r"\$?\{\{.*?\}\}|\{%.*?%\}|<[^<>\s/]*>|\[[^\[\]\s/]*\]|\$\{[^{}]*\}|`[^`\n]+`|\$\([^()]*\)"
    r"|%\[\d+\][a-zA-Z]|\\?\$\w+"
)
LINE_CONTINUATION = lazy(r"\\\r?\n")  # a backslash-newline inside a string literal
QUOTE_JOIN = lazy(r"'\"|\"'")  # shell words joined by quotes: '/organizations/'"$ORG"'/alerts'


def read_path(after: str, api: str, table: RuleTable) -> tuple:
    """(path, query, operations) of the URL that goes on after a base.

    The path is read up to a delimiter. When the URL visibly goes on past it (an unusual
    placeholder, shell words joined by quotes), the operations are those of the whole path, or
    none (unknown) when it does not fit the rule table; a blocked segment anywhere in the URL
    (`/alerts`) always makes it a blocked call, so that no spelling can turn one into a rewrite.
    """
    # A base that is the default of a shell expansion, `${ASTRO_URL:-https://…/v1beta1}/…`,
    # goes on after the expansion's closing brace.
    after = after[1:] if after.startswith("}") else after
    text = PLACEHOLDERS.sub(HOLE_CHAR, LINE_CONTINUATION.sub("", after[:400]))
    path, query = split_path(text)
    operations = identify(api, path, table)
    whole, _ = split_path(QUOTE_JOIN.sub("", text))
    if whole.rstrip("/") != path.rstrip("/"):
        operations = identify(api, whole, table)
    if HOLE_CHAR * 2 in whole:  # `…/organizations/" + org + path`: the path goes on out of sight
        operations = ()
    run = re.split(r"\s", QUOTE_JOIN.sub("", text), 1)[0]  # the URL-like run, whatever cut the path
    segments = set(whole.split("/")) | set(re.findall(r"/([A-Za-z][\w-]*)", run))
    if not (operations and all(op.blocked for op in operations)) and segments & blocked_words(table):
        operations = tuple(op for op in table.operations if op.blocked and set(op.segments) & segments)
    return path, query, operations


def blocked_words(table: RuleTable) -> frozenset:
    """Literal path segments that only endpoints without a v1 equivalent have (`alerts`)."""
    return table.blocked_segments


def is_relative_path(template: tuple) -> bool:
    """`/organizations/...` or `{base}/organizations/...`: an API path joined to a base that
    analysis cannot see (a parameter, an attribute, a variable of another file)."""
    index = 0
    while index < len(template) and not isinstance(template[index], Lit):
        index += 1
    if index == len(template):
        return False
    text = template[index].text
    if text.startswith("/organizations/"):
        return True
    # At the start: `organizations/…`, or a path relative to an organization's URL
    # (`session.get("/notification-channels")` on a session whose base ends in the organization).
    return index == 0 and (text.startswith("organizations/") or re.match(r"/[A-Za-z]", text) is not None)


def identify(api: str, path: str, table: RuleTable) -> tuple:
    """The operations of the rule table whose path template fits `path`, best fits first."""
    segments = tuple(path.strip("/").split("/"))
    if segments == ("",):
        return ()
    best: dict = {}
    for op in table.operations:
        if len(op.segments) != len(segments):
            continue
        score = 0
        for given, wanted in zip(segments, op.segments):
            if wanted.startswith("{"):
                continue
            if given != wanted:
                break
            score += 1
        else:
            best.setdefault(score, []).append(op)
    if not best:
        return ()
    ops = best[max(best)]
    same_api = [op for op in ops if op.api == api]
    return tuple(same_api or ops)


def scan(template: tuple, pattern: re.Pattern):
    """(literal, match, start, end, flat) for every `pattern` match inside the template's
    literals; start/end are offsets into `flat`, the template as text (holes one character)."""
    flat = flatten(template)
    offset = 0
    for part in template:
        if not isinstance(part, Lit):
            offset += 1
            continue
        for marker in pattern.finditer(part.text):
            yield part, marker, offset + marker.start(), offset + marker.end(), flat
        offset += len(part.text)


def find_bases(template: tuple, table: RuleTable, host_re: re.Pattern, tail: str = "", joined: bool = False) -> list:
    """Every v1beta1 base in `template` that is not a look-alike.

    `tail` is the text that follows the template where the URL may go on (the rest of the line,
    for a token cut at a character the tokenizer treats as a delimiter). `joined`: also the bases
    joined from several literals (`BaseMatch.pieces`), for callers that fix them piece by piece
    (see `policy.parts`); a caller that rewrites `lit[start:end]` alone must not ask for them.
    """
    found = []
    for part, marker, start, end, flat in scan(template, table.marker):
        judged = _judged(flat, start, end, marker.group(0), marker.group(1), table, host_re, tail)
        if judged is not None:
            kind, path, query, operations = judged
            found.append(BaseMatch(kind, marker.group(1), part, marker.start(), marker.end(), path, query, operations))
    flat = flatten(template)
    if joined and any(v in flat for v in ruletable.facts().versions):
        for marker in table.marker.finditer(flat):
            pieces = _pieces(template, marker.start(), marker.end())
            judged = _judged(flat, marker.start(), marker.end(), marker.group(0), marker.group(1), table, host_re,
                             tail)
            if len(pieces) > 1 and judged is not None:
                kind, path, query, operations = judged
                lit, start, end = pieces[0]
                found.append(BaseMatch(kind, marker.group(1), lit, start, end, path, query, operations, pieces))
    return found


def _judged(flat: str, start: int, end: int, base: str, api: str, table: RuleTable, host_re, tail: str):
    """(kind, path, query, operations) of the base at flat[start:end], None for a look-alike."""
    kind = classify(flat[:start], host_re)
    if kind is None or base not in table.base_map or not AFTER_OK.match(flat, end):
        return None
    path, query, operations = read_path(flat[end:] + tail, api, table)
    return kind, path.replace(HOLE_CHAR, "{…}"), query, () if kind == "spec" else operations


def _pieces(template: tuple, start: int, end: int) -> tuple:
    """(literal, start, end) of each literal holding part of the template's flat text[start:end]."""
    pieces, offset = [], 0
    for part in template:
        size = len(part.text) if isinstance(part, Lit) else 1
        low, high = max(start, offset), min(end, offset + size)
        if low < high and isinstance(part, Lit):
            pieces.append((part, low - offset, high - offset))
        offset += size
    return tuple(pieces)
