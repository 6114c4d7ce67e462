"""Issue 13 item 18: `--diff` prints a patch that `git apply` and `patch -p1` accept, and applying
it gives the very bytes `--fix` writes, for every encoding and line-ending shape of the encodings
tests (BOM, latin-1, CR-only, mixed, no final newline, form feed, U+2028, U+0085)."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from helpers import AS_OF, PROG_NAME, cli_runner, run_cli
from test_encodings import CASES

from migrator.cli import main

MORE = {  # text-tier files whose last line has no newline, one of them CR-only
    "no_newline.sh": b"curl https://api.astronomer.io/iam/v1beta1/organizations/o/users",
    "cr_only_end.yml": b"steps:\r  - run: curl https://api.astronomer.io/iam/v1beta1/organizations/o/users",
}


def tree(root):
    root.mkdir()
    for name, (encoding, bom, text) in CASES.items():
        (root / name).write_bytes(bom + text.encode(encoding))
    for name, data in MORE.items():
        (root / name).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def patched(tmp_path_factory):
    base = tmp_path_factory.mktemp("patches")
    fixed, original = tree(base / "fixed"), tree(base / "original")
    names = sorted([*CASES, *MORE])
    assert run_cli("check", "--no-cache", "--fix", *names, cwd=fixed).returncode == 0
    previous = os.getcwd()
    os.chdir(original)
    try:  # the patch as bytes: a latin-1 file's lines are latin-1 in it
        shown = cli_runner().invoke(main, ["check", "--no-cache", "--diff", *names],
                                    env={"ASTRO_MIGRATE_AS_OF": AS_OF}, prog_name=PROG_NAME)
    finally:
        os.chdir(previous)
    assert shown.exception is None or isinstance(shown.exception, SystemExit), shown.exception
    patch = base / "fix.patch"
    patch.write_bytes(shown.stdout_bytes)
    return base, fixed, original, patch, names


@pytest.mark.parametrize("tool", ["git", "patch"])
def test_the_diff_applies_and_gives_what_fix_writes(patched, tool):
    base, fixed, original, patch, names = patched
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    target = shutil.copytree(original, base / f"applied-{tool}")
    command = ["git", "apply", "--whitespace=nowarn", str(patch)] if tool == "git" else \
        ["patch", "-p1", "--quiet", "--batch", "-i", str(patch)]
    done = subprocess.run(command, cwd=target, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace") + done.stdout.decode(errors="replace")
    for name in names:
        assert (target / name).read_bytes() == (fixed / name).read_bytes(), name
        assert (original / name).read_bytes() != (fixed / name).read_bytes(), name


def test_a_missing_final_newline_is_marked_not_glued(patched):
    _, _, _, patch, _ = patched
    text = patch.read_bytes()
    assert text.count(b"\n\\ No newline at end of file\n") >= 2 * 2  # old and new side of both files
    assert b"\n--- a/" in text and not any(line.startswith(b"curl") and b"--- a/" in line
                                           for line in text.split(b"\n"))
