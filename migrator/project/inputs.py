"""What a run's report depends on in the file system, recorded while the run looks (for `replay`).

Recording is off unless a run starts it (`start`; a replay and a project snapshot may record at
once). While it is on, each look at the file system that can change the report is noted: a
folder's entries (name and kind) as the walk listed them, with the folder's modification and
change times (which any entry added, removed or renamed moves: an unmoved folder need not be
listed again), and the `stat` of every file whose bytes were read or whose presence was asked
(a named path, `.gitignore`, `pyproject.toml`, `.git`, a link's target). `unchanged` asks the
same questions again. Each look is noted before the run reads what it looked at, so an edit made
during the run shows as a change. A record cannot vouch for the run (`vouched`) when a file or
folder was modified within `RACY_SECONDS` of the run's start (`fresh`: a second edit in the same
clock tick keeps the same time), when a folder read twice held different entries, or when the
run asked something outside the file system (`unrecorded`: git, whose answer depends on its
configuration).
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable

RACY_SECONDS = 2
BYPRODUCTS = frozenset({".astro_migrate_cache", "__pycache__"})  # folders runs write and no run reads


class Inputs:
    def __init__(self, started_ns: int):
        self.listings: dict = {}  # absolute folder -> [folder_signature() or None (racy), entries_of()]
        self.probes: dict = {}  # absolute path -> signature(), None when absent
        self.fresh: set = set()  # absolute paths of files changed too recently for their stat to vouch
        self.spoiled = False  # a folder changed between two walks, or the run asked git
        self._racy_after = started_ns - RACY_SECONDS * 1_000_000_000

    @property
    def vouched(self) -> bool:
        return self.vouched_but(())

    def vouched_but(self, paths: Iterable[str]) -> bool:
        """Whether the record vouches for the run, leaving out what it read of `paths` (absolute)."""
        return not self.spoiled and self.fresh <= set(paths)

    def listing(self, folder: str, before: list | None, entries: list) -> None:
        """`before`: the folder's signature taken before it was listed; `entries`: `entries_of` it."""
        folder = os.path.abspath(folder)
        vouching = before if before is not None and max(before[0], before[1]) < self._racy_after else None
        seen = self.listings.setdefault(folder, [vouching, entries])
        if seen[1] != entries:  # changed between two walks of one run
            self.spoiled = True

    def probe(self, path: str) -> None:
        absolute = os.path.abspath(path)
        if absolute not in self.probes:
            found = signature(absolute)
            self.probes[absolute] = found
            if found is not None and len(found) == 4 and max(found[1], found[2]) >= self._racy_after:
                self.fresh.add(absolute)


def signature(path: str) -> list | None:
    """What `stat` (through links) says of `path`: a file's size, times and inode; anything else
    by its kind (a folder's entries are a listing); None when there is nothing there."""
    try:
        info = os.lstat(path)  # one call for what is not a link, the common case
    except (OSError, ValueError):  # ValueError: a NUL in a path read from a stored run
        return None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except OSError:
            return ["dangling link"]
    if stat.S_ISREG(info.st_mode):
        return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
    return ["dir" if stat.S_ISDIR(info.st_mode) else f"mode {stat.S_IFMT(info.st_mode)}"]


def folder_signature(folder: str) -> list | None:
    """What says a folder holds the entries it held: its modification and change times (every
    entry added, removed or renamed moves both; setting the times back, as `touch -d`, `tar` or
    `rsync -t` do, moves the change time) and inode; None when it is not a folder."""
    try:
        info = os.stat(folder)
    except (OSError, ValueError):
        return None
    return [info.st_mtime_ns, info.st_ctime_ns, info.st_ino] if stat.S_ISDIR(info.st_mode) else None


def entries_of(entries: Iterable[os.DirEntry]) -> list:
    """A folder's entries as `name/kind` (f file, d folder, l link, o other), sorted, without
    the folders runs write themselves. The kinds come with the listing (no `stat`)."""
    kept = []
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False):
                kept.append(entry.name + "/f")
                continue
            kind = "d" if entry.is_dir(follow_symlinks=False) else "l" if entry.is_symlink() else "o"
        except OSError:
            kind = "?"
        if not (kind == "d" and entry.name in BYPRODUCTS):
            kept.append(f"{entry.name}/{kind}")
    kept.sort()
    return kept


def unchanged(listings: dict, probes: dict) -> bool:
    """Whether every folder still holds the same entries and every probed path the same stat."""
    for path, recorded in probes.items():
        if signature(path) != recorded:
            return False
    for folder, recorded in listings.items():
        if not isinstance(recorded, list) or len(recorded) != 2:
            return False
        if recorded[0] is None or folder_signature(folder) != recorded[0]:  # unvouched, or touched: list it
            try:
                with os.scandir(folder) as found:
                    if entries_of(found) != recorded[1]:
                        return False
            except (OSError, ValueError):
                return False
    return True


RECORDERS: list = []  # the recordings of the run in progress (Inputs), each told every look


def start(started_ns: int) -> Inputs:
    recorder = Inputs(started_ns)
    RECORDERS.append(recorder)
    return recorder


def stop(recorder: Inputs | None = None) -> None:
    """End `recorder`'s recording, or every recording."""
    RECORDERS[:] = [] if recorder is None else [r for r in RECORDERS if r is not recorder]


def probe(path: str) -> None:
    for recorder in RECORDERS:
        recorder.probe(path)


def listing(folder: str, before: list | None, entries: Iterable[os.DirEntry]) -> None:
    """Note a folder's entries, and its signature taken `before` they were read."""
    if RECORDERS:
        found = entries_of(entries)
        for recorder in RECORDERS:
            recorder.listing(folder, before, found)


def unrecorded() -> None:
    """The run asked something whose answer is not in the file system: it cannot be replayed."""
    for recorder in RECORDERS:
        recorder.spoiled = True


def probe_upwards(folder: str, names: tuple) -> None:
    """Probe `names` in `folder` and in each folder above it: what the root and configuration
    look-ups ask for (`.git`, `pyproject.toml`, ...)."""
    if not RECORDERS:
        return
    folder = os.path.abspath(folder)
    while True:
        for name in names:
            probe(os.path.join(folder, name))
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent
