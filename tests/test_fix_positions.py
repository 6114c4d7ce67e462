"""Edits land where the analysis saw their text, whatever characters come before it.

Regression (issue 11, item 6): a form feed at the start of a line shifted LibCST's column by
one, and `--fix` wrote `"https://api.astronomer.iov11/"` while reporting "1 fixed".
"""
from __future__ import annotations

import datetime
import sys
import types

import pytest

from migrator.api import check
from migrator.engine.findings import Edit, Finding, Fix
from migrator.fix import edits
from migrator.fix.plan import Target, plan
from migrator.options import Options

TODAY = datetime.date(2026, 11, 28)
V1BETA1 = "https://api.astronomer.io/platform/v1beta1"
BODY = 'def deployments():\n    return requests.get(BASE + "/organizations/o/deployments")\n'


def run_module(path, monkeypatch) -> types.SimpleNamespace:
    """Execute a fixed module; its `requests.get` returns the URL it was asked for (no network)."""
    monkeypatch.setitem(sys.modules, "requests", types.SimpleNamespace(get=lambda url, **_: url))
    namespace: dict = {}
    exec(compile(path.read_bytes(), str(path), "exec"), namespace)  # noqa: S102 - the test runs the fixed code
    return types.SimpleNamespace(**namespace)


# Text before the base on its line or on lines before it, and line endings, that have moved
# LibCST's positions away from the text's (or could): each must still get an exact fix.
SHAPES = {
    "form feed at line start": f'import requests\n\x0cBASE = "{V1BETA1}"\n' + BODY,
    "spaces then form feed": f'import requests\n  \x0cBASE = "{V1BETA1}"\n' + BODY,
    "two form feeds": f'import requests\n\x0c\x0cBASE = "{V1BETA1}"\n' + BODY,
    "form feed before an indented line": f'import requests\nif True:\n\x0c    BASE = "{V1BETA1}"\n' + BODY,
    "form feed line of its own": f'import requests\n\x0c\nBASE = "{V1BETA1}"\n' + BODY,
    "line separator in a comment": f'import requests\n# a \u2028 b\nBASE = "{V1BETA1}"\n' + BODY,
    "next line in a comment": f'import requests\n# a \x85 b\nBASE = "{V1BETA1}"\n' + BODY,
    "line separator in a string": f'import requests\nNOTE = "\u2028"\nBASE = "{V1BETA1}"\n' + BODY,
    "tab indentation": f'import requests\nif True:\n\tBASE = "{V1BETA1}"\n' + BODY,
    "non-ASCII before the URL": f'import requests\né = "ünïcödé"; BASE = "{V1BETA1}"\n' + BODY,
    "CRLF": (f'import requests\r\n\x0cBASE = "{V1BETA1}"\r\n' + BODY).replace("\n", "\r\n").replace("\r\r", "\r"),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_fix_rewrites_exactly_the_base_whatever_comes_before_it(tmp_path, monkeypatch, shape):
    target = tmp_path / "client.py"
    original = SHAPES[shape].encode("utf-8")
    target.write_bytes(original)
    result = check([target], Options(fix=True, no_cache=True, today=TODAY))
    assert sum(f.fixed for f in result.files) == 1
    assert target.read_bytes() == original.replace(b"platform/v1beta1", b"v1")
    assert run_module(target, monkeypatch).deployments() == "https://api.astronomer.io/v1/organizations/o/deployments"
    again = check([target], Options(fix=True, no_cache=True, today=TODAY))
    assert sum(f.fixed for f in again.files) == 0
    assert target.read_bytes() == original.replace(b"platform/v1beta1", b"v1")


def finding_with(edit: Edit) -> Finding:
    return Finding("AM101", "a base", edit.start, edit.end, fix=Fix("safe", "Replace", (edit,)))


def test_an_edit_whose_span_does_not_hold_its_text_is_refused_with_the_reason():
    text = f'BASE = "{V1BETA1}"\n'
    start = text.index("platform")
    shifted = finding_with(Edit(start - 1, start - 1 + len("platform/v1beta1"), "v1", "platform/v1beta1"))
    planned = plan([Target("client.py", "python", text, (shifted,))], unsafe=False)
    assert planned.changes == {}
    reason = planned.refused[("client.py", shifted)]
    assert "'/platform/v1beta'" in reason and "'platform/v1beta1'" in reason


def test_an_edit_that_does_not_say_what_it_replaces_is_refused():
    text = f'BASE = "{V1BETA1}"\n'
    start = text.index("platform")
    unknown = finding_with(Edit(start, start + len("platform/v1beta1"), "v1"))
    planned = plan([Target("client.py", "python", text, (unknown,))], unsafe=False)
    assert planned.changes == {} and ("client.py", unknown) in planned.refused


def test_json_escaped_slashes_count_as_the_slash_they_stand_for():
    text = '{"url": "https://api.astronomer.io/platform\\/v1beta1/x"}'
    start = text.index("platform")
    edit = Edit(start, start + len("platform\\/v1beta1"), "v1", "platform/v1beta1")
    assert edits.misplaced(text, edit, slashes_escaped=True) is None
    assert edits.misplaced(text, edit) is not None


def test_a_python_string_escape_in_the_base_is_never_rewritten_by_guess(tmp_path, monkeypatch):
    target = tmp_path / "client.py"
    original = ('import requests\nBASE = "https://api.astronomer.io/platform\\x2fv1beta1"\n' + BODY).encode()
    target.write_bytes(original)
    check([target], Options(fix=True, no_cache=True, today=TODAY))
    url = run_module(target, monkeypatch).deployments()
    assert url in (f"{V1BETA1}/organizations/o/deployments", "https://api.astronomer.io/v1/organizations/o/deployments")
