"""Count the v1beta1 lines the checker finds in the project's own fixtures.

Each fixture case (a folder two levels under tests/fixtures, its `after*` files left out) is
copied to a temporary folder and checked as a project of its own, in this process, with whatever
`migrator` is importable (run it with PYTHONPATH set to another checkout to measure that one).
A line counts as found when a finding about a v1beta1 base or call (AM1xx, AM2xx) is on it.
Printed per fixture group: lines naming `v1beta1`, those found, and the lines found that do not
name it (a base spelled apart from its version: `ASTRO_API = "…/platform"`, `GROUP = "platform"`).

    python scripts/recall.py [tests/fixtures]
"""
from __future__ import annotations

import datetime
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from migrator.api import check
from migrator.options import Options

CODES = ("AM1", "AM2")


def cases(root: Path) -> list:
    return sorted(case for group in root.iterdir() if group.is_dir() for case in group.iterdir() if case.is_dir())


def measure(case: Path) -> tuple:
    """(lines naming v1beta1, of those found, found lines not naming it) for one fixture case."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / case.name
        shutil.copytree(case, project, ignore=shutil.ignore_patterns("after*", ".astro_migrate_cache"))
        run = check([str(project)], Options(no_cache=True, today=datetime.date(2026, 11, 28), jobs=1))
        found = set()
        for result, finding in run.findings:
            if finding.code.startswith(CODES) and result.source is not None:
                found.add((str(Path(result.path).resolve()), result.source.position(finding.start)[0]))
        naming, hit = 0, 0
        for path in project.rglob("*"):
            if not path.is_file():
                continue
            name = str(path.resolve())
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if "v1beta1" in line:
                    naming += 1
                    hit += (name, number) in found
        return naming, hit, len(found) - hit


def main(root: Path) -> None:
    totals: Counter = Counter()
    by_group: dict = {}
    for case in cases(root):
        naming, hit, apart = measure(case)
        group = by_group.setdefault(case.parent.name, Counter())
        group.update(naming=naming, found=hit, apart=apart)
        totals.update(naming=naming, found=hit, apart=apart)
    print(f"{'group':<10} {'v1beta1 lines':>14} {'found':>6} {'found apart':>12}")
    for name, counts in sorted(by_group.items()):
        print(f"{name:<10} {counts['naming']:>14} {counts['found']:>6} {counts['apart']:>12}")
    print(f"{'total':<10} {totals['naming']:>14} {totals['found']:>6} {totals['apart']:>12}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures").resolve())
