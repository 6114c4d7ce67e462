"""The project root of a run: the folder whose whole tree the project model covers.

Each named path (or the cwd, when none is named) has a root of its own: the nearest ancestor
holding `.git` (a folder, or a file in a worktree or submodule), else the nearest one holding
the configuration (`astro-migrate.toml`, or a `pyproject.toml` with `[tool.astro-migrate]`).
When every path has the same root, that is the run's root. Paths without a root of their own
give the cwd when they all lie inside it, else their common parent.

Paths named from different roots (two repositories, or a repository and a loose file) give
the nearest folder that holds all of those roots: a submodule named beside its superproject
gives the superproject; two unrelated repositories give their common parent, which the run
then treats as one project (each file still imports through its own import roots, see
`modules.py`). Name paths of one project per run to keep the walk small.
"""
from __future__ import annotations

import os
from typing import Iterable, Optional

from migrator.project import config


def _git_root(folder: str) -> Optional[str]:
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _config_root(folder: str) -> Optional[str]:
    try:
        found = config.find([folder])
    except (config.ConfigError, ValueError, AttributeError):
        return None  # a broken file is not a marker here; loading the configuration reports it
    return os.path.dirname(found) if found else None


def own_root(folder: str) -> Optional[str]:
    """The root `folder` belongs to on its own: its git root, else its configuration's folder."""
    return _git_root(folder) or _config_root(folder)


def _folder_of(path: str) -> str:
    return path if os.path.isdir(path) else os.path.dirname(path)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def find_root(paths: Iterable[str], cwd: str) -> str:
    """The project root (an absolute path) for a run on `paths`, relative ones read from `cwd`."""
    cwd = os.path.abspath(cwd)
    folders = [_folder_of(os.path.normpath(os.path.join(cwd, p))) for p in paths] or [cwd]
    owner = {folder: own_root(folder) for folder in set(folders)}
    known = {root for root in owner.values() if root is not None}
    loose = [folder for folder in folders if owner[folder] is None]
    if not loose and len(known) == 1:
        return known.pop()
    if not known:
        return cwd if all(_inside(folder, cwd) for folder in loose) else os.path.commonpath(loose)
    # Different roots: the nearest folder holding them all (a loose path counts as its own
    # folder, or as the cwd when it lies inside the cwd).
    places = known | {cwd if _inside(folder, cwd) else folder for folder in loose}
    return os.path.commonpath(sorted(places))


def project_key(path: str, root: str, cwd: str) -> Optional[str]:
    """`path` (as named or shown, relative to `cwd` or absolute) as a file key of the project
    rooted at `root`: posix, relative to the root; None outside the project."""
    relative = os.path.relpath(os.path.normpath(os.path.join(cwd, path)), root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return relative.replace(os.sep, "/")
