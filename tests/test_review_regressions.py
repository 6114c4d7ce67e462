"""Regressions found by reviewing the tool on code written the way people write it.

Each case once produced a wrong rewrite, a missed blocker or a false finding.
"""
from __future__ import annotations

import pytest
from helpers import check_json, run_cli


def summary(path) -> list:
    return [(f["location"]["row"], f["code"], f["fix"] and f["fix"]["applicability"]) for f in check_json(path)]


@pytest.mark.parametrize(
    "line",
    [
        'curl "https://api.astronomer.io/platform/v1beta1/organizations/<ORG_ID>/notification-channels"',
        'curl "https://api.astronomer.io/platform/v1beta1/organizations/[org]/alerts"',
        'curl "https://api.astronomer.io/platform/v1beta1/organizations/${ORG:-default}/alerts"',
        'curl "https://api.astronomer.io/platform/v1beta1/organizations/`cat org`/alerts"',
        "curl 'https://api.astronomer.io/platform/v1beta1/organizations/'\"$ORG\"'/alerts'",
        'curl "https://api.astronomer.io/platform/v1beta1/organizations/\\$ORG/alerts"',
    ],
)
def test_a_blocked_url_is_blocked_whatever_its_placeholders(tmp_path, line):
    target = tmp_path / "runbook.sh"
    target.write_text(line + "\n")
    assert summary(target) == [(1, "AM201", None)]
    run_cli("check", "--fix", target)
    assert target.read_text() == line + "\n"


def test_go_indexed_verb_and_python_line_continuation_keep_blockers(tmp_path):
    go = tmp_path / "client.go"
    go.write_text('package c\nimport "fmt"\nfunc u(o string) string {\n\treturn fmt.Sprintf('
                  '"https://api.astronomer.io/platform/v1beta1/organizations/%[1]s/alerts", o)\n}\n')
    assert [code for _, code, _ in summary(go)] == ["AM201"]
    py = tmp_path / "dag.py"
    py.write_text('import requests\nr = requests.get("https://api.astronomer.io/platform/v1beta1\\\n'
                  '/organizations/o/alerts")\n')
    assert [code for _, code, _ in summary(py)] == ["AM201"]


def test_shell_and_typescript_env_defaults_do_not_hide_blocked_calls(tmp_path):
    shell = tmp_path / "ops.sh"
    shell.write_text('API="${ASTRO_API:-https://api.astronomer.io/platform/v1beta1}"\n'
                     'curl "$API/organizations/$ORG/alerts"\ncurl "$API/organizations/$ORG/deployments"\n')
    assert summary(shell) == [(1, "AM101", "unsafe"), (2, "AM201", None)]
    ts = tmp_path / "alerts.ts"
    ts.write_text('const API = process.env.ASTRO_API ?? "https://api.astronomer.io/platform/v1beta1";\n'
                  'export const del = (org: string) => fetch(`${API}/organizations/${org}/alerts`, { method: "DELETE" });\n')
    assert summary(ts) == [(1, "AM101", "unsafe"), (2, "AM201", None)]


def test_a_base_reached_through_a_second_shell_variable(tmp_path):
    target = tmp_path / "cleanup.sh"
    target.write_text('export BASE="https://api.astronomer.io/platform/v1beta1"\nORG_URL="$BASE/organizations/$ORG"\n'
                      'curl -s "$BASE/organizations/$ORG/clusters"\ncurl -s "$ORG_URL/alerts"\n')
    assert summary(target) == [(1, "AM202", None), (4, "AM201", None)]


def test_urls_inside_github_expressions_are_read(tmp_path):
    target = tmp_path / "deploy.yml"
    target.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: curl \"${{ vars.ASTRO_API || 'https://api.astronomer.io/platform/v1beta1' }}/organizations/o/deployments\"\n"
        "      - run: curl \"${{ format('{0}/platform/v1beta1/organizations/{1}/alerts', vars.HOST, vars.ORG) }}\"\n"
    )
    assert [(row, code) for row, code, _ in summary(target)] == [(6, "AM101"), (7, "AM201")]


def test_split_of_a_parenthesised_or_continued_constant_still_parses(tmp_path):
    import ast

    for value in ('(\n    "https://api.astronomer.io/"\n    "platform/v1beta1"\n)', '\\\n    "https://api.astronomer.io/platform/v1beta1"'):
        target = tmp_path / "client.py"
        target.write_text(f"import requests\n\nBASE = {value}\n"
                          'requests.get(f"{BASE}/organizations/o/deployments")\n'
                          'requests.get(f"{BASE}/organizations/o/alerts")\n')
        run_cli("check", "--fix", target)
        fixed = target.read_text()
        ast.parse(fixed)
        copy = fixed.split("BASE_V1BETA1 = ", 1)[1]
        assert "platform/v1beta1" in copy.split("#", 1)[0] and 'f"{BASE_V1BETA1}/organizations/o/alerts"' in fixed
        second = run_cli("check", "--fix", target)
        assert target.read_text() == fixed and "fixed" not in second.stdout.splitlines()[-1]


def test_blocked_calls_through_rstrip_path_join_and_default_arguments(tmp_path):
    target = tmp_path / "jobs.py"
    target.write_text(
        "import posixpath\nimport requests\n\n"
        'BASE = "https://api.astronomer.io/platform/v1beta1"\n'
        'requests.get(f"{BASE}/organizations/o/deployments")\n'
        "requests.get(f\"{BASE.rstrip('/')}/organizations/o/alerts\")\n"
        'requests.get(posixpath.join(BASE, "organizations", "o", "alerts"))\n\n\n'
        "def alerts(org, base=BASE):\n"
        '    return requests.get(f"{base}/organizations/{org}/alerts")\n'
    )
    assert summary(target) == [(4, "AM202", "unsafe"), (6, "AM201", None), (7, "AM201", None), (11, "AM201", None)]
    # callers of alerts() may pass `base=BASE` themselves: the split is for a person to review
    before = target.read_text()
    run_cli("check", "--fix", target)
    assert target.read_text() == before
    run_cli("check", "--fix", "--unsafe-fixes", target)
    fixed = target.read_text()
    assert "BASE.rstrip" not in fixed and "join(BASE," not in fixed and "base=BASE_V1BETA1" in fixed


def test_file_paths_and_compared_constants_are_not_rewritten(tmp_path):
    source = (
        "import os\nfrom pathlib import Path\n\n"
        'SPEC = os.path.join("specs", "platform/v1beta1", "openapi.yaml")\n'
        'SPEC2 = Path("specs") / "iam/v1beta1" / "openapi.yaml"\n'
        'OLD = "platform/v1beta1"\n'
        'LEGACY = "https://api.astronomer.io/platform/v1beta1"\n\n\n'
        "def shim(url):\n"
        '    url = url.replace(OLD, "v1")\n'
        "    return url.startswith(LEGACY)\n"
    )
    target = tmp_path / "shim.py"
    target.write_text(source)
    assert summary(target) == [(7, "AM101", None)]  # reported for review, never rewritten
    run_cli("check", "--fix", target)
    assert target.read_text() == source


def test_a_shared_client_and_a_whole_url_constant_are_not_split(tmp_path):
    target = tmp_path / "client.py"
    source = (
        "import httpx\nimport requests\n\n"
        'BASE = "https://api.astronomer.io/platform/v1beta1"\n'
        "client = httpx.Client(base_url=BASE)\n"
        'client.get("/organizations/o/deployments")\n'
        'client.get("/organizations/o/alerts")\n'
        'ORG_URL = "https://api.astronomer.io/platform/v1beta1/organizations/o"\n'
        'requests.get(f"{ORG_URL}/alerts")\n'
    )
    target.write_text(source)
    assert summary(target) == [(4, "AM202", None), (7, "AM201", None), (9, "AM201", None)]
    run_cli("check", "--fix", target)
    assert target.read_text() == source


def test_query_filters_on_a_url_built_from_a_constant(tmp_path):
    target = tmp_path / "orgs.py"
    target.write_text('import requests\nAPI = "https://api.astronomer.io/platform/v1beta1"\n'
                      'requests.get(f"{API}/organizations?supportPlan=BUSINESS")\n')
    assert "AM305" in [code for _, code, _ in summary(target)]


def test_split_leaves_lambda_comprehension_and_kwargs_names_alone(tmp_path):
    target = tmp_path / "shadow.py"
    target.write_text(
        "import requests\n\n"
        'BASE = "https://api.astronomer.io/platform/v1beta1"\n'
        'requests.get(f"{BASE}/organizations/o/deployments")\n'
        'requests.get(f"{BASE}/organizations/o/alerts")\n'
        'f = lambda BASE, org: requests.get(f"{BASE}/organizations/{org}/alerts")\n'
        'g = [requests.get(f"{BASE}/organizations/o/alerts") for BASE in ["https://example.com"]]\n\n\n'
        "def get(org, *args, **BASE):\n"
        '    return requests.get(f"{BASE}/organizations/{org}/alerts")\n'
    )
    run_cli("check", "--fix", target)
    fixed = target.read_text()
    assert fixed.count("BASE_V1BETA1") == 2  # the copy and the one module-level alerts call


def test_split_needs_a_free_name_and_rebound_constants_are_not_safe(tmp_path):
    target = tmp_path / "cfg.py"
    target.write_text(
        "import os\n\nimport requests\n\n"
        'if os.getenv("X"):\n    BASE = "https://api.astronomer.io/platform/v1beta1"\n'
        'else:\n    BASE = "https://api.astronomer.io/platform/v1beta1/"\n'
        'requests.get(f"{BASE}/organizations/o/deployments")\n'
        'requests.get(f"{BASE}/organizations/o/alerts")\n'
        'BASE_V1BETA1 = "x"\n'
    )
    # which of the two values the calls see depends on the branch taken: neither fix is safe
    assert summary(target) == [(6, "AM101", "unsafe"), (8, "AM101", "unsafe"), (10, "AM201", None)]


def test_prefix_tuples_lookup_tables_and_compared_constants(tmp_path):
    target = tmp_path / "shim.py"
    target.write_text(
        "import requests\n\n"
        'OLD_PREFIXES = ("iam/v1beta1", "platform/v1beta1")\n'
        'MAP = {"https://api.astronomer.io/iam/v1beta1": "https://api.astronomer.io/v1"}\n'
        'LEGACY = "https://api.astronomer.io/platform/v1beta1"\n\n\n'
        "def is_old(u):\n"
        '    return any(p in u for p in OLD_PREFIXES) or u in ["https://api.astronomer.io/platform/v1beta1", "x"]\n\n\n'
        "def is_legacy(url):\n    return url.startswith(LEGACY)\n\n\n"
        'requests.get(f"{LEGACY}/organizations/o/deployments")\n'
    )
    assert summary(target) == [(4, "AM101", None), (5, "AM101", "unsafe"), (9, "AM101", None)]


def test_a_base_handed_to_a_function_that_builds_a_blocked_path(tmp_path):
    target = tmp_path / "p8.py"
    target.write_text(
        "import requests\n\n"
        'BASE = "https://api.astronomer.io/platform/v1beta1"\n\n\n'
        "def alerts(url, org):\n"
        '    return requests.get(f"{url}/organizations/{org}/alerts")\n\n\n'
        'requests.get(f"{BASE}/organizations/o/deployments")\n'
        'alerts(BASE, "o")\n'
    )
    assert summary(target) == [(3, "AM101", "unsafe"), (7, "AM201", None)]


def test_v1_calls_to_endpoints_v1_lacks_and_host_named_file_paths(tmp_path):
    v1 = tmp_path / "v1a.py"
    v1.write_text('import requests\nrequests.get("https://api.astronomer.io/v1/organizations/o/alerts")\n')
    assert summary(v1) == [(2, "AM201", None)]
    path = tmp_path / "dump.py"
    path.write_text('from pathlib import Path\nP = Path("/srv/api.astronomer.io/platform/v1beta1/dump.json")\n')
    assert check_json(path) == []


def test_prose_is_not_a_base(tmp_path):
    (tmp_path / "usage.sh").write_text('#!/bin/sh\necho "Usage: migrate platform/v1beta1 to v1"\n')
    (tmp_path / "notes.md").write_text("Migrate platform/v1beta1 calls (see the iam/v1beta1 docs).\n"
                                       "Replace `iam/v1beta1` with `v1`.\n")
    assert check_json(tmp_path) == []


def test_a_split_of_an_environment_default_is_not_safe(tmp_path):
    target = tmp_path / "client.py"
    target.write_text(
        'import os\nimport requests\nAPI = os.getenv("ASTRO_API", "https://api.astronomer.io/platform/v1beta1")\n'
        'requests.get(f"{API}/organizations/o/deployments")\nrequests.get(f"{API}/organizations/o/alerts")\n'
    )
    (split,) = [f for f in check_json(target) if f["code"] == "AM202"]
    assert split["fix"]["applicability"] == "unsafe" and "environment variable" in split["fix"]["message"]


def test_a_full_stop_after_a_url_ends_the_sentence(tmp_path):
    target = tmp_path / "runbook.md"
    target.write_text("The OpenAPI spec is at https://api.astronomer.io/spec/platform/v1beta1.\n"
                      "See https://api.astronomer.io/platform/v1beta1/organizations/{organizationId}/deployments.\n")
    assert summary(target) == [(1, "AM103", "safe"), (2, "AM101", "safe")]


def test_a_text_field_change_names_the_call_it_belongs_to(tmp_path):
    target = tmp_path / "tokens.sh"
    target.write_text(
        'curl -X POST "https://api.astronomer.io/iam/v1beta1/organizations/$ORG/tokens/$T/rotate"\n'
        'curl -s "https://api.astronomer.io/iam/v1beta1/organizations/$ORG/tokens/$T" | jq -r .type\n'
    )
    (field,) = [f for f in check_json(target) if f["code"] == "AM301"]
    assert "GetApiToken" in field["message"] and field["endpoint"]["operation_id"] == "GetApiToken"


def test_a_session_that_appends_paths_to_an_organization_base(tmp_path):
    target = tmp_path / "session.py"
    target.write_text(
        "import requests\n\n\nclass AstroSession(requests.Session):\n"
        "    def __init__(self, org):\n        super().__init__()\n"
        '        self.base = "https://api.astronomer.io/iam/v1beta1/organizations/" + org\n\n'
        "    def request(self, method, url, *a, **kw):\n"
        "        return super().request(method, self.base + url, *a, **kw)\n\n\n"
        's = AstroSession("o1")\ns.get("/users")\ns.get("/notification-channels")\n'
    )
    assert summary(target) == [(7, "AM101", "unsafe"), (15, "AM201", None)]


def test_a_double_slash_after_the_host_is_still_the_astro_api(tmp_path):
    target = tmp_path / "client.py"
    target.write_text(
        'import requests\nBASE = "https://api.astronomer.io/"\n'
        'requests.get(BASE + "/platform/v1beta1/organizations/o/alerts")\n'
        'requests.get("https://api.astronomer.io//platform/v1beta1/organizations/o/clusters")\n'
    )
    assert summary(target) == [(3, "AM201", None), (4, "AM101", "safe")]
