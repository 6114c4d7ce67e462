"""Configuration in pyproject.toml / astro-migrate.toml: discovery, every key, errors, `config`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import run_cli

from migrator.project import config

URL = 'URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments"\n'
COMMENT = "# old docs: https://api.astronomer.io/iam/v1beta1/users\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def codes(cwd, *args) -> list:
    result = run_cli("check", "--output-format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return sorted((f["filename"], f["code"]) for f in json.loads(result.stdout))


def test_pyproject_found_above_the_checked_folder(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "dags"\n\n[tool.astro-migrate]\nignore = ["AM104"]\n'
                                       'extend-exclude = ["legacy/"]\n')
    write(tmp_path / "dags" / "sync.py", URL + COMMENT)
    write(tmp_path / "dags" / "legacy" / "old.py", URL)
    assert codes(tmp_path / "dags", ".") == [("sync.py", "AM101")]
    assert codes(tmp_path, "dags") == [("dags/sync.py", "AM101")]


def test_astro_migrate_toml_wins_and_pyproject_without_table_is_skipped(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.astro-migrate]\nselect = ["AM104"]\n')
    write(tmp_path / "team" / "pyproject.toml", '[tool.black]\nline-length = 100\n')
    write(tmp_path / "team" / "sub" / "astro-migrate.toml", 'select = ["AM101"]\n')
    write(tmp_path / "team" / "sub" / "a.py", URL + COMMENT)
    write(tmp_path / "team" / "b.py", URL + COMMENT)
    assert codes(tmp_path / "team" / "sub", ".") == [("a.py", "AM101")]
    assert codes(tmp_path / "team", "b.py") == [("b.py", "AM104")]  # skips team/pyproject.toml


def test_per_file_ignores_select_and_command_line_merge(tmp_path):
    write(tmp_path / "astro-migrate.toml", 'select = ["AM1"]\n[per-file-ignores]\n"tests/*" = ["AM101"]\n')
    write(tmp_path / "tests" / "test_x.py", URL + COMMENT)
    write(tmp_path / "app.py", URL + COMMENT)
    assert codes(tmp_path, ".") == [("app.py", "AM101"), ("app.py", "AM104"), ("tests/test_x.py", "AM104")]
    assert codes(tmp_path, "--ignore", "AM104", ".") == [("app.py", "AM101")]
    assert codes(tmp_path, "--select", "AM104", ".") == [("app.py", "AM104"), ("tests/test_x.py", "AM104")]


def test_extra_hosts_are_astro_api_hosts(tmp_path):
    line = 'URL = "https://astro-proxy.corp.example/iam/v1beta1/organizations/o/teams"\n'
    write(tmp_path / "a.py", line)
    assert codes(tmp_path, ".") == []
    write(tmp_path / "pyproject.toml", '[tool.astro-migrate]\nextra-hosts = ["astro-proxy.corp.example"]\n')
    assert codes(tmp_path, ".") == [("a.py", "AM101")]


def test_deadline_thresholds_and_fail_on(tmp_path):
    write(tmp_path / "a.py", URL)
    write(tmp_path / "pyproject.toml", '[tool.astro-migrate]\ndeadline = "2027-03-31"\n'
                                       'error-within-days = 30\nfail-on = ["error"]\n')
    result = run_cli("check", "--output-format", "json", ".", cwd=tmp_path)  # as of 2026-11-28
    [finding] = json.loads(result.stdout)
    assert finding["days_left"] == 123 and finding["severity"] == "warning"
    assert result.returncode == 0  # warnings do not fail
    late = run_cli("check", "--as-of", "2027-03-15", ".", cwd=tmp_path)
    assert late.returncode == 1 and "[error; 16 days until v1beta1 end of support]" in late.stdout
    assert run_cli("check", "--fail-on", "warning", ".", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize("text, message", [
    ('[tool.astro-migrate]\nselectt = ["AM1"]\nexlcude = []\n', "unknown keys exlcude, selectt"),
    ('[tool.astro-migrate]\nselect = "AM101"\n', "`select` must be a list of strings"),
    ('[tool.astro-migrate]\nignore = ["AM999"]\n', "`ignore` names unknown codes: AM999"),
    ('[tool.astro-migrate]\ndeadline = "Jan 2027"\n', "`deadline`: not a date"),
    ('[tool.astro-migrate]\nerror-within-days = -1\n', "`error-within-days` must be a whole number"),
    ('[tool.astro-migrate]\nfail-on = ["fatal"]\n', "`fail-on` accepts error, warning, info, not fatal"),
    ('[tool.astro-migrate]\nextra-hosts = ["https://proxy/"]\n', "`extra-hosts` takes host names"),
    ('[tool.astro-migrate\n', "pyproject.toml"),
])
def test_bad_configuration_is_an_error_that_names_the_problem(tmp_path, text, message):
    write(tmp_path / "pyproject.toml", text)
    write(tmp_path / "a.py", URL)
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_config_command_prints_the_effective_configuration(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.astro-migrate]\nexclude = ["build/"]\n'
                                       '[tool.astro-migrate.per-file-ignores]\n"scripts/*.sh" = ["AM104"]\n')
    result = run_cli("config", cwd=tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"# from {tmp_path / 'pyproject.toml'}"
    assert 'exclude = ["build/"]' in lines
    assert 'per-file-ignores = { "scripts/*.sh" = ["AM104"] }' in lines
    assert 'deadline = "2027-01-01"' in lines and "error-within-days = 90" in lines
    # the printed text is itself a valid configuration
    printed = config.tomllib.loads(result.stdout)["tool"]["astro-migrate"]
    assert config.parse(printed).exclude == ("build/",)


def test_explicit_config_file(tmp_path):
    custom = write(tmp_path / "ci" / "strict.toml", 'fail-on = ["error"]\nerror-within-days = 0\n')
    write(tmp_path / "a.py", URL)
    assert run_cli("check", ".", cwd=tmp_path).returncode == 1
    assert run_cli("check", "--config", custom, ".", cwd=tmp_path).returncode == 0


def test_options_merge_extend_exclude_into_exclude(tmp_path):
    cfg = config.parse({"exclude": ["a/"], "extend-exclude": ["b/"], "extra-hosts": ["Proxy.Example"]})
    options = cfg.options(ignore=("AM104",), fix=True)
    assert options.exclude == ("a/", "b/") and options.fix
    assert options.hosts == ("api.astronomer.io", "proxy.example")
    assert config.load([str(tmp_path)]) == config.Config()


def test_extension_mapping_and_include_globs_reach_more_files(tmp_path):
    from helpers import run_cli

    url = "https://api.astronomer.io/platform/v1beta1/organizations/o/clusters"
    (tmp_path / "deploy.j2").write_text(f"curl {url}\n")
    (tmp_path / "Tiltfile").write_text(f"sh 'curl {url}'\n")
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "hook.tpl").write_text(f"url = {url}\n")
    (tmp_path / "ops" / "skip.sh").write_text(f"curl {url}\n")

    def files(*args):
        out = run_cli("check", "--output-format", "concise", *args, ".", cwd=tmp_path).stdout
        return sorted({line.split(":")[0] for line in out.splitlines()[:-1]})

    assert files() == ["ops/skip.sh"]
    assert files("--extension", "j2:text", "--extension", "Tiltfile:text") == ["Tiltfile", "deploy.j2", "ops/skip.sh"]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.astro-migrate]\nextension = { j2 = "text", "*.sh" = "none" }\ninclude = ["ops/*.tpl"]\n'
    )
    assert files() == ["deploy.j2", "ops/hook.tpl"]
    (tmp_path / "pyproject.toml").write_text('[tool.astro-migrate]\nextension = { j2 = "yaml" }\n')
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2 and "extension" in result.stderr
