"""Recall of v1beta1 lines on the project's own fixtures: lines found vs lines present, per tier.

A line is present when it holds a version word (`v1beta1`); it is found when a finding starts on
it. Look-alikes are present too (they hold `v1beta1` and must not be found), so the ratio is a
floor: the lines a file's `# lookalike` / `// lookalike` markers name are counted apart.
`after` files and API specs are left out (they are what a fix gives, or data).

    python benchmarks/recall_text.py [FOLDER ...]      # default: tests/fixtures and examples

Run it with another checkout's package first on the path to compare before and after:
`PYTHONPATH=/path/to/old python benchmarks/recall_text.py tests/fixtures`.
"""
from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from migrator import api
from migrator.options import Options
from migrator.project.filetypes import kind_of

HERE = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = (HERE / "tests" / "fixtures", HERE / "examples")
SKIPPED = re.compile(r"(?:^|/)(?:after(?:/|\.[^/]*$)|specs/)")
LOOKALIKE = re.compile(r"look-?alike", re.IGNORECASE)
VERSION = "v1beta1"


def measured_files(folder: Path) -> list:
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not SKIPPED.search(p.relative_to(folder).as_posix()) and kind_of(str(p)))


def count(folder: Path) -> Counter:
    """present/found/lookalike line counts per tier, checking a copy of `folder`'s files."""
    totals: Counter = Counter()
    with tempfile.TemporaryDirectory() as scratch:
        copies = {}
        for path in measured_files(folder):
            target = Path(scratch) / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copies[str(target)] = path
        run = api.check([scratch], Options(no_cache=True, jobs=1))
        found = {}
        for result in run.files:
            if result.source is not None:
                found[result.path] = {result.source.position(f.start)[0] for f in result.findings
                                      if f.code[:3] in ("AM1", "AM2")}
        for copy in copies:
            tier = kind_of(copy)
            lines = Path(copy).read_text(encoding="utf-8", errors="replace").splitlines()
            rows = found.get(copy, set())
            for row, line in enumerate(lines, start=1):
                if VERSION not in line:
                    continue
                lookalike = bool(LOOKALIKE.search(line))
                totals[tier, "lookalike" if lookalike else "present"] += 1
                if row in rows:
                    totals[tier, "lookalike found" if lookalike else "found"] += 1
    return totals


def main(folders: list) -> None:
    for folder in folders:
        totals = count(Path(folder))
        for tier in sorted({tier for tier, _ in totals}):
            present, found = totals[tier, "present"], totals[tier, "found"]
            share = f"{100 * found / present:.0f}%" if present else "-"
            print(f"{folder} [{tier}]: {found}/{present} v1beta1 lines found ({share}); "
                  f"look-alike lines marked: {totals[tier, 'lookalike']}, found: {totals[tier, 'lookalike found']}")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(folder) for folder in DEFAULT_FOLDERS])
