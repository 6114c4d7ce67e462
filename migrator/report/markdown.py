"""`markdown`: a migration report for a pull request or $GITHUB_STEP_SUMMARY: the clock, totals
per rule, endpoint and file, fixable versus blocked, and the commands to run next."""
from __future__ import annotations

import shlex
from collections import Counter

from migrator.engine import deadline, registry
from migrator.report.terminal import printable


def _cell(text) -> str:
    return printable(str(text).replace("\\", "\\\\").replace("|", "\\|"))


def _table(header: tuple, rows: list) -> list:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _blocker(row) -> bool:
    return registry.rule(row.code).category == "blocker"


def _fixable(row) -> bool:
    """Fixed by `--fix` as it is (unsafe fixes need `--unsafe-fixes`), as the summary line counts."""
    return row.fix_applicability == "safe"


def _counts(rows: list, key) -> list:
    total, fixable, blocked = Counter(), Counter(), Counter()
    for row in rows:
        total[key(row)] += 1
        fixable[key(row)] += _fixable(row)
        blocked[key(row)] += _blocker(row)
    return [(name, total[name], fixable[name], blocked[name]) for name in sorted(total)]


def _next_steps(report) -> list:
    paths = " ".join(shlex.quote(printable(p)) for p in report.paths)
    steps = []
    if any(_fixable(r) for r in report.rows):
        steps += [f"astro-migrate check --diff {paths}", f"astro-migrate check --fix {paths}"]
    if any(r.fix_applicability == "unsafe" for r in report.rows):
        steps.append(f"astro-migrate check --fix --unsafe-fixes --diff {paths}")
    steps += [f"astro-migrate explain {code}" for code in sorted({r.code for r in report.rows if _blocker(r)})]
    return steps or [f"astro-migrate check {paths}"]


def render(report) -> str:
    rows = report.rows
    out = ["## Astro API v1beta1 migration report", "",
           f"**{deadline.phrase(report.days_left)} ({report.deadline}).**", ""]
    if not rows:
        out += [f"No v1beta1 usage found in {report.files_checked} checked files.", ""]
    fixable = sum(_fixable(r) for r in rows)
    blocked = sum(_blocker(r) for r in rows)
    out += _table(("Findings", "Files", "Fixable", "Blockers (no v1 equivalent)", "Other", "Fixed in this run"),
                  [(len(rows), report.files_with_findings, fixable, blocked, len(rows) - fixable - blocked,
                    report.fixed)])
    if report.baseline is not None:
        out += [f"Baseline: {report.baseline.summary()}.", ""]
    if rows:
        out += ["### Per rule", ""]
        out += _table(("Code", "Rule", "Severity", "Findings", "Fixable", "Blockers"), [
            (code, registry.rule(code).name, min((r.severity for r in rows if r.code == code),
                                               key=("error", "warning", "info").index), n, f, b)
            for code, n, f, b in _counts(rows, lambda r: r.code)
        ])
        with_endpoint = [r for r in rows if r.endpoint is not None]
        if with_endpoint:
            out += ["### Per endpoint", ""]
            out += _table(("Endpoint", "Findings", "Fixable", "Blockers"),
                          [("`" + name + "`", n, f, b) for name, n, f, b in _counts(with_endpoint, lambda r: r.endpoint.label())])
        out += ["### Per file", ""]
        out += _table(("File", "Findings", "Fixable", "Blockers"),
                      [("`" + name + "`", n, f, b) for name, n, f, b in _counts(rows, lambda r: r.path)])
        blockers = [r for r in rows if _blocker(r)]
        if blockers:
            out += ["### Blockers", ""]
            out += [f"- `{_cell(r.path)}:{r.location.row}` {r.code}: {_cell(r.message)}" for r in blockers] + [""]
    out += ["### Next steps", "", "```sh", *_next_steps(report), "```", ""]
    return "\n".join(out)
