"""Run feedback on stderr: the progress line a terminal sees on long runs, and `-v`'s totals."""
from __future__ import annotations

import time
from typing import Optional

from migrator.options import RunStats

CLEAR = "\r\x1b[K"  # back to the start of the line, erase it


def counts(stats: RunStats) -> str:
    return f"{stats.read} files read, {stats.matched} matched, {stats.analysed} analysed"


class ProgressLine:
    """A `RunStats` listener that redraws one line on `stream` (a terminal), starting only once
    the run has taken `after` seconds and at most every `interval` seconds."""

    def __init__(self, stream, after: float = 1.0, interval: float = 0.1):
        self.stream = stream
        self.start = time.monotonic()
        self.after = after
        self.interval = interval
        self.shown: Optional[float] = None  # when the line was last drawn

    def __call__(self, stats: RunStats) -> None:
        now = time.monotonic()
        if now - self.start < self.after or (self.shown is not None and now - self.shown < self.interval):
            return
        self.shown = now
        self.stream.write(f"{CLEAR}astro-migrate: {counts(stats)}")
        self.stream.flush()

    def close(self) -> None:
        """Erase the line, so the report starts on a clean one."""
        if self.shown is not None:
            self.stream.write(CLEAR)
            self.stream.flush()


def for_run(stream, human: bool, quiet: bool, after: float = 1.0) -> Optional[ProgressLine]:
    """The progress line for a run whose report is for a person (`human`) and not `quiet`,
    when `stream` is a terminal; None otherwise (a pipe, a file, a machine format)."""
    isatty = getattr(stream, "isatty", None)
    return ProgressLine(stream, after) if human and not quiet and isatty and isatty() else None


def verbose(stats: RunStats, checked: int) -> list:
    """`-v`'s lines: files checked, what the prefilter and the cache spared, time per stage."""
    times = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in stats.stages.items())
    return [
        f"astro-migrate: {checked} files checked: {counts(stats)} ({stats.cache_hits} cache hits)",
        f"astro-migrate: time per stage: {times}",
    ]
