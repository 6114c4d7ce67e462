"""Issue 13 item 10: valid JSON in odd shapes named `.ipynb` is one line of error naming the file
(exit 2 when named, a finding when walked), never a traceback; the other files' results stand."""
from __future__ import annotations

import json

import pytest
from helpers import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator import analysis
from migrator.engine.match import DEFAULT_HOSTS

URL = "https://api.astronomer.io/iam/v1beta1/organizations/acme/users"
CALL = f'requests.get("{URL}")\n'
GOOD_CELL = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [CALL]}
ODD = {
    "worksheet_number.ipynb": json.dumps({"worksheets": [1], "u": URL}),
    "worksheet_cells_number.ipynb": json.dumps({"worksheets": [{"cells": 5}], "u": URL}),
    "cells_number.ipynb": json.dumps({"cells": 5, "u": URL}),
    "deep_array.ipynb": '{"cells": [' + "[" * 5000 + "]" * 5000 + f'], "u": "{URL}"}}',
    "deep_output.ipynb": json.dumps({"cells": [dict(GOOD_CELL, outputs=[json.loads("[" * 900 + "]" * 900)])]}),
    "source_numbers.ipynb": json.dumps({"cells": [GOOD_CELL, {"cell_type": "code", "source": [1, None, CALL]}]}),
    "source_object.ipynb": json.dumps({"cells": [{"cell_type": "code", "source": {"a": CALL}}]}),
    "cell_type_number.ipynb": json.dumps({"cells": [{"cell_type": 5, "source": CALL}]}),
    "outputs_number.ipynb": json.dumps({"cells": [dict(GOOD_CELL, outputs=5)]}),
    "top_list.ipynb": json.dumps([URL]),
    "top_string.ipynb": json.dumps(URL),
}
# Odd but readable: missing keys and a lone surrogate are a notebook like any other.
READABLE = {
    "missing_keys.ipynb": json.dumps({"cells": [{"source": CALL}, {}, {"cell_type": "code"}]}),
    "surrogate.ipynb": json.dumps({"cells": [GOOD_CELL, {"cell_type": "code", "source": ["x = '\ud800'\n", CALL]}]}),
    "v3.ipynb": json.dumps({"worksheets": [{"cells": [{"cell_type": "code", "input": [CALL]}]}, {}]}),
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("notebooks")
    (root / "good.py").write_text("import requests\n" + CALL)
    for name, text in {**ODD, **READABLE}.items():
        (root / name).write_text(text)
    return root


def test_odd_notebooks_walked_are_findings_and_the_rest_is_checked(tree):
    result = run_cli("check", "--no-cache", "--output-format", "json", ".", cwd=tree)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = {(f["filename"], f["code"]) for f in json.loads(result.stdout)}
    assert {name for name, code in found if code == "AM901"} == set(ODD)
    assert {("good.py", "AM101")} | {(name, "AM101") for name in READABLE} <= found


def test_odd_notebooks_named_are_one_line_each_exit_2_and_never_written(tree):
    result = run_cli("check", "--no-cache", "--fix", *sorted({**ODD, **READABLE}), cwd=tree)
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert sorted(line.split(":")[2].strip() for line in errors) == sorted(ODD), errors
    for name, text in ODD.items():
        assert (tree / name).read_text() == text
    for name in READABLE:
        assert "/v1/organizations" in (tree / name).read_text()
        json.loads((tree / name).read_text())


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text("a\\\"'\n\ud800é", max_size=5) | st.just(URL) | st.just(CALL),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["cells", "worksheets", "source", "input", "cell_type", "outputs", "text", "x"]), inner,
        max_size=4),
    max_leaves=12,
)


@settings(max_examples=25, deadline=None)
@given(JSON, st.sampled_from([0, 0, 0, 2, 5000]))
def test_fuzz_any_json_named_ipynb_gives_findings_or_one_line_error(document, depth):
    raw = "[" * depth + json.dumps({"cells": [document], "u": URL}) + "]" * depth
    outcome = analysis.analyse("fuzz.ipynb", "text", raw.encode(), DEFAULT_HOSTS)
    if outcome.error is not None:
        assert "\n" not in outcome.error and [f.code for f in outcome.findings] == ["AM901"]
