"""The result cache and worker processes change speed, never results."""
from __future__ import annotations

import shutil

from helpers import FIXTURES

from migrator import api as run
from migrator.project.cache import CACHE_DIR


def findings(result) -> list:
    return [(f.path, finding) for f, finding in result.findings]


def make_tree(root, copies=20):
    for i in range(copies):
        shutil.copyfile(FIXTURES / "python" / "strings" / "before.py", root / f"m{i}.py")
    shutil.copytree(FIXTURES / "python" / "crossmodule" / "etl", root / "etl")


def test_parallel_run_equals_serial_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_tree(tmp_path)
    serial = run.check(["."], run.Options(jobs=1, no_cache=True))
    parallel = run.check(["."], run.Options(jobs=2, no_cache=True))
    assert len(findings(serial)) == 202
    assert findings(parallel) == findings(serial)


def test_cache_serves_identical_results_and_notices_edits(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_tree(tmp_path, copies=2)
    cold = run.check(["."], run.Options(jobs=1))
    assert (tmp_path / CACHE_DIR).is_dir()
    warm = run.check(["."], run.Options(jobs=1))
    assert findings(warm) == findings(cold)
    # an edit changes the key: the new content is analysed, not the cached one
    (tmp_path / "m0.py").write_text('URL = "https://api.astronomer.io/v1/organizations"\n')
    edited = run.check(["."], run.Options(jobs=1))
    assert not [f for f in findings(edited) if f[0] == "m0.py"]
    assert len(findings(edited)) == len(findings(cold)) - 10


def test_cached_entries_do_not_leak_between_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_tree(tmp_path, copies=1)
    run.check(["."], run.Options(jobs=1))
    shutil.move("m0.py", "renamed.py")
    result = run.check(["."], run.Options(jobs=1))
    assert {f[0] for f in findings(result)} == {"renamed.py", "etl/common/settings.py"}
    # fixing through a cached analysis edits the right file at the right offsets
    run.check(["renamed.py"], run.Options(jobs=1, fix=True))
    assert (tmp_path / "renamed.py").read_text() == (FIXTURES / "python" / "strings" / "after.py").read_text()
