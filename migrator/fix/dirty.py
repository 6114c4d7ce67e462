"""The dirty-tree guard: a whole-tree `--fix` must not mix its rewrites into uncommitted work.

`dirty_files(paths)` names the files, of those a fix would write, that sit in a git work tree
and differ from what is committed there (changed, staged or untracked): `git diff` could no
longer show the fix alone, nor `git checkout` undo it. Files outside any work tree are never
dirty. When git cannot answer, every file of that work tree counts as dirty.
"""
from __future__ import annotations

import os
import subprocess
from typing import Iterable, Optional

# Set by git hooks; they would point git at another repository or index than the file's own.
_GIT_ENVIRONMENT = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR")


def _work_tree(folder: str, cache: dict) -> Optional[str]:
    """The top of the git work tree holding `folder` (a real path), or None."""
    if folder not in cache:
        if os.path.exists(os.path.join(folder, ".git")):
            cache[folder] = folder
        else:
            parent = os.path.dirname(folder)
            cache[folder] = None if parent == folder else _work_tree(parent, cache)
    return cache[folder]


def _changed(top: str) -> Optional[set]:
    """Real paths of the changed, staged and untracked files under `top`; None if git fails."""
    environment = {k: v for k, v in os.environ.items() if k not in _GIT_ENVIRONMENT}
    try:
        listing = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"],
            cwd=top, env=environment, capture_output=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    entries = [entry for entry in listing.split(b"\0") if len(entry) > 3]
    return {os.path.realpath(os.path.join(top, os.fsdecode(entry[3:]))) for entry in entries}


def dirty_files(paths: Iterable[str]) -> list:
    """The `paths` (in their order, as given) with uncommitted changes in their git work tree."""
    tops: dict = {}
    changes: dict = {}
    dirty = []
    for path in paths:
        real = os.path.realpath(path)
        top = _work_tree(os.path.dirname(real), tops)
        if top is None:
            continue
        if top not in changes:
            changes[top] = _changed(top)
        if changes[top] is None or real in changes[top]:
            dirty.append(path)
    return dirty
