"""`rules`, `explain`, `--since`, the deadline clock's inputs, and the command group."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from helpers import AS_OF, cli_runner, run_cli

from migrator.cli import main
from migrator.engine import registry, ruletable

URL = 'URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments"\n'


def git(root: Path, *args) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=root,
                   check=True, capture_output=True)


def invoke(*args, cwd: Path | None = None, env: dict | None = None):
    """The command line in-process (`cwd` entered for the call); result.stdout, .stderr, .exit_code."""
    previous = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return cli_runner().invoke(main, [str(a) for a in args], env={"ASTRO_MIGRATE_AS_OF": AS_OF, **(env or {})})
    finally:
        os.chdir(previous)


def test_rules_lists_and_filters_the_rule_table():
    everything = invoke("rules")
    assert everything.exit_code == 0
    table = ruletable.load()
    lines = everything.stdout.splitlines()
    assert lines[-1] == f"{len(table.operations)} operations"
    teams = next(op for op in table.operations if op.operation_id == "ListTeams")
    assert f"GET    {teams.base}{teams.path} -> {teams.v1_path}  [rewrite]  ListTeams" in lines
    blockers = invoke("rules", "--status", "blocker").stdout.splitlines()
    assert blockers[-1] == f"{sum(op.blocked for op in table.operations)} operations"
    assert all("no v1 equivalent" in line for line in blockers[:-1])
    assert any("ListAlerts" in line for line in blockers)
    fields = invoke("rules", "--status", "field-change").stdout
    assert "AM301" in fields and "ListAgentTokens" in fields
    assert invoke("rules", "--status", "gone").exit_code == 2


def test_explain_a_code_with_its_example_severity_deadline_and_guide():
    out = invoke("explain", "am101").stdout
    rule = registry.rule("AM101")
    assert out.startswith(f"AM101 (v1beta1-url): {rule.summary}\n")
    example = rule.examples[0]
    assert f"Example: {example.file}, line {example.line}\nBefore:\n" in out
    assert "\n".join("    " + line if line else "" for line in example.after.rstrip().split("\n")) in out
    assert "Severity: warning; error within `error-within-days` of end of support" in out
    assert "Deadline: 2027-01-01 (34 days until v1beta1 end of support)." in out
    assert f"Migration guide: {ruletable.load().migration_guide}" in out
    assert f"More: {rule.help_uri}" in out
    late = invoke("explain", "AM201", "--as-of", "2027-01-05").stdout
    assert "v1beta1 end of support was 4 days ago" in late
    assert "Deadline" not in invoke("explain", "AM911").stdout  # not bound to the clock
    assert "After:" not in invoke("explain", "AM201").stdout  # never rewritten
    unknown = invoke("explain", "AM999")
    assert unknown.exit_code == 2 and "unknown code AM999" in unknown.stderr


def test_explain_without_a_code_lists_every_code():
    lines = invoke("explain").stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(registry.rules())
    assert lines[0].split()[1] == "v1beta1-url"


def test_explain_json_is_every_rule_or_one():
    every = json.loads(invoke("explain", "--output-format", "json").stdout)
    assert [entry["code"] for entry in every] == list(registry.rules())
    one = json.loads(invoke("explain", "AM202", "--output-format", "json").stdout)
    assert one == every[[e["code"] for e in every].index("AM202")]
    assert one["name"] == "base-shared-with-blocker" and one["fix"] == "sometimes"
    assert one["examples"][0]["after"] != one["examples"][0]["before"]


def test_as_of_environment_and_flag(tmp_path):
    (tmp_path / "a.py").write_text(URL)
    by_env = run_cli("check", ".", cwd=tmp_path, env={"ASTRO_MIGRATE_AS_OF": "2027-01-01"})
    assert by_env.stdout.splitlines()[-1].endswith("v1beta1 end of support is today")
    by_flag = invoke("check", "--as-of", "2026-12-31", ".", cwd=tmp_path)
    assert by_flag.stdout.splitlines()[-1].endswith("1 day until v1beta1 end of support")
    bad = invoke("check", "--as-of", "31/12/2026", ".", cwd=tmp_path)
    assert bad.exit_code == 2 and "--as-of" in bad.stderr


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
    result = invoke("check", "--output-format", "json", "--since", "main", ".", cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert sorted(f["filename"] for f in json.loads(result.stdout)) == ["dags/wip.py", "touched.py"]
    sub = invoke("check", "--output-format", "json", "--since", "main", "dags", cwd=tmp_path)
    assert [f["filename"] for f in json.loads(sub.stdout)] == ["dags/wip.py"]
    nothing = invoke("check", "--since", "HEAD", ".", cwd=tmp_path / "dags")
    assert nothing.stdout.splitlines()[-1].startswith("Found 1 finding in 1 file")  # untracked: still new
    bad = invoke("check", "--since", "no-such-branch", ".", cwd=tmp_path)
    assert bad.exit_code == 2 and "--since no-such-branch" in bad.stderr


def test_since_outside_a_repository_is_an_error(tmp_path):
    result = invoke("check", "--since", "main", ".", cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.exit_code == 2 and "git repository" in result.stderr


def test_group_keeps_the_spec_commands_and_help():
    assert "spec" in invoke("--help").stdout
    assert invoke("spec", "--help").exit_code == 0
    assert invoke("check", "--help").stdout.count("--output-format") == 1
