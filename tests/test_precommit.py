"""The pre-commit hooks, run by the real `pre-commit` from a config naming this repository at
HEAD. The hook environment is installed once per session (pre-commit installs the package from the
repository: network access to PyPI is needed)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# Both tests share the installed hooks, so they run in one xdist worker.
pytestmark = [pytest.mark.precommit, pytest.mark.network, pytest.mark.xdist_group("precommit")]

REPO = Path(__file__).resolve().parent.parent
DAG = 'BASE = "https://api.astronomer.io/platform/v1beta1"\nDEPLOYMENTS = f"{BASE}/organizations/o/deployments"\n'
SCRIPT = '#!/bin/sh\ncurl -s "https://api.astronomer.io/iam/v1beta1/organizations/$ORG/teams"\n'
DOCS = "Teams live at https://api.astronomer.io/iam/v1beta1/organizations/o/teams\n"


def pre_commit() -> str:
    candidate = Path(sys.executable).with_name("pre-commit")
    return str(candidate) if candidate.exists() else shutil.which("pre-commit")


def git(*args, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@dataclass
class Hooks:
    """A pre-commit config with this repository's hooks at HEAD, and the home they are installed in."""

    config: Path
    environment: dict


@pytest.fixture(scope="session")
def hooks(tmp_path_factory) -> Hooks:
    """Install the hooks once (`pre-commit try-repo` would build a fresh environment every call)."""
    folder = tmp_path_factory.mktemp("pre-commit")
    config = folder / "pre-commit-config.yaml"
    head = git("rev-parse", "HEAD", cwd=REPO).strip()
    hook_ids = [{"id": "astro-migrate"}, {"id": "astro-migrate-fix"}]
    config.write_text(json.dumps({"repos": [{"repo": str(REPO), "rev": head, "hooks": hook_ids}]}))
    environment = dict(os.environ, PRE_COMMIT_HOME=str(folder / "home"), ASTRO_MIGRATE_AS_OF="2026-11-28")
    git("init", "-q", ".", cwd=folder)  # pre-commit runs inside a repository
    install = subprocess.run([pre_commit(), "install-hooks", "--config", str(config)], cwd=folder, env=environment,
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr
    return Hooks(config, environment)


@pytest.fixture()
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    for name, text in {"dags/sync.py": DAG, "bin/rotate-teams": SCRIPT, "docs/api.md": DOCS,
                       "notes.txt": DOCS}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "bin" / "rotate-teams").chmod(0o755)
    git("init", "-q", ".", cwd=root)
    git("add", ".", cwd=root)
    return root


def run_hook(hook: str, project: Path, hooks: Hooks) -> subprocess.CompletedProcess:
    return subprocess.run(
        [pre_commit(), "run", hook, "--config", str(hooks.config), "--all-files", "--verbose"],
        cwd=project, env=hooks.environment, capture_output=True, text=True, timeout=300,
    )


def test_check_hook_reports_python_shell_and_markdown(project, hooks):
    result = run_hook("astro-migrate", project, hooks)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "dags/sync.py:1:" in result.stdout
    assert "bin/rotate-teams:2:" in result.stdout  # found by its shebang
    assert "docs/api.md:1:" in result.stdout
    assert "notes.txt" not in result.stdout  # not a type the tool reads
    assert (project / "dags" / "sync.py").read_text() == DAG


def test_fix_hook_rewrites_and_fails_because_it_changed_files(project, hooks):
    result = run_hook("astro-migrate-fix", project, hooks)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "files were modified by this hook" in result.stdout
    assert (project / "dags" / "sync.py").read_text() == DAG.replace("platform/v1beta1", "v1")
    assert "/v1/organizations/$ORG/teams" in (project / "bin" / "rotate-teams").read_text()
    git("add", ".", cwd=project)
    again = run_hook("astro-migrate-fix", project, hooks)
    assert again.returncode == 0, again.stdout
