"""Before/after fixture pairs: the Python pass finds every shape and fixes only the base text."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES, check_json, run_cli


def fixture(name: str, tmp_path) -> Path:
    """A copy of a fixture's before.py, alone in a project of its own (a file checked inside this
    repository would be judged with the whole repository as its project)."""
    target = tmp_path / name / "before.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / "python" / name / "before.py", target)
    return target


PAIRS = sorted(p.name for p in (FIXTURES / "python").iterdir() if (p / "before.py").exists())


@pytest.mark.parametrize("case", PAIRS)
def test_fix_turns_before_into_after_and_is_idempotent(case, tmp_path):
    target = tmp_path / "module.py"
    shutil.copyfile(FIXTURES / "python" / case / "before.py", target)
    expected = (FIXTURES / "python" / case / "after.py").read_bytes()

    run_cli("check", "--fix", target)
    assert target.read_bytes() == expected

    second = run_cli("check", "--fix", target)
    assert target.read_bytes() == expected
    assert "fixed" not in second.stdout.splitlines()[-1]


def codes_by_line(findings: list) -> dict:
    out = {}
    for f in findings:
        out.setdefault(f["location"]["row"], []).append(f["code"])
    return out


def test_every_string_shape_is_found_with_its_endpoint(tmp_path):
    findings = check_json(fixture("strings", tmp_path))
    by_line = {f["location"]["row"]: f for f in findings}
    assert sorted(by_line) == [8, 9, 10, 14, 15, 20, 26, 27, 28, 29]
    operations = {row: (f["endpoint"] or {}).get("operation_id") for row, f in by_line.items()}
    assert operations == {
        8: "ListDeployments", 9: "ListClusters", 10: "ListUsers", 14: "ListWorkspaces",
        15: "DeleteDeployment", 20: "CreateDeploy", 26: "ListTeams", 27: "ListRoles",
        28: "ListRoleTemplates", 29: "GetDeploymentOptions",
    }
    assert by_line[15]["endpoint"] == {
        "method": "DELETE",
        "path": "/organizations/{organizationId}/deployments/{deploymentId}",
        "operation_id": "DeleteDeployment",
        "v1_path": "/v1/organizations/{organizationId}/deployments/{deploymentId}",
    }


def test_json_span_covers_the_v1beta1_text_and_fix_edit_matches(tmp_path):
    source = fixture("strings", tmp_path)
    lines = source.read_text().splitlines()
    for f in check_json(source):
        row, col, end = f["location"]["row"], f["location"]["column"], f["end_location"]["column"]
        assert f["end_location"]["row"] == row
        assert lines[row - 1][col - 1 : end - 1] in ("platform/v1beta1", "iam/v1beta1")
        assert f["fix"]["applicability"] == "safe"
        (edit,) = f["fix"]["edits"]
        assert edit == {"content": "v1", "location": f["location"], "end_location": f["end_location"]}
        assert set(f) >= {"code", "message", "filename", "location", "end_location", "fix", "url", "severity", "endpoint"}


def test_constant_imported_from_another_module_is_reported_once_at_its_definition(tmp_path):
    tree = tmp_path / "crossmodule"
    shutil.copytree(FIXTURES / "python" / "crossmodule", tree)  # the run writes its cache into cwd
    findings = check_json(".", cwd=tree)
    assert [(f["filename"], f["location"]["row"], f["code"]) for f in findings] == [
        ("etl/common/settings.py", 4, "AM101"),
        ("etl/common/settings.py", 5, "AM101"),
    ]
    # the endpoint is known only from the importing modules' calls
    assert findings[0]["endpoint"]["operation_id"] == "DeleteWorkspace"
    assert findings[1]["endpoint"]["operation_id"] == "ListUsers"


def test_constant_defined_elsewhere_is_not_fixed_in_the_importing_module(tmp_path):
    tree = tmp_path / "crossmodule"
    shutil.copytree(FIXTURES / "python" / "crossmodule", tree)
    before = (tree / "etl" / "sync_users.py").read_bytes()
    run_cli("check", "--fix", ".", cwd=tree)
    assert (tree / "etl" / "sync_users.py").read_bytes() == before
    settings = (tree / "etl" / "common" / "settings.py").read_text()
    assert 'ASTRO_HOST + "/v1")' in settings and 'f"{ASTRO_HOST}/v1"' in settings
    assert run_cli("check", ".", cwd=tree).returncode == 0


def test_lookalikes_are_not_findings(tmp_path):
    assert check_json(fixture("lookalikes", tmp_path)) == []


def test_blockers_are_reported_and_never_rewritten(tmp_path):
    findings = check_json(fixture("blockers", tmp_path))
    summary = [(f["location"]["row"], f["code"], (f["endpoint"] or {}).get("operation_id")) for f in findings]
    assert summary == [
        (3, "AM202", None),  # PLATFORM serves ListDeployments and ListAlerts
        (12, "AM201", "ListAlerts"),
        (16, "AM201", "DeleteNotificationChannel"),
        (20, "AM201", "CreateAlert"),
    ]
    assert all(f["fix"] is None for f in findings if f["code"] == "AM201")
    assert all(f["severity"] == "error" for f in findings)
    # the shared constant is split: v1 for the migratable call, a v1beta1 copy for the blocked one
    split = findings[0]["fix"]
    assert split["applicability"] == "safe"
    assert [e["content"] for e in split["edits"]] == [
        "v1",
        'PLATFORM_V1BETA1 = "https://api.astronomer.io/platform/v1beta1"'
        "  # ListAlerts: no v1 equivalent yet, stays on v1beta1\n",
        "PLATFORM_V1BETA1",
    ]


def test_split_is_not_attempted_when_blocked_calls_live_in_another_module(tmp_path):
    (tmp_path / "settings.py").write_text('BASE = "https://api.astronomer.io/platform/v1beta1"\n')
    (tmp_path / "jobs.py").write_text(
        "import requests\nfrom settings import BASE\n\n"
        'def a(o):\n    return requests.get(f"{BASE}/organizations/{o}/clusters")\n\n'
        'def b(o):\n    return requests.get(f"{BASE}/organizations/{o}/alerts")\n'
    )
    findings = check_json(".", cwd=tmp_path)
    assert [(f["filename"], f["code"], f["fix"]) for f in findings] == [
        ("jobs.py", "AM201", None),
        ("settings.py", "AM202", None),
    ]
    assert "own v1beta1 constant" in findings[1]["message"]


def test_comments_are_reported_and_docstrings_fixed(tmp_path):
    findings = check_json(fixture("comments", tmp_path))
    assert [(f["location"]["row"], f["code"], f["fix"] is not None) for f in findings] == [
        (4, "AM105", True),
        (6, "AM104", False),
    ]


def test_hostless_paths_joined_to_a_host_are_found(tmp_path):
    findings = check_json(fixture("hostless", tmp_path))
    assert [(f["location"]["row"], f["code"]) for f in findings] == [
        (7, "AM102"), (8, "AM102"), (9, "AM102"), (10, "AM102"), (14, "AM102"),
    ]


def test_pep701_fstring_parses_and_is_fixed(tmp_path):
    target = tmp_path / "dag.py"
    target.write_text(
        'import requests\n'
        'conf = {"org": "o1"}\n'
        'r = requests.get(f"https://api.astronomer.io/platform/v1beta1/organizations/{conf["org"]}/clusters/{f"{1+1}"}")\n'
    )
    findings = check_json(target)
    assert [f["endpoint"]["operation_id"] for f in findings] == ["GetCluster"]
    run_cli("check", "--fix", target)
    assert 'f"https://api.astronomer.io/v1/organizations/{conf["org"]}/clusters/{f"{1+1}"}"' in target.read_text()


def test_paths_joined_in_a_helper_keep_blocked_calls_safe(tmp_path):
    source = fixture("helper_paths", tmp_path)
    findings = check_json(source)
    summary = [(f["location"]["row"], f["code"], f["fix"] and f["fix"]["applicability"]) for f in findings]
    # the base serves a path built elsewhere (a parameter of _call): not safe to move, and the
    # file builds an alerts path
    assert summary == [(8, "AM101", "unsafe"), (21, "AM201", None)]
    assert "before.py:13: the call's path is built out of sight" in findings[0]["fix"]["message"]
    # without the alerts method, the paths _call is given are still out of sight: as unsafe
    target = tmp_path / "client.py"
    target.write_text("".join(source.read_text().splitlines(keepends=True)[:19]))
    (only,) = check_json(target)
    assert (only["code"], only["fix"]["applicability"]) == ("AM101", "unsafe")


def test_airflow_http_operator_endpoint_with_jinja_is_identified(tmp_path):
    target = tmp_path / "astro_dag.py"
    target.write_text(
        "from airflow.providers.http.operators.http import HttpOperator\n\n"
        "list_deployments = HttpOperator(\n"
        '    task_id="list_deployments",\n'
        '    http_conn_id="astro_api",\n'
        '    endpoint="platform/v1beta1/organizations/{{ var.value.astro_org }}/deployments/{{ params.dep }}",\n'
        '    method="GET",\n'
        ")\n"
    )
    (finding,) = check_json(target)
    assert finding["code"] == "AM102"
    assert finding["endpoint"]["operation_id"] == "GetDeployment"  # method="GET" names it
    run_cli("check", "--fix", target)
    assert 'endpoint="v1/organizations/{{ var.value.astro_org }}/deployments/{{ params.dep }}"' in target.read_text()
