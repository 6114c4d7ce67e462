"""The registry of rules (rules/codes.toml) and the rule table as the one source of API facts.

Every example in the registry runs here, as Fixit runs VALID/INVALID: its `before` yields its
code at its line, and `--fix` turns it into its `after` (or leaves it as it is).
"""
from __future__ import annotations

import ast
import datetime
import re
import shutil
from pathlib import Path

import pytest

from migrator.api import check
from migrator.engine import deadline, registry, ruletable
from migrator.engine.ruletable import RuleTableError
from migrator.engine.templates import Hole, Lit, holds_base
from migrator.options import OFF_BY_DEFAULT, Options
from migrator.report import explain

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
TODAY = datetime.date(2026, 11, 28)
EXAMPLES = [(rule, i) for rule in registry.rules().values() for i in range(len(rule.examples))]


def run(folder: Path, code: str, fix: bool = False):
    select = (code,) if code.startswith(OFF_BY_DEFAULT) else ()
    return check([str(folder)], Options(select=select, fix=fix, today=TODAY, no_cache=True))


@pytest.mark.parametrize(("rule", "index"), EXAMPLES, ids=[f"{r.code}-{i}" for r, i in EXAMPLES])
def test_example_yields_its_code_at_its_line_and_fixes_to_its_after(tmp_path, rule, index):
    example = rule.examples[index]
    path = tmp_path / example.file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(example.before.encode(example.encoding))
    found = [finding for _, finding in run(tmp_path, rule.code).findings if finding.code == rule.code]
    text = example.before  # offsets count characters of the decoded text; AM9xx sit at 0
    assert {text[: f.start].count("\n") + 1 for f in found} == {example.line}
    if rule.fix == "never":
        assert all(f.fix is None for f in found)
    if rule.fix == "always":
        assert all(f.fix is not None for f in found)
    run(tmp_path, rule.code, fix=True)
    assert path.read_bytes().decode(example.encoding) == example.expected


def test_the_registry_says_which_codes_the_clock_escalates(rules_copy, monkeypatch):
    assert deadline.severity("AM105", "info", 5) == "warning"
    assert deadline.severity("AM913", "warning", 5) == "warning"
    edit(rules_copy / "codes.toml", 'severity = "info"\nescalates = true', 'severity = "info"\nescalates = false')
    monkeypatch.setenv(ruletable.RULES_DIR_ENV, str(rules_copy))
    assert deadline.severity("AM105", "info", 5) == "info"


def test_every_code_the_engine_writes_is_registered():
    written = set()
    for module in (ROOT / "migrator").rglob("*.py"):
        written |= set(re.findall(r"[\"'](AM\d{3})[\"']", module.read_text(encoding="utf-8")))
    assert written and written <= set(registry.rules())


def test_explain_json_lists_every_rule_with_its_examples():
    import json

    rules = json.loads(explain.as_json())
    assert [r["code"] for r in rules] == list(registry.rules())
    for entry in rules:
        assert entry["name"] and entry["summary"] and entry["examples"]
        assert all(set(e) >= {"file", "before", "after"} for e in entry["examples"])


def github_anchors(markdown: str) -> set:
    """The fragments GitHub gives a document's headings."""
    headings = re.findall(r"^#+\s+(.+?)\s*$", markdown, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_readme_is_generated_from_the_registry_and_links_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert explain.with_readme_section(readme) == readme, "run: python scripts/build_readme.py"
    anchors = github_anchors(readme)
    for rule in registry.rules().values():
        assert rule.help_uri.endswith("README.md#" + rule.anchor)
        assert rule.anchor in anchors


# -- the rule table drives the engine ------------------------------------------------------


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


TEAMS = 'operation_id = "ListTeams"\napi = "iam"\nmethod = "GET"\npath = "/organizations/{organizationId}/teams"\n'
TEAMS_CALL = 'import requests\n\nr = requests.get(f"https://api.astronomer.io/iam/v1beta1/organizations/{org}/teams")\n'


def renamed_teams(rules_copy: Path) -> Path:
    edit(rules_copy / "endpoints.toml", TEAMS + 'v1 = "/organizations/{organizationId}/teams"',
         TEAMS + 'v1 = "/organizations/{organizationId}/groups"')
    return rules_copy


def test_an_operations_v1_path_comes_from_the_table(rules_copy):
    table = ruletable.load(renamed_teams(rules_copy))
    teams = next(op for op in table.operations if op.operation_id == "ListTeams")
    assert teams.v1_path == "/v1/organizations/{organizationId}/groups"
    assert teams.rewrite("/organizations/o-1/teams") == "/organizations/o-1/groups"
    assert teams.rewrite("/organizations/o-1/users") is None
    shipped = next(op for op in ruletable.load().operations if op.operation_id == "ListTeams")
    assert shipped.rewrite("/organizations/o-1/teams") == "/organizations/o-1/teams"


def test_the_rules_dir_override_changes_what_check_reports(tmp_path, rules_copy, monkeypatch):
    monkeypatch.setenv(ruletable.RULES_DIR_ENV, str(renamed_teams(rules_copy)))
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "teams.py").write_text(TEAMS_CALL, encoding="utf-8")
    [(_, finding)] = run(tmp_path / "project", "AM101").findings
    assert finding.endpoint.v1_path == "/v1/organizations/{organizationId}/groups"


def test_the_fix_writes_the_tables_v1_path(tmp_path, rules_copy, monkeypatch):
    monkeypatch.setenv(ruletable.RULES_DIR_ENV, str(renamed_teams(rules_copy)))
    (tmp_path / "project").mkdir()
    target = tmp_path / "project" / "teams.py"
    target.write_text(TEAMS_CALL, encoding="utf-8")
    run(tmp_path / "project", "AM101", fix=True)
    assert "https://api.astronomer.io/v1/organizations/{org}/groups" in target.read_text(encoding="utf-8")


def test_the_tables_patterns_find_its_bases_and_no_look_alikes():
    facts = ruletable.facts()
    found = facts.marker.search("https://api.astronomer.io/platform/v1beta1/organizations")
    assert found.group(0) in facts.base_map and found.group(1) == "platform"
    assert facts.marker_bytes.search(b'{"url": "https:\\/\\/api.astronomer.io\\/iam\\/v1beta1"}')
    assert facts.v1_marker.search("https://api.astronomer.io/v1/organizations")
    assert not facts.v1_marker.search("https://api.astronomer.io/iam/v1beta1 api.v1")
    assert facts.spec_urls == {f"{facts.spec_prefix}/{base}": facts.v1_spec for base in facts.base_map}


def test_a_new_deprecated_version_is_a_table_edit(tmp_path, rules_copy, monkeypatch):
    edit(rules_copy / "api.toml", '[[bases]]\napi = "iam"', '[[bases]]\napi = "platform"\nversion = "v1beta2"\n\n'
                                                           '[[bases]]\napi = "iam"')
    monkeypatch.setenv(ruletable.RULES_DIR_ENV, str(rules_copy))
    (tmp_path / "project").mkdir()
    target = tmp_path / "project" / "deploy.sh"
    target.write_text(
        'curl "https://api.astronomer.io/platform/v1beta2/organizations/$ORG/deployments"\n', encoding="utf-8"
    )
    [(_, finding)] = run(tmp_path / "project", "AM101").findings
    assert finding.code == "AM101" and finding.endpoint.operation_id == "ListDeployments"
    run(tmp_path / "project", "AM101", fix=True)
    assert target.read_text(encoding="utf-8") == 'curl "https://api.astronomer.io/v1/organizations/$ORG/deployments"\n'


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("endpoints.toml", 'v1 = "/authorization/permission-groups"',
     'v1 = "/authorization/permission-groups"\nsafe = true', "ListPermissionGroups: unknown keys safe"),
    ("endpoints.toml", 'fields.response = ["token-type-to-scope"]', 'fields.response = ["token-kind"]',
     "field change token-kind is not in fields.toml"),
    ("endpoints.toml", 'api = "iam"', 'api = "iom"', "api 'iom' has no base in api.toml"),
    ("fields.toml", 'code = "AM301"', 'code = "AM399"', "code AM399 is not registered in codes.toml"),
    ("fields.toml", 'new = "scope"', 'renamed_to = "scope"', "unknown keys renamed_to"),
    ("api.toml", 'spec_prefix = "spec"', 'spec_prefix = "spec"\nhost = "x"', "[api]: unknown keys host"),
])
def test_a_malformed_table_is_refused_naming_the_file(rules_copy, file, old, new, message):
    edit(rules_copy / file, old, new)
    with pytest.raises(RuleTableError) as raised:
        ruletable.load(rules_copy)
    assert message in str(raised.value)
    assert str(raised.value).startswith(file)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('fix = "sometimes"', 'fix = "maybe"', "fix must be one of always, sometimes, never"),
    ('name = "v1beta1-url"', 'name = "v1beta1-url"\ntitle = "x"', "unknown keys title"),
    ('line = 5\n', '', "missing keys line"),
])
def test_a_malformed_registry_is_refused(rules_copy, old, new, message):
    edit(rules_copy / "codes.toml", old, new)
    with pytest.raises(RuleTableError, match=re.escape(message)):
        registry.rules(rules_copy)


PROXIED = (
    'import requests\n\n'
    'def scopes(org):\n'
    '    tokens = requests.get(f"https://astro.gw.example/v1/organizations/{org}/tokens",\n'
    '                          headers={"X-API-Version": "1.0"}).json()["tokens"]\n'
    '    return [t["type"] for t in tokens]\n'
)


def test_templates_know_the_tables_hosts_and_extra_hosts():
    proxied = (Lit("https://astro.gw.example/v1/organizations/"), Hole("org"))
    hosts = ruletable.load().all_hosts(("astro.gw.example",))
    assert holds_base(proxied, hosts)
    assert not holds_base(proxied)  # the table's hosts alone
    assert holds_base((Lit("https://API.astronomer.io/v1"),))
    assert holds_base((Hole("host"), Lit("/platform/v1beta1/organizations")))
    assert not holds_base((Lit("https://example.com/v1"),), hosts)


def test_extra_hosts_reach_the_python_field_analysis(tmp_path):
    (tmp_path / "tokens.py").write_text(PROXIED, encoding="utf-8")
    hosts = ruletable.load().all_hosts(("astro.gw.example",))
    found = check([str(tmp_path)], Options(hosts=hosts, today=TODAY, no_cache=True)).findings
    assert [f.code for _, f in found] == ["AM301"]


def test_without_extra_hosts_a_proxy_is_not_the_astro_api(tmp_path):
    (tmp_path / "tokens.py").write_text(PROXIED, encoding="utf-8")
    assert check([str(tmp_path)], Options(today=TODAY, no_cache=True)).findings == []


# -- no API fact as a literal outside the loader -------------------------------------------

# Modules that still spell API facts, each waiting for its owner to switch to the table
# (`ruletable.facts()` / `load()`: hosts, marker, base_map, base_of, v1, spec_urls, pin_header,
# versions; `Operation.v1_path`, `Operation.rewrite`). Empty it as they switch.
PENDING: set = set()
ALLOWED = {"migrator/engine/ruletable.py"}  # the loader


def api_fact_patterns() -> list:
    table = ruletable.load()
    facts = [re.escape(h) for h in table.hosts] + [re.escape(b) for b in table.base_map]
    facts += [re.escape(s) for s in table.spec_urls] + [re.escape(f"{table.spec_prefix}/{table.v1}")]
    facts += [rf"(?i){re.escape(table.pin_header)}"]
    facts += [rf"^/?{re.escape(v)}$|/{re.escape(v)}\b" for v in table.versions]
    facts += [rf"^/?{re.escape(table.v1)}(?:$|[/(])"]
    facts += [re.escape(op.path) for op in table.operations if op.path.count("/") >= 2]
    return [re.compile(p) for p in facts]


def literal_strings(tree: ast.AST):
    """(line, text) of every string constant that is not a docstring."""
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_api_fact_is_a_literal_outside_the_loader():
    patterns = api_fact_patterns()
    found, clean_pending = [], []
    for module in sorted((ROOT / "migrator").rglob("*.py")):
        name = module.relative_to(ROOT).as_posix()
        hits = [f"{name}:{line}: {text!r}" for line, text in literal_strings(ast.parse(module.read_text("utf-8")))
                if any(p.search(text) for p in patterns)]
        if name in PENDING and not hits:
            clean_pending.append(name)
        elif name not in PENDING | ALLOWED:
            found += hits
    assert found == [], "API facts as literals; ask migrator.engine.ruletable instead"
    assert clean_pending == [], "no literal left: remove from PENDING"
