"""`spec check`: the rule table against today's v1 spec and against edited copies of it."""
from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest
from helpers import cli_runner, run_cli

from migrator.engine import ruletable
from migrator.spec.cli import spec
from migrator.spec.compare import compare
from migrator.spec.fetch import load_spec
from migrator.spec.index import build_index

FIXTURE = Path(__file__).parent / "fixtures" / "specs" / "v1.yaml"
SPEC = load_spec(str(FIXTURE))
DEPLOYMENT = "/organizations/{organizationId}/deployments/{deploymentId}"
ALERTS = "/organizations/{organizationId}/alerts"


def edited(edit) -> dict:
    doc = copy.deepcopy(SPEC)
    edit(doc)
    return doc


def check(*args):
    return cli_runner().invoke(spec, ["check", *args])


def check_doc(doc: dict, tmp_path: Path):
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return check("--file", str(path))


def test_fixture_matching_todays_v1_holds():
    result = run_cli("spec", "check", "--file", FIXTURE)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"rule table holds against Astro Platform API v1.0 ({FIXTURE}): "
                             "70 targets, 10 blockers, 6 field changes\n")


def test_json_spec_over_http_holds(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_json(SPEC)
    result = check("--url", httpserver_ipv4.url_for("/spec/v1"), "--allow-http")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("rule table holds against Astro Platform API v1.0 (http://127.0.0.1")


def test_endpoint_removed_is_reported(httpserver_ipv4):
    doc = edited(lambda d: d["paths"][DEPLOYMENT].pop("get"))
    httpserver_ipv4.expect_request("/spec/v1").respond_with_json(doc)
    result = check("--url", httpserver_ipv4.url_for("/spec/v1"), "--allow-http")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"GetDeployment: target GET /v1{DEPLOYMENT} is not in v1 (that path has DELETE, POST)")
    assert "1 difference(s)" in result.stdout.splitlines()[-1]


def test_endpoint_moved_names_its_new_place(tmp_path):
    def move(doc):
        doc["paths"]["/deployments/{deploymentId}"] = {"get": doc["paths"][DEPLOYMENT].pop("get")}

    result = check_doc(edited(move), tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"GetDeployment: target GET /v1{DEPLOYMENT} is not in v1 (that path has DELETE, POST); "
        "v1 has GET /deployments/{deploymentId} (GetDeployment)")


def add_alerts(doc):
    doc["paths"][ALERTS] = {"get": {"operationId": "ListAlerts", "responses": {}},
                            "post": {"operationId": "CreateAlert", "responses": {}}}


def test_alerts_added_to_v1_means_blockers_can_become_rewrites(httpserver_ipv4):
    httpserver_ipv4.expect_request("/spec/v1").respond_with_json(edited(add_alerts))
    result = check("--url", httpserver_ipv4.url_for("/spec/v1"), "--allow-http")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        f"ListAlerts: v1 now has GET {ALERTS} (ListAlerts); the blocker can become a rewrite",
        f"CreateAlert: v1 now has POST {ALERTS} (CreateAlert); the blocker can become a rewrite",
    ]


def test_blocker_found_by_operation_id_at_another_path(tmp_path):
    def add(doc):
        doc["paths"]["/alerts"] = {"get": {"operationId": "ListAlerts", "responses": {}}}

    result = check_doc(edited(add), tmp_path)
    assert result.stdout.splitlines()[0] == (
        "ListAlerts: v1 now has GET /alerts (ListAlerts); the blocker can become a rewrite")


def test_path_parameter_names_do_not_matter(tmp_path):
    def rename(doc):
        doc["paths"]["/organizations/{orgId}/deployments/{id}"] = doc["paths"].pop(DEPLOYMENT)

    assert check_doc(edited(rename), tmp_path).exit_code == 0


def astronomer_product(doc) -> dict:
    params = doc["paths"]["/organizations"]["get"]["parameters"]
    return next(p for p in params if p["name"] == "astronomerProduct")


def schema(name, edit):
    return lambda doc: edit(doc["components"]["schemas"][name]["properties"])


@pytest.mark.parametrize("edit, expected", [
    (schema("ApiToken", lambda p: p.update(type=p["scope"])),
     ["token-type-to-scope: schema ApiToken still has `type`"]),
    (schema("ApiToken", lambda p: p.update(type=p.pop("scope"))),
     ["token-type-to-scope: schema ApiToken has no `scope`",
      "token-type-to-scope: schema ApiToken still has `type`"]),
    (schema("Deployment", lambda p: p.pop("effectiveDRWorkloadIdentity")),
     ["deployment-dr-workload-identity: schema Deployment has no `effectiveDRWorkloadIdentity`"]),
    (schema("Organization", lambda p: p.update(supportPlan={"type": "string"})),
     ["organization-support-plan: schema Organization still has `supportPlan`"]),
    (lambda doc: doc["components"]["schemas"].pop("Organization"),
     ["organization-support-plan: schema Organization is not in v1"]),
    (lambda doc: doc["paths"]["/organizations"]["get"]["parameters"].append(
        {"in": "query", "name": "supportPlan", "schema": {"type": "string"}}),
     ["organization-support-plan-filter: ListOrganizations query still has `supportPlan`"]),
    (lambda doc: astronomer_product(doc)["schema"]["enum"].append("OBSERVE"),
     ["astronomer-product-observe: ListOrganizations query `astronomerProduct` accepts OBSERVE again"]),
    (lambda doc: doc["paths"]["/organizations"]["get"]["parameters"].remove(astronomer_product(doc)),
     ["astronomer-product-observe: ListOrganizations query has no `astronomerProduct`"]),
])
def test_field_changes_that_no_longer_hold(tmp_path, edit, expected):
    result = check_doc(edited(edit), tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:-1] == expected


def test_property_reached_through_all_of_counts(tmp_path):
    def split(doc):
        schemas = doc["components"]["schemas"]
        schemas["ApiTokenBase"] = {"properties": {"scope": schemas["ApiToken"]["properties"].pop("scope")}}
        schemas["ApiToken"] = {"allOf": [{"$ref": "#/components/schemas/ApiTokenBase"},
                                         {"properties": schemas["ApiToken"]["properties"]}]}

    assert check_doc(edited(split), tmp_path).exit_code == 0


def test_unknown_field_change_kind_is_reported():
    table = ruletable.load()
    change = dataclasses.replace(table.field_changes["token-type-to-scope"], kind="renamed")
    broken = dataclasses.replace(table, field_changes={change.id: change})
    differences = compare(broken, build_index(SPEC))
    assert [str(d) for d in differences] == ["token-type-to-scope: unknown kind 'renamed'"]


def test_url_and_file_together_is_a_usage_error():
    result = check("--url", "https://example.com/spec", "--file", str(FIXTURE))
    assert result.exit_code == 2
    assert "give --url or --file, not both" in result.stderr


def test_unreadable_file_exits_2(tmp_path):
    missing = tmp_path / "nope.yaml"
    result = check("--file", str(missing))
    assert result.exit_code == 2
    assert result.stderr == f"astro-migrate: error: cannot read file: No such file or directory ({missing})\n"
