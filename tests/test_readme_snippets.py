"""Every command and configuration block of the README runs as pasted (issue 17).

`astro-migrate` commands run in this process through the installed package (CliRunner), in a copy
of examples/; install commands are checked for their form (a local source, no package index) but
not run, since they would reinstall the package under test; commands that need the network are
parsed (their options must exist) but not run. The GitHub workflow is run by test_action.py.
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from helpers import run_cli
from readme_blocks import blocks

from migrator.cli import main
from migrator.engine import registry

REPO = Path(__file__).resolve().parent.parent
NETWORK = re.compile(r"https://|\[SPEC\]")  # commands that fetch, or name their arguments in brackets


def claimed(test: str) -> list:
    found = [block for block in blocks() if CLAIMS[test](block)]
    assert found, f"no README block for {test}"
    return found


CLAIMS = {
    "two commands": lambda b: b.line < 30,
    "commands": lambda b: b.language in ("sh", "console") and b.line >= 30,
    "pre-commit": lambda b: b.text.startswith("# .pre-commit-config.yaml"),
    "github": lambda b: b.language == "yaml" and "\njobs:" in b.text,
    "gitlab": lambda b: b.text.startswith("# .gitlab-ci.yml"),
    "suppressions": lambda b: b.language == "python" and "astro-migrate: ignore" in b.text,
    "before-after": lambda b: b.language == "python" and b.text.startswith("# before"),
    "configuration": lambda b: b.language == "toml" and not _editor(b),
    "editor (run by test_lsp.py)": lambda b: _editor(b),
}


def _editor(block) -> bool:
    """An editor's snippet that starts the language server."""
    return '"lsp"' in block.text


def test_every_block_is_run_by_exactly_one_test():
    for block in blocks():
        owners = [name for name, claims in CLAIMS.items() if claims(block)]
        assert len(owners) == 1, f"README line {block.line}: run by {owners or 'no test'}"


@pytest.fixture
def examples(tmp_path) -> Path:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path


@pytest.fixture
def project(tmp_path) -> Path:
    """A small project with a fixable finding and a blocker (faster than examples/)."""
    (tmp_path / "safe.py").write_text('URL = "https://api.astronomer.io/platform/v1beta1/organizations/o/deployments"\n')
    (tmp_path / "blocked.py").write_text('ALERTS = "https://api.astronomer.io/platform/v1beta1/organizations/o/alerts"\n')
    return tmp_path


def _cli(command: str, cwd: Path):
    """Run one `astro-migrate ...` line in this process; its exit status must not be a usage error."""
    args = shlex.split(command)
    assert args[0] == "astro-migrate", command
    result = run_cli(*args[1:], cwd=cwd)
    assert result.returncode in (0, 1), f"{command}: {result.stderr}"
    return result


def _parses(command: str) -> None:
    """The command's options exist (it is not run: it needs the network or names placeholders)."""
    args = shlex.split(command)[1:]
    ctx = main.make_context("astro-migrate", list(args))
    command_object: click.Command = main
    while isinstance(command_object, click.Group):
        name, found, rest = command_object.resolve_command(ctx, [*ctx._protected_args, *ctx.args])
        assert found is not None, command
        command_object = found
        ctx = found.make_context(name, rest, parent=ctx)


def test_the_first_two_commands_stay_and_ci_runs_the_second(examples):
    first, second = (block.commands() for block in claimed("two commands"))
    assert first == ["python3 -m pip install . && astro-migrate check examples/"]
    assert second == ['python3 -m pip install ".[test]" && pytest']
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert "pytest || status=$?" in ci and any('pip install --quiet ".[test,lint]"' in line for line in ci)
    main_job = _cli(first[0].split(" && ")[1], examples)  # the install is not run: see the module docstring
    assert main_job.returncode == 1 and main_job.stdout.splitlines()[-1].startswith("Found 13 findings in 6 files")


def test_the_usage_commands_run_in_a_project(project):
    tiny = {"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    for name in ("OLD", "NEW"):
        (project / name).write_text(json.dumps(tiny))
    for block in claimed("commands"):
        for command in block.commands():
            if command.startswith("python "):  # the maintainers' script: its options exist
                assert re.fullmatch(r"python scripts/derive_v1_index\.py \[SPEC\] \[-o tests/data/v1_index\.json\]",
                                    command)
            elif NETWORK.search(command) or command.endswith(("spec check", "--file v1.yaml")):
                _parses(command)  # spec check --file v1.yaml: tests/test_spec_check.py runs it
            else:
                _cli(command, project)


@pytest.mark.precommit
def test_the_pre_commit_hook_runs_with_repo_local(tmp_path):
    (block,) = claimed("pre-commit")
    config = yaml.safe_load(block.text)
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    (tmp_path / ".pre-commit-config.yaml").write_text(block.text)
    (tmp_path / "dag.py").write_text('BASE = "https://api.astronomer.io/platform/v1beta1"\n')
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    bin_folder = Path(sys.executable).parent
    env = {"PATH": f"{bin_folder}:/usr/bin:/bin", "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "ASTRO_MIGRATE_AS_OF": "2026-11-28"}
    done = subprocess.run([str(bin_folder / "pre-commit"), "run", "--all-files"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "dag.py:1:" in done.stdout and "AM101" in done.stdout


def test_the_gitlab_job_writes_a_code_quality_report_and_gates(project):
    (block,) = claimed("gitlab")
    job = yaml.safe_load(block.text)["astro-migrate"]
    install, *commands = job["script"]
    assert install == 'python3 -m pip install --quiet "$ASTRO_MIGRATE_SOURCE"'  # a local checkout, no index
    report, gate = (_cli(command, project) for command in commands)
    assert report.returncode == 0 and gate.returncode == 1
    issues = json.loads((project / job["artifacts"]["reports"]["codequality"]).read_text())
    assert len(issues) == 2 and all({"fingerprint", "location", "severity"} <= set(i) for i in issues)


def test_the_suppression_examples_suppress(tmp_path):
    (block,) = claimed("suppressions")
    code = 'BASE = "https://api.astronomer.io/platform/v1beta1"\nORG = "o"\n' + block.text + "X = 1\n"
    (tmp_path / "a.py").write_text(code)
    out = run_cli("check", "--output-format", "concise", "a.py", cwd=tmp_path).stdout
    codes = [line.split(": ")[1].split()[0] for line in out.splitlines()[:-1]]
    assert "AM201" not in codes and not {"AM911", "AM912", "AM914"} & set(codes)


def _code(text: str) -> list:
    return [re.sub(r"\s+#.*$", "", line) for line in text.strip().splitlines()]


def test_the_before_and_after_example_is_what_fix_writes(tmp_path):
    (block,) = claimed("before-after")
    before, after = block.text.split("# after\n")
    target = tmp_path / "a.py"
    target.write_text(before.removeprefix("# before\n").rstrip() + "\n")
    run_cli("check", "--fix", "--unsafe-fixes", "a.py", cwd=tmp_path)
    assert _code(target.read_text()) == _code(after)


def test_the_configuration_example_is_valid_and_applies(tmp_path):
    (block,) = claimed("configuration")
    (tmp_path / "pyproject.toml").write_text(block.text)
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "v.py").write_text('URL = "https://api.astronomer.io/iam/v1beta1"\n')
    (tmp_path / "note.py").write_text("# https://api.astronomer.io/iam/v1beta1/users\n")
    shown = run_cli("config", cwd=tmp_path)
    assert shown.returncode == 0 and 'fail-on = ["error"]' in shown.stdout
    checked = run_cli("check", "--output-format", "concise", ".", cwd=tmp_path)
    assert (checked.returncode, "vendor" in checked.stdout, "note.py:1:" in checked.stdout) == (0, False, True)


def test_rule_links_and_readme_links_point_at_sections_that_exist():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", readme, re.M)
    anchors = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}
    for rule in registry.rules().values():
        page, _, anchor = rule.help_uri.partition("#")
        assert page.endswith("/README.md") and anchor in anchors, rule.help_uri
    assert set(re.findall(r"\]\(#([\w-]+)\)", readme)) <= anchors
