"""Every output format on a real project: the clock, masking, and each format's contract
(SARIF 2.1.0 as GitHub code scanning reads it, workflow commands, GitLab Code Quality, JUnit)."""
from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import FIXTURES, run_cli

from migrator import api as run
from migrator import report as reports
from migrator.engine import deadline

PROJECT = FIXTURES / "reports" / "project"
SECRETS = ("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9", "sk_live_9f8e7d6c5b4a39281706")

# Allowed properties of the SARIF 2.1.0 objects this tool writes, from the OASIS schema
# (every one of these objects has "additionalProperties": false there).
SARIF_KEYS = {
    "log": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {"tool", "invocations", "conversion", "language", "versionControlProvenance", "originalUriBaseIds",
            "artifacts", "logicalLocations", "graphs", "results", "automationDetails", "runAggregates",
            "baselineGuid", "redactionTokens", "defaultEncoding", "defaultSourceLanguage", "newlineSequences",
            "columnKind", "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses",
            "translations", "policies", "webRequests", "webResponses", "specialLocations", "properties"},
    "tool": {"driver", "extensions", "properties"},
    "driver": {"guid", "name", "organization", "product", "productSuite", "shortDescription", "fullDescription",
               "fullName", "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri",
               "informationUri", "globalMessageStrings", "notifications", "rules", "taxa", "locations", "language",
               "contents", "isComprehensive", "localizedDataSemanticVersion",
               "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent", "translationMetadata",
               "supportedTaxonomies", "properties"},
    "rule": {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames", "shortDescription",
             "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help", "relationships",
             "properties"},
    "multiformat": {"text", "markdown", "properties"},
    "configuration": {"enabled", "level", "rank", "parameters", "properties"},
    "result": {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid",
               "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks", "codeFlows",
               "graphs", "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank",
               "attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest",
               "webResponse", "properties"},
    "message": {"text", "markdown", "id", "arguments", "properties"},
    "location": {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships",
                 "properties"},
    "physical": {"address", "artifactLocation", "region", "contextRegion", "properties"},
    "artifactLocation": {"uri", "uriBaseId", "index", "description", "properties"},
    "region": {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset",
               "byteLength", "snippet", "message", "sourceLanguage", "properties"},
    "content": {"text", "binary", "rendered", "properties"},
}


def _keys(obj: dict, kind: str, required=()) -> None:
    assert isinstance(obj, dict), kind
    assert set(obj) <= SARIF_KEYS[kind], (kind, set(obj) - SARIF_KEYS[kind])
    assert set(required) <= set(obj), (kind, required)


def validate_sarif(log: dict) -> None:
    """The SARIF 2.1.0 schema's rules for every object in `log`, plus GitHub code scanning's needs."""
    _keys(log, "log", ("version", "runs"))
    assert log["version"] == "2.1.0"
    for run_ in log["runs"]:
        _keys(run_, "run", ("tool",))
        assert run_.get("columnKind", "utf16CodeUnits") in ("utf16CodeUnits", "unicodeCodePoints")
        _keys(run_["tool"], "tool", ("driver",))
        driver = run_["tool"]["driver"]
        _keys(driver, "driver", ("name",))
        for base in run_.get("originalUriBaseIds", {}).values():
            _keys(base, "artifactLocation")
            assert base["uri"].endswith("/")
        ids = []
        for rule in driver["rules"]:
            _keys(rule, "rule", ("id",))
            for key in ("shortDescription", "fullDescription", "help"):
                _keys(rule[key], "multiformat", ("text",))
            _keys(rule["defaultConfiguration"], "configuration")
            assert rule["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
            assert rule["helpUri"].startswith("https://")
            ids.append(rule["id"])
        assert len(ids) == len(set(ids))
        for result in run_["results"]:
            _keys(result, "result", ("message",))
            _keys(result["message"], "message", ("text",))
            assert result["level"] in ("none", "note", "warning", "error")
            assert ids[result["ruleIndex"]] == result["ruleId"]
            assert all(isinstance(v, str) for v in result["partialFingerprints"].values())
            for location in result["locations"]:
                _keys(location, "location")
                physical = location["physicalLocation"]
                _keys(physical, "physical")
                _keys(physical["artifactLocation"], "artifactLocation", ("uri",))
                region = physical["region"]
                _keys(region, "region", ("startLine",))
                assert region["startLine"] >= 1 and region.get("startColumn", 1) >= 1
                assert region.get("endLine", region["startLine"]) >= region["startLine"]
                if "snippet" in region:
                    _keys(region["snippet"], "content")


@pytest.fixture()
def project(tmp_path) -> Path:
    """The fixture project as a git repository of its own, checked from its top."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def render(project: Path, fmt: str, *args) -> str:
    result = run_cli("check", "--output-format", fmt, *args, ".", cwd=project)
    assert result.returncode == 1, result.stderr
    return result.stdout


@pytest.mark.parametrize("fmt", ["full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit",
                                 "markdown"])
def test_no_format_prints_a_secret_and_every_one_counts_days(project, fmt):
    out = render(project, fmt)
    assert not any(secret in out for secret in SECRETS)
    assert "34 day" in out or '"days_left": 34' in out or '"daysLeft": 34' in out


def test_output_file_gets_the_report_in_a_new_folder(project):
    result = run_cli("check", "--output-format", "sarif", "-o", "out/report.sarif", ".", cwd=project)
    assert result.returncode == 1 and result.stdout == ""
    validate_sarif(json.loads((project / "out" / "report.sarif").read_text()))
    # regression: the next run reported the v1beta1 URLs quoted in the report it overwrites
    again = run_cli("check", "--output-format", "json", "-o", "out/report.sarif", ".", cwd=project)
    assert again.returncode == 1
    assert {f["filename"] for f in json.loads((project / "out" / "report.sarif").read_text())} == {
        "dags/astro_sync.py", "scripts/rotate.sh"}


def test_unwritable_output_file_is_a_clean_error(project):
    # regression: this was a traceback
    result = run_cli("check", "-o", "dags/astro_sync.py/report.txt", ".", cwd=project)
    assert result.returncode == 2
    assert "cannot write the report to dags/astro_sync.py/report.txt" in result.stderr
    assert "Traceback" not in result.stderr


def test_sarif_is_valid_with_repo_relative_uris_and_stable_fingerprints(project):
    log = json.loads(render(project, "sarif"))
    validate_sarif(log)
    results = log["runs"][0]["results"]
    uris = sorted({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results})
    assert uris == ["dags/astro_sync.py", "scripts/rotate.sh"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] for r in results} == {"%SRCROOT%"}
    # checked from a sub-folder, the URIs are still relative to the repository top
    sub = json.loads(render(project / "dags", "sarif"))
    assert sub["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "dags/astro_sync.py"
    # a line inserted above moves the findings but keeps their fingerprints
    before = {r["ruleId"]: r["partialFingerprints"] for r in results}
    dag = project / "dags" / "astro_sync.py"
    dag.write_text("# owner: data-platform\n\n" + dag.read_text())
    moved = json.loads(render(project, "sarif"))["runs"][0]["results"]
    assert {r["ruleId"]: r["partialFingerprints"] for r in moved} == before
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved][:2] == [10, 16]


def test_sarif_rules_cover_every_code_with_help(project):
    rules = json.loads(render(project, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert "AM201" in by_id and "AM913" in by_id
    assert "Before:" in by_id["AM101"]["help"]["text"]


def test_github_annotations_put_the_worst_first_and_escape(project):
    (project / "ops notes,2024.py").write_text('# docs: https://api.astronomer.io/iam/v1beta1/users\n')
    lines = render(project, "github", "--as-of", "2026-01-02").splitlines()
    commands = [line for line in lines if line.startswith("::")]
    kinds = [line[2:].split(" ", 1)[0] for line in commands]
    assert kinds == sorted(kinds, key=["error", "warning", "notice"].index)
    assert kinds[0] == "error" and kinds[-1] == "notice"
    assert any(c.startswith("::notice file=ops notes%2C2024.py,line=1,") for c in commands)
    assert all("\n" not in c for c in commands)
    assert commands == lines  # stdout holds workflow commands only; the summary goes to stderr


def test_gitlab_code_quality_issues(project):
    issues = json.loads(render(project, "gitlab"))
    assert len(issues) == 3
    assert len({i["fingerprint"] for i in issues}) == 3
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["lines"]["begin"] >= 1


def test_junit_has_one_failing_case_per_finding(project):
    root = ET.fromstring(render(project, "junit"))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 3 and all(c.find("failure") is not None for c in cases)
    assert root.get("failures") == "3"
    (project / "dags" / "astro_sync.py").unlink()
    (project / "scripts" / "rotate.sh").unlink()
    clean = run_cli("check", "--output-format", "junit", ".", cwd=project)
    assert clean.returncode == 0
    assert ET.fromstring(clean.stdout).find("./testsuite/testcase/failure") is None


def test_markdown_migration_report(project):
    text = render(project, "markdown")
    assert "**34 days until v1beta1 end of support (2027-01-01).**" in text
    assert "| 3 | 2 | 2 | 1 | 0 | 0 |" in text  # findings, files, fixable, blockers, other, fixed
    assert "| AM201 | no-v1-equivalent | error | 1 | 0 | 1 |" in text
    assert "| `GET ListAlerts` | 1 | 0 | 1 |" in text
    assert "| `scripts/rotate.sh` | 1 | 1 | 0 |" in text
    assert "astro-migrate check --diff .\nastro-migrate check --fix .\nastro-migrate explain AM201" in text


def test_json_lines_is_json_per_finding(project):
    rows = [json.loads(line) for line in render(project, "json-lines").splitlines()]
    assert [r["code"] for r in rows] == ["AM101", "AM201", "AM101"]
    assert {r["end_of_support"] for r in rows} == {"2027-01-01"}


@pytest.mark.parametrize("as_of, severities", [
    ("2026-06-01", {"AM101": "warning", "AM104": "info"}),   # 214 days left
    ("2026-11-01", {"AM101": "error", "AM104": "info"}),     # 61 days: within 90
    ("2026-12-15", {"AM101": "error", "AM104": "info"}),  # 17 days: within 30, but a comment cannot break
    ("2027-02-01", {"AM101": "error", "AM104": "info"}),  # ended 31 days ago
])
def test_severity_rises_as_the_deadline_nears(tmp_path, as_of, severities):
    (tmp_path / "a.py").write_text('URL = "https://api.astronomer.io/iam/v1beta1/organizations"\n'
                                   "# was https://api.astronomer.io/iam/v1beta1/users\n")
    result = run_cli("check", "--output-format", "json", "--as-of", as_of, ".", cwd=tmp_path)
    assert {f["code"]: f["severity"] for f in json.loads(result.stdout)} == severities


def test_build_masks_messages_and_keeps_api_advice_unescalated(tmp_path):
    (tmp_path / "a.py").write_text('URL = "https://api.astronomer.io/iam/v1beta1/organizations"\n')
    result = run.check([tmp_path], run.Options())
    report = reports.build(result, -10, "2027-01-01", deadline.Thresholds(0, 0))
    assert [r.severity for r in report.rows] == ["error"]
    assert deadline.severity("AM401", "info", -10) == "info"
    assert deadline.severity("AM901", "error", 500) == "error"
    assert report.summary().endswith("v1beta1 end of support was 10 days ago")
