"""Issue 13 item 15 (baseline part): a baseline that is not one is one line of error (exit 2),
never a traceback; only a regular file is ever read as a baseline (never an endless device)."""
from __future__ import annotations

import json
import os

import pytest
from helpers import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.report import baseline

URL_LINE = 'import requests\nrequests.get("https://api.astronomer.io/iam/v1beta1/organizations/acme/users")\n'
NOT_BASELINES = {
    "entry_number.json": b'{"findings": [1]}',
    "empty_entry.json": b"[{}]",
    "entry_without_fields.json": b'{"findings": [{}]}',
    "line_as_text.json": b'{"findings": [{"fingerprint": "f", "code": "AM101", "path": "a.py", "line": "1"}]}',
    "string.json": b'"abc"',
    "latin1.json": b'{"findings": [], "written": "caf\xe9"}',
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "empty.json": b"",
}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "app.py").write_text(URL_LINE)
    return tmp_path


def assert_one_line_error(result, name: str) -> None:
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert name in line and "baseline" in line


@pytest.mark.parametrize("name", sorted(NOT_BASELINES))
def test_a_file_that_is_not_a_baseline_is_one_line_exit_2(project, name):
    (project / name).write_bytes(NOT_BASELINES[name])
    assert_one_line_error(run_cli("check", "--baseline", name, ".", cwd=project), name)
    assert_one_line_error(run_cli("check", "--write-baseline", name, ".", cwd=project), name)
    assert (project / name).read_bytes() == NOT_BASELINES[name]  # never overwritten


def test_a_huge_baseline_is_refused_without_being_read(project):
    with open(project / "huge.json", "wb") as handle:
        handle.truncate(baseline.MAX_BYTES + 1)  # sparse: nothing to write, everything to read
    assert_one_line_error(run_cli("check", "--baseline", "huge.json", ".", cwd=project), "huge.json")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_write_baseline_to_an_endless_device_neither_reads_it_nor_raises(project):
    assert_one_line_error(run_cli("check", "--write-baseline", "/dev/full", ".", cwd=project), "/dev/full")
    assert_one_line_error(run_cli("check", "--baseline", "/dev/zero", ".", cwd=project), "/dev/zero")


def test_a_fifo_is_never_opened_as_a_baseline(project):
    os.mkfifo(project / "pipe.json")  # opening it to read would wait for a writer forever
    assert_one_line_error(run_cli("check", "--baseline", "pipe.json", ".", cwd=project), "pipe.json")


ENTRY = st.fixed_dictionaries({}, optional={
    "fingerprint": st.one_of(st.text("ab", max_size=3), st.integers()), "code": st.sampled_from(["AM101", 5]),
    "path": st.sampled_from(["app.py", None]), "line": st.one_of(st.integers(-1, 3), st.booleans(), st.just("1")),
})
FINDINGS = st.one_of(st.lists(ENTRY, max_size=3), st.integers())
DOCUMENTS = st.one_of(st.none(), st.integers(), st.lists(ENTRY, max_size=2),
                      st.fixed_dictionaries({}, optional={"findings": FINDINGS, "version": st.integers()}))


@settings(max_examples=25, deadline=None)
@given(DOCUMENTS)
def test_fuzz_any_json_is_a_baseline_or_one_baseline_error(tmp_path_factory, document):
    path = tmp_path_factory.getbasetemp() / "fuzzed-baseline.json"
    path.write_text(json.dumps(document))
    try:
        entries = baseline.read(str(path))
    except baseline.BaselineError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        return
    assert all(isinstance(e["fingerprint"], str) and type(e["line"]) is int for e in entries)
