"""What a run's report depends on in the file system, recorded while the run looks (for `replay`).

Recording is off unless a run starts it (`start`). While it is on, each look at the file system
that can change the report is noted: a folder's names as the walk listed them, and the `stat`
of every file whose bytes were read or whose presence was asked (a named path, `.gitignore`,
`pyproject.toml`, `.git`, the tool's own code and rules). `unchanged` asks the same questions
again. Each look is noted before the run reads what it looked at, so an edit made during the run
shows as a change; a file modified within `RACY_SECONDS` of the run's start is one whose `stat`
cannot vouch for the bytes read (a second edit in the same clock tick keeps the same time), and
makes the record `fresh`: not to be trusted later.
"""
from __future__ import annotations

import os
import stat
from typing import Iterable, Optional

RACY_SECONDS = 2
BYPRODUCTS = frozenset({".astro_migrate_cache", "__pycache__"})  # written by runs, read by none


class Inputs:
    def __init__(self, started_ns: int):
        self.listings: dict = {}  # absolute folder -> the names it held (`kept_names`)
        self.probes: dict = {}  # absolute path -> signature(), None when absent
        self.fresh = False  # some file changed too recently for its stat to vouch for its bytes
        self._racy_after = started_ns - RACY_SECONDS * 1_000_000_000

    def listing(self, folder: str, names: Iterable[str]) -> None:
        self.listings[os.path.abspath(folder)] = kept_names(names)

    def probe(self, path: str) -> None:
        absolute = os.path.abspath(path)
        if absolute not in self.probes:
            found = signature(absolute)
            self.probes[absolute] = found
            if found is not None and len(found) == 4 and max(found[1], found[2]) >= self._racy_after:
                self.fresh = True


def signature(path: str) -> Optional[list]:
    """What `stat` (through links) says of `path`: a file's size, times and inode; a folder by
    its kind only (its names are a `listing`); None when there is nothing there."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in a path read from a stored run
        return None
    if stat.S_ISREG(info.st_mode):
        return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    return ["dir" if stat.S_ISDIR(info.st_mode) else f"mode {stat.S_IFMT(info.st_mode)}"]


def kept_names(names: Iterable[str]) -> list:
    """A folder's names that can change a report: sorted, without what runs write themselves."""
    return sorted(name for name in names if name not in BYPRODUCTS)


def unchanged(listings: dict, probes: dict) -> bool:
    """Whether every folder still holds the same names and every probed path the same stat."""
    for path, recorded in probes.items():
        if signature(path) != recorded:
            return False
    for folder, names in listings.items():
        try:
            if kept_names(os.listdir(folder)) != names:
                return False
        except (OSError, ValueError):
            return False
    return True


ACTIVE: Optional[Inputs] = None  # the recording of the run in progress, if any


def start(started_ns: int) -> Inputs:
    global ACTIVE
    ACTIVE = Inputs(started_ns)
    return ACTIVE


def stop() -> None:
    global ACTIVE
    ACTIVE = None


def probe(path: str) -> None:
    if ACTIVE is not None:
        ACTIVE.probe(path)


def listing(folder: str, names: Iterable[str]) -> None:
    if ACTIVE is not None:
        ACTIVE.listing(folder, names)


def probe_tree(folder: str, suffix: str) -> None:
    """Probe every file under `folder` whose name ends with `suffix` (the tool's code, its rules)."""
    if ACTIVE is None:
        return
    for place, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if name not in BYPRODUCTS]
        for name in names:
            if name.endswith(suffix):
                ACTIVE.probe(os.path.join(place, name))


def probe_upwards(folder: str, names: tuple) -> None:
    """Probe `names` in `folder` and in each folder above it: what the root and configuration
    look-ups ask for (`.git`, `pyproject.toml`, ...)."""
    if ACTIVE is None:
        return
    folder = os.path.abspath(folder)
    while True:
        for name in names:
            ACTIVE.probe(os.path.join(folder, name))
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent
