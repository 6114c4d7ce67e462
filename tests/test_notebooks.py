"""Jupyter notebooks: cells through the right pass, findings located by cell, raw JSON kept."""
from __future__ import annotations

import json
import shutil

from helpers import FIXTURES, check_json, run_cli

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern
from migrator.project.source import SourceText
from migrator.text.json_values import parse, raw_offsets
from migrator.text.notebook import analyze

NOTEBOOKS = FIXTURES / "text" / "notebooks"
TABLE = ruletable.load()
HOSTS = host_pattern(DEFAULT_HOSTS)


def copy(tmp_path):
    target = tmp_path / "explore.ipynb"
    shutil.copyfile(NOTEBOOKS / "before.ipynb", target)
    return target


def test_fix_touches_the_urls_and_nothing_else_and_is_idempotent(tmp_path):
    target = copy(tmp_path)
    expected = (NOTEBOOKS / "after.ipynb").read_bytes()
    run_cli("check", "--fix", target)
    assert target.read_bytes() == expected
    run_cli("check", "--fix", target)
    assert target.read_bytes() == expected
    assert json.loads(expected)["nbformat"] == 4


def test_findings_name_the_cell_and_the_line_in_it(tmp_path):
    findings = check_json(copy(tmp_path))
    got = sorted((f["context"], f["code"]) for f in findings)
    assert got == [
        ("cell 1, line 2", "AM101"),  # markdown cell
        ("cell 2, line 2", "AM101"),  # BASE, escaped as \/ in the raw JSON
        ("cell 2, output", "AM106"),  # stored output: reported, never rewritten
        ("cell 3, line 2", "AM201"),  # `!curl` shell line to alerts
        ("cell 3, line 3", "AM301"),
        ("cell 4, line 2", "AM101"),  # %%bash cell
        ("cell 4, line 2", "AM302"),  # jq '.workloadIdentity' in the bash cell
        ("cell 5, line 4", "AM101"),  # Python under %%time, in an if block with a shell line
        ("cell 5, line 5", "AM104"),  # a comment
        ("cell 5, line 6", "AM101"),  # %env line magic
    ]


def test_a_base_defined_in_one_cell_is_judged_by_its_use_in_another(tmp_path):
    findings = check_json(copy(tmp_path))
    base = next(f for f in findings if f["context"] == "cell 2, line 2")
    assert base["endpoint"]["operation_id"] == "ListApiTokens"


def test_outputs_are_never_rewritten(tmp_path):
    target = copy(tmp_path)
    run_cli("check", "--fix", target)
    outputs = json.loads(target.read_text())["cells"][1]["outputs"]
    assert "iam/v1beta1" in outputs[0]["text"][0]


def test_a_cell_that_does_not_parse_still_has_its_urls_found():
    cells = [
        {"cell_type": "code", "source": ["def broken(:\n", "    url = 'https://api.astronomer.io/iam/v1beta1/organizations'\n"]},
        {"cell_type": "code", "source": "requests.get('https://api.astronomer.io/platform/v1beta1/organizations/o/clusters')"},
    ]
    text = json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}, indent=2)
    findings = analyze(SourceText(text), TABLE, HOSTS, "n.ipynb")
    assert sorted((f.context, f.code) for f in findings) == [("cell 1, line 2", "AM101"), ("cell 2, line 1", "AM101")]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.fix and "iam/v1beta1" or True
        assert text[finding.start : finding.end] in ("iam/v1beta1", "platform/v1beta1")


def test_nbformat_3_worksheets_are_read():
    text = json.dumps({"nbformat": 3, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["x = 'https://api.astronomer.io/iam/v1beta1/organizations'\n"]}]}]})
    (finding,) = analyze(SourceText(text), TABLE, HOSTS, "old.ipynb")
    assert text[finding.start : finding.end] == "iam/v1beta1"


def test_a_notebook_that_is_not_json_is_reported_not_crashed(tmp_path):
    target = tmp_path / "half.ipynb"
    target.write_text('{"cells": [ "https://api.astronomer.io/iam/v1beta1"')
    result = run_cli("check", "--output-format", "json", target)
    assert [f["code"] for f in json.loads(result.stdout)] == ["AM901"]
    # a named file that cannot be read is a failed run, in one line (issue 13 item 10)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1


def test_raw_offsets_follow_json_escapes():
    raw = '["a\\/b\\"c\\u00e9\\ud83d\\ude00d"]'
    (value,) = parse(raw)
    assert value == 'a/b"c\u00e9\U0001F600d'
    offsets = raw_offsets(raw, value)
    assert [raw[o] for o in offsets[:-1]] == ["a", "\\", "b", "\\", "c", "\\", "\\", "d"]
    assert raw[offsets[-1]] == '"'
