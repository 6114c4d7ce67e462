"""Reports: every output format renders the same located findings.

`Report` is what a format receives: findings with line/column positions, the masked source
line, severity and the deadline, plus run totals for summaries.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from typing import Optional

from migrator.engine import deadline, registry
from migrator.engine.findings import Endpoint
from migrator.report import secrets
from migrator.report.terminal import printable

# --output-format name -> module in this package that defines render(report) -> str
FORMATS = {
    "full": "full",
    "concise": "concise",
    "json": "json_format",
    "json-lines": "json_lines",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
    "markdown": "markdown",
}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Position:
    """A place in a file as reports show it: 1-based row and column."""

    row: int
    column: int


@dataclass(frozen=True)
class LocatedEdit:
    """A fix's edit at row/column positions."""

    content: str
    location: Position
    end_location: Position


@dataclass(frozen=True)
class Row:
    """One finding as reports show it."""

    code: str
    message: str
    path: str
    location: Position
    end_location: Position
    severity: str
    source_line: str  # masked, and cut to a window around the finding on very long lines
    endpoint: Optional[Endpoint]
    fix_applicability: Optional[str] = None
    fix_message: Optional[str] = None
    fix_edits: tuple = ()
    context: Optional[str] = None  # where inside a container file, e.g. "cell 3, line 2"
    source_cut: int = 0  # characters of the line cut before `source_line`
    fix_refused: Optional[str] = None  # why --fix would not apply the fix

    def __post_init__(self) -> None:
        """Every string a format may print goes through the one mask, here, so none can forget it."""
        for name in ("message", "source_line", "fix_message", "context", "fix_refused"):
            value = getattr(self, name)
            if value:
                object.__setattr__(self, name, secrets.mask(value))
        edits = tuple(replace(edit, content=secrets.mask(edit.content)) for edit in self.fix_edits)
        object.__setattr__(self, "fix_edits", edits)

    @property
    def where(self) -> str:
        """path:row:column, and the place inside a notebook where there is one."""
        place = f"{self.path}:{self.location.row}:{self.location.column}"
        return f"{place} ({self.context})" if self.context else place

    @property
    def url(self) -> str:
        return registry.help_url(self.code)


@dataclass
class Report:
    """What every format renders: the rows, the run's totals and the deadline."""

    rows: list
    files_checked: int
    files_with_findings: int
    fixed: int
    days_left: int
    deadline: str
    problems: list = field(default_factory=list)  # (path, reason)
    paths: list = field(default_factory=lambda: ["."])  # what was checked, for suggested commands
    baseline: Optional[object] = None  # baseline.Status when --baseline was given
    fixed_label: str = "fixed"  # "would be fixed" when --diff shows the fixes instead

    @property
    def fixable(self) -> int:
        """Findings a `--fix` would fix: safe fixes it would not refuse (see fix.plan)."""
        return sum(1 for r in self.rows if r.fix_applicability == "safe" and r.fix_refused is None)

    @property
    def unsafe_fixable(self) -> int:
        """Findings only `--fix --unsafe-fixes` would fix."""
        return sum(1 for r in self.rows if r.fix_applicability == "unsafe" and r.fix_refused is None)

    @property
    def blocked(self) -> int:
        return sum(1 for r in self.rows if registry.rule(r.code).category == "blocker")

    def summary(self) -> str:
        """One closing line in ruff's manner: what was found and what became of it, with the exact
        flag that fixes the rest, then the clock:
        'Found 12 findings (9 fixed, 3 remaining: 2 blocked, 1 needs review); 34 days until ...'."""
        pending = self.fixed_label != "fixed"  # --diff: the rows still hold what would be fixed
        remaining = len(self.rows) - (self.fixed if pending else 0)
        total = remaining + self.fixed
        fixable, unsafe = (0, 0) if self.fixed else (self.fixable, self.unsafe_fixable)
        review = remaining - self.blocked - fixable - unsafe
        kinds = [f"{self.blocked} blocked"] if self.blocked else []
        kinds += [f"{review} need{'s' if review == 1 else ''} review"] if review else []
        known = [self.baseline.summary()] if self.baseline is not None else []
        if not total:
            head = "All checks passed!" + (f" ({', '.join(known)})" if known else "")
        elif self.fixed:
            rest = f"{remaining} remaining" + (f": {', '.join(kinds)}" if kinds else "")
            head = f"Found {_count(total, 'finding')} ({', '.join([f'{self.fixed} {self.fixed_label}', rest, *known])})"
        else:
            files = _count(self.files_with_findings, "file")
            fixes = [f"{fixable} fixable with `--fix`" if fixable else "0 fixable"]
            fixes += [f"{unsafe} {'more ' if fixable else ''}with `--fix --unsafe-fixes`"] if unsafe else []
            head = f"Found {_count(total, 'finding')} in {files} ({', '.join(fixes + kinds + known)})"
        return f"{head}; {deadline.phrase(self.days_left)}"

    def worst_first(self) -> list:
        return sorted(self.rows, key=lambda r: (SEVERITY_RANK[r.severity], r.path, r.location.row))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


SHOWN_LINE = 240  # characters of a source line a report shows around a finding


def window(line: str, column: int) -> tuple:
    """(the part of `line` shown around 0-based `column`, how many characters were cut before it).

    A minified bundle is one line of megabytes; a report shows only the neighbourhood.
    """
    if len(line) <= SHOWN_LINE:
        return line, 0
    start = max(0, min(column - SHOWN_LINE // 3, len(line) - SHOWN_LINE))
    return line[start : start + SHOWN_LINE], start


def _position(source, offset: int) -> Position:
    row, column = source.position(offset)
    return Position(row, column)


def build(run_result, days_left: int, deadline_text: str,
          thresholds: deadline.Thresholds = deadline.Thresholds()) -> Report:
    """Rows for every finding, their severity raised by the clock (see `deadline.severity`)."""
    rows = []
    for result in run_result.files:
        for finding in result.findings:
            if result.source is None:
                start = end = Position(1, 1)
                line, cut = "", 0
            else:
                start = _position(result.source, finding.start)
                end = _position(result.source, finding.end)
                # Masked before it is cut: a cut could leave a token without its `Bearer `.
                text = secrets.mask_near(result.source.line_text(start.row), start.column - 1, SHOWN_LINE)
                line, cut = window(text, start.column - 1)
            fix = finding.fix
            rows.append(
                Row(
                    code=finding.code,
                    message=finding.message,
                    path=result.path,
                    location=start,
                    end_location=end,
                    severity=deadline.severity(
                        finding.code, registry.rule(finding.code).severity, days_left, thresholds
                    ),
                    source_line=line,
                    source_cut=cut,
                    endpoint=finding.endpoint,
                    fix_applicability=fix.applicability if fix else None,
                    fix_message=fix.message if fix else None,
                    fix_edits=tuple(
                        LocatedEdit(e.content, _position(result.source, e.start), _position(result.source, e.end))
                        for e in fix.edits
                    )
                    if fix
                    else (),
                    context=finding.context,
                    fix_refused=fix.refused if fix else None,
                )
            )
    rows.sort(key=lambda r: (r.path, r.location.row, r.location.column, r.code))
    return Report(
        rows=rows,
        files_checked=run_result.checked,
        files_with_findings=len({r.path for r in rows}),
        fixed=sum(f.fixed for f in run_result.files),
        days_left=days_left,
        deadline=deadline_text,
        problems=[(p.path, p.reason) for p in run_result.problems],
    )


HUMAN = ("full", "concise")  # formats for a person, rendered as a `View` asks


@dataclass(frozen=True)
class View:
    """How a human format is shown: in colour, with each fix's effect, with the closing summary."""

    color: bool = False
    show_fixes: bool = False
    summary: bool = True  # off with --quiet


def render(report: Report, output_format: str, view: View = View()) -> str:
    module = importlib.import_module(f"migrator.report.{FORMATS[output_format]}")
    if output_format in HUMAN:
        return module.render(report, view)
    return module.render(report)


def fixed_listing(run_result, label: str = "fixed") -> str:
    """`--show-fixes` after `--fix` (or `--diff`): how many findings each file had fixed."""
    files = [(f.path, f.fixed) for f in run_result.files if f.fixed]
    total = sum(n for _, n in files)
    if not total:
        return f"No findings {label}.\n"
    lines = [f"{_count(total, 'finding')} {label}:"]
    lines += [f"  {printable(path)}: {n}" for path, n in files]
    return "\n".join(lines) + "\n"
