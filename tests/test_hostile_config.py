"""Issue 13 item 13: configuration and ignore files are read as leniently as git reads them. A
configuration that cannot be used is one line of error naming it (exit 2); an ignore-file line
git accepts is accepted (and, when no path can match it, ignored), never a traceback."""
from __future__ import annotations

import datetime
import json
import os

import pytest
from helpers import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.project import config, ignore

URL_LINE = 'import requests\nrequests.get("https://api.astronomer.io/iam/v1beta1/organizations/acme/users")\n'


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text(URL_LINE)
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "gen.py").write_text(URL_LINE)
    return tmp_path


def files(result) -> list:
    assert "Traceback" not in result.stderr
    return sorted({f["filename"] for f in json.loads(result.stdout)})


@pytest.mark.parametrize("text", [b"tool = 5\n", b"[tool]\nblack = 5\n", b'tool = "x"\n[project]\nname = "p"\n'])
def test_a_pyproject_whose_tool_is_not_a_table_is_not_ours_to_refuse(project, text):
    (project / "pyproject.toml").write_bytes(text)
    result = run_cli("check", "--output-format", "json", ".", cwd=project)
    assert result.returncode == 1 and files(result) == ["app.py", "gen/gen.py"]


@pytest.mark.parametrize("text, says", [
    (b'[tool.astro-migrate]\nexclude = ["caf\xe9"]\n', "not UTF-8"),
    (b"[tool.astro-migrate]\nexclude = [\n", "pyproject.toml"),
    (b"[tool.astro-migrate]\ndeadline = 2027-01-01T00:00:00\n", "deadline"),
    (b"[tool.astro-migrate]\nextension = 5\n", "extension"),
])
def test_a_configuration_that_cannot_be_used_is_one_line_exit_2(project, text, says):
    (project / "pyproject.toml").write_bytes(text)
    result = run_cli("check", ".", cwd=project)
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "pyproject.toml" in line and says in line


def test_a_configuration_named_that_is_a_fifo_is_refused_not_read(project):
    fifo = project / "astro-migrate.toml"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    with pytest.raises(config.ConfigError, match="not a regular file"):
        config.load(["."], explicit=str(fifo))


@pytest.mark.parametrize("lines, checked", [
    ("!\n", ["app.py", "gen/gen.py"]),
    ("foo\\\n", ["app.py", "gen/gen.py"]),
    ("!\nfoo\\\ngen/\n", ["app.py"]),  # the lines no path can match are dropped, the rest apply
    ("\xff\xfe\x00garbage\ngen/\n", ["app.py"]),
])
def test_gitignore_lines_git_accepts_are_accepted(project, lines, checked):
    (project / ".gitignore").write_text(lines, encoding="latin-1")
    result = run_cli("check", "--output-format", "json", ".", cwd=project)
    assert files(result) == checked


@pytest.mark.parametrize("patterns, checked", [
    (["!"], ["app.py", "gen/gen.py"]),
    (["\\"], ["app.py", "gen/gen.py"]),
    (["!", "gen"], ["app.py"]),
])
def test_exclude_patterns_are_read_like_gitignore_lines(project, patterns, checked):
    (project / "pyproject.toml").write_text(f"[tool.astro-migrate]\nexclude = {json.dumps(patterns)}\n")
    result = run_cli("check", "--output-format", "json", ".", cwd=project)
    assert files(result) == checked


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.just(float("nan")) | st.just(datetime.date(2027, 1, 1))
    | st.sampled_from(["", "!", "\\", "AM1", "am101", "x/y", "2027-01-01", "none", "text", "**", "\x00", "é"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "!", "*.py", "AM1"]), inner,
                                                                max_size=2),
    max_leaves=6,
)


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(config.KEYS) + ["unknown"]), VALUES, max_size=4))
def test_fuzz_any_configuration_table_is_a_config_or_one_config_error(table):
    try:
        loaded = config.parse(table, "pyproject.toml")
    except config.ConfigError as error:
        assert "\n" not in str(error) and str(error).startswith("pyproject.toml: ")
        return
    options = loaded.options()
    assert isinstance(options.exclude, tuple) and isinstance(loaded.thresholds.error_within_days, int)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text("!\\/*?[]# \tab.\r", max_size=6), max_size=6))
def test_fuzz_any_ignore_lines_give_a_spec(lines):
    found = ignore.spec(lines)
    if found is not None:
        found.match_file("a/b.py")
