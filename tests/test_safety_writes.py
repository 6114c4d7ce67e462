"""Writes that cannot corrupt: every file is wholly old or wholly new, whatever happens."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest
from helpers import run_cli

from migrator.fix import atomic as fixer

OLD_BASE = "https://api.astronomer.io/platform/v1beta1"
NEW_BASE = "https://api.astronomer.io/v1"


def dag(index: int) -> str:
    return textwrap.dedent(f'''\
        import os
        import requests

        ORG = os.environ["ASTRO_ORG"]
        BASE = "{OLD_BASE}/organizations/" + ORG


        def list_deployments_{index}():
            r = requests.get(f"{{BASE}}/deployments", headers={{"Authorization": "Bearer " + os.environ["T"]}})
            r.raise_for_status()
            return r.json()
        ''')


# -- write_atomic ---------------------------------------------------------------------------

def test_keeps_mode_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "deploy.sh"
    target.write_bytes(b"old\n")
    target.chmod(0o751)
    fixer.write_atomic(str(target), b"new\n", expected=b"old\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert os.listdir(tmp_path) == ["deploy.sh"]


def test_old_call_without_expected_still_writes(tmp_path):
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    fixer.write_atomic(str(target), b"new\n")
    assert target.read_bytes() == b"new\n"


def test_symlink_stays_a_symlink_and_its_target_is_written(tmp_path):
    (tmp_path / "real.py").write_bytes(b"old\n")
    (tmp_path / "link.py").symlink_to("real.py")
    fixer.write_atomic(str(tmp_path / "link.py"), b"new\n", expected=b"old\n")
    assert os.path.islink(tmp_path / "link.py")
    assert (tmp_path / "real.py").read_bytes() == b"new\n"


def test_file_changed_since_read_is_not_written(tmp_path):
    target = tmp_path / "dag.py"
    target.write_bytes(b"the user saved this meanwhile\n")
    with pytest.raises(fixer.NotWritten, match="changed on disk since it was read"):
        fixer.write_atomic(str(target), b"fixed\n", expected=b"what we read\n")
    assert target.read_bytes() == b"the user saved this meanwhile\n"
    assert os.listdir(tmp_path) == ["dag.py"]


def test_file_that_grew_since_read_is_not_written(tmp_path):
    target = tmp_path / "dag.py"
    target.write_bytes(b"what we read\nand a line appended since\n")
    with pytest.raises(fixer.NotWritten, match="changed on disk"):
        fixer.write_atomic(str(target), b"fixed\n", expected=b"what we read\n")


def test_file_deleted_since_read_is_not_recreated(tmp_path):
    target = tmp_path / "gone.py"
    with pytest.raises(fixer.NotWritten, match="deleted since it was read"):
        fixer.write_atomic(str(target), b"fixed\n", expected=b"old\n")
    assert not target.exists()
    assert os.listdir(tmp_path) == []


def test_read_only_file_is_not_written(tmp_path):
    target = tmp_path / "vendored.py"
    target.write_bytes(b"old\n")
    target.chmod(0o444)
    with pytest.raises(fixer.NotWritten, match="read-only"):
        fixer.write_atomic(str(target), b"new\n", expected=b"old\n")
    assert target.read_bytes() == b"old\n"


def test_a_write_that_fails_half_way_leaves_the_original_whole(tmp_path):
    """The disk fills up (RLIMIT_FSIZE) in the middle of the new contents."""
    target = tmp_path / "big.txt"
    old = b"old line\n" * 1000
    target.write_bytes(old)
    script = textwrap.dedent(f"""
        import resource, signal
        from migrator.fix import atomic as fixer
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            fixer.write_atomic({str(target)!r}, b"new line\\n" * 100000, expected={old!r})
        except OSError as error:
            print("failed:", error)
        """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "failed:" in result.stdout, result.stdout + result.stderr
    assert target.read_bytes() == old
    assert os.listdir(tmp_path) == ["big.txt"]


# A child process sends itself a signal at a fixed point of a write: just before or after the
# n-th call of an `os` function on a path under a folder (a descriptor counts by what it names).
KILL_SWITCH = textwrap.dedent("""
    import os, signal

    # Ctrl-C raises KeyboardInterrupt whatever the disposition this process inherited (a parent
    # that ignores SIGINT passes that on, and Python then leaves it ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def arm(name, nth, when, signum, folder):
        real, calls = getattr(os, name), [0]

        def names(argument):
            if isinstance(argument, int):
                return os.readlink(f"/proc/self/fd/{argument}")
            return os.path.abspath(argument) if isinstance(argument, (str, os.PathLike)) else ""

        def switch(*args, **kwargs):
            if any(str(names(a)).startswith(folder) for a in args):
                calls[0] += 1
            hit = calls[0] == nth
            if hit and when == "before":
                os.kill(os.getpid(), signum)
            result = real(*args, **kwargs)
            if hit and when == "after":
                os.kill(os.getpid(), signum)
            return result

        setattr(os, name, switch)
    """)

# (function, n-th call, before/after): the data is written but not synced; synced but its mode is
# not set; the temporary file is complete; the rename is done but not yet made durable; the same
# moment of the next rewrite.
WRITE_POINTS = [("fsync", 1, "before"), ("chmod", 1, "before"), ("replace", 1, "before"), ("replace", 1, "after"),
                ("replace", 2, "before")]


def point_id(point: tuple) -> str:
    name, nth, when = point
    return f"{when}-{name}-{nth}"


def killed_at(point: tuple, signum: int, folder, body: str, cwd=None) -> subprocess.CompletedProcess:
    name, nth, when = point
    script = KILL_SWITCH + f"arm({name!r}, {nth}, {when!r}, {int(signum)}, {str(folder)!r})\n" + body
    return subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ASTRO_MIGRATE_AS_OF": "2026-11-28"})


@pytest.mark.parametrize("point", WRITE_POINTS, ids=point_id)
def test_sigkill_at_each_step_of_write_atomic_never_tears_the_file(tmp_path, point):
    """A process rewriting a 20 MB file over and over is killed at a fixed step of a write."""
    target = tmp_path / "bundle.js"
    versions = [bytes([ord("a") + i]) * (20 * 1024 * 1024) for i in range(2)]
    target.write_bytes(versions[0])
    body = textwrap.dedent(f"""
        from migrator.fix import atomic as fixer
        versions = [bytes([ord("a") + i]) * (20 * 1024 * 1024) for i in range(2)]
        for i in range(3):
            fixer.write_atomic({str(target)!r}, versions[(i + 1) % 2])
        """)
    result = killed_at(point, signal.SIGKILL, tmp_path, body)
    assert result.returncode == -signal.SIGKILL, result.stderr  # the kill point was reached
    assert target.read_bytes() in versions


def test_sigkill_while_the_temporary_file_is_partly_written_never_tears_the_file(tmp_path):
    """Killed when a half-written temporary file is seen next to the target."""
    target = tmp_path / "bundle.js"
    size = 20 * 1024 * 1024
    versions = [bytes([ord("a") + i]) * size for i in range(2)]
    target.write_bytes(versions[0])
    script = textwrap.dedent(f"""
        from migrator.fix import atomic as fixer
        versions = [bytes([ord("a") + i]) * {size} for i in range(2)]
        i = 0
        while True:
            fixer.write_atomic({str(target)!r}, versions[(i + 1) % 2])
            i += 1
        """)
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not partly_written(tmp_path, size):
            assert time.monotonic() < deadline, "never saw a partly written temporary file"
    finally:
        process.kill()
        process.wait()
    assert target.read_bytes() in versions


def partly_written(folder, size: int) -> bool:
    """Whether a temporary file in `folder` holds more than nothing and less than `size` bytes."""
    for path in folder.glob(".astro-migrate-*.tmp"):
        try:
            if 0 < path.stat().st_size < size:
                return True
        except FileNotFoundError:
            pass  # renamed over the target meanwhile
    return False


# -- real runs ------------------------------------------------------------------------------

# Each attempt is killed at the next point, so the run is interrupted before any file is replaced,
# right before and right after the first replacement, and in the middle of the tree.
FIX_POINTS = [("chmod", 1, "before"), ("replace", 1, "before"), ("replace", 1, "after"), ("replace", 20, "after")]


@pytest.mark.e2e
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killing_fix_runs_at_fixed_points_leaves_every_file_old_or_new(tmp_path, sig):
    originals = {}
    for index in range(40):
        path = tmp_path / "dags" / f"team_{index % 4}" / f"dag_{index}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = dag(index)
        path.write_text(text)
        originals[path] = (text.encode(), text.replace(OLD_BASE, NEW_BASE).encode())
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in originals}
    run = "from migrator.cli import main\nmain(['check', '--fix', 'dags'], prog_name='astro-migrate')\n"
    for point in FIX_POINTS:
        result = killed_at(point, sig, tmp_path / "dags", run, cwd=tmp_path)
        if sig == signal.SIGKILL:
            assert result.returncode == -signal.SIGKILL, (point, result.stderr)
        else:
            assert result.returncode == 1 and "Aborted!" in result.stderr, (point, result.stderr)
        for path, (old, new) in originals.items():
            assert path.read_bytes() in (old, new), f"{path} torn after {sig!r} at {point}"
            assert stat.S_IMODE(path.stat().st_mode) == modes[path]
        if sig == signal.SIGINT:
            assert not list(tmp_path.rglob(".astro-migrate-*")), "SIGINT left a temporary file"
    fixed = sum(path.read_bytes() == new for path, (old, new) in originals.items())
    assert fixed == 21  # none before the third attempt, 1 then, 20 in the fourth
    result = run_cli("check", "--fix", "dags", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert all(path.read_bytes() == new for path, (old, new) in originals.items())


def test_fix_run_reports_a_read_only_file_in_one_line_and_fixes_the_others(tmp_path):
    (tmp_path / "a_locked.py").write_text(dag(1))
    (tmp_path / "a_locked.py").chmod(0o444)
    (tmp_path / "b_open.py").write_text(dag(2))
    result = run_cli("check", "--fix", ".", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert (tmp_path / "a_locked.py").read_text() == dag(1)
    assert (tmp_path / "b_open.py").read_text() == dag(2).replace(OLD_BASE, NEW_BASE)
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "a_locked.py" in line]
    assert any("read-only" in line for line in lines), result.stdout + result.stderr
    assert result.returncode == 1
