"""Pre-commit's clean run replayed for other files: the same command shape, a project unchanged.

The flow of a repository's commits: the whole project was checked once (the snapshot), a commit's
changed file was checked and found clean (the clean run is stored), and the next commit names
another file. Each report is compared with a run that uses no cache; "replayed" is observed (the
command line is made to fail).
"""
from __future__ import annotations

import pytest

import migrator.cli
from migrator import entry
from migrator.project import inputs

SETTINGS = 'import os\nASTRO_API = os.getenv("ASTRO_API", "https://api.astronomer.io/platform/v1beta1")\n'
USES_BASE = ("import requests\nfrom include.settings import ASTRO_API\n\n"
             "def deployments(org):\n    return requests.get(f'{ASTRO_API}/organizations/{org}/deployments').json()\n")
CLEAN = ("import requests\n\ndef {name}(city):\n"
         "    return requests.get(f'https://wttr.in/{{city}}', timeout=10).json()\n")


@pytest.fixture
def repo(tmp_path, monkeypatch, capsys):
    (tmp_path / ".git").mkdir()
    for folder in ("include", "dags", "services/billing"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "include" / "__init__.py").write_text("")
    (tmp_path / "include" / "settings.py").write_text(SETTINGS)
    (tmp_path / "dags" / "deployments.py").write_text(USES_BASE)
    for name in ("weather", "forecast", "tides"):
        (tmp_path / "dags" / f"{name}.py").write_text(CLEAN.format(name=name))
    (tmp_path / "services" / "billing" / "pyproject.toml").write_text('[tool.astro-migrate]\nselect = ["AM4"]\n')
    (tmp_path / "services" / "billing" / "invoices.py").write_text(CLEAN.format(name="invoices"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASTRO_MIGRATE_AS_OF", "2026-11-28")
    monkeypatch.setattr(inputs, "RACY_SECONDS", 0)  # files count as settled at once (no 2 s wait)
    run(".")
    run("dags/weather.py")  # the commit before: a clean run, stored
    return tmp_path


def run(*args) -> tuple:
    with pytest.raises(SystemExit) as ended:
        entry.main(["check", *args])
    return ended.value.code


def report(capsys, *args) -> tuple:
    capsys.readouterr()
    code = run(*args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def forbid_full_run(monkeypatch) -> None:
    def full_run(*args, **kwargs):
        raise AssertionError("the run was not replayed")

    monkeypatch.setattr(migrator.cli, "main", full_run)


def test_another_clean_file_in_its_place_is_replayed(repo, capsys, monkeypatch):
    (repo / "dags" / "forecast.py").write_text(CLEAN.format(name="forecast") + "# tomorrow\n")
    expected = report(capsys, "--no-cache", "dags/forecast.py")
    forbid_full_run(monkeypatch)
    clean = (0, "All checks passed!; 34 days until v1beta1 end of support\n", "")
    assert report(capsys, "dags/forecast.py") == (0, expected[1], expected[2]) == clean


CHANGES = {
    "names a base of another module": ("dags/forecast.py", USES_BASE.replace("deployments", "alerts")),
    "holds a v1beta1 URL": ("dags/forecast.py", "URL = 'https://api.astronomer.io/iam/v1beta1/organizations/o/teams'\n"),
    "is binary": ("dags/forecast.py", "x = 1\0\n"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_named_file_that_does_not_pass_alone_is_checked_in_full(repo, capsys, change):
    path, text = CHANGES[change]
    (repo / path).write_text(text)
    assert report(capsys, "dags/forecast.py") == report(capsys, "--no-cache", "dags/forecast.py")
    assert report(capsys, "dags/forecast.py")[0] != 0


def test_a_file_under_a_configuration_of_its_own_is_checked_in_full(repo, capsys, monkeypatch):
    expected = report(capsys, "--no-cache", "services/billing/invoices.py")
    calls = []
    monkeypatch.setattr(migrator.cli, "main", lambda *a, **k: calls.append(a) or expected_exit(expected))
    report(capsys, "services/billing/invoices.py")
    assert calls  # the full command line ran


def expected_exit(expected):
    raise SystemExit(expected[0])


def test_the_file_named_before_changing_makes_the_record_stale(repo, capsys):
    """weather.py, the clean file of the stored run, gains a base that forecast.py reads: the
    record judged names without it, so forecast.py must be checked in full."""
    (repo / "dags" / "weather.py").write_text('BETA = "https://api.astronomer.io/iam/v1beta1"\n')
    (repo / "dags" / "forecast.py").write_text(
        "import requests\nfrom dags.weather import BETA\n\n"
        "def teams(org):\n    return requests.get(BETA + f'/organizations/{org}/teams').json()\n")
    code, out, _ = report(capsys, "dags/forecast.py")
    assert code == 1 and "dags/forecast.py" in out
    assert (code, out) == report(capsys, "--no-cache", "dags/forecast.py")[:2]


def test_a_change_elsewhere_in_the_project_makes_the_record_stale(repo, capsys, monkeypatch):
    (repo / "include" / "settings.py").write_text(SETTINGS + "TEAMS = ASTRO_API.replace('platform', 'iam')\n")
    (repo / "dags" / "forecast.py").write_text(CLEAN.format(name="forecast") + "# TEAMS\n")
    calls = []
    monkeypatch.setattr(migrator.cli, "main", lambda *a, **k: calls.append(a) or expected_exit((0,)))
    report(capsys, "dags/forecast.py")
    assert calls


def test_a_named_configuration_is_never_judged_as_a_clean_file(repo, capsys):
    """pre-commit passes a changed pyproject.toml among the files: the run's own configuration."""
    (repo / "pyproject.toml").write_text('[tool.astro-migrate]\ndeadline = "2027-01-31"\n')
    run(".")
    run("dags/weather.py", "pyproject.toml")
    (repo / "pyproject.toml").write_text('[tool.astro-migrate]\ndeadline = "2026-12-10"\n')
    assert report(capsys, "dags/weather.py", "pyproject.toml")[1].endswith("12 days until v1beta1 end of support\n")


def test_a_named_baseline_is_never_judged_as_a_clean_file(repo, capsys):
    run("--write-baseline", "base.json", "dags/weather.py")
    run(".")
    run("--baseline=base.json", "dags/weather.py")
    (repo / "base.json").write_text("not json\n")
    assert report(capsys, "--baseline=base.json", "base.json")[0] == 2


def test_a_named_gitignore_keeps_the_snapshot_honest(repo, capsys):
    """Named or not, a .gitignore decides which modules the snapshot's names came from."""
    (repo / "legacy").mkdir()
    (repo / "legacy" / "conf_old.py").write_text('LEGACY_API = "https://api.astronomer.io/platform/v1beta1"\n')
    (repo / ".gitignore").write_text("legacy/\n")
    run(".")
    (repo / ".gitignore").write_text("")
    (repo / "dags" / "forecast.py").write_text(
        "import requests\nfrom legacy.conf_old import LEGACY_API\n"
        "requests.get(f'{LEGACY_API}/organizations/o/workspaces')\n")
    assert report(capsys, ".gitignore", "dags/forecast.py") == report(capsys, "--no-cache", ".gitignore",
                                                                      "dags/forecast.py")


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "json-lines", "sarif", "github", "gitlab",
                                           "junit", "markdown"])
def test_a_replayed_clean_report_names_no_file_of_the_stored_run(repo, capsys, output_format):
    odd = repo / "dags" / "it's.py"
    odd.write_text(CLEAN.format(name="odd"))
    run(".")
    run("--output-format", output_format, str(odd.relative_to(repo)))
    assert report(capsys, "--output-format", output_format, "dags/forecast.py") == report(
        capsys, "--no-cache", "--output-format", output_format, "dags/forecast.py")


def test_a_file_saved_by_rename_is_replayed_too(repo, capsys, monkeypatch):
    """Editors save through a temporary file and a rename: the folder's time moves, its entries
    do not, and the folder is listed again to tell."""
    temporary = repo / "dags" / ".forecast.py.swp"
    temporary.write_text(CLEAN.format(name="forecast") + "# saved\n")
    temporary.replace(repo / "dags" / "forecast.py")
    forbid_full_run(monkeypatch)
    assert report(capsys, "dags/forecast.py")[0] == 0
