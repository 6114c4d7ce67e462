"""Reading a file the run did not write and must not trust: a regular file, no link followed, no FIFO waited on."""
from __future__ import annotations

import os
import stat

OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_regular(path: str, limit: int) -> bytes | None:
    """The bytes of `path` when it is a regular file (not a link to one) of at most `limit`
    bytes; None for anything else, or when it cannot be read."""
    try:
        descriptor = os.open(path, OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            data = handle.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None
