"""The command line as a person sees it (issue 17): colour, the summary line, --statistics,
--show-fixes, -q, -v, --exclude, the progress line, explain/rules/spec listings, the default gate
for comments, suppressions on the wrong line, endpoints shown with {…}."""
from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import select

import pytest
from helpers import AS_OF, run_cli

from migrator import api, cli
from migrator.engine import registry
from migrator.options import Options, RunStats
from migrator.report import progress

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SAFE = 'URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments"\n'
BLOCKED = ('import requests\nBASE = "https://api.astronomer.io/platform/v1beta1"\n\n\n'
           'def alerts(org):\n    return requests.get(f"{BASE}/organizations/{org}/alerts")\n')
COMMENT = "# see https://api.astronomer.io/platform/v1beta1/organizations/{org}/deployments\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "safe.py").write_text(SAFE)
    (tmp_path / "blocked.py").write_text(BLOCKED)
    return tmp_path


def test_summary_says_what_is_fixable_with_which_flag_then_what_fix_left(project):
    before = run_cli("check", ".", cwd=project)
    assert before.stdout.splitlines()[-1] == (
        "Found 2 findings in 2 files (1 fixable with `--fix`, 1 blocked); 34 days until v1beta1 end of support")
    diff = run_cli("check", "--diff", ".", cwd=project)
    assert diff.stderr == (
        "Found 2 findings (1 would be fixed, 1 remaining: 1 blocked); 34 days until v1beta1 end of support\n")
    after = run_cli("check", "--fix", ".", cwd=project)
    assert after.stdout.splitlines()[-1] == (
        "Found 2 findings (1 fixed, 1 remaining: 1 blocked); 34 days until v1beta1 end of support")
    (project / "blocked.py").unlink()
    assert run_cli("check", ".", cwd=project).stdout == "All checks passed!; 34 days until v1beta1 end of support\n"


def test_colour_follows_color_no_color_and_force_color(project):
    def colored(*args, env=None) -> bool:
        return bool(ANSI.search(run_cli("check", *args, ".", cwd=project, env=env).stdout))

    assert colored("--color", "always") and not colored("--color", "never")
    assert not colored()  # CliRunner's stdout is not a terminal
    assert colored(env={"FORCE_COLOR": "1"})
    assert not colored(env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not colored("--color", "always", "--output-format", "json")
    plain = run_cli("check", ".", cwd=project).stdout
    assert ANSI.sub("", run_cli("check", "--color", "always", ".", cwd=project).stdout) == plain


def _read_all(fd: int) -> bytes:
    out = b""
    while select.select([fd], [], [], 0.1)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other side closed (Linux raises EIO)
            break
        if not chunk:
            break
        out += chunk
    return out


def test_colour_on_a_real_terminal_and_plain_when_piped(project, monkeypatch):
    """The command in this process with its stdout on a pseudo-terminal, then on a pipe."""
    monkeypatch.chdir(project)
    monkeypatch.setenv("ASTRO_MIGRATE_AS_OF", AS_OF)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    main, secondary = pty.openpty()
    read, write = os.pipe()
    for stream, end in ((open(secondary, "w", encoding="utf-8"), main), (open(write, "w", encoding="utf-8"), read)):
        with stream, contextlib.redirect_stdout(stream), pytest.raises(SystemExit) as done:
            cli.main.main(["check", "."], prog_name="astro-migrate")
        assert done.value.code == 1
        shown = _read_all(end).decode()
        os.close(end)
        assert "Found 2 findings" in ANSI.sub("", shown)
        assert ("\x1b[" in shown) == (end == main)


def test_progress_line_on_a_terminal_counts_files_and_is_erased(project):
    main, secondary = pty.openpty()
    with open(secondary, "w", encoding="utf-8", closefd=True) as terminal:
        line = progress.ProgressLine(terminal, after=0, interval=0)
        api.check([project], Options(no_cache=True, stats=RunStats(listener=line)))
        line.close()
        shown = _read_all(main).decode()
    os.close(main)
    assert "astro-migrate: 2 files read, 2 matched, 2 analysed" in shown
    assert shown.endswith(progress.CLEAR)


def test_no_progress_line_when_piped_quiet_or_in_a_machine_format():
    read, write = os.pipe()
    main, secondary = pty.openpty()
    with open(write, "w") as piped, open(secondary, "w") as terminal:
        assert progress.for_run(piped, human=True, quiet=False) is None
        assert progress.for_run(terminal, human=False, quiet=False) is None  # json, sarif, -o ...
        assert progress.for_run(terminal, human=True, quiet=True) is None
        assert progress.for_run(terminal, human=True, quiet=False) is not None
    os.close(read)
    os.close(main)


def test_progress_line_waits_for_slow_runs_only(project):
    main, secondary = pty.openpty()
    with open(secondary, "w", encoding="utf-8") as terminal:
        line = progress.ProgressLine(terminal, after=60)
        api.check([project], Options(no_cache=True, stats=RunStats(listener=line)))
        line.close()
        assert _read_all(main) == b""
    os.close(main)


def test_statistics_quiet_verbose_and_exclude(project):
    stats = run_cli("check", "--statistics", ".", cwd=project).stdout.splitlines()
    assert stats[:2] == ["1\tAM101\t[*] v1beta1-url", "1\tAM201\t[ ] no-v1-equivalent"]
    quiet = run_cli("check", "-q", "--output-format", "concise", ".", cwd=project)
    assert [line.split(": ")[1].split()[0] for line in quiet.stdout.splitlines()] == ["AM201", "AM101"]
    assert quiet.stderr == ""
    verbose = run_cli("check", "-v", "--no-cache", ".", cwd=project)
    assert "2 files checked: 2 files read, 2 matched, 2 analysed (0 cache hits)" in verbose.stderr
    stages = r"time per stage: read [\d.]+ s, analyse [\d.]+ s, link [\d.]+ s, fix [\d.]+ s, report"
    assert re.search(stages, verbose.stderr)
    excluded = run_cli("check", "--exclude", "blocked.py,nothing/", "--output-format", "concise", ".", cwd=project)
    assert excluded.stdout.startswith("safe.py:1:") and "blocked.py" not in excluded.stdout


def test_show_fixes_shows_the_line_after_the_fix_and_what_fix_changed(project):
    shown = run_cli("check", "--show-fixes", "safe.py", cwd=project).stdout
    assert '  - URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments"' in shown
    assert '  + URL = "https://api.astronomer.io/v1/organizations/o1/deployments"' in shown
    fixed = run_cli("check", "--fix", "--show-fixes", ".", cwd=project)
    assert "1 finding fixed:\n  safe.py: 1\n" in fixed.stderr


def test_github_format_writes_only_workflow_commands_to_stdout(project):
    result = run_cli("check", "--output-format", "github", ".", cwd=project)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in result.stdout.splitlines())
    assert result.stderr.startswith("Found 2 findings")


def test_a_comment_never_fails_the_default_gate_a_blocker_does(tmp_path):
    (tmp_path / "notes.py").write_text(COMMENT)
    for date in ("2026-01-01", "2026-12-31", "2027-06-01"):
        result = run_cli("check", "--as-of", date, "--output-format", "concise", ".", cwd=tmp_path)
        assert (result.returncode, "AM104" in result.stdout, "[info;" in result.stdout) == (0, True, True)
    assert run_cli("check", "--fail-on", "info", ".", cwd=tmp_path).returncode == 1
    (tmp_path / "blocked.py").write_text(BLOCKED)
    assert run_cli("check", "--as-of", "2026-01-01", ".", cwd=tmp_path).returncode == 1


def test_a_suppression_on_the_wrong_line_says_where_the_finding_is(tmp_path):
    lines = BLOCKED.splitlines()
    lines.insert(2, "# astro-migrate: ignore[AM201] no v1 alerts API yet")
    (tmp_path / "a.py").write_text("\n".join(lines) + "\n")
    out = run_cli("check", "--output-format", "concise", "a.py", cwd=tmp_path).stdout
    assert ("AM913 the suppression of AM201 suppresses nothing; "
            "AM201 is reported at line 7: put the suppression there") in out


def test_endpoints_show_every_placeholder_as_an_ellipsis(tmp_path):
    (tmp_path / "a.py").write_text(
        'import os\nimport requests\nORG = os.getenv("ORG", "clx42")\n'
        'requests.get(f"https://api.astronomer.io/platform/v1beta1/organizations/{ORG}/alerts")\n'
        'requests.get("https://api.astronomer.io/iam/v1beta1/organizations/clx42/tokens")\n')
    out = run_cli("check", "--output-format", "concise", "a.py", cwd=tmp_path).stdout
    assert "(`platform/v1beta1/organizations/{…}/alerts`)" in out
    assert "(`iam/v1beta1/organizations/{…}/tokens`)" in out
    assert "clx42" not in "".join(line.split(" [")[0].split(": ", 1)[1] for line in out.splitlines()[:-1])


def test_explain_lists_every_code_rules_repeat_no_code_spec_diff_takes_output_format(tmp_path):
    listing = run_cli("explain").stdout.splitlines()
    assert [line.split()[0] for line in listing] == list(registry.rules())
    assert all(registry.rule(line.split()[0]).summary in line for line in listing)
    for line in run_cli("rules", "--status", "field-change").stdout.splitlines()[:-1]:
        codes = re.findall(r"AM\d{3}", line)
        assert codes and len(codes) == len(set(codes))
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1.0"}, "paths": {}}))
    new.write_text(json.dumps({"openapi": "3.0.0", "info": {"title": "t", "version": "1.1"},
                               "paths": {"/teams": {"get": {"operationId": "ListTeams"}}}}))
    changed = run_cli("spec", "diff", old, new, "--output-format", "json")
    assert changed.returncode == 1 and "ListTeams" in json.dumps(json.loads(changed.stdout))
