"""What a run is asked to do: the options every stage reads, and which codes it reports."""
from __future__ import annotations

import datetime
import fnmatch
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from migrator.engine import ruletable


@dataclass
class RunStats:
    """What a run has done so far, for the progress line and `-v`: the pipeline counts and times
    its stages here and calls `listener` (if any) after each step."""

    read: int = 0  # files read
    matched: int = 0  # of those, files the prefilter let through
    analysed: int = 0  # files analysed (from the cache or not)
    cache_hits: int = 0
    stages: dict = field(default_factory=dict)  # stage name -> seconds
    listener: Optional[Callable[["RunStats"], None]] = None
    _since: float = field(default_factory=time.perf_counter)

    def step(self, **counts: int) -> None:
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + value)
        if self.listener is not None:
            self.listener(self)

    def lap(self, stage: str) -> None:
        """End `stage`: the time since the previous lap is added to it."""
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + now - self._since
        self._since = now


@dataclass
class Options:
    """The options of one run (see `project.config.Config.options`)."""

    select: tuple = ()
    ignore: tuple = ()
    hosts: tuple = field(default_factory=lambda: ruletable.facts().hosts)
    exclude: tuple = ()  # gitignore-style patterns for walked files
    extensions: dict = field(default_factory=dict)  # more file names -> kind, see filetypes.kind_of
    per_file_ignores: dict = field(default_factory=dict)  # glob -> code prefixes
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    jobs: int = 0  # worker processes; 0: one per core
    no_cache: bool = False
    today: Optional[datetime.date] = None  # for suppressions with until=; default: the clock
    roots: tuple = ()  # more Python import roots (absolute folders), the `roots` setting
    allow_dirty: bool = True  # --fix may rewrite walked files with uncommitted changes
    stats: Optional[RunStats] = field(default=None, compare=False)  # counts and timings, see RunStats


OFF_BY_DEFAULT = ("AM4",)  # advice: reported only when `select` names it


def selected(code: str, path: str, options: Options) -> bool:
    if options.select and not any(code.startswith(p) for p in options.select):
        return False
    ignored = list(options.ignore)
    ignored += [off for off in OFF_BY_DEFAULT if not any(p.startswith(off) for p in options.select)]
    for pattern, prefixes in options.per_file_ignores.items():
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(os.path.basename(path), pattern):
            ignored.extend(prefixes)
    return not any(code.startswith(p) for p in ignored)
