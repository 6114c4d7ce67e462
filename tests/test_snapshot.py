"""Pre-commit's few files checked against the stored project snapshot, not a walk of the project.

Each test runs `check` in this process twice or more in one repository: a run on the whole
project (which stores the snapshot), then pre-commit's run on the changed files. Whether the
project was walked is observed (the walk is made to fail), and every report is compared with
the report of a run that uses no cache at all.
"""
from __future__ import annotations

import datetime

import pytest

from migrator import api
from migrator.options import Options
from migrator.project import inputs
from migrator.project.model import Project

SETTINGS = '''\
"""Where our services live."""
import os

ASTRO_API = os.environ.get("ASTRO_API", "https://api.astronomer.io/platform/v1beta1")
TIMEOUT = 30
'''
USES_BASE = '''\
import requests
from include.settings import ASTRO_API, TIMEOUT

def deployments(org):
    return requests.get(f"{ASTRO_API}/organizations/{org}/deployments", timeout=TIMEOUT).json()
'''
CLEAN = '''\
import requests

def weather(city):
    return requests.get(f"https://wttr.in/{city}?format=j1", timeout=10).json()
'''
ALERTS_THROUGH_BASE = '''\
import requests
from include.settings import ASTRO_API

def alerts(org):
    return requests.get(ASTRO_API + f"/organizations/{org}/alerts").json()
'''


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "include").mkdir()
    (tmp_path / "include" / "__init__.py").write_text("")
    (tmp_path / "include" / "settings.py").write_text(SETTINGS)
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "deployments.py").write_text(USES_BASE)
    (tmp_path / "dags" / "weather.py").write_text(CLEAN)
    (tmp_path / "dags" / "report.py").write_text(CLEAN.replace("weather", "report"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(inputs, "RACY_SECONDS", 0)  # files count as settled at once (no 2 s wait)
    return tmp_path


def check(*paths, cache=True) -> list:
    run = api.check(list(paths), Options(no_cache=not cache, today=datetime.date(2026, 11, 28)))
    return sorted((f.path, x.code, x.start, x.message) for f, x in run.findings) + [("checked", run.checked)]


def forbid_walk(monkeypatch) -> None:
    def walk(*args, **kwargs):
        raise AssertionError("the project was walked")

    monkeypatch.setattr(Project, "modules", walk)


def test_a_clean_changed_file_is_checked_without_the_project(repo, monkeypatch):
    check(".")
    (repo / "dags" / "weather.py").write_text(CLEAN + "\n# one more line\n")
    expected = check("dags/weather.py", cache=False)
    forbid_walk(monkeypatch)
    assert check("dags/weather.py") == expected == [("checked", 1)]


def test_a_changed_file_that_names_a_base_defined_elsewhere_is_checked_with_the_project(repo, monkeypatch):
    check(".")
    (repo / "dags" / "weather.py").write_text(ALERTS_THROUGH_BASE)
    expected = check("dags/weather.py", cache=False)
    assert any(code == "AM201" for _, code, _, _ in expected[:-1])
    assert check("dags/weather.py") == expected


def test_a_change_elsewhere_makes_the_snapshot_stale(repo, monkeypatch):
    """settings.py starts without a base (so ASTRO_API is no name to look for), gains one
    without being named, and the named file that reads it must be seen reading it."""
    (repo / "include" / "settings.py").write_text(SETTINGS.replace("platform/v1beta1", "v1"))
    (repo / "dags" / "weather.py").write_text(ALERTS_THROUGH_BASE)
    check(".")
    assert check("dags/weather.py") == [("checked", 1)]  # v1 has no alerts, but nothing beta is called
    (repo / "include" / "settings.py").write_text(SETTINGS)
    expected = check("dags/weather.py", cache=False)
    assert any(code == "AM201" for _, code, _, _ in expected[:-1])
    assert check("dags/weather.py") == expected


def test_a_new_module_elsewhere_makes_the_snapshot_stale(repo, monkeypatch):
    check(".")
    (repo / "include" / "astro.py").write_text('BETA = "https://api.astronomer.io/iam/v1beta1"\n')
    (repo / "dags" / "weather.py").write_text(
        "import requests\nfrom include.astro import BETA\n\n"
        "def teams(org):\n    return requests.get(BETA + f'/organizations/{org}/teams').json()\n")
    expected = check("dags/weather.py", cache=False)
    assert any(code.startswith("AM1") for _, code, _, _ in expected[:-1])
    assert check("dags/weather.py") == expected


def test_several_named_files_and_a_matching_one_walk_the_project(repo, monkeypatch):
    check(".")
    (repo / "dags" / "weather.py").write_text(CLEAN + "\n")
    (repo / "dags" / "report.py").write_text(CLEAN + "\n\n")
    forbid_walk(monkeypatch)
    assert check("dags/weather.py", "dags/report.py") == [("checked", 2)]
    with pytest.raises(AssertionError, match="walked"):
        check("dags/weather.py", "dags/deployments.py")


def test_a_name_that_is_not_one_word_is_still_searched(repo):
    """Connection ids hold dashes: `BaseHook.get_connection("astro-api")` reads what
    airflow_settings.yaml gives `astro-api`, and the index of words must not lose it."""
    (repo / "airflow_settings.yaml").write_text(
        "airflow:\n  connections:\n    - conn_id: astro-api\n      conn_type: http\n"
        "      conn_host: https://api.astronomer.io/platform/v1beta1\n")
    (repo / "dags" / "weather.py").write_text(
        "import requests\nfrom airflow.hooks.base import BaseHook\n\n"
        "def workspaces():\n"
        "    return requests.get(BaseHook.get_connection('astro-api').host + '/organizations/o/workspaces')\n")
    expected = check(".", cache=False)
    assert any(path == "dags/weather.py" for path, *_ in expected[:-1])
    check(".")
    assert check(".") == expected
