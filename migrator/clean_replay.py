"""Replay a clean `check` of other files: pre-commit's changed files, in a project that has not changed.

A `check` of named files that the project snapshot let through alone (no file may match on its
own, none names a name that may hold a base elsewhere; see `project.snapshot`) and that found
nothing prints a report that does not depend on which files they were, only on how many: the
same command with other files in their places prints the same. Such a run is stored under the
key of its arguments with each named file replaced by a placeholder, with what it read besides
those files (the snapshot's folders and files, the configuration above them) and what it needs
to judge other files the same way (the names, the prefilter's state). A later run whose
arguments have the same shape is replayed when every stored answer is the same and each of its
files, read now, is one the same judgement lets through: a regular file in a folder the walk
listed, below the root, with no `.git` or configuration in the folders between, not a notebook,
with an extension (the kind of a file without one is read from it), that cannot match and names
none of the names.

Like `replay`, this module imports only small modules of its own: it runs before the command line
is parsed.
"""
from __future__ import annotations

import os
import stat

from migrator.project import inputs
from migrator.project.names import NameSearch
from migrator.project.prefilter import Prefilter
from migrator.project.records import Records
from migrator.project.regular import read_regular

CLEAN = Records("clean", schema=1, kept=16)
PLACEHOLDER = "\0file"
MAX_BYTES = 1024 * 1024  # the smaller of the reading caps (project.reading): a larger file goes the whole way


def template(argv: list) -> tuple:
    """(argv with each token after the command that names a regular file replaced, those tokens)."""
    shape, files = argv[:1], []
    for token in argv[1:]:
        if not token.startswith("-") and os.path.isfile(token):
            files.append(token)
            shape.append(PLACEHOLDER)
        else:
            shape.append(token)
    return shape, files


def record(output: list, recorded: inputs.Inputs, result, paths: list, markers: tuple, pinned: set) -> dict | None:
    """What to store of a clean run on `paths` checked against a snapshot (`result.alone`), or
    None when its report may depend on which files were named. `pinned`: absolute paths the run
    read as more than a file to check (the configuration, the baseline)."""
    from migrator.project.snapshot import STRUCTURE

    named = [os.path.abspath(path) for path in paths]
    root = result.root
    if (len(set(named)) != len(named) or not recorded.vouched_but(named) or not pinned.isdisjoint(named)
            or any(os.path.basename(path) in STRUCTURE for path in named)
            or not os.path.lexists(os.path.join(root, ".git"))  # probed above the paths: it stays
            or any(not path.startswith(root.rstrip(os.sep) + os.sep) for path in named)
            or any(os.path.basename(path) in text for path in named for _, text in output)):
        return None
    # The named files' own stats too: each must stay as judged here while the record is used for others.
    probes = {**result.alone.probes, **recorded.probes}
    return {"output": output, "listings": {**result.alone.listings, **recorded.listings}, "probes": probes,
            "names": sorted(result.alone.names), "prefilter": result.prefilter, "root": root,
            "markers": list(markers), "structure": sorted(STRUCTURE), "pinned": sorted(pinned)}


def replayable(stored: dict, files: list) -> bool:
    """Whether `files` (as named) pass the stored run's judgement, in a project unchanged since."""
    root, listings, probes = stored.get("root"), stored.get("listings"), stored.get("probes")
    markers, names, structure, pinned = (_strings(stored.get(key)) for key in ("markers", "names", "structure", "pinned"))
    if not (isinstance(root, str) and isinstance(listings, dict) and isinstance(probes, dict)
            and markers is not None and names is not None and structure is not None and pinned is not None):
        return False
    named = [os.path.abspath(token) for token in files]
    if (len(set(named)) != len(named) or not set(pinned).isdisjoint(named)
            or any(os.path.basename(path) in structure for path in named)
            or not all(_placed(path, root, listings, markers) for path in named)):
        return False
    if not inputs.unchanged(listings, {p: s for p, s in probes.items() if p not in set(named)}):
        return False
    try:
        prefilter = Prefilter.restored(stored["prefilter"])
    except (ValueError, KeyError):
        return False
    search = NameSearch(names) if names else None
    for path in named:
        data = _read(path)
        if data is None or prefilter.may_match(data) or (search is not None and search.mentions(data)):
            return False
    return True


def _strings(value) -> list | None:
    return value if isinstance(value, list) and all(isinstance(item, str) for item in value) else None


def _placed(path: str, root: str, listings: dict, markers: list) -> bool:
    """A regular file with an extension, not a notebook, in a folder the walk listed, under
    folders below `root` that hold no `.git` or configuration of their own."""
    folder, name = os.path.split(path)
    if "." not in name.lstrip(".") or name.lower().endswith(".ipynb"):
        return False
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
    except OSError:
        return False
    while folder != root:
        if not folder.startswith(root.rstrip(os.sep) + os.sep) or folder not in listings:
            return False
        if any(os.path.lexists(os.path.join(folder, marker)) for marker in markers):
            return False
        folder = os.path.dirname(folder)
    return True


def _read(path: str) -> bytes | None:
    """The bytes of a regular file that every kind of file may be (no NUL, at most `MAX_BYTES`)."""
    data = read_regular(path, MAX_BYTES)
    return data if data is not None and b"\0" not in data else None
