"""Regressions from the review of bases assembled from parts (text/joins.py): each file is checked
and fixed for real, and where a runtime is installed the fixed code is run to show the URL it builds."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "text_joins_review"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def check(tmp_path: Path, name: str, text: str, *flags: str) -> tuple:
    """Write `text` to tmp_path/name: its findings, then its text after `check FLAGS` (a fix)."""
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    result = run_cli("check", "--output-format", "json", target)
    assert result.returncode in (0, 1), result.stderr
    if flags:
        assert run_cli("check", *flags, target).returncode in (0, 1)
    return json.loads(result.stdout), target.read_text(encoding="utf-8")


def by_row(findings: list) -> dict:
    rows: dict = {}
    for finding in findings:
        rows.setdefault(finding["location"]["row"], []).append(finding)
    return rows


def node_prints(script: str) -> list:
    """The lines `script` prints under node, `fetch` printing its URL."""
    assert NODE is not None
    ran = subprocess.run([NODE, "-e", "const fetch = (u) => console.log(u);\n" + script],
                         capture_output=True, text=True, timeout=30)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.splitlines()


# 3 (severe): the tail after a base assembled from parts includes what is concatenated onto its string.
BLOCKED_TAIL_JS = """const HOST = "https://api.astronomer.io";
const VER = "v1beta1";
const org = "O", kind = "deployments";
fetch(`${HOST}/platform/${VER}/organizations/${org}/` + "alerts");
fetch(`${HOST}/platform/${VER}/organizations/${org}/` + kind);
fetch(`${HOST}/platform/${VER}/organizations/${org}`);
"""


def test_a_blocked_call_concatenated_onto_a_joined_base_is_never_rewritten(tmp_path):
    findings, fixed = check(tmp_path, "client.js", BLOCKED_TAIL_JS, "--fix")
    rows = by_row(findings)
    assert [f["code"] for f in rows[4]] == ["AM201"] and rows[4][0]["fix"] is None
    assert all(f["fix"] is None or f["fix"]["applicability"] == "unsafe" for f in rows[5])
    assert rows[5] and rows[6][0]["fix"]["applicability"] == "safe"
    lines = fixed.splitlines()
    assert lines[3:5] == BLOCKED_TAIL_JS.splitlines()[3:5]  # both left as they were
    if NODE:
        assert node_prints(fixed)[0] == "https://api.astronomer.io/platform/v1beta1/organizations/O/alerts"
        assert node_prints(fixed)[2] == "https://api.astronomer.io/v1/organizations/O"


def test_a_blocked_call_concatenated_onto_a_groovy_string_is_never_rewritten(tmp_path):
    text = ("def HOST = 'https://api.astronomer.io'\ndef VER = 'v1beta1'\nnode {\n"
            '  sh "curl ${HOST}/platform/${VER}/organizations/${ORG}/" + "alerts"\n}\n')
    findings, fixed = check(tmp_path, "Jenkinsfile", text, "--fix")
    assert [(f["location"]["row"], f["code"]) for f in findings] == [(4, "AM201")]
    assert fixed == text


# 1: an edit across strings with different quote characters keeps every string well formed.
MIXED_QUOTES_JS = """const org = 'O';
fetch('https://api.astronomer.io/platform' + "/v1beta1/organizations/" + org + "/deployments");
fetch("https://api.astronomer.io/iam" + '/v1beta1/organizations/' + org + '/teams');
fetch("https://api.astronomer.io/platform" + "/v1beta1/organizations/" + org);
"""


def test_a_fix_across_strings_with_different_quotes_keeps_them_well_formed(tmp_path):
    findings, fixed = check(tmp_path, "client.js", MIXED_QUOTES_JS, "--fix")
    assert [f["fix"]["applicability"] for f in findings] == ["safe"] * 3
    expected = """fetch('https://api.astronomer.io/v1' + "/organizations/" + org + "/deployments");"""
    assert fixed.splitlines()[1] == expected
    if NODE:
        assert node_prints(fixed) == ["https://api.astronomer.io/v1/organizations/O/deployments",
                                      "https://api.astronomer.io/v1/organizations/O/teams",
                                      "https://api.astronomer.io/v1/organizations/O"]


# 2: an operand an unsafe fix removes goes with its operator.
REMOVED_OPERAND_JS = """const org = 'O';
const BASE = "https://api.astronomer.io/platform";
const URL = BASE + "/v1beta1";
fetch(BASE + "/v1beta1" + "/organizations/" + org + "/deployments");
fetch(URL + "/organizations/" + org);
"""


def test_an_operand_removed_by_an_unsafe_fix_takes_its_operator(tmp_path):
    findings, fixed = check(tmp_path, "client.js", REMOVED_OPERAND_JS, "--fix", "--unsafe-fixes")
    assert {f["fix"]["applicability"] for f in findings if f["fix"]} == {"unsafe"}
    lines = fixed.splitlines()
    assert lines[2:4] == ["const URL = BASE;", 'fetch(BASE + "/organizations/" + org + "/deployments");']
    if NODE:
        assert node_prints(fixed) == ["https://api.astronomer.io/v1/organizations/O/deployments",
                                      "https://api.astronomer.io/v1/organizations/O"]


# 4: a Postman request's `url.raw` and `path` array move together; the array's path ends at the array.
POSTMAN = (FIXTURES / "coll.postman_collection.json").read_text(encoding="utf-8")


def test_a_postman_requests_raw_url_and_path_array_are_fixed_together(tmp_path):
    findings, fixed = check(tmp_path, "coll.postman_collection.json", POSTMAN, "--fix")
    assert not any("}}}" in f["message"] for f in findings)
    assert [f["code"] for f in findings if f["location"]["row"] == 2] == ["AM201", "AM201"]
    requests = {item["name"]: item["request"]["url"] for item in json.loads(fixed)["item"]}
    assert requests["a"]["path"][:2] == ["platform", "v1beta1"] and "/platform/v1beta1/" in requests["a"]["raw"]
    assert requests["b"]["raw"] == "{{baseUrl}}/v1/organizations/{{org}}/deployments"
    assert requests["b"]["path"] == ["v1", "organizations", "{{org}}", "deployments"]
    assert requests["d"]["path"] == ["v1", "organizations", ":org", "deployments"]


# 6: a host-less base joined from parts, with no endpoint after it, is Astro's only with Astro context.
def test_joined_host_less_prefixes_need_astro_evidence(tmp_path):
    deps = (FIXTURES / "deps.go").read_text(encoding="utf-8")
    assert check(tmp_path, "deps.go", deps)[0] == []
    astro = deps + 'var astroHost = "https://api.astronomer.io"\n'
    assert [f["location"]["row"] for f in check(tmp_path, "deps.go", astro)[0]] == [11, 12]


# 7: `for`, `read`, `printf -v`, `export`, `declare`/`local` and `+=` bind a name too.
@pytest.mark.parametrize("binding", ["for VER in v1; do :; done", "read -r VER < version.txt",
                                     "printf -v VER '%s' v1", "export VER", "local VER", "declare -x VER",
                                     "VER+=-rc"])
def test_a_name_bound_again_in_a_shell_script_is_not_a_known_value(tmp_path, binding):
    script = (FIXTURES / "rebound.sh").read_text(encoding="utf-8").replace("for VER in v1; do :; done", binding)
    findings, _ = check(tmp_path, "a.sh", script)
    assert [f["fix"]["applicability"] for f in findings] == ["unsafe"]
    assert "`VER`" in findings[0]["message"] or "`VER`" in findings[0]["fix"]["message"]


def test_the_fixed_script_calls_v1_and_the_rebound_one_keeps_its_url(tmp_path):
    once = (FIXTURES / "rebound.sh").read_text(encoding="utf-8").replace("for VER in v1; do :; done\n", "")
    _, fixed = check(tmp_path, "a.sh", once, "--fix")
    echo = fixed.replace("curl ", "echo ")
    ran = subprocess.run(["bash", "-c", echo], capture_output=True, text=True, env={"ORG": "O"}, timeout=30)
    assert ran.stdout == "https://api.astronomer.io/v1/organizations/O/deployments\n"
