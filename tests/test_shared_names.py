"""Issue 14, names shared across files: configuration values that Python reads by name.

The fixture project sets its Astro URLs in `.env`, a compose override, Helm values and
`airflow_settings.yaml`; its DAG reads them with `os.getenv`, `os.environ[…]`, `Variable.get` and
`BaseHook.get_connection(…).host`. Two of the values are read by calls to endpoints v1 lacks.
"""
from __future__ import annotations

import shutil

from helpers import FIXTURES, check_json

from migrator.project.shared_names import collect

PROJECT = FIXTURES / "recall" / "shared_names"
CONFIG = (".env", "docker-compose.override.yml", "airflow_settings.yaml", "chart/values.yaml")


def copy(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(PROJECT / "before", root)
    return root


def line_of(root, finding) -> str:
    return (root / finding["filename"]).read_text().splitlines()[finding["location"]["row"] - 1]


def test_definitions_point_at_their_values():
    texts = {name: (PROJECT / "before" / name).read_text() for name in CONFIG}
    found = {(d.kind, d.name): d for d in collect(texts)}
    for definition in found.values():
        text = texts[definition.path]
        assert text[definition.offset : definition.offset + len(definition.value)] == definition.value
    assert {("env", "ASTRO_PLATFORM"), ("variable", "astro_iam_url"), ("env", "ASTRO_CLUSTERS_URL"),
            ("env", "ASTRO_TEAMS_URL"), ("connection", "astro_api.host"),
            ("variable", "astro_docs")} <= found.keys()
    assert found[("connection", "astro_api.host")].path == "airflow_settings.yaml"


def test_calls_through_a_name_name_the_endpoint_and_the_defining_file(tmp_path):
    root = copy(tmp_path)
    findings = check_json(".", cwd=root)
    lines = [line_of(root, f) for f in findings]
    for word in ("apiVersion", "version: v1beta1", "astronomer-dev", "googleapis", "docs/iam"):
        assert not any(word in line for line in lines), word  # look-alikes stay unreported
    dag = {f["location"]["row"]: f for f in findings if f["filename"].endswith("astro_sync.py")}
    assert {row: (f["endpoint"] or {}).get("path") for row, f in dag.items()} == {
        15: "/organizations/{organizationId}/workspaces",
        19: "/organizations/{organizationId}/users",
        23: "/organizations/{organizationId}/clusters",
        27: "/organizations/{organizationId}/teams",
        32: "/organizations/{organizationId}/alerts",
        36: "/organizations/{organizationId}/notification-channels",
    }
    assert "defined at .env:2" in dag[15]["message"]
    assert "defined at airflow_settings.yaml" not in dag[15]["message"]
    assert "defined at docker-compose.override.yml:4" in dag[23]["message"]
    assert "defined at chart/values.yaml:8" in dag[27]["message"]
    assert dag[32]["code"] == dag[36]["code"] == "AM201"


def test_values_read_by_blocked_calls_are_never_fixed_and_say_why(tmp_path):
    root = copy(tmp_path)
    findings = check_json("--fix", "--unsafe-fixes", ".", cwd=root)
    kept = {f["filename"]: f for f in findings if "read by calls to endpoints v1 lacks" in f["message"]}
    assert sorted(kept) == [".env", "airflow_settings.yaml"]
    assert "astro_sync.py:32" in kept["airflow_settings.yaml"]["message"]
    assert all(f["fix"] is None for f in kept.values())
    for name in CONFIG + ("dags/astro_sync.py",):
        assert (root / name).read_bytes() == (PROJECT / "after" / name).read_bytes(), name
    assert "ASTRO_ALERTS_BASE=https://api.astronomer.io/platform/v1beta1" in (root / ".env").read_text()


def test_a_variable_default_is_the_value_the_call_is_judged_on(tmp_path):
    module = tmp_path / "dag.py"
    module.write_text(
        "import requests\nfrom airflow.models import Variable\n\n\ndef workspaces(org):\n"
        '    base = Variable.get("astro_url", default_var="https://api.astronomer.io/platform/v1beta1")\n'
        '    return requests.get(f"{base}/organizations/{org}/workspaces")\n'
    )
    (finding,) = check_json(module)
    assert finding["endpoint"]["path"] == "/organizations/{organizationId}/workspaces"


def test_http_operators_reach_the_host_of_their_connection(tmp_path):
    """`HttpOperator(http_conn_id=…, endpoint=…)` sends the endpoint to the connection's host:
    the migratable call names its endpoint, and the connection an alerts call uses stays."""
    (tmp_path / "dags").mkdir()
    (tmp_path / "airflow_settings.yaml").write_text(
        "airflow:\n  connections:\n"
        "    - conn_id: astro_api\n      conn_type: http\n      conn_host: https://api.astronomer.io/platform/v1beta1\n"
        "    - conn_id: astro_alerts\n      conn_type: http\n      conn_host: https://api.astronomer.io/platform/v1beta1\n"
    )
    (tmp_path / "dags" / "ops.py").write_text(
        "from airflow.providers.http.operators.http import HttpOperator\n\n"
        'workspaces = HttpOperator(task_id="ws", http_conn_id="astro_api", method="GET",\n'
        '                          endpoint="organizations/{{ var.value.org }}/workspaces")\n'
        'alerts = HttpOperator(task_id="alerts", http_conn_id="astro_alerts", method="GET",\n'
        '                      endpoint="organizations/{{ var.value.org }}/alerts")\n'
    )
    findings = check_json(".", cwd=tmp_path)
    dag = {f["location"]["row"]: f for f in findings if f["filename"].endswith("ops.py")}
    assert dag[4]["endpoint"]["operation_id"] == "ListWorkspaces"
    assert "defined at airflow_settings.yaml:5" in dag[4]["message"]
    assert dag[6]["code"] == "AM201"
    check_json("--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    settings = (tmp_path / "airflow_settings.yaml").read_text().splitlines()
    assert settings[4].endswith("https://api.astronomer.io/v1")
    assert settings[7].endswith("https://api.astronomer.io/platform/v1beta1")
