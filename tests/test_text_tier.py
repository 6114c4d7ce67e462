"""The text tier: every non-Python file type, before/after through the real CLI, look-alikes kept."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES, check_json, run_cli

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern
from migrator.project import filetypes
from migrator.project.source import SourceText
from migrator.text.analyze import analyze

BEFORE = FIXTURES / "text" / "before"
AFTER = FIXTURES / "text" / "after"
CASES = sorted(p.relative_to(BEFORE).as_posix() for p in BEFORE.rglob("*") if p.is_file())

# (row, code) of every finding before the fix; anything else in the file is a look-alike.
EXPECTED = {
    ".github/workflows/astro.yml": [(6, "AM101"), (18, "AM101"), (20, "AM104")],
    ".gitlab-ci.yml": [(2, "AM101"), (7, "AM201")],
    "Dockerfile": [(2, "AM104"), (3, "AM101"), (4, "AM101"), (5, "AM101")],
    "Makefile": [(1, "AM101"), (2, "AM101"), (11, "AM101")],
    "README.md": [(3, "AM101"), (4, "AM101"), (7, "AM101"), (10, "AM201"), (12, "AM103")],
    "astro.ini": [(2, "AM101")],
    "astro.toml": [(2, "AM101"), (3, "AM101"), (4, "AM104")],
    "bin/rotate-token": [(4, "AM101")],
    "ci.env": [(1, "AM101"), (2, "AM101")],
    "client.ts": [(2, "AM202"), (3, "AM101"), (10, "AM302"), (14, "AM201"), (18, "AM104")],
    "crossplane.yaml": [],
    "deploy.sh": [(5, "AM101"), (6, "AM101"), (9, "AM104"), (11, "AM302"), (15, "AM301"), (17, "AM102"), (18, "AM101")],
    "fetch.mjs": [(4, "AM102"), (4, "AM305"), (5, "AM304"), (5, "AM304"), (6, "AM102"), (6, "AM306")],
    "guide.mdx": [(3, "AM101"), (5, "AM101")],
    "iam-openapi.json": [(3, "AM101")],
    "main.go": [(10, "AM101"), (13, "AM102")],
    "main.tf": [(3, "AM101"), (7, "AM101"), (22, "AM302")],
    "notes.rst": [(4, "AM101"), (6, "AM101"), (8, "AM101")],
    "openapi.yaml": [(6, "AM202"), (11, "AM201")],
    "prod.tfvars": [(1, "AM101"), (2, "AM201")],
    "settings.json": [(3, "AM101"), (4, "AM101"), (5, "AM103"), (6, "AM101")],
    "setup.cfg": [(5, "AM101"), (6, "AM101"), (7, "AM104")],
}


def copy_case(case: str, tmp_path: Path) -> Path:
    target = tmp_path / case
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(BEFORE / case, target)
    return target


def test_every_fixture_has_expectations():
    assert sorted(EXPECTED) == CASES


@pytest.mark.parametrize("case", CASES)
def test_findings_are_exactly_the_expected_ones(case, tmp_path):
    target = copy_case(case, tmp_path)
    findings = check_json(target)
    assert sorted((f["location"]["row"], f["code"]) for f in findings) == sorted(EXPECTED[case])


@pytest.mark.parametrize("case", CASES)
def test_fix_gives_the_after_file_byte_for_byte_and_is_idempotent(case, tmp_path):
    target = copy_case(case, tmp_path)
    expected = (AFTER / case).read_bytes()
    run_cli("check", "--fix", target)
    assert target.read_bytes() == expected
    run_cli("check", "--fix", target)
    assert target.read_bytes() == expected


def test_a_bare_platform_base_in_configuration_is_no_safe_fix(tmp_path):
    """Who reads a configured base is out of sight, and a platform base also serves alerts;
    an iam base or a whole endpoint URL can only reach endpoints v1 serves."""
    target = tmp_path / ".env"
    target.write_text(
        "ASTRO_PLATFORM=https://api.astronomer.io/platform/v1beta1\n"
        "ASTRO_IAM=https://api.astronomer.io/iam/v1beta1\n"
        "DEPLOYMENTS=https://api.astronomer.io/platform/v1beta1/organizations/clx1/deployments\n"
    )
    found = {f["location"]["row"]: f for f in check_json(target)}
    assert found[1]["fix"]["applicability"] == "unsafe"
    assert "CreateAlert" in found[1]["fix"]["message"] and "v1 lacks" in found[1]["fix"]["message"]
    assert [found[row]["fix"]["applicability"] for row in (2, 3)] == ["safe", "safe"]
    run_cli("check", "--fix", target)
    assert target.read_text().splitlines() == [
        "ASTRO_PLATFORM=https://api.astronomer.io/platform/v1beta1",
        "ASTRO_IAM=https://api.astronomer.io/v1",
        "DEPLOYMENTS=https://api.astronomer.io/v1/organizations/clx1/deployments",
    ]


def test_a_directory_walk_finds_every_file_type(tmp_path):
    shutil.copytree(BEFORE, tmp_path / "repo")
    (tmp_path / "repo" / "logo.png").write_bytes(b"\x89PNG\0\0 iam/v1beta1 https://api.astronomer.io/iam/v1beta1")
    findings = check_json(".", cwd=tmp_path / "repo")
    files = {f["filename"] for f in findings}
    assert files == {case for case, rows in EXPECTED.items() if rows}


def test_endpoints_are_named_with_the_method_the_command_shows(tmp_path):
    findings = check_json(copy_case("main.go", tmp_path))
    by_row = {f["location"]["row"]: f["endpoint"] for f in findings}
    assert by_row[10]["operation_id"] == "DeleteDeployment"
    assert by_row[10]["method"] == "DELETE"
    findings = check_json(copy_case("bin/rotate-token", tmp_path))
    assert findings[0]["endpoint"]["operation_id"] == "RotateApiToken"


def test_blockers_are_never_rewritten_and_their_shared_base_stays(tmp_path):
    target = copy_case("client.ts", tmp_path)
    run_cli("check", "--fix", target)
    text = target.read_text()
    assert 'API_BASE: string = "https://api.astronomer.io/platform/v1beta1"' in text


def test_reports_mask_bearer_tokens_on_source_lines(tmp_path):
    result = run_cli("check", copy_case("Makefile", tmp_path))
    assert "abcdef0123456789abcdef0123456789" not in result.stdout
    assert "api.astronomer.io/platform/v1beta1/organizations/$(ORG)/clusters" in result.stdout


def test_field_findings_survive_the_fix_when_the_v1_url_is_visible(tmp_path):
    target = copy_case("deploy.sh", tmp_path)
    run_cli("check", "--fix", "--unsafe-fixes", target)  # the script's base is a variable: unsafe
    codes = sorted(f["code"] for f in check_json(target))
    assert codes == ["AM104", "AM301", "AM302"]


def test_a_base_after_another_apis_path_is_a_lookalike(tmp_path):
    target = tmp_path / ".gitlab-ci.yml"
    target.write_text('script:\n  - curl -s "${CI_API_V4_URL}/projects/${CI_PROJECT_ID}/iam/v1beta1/keys"\n')
    assert check_json(target) == []


# Direct function tests.

TABLE = ruletable.load()
HOSTS = host_pattern(DEFAULT_HOSTS)


def findings_in(text: str, name: str) -> list:
    return analyze(SourceText(text), TABLE, HOSTS, name)


@pytest.mark.parametrize(
    "line",
    [
        'curl "${{ secrets.ASTRO_HOST }}/iam/v1beta1/organizations/${{ vars.ORG }}/teams"',
        "url: {{ astro_host }}/iam/v1beta1/organizations/{{ org }}/teams",
        'url = "${var.host}/iam/v1beta1/organizations/${var.org}/teams"',
        "curl $HOST/iam/v1beta1/organizations/$ORG/teams",
        'fmt.Sprintf("%s/iam/v1beta1/organizations/%s/teams", host, org)',
    ],
)
def test_template_syntax_next_to_a_base_is_kept_byte_for_byte(line):
    (finding,) = findings_in(line + "\n", "x.sh")
    assert finding.code == "AM102"
    assert finding.endpoint.path == "/organizations/{organizationId}/teams"
    (edit,) = finding.fix.edits
    assert line[edit.start : edit.end] == "iam/v1beta1"


@pytest.mark.parametrize(
    "line",
    [
        "apiVersion: iam.cnrm.cloud.google.com/v1beta1",
        "apiVersion: platform/v1beta1",
        'import iampb "google.golang.org/genproto/googleapis/iam/v1beta1"',
        "see docs/iam/v1beta1/x.md",
        "https://api.astronomer.io.evil.example/iam/v1beta1/organizations",
        "https://api.astronomer.io/v1/organizations https://api.astronomer.io/labs/v1/alerts",
        "https://api.astronomer.io/v1alpha1/x https://api.astronomer.io/v1/track",
        "https://api.astronomer.io/private/iam/v1beta1 https://api.astronomer.io/admin/platform/v1beta1",
    ],
)
def test_lookalikes_are_not_findings(line):
    assert findings_in(line + "\n", "x.yaml") == []


def test_a_bare_base_passed_to_a_url_builder_is_found():
    (finding,) = findings_in('client := astro.New(host, "platform/v1beta1")\n', "main.go")
    assert (finding.code, finding.fix.applicability) == ("AM102", "unsafe")  # the paths it serves are unseen


def test_json_escaped_slashes_are_fixed_in_the_raw_text(tmp_path):
    target = tmp_path / "a.json"
    target.write_text('{"u": "https:\\/\\/api.astronomer.io\\/iam\\/v1beta1\\/organizations"}\n')
    run_cli("check", "--fix", target)
    assert target.read_text() == '{"u": "https:\\/\\/api.astronomer.io\\/v1\\/organizations"}\n'


@pytest.mark.parametrize(
    "name, kind",
    [
        ("deploy.sh", "text"), ("x.bash", "text"), ("ci.yml", "text"), (".gitlab-ci.yml", "text"),
        ("main.tf", "text"), ("prod.tfvars", "text"), ("x.hcl", "text"), ("Dockerfile", "text"),
        ("api.Dockerfile", "text"), ("Dockerfile.dev", "text"), ("Containerfile", "text"),
        (".env", "text"), ("prod.env", "text"), (".env.local", "text"), ("README.md", "text"),
        ("x.mdx", "text"), ("x.rst", "text"), ("x.json", "text"), ("x.toml", "text"),
        ("x.ini", "text"), ("setup.cfg", "text"), ("a.js", "text"), ("a.jsx", "text"),
        ("a.ts", "text"), ("a.tsx", "text"), ("a.mjs", "text"), ("a.cjs", "text"), ("main.go", "text"),
        ("Makefile", "text"), ("GNUmakefile", "text"), ("rules.mk", "text"), ("n.ipynb", "text"),
        ("dag.py", "python"), ("logo.png", None), ("archive.tar.gz", None), ("LICENSE", None),
    ],
)
def test_kind_by_name(name, kind, tmp_path):
    path = tmp_path / name
    path.write_text("plain words\n")
    assert filetypes.kind_of(str(path)) == kind


@pytest.mark.parametrize(
    "first_line, kind",
    [("#!/bin/bash", "text"), ("#!/usr/bin/env bash", "text"), ("#!/bin/sh -e", "text"),
     ("#!/usr/bin/env -S node --no-warnings", "text"), ("#!/usr/bin/env python3", "python"),
     ("#!/usr/bin/perl", None), ("no shebang", None)],
)
def test_extensionless_scripts_by_shebang(first_line, kind, tmp_path):
    path = tmp_path / "tool"
    path.write_text(first_line + "\ncurl https://api.astronomer.io/iam/v1beta1\n")
    assert filetypes.kind_of(str(path)) == kind


def test_known_extensions_are_never_opened(tmp_path):
    missing = tmp_path / "does-not-exist.yaml"
    assert filetypes.kind_of(str(missing)) == "text"


def test_extra_names_extensions_and_include_globs(tmp_path):
    extra = {".j2": "text", "Jenkinsfile": "text", "deploy/*.tpl": "text", "*.md": None}
    assert filetypes.kind_of("templates/x.yaml.j2", extra) == "text"
    assert filetypes.kind_of("ci/Jenkinsfile", extra) == "text"
    assert filetypes.kind_of("repo/deploy/a.tpl", extra) == "text"
    assert filetypes.kind_of("repo/other/a.tpl", extra) is None
    assert filetypes.kind_of("README.md", extra) is None
    assert filetypes.kind_of("dag.py", extra) == "python"


def test_binary_files_are_recognised_from_their_first_bytes(tmp_path):
    path = tmp_path / "blob"
    path.write_bytes(b"\x7fELF\0\0" + b"x" * 100_000)
    assert filetypes.is_binary(str(path))
    assert not filetypes.is_binary(str(BEFORE / "deploy.sh"))


RESTAPI_TF = '''provider "restapi" {
  uri                  = "https://api.astronomer.io/platform/v1beta1"
  write_returns_object = true
  headers              = { Authorization = "Bearer ${var.astro_token}" }
}

resource "restapi_object" "workspace" {
  path = "/organizations/${var.org_id}/workspaces"
  data = jsonencode({ name = "data-eng" })
}
'''
ALERT_TF = '''
resource "restapi_object" "dag_failure_alert" {
  path = "/organizations/${var.org_id}/alerts"
  data = jsonencode({ name = "dag failure", type = "DAG_FAILURE" })
}
'''


def test_terraform_restapi_base_is_not_moved_under_blocked_resources(tmp_path):
    target = tmp_path / "main.tf"
    target.write_text(RESTAPI_TF + ALERT_TF)
    found = [(f["location"]["row"], f["code"], f["fix"] and f["fix"]["applicability"]) for f in check_json(target)]
    assert found == [(2, "AM101", "unsafe"), (13, "AM201", None)]
    run_cli("check", "--fix", target)
    assert target.read_text() == RESTAPI_TF + ALERT_TF

    target.write_text(RESTAPI_TF)  # the provider's resources are out of sight: any may be an alert
    run_cli("check", "--fix", target)
    assert target.read_text() == RESTAPI_TF
    run_cli("check", "--fix", "--unsafe-fixes", target)
    assert 'uri                  = "https://api.astronomer.io/v1"' in target.read_text()
