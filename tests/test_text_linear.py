"""The text tier reads a long line once, not once per use (issue 13, item 16).

A minified bundle is one line: every look-up about "the line around this use" (its start and
end, the name defined to a value, the HTTP method the command shows) used to re-read it, so a
line of 1,000 calls took minutes. No timing here: `lines.WORK` counts the characters the per-use
look-ups read, which must stay within a constant per use plus one reading of each line.
`benchmarks/text_linear.py` times the shapes.
"""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern
from migrator.project.source import SourceText
from migrator.text import analyze, prefixes
from migrator.text.lines import WORK, lines_of
from migrator.text.tokens import NOT_URL_KEY, chain_matches, line_end, line_start, syntax

TABLE = ruletable.load()
HOST_RE = host_pattern(DEFAULT_HOSTS)
CALL = 'fetch("https://api.astronomer.io/platform/v1beta1/organizations/o"+i{i}+"/deployments").then(r=>r.json());'


def read(calls: int) -> tuple:
    """(findings, characters the per-use look-ups read, indexes built, text length) of a bundle."""
    text = "".join(CALL.format(i=i) for i in range(calls))
    characters, indexes = WORK.characters, WORK.indexes
    found = analyze.analyze(SourceText.decode(text.encode()), TABLE, HOST_RE, "app.min.js")
    return found, WORK.characters - characters, WORK.indexes - indexes, len(text)


def test_a_one_line_bundle_is_read_once_whatever_its_number_of_calls():
    small, small_chars, small_indexes, small_len = read(10)
    large, large_chars, large_indexes, large_len = read(100)
    assert [f.code for f in small] == ["AM101"] * 10 and [f.code for f in large] == ["AM101"] * 100
    assert small_indexes == large_indexes == 1
    # The line once (for its method) and a few characters before each call: linear.
    assert small_chars < small_len + 40 * 10 and large_chars < large_len + 40 * 100


def test_line_bounds_are_those_of_every_line_break_spelling():
    text = "a\nbb\r\ncc\rd\r\r\n\ne"
    for offset in range(len(text) + 1):
        assert line_start(text, offset) == max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
        found = re.compile(r"\r\n?|\n").search(text, offset)
        assert line_end(text, offset) == (found.start() if found else len(text))


FRAGMENTS = ["kind", "apiVersion", "A_1", "name", "default", "ENV ", "export ", "env:", " ", "\t", "=", ":",
             '"', "'", "`", "$", "@", "{", ";", ",", "-", "/", "+", "?", "&", ".", "(", "\n", "\r"]


FLAVORS = st.sampled_from(["shell", "yaml", "hcl", "php", "powershell"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12), FLAVORS)
def test_the_bounded_look_behind_finds_what_a_search_of_the_whole_line_found(fragments, flavor):
    text = "".join(fragments) + "https://x/y"
    offset, lines = len(text) - len("https://x/y"), lines_of(text)
    for pattern in (syntax(flavor).defined_by, NOT_URL_KEY):
        whole = pattern.search(text, lines.start(offset), offset)
        bounded = pattern.search(text, lines.assignment_start(offset), offset)
        assert (whole and (whole.span(), whole.groups())) == (bounded and (bounded.span(), bounded.groups()))


PARTS = ["a", "Z9", "_", "$", ".", "1", "é", " ", "+", '"x/"', "'y'", "`z`", "(", ")", "f(a)", "\n"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PARTS), max_size=16), st.sampled_from(["js", "php", "shell", "go"]))
def test_concatenations_are_those_a_search_from_every_character_finds(parts, flavor):
    text = "".join(parts)
    expected = [(m.span(), m.group(0)) for m in syntax(flavor).chain.finditer(text)]
    assert [(m.span(), m.group(0)) for m in chain_matches(text, flavor)] == expected


def test_a_long_field_path_after_a_call_keeps_its_call_and_its_concatenation():
    text = 'curl "https://api.astronomer.io/platform/v1beta1/organizations/$ORG/deployments/$D" | jq '
    found = analyze.analyze(SourceText.decode((text + ".a" * 2000 + "\n").encode()), TABLE, HOST_RE, "q.sh")
    assert [f.code for f in found] == ["AM101"]
    assert [m.group(0) for m in chain_matches("x.a.a.a" * 300 + ' + "/b"', "shell")] == ["x.a.a.a" * 300 + ' + "/b"']


def walk_up(text: str, offset: int) -> list:
    """The YAML keys above the line at `offset`, read line by line upwards (what `_parent_keys` did)."""
    keys, start = [], line_start(text, offset)
    found = prefixes.YAML_KEY.match(text, start)
    indent = len(found.group(1)) if found else len(text) + 1
    while start > 0 and indent > 0:
        start = line_start(text, start - 1)
        found = prefixes.YAML_KEY.match(text, start)
        if found and len(found.group(1)) < indent:
            indent = len(found.group(1))
            keys.append(found.group(2))
    return keys


YAML_LINES = ["a:", "  b:", "    c: x", "  - d: y", "\te:", "  # f:", "", "g: 1", "      h:", "- i:", "  'j' :"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(YAML_LINES), min_size=1, max_size=10), st.sampled_from(["\n", "\r\n", "\r"]))
def test_parent_keys_are_those_a_walk_up_the_lines_finds(lines, newline):
    text = newline.join(lines) + newline
    for offset in range(len(text) + 1):
        assert prefixes._parent_keys(text, offset) == walk_up(text, offset)


def test_settings_under_one_key_are_read_with_one_index_of_the_keys():
    text = "astro:\n" + "".join(f"  path{i}: /platform/v1beta1\n" for i in range(300))
    built = prefixes._key_lines.cache_info().misses
    found = analyze.analyze(SourceText.decode(text.encode()), TABLE, HOST_RE, "values.yaml")
    assert len([f for f in found if f.code == "AM102"]) == 300  # `astro` above each names Astro's API
    assert prefixes._key_lines.cache_info().misses == built + 1


WORDS = ["astro", "Astronomer", "ASTRO_API", "astronaut", "nomer", "x", "_", "-", " ", ":", "\n", "\r"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12))
def test_a_line_names_astro_as_a_search_of_the_line_before_the_value_finds(words):
    text = "".join(words)
    for offset in range(len(text) + 1):
        expected = prefixes.ASTRO_WORD.search(text[line_start(text, offset) : offset]) is not None
        assert prefixes._line_names_astro(text, offset) == expected


def test_the_cheap_look_for_a_version_apart_loses_no_assembled_base(monkeypatch):
    """`joins.find` skips texts whose every version word sits right after an api (`platform/v1beta1`):
    on every text fixture, running it anyway finds nothing more."""
    from pathlib import Path

    from migrator.project.filetypes import flavor_of
    from migrator.text import joins

    table, host_re = ruletable.load(), host_pattern(DEFAULT_HOSTS)
    fixtures = Path(__file__).parent / "fixtures"
    texts = [(p, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(fixtures.rglob("*"))
             if p.is_file() and p.suffix != ".py" and flavor_of(str(p)) not in ("notebook", "python")]
    gated = [joins.find(text, flavor_of(str(p)), str(p), table, host_re) for p, text in texts]
    skipped = sum(not joins._version_apart(text) for _, text in texts)
    monkeypatch.setattr(joins, "_version_apart", lambda text: True)
    assert [joins.find(text, flavor_of(str(p)), str(p), table, host_re) for p, text in texts] == gated
    assert skipped and sum(map(len, gated))  # both kinds of text are among the fixtures
