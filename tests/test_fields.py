"""Field-level migration (issue 5): renamed and removed JSON fields and query parameters.

The fixtures in tests/fixtures/fields are analysed with `analyze_python.analyze`, then
`fields.judge` runs on the result, across modules.
"""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES, check_json

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern
from migrator.engine.templates import Lit
from migrator.fix.edits import apply as apply_edits
from migrator.policy import fields
from migrator.policy.imports import ModuleIndex
from migrator.project.modules import ModuleResolver
from migrator.project.source import SourceText
from migrator.python.analyze import analyze

FIELDS = FIXTURES / "fields"
TABLE = ruletable.load()
HOST_RE = host_pattern(DEFAULT_HOSTS)


def analyse(root: Path, texts: dict = None) -> tuple:
    """(findings by key, SourceText by key) for every .py file under `root`."""
    facts, sources = {}, {}
    files = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.py"))}
    for key, text in (texts or files).items():
        source = SourceText.decode(text.encode("utf-8"), python=True)
        facts[key], sources[key] = analyze(key, source), source
    resolver = ModuleResolver.for_project(list(facts), str(root))
    return fields.judge(facts, ModuleIndex(facts, resolver.resolve), TABLE, HOST_RE), sources


def summary(root: Path, texts: dict = None) -> set:
    """{(file, line, code, text at the finding, fix applicability)}"""
    found, sources = analyse(root, texts)
    return {
        (key, sources[key].position(f.start)[0], f.code, sources[key].text[f.start : f.end], f.fix and f.fix.applicability)
        for key, items in found.items()
        for f in items
    }


def test_disaster_recovery_dag_reads_a_token_type_and_sends_it_back():
    found, sources = analyse(FIELDS)
    where = sorted(
        (sources["dr_tokens_dag.py"].position(f.start), f.code, f.fix.applicability) for f in found["dr_tokens_dag.py"]
    )
    assert where == [
        ((20, 19), "AM301", "safe"),  # for t in data["tokens"]: if t["type"] == ...
        ((21, 94), "AM301", "safe"),  # "type": key of the CreateApiToken body
        ((21, 104), "AM301", "safe"),  # its value t["type"], read from ListApiTokens
    ]
    messages = {f.endpoint.operation_id: f.message for f in found["dr_tokens_dag.py"]}
    assert "request bodies of CreateApiToken" in messages["CreateApiToken"]
    assert "responses of ListApiTokens" in messages["ListApiTokens"]


def test_half_migrated_script_with_helper_enumerate_comprehension_and_posted_back_deployment():
    got = {s[1:] for s in summary(FIELDS) if s[0] == "migrated_deployments.py"}
    assert got == {
        (17, "AM302", "workloadIdentity", "safe"),  # comprehension over a helper's r.json()["deployments"]
        (20, "AM303", "drWorkloadIdentity", "safe"),  # d.get(...) in `for i, d in enumerate(deps)`
        (22, "AM401", got_call(22), None),
        (24, "AM303", "drWorkloadIdentity", "safe"),  # "drWorkloadIdentity" in json.loads(resp.text)
        (28, "AM401", got_call(28), None),
        (28, "AM302", "dep", None),  # the whole GetDeployment response posted to UpdateDeployment
        (28, "AM303", "dep", None),
        (33, "AM401", got_call(33), None),
    }


def got_call(line: int) -> str:
    """The request call that starts on `line` of migrated_deployments.py."""
    text = (FIELDS / "migrated_deployments.py").read_text(encoding="utf-8").splitlines()[line - 1]
    start = text.index("requests.")
    return text[start:].replace("resp = ", "")


def test_request_bodies_of_deployments_keep_workload_identity():
    found, sources = analyse(FIELDS)
    lines = {sources["migrated_deployments.py"].position(f.start)[0] for f in found["migrated_deployments.py"]}
    assert 31 not in lines and 32 not in lines  # payload = {...}; payload["workloadIdentity"] = ...


def test_organization_support_plan_and_observe_in_params_url_and_response():
    assert {s[1:] for s in summary(FIELDS) if s[0] == "org_plans.py"} == {
        (17, "AM305", "supportPlan", None),  # params={"supportPlan": ...}: removed, never fixed
        (17, "AM306", "astronomerProduct", None),  # params={"astronomerProduct": "OBSERVE"}
        (25, "AM304", "supportPlan", None),  # org["supportPlan"] through the self._get helper
        (29, "AM305", "supportPlan", None),  # ?supportPlan= in a module-level URL helper
        (29, "AM306", "astronomerProduct", None),
    }
    found, _ = analyse(FIELDS)
    by_code = {f.code: f.message for f in found["org_plans.py"]}
    assert "productPlans" in by_code["AM304"] and "productPlan`" in by_code["AM305"]


def test_imported_base_unknown_method_conditional_and_async_flows():
    assert {s[1:] for s in summary(FIELDS) if s[0] == "crossmodule/sync_tokens.py"} == {
        (13, "AM301", "type", "unsafe"),  # method unknown: ListApiTokens or CreateApiToken
        (18, "AM301", "type", "safe"),  # payload["type"] = ... before data=json.dumps(payload)
        (20, "AM301", "type", "safe"),  # dict(type=...) keyword
        (26, "AM301", "type", None),  # tok = r.json() if r.ok else cached: may be other data, not renamed
        (33, "AM301", "type", "safe"),  # async with s.post(...) as r: tok = await r.json()
    }


def test_unrelated_dicts_other_apis_and_unchanged_fields_are_not_flagged():
    assert {s for s in summary(FIELDS) if s[0] == "negatives.py"} == set()


def test_every_field_change_of_the_rule_table_is_covered_by_a_fixture():
    codes = {s[2] for s in summary(FIELDS)}
    assert {c.code for c in TABLE.field_changes.values()} <= codes


def test_safe_fixes_rename_keys_and_rerun_is_clean(tmp_path):
    root = tmp_path / "fields"
    shutil.copytree(FIELDS, root)
    found, sources = analyse(root)
    for key, items in found.items():
        edits = [e for f in items if f.fix and f.fix.applicability == "safe" for e in f.fix.edits]
        (root / key).write_text(apply_edits(sources[key].text, edits), encoding="utf-8")
    dag = (root / "dr_tokens_dag.py").read_text(encoding="utf-8")
    assert 'if t["scope"] == "ORGANIZATION":' in dag
    assert '"scope": t["scope"], "role"' in dag
    script = (root / "migrated_deployments.py").read_text(encoding="utf-8")
    assert 'd["effectiveWorkloadIdentity"] for d in deps' in script
    assert 'payload["workloadIdentity"] = dep["effectiveWorkloadIdentity"]' in script
    again = summary(root)
    assert {s for s in again if s[4] == "safe"} == set()
    assert ("org_plans.py", 25, "AM304", "supportPlan", None) in again  # removed fields stay


def test_same_shapes_already_on_v1_and_still_on_v1beta1_give_the_same_field_findings():
    body = (
        "import requests\n"
        "def scope(org, tid):\n"
        "    r = requests.get(f'{BASE}/organizations/{org}/tokens/{tid}')\n"
        "    return r.json()['type']\n"
    )
    old = summary(Path("."), {"a.py": "BASE = 'https://api.astronomer.io/iam/v1beta1'\n" + body})
    new = summary(Path("."), {"a.py": "BASE = 'https://api.astronomer.io/v1'\n" + body})
    assert old == {("a.py", 5, "AM301", "type", "safe")}
    assert new == old | {("a.py", 4, "AM401", "requests.get(f'{BASE}/organizations/{org}/tokens/{tid}')", None)}


def test_a_pinned_v1_call_gets_no_advice():
    text = (
        "import requests\n"
        "H = {'Authorization': 'Bearer x', 'X-API-Version': '1.0'}\n"
        "orgs = requests.get('https://api.astronomer.io/v1/organizations', headers=H).json()\n"
    )
    assert summary(Path("."), {"a.py": text}) == set()


@pytest.mark.parametrize(
    "url, path",
    [
        ("https://api.astronomer.io/v1/organizations/o1/tokens", "/organizations/o1/tokens"),
        ("https://API.astronomer.io/v1/organizations?supportPlan=X", "/organizations"),
        ("https://api.astronomer.io/v1beta1/organizations", None),
        ("https://api.astronomer.io/v1.0/organizations", None),
        ("https://api.astronomer.io.example.com/v1/organizations", None),
        ("https://docs.astronomer.io/v1/organizations", None),
        ("https://api.astronomer.io/spec/v1", None),
        ("https://example.com/api.astronomer.io/v2/v1/organizations", None),
    ],
)
def test_find_v1_bases_needs_the_astro_host(url, path):
    found = fields.find_v1_bases((Lit(url),), TABLE, HOST_RE)
    assert [m.path for m in found] == ([path] if path else [])


def test_collected_items_are_plain_picklable_data():
    text = (FIELDS / "dr_tokens_dag.py").read_text(encoding="utf-8")
    items = analyze("dag.py", SourceText.decode(text.encode(), python=True)).fields
    assert items and pickle.loads(pickle.dumps(items)) == items


def test_cli_reports_field_changes(tmp_path):
    shutil.copy(FIELDS / "dr_tokens_dag.py", tmp_path / "dag.py")
    codes = [item["code"] for item in check_json(str(tmp_path))]
    assert codes.count("AM301") == 3
