"""Baseline / ratchet through the real CLI: record, fail only on new findings, survive moves,
only shrink, report what was fixed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import FIXTURES, run_cli

PROJECT = FIXTURES / "reports" / "project"
NEW = 'WORKSPACES = "https://api.astronomer.io/iam/v1beta1/organizations/o/workspaces"\n'


def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root)
    return root


def entries(path: Path) -> list:
    return json.loads(path.read_text())["findings"]


def test_record_then_only_new_findings_fail(tmp_path):
    root = project(tmp_path)
    written = run_cli("check", "--write-baseline", "astro-baseline.json", ".", cwd=root)
    assert written.returncode == 0, written.stdout
    assert "wrote 3 findings to astro-baseline.json" in written.stderr
    assert len(entries(root / "astro-baseline.json")) == 3
    known = run_cli("check", "--baseline", "astro-baseline.json", ".", cwd=root)
    assert known.returncode == 0
    assert "All checks passed! (3 known in baseline astro-baseline.json)" in known.stdout
    # unrelated edits move every finding down; a new finding is the only one reported
    dag = root / "dags" / "astro_sync.py"
    dag.write_text('"""Nightly sync of Astro deployments."""\n\n' + dag.read_text() + NEW)
    moved = run_cli("check", "--output-format", "json", "--baseline", "astro-baseline.json", ".", cwd=root)
    assert moved.returncode == 1
    assert [(f["code"], f["location"]["row"]) for f in json.loads(moved.stdout)] == [("AM101", 21)]


def test_fixed_findings_are_reported_and_the_baseline_only_shrinks(tmp_path):
    root = project(tmp_path)
    baseline = root / "ci" / "baseline.json"
    baseline.parent.mkdir()
    assert run_cli("check", "--write-baseline", baseline, ".", cwd=root).returncode == 0
    script = root / "scripts" / "rotate.sh"
    script.write_text(script.read_text().replace("iam/v1beta1", "v1"))
    (root / "dags" / "new.py").write_text(NEW)
    status = run_cli("check", "--baseline", baseline, ".", cwd=root)
    assert status.returncode == 1
    assert (f"2 known in baseline {baseline} (1 fixed since it was written: shrink it with "
            f"--write-baseline {baseline})") in status.stdout
    shrunk = run_cli("check", "--write-baseline", baseline, ".", cwd=root)
    assert shrunk.returncode == 1  # the new finding was not added
    assert sorted(e["path"] for e in entries(baseline)) == ["../dags/astro_sync.py", "../dags/astro_sync.py"]


def test_baseline_paths_hold_from_another_folder_and_for_a_sub_folder(tmp_path):
    root = project(tmp_path)
    assert run_cli("check", "--write-baseline", "baseline.json", ".", cwd=root).returncode == 0
    from_scripts = run_cli("check", "--baseline", "../baseline.json", ".", cwd=root / "scripts")
    # only scripts/ was checked: the dags entries are neither fixed nor forgotten
    assert from_scripts.returncode == 0 and "1 known in baseline ../baseline.json);" in from_scripts.stdout
    assert run_cli("check", "--write-baseline", "../baseline.json", ".", cwd=root / "scripts").returncode == 0
    assert len(entries(root / "baseline.json")) == 3


def test_unreadable_baseline_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "baseline.json").write_text("<<<<<<< HEAD\n")
    result = run_cli("check", "--baseline", "baseline.json", ".", cwd=root)
    assert result.returncode == 2 and "not a readable astro-migrate baseline" in result.stderr
    missing = run_cli("check", "--baseline", "nope.json", ".", cwd=root)
    assert missing.returncode == 2 and "nope.json" in missing.stderr
