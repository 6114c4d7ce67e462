"""The `check` command's contract: exit codes, --diff, --select/--ignore, discovery."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from helpers import run_cli

REPO = Path(__file__).resolve().parent.parent
URL_LINE = 'URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments"\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_exit_codes_clean_findings_error(tmp_path):
    clean = write(tmp_path / "clean.py", 'URL = "https://api.astronomer.io/v1/organizations"\n')
    dirty = write(tmp_path / "dirty.py", URL_LINE)
    assert run_cli("check", clean).returncode == 0
    assert run_cli("check", dirty).returncode == 1
    assert run_cli("check", "--exit-zero", dirty).returncode == 0
    missing = run_cli("check", tmp_path / "nope.py")
    assert missing.returncode == 2
    assert "nope.py" in missing.stderr and "no such file" in missing.stderr
    assert run_cli("check", "--no-such-flag").returncode == 2


def test_summary_line_counts_findings_files_fixable_and_days(tmp_path):
    write(tmp_path / "a.py", URL_LINE)
    write(tmp_path / "b.py", 'ALERTS = "https://api.astronomer.io/platform/v1beta1/organizations/o/alerts"\n')
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.stdout.splitlines()[-1] == (
        "Found 2 findings in 2 files (1 fixable with `--fix`, 1 blocked); 34 days until v1beta1 end of support"
    )


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path):
    target = write(tmp_path / "a.py", URL_LINE)
    result = run_cli("check", "--diff", "a.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "--- a/a.py\n+++ b/a.py\n" in result.stdout
    assert '+URL = "https://api.astronomer.io/v1/organizations/o1/deployments"' in result.stdout
    assert target.read_text() == URL_LINE


def test_fix_then_check_is_clean(tmp_path):
    target = write(tmp_path / "a.py", URL_LINE)
    fixed = run_cli("check", "--fix", target)
    assert fixed.returncode == 0, fixed.stdout
    assert target.read_text() == URL_LINE.replace("platform/v1beta1", "v1")
    assert run_cli("check", target).returncode == 0


def test_unknown_path_needs_unsafe_fixes(tmp_path):
    line = 'URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/brand-new-thing"\n'
    target = write(tmp_path / "a.py", line)
    assert run_cli("check", "--fix", target).returncode == 1
    assert target.read_text() == line
    assert run_cli("check", "--fix", "--unsafe-fixes", target).returncode == 0
    assert "api.astronomer.io/v1/organizations" in target.read_text()


def test_select_and_ignore_by_code_or_prefix(tmp_path):
    write(tmp_path / "a.py", URL_LINE + "# https://api.astronomer.io/iam/v1beta1 is old\n")

    def codes(*args):
        out = run_cli("check", "--output-format", "json", *args, "a.py", cwd=tmp_path).stdout
        return sorted(f["code"] for f in json.loads(out))

    assert codes() == ["AM101", "AM104"]
    assert codes("--select", "AM104") == ["AM104"]
    assert codes("--select", "AM1", "--ignore", "AM10") == []
    assert codes("--ignore", "am104") == ["AM101"]


def test_directory_walk_respects_gitignore_and_skips_tool_folders(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "generated/\n*_local.py\n")
    for name in ("app.py", "generated/gen.py", "conf_local.py", "node_modules/x/y.py", ".tox/t.py",
                 "lib/site-packages/s.py", ".venv/lib/v.py", "env2/lib/e.py", "sub/deeper/ok.py"):
        write(tmp_path / name, URL_LINE)
    write(tmp_path / "env2" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "sub" / ".gitignore", "deeper/ok.py\n")
    out = run_cli("check", "--output-format", "json", ".", cwd=tmp_path).stdout
    assert sorted({f["filename"] for f in json.loads(out)}) == ["app.py"]
    # files named on the command line are always checked, as pre-commit passes them
    explicit = run_cli("check", "--output-format", "json", "generated/gen.py", "conf_local.py", cwd=tmp_path)
    assert sorted(f["filename"] for f in json.loads(explicit.stdout)) == ["conf_local.py", "generated/gen.py"]


def test_syntax_error_is_reported_and_other_files_are_still_checked(tmp_path):
    write(tmp_path / "py2.py", 'print "https://api.astronomer.io/iam/v1beta1/organizations"\n')
    write(tmp_path / "ok.py", URL_LINE)
    result = run_cli("check", "--output-format", "json", ".", cwd=tmp_path)
    found = sorted((f["filename"], f["code"]) for f in json.loads(result.stdout))
    # its URL is still found, through the text tier, and never fixed (issue 13 item 9)
    assert found == [("ok.py", "AM101"), ("py2.py", "AM101"), ("py2.py", "AM901")]
    assert "py2.py" in result.stderr and result.returncode == 1


def test_examples_project_fix_leaves_only_what_needs_a_human(tmp_path):
    examples = tmp_path / "examples"
    shutil.copytree(REPO / "examples", examples)
    first = json.loads(run_cli("check", "--output-format", "json", ".", cwd=examples).stdout)
    assert {f["code"] for f in first} >= {"AM101", "AM201"}
    assert run_cli("check", "--fix", ".", cwd=examples).returncode == 1
    after = json.loads(run_cli("check", "--output-format", "json", ".", cwd=examples).stdout)
    # what remains is blocked, or a fix a person must review (its reason says which read)
    assert after and all(f["fix"] is None or f["fix"]["applicability"] == "unsafe" for f in after)
    again = run_cli("check", "--fix", ".", cwd=examples)
    assert "fixed" not in again.stdout.splitlines()[-1]


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


def test_whole_tree_fix_refuses_files_with_uncommitted_changes(tmp_path):
    git("init", "-q", ".", cwd=tmp_path)
    dag = write(tmp_path / "dags" / "etl.py", URL_LINE)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "dags", cwd=tmp_path)
    dag.write_text(URL_LINE + "# work in progress\n")

    refused = run_cli("check", "--fix", ".", cwd=tmp_path)
    assert refused.returncode == 2
    assert "dags/etl.py" in refused.stderr and "--allow-dirty" in refused.stderr
    assert dag.read_text() == URL_LINE + "# work in progress\n"
    # pre-commit passes file names: those are exempt
    assert run_cli("check", "--fix", "dags/etl.py", cwd=tmp_path).returncode == 0
    assert "api.astronomer.io/v1/" in dag.read_text()

    dag.write_text(URL_LINE)
    assert run_cli("check", "--fix", "--allow-dirty", ".", cwd=tmp_path).returncode == 0
    assert "api.astronomer.io/v1/" in dag.read_text()


def test_caret_stays_under_the_url_on_a_long_line(tmp_path):
    line = "x = [" + "1, " * 400 + '"https://api.astronomer.io/iam/v1beta1/organizations/o/teams"]\n'
    write(tmp_path / "long.py", line)
    out = run_cli("check", "long.py", cwd=tmp_path).stdout.splitlines()
    shown, caret = out[1], out[2]
    assert len(shown) < 300
    assert shown[caret.index("^") : caret.index("^") + 11] == "iam/v1beta1"


def test_a_typo_in_select_or_ignore_is_an_error_not_a_green_gate(tmp_path):
    write(tmp_path / "a.py", URL_LINE)
    for option in ("--select", "--ignore"):
        result = run_cli("check", option, "AM999", "a.py", cwd=tmp_path)
        assert result.returncode == 2 and "AM999" in result.stderr


def test_diff_output_is_a_patch_that_applies(tmp_path):
    target = write(tmp_path / "a.py", URL_LINE)
    result = run_cli("check", "--diff", "a.py", cwd=tmp_path)
    assert "findings" not in result.stdout and "would be fixed" in result.stderr
    (tmp_path / "fix.patch").write_text(result.stdout)
    subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, check=True, capture_output=True)
    assert target.read_text() == URL_LINE.replace("platform/v1beta1", "v1")
