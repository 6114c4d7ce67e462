"""Inline suppressions: `# astro-migrate: ignore[AM101] reason until=YYYY-MM-DD`.

A suppression covers findings on its own line and, on a line of its own, the line below, in any
comment syntax (`#`, `//`, `<!-- -->`, notebook cells). It is itself reported (AM91x) when it
gives no reason, is past its `until=` date, names no valid code, or suppresses nothing.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from migrator.engine import registry
from migrator.engine.findings import Finding

MARKER = "astro-migrate:"
COMMENT = re.compile(r"astro-migrate:\s*ignore\b(?:\[(?P<codes>[^\]\r\n]*)\])?(?P<rest>[^\r\n]*)", re.I)
UNTIL = re.compile(r"\buntil\s*=\s*(?P<date>\S*)", re.I)
# What ends a comment or a notebook's JSON string after the reason: -->, */, \n", ",
TRAILER = re.compile(r"\s*(?:-->|\*/|(?:\\n)?\"\s*,?)\s*$")
SEPARATORS = " \t-:;,—–"
LEADERS = " \t#/!<-;*"  # comment leaders that may stand before the marker on its own line


@dataclass
class Suppression:
    row: int
    start: int  # span of the comment from `astro-migrate:`
    end: int
    selectors: tuple  # valid codes or code prefixes
    invalid: tuple  # tokens that name no code
    reason: str
    until: object  # datetime.date, None, or the unparsable text
    used: set
    trailing: bool = False  # after code that ends on its line: covers that line only

    def covers(self, finding: Finding, rows: tuple) -> bool:
        first, last = rows
        reach = self.row if self.trailing else self.row + 1
        return first <= reach and last >= self.row and finding.code.startswith(self.selectors)


def parse(source) -> list:
    """Every suppression comment in `source` (a SourceText)."""
    found = []
    if MARKER not in source.text.lower():
        return found
    for match in COMMENT.finditer(source.text):
        tokens = [t.strip().upper() for t in (match.group("codes") or "").split(",") if t.strip()]
        rest = TRAILER.sub("", match.group("rest"))
        until = None
        dated = UNTIL.search(rest)
        if dated:
            rest = rest[: dated.start()] + rest[dated.end() :]
            try:
                until = datetime.date.fromisoformat(dated.group("date"))
            except ValueError:
                until = dated.group("date")
        row, column = source.position(match.start())
        before = source.line_text(row)[: column - 1].strip().lstrip('"').strip(LEADERS)
        continued = before.endswith(("(", "[", "{", ",", "\\"))
        found.append(
            Suppression(
                row=row,
                start=match.start(),
                end=match.start() + len(match.group(0).rstrip()),
                selectors=tuple(t for t in tokens if re.fullmatch(r"AM\d{1,3}", t) and registry.is_selector(t)),
                invalid=tuple(t for t in tokens if not (re.fullmatch(r"AM\d{1,3}", t) and registry.is_selector(t))),
                reason=rest.strip(SEPARATORS),
                until=until,
                used=set(),
                trailing=before != "" and not continued,
            )
        )
    return found


def _elsewhere(item: Suppression, selector: str, reported: list) -> str:
    """Where the nearest finding `selector` names is, when a suppression of it suppresses nothing."""
    near = sorted((abs(row - item.row), row, code) for code, row in reported if code.startswith(selector))
    if not near:
        return ""
    _, row, code = near[0]
    return f"; {code} is reported at line {row}: put the suppression there"


def _problems(item: Suppression, today: datetime.date, reported: list) -> list:
    """AM91x findings about one suppression; an empty list when it is sound and used.
    `reported`: (code, row) of every finding left unsuppressed."""
    def finding(code: str, message: str) -> Finding:
        return Finding(code, message, item.start, item.end)

    out = []
    if isinstance(item.until, str):
        out.append(finding("AM914", f"`until={item.until}` is not a date in YYYY-MM-DD form"))
    if item.invalid or not item.selectors:
        named = ", ".join(item.invalid) or "no code"
        out.append(finding("AM914", f"the suppression names {named}; write e.g. `ignore[AM101]`"))
    if not item.reason:
        out.append(finding("AM911", "the suppression gives no reason; add one after the codes"))
    if isinstance(item.until, datetime.date) and item.until < today:
        out.append(finding("AM912", f"the suppression expired on {item.until.isoformat()}; fix the finding "
                                    "or extend `until=`"))
    elif item.selectors and not isinstance(item.until, str):
        unused = [s for s in item.selectors if s not in item.used]
        if unused:
            hint = next((h for h in (_elsewhere(item, code, reported) for code in unused) if h), "; remove it")
            out.append(finding("AM913", f"the suppression of {', '.join(unused)} suppresses nothing{hint}"))
    return out


def _active(item: Suppression, today: datetime.date) -> bool:
    return not isinstance(item.until, str) and not (item.until is not None and item.until < today)


def filter_findings(source, findings: list, today: datetime.date) -> list:
    """`findings` without the suppressed ones, plus AM91x findings about the suppressions."""
    suppressions = parse(source)
    if not suppressions:
        return list(findings)
    kept = []
    for finding in findings:
        rows = (source.position(finding.start)[0], source.position(max(finding.start, finding.end))[0])
        covering = [s for s in suppressions if _active(s, today) and s.covers(finding, rows)]
        for item in covering:
            item.used.update(s for s in item.selectors if finding.code.startswith(s))
        if not covering:
            kept.append(finding)
    reported = [(f.code, source.position(f.start)[0]) for f in kept]
    return kept + [problem for item in suppressions for problem in _problems(item, today, reported)]
