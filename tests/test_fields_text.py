"""Field changes in every language the text tier reads (issue 15, items 2 and 3).

tests/fixtures/fields_text holds one file per language, each calling an Astro endpoint and
reading its fields the way that language does, next to look-alikes that must stay silent:
another API's `type`, `workloadIdentity` in a Kubernetes manifest, CI inputs, Terraform
variables, a Google IAM role. Text-tier field findings are reported, never fixed.
"""
from __future__ import annotations

import shutil

import pytest
from helpers import FIXTURES

from migrator.api import check
from migrator.options import Options

FIELD_CODES = ("AM301", "AM302", "AM303", "AM304", "AM305", "AM306")
EXPECTED = {
    "rotate.sh": {
        (7, "AM301", "type", "ListApiTokens"),  # jq select(.type == "DEPLOYMENT")
        (8, "AM302", "workloadIdentity", "GetDeployment"),  # jq {name, workloadIdentity, ...}
        (8, "AM303", "drWorkloadIdentity", "GetDeployment"),
    },
    "deployments.ts": {
        (6, "AM302", "workloadIdentity", "ListDeployments"),  # interface member `workloadIdentity?:`
        (7, "AM303", "drWorkloadIdentity", "ListDeployments"),
        (13, "AM302", "workloadIdentity", "ListDeployments"),  # const { workloadIdentity } = …
        (14, "AM303", "drWorkloadIdentity", "ListDeployments"),  # d?.drWorkloadIdentity
    },
    "tokens.go": {
        (12, "AM301", "type", "ListApiTokens"),  # struct tag json:"type,omitempty"
        (26, "AM301", "Type", "ListApiTokens"),  # tok.Type, the field that tag names
    },
    "main.tf": {
        (13, "AM301", "type", "CreateApiToken"),  # type = "WORKSPACE" in a restapi_object body
        (23, "AM301", "type", "ListApiTokens"),  # restapi_object.ci_token.api_data.type
        (27, "AM304", "supportPlan", "GetOrganization"),  # jsondecode(….response_body).supportPlan
    },
    ".github/workflows/deploy.yml": {
        (15, "AM302", "workloadIdentity", "GetDeployment"),  # fromJSON(steps.dep.outputs.body).workloadIdentity
    },
    ".gitlab-ci.yml": {
        (4, "AM305", "supportPlan", "ListOrganizations"),  # ?supportPlan=
        (4, "AM306", "astronomerProduct", "ListOrganizations"),  # astronomerProduct=OBSERVE
        (5, "AM304", "supportPlan", "GetOrganization"),  # jq .supportPlan
    },
}


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("fields_text") / "project"
    shutil.copytree(FIXTURES / "fields_text", root)
    run = check([str(root)], Options(select=FIELD_CODES, no_cache=True, jobs=1))
    out: dict = {}
    for result, finding in run.findings:
        key = result.path[len(str(root)) + 1 :].replace("\\", "/")
        line = result.source.position(finding.start)[0]
        text = result.source.text[finding.start : finding.end]
        out.setdefault(key, set()).add((line, finding.code, text, finding.endpoint.operation_id))
        assert finding.fix is None, "the text tier reports field changes, it does not rewrite them"
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_language_reports_its_field_reads_and_no_look_alike(found, name):
    assert found.get(name, set()) == EXPECTED[name]


def test_no_other_file_has_field_findings(found):
    assert set(found) == set(EXPECTED)


def test_removed_fields_say_what_to_use_instead(found, tmp_path):
    shutil.copy(FIXTURES / "fields_text" / ".gitlab-ci.yml", tmp_path / ".gitlab-ci.yml")
    run = check([str(tmp_path)], Options(select=("AM304", "AM305"), no_cache=True, jobs=1))
    messages = {finding.code: finding.message for _, finding in run.findings}
    assert "productPlans" in messages["AM304"] and "`productPlan`" in messages["AM305"]


def test_field_findings_outlive_the_fix_that_moves_their_calls_to_v1(tmp_path):
    """`${host}/platform/v1beta1/organizations…` becomes `${host}/v1/organizations…`: the calls are
    still known (the file names the Astro host), so the fields they changed are still reported."""
    shutil.copy(FIXTURES / "text" / "before" / "fetch.mjs", tmp_path / "fetch.mjs")

    def fields() -> list:
        run = check([str(tmp_path)], Options(select=FIELD_CODES, no_cache=True, jobs=1))
        return sorted((r.source.position(f.start)[0], f.code) for r, f in run.findings)

    before = fields()
    check([str(tmp_path)], Options(fix=True, no_cache=True, jobs=1))
    assert "/v1/organizations" in (tmp_path / "fetch.mjs").read_text(encoding="utf-8")
    assert fields() == before == [(4, "AM305"), (5, "AM304"), (5, "AM304"), (6, "AM306")]
