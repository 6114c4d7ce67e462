"""One `--fix` reaches the fixpoint; fixes apply whole; "N fixable" is what `--fix` changes.

Regressions (issue 11, item 7): a field rename that depended on a base split was applied only
by a second `--fix`; the summary counted AM302 as fixable though `--fix` would not change it;
an overlapping edit was dropped silently, so a three-edit split could be half applied.
"""
from __future__ import annotations

import datetime
import os
import shutil
import sys
import types
from pathlib import Path

import pytest

from migrator import report
from migrator.api import check
from migrator.engine.findings import Edit, Finding, Fix
from migrator.fix import edits
from migrator.fix.plan import WAITS_FOR_BASE, Target, plan
from migrator.options import Options

TODAY = datetime.date(2026, 11, 28)
V1BETA1 = "https://api.astronomer.io/platform/v1beta1"
FIELDS_AND_SPLIT = f'''import requests

BASE = "{V1BETA1}"


def identity():
    d = requests.get(f"{{BASE}}/organizations/o/deployments/x").json()
    return d["workloadIdentity"]


def alerts():
    return requests.get(f"{{BASE}}/organizations/o/alerts")
'''


class Response(dict):
    def json(self):
        return self


def run_module(path, monkeypatch) -> types.SimpleNamespace:
    """Execute a fixed module; `requests.get(url)` answers with the URL under both field names
    (no network), so a function shows the URL it requested and the key it reads."""
    def get(url, **_):
        return Response(
            url=url, workloadIdentity=("workloadIdentity", url), effectiveWorkloadIdentity=("effective", url)
        )

    monkeypatch.setitem(sys.modules, "requests", types.SimpleNamespace(get=get))
    namespace: dict = {}
    exec(compile(path.read_bytes(), str(path), "exec"), namespace)  # noqa: S102 - the test runs the fixed code
    return types.SimpleNamespace(**namespace)


def summary_line(result) -> str:
    return report.build(result, 34, "2027-01-01").summary()


def test_a_rename_that_depends_on_a_split_is_fixed_by_the_same_run(tmp_path, monkeypatch):
    target = tmp_path / "client.py"
    target.write_text(FIELDS_AND_SPLIT)
    before = check([target], Options(no_cache=True, today=TODAY))
    assert "2 fixable" in summary_line(before)
    fixed = check([target], Options(fix=True, no_cache=True, today=TODAY))
    assert sum(f.fixed for f in fixed.files) == 2
    assert report.build(fixed, 34, "2027-01-01").fixable == 0
    module = run_module(target, monkeypatch)
    assert module.identity() == ("effective", "https://api.astronomer.io/v1/organizations/o/deployments/x")
    assert module.alerts()["url"] == f"{V1BETA1}/organizations/o/alerts"
    text = target.read_bytes()
    assert sum(f.fixed for f in check([target], Options(fix=True, no_cache=True, today=TODAY)).files) == 0
    assert target.read_bytes() == text


def test_diff_shows_the_fixpoint_and_writes_nothing(tmp_path):
    target = tmp_path / "client.py"
    target.write_text(FIELDS_AND_SPLIT)
    result = check([target], Options(diff=True, no_cache=True, today=TODAY))
    diff = b"".join(f.diff for f in result.files).decode()
    assert '+    return d["effectiveWorkloadIdentity"]' in diff
    assert f'+BASE_V1BETA1 = "{V1BETA1}"' in diff
    assert target.read_text() == FIELDS_AND_SPLIT


def test_a_rename_whose_base_is_not_rewritten_is_not_fixable_and_says_why(tmp_path):
    target = tmp_path / "client.py"
    target.write_text(FIELDS_AND_SPLIT)
    only_fields = Options(select=("AM302",), no_cache=True, today=TODAY)
    result = check([target], only_fields)
    (finding,) = [f for _, f in result.findings]
    assert finding.code == "AM302" and finding.fix.refused == WAITS_FOR_BASE
    assert "0 fixable" in summary_line(result)
    check([target], Options(fix=True, select=("AM302",), no_cache=True, today=TODAY))
    assert target.read_text() == FIELDS_AND_SPLIT


FIXTURE_GROUPS = sorted(p.name for p in (Path(__file__).parent / "fixtures").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", [f"tests/fixtures/{group}" for group in FIXTURE_GROUPS] + ["examples"])
def test_fixable_count_is_what_fix_changes_and_a_second_fix_changes_no_byte(tmp_path, folder):
    """Each fixture group is a project of its own (so the groups spread over the test workers)."""
    source = Path(__file__).parent.parent / folder
    tree = tmp_path / "tree"
    shutil.copytree(source, tree)
    counted = check([tree], Options(no_cache=True, today=TODAY))
    fixable = report.build(counted, 34, "2027-01-01").fixable
    fixed = check([tree], Options(fix=True, no_cache=True, today=TODAY))
    assert sum(f.fixed for f in fixed.files) == fixable
    assert report.build(fixed, 34, "2027-01-01").fixable == 0
    snapshot = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    again = check([tree], Options(fix=True, no_cache=True, today=TODAY))
    assert sum(f.fixed for f in again.files) == 0
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == snapshot


# -- whole fixes and deferral, on a real text --------------------------------------------------

TEXT = 'BASE = "https://api.astronomer.io/platform/v1beta1"\nrequests.get(f"{BASE}/organizations/o/alerts")\n'


def finding(code: str, *spans) -> Finding:
    """A finding whose fix replaces each (text, content) at the text's first place in TEXT."""
    made = tuple(Edit(TEXT.index(old), TEXT.index(old) + len(old), new, old) for old, new in spans)
    return Finding(code, code, made[0].start, made[0].end, fix=Fix("safe", code, made))


def test_an_overlapping_fix_waits_for_the_next_pass_and_the_first_applies_whole():
    split = finding("AM202", ("platform/v1beta1", "v1"), ("{BASE}", "{BASE_V1BETA1}"), ("alerts", "alerts"))
    overlapping = finding("AM999", ("BASE}/organizations", "X}/organizations"))
    planned = plan([Target("c.py", "python", TEXT, (split, overlapping))], unsafe=False)
    (change,) = planned.changes.values()
    assert change.fixed == [split]
    assert change.new == TEXT.replace("platform/v1beta1", "v1").replace("{BASE}", "{BASE_V1BETA1}")
    assert planned.deferred == [("c.py", overlapping)]


def test_applying_overlapping_edits_raises_instead_of_dropping_one():
    first, second = Edit(0, 4, "NAME", "BASE"), Edit(2, 6, "xx", "SE =")
    with pytest.raises(edits.Conflict):
        edits.apply(TEXT, [first, second])
    with pytest.raises(edits.Conflict):
        edits.apply(TEXT, [Edit(5, 5, "a", ""), Edit(5, 5, "b", "")])  # two insertions at one place
    assert edits.apply(TEXT, [Edit(0, 0, "# x\n", ""), Edit(0, 4, "NAME", "BASE")]).startswith("# x\nNAME =")


def test_a_fix_that_would_break_its_file_is_refused_and_the_others_apply():
    breaking = finding("AM101", ("platform/v1beta1", 'v1"'))
    fine = finding("AM999", ("alerts", "alerts2"))
    planned = plan([Target("c.py", "python", TEXT, (breaking, fine))], unsafe=False)
    assert "no longer load as python" in planned.refused[("c.py", breaking)]
    assert planned.changes["c.py"].new == TEXT.replace("/alerts", "/alerts2")


def test_a_rename_that_follows_a_base_in_a_file_left_unwritten_is_not_written(tmp_path, monkeypatch):
    settings, client = tmp_path / "astro_settings.py", tmp_path / "client.py"
    settings.write_text(f'BASE = "{V1BETA1}"\n')
    client.write_text(
        "import requests\nfrom astro_settings import BASE\n\n\ndef identity():\n"
        '    d = requests.get(f"{BASE}/organizations/o/deployments/x").json()\n    return d["workloadIdentity"]\n'
    )
    planned = check([tmp_path], Options(no_cache=True, today=TODAY))
    assert {(os.path.basename(f.path), x.code) for f, x in planned.findings if x.fix} == {
        ("astro_settings.py", "AM101"), ("client.py", "AM302")}
    before = client.read_bytes()
    settings.chmod(0o444)
    result = check([tmp_path], Options(fix=True, no_cache=True, today=TODAY))
    errors = {os.path.basename(f.path): f.error for f in result.files if f.error}
    assert errors["astro_settings.py"].startswith("not fixed: read-only")
    assert "follow those of" in errors["client.py"]
    assert client.read_bytes() == before
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.chmod(0o644)
    check([tmp_path], Options(fix=True, no_cache=True, today=TODAY))
    module = run_module(client, monkeypatch)
    assert module.identity() == ("effective", "https://api.astronomer.io/v1/organizations/o/deployments/x")
