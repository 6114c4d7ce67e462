"""Hostile files: the run goes on, says what happened to each in one line, and exits 2 only
when a file the user named could not be checked."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from helpers import console_script, run_cli

from migrator.project import reading

URL = "https://api.astronomer.io/iam/v1beta1/organizations/acme/users"
FIXED = "https://api.astronomer.io/v1/organizations/acme/users"
GOOD = f'import requests\nusers = requests.get("{URL}").json()\n'


def lines_about(result, name: str) -> list:
    return [line for line in (result.stdout + result.stderr).splitlines() if name in line]


def assert_good_file_still_checked(result) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert any(line.startswith("good.py:") and "AM101" in line for line in result.stdout.splitlines()), result.stdout


def concise(*args, cwd):
    return run_cli("check", "--output-format", "concise", *args, cwd=cwd)


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


# -- files that are not what their name says -----------------------------------------------

HOSTILE_CONTENT = {
    "legacy_py2.py": f'import urllib2\nprint "fetching"\nurllib2.urlopen("{URL}")\n'.encode(),
    "binary.py": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR v1beta1 \xff\xd8",
    "utf16.py": f"URL = '{URL}'\n".encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_CONTENT))
def test_unparseable_or_binary_python_is_one_line_and_the_run_goes_on(tree, name):
    (tree / name).write_bytes(HOSTILE_CONTENT[name])
    walked = concise(".", cwd=tree)
    assert_good_file_still_checked(walked)
    about = [line for line in walked.stdout.splitlines() if line.startswith(name)]
    assert about and ("AM901" in about[0] or "AM902" in about[0]), walked.stdout
    # a file that does not parse still has its URLs reported (text tier), never with a fix
    assert all("AM90" in line or "not fixed: the file does not parse" in line for line in about), about
    assert walked.returncode == 1  # walked, not named: findings, not a failed run
    named = concise(name, "good.py", cwd=tree)
    assert named.returncode == 2
    assert (tree / name).read_bytes() == HOSTILE_CONTENT[name]


def test_binary_file_is_refused_with_a_reason(tree):
    (tree / "binary.py").write_bytes(HOSTILE_CONTENT["binary.py"])
    with pytest.raises(reading.Unreadable, match="binary"):
        reading.read(str(tree / "binary.py"))


def test_empty_file_is_fine(tree):
    (tree / "empty.py").write_bytes(b"")
    (tree / "empty.sh").write_bytes(b"")
    result = concise("empty.py", "empty.sh", cwd=tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines_about(result, "empty") == []


# -- size: memory stays bounded -------------------------------------------------------------

def sparse(path, size: int, head: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)


def test_fifty_megabyte_file_is_refused_in_one_line(tree):
    sparse(tree / "dump.py", 50 * reading.MB, GOOD.encode())
    walked = concise(".", cwd=tree)
    assert_good_file_still_checked(walked)
    about = lines_about(walked, "dump.py")
    assert about and all("too large" in line for line in about), about
    assert walked.returncode == 1
    assert concise("dump.py", cwd=tree).returncode == 2


@pytest.mark.e2e
def test_memory_stays_bounded_on_a_one_gigabyte_file(tree):
    sparse(tree / "export.json", 1024 * reading.MB, f'{{"url": "{URL}"}}'.encode())
    probe = textwrap.dedent(f"""
        import resource, subprocess, sys
        done = subprocess.run([{console_script()!r}, "check", "export.json"], capture_output=True, text=True)
        print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sys.stderr.write(done.stdout + done.stderr)
        """)
    result = subprocess.run([sys.executable, "-c", probe], cwd=tree, capture_output=True, text=True, timeout=300)
    code, max_kb = map(int, result.stdout.split())
    assert code == 2 and "too large" in result.stderr, result.stderr
    assert max_kb < 400 * 1024, f"{max_kb} KB for a file that should never be read"


def test_python_file_over_the_parse_cap_is_refused_not_parsed(tree):
    body = GOOD + "".join(f"ROW_{i} = {{'id': {i}, 'tags': ['a', 'b']}}\n" for i in range(60000))
    (tree / "generated.py").write_text(body)
    assert len(body) > reading.MAX_PYTHON_BYTES
    result = concise(".", cwd=tree)
    assert_good_file_still_checked(result)
    about = lines_about(result, "generated.py")
    assert about and all("too large" in line for line in about), about


def test_minified_bundle_of_several_megabytes_gets_its_url_fixed_and_nothing_else(tree):
    bundle = ("var a=1;" * 300000 + f'fetch("{URL}",{{method:"GET"}});' + "b=[1,2];" * 300000).encode()
    (tree / "app.min.js").write_bytes(bundle)
    assert 4 * reading.MB < len(bundle) < reading.MAX_TEXT_BYTES
    result = run_cli("check", "--fix", "app.min.js", cwd=tree)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert (tree / "app.min.js").read_bytes() == bundle.replace(URL.encode(), FIXED.encode())


def test_report_on_a_minified_bundle_does_not_print_megabytes(tree):
    (tree / "app.min.js").write_text("var a=1;" * 300000 + f'fetch("{URL}");')
    result = run_cli("check", "--output-format", "full", "app.min.js", cwd=tree)
    assert len(result.stdout) < 100_000


# -- things that are not regular files ------------------------------------------------------

@pytest.fixture
def specials(tree):
    os.mkfifo(tree / "pipe.py")
    os.mkfifo(tree / "run_pipeline")  # no extension: sniffing its shebang would block
    (tree / "broken.py").symlink_to("deleted_long_ago.py")
    (tree / "loop_a.py").symlink_to("loop_b.py")
    (tree / "loop_b.py").symlink_to("loop_a.py")
    (tree / "dags_link").symlink_to(".")  # a folder symlink pointing up: never followed
    return tree


@pytest.mark.parametrize("name", ["pipe.py", "run_pipeline", "broken.py", "loop_a.py"])
def test_named_special_file_is_one_line_and_exit_2(specials, name):
    result = concise(name, "good.py", cwd=specials)
    assert_good_file_still_checked(result)
    assert result.returncode == 2
    assert [line for line in result.stdout.splitlines() if line.startswith(name)], result.stdout


def test_walked_special_files_are_each_named_and_never_block(specials):
    result = concise(".", cwd=specials)
    assert_good_file_still_checked(result)
    assert result.stdout.count("good.py:") == 1  # the folder symlink was not followed
    for name, reason in [("pipe.py", "FIFO"), ("broken.py", "broken symlink"), ("loop_a.py", "symbolic links")]:
        assert any(reason in line for line in lines_about(result, name)), (name, result.stderr)


def test_walked_special_files_do_not_fail_the_run(specials):
    assert concise(".", cwd=specials).returncode == 1


def test_reading_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(reading.Unreadable, match="FIFO"):
        reading.read(str(tmp_path / "pipe"))


def test_reading_a_file_deleted_since_discovery_is_an_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        reading.read(str(tmp_path / "vanished.py"))


# -- permissions ----------------------------------------------------------------------------

def without_root_powers() -> list:
    """A command prefix that makes permission bits count, even for root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permission bits cannot be tested")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.fixture
def locked_folder(tree):
    (tree / "locked").mkdir()
    (tree / "locked" / "secret_dag.py").write_text(GOOD)
    (tree / "locked").chmod(0)
    yield tree
    (tree / "locked").chmod(0o755)


def run_powerless(*args, cwd):
    command = without_root_powers() + [console_script(), "check", "--output-format", "concise", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ASTRO_MIGRATE_AS_OF": "2026-11-28"})


@pytest.mark.e2e
def test_folder_without_read_permission_is_one_line_and_the_run_goes_on(locked_folder):
    result = run_powerless(".", cwd=locked_folder)
    assert_good_file_still_checked(result)
    about = lines_about(result, "locked")
    assert len(about) == 1 and "Permission denied" in about[0], about


@pytest.mark.e2e
def test_folder_without_read_permission_inside_a_walk_does_not_fail_the_run(locked_folder):
    assert run_powerless(".", cwd=locked_folder).returncode == 1


@pytest.mark.e2e
def test_unreadable_named_file_exits_2(tree):
    (tree / "private.py").write_text(GOOD)
    (tree / "private.py").chmod(0)
    result = run_powerless("private.py", "good.py", cwd=tree)
    assert_good_file_still_checked(result)
    assert result.returncode == 2
    assert any("Permission denied" in line for line in lines_about(result, "private.py"))


# -- names ----------------------------------------------------------------------------------

def test_paths_with_spaces_and_non_ascii_names_are_checked_and_fixed(tmp_path):
    folder = tmp_path / "my dags" / "équipe données"
    folder.mkdir(parents=True)
    (folder / "dag ü 1.py").write_text(GOOD)
    (folder / "ci step.yml").write_text(f"steps:\n  - run: curl {URL}\n")
    result = concise("my dags", "my dags/équipe données/ci step.yml", cwd=tmp_path)
    assert "my dags/équipe données/dag ü 1.py:2:" in result.stdout, result.stdout + result.stderr
    assert "my dags/équipe données/ci step.yml:2:" in result.stdout
    fixed = run_cli("check", "--fix", "my dags", "my dags/équipe données/ci step.yml", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (folder / "dag ü 1.py").read_text() == GOOD.replace(URL, FIXED)
