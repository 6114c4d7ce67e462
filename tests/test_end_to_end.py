"""The installed command for real, in a subprocess: what the in-process tests cannot see (the
console script, `python -m migrator`, exit statuses and the two output streams, files on disk)."""
from __future__ import annotations

import json
import stat
import subprocess
import sys

import pytest
from helpers import run_cli_subprocess

pytestmark = pytest.mark.e2e

OLD = 'URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments"\n'
NEW = OLD.replace("platform/v1beta1", "v1")
SUMMARY = "Found 1 finding in 1 file (1 fixable with `--fix`); 34 days until v1beta1 end of support\n"


def test_exit_statuses_and_streams_of_the_console_script(tmp_path):
    (tmp_path / "clean.py").write_text(NEW)
    (tmp_path / "dirty.py").write_text(OLD)
    clean = run_cli_subprocess("check", "clean.py", cwd=tmp_path)
    assert (clean.returncode, clean.stderr) == (0, "")
    dirty = run_cli_subprocess("check", "--output-format", "concise", "dirty.py", cwd=tmp_path)
    assert (dirty.returncode, dirty.stderr) == (1, "")
    assert dirty.stdout.startswith("dirty.py:1:") and dirty.stdout.endswith(SUMMARY)
    missing = run_cli_subprocess("check", "dirty.py", "nope.py", cwd=tmp_path)
    assert missing.returncode == 2
    assert "nope.py" in missing.stderr and "nope.py" not in missing.stdout
    usage = run_cli_subprocess("check", "--no-such-flag")
    assert (usage.returncode, usage.stdout) == (2, "")
    assert usage.stderr.startswith("Usage: astro-migrate check")


def test_python_dash_m_runs_the_same_command(tmp_path):
    (tmp_path / "dirty.py").write_text(OLD)
    script = run_cli_subprocess("check", "--output-format", "json", "dirty.py", cwd=tmp_path)
    module = run_cli_subprocess("check", "--output-format", "json", "dirty.py", cwd=tmp_path,
                                command=[sys.executable, "-m", "migrator"])
    assert (module.returncode, module.stdout, module.stderr) == (script.returncode, script.stdout, script.stderr)
    assert [f["code"] for f in json.loads(module.stdout)] == ["AM101"]


def test_fix_rewrites_the_file_on_disk_keeps_its_mode_and_a_second_fix_changes_nothing(tmp_path):
    target = tmp_path / "dag.py"
    target.write_text(OLD)
    target.chmod(0o640)
    fixed = run_cli_subprocess("check", "--fix", "dag.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert target.read_text() == NEW
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".astro_migrate_cache") == ["dag.py"]
    again = run_cli_subprocess("check", "--fix", "dag.py", cwd=tmp_path)
    assert again.returncode == 0 and target.read_text() == NEW


def test_diff_on_stdout_is_a_patch_git_applies_and_the_summary_goes_to_stderr(tmp_path):
    target = tmp_path / "a.py"
    target.write_text(OLD)
    result = run_cli_subprocess("check", "--diff", "a.py", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/a.py\n+++ b/a.py\n")
    assert "would be fixed" in result.stderr and "would be fixed" not in result.stdout
    assert target.read_text() == OLD
    subprocess.run(["git", "apply"], input=result.stdout, text=True, cwd=tmp_path, check=True, capture_output=True)
    assert target.read_text() == NEW
