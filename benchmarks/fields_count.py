"""Field findings (AM301–AM306) on the project's own fixtures and examples, by language.

    python benchmarks/fields_count.py [--fixed] [--skip FOLDER]...

Each folder of `tests/fixtures/*` and `examples/` is copied to a temporary folder and checked
there as a project of its own (a fixture checked in place makes the whole repo its project).
Prints, per language (the text tier's flavor, or "python"), how many field findings the run
reports and how many carry a safe fix; `--fixed` also counts what a `--fix` run leaves behind.
Run it on two commits to compare what the field analysis follows (`--skip` leaves out fixture
folders one commit lacks, to compare the same files).
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from migrator.api import check
from migrator.options import Options
from migrator.project.filetypes import flavor_of

REPO = Path(__file__).resolve().parent.parent
FIELD_CODES = ("AM301", "AM302", "AM303", "AM304", "AM305", "AM306")


def folders() -> list:
    """The fixture folders checked, each a project of its own."""
    roots = sorted(p for p in (REPO / "tests" / "fixtures").iterdir() if p.is_dir())
    return roots + [REPO / "examples"]


def language(path: str) -> str:
    if path.endswith((".py", ".pyi", ".pyw")):
        return "python"
    return flavor_of(path) or "other"


def count(folder: Path, fix: bool) -> tuple:
    """(findings, safe fixes, findings left after `--fix`) by language, of one folder checked in
    a copy; the last is empty unless `fix`."""
    found, safe, left = Counter(), Counter(), Counter()
    options = Options(select=FIELD_CODES, no_cache=True, jobs=1)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(folder, Path(tmp) / folder.name)
        previous = os.getcwd()
        os.chdir(tmp)
        try:
            for result, finding in check([folder.name], options).findings:
                found[language(result.path)] += 1
                if finding.fix is not None and finding.fix.applicability == "safe":
                    safe[language(result.path)] += 1
            if fix:
                check([folder.name], Options(select=(), no_cache=True, jobs=1, fix=True))
                left.update(language(result.path) for result, _ in check([folder.name], options).findings)
        finally:
            os.chdir(previous)
    return found, safe, left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixed", action="store_true", help="also count what `--fix` leaves")
    parser.add_argument("--skip", action="append", default=[], help="a fixture folder to leave out")
    args = parser.parse_args()
    found, safe, left = Counter(), Counter(), Counter()
    for folder in [f for f in folders() if f.name not in args.skip]:
        one, fixable, remaining = count(folder, args.fixed)
        found.update(one)
        safe.update(fixable)
        left.update(remaining)
    print(f"{'language':<10} {'findings':>8} {'safe fix':>8}" + (f" {'after --fix':>11}" if args.fixed else ""))
    for name in sorted(found):
        row = f"{name:<10} {found[name]:>8} {safe[name]:>8}"
        print(row + (f" {left[name]:>11}" if args.fixed else ""))
    total = f"{'total':<10} {sum(found.values()):>8} {sum(safe.values()):>8}"
    print(total + (f" {sum(left.values()):>11}" if args.fixed else ""))


if __name__ == "__main__":
    main()
