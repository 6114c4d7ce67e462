"""Git questions the CLI asks: the repository top, and the files changed since a ref."""
from __future__ import annotations

import os
import subprocess
from typing import Optional

from migrator.project import inputs


class GitError(Exception):
    """git is missing, the folder is not a repository, or the ref is unknown."""


def _git(args: list, cwd: str = ".") -> str:
    inputs.unrecorded()  # git's answer depends on its configuration and environment
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              errors="surrogateescape", check=False)  # file names need not be UTF-8
    except OSError as error:
        raise GitError(f"cannot run git: {error}") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip() or f"git {' '.join(args)} failed")
    return done.stdout


def toplevel(cwd: str = ".") -> Optional[str]:
    """The repository's top folder, None outside a repository."""
    try:
        return _git(["rev-parse", "--show-toplevel"], cwd).strip() or None
    except GitError:
        return None


def _within(path: str, roots: list) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def changed_since(ref: str, paths: list) -> list:
    """Files under `paths` added, copied, modified or renamed since `ref`'s merge base with HEAD,
    committed or not, plus untracked files that are not ignored; relative to the cwd."""
    top = toplevel()
    if top is None:
        raise GitError("--since needs a git repository")
    base = _git(["merge-base", ref, "HEAD"], top).strip()
    changed = _git(["diff", "--name-only", "-z", "--diff-filter=ACMR", base], top).split("\0")
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top).split("\0")
    roots = [os.path.realpath(p) for p in paths]
    out = []
    for name in sorted(set(filter(None, changed + untracked))):
        full = os.path.realpath(os.path.join(top, name))
        if os.path.isfile(full) and _within(full, roots):
            out.append(os.path.relpath(full))
    return out
