"""Worker processes (issues 13 and 16): started only when the bytes to parse pay for them, started
once a run, exiting with their parent even when it is killed, never many more than the cores; a
file deleted or replaced by a FIFO while a run looks at it costs that file one line, no traceback."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from helpers import FIXTURES

from migrator import analysis, api
from migrator.options import Options
from migrator.workers import EXTRA_JOBS, PARALLEL_MIN_BYTES, Workers, cores, job_count

HOSTS = ("api.astronomer.io",)
REPO = Path(__file__).resolve().parent.parent


def test_jobs_are_capped_near_the_cores_and_the_pool_waits_for_work_that_pays():
    assert job_count(0) == cores()
    assert job_count(5000) == cores() + EXTRA_JOBS
    assert job_count(1) == 1
    assert not Workers(1).worth_it(100 * PARALLEL_MIN_BYTES)  # one job: never a pool
    workers = Workers(2)
    assert not workers.worth_it(PARALLEL_MIN_BYTES - 1) and workers.worth_it(PARALLEL_MIN_BYTES)


def test_workers_start_once_and_analyse_exactly_what_one_process_does():
    files = sorted((FIXTURES / "python" / "strings").glob("*.py"))
    work = [(path.name, "python", path.read_bytes(), HOSTS) for path in files]
    workers = Workers(2)
    try:
        first = workers.map(analysis.analyse_work, work)
        started = {child.pid for child in multiprocessing.active_children()}
        again = workers.map(analysis.analyse_work, work)
        assert {child.pid for child in multiprocessing.active_children()} == started and len(started) == 2
    finally:
        workers.close()
    assert first == again == [analysis.analyse(*item) for item in work]
    assert not multiprocessing.active_children()


KILLED_PARENT = """
import multiprocessing, os, signal, sys
from migrator import analysis
from migrator.workers import Workers
workers = Workers(2)
workers.map(analysis.analyse_work, [("a.py", "python", b"x = 1\\n", ("api.astronomer.io",))] * 4)
print(" ".join(str(child.pid) for child in multiprocessing.active_children()), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().split(")", 1)[1][:3] + " "
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_workers_exit_when_their_parent_is_killed():
    done = subprocess.run([sys.executable, "-c", KILLED_PARENT], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == -9, done.stderr
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if running(pid)]


def test_a_file_deleted_or_replaced_by_a_fifo_during_a_parallel_run_costs_one_line(tmp_path):
    os.chdir(tmp_path)
    for index in range(6):
        (tmp_path / f"m{index}.py").write_bytes((FIXTURES / "python" / "strings" / "before.py").read_bytes())
    victim = tmp_path / "m3.py"
    original = victim.read_bytes()
    stop = threading.Event()

    def swap() -> None:  # delete it, make it a FIFO, put it back, over and over
        while not stop.is_set():
            for step in ("delete", "fifo", "restore"):
                if victim.exists() or victim.is_fifo():
                    victim.unlink()
                if step == "fifo":
                    os.mkfifo(victim)
                elif step == "restore":
                    victim.write_bytes(original)
                time.sleep(0.002)

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        outcomes = [api.check(["."], Options(jobs=2, no_cache=rounds % 2 == 0)) for rounds in range(2)]
    finally:
        stop.set()
        swapper.join()
    for outcome in outcomes:
        others = {f.path: len(f.findings) for f in outcome.files if f.path != "m3.py"}
        assert others == {f"m{index}.py": 10 for index in range(6) if index != 3}
        for result in outcome.files + outcome.problems:
            reason = getattr(result, "error", None) or getattr(result, "reason", None) or ""
            assert "\n" not in reason and "Traceback" not in reason
