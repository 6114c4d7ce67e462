"""The language table (migrator/project/languages.py): every entry is read by file types, comments,
interpolation and joins; line ends are `\\n`, `\\r\\n` and `\\r` for every language (issue 13 #20)."""
from __future__ import annotations

import pytest
from helpers import run_cli

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern
from migrator.project import filetypes
from migrator.project.languages import LANGUAGES, language
from migrator.project.source import SourceText
from migrator.text.analyze import analyze

TABLE = ruletable.load()
HOSTS = host_pattern(DEFAULT_HOSTS)
URL = "https://api.astronomer.io/iam/v1beta1/organizations/clx1/teams"


def findings_in(text: str, name: str) -> list:
    return analyze(SourceText(text), TABLE, HOSTS, name)


def rows(text: str, name: str) -> list:
    source = SourceText(text)
    return [(source.position(f.start)[0], f.code) for f in findings_in(text, name)]


def a_file_of(lang) -> str:
    if lang.suffixes:
        return "x" + lang.suffixes[0]
    return lang.names[0] if lang.names else "notes.txt"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang.name != "notebook"], ids=lambda lang: lang.name)
def test_every_entry_names_its_files_and_its_comments(lang, tmp_path):
    name = a_file_of(lang)
    assert filetypes.flavor_of(str(tmp_path / name)) == lang.name
    for marker in lang.comments:
        text = f"{marker} {URL}\nurl = '{URL}'\n"
        assert rows(text, name) == [(1, "AM104"), (2, "AM101")], marker


@pytest.mark.parametrize(
    "name, flavor",
    [("Jenkinsfile", "groovy"), ("Earthfile", "docker"), ("justfile", "just"), (".justfile", "just"),
     ("Taskfile.yml", "yaml"), ("api.http", "http"), ("api.rest", "http"), ("a.postman_collection.json", "json"),
     ("lib.rs", "rust"), ("Client.java", "java"), ("Client.kt", "java"), ("build.gradle", "groovy"),
     ("Client.cs", "csharp"), ("client.rb", "ruby"), ("Rakefile", "ruby"), ("client.php", "php"),
     ("Sync.ps1", "powershell")],
)
def test_new_file_kinds(name, flavor, tmp_path):
    path = tmp_path / name
    path.write_text("x\n")
    assert (filetypes.kind_of(str(path)), filetypes.flavor_of(str(path))) == ("text", flavor)


@pytest.mark.parametrize(
    "text, name",
    [
        ('url = "#{host}/iam/v1beta1/organizations/#{org}/teams"\n', "a.rb"),
        ('$url = "{$host}/iam/v1beta1/organizations/{$org}/teams";\n', "a.php"),
        ('Invoke-RestMethod "$($cfg.Host)/iam/v1beta1/organizations/$env:ORG/teams"\n', "a.ps1"),
        ('let u = format!("{}/iam/v1beta1/organizations/{}/teams", host, org);\n', "a.rs"),
        ('var u = string.Format("{0}/iam/v1beta1/organizations/{1}/teams", host, org);\n', "a.cs"),
        ('GET {{host}}/iam/v1beta1/organizations/{{org}}/teams\n', "a.http"),
    ],
)
def test_interpolation_next_to_a_base_is_kept_byte_for_byte(text, name):
    (finding,) = findings_in(text, name)
    assert finding.code == "AM102" and finding.endpoint.path == "/organizations/{organizationId}/teams"
    (edit,) = finding.fix.edits
    assert text[edit.start : edit.end] == "iam/v1beta1"


@pytest.mark.parametrize(
    "text, name",
    [
        ('$Base = "https://api.astronomer.io/iam/v1beta1"\nInvoke-RestMethod "$Base/organizations/$Org/teams"\n',
         "a.ps1"),
        ("$base = 'https://api.astronomer.io/iam/v1beta1';\n$u = $base . '/organizations/' . $org . '/teams';\n",
         "a.php"),
        ("@base = https://api.astronomer.io/iam/v1beta1\nGET {{base}}/organizations/{{org}}/teams\n", "a.http"),
    ],
)
def test_names_with_sigils_are_followed_to_their_uses(text, name):
    (finding,) = findings_in(text, name)
    assert finding.code == "AM101" and "ListTeams" in finding.message  # the base, judged by its use


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_end_at_every_line_break(newline):
    text = newline.join(["#!/bin/sh", "# fetch the teams", "VER=v1beta1", f"curl -s {URL}",
                         'curl -s "https://api.astronomer.io/platform/$VER/organizations/$ORG/clusters"', ""])
    assert rows(text, "x.sh") == [(4, "AM101"), (5, "AM101")]


def test_a_cr_only_script_is_found_by_its_shebang_and_fixed_byte_for_byte(tmp_path):
    """Issue 13 #20: read as one comment line, its URLs were never found."""
    script = tmp_path / "sync"
    data = b"#!/bin/sh\r# nightly\rcurl -s " + URL.encode() + b"\r\r"
    script.write_bytes(data)
    script.chmod(0o755)
    run_cli("check", "--no-cache", "--fix", script)
    assert script.read_bytes() == data.replace(b"iam/v1beta1", b"v1")
    assert oct(script.stat().st_mode & 0o777) == "0o755"


def test_an_unknown_flavor_reads_as_plain_text():
    assert language("no-such-flavor") is language("plain")
