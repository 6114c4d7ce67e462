"""Issue 13 item 9 (and issue 14 item 6): a Python file the Python pass cannot read costs only its
own result. Deep nesting used to kill the whole run inside LibCST's native parser (rc 139); a
syntax error hid the file's URLs. Now CPython's parser and a depth limit guard LibCST, and such a
file's URLs are reported through the text tier, without fixes, with AM901 where parsing stopped."""
from __future__ import annotations

import json

import pytest
from helpers import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator import analysis
from migrator.engine.match import DEFAULT_HOSTS
from migrator.python.guard import MAX_DEPTH

URL = "https://api.astronomer.io/iam/v1beta1/organizations/acme/users"
GOOD = f'import requests\nrequests.get("{URL}")\n'
TAIL = f'\nimport requests\nrequests.get("{URL}")\n'

HOSTILE = {
    "parens.py": "x = " + "(" * 1500 + "1" + ")" * 1500 + TAIL,
    "minus.py": "x = " + "-" * 20000 + "1" + TAIL,
    "lists.py": "x = " + "[" * 3000 + "]" * 3000 + TAIL,
    "dicts.py": "x = " + "{1: " * 3000 + "1" + "}" * 3000 + TAIL,
    "calls.py": "x = " + "f(" * 3000 + ")" * 3000 + TAIL,
    "chain.py": "x = " + " + ".join(["1"] * (MAX_DEPTH + 50)) + TAIL,  # CPython accepts, too deep for LibCST
    "py2.py": 'import urllib2\nprint "fetching"\n' + f'urllib2.urlopen("{URL}")\n',
}
WHERE = {"parens.py": (1, 205), "py2.py": (2, 1)}  # CPython's own line:column of the error


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    root = tmp_path_factory.mktemp("parse")
    (root / "good.py").write_text(GOOD)
    for name, text in HOSTILE.items():
        (root / name).write_text(text)
    walked = run_cli("check", "--no-cache", "--output-format", "json", ".", cwd=root)
    named = run_cli("check", "--no-cache", "--fix", "--output-format", "json", *HOSTILE, "good.py", cwd=root)
    return root, walked, named


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_file_the_python_pass_cannot_read_is_read_as_text_without_fixes(reported, name):
    root, walked, _ = reported
    assert walked.returncode == 1  # walked files: findings, not a failed run
    found = [f for f in json.loads(walked.stdout) if f["filename"] == name]
    assert sorted(f["code"] for f in found) == ["AM101", "AM901"]
    url = next(f for f in found if f["code"] == "AM101")
    assert url["fix"] is None and "does not parse as Python" in url["message"]
    error = next(f for f in found if f["code"] == "AM901")
    if name in WHERE:
        assert (error["location"]["row"], error["location"]["column"]) == WHERE[name]
    assert any(f["filename"] == "good.py" and f["code"] == "AM101" for f in json.loads(walked.stdout))


def test_named_unparsable_files_fail_the_run_in_one_line_each_and_are_never_rewritten(reported):
    root, _, named = reported
    assert named.returncode == 2 and "Traceback" not in named.stderr
    errors = named.stderr.splitlines()
    for name in HOSTILE:
        assert sum(line.startswith(f"astro-migrate: error: {name}: cannot parse as Python") for line in errors) == 1
        assert (root / name).read_text() == HOSTILE[name]
    assert "/v1/organizations" in (root / "good.py").read_text()  # the other file was fixed


def test_a_deep_notebook_cell_costs_only_that_cell(tmp_path):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [source]}
             for source in ("x = " + "-" * 20000 + "1\n", f'import requests\nrequests.get("{URL}")\n')]
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                                   "nbformat_minor": 5}))
    result = run_cli("check", "--no-cache", "--output-format", "json", "nb.ipynb", cwd=tmp_path)
    assert [f["code"] for f in json.loads(result.stdout)] == ["AM101"]


NESTING = st.sampled_from(["(", "[", "{", "-", "not ", "lambda: ", "f(", " + 1", "**2", " if 1 else 1"])
OTHER = st.sampled_from([")", "]", "}", "print 'x'", "\n", "\r", "\t", "\x0c", "\x00", "\ud800", ".a", URL, "'", '"'])
RUNS = st.one_of(st.tuples(NESTING, st.integers(1, 4000)), st.tuples(OTHER, st.integers(1, 5)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RUNS, max_size=5))
def test_fuzz_any_python_source_gives_an_outcome_never_a_crash(runs):
    """Runs of nesting tokens (up to 4,000 long), syntax errors, odd characters: the analysis of
    one file returns facts, or an error with its findings; it never raises or crashes."""
    text = "x = " + "".join(piece * count for piece, count in runs) + f'\nu = "{URL}"\n'
    outcome = analysis.analyse("fuzz.py", "python", text.encode("utf-8", "surrogatepass"), DEFAULT_HOSTS)
    assert outcome.facts is not None or (outcome.error and {"AM901", "AM902"} & {f.code for f in outcome.findings})
