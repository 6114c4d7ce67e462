"""An unchanged `check` is replayed from its stored report; any change to what it read is not.

Each test runs the program in this process (`migrator.entry.main`), twice or more in one folder.
"Replayed" is observed, not inferred: the second run's command line is replaced by one that
fails the test, so only a replay can print the report.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import migrator.cli
from migrator import entry, replay
from migrator.project import inputs

DAG = '''\
import requests
from airflow.decorators import dag, task

BASE = "https://api.astronomer.io/platform/v1beta1"

@dag(schedule=None)
def sync():
    @task
    def deployments(org):
        return requests.get(f"{BASE}/organizations/{org}/deployments", timeout=30).json()
    deployments("o1")

sync()
'''
ALERTS = 'import requests\nrequests.get("https://api.astronomer.io/platform/v1beta1/organizations/o/alerts")\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A small Airflow repository as the cwd, inside a folder of its own (whose configuration
    applies to it too); files count as settled at once (no 2 s wait)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "dags").mkdir()
    (repo / "dags" / "sync.py").write_text(DAG)
    (repo / "README.md").write_text("# ops\n")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("ASTRO_MIGRATE_AS_OF", "2026-11-28")
    monkeypatch.setattr(inputs, "RACY_SECONDS", 0)
    return repo


def run(capsys, *args) -> tuple:
    with pytest.raises(SystemExit) as ended:
        entry.main(["check", *args])
    captured = capsys.readouterr()
    return ended.value.code, captured.out, captured.err


def forbid_full_run(monkeypatch) -> None:
    def full_run(*args, **kwargs):
        raise AssertionError("the run was not replayed")

    monkeypatch.setattr(migrator.cli, "main", full_run)


def stored_runs(root: Path) -> list:
    folder = root / replay.RUNS.folder
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_unchanged_run_is_replayed_with_the_same_report_and_exit_code(project, capsys, monkeypatch):
    first = run(capsys, ".")
    assert first[0] == 1 and "AM101" in first[1]
    forbid_full_run(monkeypatch)
    assert run(capsys, ".") == first


def test_other_arguments_are_another_run(project, capsys, monkeypatch):
    run(capsys, ".")
    forbid_full_run(monkeypatch)
    with pytest.raises(AssertionError, match="not replayed"):
        run(capsys, ".", "--output-format", "json")


CHANGES = {  # what changes -> what the next report shows
    "a module": ("dags/sync.py", DAG.replace("/deployments", "/alerts"), "AM201"),
    "a new module": ("dags/alerts.py", ALERTS, "alerts.py"),
    "a folder's .gitignore": ("dags/.gitignore", "*.log\nsync.py\n", "All checks passed"),
    "the configuration above the repository": ("../pyproject.toml", '[tool.astro-migrate]\nignore = ["AM101"]\n',
                                               "All checks passed"),
    "a script without extension": ("ops/rotate", "#!/usr/bin/env python3\nimport requests\n"
                                   'requests.get("https://api.astronomer.io/iam/v1beta1/organizations/o1/teams")\n',
                                   "ops/rotate"),
    "a linked file's target": ("../notes.txt", "GET https://api.astronomer.io/iam/v1beta1/organizations/o1/teams\n",
                               "dags/linked.md"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_to_what_the_run_read_is_seen(project, capsys, change):
    (project / "dags" / ".gitignore").write_text("*.log\n")
    (project.parent / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    (project / "ops").mkdir()
    (project / "ops" / "rotate").write_text("rotate the keys by hand\n")
    (project.parent / "notes.txt").write_text("nothing yet\n")
    (project / "dags" / "linked.md").symlink_to(project.parent / "notes.txt")
    before = run(capsys, ".")
    assert stored_runs(project)
    path, text, shown = CHANGES[change]
    (project / path).write_text(text)
    after = run(capsys, ".")
    assert after != before
    assert shown in after[1]


def test_a_file_changed_just_before_the_run_is_not_vouched_for(project, capsys, monkeypatch):
    monkeypatch.setattr(inputs, "RACY_SECONDS", 2)  # the project's files were written just now
    run(capsys, ".")
    assert stored_runs(project) == []


@pytest.mark.parametrize("args", [["--fix"], ["--diff"], ["--no-cache"], ["-o", "report.txt"], ["-v"],
                                  ["--write-baseline", "baseline.json"]])
def test_runs_that_write_or_do_not_cache_are_not_stored(project, capsys, args):
    run(capsys, ".", *args)
    assert stored_runs(project) == []


def test_a_run_with_an_unreadable_named_file_is_not_stored(project, capsys):
    code, _, err = run(capsys, "dags/sync.py", "missing.py")
    assert code == 2 and "missing.py" in err
    assert stored_runs(project) == []


def test_another_day_is_another_run(project, capsys, monkeypatch):
    first = run(capsys, ".")
    monkeypatch.setenv("ASTRO_MIGRATE_AS_OF", "2026-12-20")
    later = run(capsys, ".")
    assert "34 days" in first[1] and "12 days" in later[1]


@pytest.mark.parametrize("planted", [
    b"not json", b"[]", b'{"schema": 1}', json.dumps({"schema": 1, "key": "x", "code": 0}).encode(),
    b"\xff" * 100])
def test_a_planted_or_damaged_record_is_not_used(project, capsys, planted):
    first = run(capsys, ".")
    [stored] = stored_runs(project)
    stored.write_bytes(planted)
    assert run(capsys, ".") == first


def test_a_record_with_forged_stats_is_not_replayed(project, capsys, monkeypatch):
    """A record copied from another checkout (its inodes and change times differ) prints nothing
    of its own: a clean report planted beside findings is not replayed."""
    run(capsys, ".")
    [stored] = stored_runs(project)
    record = json.loads(stored.read_bytes())
    record["output"] = [["out", "All clear\n"]]
    record["code"] = 0
    record["probes"] = {path: (sig[:3] + [sig[3] + 1] if sig and len(sig) == 4 else sig)
                        for path, sig in record["probes"].items()}
    stored.write_text(json.dumps(record))
    code, out, _ = run(capsys, ".")
    assert code == 1 and "AM101" in out


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(project, capsys, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    os.symlink(elsewhere, project / ".astro_migrate_cache")
    run(capsys, ".")
    run(capsys, ".")
    assert list(elsewhere.rglob("*.json")) == []


def test_a_replay_into_a_full_disk_is_a_one_line_error(project, capsys, monkeypatch):
    with open(os.devnull, "w", encoding="utf-8") as null:
        monkeypatch.setattr("sys.stdout", null)
        run(capsys, ".")
    forbid_full_run(monkeypatch)
    with open("/dev/full", "w", encoding="utf-8") as full:
        monkeypatch.setattr("sys.stdout", full)
        code, _, err = run(capsys, ".")
    assert code == 2 and err == "astro-migrate: error: cannot write the report: No space left on device\n"


def plant(root: Path, key: str, record: dict) -> None:
    folder = root / replay.RUNS.folder
    folder.mkdir(parents=True, exist_ok=True)
    (root / replay.RUNS.path_of(key)).write_text(json.dumps({"key": key, **record}))


def clean_record(code: int = 0) -> dict:
    return {"schema": replay.RUNS.schema, "code": code, "output": [["out", "All checks passed!\n"]],
            "listings": {}, "probes": {}}


def test_a_record_planted_from_another_install_is_never_found(project, capsys, monkeypatch, tmp_path_factory):
    """The attack: a repository ships a record that empties the report. Its author can compute
    every part of the key but the identity of this machine's install (inodes, change times)."""
    run(capsys, ".")  # the cache folder exists, as in a repository that committed it
    copy = tmp_path_factory.mktemp("their-install") / "replay.py"
    copy.write_bytes(Path(replay.__file__).read_bytes())
    os.utime(copy, ns=(os.stat(replay.__file__).st_atime_ns, os.stat(replay.__file__).st_mtime_ns))
    theirs = {path: (inputs.signature(str(copy)) if path == replay.__file__ else signature)
              for path, signature in replay.tool_identity().items()}
    monkeypatch.setattr(replay, "tool_identity", lambda: theirs)
    planted_key = replay.run_key(["check", "."], os.getcwd(), replay._today())
    monkeypatch.undo()
    monkeypatch.chdir(project)
    monkeypatch.setenv("ASTRO_MIGRATE_AS_OF", "2026-11-28")
    monkeypatch.setattr(inputs, "RACY_SECONDS", 0)
    for stored in stored_runs(project):
        stored.unlink()
    plant(project, planted_key, clean_record())
    code, out, _ = run(capsys, ".")
    assert code == 1 and "AM101" in out


def test_only_a_check_is_replayed(project, capsys):
    """Even a record with this machine's key is read for `check` only: `clean` cleans."""
    run(capsys, ".")
    plant(project, replay.run_key(["clean"], os.getcwd(), replay._today()), clean_record())
    with pytest.raises(SystemExit):
        entry.main(["clean"])
    assert capsys.readouterr().out == "removed .astro_migrate_cache/\n"
    assert not (project / ".astro_migrate_cache").exists()


@pytest.mark.parametrize("text", ["\udc80", "[" * 100_000])
def test_a_damaged_record_with_this_machines_key_is_not_used(project, capsys, text):
    first = run(capsys, ".")
    [stored] = stored_runs(project)
    key = json.loads(stored.read_bytes())["key"]
    if text.startswith("["):
        stored.write_text(text)
    else:
        plant(project, key, {**clean_record(), "output": [["out", text]]})
    assert run(capsys, ".") == first


def test_a_run_that_asked_git_is_not_stored(project, capsys):
    """SARIF paths are relative to git's top folder, and git's answer depends on its settings."""
    run(capsys, "-q", "--output-format", "sarif", ".")
    assert stored_runs(project) == []


@pytest.mark.parametrize("change", ["a dangling link gains its target", "a file named like a byproduct folder"])
def test_a_change_of_kind_under_the_same_name_is_seen(project, capsys, change):
    tools = project.parent / "tools"  # outside the project: only the link tells
    tools.mkdir()
    (project / "dags" / "deploy").symlink_to(tools / "deploy")
    first = run(capsys, ".")
    script = "#!/bin/sh\ncurl https://api.astronomer.io/iam/v1beta1/organizations/o/teams\n"
    if change == "a dangling link gains its target":
        (tools / "deploy").write_text(script)
        shown = "dags/deploy"
    else:
        (project / "dags" / "__pycache__").write_text(script)
        shown = "dags/__pycache__"
    after = run(capsys, ".")
    assert after != first and shown in after[1]


def test_a_folder_that_changed_between_two_walks_cannot_vouch(tmp_path):
    recorded = inputs.Inputs(started_ns=0)

    def walk() -> None:
        before = inputs.folder_signature(str(tmp_path))
        with os.scandir(tmp_path) as entries:
            recorded.listing(str(tmp_path), before, inputs.entries_of(entries))

    walk()
    walk()
    assert recorded.vouched
    (tmp_path / "late.py").write_text("")
    walk()
    assert not recorded.vouched


def test_no_stdout_and_no_cwd_are_no_crash(project, capsys, monkeypatch, tmp_path_factory):
    monkeypatch.setattr("sys.stdout", None)
    with pytest.raises(SystemExit) as ended:
        entry.main(["check", "."])
    assert ended.value.code == 1
    gone = tmp_path_factory.mktemp("gone")
    monkeypatch.chdir(gone)
    gone.rmdir()
    replay.replay_or_record(["check", str(project)])
    assert replay.RECORDING is None


@pytest.fixture
def terminal(monkeypatch):
    """A real pseudo-terminal to put on stderr, as when a person runs the command."""
    primary, secondary = os.openpty()
    with open(secondary, "w", encoding="utf-8") as stream:
        yield stream
    os.close(primary)


def on_terminal(capsys, monkeypatch, terminal) -> tuple:
    monkeypatch.setattr("sys.stderr", terminal)  # in the test's body: capsys has set its streams
    assert sys.stderr.isatty()
    code, out, _ = run(capsys, ".")
    return code, out


def test_a_terminal_run_that_drew_no_progress_line_is_replayed(project, capsys, monkeypatch, terminal):
    first = on_terminal(capsys, monkeypatch, terminal)
    forbid_full_run(monkeypatch)
    assert on_terminal(capsys, monkeypatch, terminal) == first


def test_a_run_whose_progress_line_was_drawn_is_not_stored(project, capsys, monkeypatch, terminal):
    from migrator.report import progress

    drawn = progress.for_run
    monkeypatch.setattr(progress, "for_run", lambda *args: drawn(*args, after=0.0))
    on_terminal(capsys, monkeypatch, terminal)
    assert stored_runs(project) == []


def test_a_new_file_behind_a_folder_time_set_back_is_seen(project, capsys):
    """`rsync -t`, `tar x` and `cp -a` set a folder's modification time back after filling it:
    the change time, which no tool can set, still moves."""
    first = run(capsys, ".")
    dags = project / "dags"
    times = os.stat(dags)
    (dags / "alerts.py").write_text(ALERTS)
    os.utime(dags, ns=(times.st_atime_ns, times.st_mtime_ns))
    after = run(capsys, ".")
    assert after != first and "dags/alerts.py" in after[1]
