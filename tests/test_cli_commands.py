"""`rules`, `explain`, `--since`, the deadline clock's inputs, and the command group."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import run_cli

from migrator.engine import ruletable
from migrator.report import explain

URL = 'URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments"\n'


def git(root: Path, *args) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=root,
                   check=True, capture_output=True)


def test_rules_lists_and_filters_the_rule_table():
    everything = run_cli("rules")
    assert everything.returncode == 0
    table = ruletable.load()
    assert everything.stdout.splitlines()[-1] == f"{len(table.operations)} operations"
    blockers = run_cli("rules", "--status", "blocker").stdout.splitlines()
    assert blockers[-1] == f"{sum(op.blocked for op in table.operations)} operations"
    assert all("no v1 equivalent" in line for line in blockers[:-1])
    assert any("ListAlerts" in line for line in blockers)
    fields = run_cli("rules", "--status", "field-change").stdout
    assert "AM301" in fields and "ListAgentTokens" in fields
    assert run_cli("rules", "--status", "gone").returncode == 2


def test_explain_every_code_with_deadline_and_guide():
    out = run_cli("explain", "am101").stdout
    assert out.startswith("AM101 (v1beta1-url):")
    assert 'Before:\n    BASE = "https://api.astronomer.io/platform/v1beta1"' in out
    assert 'After:\n    BASE = "https://api.astronomer.io/v1"' in out
    assert "Deadline: 2027-01-01 (34 days until v1beta1 end of support)" in out
    assert f"Migration guide: {ruletable.load().migration_guide}" in out
    late = run_cli("explain", "AM201", "--as-of", "2027-01-05").stdout
    assert "v1beta1 end of support was 4 days ago" in late
    unknown = run_cli("explain", "AM999")
    assert unknown.returncode == 2 and "unknown code AM999" in unknown.stderr
    from migrator.engine import codes

    assert set(explain.DETAILS) == set(codes.CODES)


def test_as_of_environment_and_flag(tmp_path):
    (tmp_path / "a.py").write_text(URL)
    by_env = run_cli("check", ".", cwd=tmp_path, env={"ASTRO_MIGRATE_AS_OF": "2027-01-01"})
    assert by_env.stdout.splitlines()[-1].endswith("v1beta1 end of support is today")
    by_flag = run_cli("check", "--as-of", "2026-12-31", ".", cwd=tmp_path)
    assert by_flag.stdout.splitlines()[-1].endswith("1 day until v1beta1 end of support")
    bad = run_cli("check", "--as-of", "31/12/2026", ".", cwd=tmp_path)
    assert bad.returncode == 2 and "--as-of" in bad.stderr


def test_since_checks_only_files_changed_since_the_ref(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "old.py").write_text(URL)
    (tmp_path / "touched.py").write_text("X = 1\n")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00https://api.astronomer.io/iam/v1beta1")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    (tmp_path / "touched.py").write_text("X = 1\n" + URL)
    git(tmp_path, "commit", "-q", "-am", "feature work")
    (tmp_path / "dags").mkdir()
    (tmp_path / "dags" / "wip.py").write_text(URL)  # untracked, not ignored
    (tmp_path / "logo.png").write_bytes(b"\x89PNG changed https://api.astronomer.io/iam/v1beta1")
    result = run_cli("check", "--output-format", "json", "--since", "main", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert sorted(f["filename"] for f in json.loads(result.stdout)) == ["dags/wip.py", "touched.py"]
    sub = run_cli("check", "--output-format", "json", "--since", "main", "dags", cwd=tmp_path)
    assert [f["filename"] for f in json.loads(sub.stdout)] == ["dags/wip.py"]
    nothing = run_cli("check", "--since", "HEAD", ".", cwd=tmp_path / "dags")
    assert nothing.stdout.splitlines()[-1].startswith("1 finding in 1 file")  # untracked: still new
    bad = run_cli("check", "--since", "no-such-branch", ".", cwd=tmp_path)
    assert bad.returncode == 2 and "--since no-such-branch" in bad.stderr


def test_since_outside_a_repository_is_an_error(tmp_path):
    result = run_cli("check", "--since", "main", ".", cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.returncode == 2 and "git repository" in result.stderr


def test_group_keeps_the_spec_commands_and_help():
    assert "spec" in run_cli("--help").stdout
    assert run_cli("spec", "--help").returncode == 0
    assert run_cli("check", "--help").stdout.count("--output-format") == 1
