"""`spec diff OLD NEW`: what a new v1 minor version changes, as text or JSON."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from helpers import cli_runner

from migrator.spec.cli import spec
from migrator.spec.diff import diff
from migrator.spec.fetch import load_spec

FIXTURE = Path(__file__).parent / "fixtures" / "specs" / "v1.yaml"
DEPLOYMENT = "/organizations/{organizationId}/deployments/{deploymentId}"
ALERTS = "/organizations/{organizationId}/alerts"

EXPECTED = {
    "from": "Astro Platform API v1.0",
    "to": "Astro Platform API v1.1",
    "operations_added": [f"GET {ALERTS} (ListAlerts)", f"POST {ALERTS} (CreateAlert)"],
    "operations_removed": [f"GET {DEPLOYMENT} (GetDeployment)"],
    "query_changed": {"GET /organizations (ListOrganizations)": {
        "removed": ["sorts"], "values_removed": {"product": ["HYBRID"]}}},
    "schemas_added": ["Alert"],
    "schemas_removed": [],
    "fields_changed": {
        "ApiToken": {"renamed": [["scope", "type"]]},
        "Organization": {"removed": ["billingEmail"]},
        "Workspace": {"added": ["isArchived"]},
    },
}


@pytest.fixture(scope="module")
def next_minor(tmp_path_factory) -> Path:
    """Today's v1 spec with the edits a hypothetical v1.1 might make."""
    doc = copy.deepcopy(load_spec(str(FIXTURE)))
    doc["info"]["version"] = "v1.1"
    del doc["paths"][DEPLOYMENT]["get"]
    doc["paths"][ALERTS] = {"get": {"operationId": "ListAlerts", "responses": {}},
                            "post": {"operationId": "CreateAlert", "responses": {}}}
    schemas = doc["components"]["schemas"]
    schemas["Alert"] = {"type": "object", "properties": {"id": {"type": "string"}}}
    schemas["ApiToken"]["properties"]["type"] = schemas["ApiToken"]["properties"].pop("scope")
    del schemas["Organization"]["properties"]["billingEmail"]
    schemas["Workspace"]["properties"]["isArchived"] = {"type": "boolean"}
    params = doc["paths"]["/organizations"]["get"]["parameters"]
    params[:] = [p for p in params if p["name"] != "sorts"]
    next(p for p in params if p["name"] == "product")["schema"]["enum"].remove("HYBRID")
    path = tmp_path_factory.mktemp("specs") / "v1.1.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def run(*args):
    return cli_runner().invoke(spec, ["diff", *args])


def test_same_spec_has_no_differences():
    result = run(str(FIXTURE), str(FIXTURE))
    assert (result.exit_code, result.stdout) == (
        0, "from Astro Platform API v1.0 to Astro Platform API v1.0\nno differences\n")


def test_json_lists_every_change(next_minor):
    result = run(str(FIXTURE), str(next_minor), "--output-format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == EXPECTED


def test_text_report(next_minor):
    result = run(str(FIXTURE), str(next_minor))
    assert result.exit_code == 1
    assert result.stdout == f"""\
from Astro Platform API v1.0 to Astro Platform API v1.1
operations added (2):
  + GET {ALERTS} (ListAlerts)
  + POST {ALERTS} (CreateAlert)
operations removed (1):
  - GET {DEPLOYMENT} (GetDeployment)
schemas added (1): Alert
query parameters changed (1):
  GET /organizations (ListOrganizations): removed sorts; product no longer accepts HYBRID
schema fields changed (3):
  ApiToken: renamed scope -> type
  Organization: removed billingEmail
  Workspace: added isArchived
renames are inferred from the names: review them
"""


def test_reverse_direction(next_minor):
    result = json.loads(run(str(next_minor), str(FIXTURE), "--output-format", "json").stdout)
    assert result["operations_added"] == EXPECTED["operations_removed"]
    assert result["schemas_removed"] == ["Alert"]
    assert result["fields_changed"]["ApiToken"] == {"renamed": [["type", "scope"]]}


def test_new_version_from_a_url(httpserver_ipv4, next_minor):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_data(next_minor.read_bytes())
    url = httpserver_ipv4.url_for("/spec/v1")
    result = run(str(FIXTURE), url, "--allow-http", "--output-format", "json")
    assert json.loads(result.stdout) == EXPECTED


def test_unreadable_spec_exits_2(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1.1").respond_with_data("gone", status=404)
    url = httpserver_ipv4.url_for("/spec/v1.1")
    result = run(str(FIXTURE), url, "--allow-http")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"astro-migrate: error: HTTP 404 NOT FOUND ({url})\n"


def index(**schemas) -> dict:
    return {"title": "T", "version": "v", "operations": [], "schemas": schemas}


def test_renames_pair_look_alike_names_only():
    old = index(Deployment=["id", "workloadIdentity", "legacyFlag"])
    new = index(Deployment=["id", "effectiveWorkloadIdentity", "apiUrl", "uiUrl"])
    assert diff(old, new)["fields_changed"] == {"Deployment": {
        "renamed": [["workloadIdentity", "effectiveWorkloadIdentity"]],
        "removed": ["legacyFlag"],
        "added": ["apiUrl", "uiUrl"],
    }}
