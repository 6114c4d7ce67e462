"""Property tests: for generated modules and text files, `fix` touches only the rewritten
spans, leaves valid Python, leaves no migratable v1beta1 URL, and is idempotent; `check`
never raises, whatever the bytes."""
from __future__ import annotations

import ast
import difflib
import os
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator import api as run

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
URL_CODES = {"AM101", "AM102", "AM103"}

bases = st.sampled_from(["iam/v1beta1", "platform/v1beta1"])
paths = st.sampled_from([
    "", "/", "/organizations/acme", "/organizations/{org}/deployments", "/organizations/o/users",
    "/organizations/o/workspaces/w/teams", "/organizations/o/deployments/d?limit=100",
    "/organizations/o/alerts", "/organizations/o/notification-channels",
])
urls = st.builds(lambda b, p: f"https://api.astronomer.io/{b}{p}", bases, paths)
quotes = st.sampled_from(['"{}"', "'{}'", '"""{}"""', "r'{}'", "f'{}'"])
newlines = st.sampled_from(["\n", "\r\n", "\r"])
indents = st.sampled_from(["    ", "\t", "  "])
noise = st.sampled_from(["", "# naïve comment", "x = 1  # 😀", "pass", "import os", "owner = 'Müller'"])

STATEMENTS = [
    "BASE = {q}",
    "def list_things(session, url={q}):\n{i}return session.get(url)",
    "requests.get({q}, headers={{'Authorization': 'Bearer ' + token}})",
    "CONFIG = {{'api': {q}, 'retries': 3}}",
    "class Client:\n{i}root = {q}\n\n{i}def fetch(self):\n{i}{i}return requests.post(self.root, json={{}})",
    "if DEBUG:\n{i}url = {q} + '/deployments'\nelse:\n{i}url = None",
    "try:\n{i}resp = httpx.get(\n{i}{i}{q},\n{i})\nexcept Exception:\n{i}raise",
]


@st.composite
def python_modules(draw) -> str:
    newline, indent = draw(newlines), draw(indents)
    lines = ["import requests, httpx", "token = DEBUG = None"]
    for _ in range(draw(st.integers(1, 4))):
        quoted = draw(quotes).format(draw(urls))
        lines.append(draw(st.sampled_from(STATEMENTS)).format(q=quoted, i=indent))
        lines.append(draw(noise))
    text = newline.join(line.replace("\n", newline) for line in lines)
    return text + (newline if draw(st.booleans()) else "")


@st.composite
def text_files(draw) -> tuple:
    name = draw(st.sampled_from(["deploy.sh", "ci.yml", ".env", "README.md", "Makefile"]))
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        url = draw(urls)
        shape = draw(st.sampled_from(["curl -sf {u}", "  url: {u}", "API={u}", "see <{u}>", "  - run: curl \"{u}\""]))
        lines.append(shape.format(u=url))
        lines.append(draw(st.sampled_from(["", "# ünïcode", "echo done", "\t"])))
    newline = draw(newlines)
    return name, newline.join(lines) + (newline if draw(st.booleans()) else "")


def fix_properties(name: str, data: bytes, python: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(data)
        before = run.check([path], run.Options(no_cache=True))
        assert before.findings, "the generator planted a v1beta1 URL in every file"
        spans = [(e.start, e.end) for _, f in before.findings if f.fix for e in f.fix.edits]
        old_text = before.files[0].source.text if before.files and before.files[0].source else None
        run.check([path], run.Options(fix=True, unsafe_fixes=True, no_cache=True))
        with open(path, "rb") as handle:
            fixed = handle.read()
        new_text = fixed.decode("utf-8")
        for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old_text, new_text, autojunk=False).get_opcodes():
            if tag != "equal":
                assert any(s <= i1 and i2 <= e for s, e in spans), (tag, old_text[i1 - 20 : i2 + 20])
        if python:
            ast.parse(new_text)
        after = run.check([path], run.Options(no_cache=True))
        assert not [f.code for _, f in after.findings if f.code in URL_CODES], new_text
        run.check([path], run.Options(fix=True, unsafe_fixes=True, no_cache=True))
        with open(path, "rb") as handle:
            assert handle.read() == fixed


@SETTINGS
@given(python_modules())
def test_fixing_generated_python_touches_only_url_spans_and_is_idempotent(module):
    fix_properties("dag.py", module.encode("utf-8"), python=True)


@SETTINGS
@given(text_files())
def test_fixing_generated_text_files_touches_only_url_spans_and_is_idempotent(case):
    name, text = case
    fix_properties(name, text.encode("utf-8"), python=False)


hostile_bytes = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda a, b: a + b"https://api.astronomer.io/iam/v1beta1/organizations/" + b,
              st.binary(max_size=300), st.binary(max_size=300)),
    st.builds(lambda t: t.encode("utf-8", "surrogatepass"), st.text(max_size=500)),
    st.builds(lambda t: ("# coding: latin-1\nx = '" + t + "v1beta1'").encode("latin-1", "replace"),
              st.text(max_size=200)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_bytes, st.sampled_from(["x.py", "x.yml", "x.sh", "x.json", "x.ipynb", "noext", "x.tf"]))
def test_check_never_raises_on_arbitrary_bytes(data, name):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(data)
        run.check([path], run.Options(no_cache=True))
        run.check([folder], run.Options(fix=True, unsafe_fixes=True, no_cache=True))
