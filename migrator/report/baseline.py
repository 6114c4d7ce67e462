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


MAX_BYTES = 256 * 1024 * 1024  # a baseline of a million findings is about 150 MB
ENTRY_FIELDS = {"fingerprint": str, "code": str, "path": str, "line": int}


def _entries_of(data) -> list:
    """The entries of a decoded baseline; raises ValueError naming what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise ValueError("it is not an object with a `findings` list")
    for number, entry in enumerate(data["findings"], start=1):
        if not isinstance(entry, dict):
            raise ValueError(f"finding {number} is not an object")
        for name, kind in ENTRY_FIELDS.items():
            if not isinstance(entry.get(name), kind) or isinstance(entry.get(name), bool):
                raise ValueError(f"finding {number} has no {kind.__name__} `{name}`")
    return data["findings"]


def read(path: str) -> list:
    """The entries of the baseline at `path`. Only a regular file is read (never a FIFO or a
    device, which could be endless), and only up to `MAX_BYTES`; raises `BaselineError`."""
    try:
        if not os.path.isfile(path):
            raise ValueError("not a regular file" if os.path.exists(path) else "no such file")
        with open(path, "rb") as handle:
            # the size before reading (a sparse file costs nothing to make), the read bounded anyway
            large = os.fstat(handle.fileno()).st_size > MAX_BYTES
            data = b"" if large else handle.read(MAX_BYTES + 1)
        if large or len(data) > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES // 2**20} MB")
        return _entries_of(json.loads(data.decode("utf-8")))
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 (byte {error.start})"
    except (OSError, ValueError, RecursionError) as error:
        reason = getattr(error, "strerror", None) or str(error).splitlines()[0] or type(error).__name__
    raise BaselineError(f"{path}: not a readable astro-migrate baseline ({reason})")


def write(path: str, rows: list, scope=None, today: str = "") -> int:
    """Record `rows`; an existing baseline only keeps its entries that are still found (or that
    lie outside `scope`). Returns the number of entries written; raises `BaselineError`."""
    if os.path.exists(path) and not os.path.isfile(path):
        raise BaselineError(f"{path}: not a regular file; a baseline is written to one")
    folder = os.path.dirname(os.path.abspath(path))
    current = _entries(rows, folder)
    if os.path.exists(path):
        found = {e["fingerprint"] for e in current}
        entries = [e for e in read(path) if e["fingerprint"] in found or not _in_scope(e, folder, scope)]
    else:
        entries = current
    entries.sort(key=lambda e: (e["path"], e["line"], e["code"], e["fingerprint"]))
    data = {"tool": "astro-migrate", "version": FORMAT_VERSION, "written": today, "findings": entries}
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.write("\n")
    except OSError as error:
        raise BaselineError(f"{path}: cannot write the baseline ({error.strerror or error})") from None
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
