"""The language server's parse of an edited module (statements spliced into the last module
parsed, `migrator.python.incremental`) gives what a whole parse gives, node for node, and the
same facts; errors are the same errors."""
from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest

from migrator.project.source import SourceText
from migrator.python import incremental
from migrator.python.analyze import analyze
from migrator.python.guard import Unparsable
from migrator.python.incremental import Reparser, parse_whole, splice

FIXTURES = Path(__file__).parent / "fixtures"
# Typing in an editor: characters, lines, blocks, brackets and quotes left open, comments, form feeds.
PIECES = ["x", "\n", "    ", "#", "(", ")", '"', "'''", "def f():\n    pass\n", "\n\n", "  # c\n", "\t", "if x:\n",
          "    y = 1\n", "\\\n", ":", "\f", "@d\n", "class A:\n  z = 2\n", "\r\n", "else:\n", "u = 'v1beta1'\n"]
MODULE = '''"""A client."""
import requests

BASE = "https://api.astronomer.io/platform/v1beta1"


def get(org):
    return requests.get(f"{BASE}/organizations/{org}", timeout=30).json()


class Client:
    url = BASE

    def list(self):
        # the deployments
        return requests.get(self.url + "/deployments")


def helper(values, scale=1):
    total = sum(v * scale for v in values if v > 1)
    return {"name": "h", "total": total}
'''


def outcome(parse, text: str):
    try:
        return parse(text)
    except Unparsable as error:
        return str(error)


def edited(text: str, rng: random.Random) -> str:
    for _ in range(rng.choice([1, 1, 2])):
        at = rng.randrange(len(text) + 1)
        roll = rng.random()
        if roll < 0.5:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif roll < 0.8:
            text = text[:at] + text[at + rng.randrange(1, 20):]
        else:
            text = text[:at] + rng.choice(PIECES) + text[at + rng.randrange(1, 10):]
    return text


def sources() -> list:
    chosen = sorted(FIXTURES.glob("sound/**/*.py"))[::8] + sorted(FIXTURES.glob("recall/**/before.py"))[::4]
    return [MODULE] + [path.read_text(encoding="utf-8") for path in chosen]


def test_a_spliced_module_is_the_module_a_whole_parse_gives():
    rng = random.Random(0)
    spliced = compared = 0
    for text in sources():
        kept = parse_whole(text)
        for _ in range(10):
            new = edited(text, rng)
            want = outcome(parse_whole, new)
            done = outcome(functools.partial(splice, kept), new)
            got = outcome(parse_whole, new) if done is None else done
            if isinstance(want, str) or isinstance(got, str):
                assert got == want, repr(new)
                continue
            assert got.module.deep_equals(want.module), repr(new)
            assert got.module.code == want.module.code
            compared += 1
            spliced += done is not None
    assert compared > 30 and spliced > compared // 3  # the splice is taken, not always refused


def test_an_edit_in_one_statement_splices_and_keeps_the_others():
    reparser = Reparser()
    first = reparser.parse("m.py", MODULE)
    second = reparser.parse("m.py", MODULE.replace("scale=1", "scale=12"))
    assert reparser.spliced == 1
    kept = [a is b for a, b in zip(first.module.body, second.module.body)]
    assert kept.count(False) == 1 and not kept[-1]  # only the edited statement is new


@pytest.mark.parametrize("change", [
    ("def get(org):", "def get(org):\n  pass\ndef other():"),  # the module's indentation may change: whole parse
    ('"""A client."""', '"""A client"""'),  # in the first statement: whole parse
])
def test_what_the_splice_cannot_show_is_parsed_whole(change):
    reparser = Reparser()
    reparser.parse("m.py", MODULE)
    new = MODULE.replace(*change)
    assert reparser.parse("m.py", new).module.deep_equals(parse_whole(new).module)


EDITS = [  # each keeps the module valid Python; the facts change with most of them
    ("/deployments", "/deployments/{x}"),
    ("scale=1", "scale=12"),
    ("    url = BASE\n", "    url = BASE + '/iam/v1beta1'\n"),
    ("def helper(", "def get_other(org):\n    return requests.post(BASE + '/alerts')\n\n\ndef helper("),
    ("        # the deployments\n", ""),
    ("(org):", "(org, base=BASE):"),
]


def test_the_facts_of_an_edited_module_are_those_of_a_whole_parse(monkeypatch):
    texts = [MODULE]
    for old, new in EDITS:  # an edit, then back (an undo)
        assert old in MODULE
        texts += [MODULE.replace(old, new, 1), MODULE]
    whole = [analyze("m.py", SourceText(text)) for text in texts]
    monkeypatch.setattr(incremental, "_kept", None)
    kept = incremental.keep()
    spliced = [analyze("m.py", SourceText(text)) for text in texts]
    assert kept.spliced == len(texts) - 1
    assert spliced == whole
    assert len({repr(facts) for facts in whole}) > 4


def test_only_the_last_paths_are_kept(monkeypatch):
    reparser = Reparser(kept=2)
    for name in ("a.py", "b.py", "c.py"):
        reparser.parse(name, MODULE)
    assert list(reparser.states) == ["b.py", "c.py"]
    reparser.parse("b.py", MODULE + "\nx = 1\n")
    assert list(reparser.states) == ["c.py", "b.py"] and reparser.spliced == 1


def test_a_statement_too_deep_to_compare_is_parsed_whole():
    """Regression: comparing a deeply nested statement (which the guard lets LibCST parse)
    exceeded Python's recursion limit and ended the analysis with a RecursionError."""
    text = "import os\nx = " + "[" * 180 + "1" + "]" * 180 + "\ny = 2\nz = 3\n"
    reparser = Reparser()
    reparser.parse("m.py", text)
    new = text.replace("y = 2", "y = 22")
    assert reparser.parse("m.py", new).text == new
    assert reparser.spliced == 0  # parsed whole
