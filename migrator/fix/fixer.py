"""Apply fixes to a text, and write files so that they are never half-written."""
from __future__ import annotations

import os
import stat
from typing import Optional


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


class NotWritten(OSError):
    """A fixed file that was left as it was; `strerror` says why in one line."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.strerror = reason


def _current(path: str, size: int) -> Optional[bytes]:
    """At most `size + 1` bytes of `path` as it is now, or None when it is gone."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size + 1)
    except FileNotFoundError:
        return None


def _check_unchanged(path: str, expected: bytes) -> None:
    current = _current(path, len(expected))
    if current is None:
        raise NotWritten("deleted since it was read; not fixed")
    if current != expected:
        raise NotWritten("changed on disk since it was read; not fixed")


def _keep_owner(path: str, status: os.stat_result) -> None:
    if hasattr(os, "chown") and (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
        try:
            os.chown(path, status.st_uid, status.st_gid)
        except OSError:
            pass  # only root may give a file away; the user's own copy is the best we can do


def _sync_folder(folder: str) -> None:
    """Make the rename durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_atomic(path: str, data: bytes, expected: Optional[bytes] = None) -> None:
    """Replace `path` with `data`: a temporary file in the same folder, renamed over it.

    The file keeps its mode (and owner, where allowed); a symlink keeps pointing at it. With
    `expected` (the bytes the fix was computed from), a file that changed or vanished since
    is left alone. Raises `NotWritten` for that and for read-only files, OSError otherwise;
    either way the file is wholly old or wholly new, even if the process is killed.
    """
    target = os.path.realpath(path)
    try:
        status = os.stat(target)
    except FileNotFoundError:
        raise NotWritten("deleted since it was read; not fixed") from None
    if not stat.S_ISREG(status.st_mode):
        raise NotWritten("no longer a regular file; not fixed")
    if not status.st_mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise NotWritten("read-only file; not fixed")
    folder = os.path.dirname(target)
    temporary = None
    try:
        import tempfile  # only a run that writes pays for it

        handle, temporary = tempfile.mkstemp(prefix=".astro-migrate-", suffix=".tmp", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        _keep_owner(temporary, status)
        if expected is not None:
            _check_unchanged(target, expected)
        os.replace(temporary, target)
        temporary = None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
    _sync_folder(folder)
