"""Units placed by the lines CPython's tree gives each top-level statement (no code generated
but for the statements measured) give the positions that generating every unit's code gives."""
from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrator.project.source import SourceText
from migrator.python import analyze as analysis
from migrator.python import incremental, positions
from migrator.python.guard import checked

FIXTURES = Path(__file__).parent / "fixtures"
ODD = [  # what CPython's lines and LibCST's units might disagree on
    "import os\n@(\n    decorator\n)\ndef f():\n    return 'https://api.astronomer.io/iam/v1beta1/x'\n",
    "import os\n\x0cURL = 'https://api.astronomer.io/iam/v1beta1/x'\n\x0c\n  \x0cdef f():\n    return URL\n",
    "# header\n\n@a\n# between\n@b\nclass C:\n    url = 'https://api.astronomer.io/iam/v1beta1/x'\n"
    "    # footer of C\n# footer\n",
    "x = 1; y = 'https://api.astronomer.io/iam/v1beta1/x'\r\nz = y\rw = z\n",
    "u = 'https://api.astronomer.io/iam/v1beta1/x'\nv = u",  # no newline at the end
]


def facts(text: str):
    try:
        return analysis.analyze("m.py", SourceText(text))
    except Exception as error:  # refused the same way either way
        return type(error).__name__


@pytest.mark.parametrize("odd", range(len(ODD)))
def test_odd_layouts_are_placed_as_their_code_says(odd, monkeypatch):
    placed = facts(ODD[odd])
    monkeypatch.setattr(incremental, "first_lines", lambda module, tree, text: None)
    assert facts(ODD[odd]) == placed


def test_every_fixture_gets_the_positions_generated_code_gives(monkeypatch):
    texts = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("**/*.py"))[1::7]]
    placed = [facts(text) for text in texts]
    lined = sum(positions.first_lines(cst.parse_module(t), checked(t)[1], t) is not None for t in texts if t.strip())
    monkeypatch.setattr(incremental, "first_lines", lambda module, tree, text: None)
    assert [facts(text) for text in texts] == placed
    assert lined > len(texts) // 2  # the lines are used, not always refused


def test_a_unit_placed_wrongly_is_found_when_measured():
    text = "a = 1\nb = 'https://api.astronomer.io/iam/v1beta1/x'\n"
    module = cst.parse_module(text)
    wrong = positions.Layout(module, lines=[0, 0, 2])  # `a = 1` spanning no line, `b = …` two
    where = positions.Positions(module, text, wrong)
    string = module.body[1].body[0].value
    assert where.span(string) == (text.index("'"), len(text) - 1)
    assert wrong.counts is None  # every unit placed by its code from then on
