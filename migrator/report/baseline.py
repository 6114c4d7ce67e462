"""Baseline (ratchet): record today's findings, then fail only on new ones.

Entries hold no message, so the file never quotes a v1beta1 URL for the next run to find.
They are identified by `reports.identity` fingerprints with paths relative to the baseline
file, so they survive edits that move a finding and runs from another folder. Rewriting an
existing baseline only drops entries (fixed findings); it never adds new ones.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace

from migrator.report.identity import fingerprints

FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read."""


@dataclass
class Status:
    path: str
    known: int  # findings hidden because the baseline holds them
    fixed: list = field(default_factory=list)  # baseline entries no longer found

    def summary(self) -> str:
        text = f"{self.known} known in baseline {self.path}"
        if self.fixed:
            text += f" ({len(self.fixed)} fixed since it was written: shrink it with --write-baseline {self.path})"
        return text


def _relative(path: str, folder: str) -> str:
    return os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")


def _entries(rows: list, folder: str) -> list:
    prints = fingerprints(rows, lambda row: _relative(row.path, folder))
    return [
        {"fingerprint": fp, "code": row.code, "path": _relative(row.path, folder), "line": row.location.row}
        for fp, row in zip(prints, rows)
    ]


def _in_scope(entry: dict, folder: str, scope) -> bool:
    """Whether the run looked at the entry's file: `scope` is the checked paths, None for all."""
    if scope is None:
        return True
    full = os.path.abspath(os.path.join(folder, entry["path"]))
    roots = [os.path.abspath(p) for p in scope]
    return any(full == r or full.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def read(path: str) -> list:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        return list(data["findings"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BaselineError(f"{path}: not a readable astro-migrate baseline ({error})") from None


def write(path: str, rows: list, scope=None, today: str = "") -> int:
    """Record `rows`; an existing baseline only keeps its entries that are still found (or that
    lie outside `scope`). Returns the number of entries written."""
    folder = os.path.dirname(os.path.abspath(path))
    current = _entries(rows, folder)
    if os.path.exists(path):
        found = {e["fingerprint"] for e in current}
        entries = [e for e in read(path) if e["fingerprint"] in found or not _in_scope(e, folder, scope)]
    else:
        entries = current
    entries.sort(key=lambda e: (e["path"], e["line"], e["code"], e["fingerprint"]))
    data = {"tool": "astro-migrate", "version": FORMAT_VERSION, "written": today, "findings": entries}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    return len(entries)


def apply(report, path: str, scope=None):
    """`report` without the findings the baseline at `path` holds, with a `Status`."""
    folder = os.path.dirname(os.path.abspath(path))
    entries = read(path)
    known = {e["fingerprint"] for e in entries}
    current = _entries(report.rows, folder)
    found = {e["fingerprint"] for e in current}
    rows = [row for row, entry in zip(report.rows, current) if entry["fingerprint"] not in known]
    fixed = [e for e in entries if e["fingerprint"] not in found and _in_scope(e, folder, scope)]
    status = Status(path, len(report.rows) - len(rows), fixed)
    return replace(report, rows=rows, files_with_findings=len({r.path for r in rows}), baseline=status)
