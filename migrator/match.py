"""Match templates against the rule table: where is a v1beta1 base, and which endpoint follows it.

Used by every analyser (Python and text), so precision rules live in one place:
- a base `iam/v1beta1` or `platform/v1beta1` counts after an Astro API host
  (`https://api.astronomer.io/`), after `…/spec/` on that host (spec URLs), or where the host
  is out of sight: at the start of the text or right after a variable (`{host}/iam/v1beta1`);
- anything else in front of it (another host, `docs/`, `iam.cnrm.cloud.google.com`) is a look-alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional

from migrator.findings import Endpoint
from migrator.templates import HOLE_CHAR, Lit, flatten

if TYPE_CHECKING:
    from migrator.ruletable import RuleTable

DEFAULT_HOSTS = ("api.astronomer.io",)

MARKER = re.compile(r"(iam|platform)/v1beta1")
# What may follow a base: end of text, a path, a query, a fragment, a hole or a delimiter.
AFTER_OK = re.compile(rf"(?:$|[/?#{HOLE_CHAR}\s\"'`)\],;>\\|])")
# A placeholder segment of a path template in any common syntax: {id}, <id>, :id, $ID, ${ID}, %s.
PLACEHOLDER = re.compile(r"^(?:\{.*\}|<[^>]*>|:\w+|\$\{?\w+\}?|%[sd])$")
# Template tags that may hold spaces (Jinja `{{ var.value.org }}`, GitHub `${{ env.ORG }}`):
# one value each, for the purpose of reading the path.
TEMPLATE_TAG = re.compile(r"\$?\{\{.*?\}\}|\{%.*?%\}")
# What may stand before a host-less base: only variables for the host (an optional scheme, a
# port), e.g. {host}, ${HOST}, {{ host }}, $HOST, %s, `https://{host}:{port}`. A path with a
# variable in it (`${API}/projects/${ID}`) is another API's.
_VARIABLE = rf"(?:{HOLE_CHAR}|\{{\{{[^{{}}]*\}}\}}|\$\{{\{{[^{{}}]*\}}\}}|\$\{{[^{{}}]*\}}|\{{[^{{}}/]*\}}|\$\w+|%s|%\(\w+\)s)"
HOST_VARIABLES = re.compile(rf"^(?:[a-z][a-z0-9+.-]*://)?{_VARIABLE}+(?::(?:{_VARIABLE}|\d+))?$", re.IGNORECASE)


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
            v1_path=None if op.v1 is None else "/v1" + op.v1,
        )


def narrow(operations: tuple, method: Optional[str]) -> tuple:
    if method:
        same = tuple(op for op in operations if op.method == method.upper())
        if same:
            return same
    return operations


def host_pattern(hosts: Iterable[str]) -> re.Pattern:
    alternatives = "|".join(re.escape(h) for h in hosts)
    return re.compile(rf"(?:^|[/@{HOLE_CHAR}])(?:{alternatives})(?::\d+)?/(spec/)?$", re.IGNORECASE)


def classify(before: str, host_re: re.Pattern) -> Optional[str]:
    """What the text in front of a base makes of it: "url", "spec", "path" or None."""
    found = host_re.search(before)
    if found:
        return "spec" if found.group(1) else "url"
    bare = before[:-5] if before.endswith("spec/") else before
    bare = bare[:-1] if bare.endswith("/") else bare
    if bare == "" or HOST_VARIABLES.match(bare):
        return "spec" if before.endswith("spec/") else "path"
    return None


def split_path(after: str) -> tuple:
    """Split what follows a base into (path, query), stopping at delimiters."""
    end = re.search(r"[\s\"'`)\],;>\\|]", after)
    rest = after[: end.start()] if end else after
    path, _, query = rest.partition("?")
    return path.split("#", 1)[0], query


def is_wildcard(segment: str) -> bool:
    return HOLE_CHAR in segment or bool(PLACEHOLDER.match(segment))


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


def find_bases(template: tuple, table: RuleTable, host_re: re.Pattern) -> list:
    """Every v1beta1 base in `template` that is not a look-alike."""
    flat = flatten(template)
    found = []
    offset = 0
    for part in template:
        if not isinstance(part, Lit):
            offset += 1
            continue
        for marker in MARKER.finditer(part.text):
            start = offset + marker.start()
            end = offset + marker.end()
            kind = classify(flat[:start], host_re)
            if kind is None or not AFTER_OK.match(flat, end):
                continue
            path, query = split_path(TEMPLATE_TAG.sub(HOLE_CHAR, flat[end:]))
            shown = path.replace(HOLE_CHAR, "{…}")
            operations = () if kind == "spec" else identify(marker.group(1), path, table)
            found.append(
                BaseMatch(kind, marker.group(1), part, marker.start(), marker.end(), shown, query, operations)
            )
        offset += len(part.text)
    return found
