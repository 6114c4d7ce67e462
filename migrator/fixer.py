"""Apply fixes to a text, and write files so that they are never half-written."""
from __future__ import annotations

import os
import stat
import tempfile


def apply(text: str, edits: list) -> str:
    """`text` with non-overlapping `edits` applied (an edit overlapping an earlier one is skipped)."""
    out, pos = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            continue
        out.append(text[pos : edit.start])
        out.append(edit.content)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def shift(offset: int, edits: list) -> int:
    """Where `offset` lands once `edits` (all before or around it) are applied."""
    delta = 0
    for edit in edits:
        if edit.end <= offset:
            delta += len(edit.content) - (edit.end - edit.start)
    return offset + delta


def write_atomic(path: str, data: bytes) -> None:
    """Replace `path` with `data`: a temporary file in the same folder, renamed over it."""
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    handle, temporary = tempfile.mkstemp(prefix=".astro-migrate-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
