"""Find the files to check: walk directories cheaply, honour .gitignore, skip tool folders."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterator, Optional

from migrator.project import ignore, inputs
from migrator.project.filetypes import kind_of
from migrator.project.reading import Unreadable, check_regular

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", ".tox", ".nox", ".venv", "venv",
    "site-packages", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".astro_migrate_cache", ".eggs", ".ipynb_checkpoints",
})


@dataclass(frozen=True)
class Candidate:
    path: str  # as the user would write it (relative to the cwd where possible)
    kind: str  # "python" | "text"
    explicit: bool  # named on the command line: always checked


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str
    explicit: bool = True  # a path the user named (or the folder they named) was not checked


def display(path: str) -> str:
    """`path` relative to the cwd when inside it (a prefix cut where it can: relpath is costly)."""
    if os.path.isabs(path):
        cwd = os.getcwd().rstrip(os.sep) + os.sep
        if path.startswith(cwd) and os.path.normpath(path) == path:
            return path[len(cwd):].replace(os.sep, "/")
        relative = os.path.relpath(path)
    else:
        relative = os.path.normpath(path)
    shown = path if relative.startswith("..") else relative
    return shown.replace(os.sep, "/")


def _ignored(specs: list, path: str, is_dir: bool) -> bool:
    """Whether a spec (rooted at its folder, an absolute path) ignores the absolute `path`."""
    for base, spec in specs:
        if not path.startswith(base.rstrip(os.sep) + os.sep):
            continue
        relative = path[len(base.rstrip(os.sep)) + 1 :].replace(os.sep, "/") + ("/" if is_dir else "")
        if spec.match_file(relative):
            return True
    return False


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def walk(root: str, problems: list, exclude=None, extra: Optional[dict] = None) -> Iterator[Candidate]:
    """Files under `root`; `exclude` is an extra ignore spec (configuration), rooted at the cwd."""
    specs = [] if exclude is None else [(os.path.abspath("."), exclude)]
    parent = os.path.abspath(root)
    # .gitignore files above the root apply too, up to the repository top.
    ancestors = []
    while True:
        ancestors.append(parent)
        if os.path.exists(os.path.join(parent, ".git")):
            break
        up = os.path.dirname(parent)
        if up == parent:
            ancestors = [os.path.abspath(root)]
            break
        parent = up
    for directory in reversed(ancestors[1:]):
        spec = ignore.folder_spec(directory)
        if spec is not None:
            specs.append((directory, spec))
    yield from _walk(root, specs, problems, top=True, extra=extra)


def _kind_by_name(path: str, extra: Optional[dict] = None) -> Optional[str]:
    """The kind of a file with an extension, without opening it (it may be a FIFO)."""
    return kind_of(path, extra) if "." in os.path.basename(path).lstrip(".") else None


def _not_a_file(path: str) -> str:
    """Why a walked name that is neither a folder nor a regular file is not checked."""
    try:
        check_regular(path)
    except Unreadable as error:
        return error.strerror
    except OSError as error:
        return f"{error.strerror or error}; not checked"
    return "vanished while the folder was read; not checked"


def _walk(
    directory: str, specs: list, problems: list, top: bool = False, extra: Optional[dict] = None
) -> Iterator[Candidate]:
    folder = os.path.abspath(directory)
    before = inputs.folder_signature(folder) if inputs.RECORDERS else None  # before it is read
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as error:
        problems.append(Problem(display(directory), error.strerror or str(error), explicit=top))
        return
    if inputs.RECORDERS:
        inputs.listing(folder, before, entries)  # says whether there is a .gitignore; its probe, what it holds
        if any(entry.name == ".gitignore" for entry in entries):
            inputs.probe(os.path.join(folder, ".gitignore"))
    spec = ignore.folder_spec(directory)
    if spec is not None:
        specs = specs + [(folder, spec)]
    for entry in entries:
        full = os.path.join(folder, entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file(follow_symlinks=True)
            if inputs.RECORDERS and entry.is_symlink():
                inputs.probe(full)  # its target may come, go or change kind
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if entry.name in SKIP_DIRS or _ignored(specs, full, True):
                continue
            inputs.probe(os.path.join(full, "pyvenv.cfg"))
            if _is_virtualenv(entry.path):
                continue
            yield from _walk(entry.path, specs, problems, extra=extra)
        elif is_file:
            if "." not in entry.name.lstrip("."):
                inputs.probe(full)  # kind_of reads its first line: a shebang may come
            kind = kind_of(entry.path, extra)
            if kind is not None and not _ignored(specs, full, False):
                inputs.probe(full)
                yield Candidate(display(entry.path), kind, False)
        elif not _is_dir_link(entry) and _kind_by_name(entry.path, extra) and not _ignored(specs, full, False):
            problems.append(Problem(display(entry.path), _not_a_file(entry.path), explicit=False))


def _is_dir_link(entry: os.DirEntry) -> bool:
    """A symlink to a folder: not followed (it could loop), and nothing to report."""
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def exclusion_spec(patterns: tuple):
    """A gitignore-style spec for configured `exclude` patterns, or None."""
    return ignore.spec(patterns) if patterns else None


def discover(paths: list, problems: list, exclude: tuple = (), extra: Optional[dict] = None) -> Iterator[Candidate]:
    """Candidates under `paths`, in a stable order; what cannot be walked goes to `problems`.

    Files named explicitly are always candidates; `exclude` patterns apply to walked files;
    `extra` maps more file names to a kind (see `filetypes.kind_of`).
    """
    seen = set()
    spec = exclusion_spec(exclude)
    for path in paths:
        if os.path.isdir(path):
            found = walk(path, problems, spec, extra)
        elif os.path.exists(path) or os.path.islink(path):
            inputs.probe(path)
            # kind_of may open an extension-less file: never a FIFO, which would block.
            kind = kind_of(path, extra) if os.path.isfile(path) else _kind_by_name(path, extra)
            found = [Candidate(display(path), kind or "text", True)]
        else:
            problems.append(Problem(display(path), "no such file or directory"))
            found = []
        if len(paths) == 1:  # nothing can be found twice
            yield from found
            continue
        for candidate in found:
            if candidate.path not in seen:
                seen.add(candidate.path)
                yield candidate
