"""Isolation for every test: nothing is written into the repository, and no test sees the
folder or the environment another test left behind."""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import settings

# Hypothesis keeps its example database and caches in `.hypothesis/` under the folder pytest
# started in (the repository); give it a private folder instead, removed when pytest ends.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="astro-migrate-hypothesis-")
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = _HYPOTHESIS_HOME
settings.register_profile("astro-migrate", database=None)
settings.load_profile("astro-migrate")


def pytest_unconfigure(config) -> None:
    shutil.rmtree(_HYPOTHESIS_HOME, ignore_errors=True)


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
