"""Worker processes for the analysis: started once a run, and only when the work pays for them.

Whether to start them is decided by the work's measured cost, the bytes LibCST has to parse:
starting a worker (a process that imports LibCST) costs about what parsing `START_COST_BYTES`
of Python does, so below `PARALLEL_MIN_BYTES` one process is never slower. The workers exit
with the process that started them, even when it is killed (Linux's parent-death signal, and a
thread that watches the parent elsewhere), and `jobs` is capped near the number of cores.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

START_COST_BYTES = 150_000  # Python source one core parses in the time a worker takes to start
PARALLEL_MIN_BYTES = 4 * START_COST_BYTES  # below this, one process is at least as fast
TEXT_COST = 0.1  # a byte of text costs about a tenth of a byte of Python
EXTRA_JOBS = 2  # more workers than cores only help while some wait for the disk
PR_SET_PDEATHSIG = 1


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def job_count(requested: int) -> int:
    """Worker processes for `--jobs requested` (0: one a core), never far above the cores."""
    available = cores()
    return max(1, min(requested or available, available + EXTRA_JOBS))


def cost(kind: str, size: int) -> float:
    """The work of analysing a file of `size` bytes, in bytes of Python."""
    return size if kind == "python" else size * TEXT_COST


def _follow_parent(parent: int) -> None:
    """In a worker: exit when the parent process does (killed, or gone without closing the pool)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="astro-migrate-parent-watch", daemon=True).start()


def _start_worker(parent: int) -> None:
    _follow_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    import libcst  # noqa: F401 - imported once a worker, not once a file

    from migrator.python import analyze  # noqa: F401


class Workers:
    """A pool started on first use and kept for the rest of the run (the importer rounds and the
    fix passes reuse it); `close()` ends it."""

    def __init__(self, jobs: int):
        self.jobs = job_count(jobs)
        self._pool: Optional[ProcessPoolExecutor] = None

    def worth_it(self, work: float) -> bool:
        return self.jobs > 1 and (self._pool is not None or work >= PARALLEL_MIN_BYTES)

    def map(self, function: Callable, items: list) -> list:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor  # 10 ms to import: only for a pool that starts

            self._pool = ProcessPoolExecutor(self.jobs, initializer=_start_worker, initargs=(os.getpid(),))
        chunk = max(1, min(8, len(items) // (self.jobs * 4)))
        return list(self._pool.map(function, items, chunksize=chunk))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
