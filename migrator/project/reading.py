"""Read a candidate file's bytes, refusing what cannot be checked safely.

`read` never blocks (a FIFO or device is refused before it is opened, and opened without
blocking in case it was swapped in since) and never holds more than a size cap in memory.
Every refusal is an `Unreadable`, an OSError whose `strerror` is a one-line reason.
"""
from __future__ import annotations

import os
import stat
from typing import Optional

from migrator.project import inputs
from migrator.project.filetypes import kind_of

MB = 1024 * 1024
# LibCST needs about 1 GB of memory for each MB of Python it parses: beyond this, not parsed.
MAX_PYTHON_BYTES = 1 * MB
# The text tier reads line by line; minified bundles of a few MB pass, 50 MB dumps do not.
MAX_TEXT_BYTES = 10 * MB

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class Unreadable(OSError):
    """A file that is not checked; `strerror` says why in one line."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.strerror = reason


def limit_for(kind: Optional[str]) -> int:
    return MAX_PYTHON_BYTES if kind == "python" else MAX_TEXT_BYTES


def _refuse_special(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    what = next((name for test, name in _KINDS if test(mode)), "of an unknown type")
    raise Unreadable(f"not a regular file ({what}); not checked")


def check_regular(path: str) -> None:
    """Raise `Unreadable` unless `path` is (a symlink to) a regular file; OSError if unknown."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise Unreadable("broken symlink (its target does not exist); not checked") from None
        raise
    _refuse_special(status.st_mode)


def _size(count: int) -> str:
    return f"{count / MB:.1f} MB"


def read(path: str, kind: Optional[str] = None) -> bytes:
    """The bytes of `path`; `kind` ("python" or "text", by default from the name) sets the cap.

    Raises OSError (FileNotFoundError, PermissionError, ...) or `Unreadable` for a FIFO,
    device, file over the cap, or binary file (one holding a NUL byte).
    """
    inputs.probe(path)
    check_regular(path)
    limit = limit_for(kind if kind is not None else kind_of(path))
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        _refuse_special(status.st_mode)
        if status.st_size > limit:
            raise Unreadable(f"too large to check: {_size(status.st_size)}, over the {_size(limit)} limit")
        # Ask for what the file holds (plus one byte, to notice growth), never for the cap: a
        # buffer of the cap's size for every file would make the allocator hold on to memory.
        data = handle.read(min(status.st_size, limit) + 1)
    if len(data) > limit:
        raise Unreadable(f"too large to check: over the {_size(limit)} limit (it grew while read)")
    if b"\0" in data:
        raise Unreadable("binary file (it holds NUL bytes); not checked")
    return data
