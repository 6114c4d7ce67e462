"""Recall of v1beta1 lines on the project's own fixtures: lines found vs lines present, per tier.

A line is present when it holds a version word (`v1beta1`); it is found when a finding starts on
it or a fix edits it. A line that only gives a name the version (`VER=v1beta1`) is a part, counted
apart: the URL that joins it is found where it is read. Unmarked look-alikes are present too (they
hold `v1beta1` and must not be found), so the ratio is a floor; lines a `# lookalike` marker names
are counted apart.
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

HERE = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = (HERE / "tests" / "fixtures", HERE / "examples")
SKIPPED = re.compile(r"(?:^|/)(?:after(?:/|\.[^/]*$)|specs/)")
LOOKALIKE = re.compile(r"look-?alike", re.IGNORECASE)
VERSION_VALUE = re.compile(r"""^[^=:]*\w["']?\s*(?::=|\?=|=|:)\s*["']?v1beta1["']?;?\s*$""")
VERSION = "v1beta1"


def measured_files(folder: Path) -> list:
    """Every file but `after` files and specs, whatever the checked version reads (so that
    versions that read fewer file types count the same lines as present)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not SKIPPED.search(p.relative_to(folder).as_posix()))


def tier(path: str) -> str:
    return "python" if path.endswith((".py", ".pyi", ".pyw")) else "text"


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
                reported = [f for f in result.findings if f.code[:3] in ("AM1", "AM2")]
                edits = [e.start for f in reported if f.fix for e in f.fix.edits]
                found[result.path] = {result.source.position(at)[0] for at in [f.start for f in reported] + edits}
        for copy in copies:
            lines = Path(copy).read_text(encoding="utf-8", errors="replace").splitlines()
            rows = found.get(copy, set())
            for row, line in enumerate(lines, start=1):
                if VERSION not in line:
                    continue
                kind = "lookalike" if LOOKALIKE.search(line) else "part" if VERSION_VALUE.match(line) else "present"
                totals[tier(copy), kind] += 1
                if row in rows:
                    totals[tier(copy), kind + " found"] += 1
    return totals


def main(folders: list) -> None:
    for folder in folders:
        totals = count(Path(folder))
        for name in sorted({name for name, _ in totals}):
            present, found = totals[name, "present"], totals[name, "present found"]
            share = f"{100 * found / present:.0f}%" if present else "-"
            print(f"{folder} [{name}]: {found}/{present} v1beta1 lines found ({share}); "
                  f"version values: {totals[name, 'part']} ({totals[name, 'part found']} found); "
                  f"marked look-alikes: {totals[name, 'lookalike']} ({totals[name, 'lookalike found']} found)")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(folder) for folder in DEFAULT_FOLDERS])
