"""What is analysed is exactly what was hashed, and a file edited during a fix is not overwritten.

Regressions (issue 13, items 1-2): a pool worker read the file again after the main process
had hashed it, so an edit between the two stored a cache entry for other bytes and a later
`--fix` wrote `f"{API}/organizatiov1oyments"`; `write_atomic` compared, then renamed.
"""
from __future__ import annotations

import datetime
import os

import pytest

from migrator import analysis
from migrator.api import Pipeline
from migrator.engine.match import DEFAULT_HOSTS
from migrator.fix import atomic
from migrator.options import Options
from migrator.workers import PARALLEL_MIN_BYTES

TODAY = datetime.date(2026, 11, 28)
OLD = 'import requests\nAPI = "https://api.astronomer.io/platform/v1beta1"\nrequests.get(f"{API}/organizations/o/deployments")\n'
NOW = 'import requests\nAPI = "https://api.astronomer.io/v1"\n\n\nrequests.get(f"{API}/organizations/o/deployments")\n'


def test_pool_workers_analyse_the_bytes_the_main_process_read(tmp_path):
    """The disk holds other bytes than those read (as after an edit made meanwhile): the
    findings, and so the cache entries, are those of the bytes read."""
    count = 4
    padding = ("#" * 99 + "\n") * (PARALLEL_MIN_BYTES // count // 100 + 1)  # enough to parse for the pool to start
    for index in range(count):
        (tmp_path / f"dag_{index}.py").write_text(NOW)
    read = {str(tmp_path / f"dag_{index}.py"): (OLD + padding).encode() for index in range(count)}
    result = Pipeline(Options(jobs=2, no_cache=True, today=TODAY), overlay=read).run([str(tmp_path)])
    starts = {(os.path.basename(f.path), finding.code, finding.start) for f in result.files for finding in f.findings}
    offset = OLD.index("platform/v1beta1")
    assert starts == {(f"dag_{index}.py", "AM101", offset) for index in range(count)}


def test_a_worker_is_given_the_bytes_and_never_reads_the_file(tmp_path):
    target = tmp_path / "dag.py"
    target.write_text(NOW)
    outcome = analysis.analyse_work((str(target), "python", OLD.encode(), DEFAULT_HOSTS))
    assert outcome.error is None and outcome.facts is not None
    assert analysis.analyse_work((str(target / "gone.py"), "python", OLD.encode(), DEFAULT_HOSTS)).error is None


def test_an_edit_after_the_bytes_were_compared_is_seen_by_the_last_look_before_the_rename(tmp_path):
    target = tmp_path / "dag.py"
    target.write_text(OLD)
    os.utime(target, ns=(10**18, 10**18))  # the edit below must not fall in the same clock tick
    seen = atomic._check_unchanged(str(target), OLD.encode())
    target.write_text(OLD.replace("o/", "x/"))  # same length: only the file's identity tells
    with pytest.raises(atomic.NotWritten, match="changed on disk while it was being fixed"):
        atomic._check_still(str(target), seen)


def test_replacing_the_file_after_the_compare_is_seen_too(tmp_path):
    target = tmp_path / "dag.py"
    target.write_text(OLD)
    seen = atomic._check_unchanged(str(target), OLD.encode())
    replacement = tmp_path / "editor-save.tmp"
    replacement.write_text(OLD)  # the same bytes, saved by an editor through a rename
    os.replace(replacement, target)
    with pytest.raises(atomic.NotWritten):
        atomic._check_still(str(target), seen)
