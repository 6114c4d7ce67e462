"""Notebook fixes go through the cells: the file stays a notebook, laid out as it was.

Regression (issue 11, item 5): the AM202 split inserted a line into a code cell as raw text,
so the .ipynb was no longer JSON.
"""
from __future__ import annotations

import datetime
import json
import sys
import types

import pytest

from migrator.api import check
from migrator.fix import notebooks, verify
from migrator.options import Options
from migrator.text.json_values import parse
from migrator.text.notebook import source_strings

TODAY = datetime.date(2026, 11, 28)
V1BETA1 = "https://api.astronomer.io/platform/v1beta1"
CELLS = [
    ["import requests\n", 'ORG = "acme"\n', f'BASE = "{V1BETA1}"'],  # the last line has no newline
    ["def deployments():\n", '    return requests.get(f"{BASE}/organizations/{ORG}/deployments")\n'],
    ["def alerts():\n", '    return requests.get(f"{BASE}/organizations/{ORG}/alerts")'],
]


def notebook(cells: list, indent=1, escape_slashes=False) -> str:
    document = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines}
            for lines in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(document, indent=indent, ensure_ascii=False) + "\n"
    return text.replace("/", "\\/") if escape_slashes else text


def run_cells(path, monkeypatch) -> dict:
    """Execute the fixed notebook's code cells in order; `requests.get` returns its URL."""
    monkeypatch.setitem(sys.modules, "requests", types.SimpleNamespace(get=lambda url, **_: url))
    namespace: dict = {}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        exec("".join(cell["source"]), namespace)  # noqa: S102 - the test runs the fixed cells
    return namespace


def fix(path) -> int:
    result = check([path], Options(fix=True, no_cache=True, today=TODAY))
    return sum(f.fixed for f in result.files)


@pytest.mark.parametrize("indent,escape_slashes", [(1, False), (2, True), (4, False)])
def test_split_in_a_notebook_keeps_it_a_notebook_and_keeps_the_alerts_call_on_v1beta1(
    tmp_path, monkeypatch, indent, escape_slashes
):
    target = tmp_path / "nb.ipynb"
    original = notebook(CELLS, indent, escape_slashes)
    target.write_text(original, encoding="utf-8")
    assert fix(target) == 1
    fixed = target.read_text(encoding="utf-8")
    document = json.loads(fixed)
    assert len(document["cells"]) == 3 and document["nbformat"] == 4 and document["nbformat_minor"] == 5
    assert list(document) == list(json.loads(original))
    assert verify.broken("notebook", original, fixed) is None  # all but the sources byte for byte
    assert fixed.endswith("}\n")
    first = document["cells"][0]["source"]
    assert len(first) == 4 and all(isinstance(line, str) for line in first)  # the copy: a string of its own
    if escape_slashes:
        assert "https://" not in fixed  # new strings are written with the file's `\/`
    cells = run_cells(target, monkeypatch)
    assert cells["deployments"]() == "https://api.astronomer.io/v1/organizations/acme/deployments"
    assert cells["alerts"]() == f"{V1BETA1}/organizations/acme/alerts"
    assert fix(target) == 0
    assert target.read_text(encoding="utf-8") == fixed


def test_a_line_inserted_after_a_line_with_a_newline_is_a_new_source_string(tmp_path, monkeypatch):
    cells = [["import requests\n", f'BASE = "{V1BETA1}"\n', 'ORG = "acme"\n'], *CELLS[1:]]
    target = tmp_path / "nb.ipynb"
    target.write_text(notebook(cells), encoding="utf-8")
    assert fix(target) == 1
    first = json.loads(target.read_text(encoding="utf-8"))["cells"][0]["source"]
    assert first[0] == "import requests\n" and first[3] == 'ORG = "acme"\n'
    assert first[1] == 'BASE = "https://api.astronomer.io/v1"\n'
    assert first[2].startswith(f'BASE_V1BETA1 = "{V1BETA1}"') and first[2].endswith("\n")
    assert run_cells(target, monkeypatch)["alerts"]().startswith(V1BETA1)


def test_a_cell_source_written_as_one_string_stays_one_string(tmp_path, monkeypatch):
    target = tmp_path / "nb.ipynb"
    text = notebook(CELLS)
    document = json.loads(text)
    for cell in document["cells"]:
        cell["source"] = "".join(cell["source"])
    target.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    assert fix(target) == 1
    fixed = json.loads(target.read_text(encoding="utf-8"))
    assert all(isinstance(cell["source"], str) for cell in fixed["cells"])
    assert run_cells(target, monkeypatch)["alerts"]().startswith(V1BETA1)


def test_an_edit_across_two_cells_is_not_applied():
    raw = notebook(CELLS)
    strings = source_strings(parse(raw))
    from migrator.engine.findings import Edit

    across = Edit(strings[0][-1].start + 1, strings[1][0].start + 2, "x", "whatever")
    assert "not inside one cell" in notebooks.misplaced(raw, across)


def test_layout_check_refuses_a_change_outside_the_sources():
    raw = notebook(CELLS)
    assert verify.broken("notebook", raw, raw.replace('"nbformat_minor": 5', '"nbformat_minor": 4')) is not None
    assert verify.broken("notebook", raw, raw.replace("\n ", "\n  ", 1)) is not None  # indentation
    assert verify.broken("notebook", raw, raw.rstrip("\n")) is not None  # trailing newline
    assert verify.broken("notebook", raw, raw[:-3]) is not None  # no longer JSON


def test_a_code_cell_that_would_no_longer_parse_is_refused():
    raw = notebook(CELLS)
    broken = raw.replace('"def alerts():\\n"', '"def alerts(:\\n"')
    assert broken != raw
    assert "cell 3 would no longer parse as Python" in verify.broken("notebook", raw, broken)
    magic = notebook([["%time x = 1\n"], *CELLS[1:]])  # did not parse before: not judged
    assert verify.broken("notebook", magic, magic.replace("x = 1", "x = (")) is None
