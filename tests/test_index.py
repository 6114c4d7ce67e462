"""The project index (issue 16): a file whose stat vouches for it is not read again, any change
to a file is seen (stat, then content hash), and a run served by the index reports exactly what
a fresh run does, fixes and their safety included. Its entries are data only: damaged bytes or a
FIFO are misses; a cache folder that is a symlink is refused with a one-line problem (issue 13)."""
from __future__ import annotations

import os
import time
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator import api
from migrator.cli import main
from migrator.options import Options
from migrator.project.cache import CACHE_DIR, Cache
from migrator.project.index import INDEX, ProjectIndex, Shard
from migrator.project.prefilter import Prefilter

HOSTS = ("api.astronomer.io",)
SETTINGS = 'API = "https://api.astronomer.io/iam/v1beta1"\n'
USERS = ('import requests\nfrom settings import API\n\n\n'
         'def teams():\n    return requests.get(f"{API}/organizations/o/teams")\n')
OTHER = "def helper():\n    return 1\n"
READS_ALERTS = ('import requests\nfrom settings import API\n\n\n'
                'def alerts():\n    return requests.get(f"{API}/organizations/o/alerts")\n')
PAST = time.time() - 3600
SAME_SIZE = OTHER + "#" * (len(READS_ALERTS) - len(OTHER) - 1) + "\n"  # as long as READS_ALERTS


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        (root / name).write_text(text)
        os.utime(root / name, (PAST, PAST))  # old enough for the index to trust its stat


def report(options: Options) -> list:
    return [(f.path, finding) for f, finding in api.check(["."], options).findings]


def assert_served_like_fresh() -> list:
    """A run through the stored index reports what a run without any cache does."""
    fresh = report(Options(jobs=1, no_cache=True))
    assert report(Options(jobs=1)) == fresh
    assert report(Options(jobs=1)) == fresh  # the second run is served by stat alone
    return fresh


def unsafe(found: list, path: str) -> bool:
    return any(p == path and (f.code == "AM202" or (f.fix is not None and f.fix.applicability != "safe"))
               for p, f in found)


def test_every_change_between_runs_is_seen_and_never_makes_an_unsafe_fix_safe(tmp_path):
    os.chdir(tmp_path)
    write(tmp_path, {"settings.py": SETTINGS, "users.py": USERS, "other.py": SAME_SIZE})
    before = assert_served_like_fresh()
    assert not unsafe(before, "settings.py")
    # an importer appears: a module the index knew as mentioning nothing now reads the base
    # for an endpoint v1 does not serve; same size and modification time as before (only ctime moves)
    old = (tmp_path / "other.py").stat()
    (tmp_path / "other.py").write_text(READS_ALERTS)
    os.utime(tmp_path / "other.py", ns=(old.st_atime_ns, old.st_mtime_ns))
    assert unsafe(assert_served_like_fresh(), "settings.py")
    # the importer goes back to reading nothing; then the module holding the base changes
    write(tmp_path, {"other.py": SAME_SIZE})
    assert assert_served_like_fresh() == before
    write(tmp_path, {"settings.py": SETTINGS.replace("iam/v1beta1", "iam/v1")})
    assert not [f for p, f in assert_served_like_fresh() if p == "settings.py"]
    write(tmp_path, {"settings.py": SETTINGS})
    # a new module, a deleted one, a renamed one
    write(tmp_path, {"added.py": READS_ALERTS})
    assert unsafe(assert_served_like_fresh(), "settings.py")
    (tmp_path / "added.py").unlink()
    assert assert_served_like_fresh() == before
    (tmp_path / "users.py").rename(tmp_path / "renamed.py")
    assert assert_served_like_fresh() == before


def test_a_file_is_read_only_when_its_stat_changed_and_its_facts_only_when_its_bytes_did(tmp_path):
    write(tmp_path, {"plain.py": OTHER, "calls.py": SETTINGS})
    cache = Cache(str(tmp_path / CACHE_DIR), INDEX, "index")
    reads = []

    def look(path: Path):
        def read() -> bytes:
            reads.append(path.name)
            return path.read_bytes()
        return ProjectIndex(Prefilter(HOSTS), "salt", cache).look(str(path), read, True)

    def run() -> list:
        reads.clear()
        index = ProjectIndex(Prefilter(HOSTS), "salt", cache)
        found = [index.look(str(tmp_path / name), lambda n=name: reads.append(n) or (tmp_path / n).read_bytes(), True)
                 for name in ("plain.py", "calls.py")]
        index.save()
        return found

    def settled() -> list:
        """Runs until the stat of the last change can vouch (taken over 0.1 s after it)."""
        found = run()
        time.sleep(0.15)
        return found

    first = settled()
    assert reads == ["plain.py", "calls.py"] and [f.data is not None for f in first] == [True, True]
    settled()
    second = run()
    assert reads == [] and [f.facts.digest for f in second] == [f.facts.digest for f in first]
    os.utime(tmp_path / "plain.py", (PAST + 60, PAST + 60))  # touched: read and hashed, same facts
    assert settled()[0].facts.digest == first[0].facts.digest and reads == ["plain.py"]
    settled()
    assert run() and reads == []
    (tmp_path / "plain.py").write_text(OTHER + "# edited\n")  # same inode, new bytes
    assert run()[0].facts.digest != first[0].facts.digest and reads == ["plain.py"]
    assert not look(tmp_path / "plain.py").facts.may_match and look(tmp_path / "calls.py").facts.may_match


def shard_bytes(tmp_path: Path) -> tuple:
    os.chdir(tmp_path)
    write(tmp_path, {"settings.py": SETTINGS, "users.py": USERS, "other.py": OTHER})
    api.check(["."], Options(jobs=1))
    stored = sorted(p for p in (tmp_path / CACHE_DIR / "index").glob("??/*") if p.is_file())
    assert stored and isinstance(Cache(section="index", codec=INDEX).get(stored[0].name), Shard)
    return stored[0], stored[0].read_bytes()


def test_damaged_fifo_and_symlinked_index_entries_are_misses_and_results_stay_right(tmp_path):
    entry, good = shard_bytes(tmp_path)
    cache = Cache(section="index", codec=INDEX)
    expected = report(Options(jobs=1, no_cache=True))

    @settings(max_examples=60, deadline=None, database=None)
    @given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 7)), min_size=1, max_size=4),
           cut=st.one_of(st.none(), st.integers(min_value=0)))
    def flipped(flips, cut):
        damaged = bytearray(good)
        for where, bit in {where % len(damaged): bit for where, bit in flips}.items():
            damaged[where] ^= 1 << bit
        entry.write_bytes(bytes(damaged[: None if cut is None else cut % len(damaged)]))
        assert cache.get(entry.name) is None  # never raises, never a damaged value

    flipped()
    assert report(Options(jobs=1)) == expected
    entry.unlink()
    os.mkfifo(entry)  # a FIFO in its place: a miss at once, not a hang
    assert cache.get(entry.name) is None
    assert report(Options(jobs=1)) == expected


def test_a_cache_folder_linked_outside_the_project_is_refused_in_one_line(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    os.chdir(project)
    write(project, {"settings.py": SETTINGS, "users.py": USERS})
    (project / CACHE_DIR).symlink_to("..")
    result = api.check(["."], Options(jobs=1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]  # no ../.gitignore, no ../index
    [problem] = result.problems
    assert problem.path == CACHE_DIR and "symbolic link" in problem.reason and not problem.explicit
    outcome = CliRunner().invoke(main, ["check", ".", "--as-of", "2026-11-28"])
    assert outcome.exit_code == 1 and isinstance(outcome.exception, SystemExit)  # findings, no traceback
    assert [line for line in outcome.stderr.splitlines() if CACHE_DIR in line] == [
        f"astro-migrate: error: {CACHE_DIR}: {problem.reason}"]
    # a link further down (the index section) is refused too
    (project / CACHE_DIR).unlink()
    (project / CACHE_DIR).mkdir()
    (project / CACHE_DIR / "index").symlink_to(tmp_path)
    api.check(["."], Options(jobs=1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]
