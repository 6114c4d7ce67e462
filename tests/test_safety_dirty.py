"""The dirty-tree guard, on real temporary git repositories."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from migrator.fix.dirty import dirty_files

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd, *args) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "airflow project"
    (root / "dags" / "équipe").mkdir(parents=True)
    for name in ("dags/clean.py", "dags/edited.py", "dags/staged.py", "dags/équipe/ü dag.py"):
        (root / name).write_text("URL = 'https://api.astronomer.io/iam/v1beta1/x'\n")
    (root / ".gitignore").write_text("scratch/\n")
    git(root, "init", "-q")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "init")
    (root / "dags" / "edited.py").write_text("URL = 'edited but not committed'\n")
    (root / "dags" / "staged.py").write_text("URL = 'staged'\n")
    git(root, "add", "dags/staged.py")
    (root / "dags" / "new.py").write_text("URL = 'untracked'\n")
    (root / "scratch").mkdir()
    (root / "scratch" / "ignored.py").write_text("URL = 'ignored'\n")
    return root


def test_names_changed_staged_and_untracked_files_only(repo):
    paths = [str(repo / "dags" / n) for n in ("clean.py", "edited.py", "staged.py", "new.py", "équipe/ü dag.py")]
    assert dirty_files(paths) == [paths[1], paths[2], paths[3]]


def test_a_clean_tree_has_nothing_dirty(repo):
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "all")
    assert dirty_files([str(p) for p in repo.rglob("*.py") if ".git" not in p.parts]) == []


def test_relative_paths_from_a_subfolder_come_back_as_given(repo, monkeypatch):
    monkeypatch.chdir(repo / "dags")
    assert dirty_files(["clean.py", "edited.py", "équipe/ü dag.py"]) == ["edited.py"]


def test_ignored_files_and_files_outside_any_work_tree_are_not_dirty(repo, tmp_path):
    outside = tmp_path / "loose.py"
    outside.write_text("x = 1\n")
    assert dirty_files([str(repo / "scratch" / "ignored.py"), str(outside)]) == []


def test_a_symlink_into_the_repository_counts_by_its_target(repo, tmp_path):
    link = tmp_path / "link.py"
    link.symlink_to(repo / "dags" / "edited.py")
    assert dirty_files([str(link)]) == [str(link)]


def test_git_hook_variables_do_not_point_it_at_another_repository(repo, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    assert dirty_files([str(repo / "dags" / "edited.py"), str(repo / "dags" / "clean.py")]) == [
        str(repo / "dags" / "edited.py")
    ]


def test_when_git_cannot_answer_every_file_of_that_tree_counts_as_dirty(repo):
    (repo / ".git" / "HEAD").write_text("garbage\n")
    path = str(repo / "dags" / "clean.py")
    assert dirty_files([path]) == [path]


def test_nested_repository_is_judged_by_its_own_status(repo):
    inner = repo / "plugins" / "vendored"
    inner.mkdir(parents=True)
    (inner / "client.py").write_text("x = 1\n")
    git(inner, "init", "-q")
    git(inner, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    git(inner, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "i")
    assert dirty_files([str(inner / "client.py")]) == []
    (inner / "client.py").write_text("x = 2\n")
    assert dirty_files([str(inner / "client.py")]) == [str(inner / "client.py")]
    assert os.path.isdir(inner / ".git")
