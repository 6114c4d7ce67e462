"""The pre-commit hooks, run by the real `pre-commit try-repo` against this repository's HEAD
(pre-commit installs the package from it: network access to PyPI is needed once)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DAG = 'BASE = "https://api.astronomer.io/platform/v1beta1"\nDEPLOYMENTS = f"{BASE}/organizations/o/deployments"\n'
SCRIPT = '#!/bin/sh\ncurl -s "https://api.astronomer.io/iam/v1beta1/organizations/$ORG/teams"\n'
DOCS = "Teams live at https://api.astronomer.io/iam/v1beta1/organizations/o/teams\n"


def pre_commit() -> str:
    candidate = Path(sys.executable).with_name("pre-commit")
    return str(candidate) if candidate.exists() else shutil.which("pre-commit")


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """One pre-commit cache for both hooks: the package is installed once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture()
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    for name, text in {"dags/sync.py": DAG, "bin/rotate-teams": SCRIPT, "docs/api.md": DOCS,
                       "notes.txt": DOCS}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "bin" / "rotate-teams").chmod(0o755)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    return root


def try_repo(hook: str, project: Path, home: Path) -> subprocess.CompletedProcess:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                          check=True).stdout.strip()
    environment = dict(os.environ, PRE_COMMIT_HOME=str(home), ASTRO_MIGRATE_AS_OF="2026-11-28")
    return subprocess.run(
        [pre_commit(), "try-repo", str(REPO), hook, "--ref", head, "--all-files", "--verbose"],
        cwd=project, env=environment, capture_output=True, text=True, timeout=900,
    )


def test_check_hook_reports_python_shell_and_markdown(project, home):
    result = try_repo("astro-migrate", project, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "dags/sync.py:1:" in result.stdout
    assert "bin/rotate-teams:2:" in result.stdout  # found by its shebang
    assert "docs/api.md:1:" in result.stdout
    assert "notes.txt" not in result.stdout  # not a type the tool reads
    assert (project / "dags" / "sync.py").read_text() == DAG


def test_fix_hook_rewrites_and_fails_because_it_changed_files(project, home):
    result = try_repo("astro-migrate-fix", project, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert (project / "dags" / "sync.py").read_text() == DAG.replace("platform/v1beta1", "v1")
    assert "/v1/organizations/$ORG/teams" in (project / "bin" / "rotate-teams").read_text()
    subprocess.run(["git", "add", "."], cwd=project, check=True)
    again = try_repo("astro-migrate-fix", project, home)
    assert again.returncode == 0, again.stdout
