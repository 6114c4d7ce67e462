"""Field changes followed across modules and into models and frames (issue 15, items 1, 3, 4).

tests/fixtures/fields_cross is a small project: `astro/client.py` makes the requests,
`astro/models.py` declares pydantic models and a TypedDict, `astro/bodies.py` builds bodies
and filters, and two DAGs read and send them. Each shape has a look-alike that must stay
silent: GitHub events (their `type`), a Kubernetes manifest's `workloadIdentity`, a Slack body,
a task fed with GitHub events.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES

from migrator.api import check
from migrator.options import Options

FIELD_CODES = ("AM301", "AM302", "AM303", "AM304", "AM305", "AM306")
EXPECTED = {
    # a function returns resp.json()["tokens"]; the DAG filters t["type"] == "DEPLOYMENT"
    ("dags/tokens_dag.py", 14, "AM301", "type", "safe"),
    # AstroClient(org).get_deployment(dep)["workloadIdentity"]: a method of another module's class
    ("dags/tokens_dag.py", 27, "AM302", "workloadIdentity", "safe"),
    # self.get_deployment(dep) in a subclass of that class
    ("dags/tokens_dag.py", 54, "AM303", "drWorkloadIdentity", "safe"),
    # an Airflow task's parameter, fed by list_tokens(): reported, not renamed (other callers may
    # pass other data); the task fed with GitHub events is not flagged
    ("dags/tokens_dag.py", 59, "AM301", "type", None),
    # pd.DataFrame(list_tokens(org)): df.query("type == …") and df["type"]; the quoted 'type' is a value
    ("dags/tokens_dag.py", 32, "AM301", "type", "safe"),
    ("dags/tokens_dag.py", 33, "AM301", "type", "safe"),
    # self.deployment = ….json() in one method, read in another, but also set by a DAG: not renamed
    ("astro/client.py", 29, "AM302", "workloadIdentity", None),
    # self.current, set in one place only
    ("astro/client.py", 37, "AM303", "drWorkloadIdentity", "safe"),
    # ApiToken(**t): a pydantic field named `type` is reported (its reads use the name), not renamed
    ("astro/models.py", 9, "AM301", "type", None),
    # Deployment.model_validate(d): Field(alias="workloadIdentity")
    ("astro/models.py", 14, "AM302", "workloadIdentity", "safe"),
    # -> list[TokenDict] on a function returning list_tokens(org): a TypedDict key
    ("astro/models.py", 19, "AM301", "type", "safe"),
    # token_body() built here, posted to CreateApiToken from a DAG: may be sent elsewhere, not renamed
    ("astro/bodies.py", 5, "AM301", "type", None),
    # ORG_FILTER sent as params= from a DAG: removed filter and value, never fixed
    ("astro/bodies.py", 8, "AM305", "supportPlan", None),
    ("astro/bodies.py", 8, "AM306", "astronomerProduct", None),
    # HttpOperator(method="GET", data={…}): the data is the query string
    ("dags/provision_dag.py", 26, "AM305", "supportPlan", None),
}


def copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "fields_cross", root)
    return root


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict:
    """{(file, line, code, text at the finding, fix applicability): Finding} of the project."""
    root = copy_project(tmp_path_factory.mktemp("cross"))
    out = {}
    for result, finding in check([str(root)], Options(no_cache=True, jobs=1, select=FIELD_CODES)).findings:
        key = Path(result.path).resolve().relative_to(root.resolve()).as_posix()
        out[(key, result.source.position(finding.start)[0], finding.code,
             result.source.text[finding.start : finding.end], finding.fix and finding.fix.applicability)] = finding
    return out


def test_reads_across_modules_models_frames_and_bodies_and_no_look_alike(findings):
    assert set(findings) == EXPECTED


def test_values_that_may_hold_other_data_say_why_and_removed_fields_say_what_to_use(findings):
    by_place = {(Path(key[0]).name, key[1], key[2]): finding for key, finding in findings.items()}
    attribute = by_place[("client.py", 29, "AM302")].message
    assert "Not renamed: `deployment` is also set by `cache.deployment = …` in " in attribute
    assert "tokens_dag.py" in attribute
    body = by_place[("bodies.py", 5, "AM301")].message
    assert "`token_body` is sent to the Astro API from " in body and "provision_dag.py" in body
    assert "Field(alias=\"scope\")" in by_place[("models.py", 9, "AM301")].message
    assert "`productPlan`" in by_place[("bodies.py", 8, "AM305")].message


def test_one_fix_moves_the_bases_and_renames_the_keys_together_and_a_second_changes_nothing(tmp_path):
    root = copy_project(tmp_path)
    check([str(root)], Options(no_cache=True, jobs=1, fix=True))
    dag = (root / "dags" / "tokens_dag.py").read_text(encoding="utf-8")
    assert 'if t["scope"] == "DEPLOYMENT"' in dag and 'd["effectiveWorkloadIdentity"]' in dag
    assert 'self.get_deployment(dep)["effectiveDRWorkloadIdentity"]' in dag
    assert "df.query(\"scope == 'DEPLOYMENT' and name != 'type'\")" in dag and 'df["scope"]' in dag
    assert 'kinds["type"]' in dag and 'e["type"] for e in events' in dag and '["spec"]["workloadIdentity"]' in dag
    models = (root / "astro" / "models.py").read_text(encoding="utf-8")
    assert 'Field(alias="effectiveWorkloadIdentity")' in models
    assert "class ApiToken(BaseModel):\n    id: str\n    type: str" in models
    assert "class GithubEvent(BaseModel):\n    id: str\n    type: str" in models
    assert '"https://api.astronomer.io/v1"' in (root / "astro" / "client.py").read_text(encoding="utf-8")
    texts = {p: p.read_bytes() for p in root.rglob("*.py")}
    again = check([str(root)], Options(no_cache=True, jobs=1, fix=True))
    assert {p: p.read_bytes() for p in root.rglob("*.py")} == texts
    assert [f.code for _, f in again.findings if f.fix and f.fix.applicability == "safe"] == []


def test_a_rename_waits_for_the_base_its_call_goes_through(tmp_path):
    root = copy_project(tmp_path)
    dag = root / "dags" / "tokens_dag.py"
    before = dag.read_bytes()
    check([str(dag)], Options(no_cache=True, jobs=1, fix=True))  # the base, in astro/client.py, is not fixed
    assert dag.read_bytes() == before
