"""The project as the last run saw it: enough to check a few changed files without the project.

Facts about a file named on the command line come from the whole project: the names that may
hold a base defined in another module (a module naming one may read it). A run that walked the
project stores those names with what it read (`project.inputs`: every folder's entries, every
file's `stat`). A later run on a few files (pre-commit's changed files) may use them instead of
walking, when everything but the named files is as it was: then a named file that cannot match
on its own and names none of them has nothing to report, whatever the rest of the project holds.
The named files' own `stat`s are left out of that comparison (they are the ones that changed),
and so is their freshness when the names are stored (pre-commit runs on files just written).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Iterable, Optional

from migrator.project import inputs
from migrator.project.config import OWN_FILE, PYPROJECT
from migrator.project.records import Records

SNAPSHOTS = Records("projects", schema=1, kept=8)
# Files that shape the walk and the project, whose changes no named file's freshness excuses.
STRUCTURE = frozenset({".gitignore", "pyvenv.cfg", "Dockerfile", ".git", OWN_FILE, PYPROJECT})


def exempt(named: Iterable[str]) -> set:
    """The named files (absolute paths) whose own `stat`s may have changed: not `STRUCTURE`."""
    return {os.path.abspath(path) for path in named if os.path.basename(path) not in STRUCTURE}


def _key(root: str, salt: str) -> str:
    return json.dumps([root, salt])


class Recording:
    """What a run reads, from its start, for the snapshot it may store at its end."""

    def __init__(self, root: str, salt: str, named: Iterable[str]):
        self.key = _key(root, salt)
        self.named = exempt(named)  # what pre-commit just changed: too fresh to vouch for, and not needed
        self.inputs = inputs.start(time.time_ns())

    def save(self, names: Iterable[str]) -> None:
        inputs.stop(self.inputs)
        if self.inputs.vouched_but(self.named):
            SNAPSHOTS.store(self.key, {"names": sorted(names), "listings": self.inputs.listings,
                                       "probes": self.inputs.probes})

    def cancel(self) -> None:
        inputs.stop(self.inputs)


@dataclass
class Stored:
    """A stored snapshot that still holds: the names, and what its run read."""

    names: frozenset
    listings: dict
    probes: dict


def unchanged_but(root: str, salt: str, named: Iterable[str]) -> Optional[Stored]:
    """The stored snapshot, when every folder and every file but the `named` ones (absolute
    paths) is as the run that stored it saw it; else None."""
    record = SNAPSHOTS.load(_key(root, salt))
    if record is None:
        return None
    names, listings, probes = record.get("names"), record.get("listings"), record.get("probes")
    if not (isinstance(names, list) and all(isinstance(n, str) for n in names)
            and isinstance(listings, dict) and isinstance(probes, dict)):
        return None
    skipped = exempt(named)
    others = {path: found for path, found in probes.items() if path not in skipped}
    return Stored(frozenset(names), listings, others) if inputs.unchanged(listings, others) else None
