"""Issue 14, text tier: v1beta1 calls however the URL is assembled, in every language the text
tier reads. Fixtures in tests/fixtures/recall: `before` as hurried people write it, `after` what
`--fix --unsafe-fixes` must give byte for byte; look-alikes and blocked calls must stay."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES, check_json, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern
from migrator.project.source import SourceText
from migrator.text.analyze import analyze

BEFORE = FIXTURES / "recall" / "before"
AFTER = FIXTURES / "recall" / "after"
FILES = sorted(p.relative_to(BEFORE).as_posix() for p in BEFORE.rglob("*") if p.is_file())

# (row, code, fix applicability) of every finding; every other v1beta1 line is a look-alike.
EXPECTED = {
    ".": [],
    ".github/workflows/sync.yml": [(10, "AM102", "safe"), (12, "AM102", "safe"), (13, "AM201", None)],
    "ci/Makefile": [(7, "AM101", "unsafe"), (9, "AM101", "safe"), (11, "AM201", None)],
    "clients/web/legacy.js": [(6, "AM102", "safe"), (9, "AM102", "safe"), (12, "AM201", None)],
    "infra/astro.tf": [(7, "AM101", "safe"), (11, "AM201", None)],
    "scripts/quoted.sh": [(4, "AM102", "safe"), (5, "AM102", "safe"), (6, "AM201", None), (7, "AM102", "unsafe")],
    "airflow_settings.yaml": [(5, "AM101", "safe"), (14, "AM102", "unsafe"), (16, "AM201", None)],
    "bin/cr-sync": [(4, "AM101", "safe"), (5, "AM101", "safe")],
    "ci/Earthfile": [(7, "AM101", "safe"), (8, "AM201", None)],
    "ci/Jenkinsfile": [(4, "AM101", "unsafe"), (5, "AM202", None), (16, "AM201", None)],
    "ci/Taskfile.yml": [(10, "AM101", "safe"), (13, "AM201", None)],
    "ci/justfile": [(1, "AM101", "unsafe"), (8, "AM201", None)],
    "clients/go/astro.go": [(13, "AM101", "unsafe"), (18, "AM102", "safe"), (22, "AM102", "safe"),
                            (30, "AM102", None), (34, "AM201", None)],
    "clients/web/astro.ts": [(6, "AM101", "unsafe"), (9, "AM102", "safe"), (10, "AM102", "safe"),
                             (12, "AM201", None)],
    "config/.env": [(1, "AM102", "unsafe")],
    "config/gateway.yaml": [],
    "config/values.yaml": [(4, "AM102", "unsafe"), (5, "AM102", "unsafe"), (6, "AM201", None)],
    "cs/AstroClient.cs": [(8, "AM101", "safe"), (9, "AM102", "safe"), (10, "AM201", None)],
    "docker-compose.yml": [(5, "AM102", "unsafe"), (9, "AM102", "unsafe")],
    "http/astro.http": [(5, "AM101", "safe"), (9, "AM201", None)],
    "http/astro.postman_collection.json": [(9, "AM102", "safe"), (11, "AM102", "safe"), (20, "AM201", None),
                                           (22, "AM201", None)],
    "java/Astro.kt": [(6, "AM101", "safe"), (7, "AM101", "safe"), (8, "AM201", None)],
    "java/AstroClient.java": [(7, "AM101", "unsafe"), (8, "AM202", None), (15, "AM102", "safe"), (23, "AM201", None)],
    "php/astro.php": [(6, "AM101", "unsafe"), (9, "AM101", "unsafe"), (10, "AM201", None)],
    "ps/Sync-Astro.ps1": [(5, "AM101", "safe"), (6, "AM101", "safe"), (7, "AM201", None)],
    "ruby/astro.rb": [(7, "AM102", "safe"), (11, "AM102", "safe"), (15, "AM201", None)],
    "rust/src/astro.rs": [(7, "AM101", "safe"), (11, "AM102", None), (16, "AM201", None)],
    "scripts/sync_workspaces.sh": [(8, "AM101", "unsafe"), (9, "AM202", None), (12, "AM101", "safe"),
                                   (13, "AM101", "safe"), (14, "AM101", "safe"), (16, "AM101", "unsafe"),
                                   (19, "AM201", None), (20, "AM201", None)],
}


@pytest.fixture
def tree(tmp_path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(BEFORE, target)
    return target


def findings_by_file(root: Path) -> dict:
    found = {name: [] for name in FILES}
    for finding in check_json(".", "--no-cache", cwd=root):
        fix = finding["fix"]
        found[finding["filename"]].append((finding["location"]["row"], finding["code"], fix and fix["applicability"]))
    return {name: sorted(rows) for name, rows in found.items()}


def test_every_fixture_has_expectations_and_an_after_file():
    assert sorted(EXPECTED) == sorted(FILES + ["."])
    assert sorted(p.relative_to(AFTER).as_posix() for p in AFTER.rglob("*") if p.is_file()) == FILES


def test_findings_are_exactly_the_expected_ones(tree):
    expected = {name: sorted(rows) for name, rows in EXPECTED.items() if name != "."}
    assert findings_by_file(tree) == expected


def test_unsafe_fixes_give_the_after_files_byte_for_byte_and_a_second_fix_changes_nothing(tree):
    run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tree)
    assert {name: (tree / name).read_bytes() for name in FILES} == {name: (AFTER / name).read_bytes() for name in FILES}
    run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tree)
    assert {name: (tree / name).read_bytes() for name in FILES} == {name: (AFTER / name).read_bytes() for name in FILES}
    assert (tree / "bin" / "cr-sync").stat().st_mode == (BEFORE / "bin" / "cr-sync").stat().st_mode


def test_safe_fixes_change_only_the_lines_of_safe_findings(tree):
    run_cli("check", "--no-cache", "--fix", ".", cwd=tree)
    for name in FILES:
        before = (BEFORE / name).read_bytes().decode().splitlines(keepends=True)
        after = (AFTER / name).read_bytes().decode().splitlines(keepends=True)
        fixed = (tree / name).read_bytes().decode().splitlines(keepends=True)
        safe = {row for row, _, applicability in EXPECTED[name] if applicability == "safe"}
        wanted = [after[i] if i + 1 in safe else line for i, line in enumerate(before)]
        assert fixed == wanted, name


TABLE = ruletable.load()
HOSTS = host_pattern(DEFAULT_HOSTS)


def findings_in(text: str, name: str) -> list:
    return analyze(SourceText(text), TABLE, HOSTS, name)


def fix_of(text: str, name: str, row: int):
    source = SourceText(text)
    (finding,) = [f for f in findings_in(text, name) if source.position(f.start)[0] == row]
    return finding


def test_a_version_the_environment_may_override_is_no_safe_fix():
    finding = fix_of('curl "$HOST/iam/${API_VERSION:-v1beta1}/organizations/$ORG/teams"\n', "x.sh", 1)
    assert finding.fix.applicability == "unsafe"
    assert "`API_VERSION` from the environment takes the place of `v1beta1`" in finding.fix.message


def test_a_name_assigned_twice_is_no_safe_fix():
    text = 'VER=v1beta1\n[ -n "$V1" ] && VER=v1\ncurl "$HOST/platform/$VER/organizations/$ORG/clusters"\n'
    finding = fix_of(text, "x.sh", 3)
    assert finding.fix.applicability == "unsafe" and "`VER` is assigned more than once" in finding.fix.message


def test_a_base_without_its_version_is_fixed_where_the_base_is_written_and_never_safely():
    text = 'BASE=https://api.astronomer.io/iam\ncurl "$BASE/v1beta1/organizations/$ORG/teams"\n'
    finding = fix_of(text, "x.sh", 1)
    assert finding.fix.applicability == "unsafe" and "`BASE` changes for every reader" in finding.fix.message
    assert sorted((text[e.start : e.end], e.content) for e in finding.fix.edits) == [("/v1beta1", ""), ("iam", "v1")]


def test_a_base_whose_parts_no_edit_can_join_is_reported_without_a_fix():
    finding = fix_of('u := fmt.Sprintf("%s/iam/%s/organizations/%s/teams", host, "v1beta1", org)\n', "x.go", 1)
    assert finding.code == "AM102" and finding.fix is None and "rewrite it by hand" in finding.message


@pytest.mark.parametrize(
    "text, name",
    [
        ('VER=v1beta1\nDEV=https://api.astronomer-dev.io\ncurl "$DEV/iam/$VER/organizations/x/teams"\n', "x.sh"),
        ('VER=v1beta1\ncurl "https://gitlab.example.com/platform/$VER/projects"\n', "x.sh"),
        ('VER=v1beta1\ncat "docs/iam/$VER/spec.yaml"\n', "x.sh"),
        ('const v = "v1beta1"\nvar p = path.Join("apis", "iam", v)\n', "x.go"),
        ("prefix: /platform/v1beta1\nupstream: https://api.example.com\n", "gateway.yaml"),
        ("info:\n  version: v1beta1\nservers:\n  - url: https://api.example.com/iam\n", "openapi.yaml"),
        ('# VER=v1beta1; curl "$HOST/iam/$VER/organizations/x/teams"\n', "x.sh"),
    ],
)
def test_lookalikes_of_assembled_bases_stay(text, name):
    assert [f for f in findings_in(text, name) if f.code != "AM104"] == []


@pytest.mark.parametrize(
    "line",
    [
        'curl "$HOST/platform/$VER/organizations/$ORG/alerts"',  # version as a value
        'curl "$ASTRO_API/v1beta1/organizations/$ORG/alerts"',  # base without its version
        'fetch([HOST, "platform", VER, "organizations", org, "notification-channels"].join("/"))',  # join call
    ],
)
def test_blocked_calls_of_every_kind_are_never_rewritten(line):
    text = "VER=v1beta1\nASTRO_API=https://api.astronomer.io/platform\n" + line + "\n"
    findings = findings_in(text, "x.js" if "fetch" in line else "x.sh")
    assert [f.code for f in findings] == ["AM201"] and all(f.fix is None for f in findings)


def test_a_host_less_prefix_is_astro_only_under_an_astro_key():
    text = "astro:\n  paths:\n    platform: /platform/v1beta1\nother:\n  platform: /platform/v1beta1\n"
    (finding,) = findings_in(text, "values.yaml")
    assert SourceText(text).position(finding.start)[0] == 3 and finding.fix.applicability == "unsafe"


def fixed(text: str, name: str) -> str:
    """`text` with every fix of its findings applied (edits from the end, as --unsafe-fixes does)."""
    edits = sorted((e for f in findings_in(text, name) if f.fix for e in f.fix.edits), key=lambda e: -e.start)
    for edit in edits:
        assert text[edit.start : edit.end] == edit.expected
        text = text[: edit.start] + edit.content + text[edit.end :]
    return text


@pytest.mark.parametrize(
    "before, after, name",
    [
        ("V=v1beta1\ncurl \"$H\"'/iam/'\"$V\"'/organizations/'\"$O\"'/teams'\n",
         "V=v1beta1\ncurl \"$H\"'/v1/organizations/'\"$O\"'/teams'\n", "x.sh"),
        ("V=v1beta1\necho \"it's $H/iam/$V/organizations/$O/users\"\n",
         "V=v1beta1\necho \"it's $H/v1/organizations/$O/users\"\n", "x.sh"),
        ("var V = 'v1beta1';\nu = h + '/platform/' + V + '/organizations/' + o + '/clusters';\n",
         "var V = 'v1beta1';\nu = h + '/v1' + '/organizations/' + o + '/clusters';\n", "x.js"),
        ("var V = 'v1beta1';\nu = h + '/platform/' + 'v1beta1/organizations/' + o + '/clusters';\n",
         "var V = 'v1beta1';\nu = h + '/v1/organizations/' + o + '/clusters';\n", "x.js"),
        ('const v = "v1beta1"\nu := path.Join(h, "iam", v, "organizations", o, "teams")\n',
         'const v = "v1beta1"\nu := path.Join(h, "v1", "organizations", o, "teams")\n', "x.go"),
        ("$parts = @($h, 'iam', 'v1beta1', 'organizations', $o, 'teams') -join '/'\n",
         "$parts = @($h, 'v1', 'organizations', $o, 'teams') -join '/'\n", "x.ps1"),
    ],
)
def test_fixes_keep_every_string_and_argument_well_formed(before, after, name):
    assert fixed(before, name) == after
    assert fixed(after, name) == after


FRAGMENTS = ["$HOST", "${HOST}", "/", "iam", "platform", "v1beta1", "$VER", "${VER:-v1beta1}", '"', "'", " ",
             "VER=v1beta1\n", "GROUP=platform\n", "$GROUP", "/organizations/", "$ORG", "alerts", "teams", "\n", "\r",
             "\r\n", ", ", " + ", "https://api.astronomer.io", "[", "].join('/')", "path.Join(", ")", "#", "curl "]


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=24), st.sampled_from(["x.sh", "x.js", "x.go", "x.yaml"]))
def test_any_assembly_gives_edits_that_fit_the_text_and_never_touch_a_blocked_call(parts, name):
    text = "".join(parts)
    findings = findings_in(text, name)
    spans = sorted((e.start, e.end) for f in findings if f.fix for e in f.fix.edits)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "edits overlap"
    for finding in findings:
        for edit in finding.fix.edits if finding.fix else ():
            assert text[edit.start : edit.end] == edit.expected
    blocked = {(f.start, f.end) for f in findings if f.code == "AM201"}
    assert not any(s <= b[0] < e for s, e in spans for b in blocked)


@pytest.mark.parametrize(
    "text, name",
    [
        ("astro: {platformPrefix: /platform/v1beta1}\n", "values.yaml"),
        ('[astro]\nplatform_prefix = "/platform/v1beta1"\n', "settings.toml"),
        ('{"astroIamPath": "/iam/v1beta1"}\n', "config.json"),
        ("ENV ASTRO_IAM_PATH=/iam/v1beta1\n", "Dockerfile"),
    ],
)
def test_host_less_prefixes_under_an_astro_name_are_reported_never_safely(text, name):
    (finding,) = findings_in(text, name)
    assert finding.code == "AM102" and finding.fix.applicability == "unsafe"


def test_a_whole_endpoint_path_in_configuration_needs_no_other_evidence():
    text = ("sync:\n  path: /iam/v1beta1/organizations/clx1/teams\n"
            "  alerts: /platform/v1beta1/organizations/clx1/alerts\n")
    assert [(f.code, f.fix and f.fix.applicability) for f in findings_in(text, "jobs.yaml")] == [
        ("AM102", "safe"), ("AM201", None)]
