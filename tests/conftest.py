"""Isolation for every test: nothing is written into the repository, and no test sees the
folder or the environment another test left behind."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis keeps its example database and caches in `.hypothesis/` under the folder pytest
# started in (the repository); give it a private folder instead, removed when pytest ends.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="astro-migrate-hypothesis-")
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = _HYPOTHESIS_HOME
settings.register_profile("astro-migrate", database=None)
settings.load_profile("astro-migrate")

_BEFORE = pytest.StashKey[object]()


def pytest_unconfigure(config) -> None:
    shutil.rmtree(_HYPOTHESIS_HOME, ignore_errors=True)


@pytest.hookimpl(trylast=True)  # after xdist's own hook
def pytest_collection_modifyitems(config, items) -> None:
    """The pre-commit tests first: one worker installs their hooks (the slowest setup) while the
    others run everything else.

    Tests marked `xdist_group` run in one worker under `--dist loadgroup` (pyproject's addopts):
    xdist marks them by appending `@group` to the node id, which pytest 9 no longer lets it set
    (`_nodeid`), so each pre-commit test paid the hook installation (~40 s) in a worker of its own.
    """
    items.sort(key=lambda item: item.get_closest_marker("precommit") is None)
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                 for mark in item.iter_markers("xdist_group")}
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = type(item._id).parse(item.nodeid + suffix)


def _new_files(root: Path):
    """Untracked and ignored paths of the checkout (None outside a git checkout), leaving out
    what pytest itself writes (byte code, its cache)."""
    try:
        listing = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=root, capture_output=True,
                                 text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    paths = {line[3:] for line in listing.splitlines() if line[:2] in ("??", "!!")}
    return {p for p in paths if "__pycache__" not in p and not p.startswith(".pytest_cache")}


def pytest_sessionstart(session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, or a run without xdist
        session.config.stash[_BEFORE] = _new_files(session.config.rootpath)


def pytest_sessionfinish(session) -> None:
    """A test that writes into the repository fails the run, even when its assertions pass."""
    before = session.config.stash.get(_BEFORE, None)
    after = _new_files(session.config.rootpath) if before is not None else None
    if before is None or after is None or not after - before:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.ensure_newline()
        reporter.write_sep("=", f"tests wrote into the repository: {', '.join(sorted(after - before))}", red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def isolated_run(tmp_path_factory):
    """Each test starts in an empty folder of its own (the tool writes its cache into the current
    folder) with the environment it found, and both are restored afterwards."""
    folder = os.getcwd()
    environment = dict(os.environ)
    os.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    os.chdir(folder)
    os.environ.clear()
    os.environ.update(environment)
