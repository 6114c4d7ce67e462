"""Ignore files and `exclude` patterns, read as leniently as git reads them.

Git accepts every line of a .gitignore: a pattern it cannot use (`!` alone, `foo\\` with a
trailing backslash) simply matches nothing. pathspec refuses the whole file for one such line,
so each line it refuses is dropped, and the rest still apply.
"""
from __future__ import annotations

import os
from typing import Iterable, Optional

MAX_CHARACTERS = 16 * 1024 * 1024  # of an ignore file read; a larger one is not a real one


def spec(lines: Iterable[str]):
    """A gitignore-style spec of `lines`, without the lines no path can match; None when empty."""
    import pathspec

    lines = [line.rstrip("\r\n") for line in lines]
    if not lines:
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:  # pathspec's GitIgnorePatternError: one line git would accept and never match
        usable = [line for line in lines if _usable(line)]
        return pathspec.GitIgnoreSpec.from_lines(usable)


def _usable(line: str) -> bool:
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def folder_spec(directory: str) -> Optional[object]:
    """The spec of `directory`'s .gitignore; None when it has none, or one that cannot be read
    (git skips those too): a FIFO or a folder named .gitignore, no permission, invalid bytes."""
    path = os.path.join(directory, ".gitignore")
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return spec(handle.read(MAX_CHARACTERS).splitlines())
    except OSError:
        return None
