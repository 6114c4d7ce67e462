"""Encodings and line endings: a fix changes the URL bytes and nothing else."""
from __future__ import annotations

import codecs

import pytest
from helpers import check_json, run_cli

from migrator.project.source import DecodeError, SourceText

URL = "https://api.astronomer.io/iam/v1beta1/organizations/{org}/users"
FIXED = "https://api.astronomer.io/v1/organizations/{org}/users"


def python_lines(non_ascii: str = "café") -> list:
    return [
        "import requests",
        f"owner = {non_ascii!r}  # who to page",
        "def users(org):",
        f'\treturn requests.get(\t"{URL}".format(org=org))',
        "",
    ]


def joined(lines: list, endings) -> str:
    if isinstance(endings, str):
        return endings.join(lines)
    return "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))


CASES = {
    "utf8_lf.py": ("utf-8", b"", joined(python_lines(), "\n")),
    "utf8_bom.py": ("utf-8", codecs.BOM_UTF8, joined(python_lines("日本 😀"), "\n")),
    "crlf.py": ("utf-8", b"", joined(python_lines(), "\r\n")),
    "cr_only.py": ("utf-8", b"", joined(python_lines(), "\r")),
    "mixed_endings.py": ("utf-8", b"", joined(python_lines(), ["\r\n", "\n", "\r"])),
    "no_trailing_newline.py": ("utf-8", b"", "\n".join(python_lines()).rstrip("\n")),
    "latin1_cookie.py": ("latin-1", b"", joined(["# -*- coding: latin-1 -*-"] + python_lines("Müller ß"), "\n")),
    "cp1252_cookie.py": ("cp1252", b"", joined(["# vim: set fileencoding=cp1252 :"] + python_lines("€ “quoted”"), "\r\n")),
    "form_feed.py": ("utf-8", b"", joined(["\x0c"] + python_lines("a\u2028b\x85c"), "\n")),
    "deploy.sh": ("utf-8", b"", joined(["#!/bin/bash", "# déploiement", f'curl -sf\t"{URL}"'], "\r\n")),
    "ci.yml": ("utf-8", codecs.BOM_UTF8, joined(["steps:", f"  - run: curl {URL}  # naïve"], "\r")),
}


@pytest.fixture(scope="module")
def fixed_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("encodings")
    originals = {}
    for name, (encoding, bom, text) in CASES.items():
        data = bom + text.encode(encoding)
        (root / name).write_bytes(data)
        originals[name] = data
    before = check_json(*CASES, cwd=root)
    result = run_cli("check", "--fix", *CASES, cwd=root)
    return root, originals, before, result


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_changes_only_the_url_bytes(fixed_tree, name):
    root, originals, before, result = fixed_tree
    assert any(f["filename"] == name for f in before), f"{name} was not reported: {result.stdout}"
    encoding, _, _ = CASES[name]
    expected = originals[name].replace(URL.encode(encoding), FIXED.encode(encoding))
    assert (root / name).read_bytes() == expected


def test_fix_run_succeeds(fixed_tree):
    _, _, _, result = fixed_tree
    assert result.returncode == 0, result.stdout + result.stderr


def test_reported_column_points_at_the_url_after_tabs_and_non_ascii(fixed_tree):
    _, _, before, _ = fixed_tree
    line = "\treturn requests.get(\t\"" + URL
    column = line.index("iam/v1beta1") + 1
    rows = [f for f in before if f["filename"] == "utf8_bom.py"]
    assert [(f["location"]["row"], f["location"]["column"]) for f in rows] == [(4, column)]


UNDECODABLE = {
    "latin1_without_cookie.py": "owner = 'Müller'\nURL = '{}'\n".format(URL).encode("latin-1"),
    "cp1252_undefined_byte.py": b"# coding: cp1252\nx = '\x81'\nURL = '" + URL.encode() + b"'\n",
    "unknown_cookie.py": b"# coding: klingon\nURL = '" + URL.encode() + b"'\n",
    "latin1_shell.sh": "# déploiement\ncurl {}\n".format(URL).encode("latin-1"),
}


@pytest.mark.parametrize("name", sorted(UNDECODABLE))
def test_undecodable_file_is_an_am9xx_finding_naming_it(tmp_path, name):
    (tmp_path / name).write_bytes(UNDECODABLE[name])
    (tmp_path / "fine.py").write_text(f"URL = '{URL}'\n")
    result = run_cli("check", "--output-format", "concise", name, "fine.py", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert any(line.startswith(f"{name}:") and "AM902" in line for line in result.stdout.splitlines()), result.stdout
    assert any(line.startswith("fine.py:") and "AM101" in line for line in result.stdout.splitlines())
    assert result.returncode == 2  # a file the user named could not be checked
    assert (tmp_path / name).read_bytes() == UNDECODABLE[name]


def test_decode_refuses_an_encoding_that_would_not_give_back_the_same_bytes():
    data = b"# coding: unicode_escape\nURL = '\\u0041" + URL.encode() + b"'\n"
    with pytest.raises(DecodeError, match="same bytes"):
        SourceText.decode(data, python=True)


@pytest.mark.parametrize("data", [b"", b"\n", b"\r\n\r", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"x = 1"])
def test_decode_round_trips_edge_cases(data):
    assert SourceText.decode(data, python=True).encode() == data
    assert SourceText.decode(data).encode() == data


def test_positions_treat_cr_crlf_and_lf_as_line_ends():
    source = SourceText.decode(b"a\r\nb\rc\nd")
    assert [source.line_text(n) for n in (1, 2, 3, 4)] == ["a", "b", "c", "d"]
    assert source.position(source.offset(3, 0)) == (3, 1)
