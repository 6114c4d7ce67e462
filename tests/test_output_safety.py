"""Output that hostile names and broken streams cannot break (issue 13, items 14, 19 and the
command-line parts of 15): file names that are not UTF-8, file names that carry control
characters or workflow commands, a report or baseline in a missing folder, stdout on a full
device, a symlinked cache folder."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest
from helpers import AS_OF, run_cli

from migrator.cli import main

URL = 'BASE = "https://api.astronomer.io/iam/v1beta1"\n'
EVIL = "x\n::error file=evil.py,line=1::owned\x1b[2J\u202e.py"


def _git(folder, *args):
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=folder,
                   check=True, capture_output=True)


@pytest.fixture
def non_utf8(tmp_path):
    """A git repository with a committed and an untracked file whose names are not UTF-8."""
    folder = tmp_path / "repo"
    folder.mkdir()
    _git(folder, "init", "-q")
    (folder / os.fsdecode(b"old\xff.py")).write_text(URL)
    _git(folder, "add", "-A")
    _git(folder, "commit", "-qm", "x")
    (folder / os.fsdecode(b"new\xfe.py")).write_text(URL)
    return folder


@pytest.mark.parametrize("output_format", ["full", "concise", "sarif", "gitlab", "junit", "markdown", "json",
                                           "json-lines", "github"])
def test_a_file_name_that_is_not_utf8_renders_in_every_format_and_file(non_utf8, output_format):
    shown = run_cli("check", "--output-format", output_format, ".", cwd=non_utf8)
    written = run_cli("check", "--output-format", output_format, "-o", "out/report", ".", cwd=non_utf8)
    assert (shown.returncode, written.returncode) == (1, 1)
    summary = "Found 2 findings in 2 files (2 fixable with `--fix`); 34 days until v1beta1 end of support\n"
    assert written.stderr == (summary if output_format == "github" else "")  # github: stdout is commands only
    text = (non_utf8 / "out" / "report").read_text(encoding="utf-8")
    if output_format == "sarif":
        results = json.loads(text)["runs"][0]["results"]
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
        assert sorted(uris) == ["new%FE.py", "old%FF.py"]  # the name's bytes, percent-encoded
    if output_format == "junit":
        ET.fromstring(text.encode())
    if output_format in ("full", "concise", "markdown", "junit"):
        assert "new\\xfe.py" in text and "old\\xff.py" in text


def test_since_head_takes_file_names_that_are_not_utf8(non_utf8):
    result = run_cli("check", "--since", "HEAD", "--output-format", "concise", ".", cwd=non_utf8)
    assert result.returncode == 1 and result.stderr == ""
    assert result.stdout.startswith("new\\xfe.py:1:") and "old" not in result.stdout


def test_a_file_name_cannot_forge_lines_or_workflow_commands(tmp_path):
    (tmp_path / EVIL).write_text(URL)
    for output_format in ("full", "concise"):
        out = run_cli("check", "--output-format", output_format, ".", cwd=tmp_path).stdout
        assert not any(line.startswith("::") for line in out.splitlines())
        assert "\x1b" not in out and "\u202e" not in out
        assert "x\\n::error file=evil.py,line=1::owned\\x1b[2J\\u202e.py:1:" in out
    commands = run_cli("check", "--output-format", "github", ".", cwd=tmp_path).stdout.splitlines()
    assert len(commands) == 1
    assert commands[0].startswith("::error file=x%0A%3A%3Aerror file=evil.py%2Cline=1%3A%3Aowned")


def test_write_baseline_creates_its_folder(tmp_path):
    (tmp_path / "a.py").write_text(URL)
    result = run_cli("check", "--write-baseline", "ci/baselines/astro.json", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "ci" / "baselines" / "astro.json").read_text())["findings"]


def test_a_baseline_that_cannot_be_written_is_a_one_line_error(tmp_path):
    (tmp_path / "a.py").write_text(URL)
    (tmp_path / "blocker").write_text("a file where the folder should be")
    result = run_cli("check", "--write-baseline", "blocker/astro.json", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("astro-migrate: error: cannot write the baseline blocker/astro.json")
    assert result.stderr.count("\n") == 1


def test_stdout_on_a_full_device_is_a_one_line_error(tmp_path, monkeypatch, capfd):
    """The command in this process, its stdout /dev/full (a traceback would fail the test)."""
    (tmp_path / "a.py").write_text(URL)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ASTRO_MIGRATE_AS_OF", AS_OF)
    with open("/dev/full", "w") as full, contextlib.redirect_stdout(full), pytest.raises(SystemExit) as done:
        main.main(["check", "."], prog_name="astro-migrate")
    assert done.value.code == 2
    assert capfd.readouterr().err == "astro-migrate: error: cannot write the report: No space left on device\n"


def test_clean_removes_a_symlinked_cache_folder_but_not_its_target(tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    project = tmp_path / "project"
    project.mkdir()
    (project / ".astro_migrate_cache").symlink_to(target)
    result = run_cli("clean", cwd=project)
    assert (result.returncode, result.stdout) == (0, "removed .astro_migrate_cache/\n")
    assert not os.path.lexists(project / ".astro_migrate_cache") and (target / "keep.txt").exists()


@pytest.mark.parametrize("separator", ["\v", "\f", "\x1c", "\x85", "\u2028"])
def test_a_workflow_command_is_one_line_whatever_splits_lines(tmp_path, separator):
    """A reader that splits lines as Python does (log viewers, `str.splitlines`) sees one command
    per finding: every line separator in a file name is percent-encoded like CR and LF."""
    (tmp_path / f"a{separator}b.py").write_text(URL)
    out = run_cli("check", "--output-format", "github", ".", cwd=tmp_path).stdout
    assert len(out.splitlines()) == 1 and out.startswith("::error file=a%")
