"""The Python walk skips what no analysis reads (whitespace, numbers; punctuation and operators
where no comment names a version) and tells node types apart by exact type: the facts are the
ones a walk into every node gives."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator.engine import ruletable
from migrator.project.source import SourceText
from migrator.python import analyze as analysis
from migrator.python.scopes import exactly

FIXTURES = Path(__file__).parent / "fixtures"
EVERYTHING = analysis.Plan(frozenset())  # a walk into every node, whitespace included


def facts(text: str, plan=None, monkeypatch=None):
    if plan is not None:
        monkeypatch.setattr(analysis, "plan_for", lambda text, versions: plan)
    return analysis.analyze("m.py", SourceText(text))


def test_skipping_changes_no_fact_of_any_fixture(monkeypatch):
    versions = ruletable.facts().versions
    texts = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("**/*.py"))[::7]]
    quiet = 0
    for text in texts:
        try:
            skipping = facts(text)
        except Exception as error:  # a fixture the Python pass refuses: refused the same way
            with pytest.raises(type(error)):
                facts(text, EVERYTHING, monkeypatch)
            monkeypatch.undo()
            continue
        quiet += analysis.plan_for(text, versions) is analysis.PLANS[analysis.QUIET]
        assert facts(text, EVERYTHING, monkeypatch) == skipping
        monkeypatch.undo()
    assert quiet > len(texts) // 2


def test_a_comment_naming_a_version_is_found_inside_punctuation():
    text = ('import requests\nrequests.get(URL,  # was /iam/v1beta1/\n             timeout=3)\n'
            'x = (1 +  # v1beta1\n  2)\n')
    assert [comment for _, comment in facts(text).comments] == ["# was /iam/v1beta1/", "# v1beta1"]


def test_only_classes_without_subclasses_are_compared_by_type():
    assert exactly(cst.Name, cst.Call) == {cst.Name, cst.Call}
    with pytest.raises(TypeError):
        exactly(cst.BaseExpression)
